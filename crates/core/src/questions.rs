//! Benchmarks for an exit survey's other questions: the figures that come with the classic
//! benchmark ("after one poor experience, 50% are likely to defect", "65% tell others of a bad
//! experience", ...), each a set of answer buckets with the share the figure claims, and which
//! answers fall in each bucket (words, or a range of numbers for a count or a scale).

/// A set of answer buckets and their claimed shares.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionSet {
    pub name: String,
    /// The question the figure answers, in words.
    pub question: String,
    /// Where the figure comes from, and what to keep in mind.
    pub note: String,
    /// In the order shown; their shares sum to 1.
    pub buckets: Vec<AnswerBucket>,
}

/// One bucket of answers.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerBucket {
    pub id: String,
    pub label: String,
    /// As a fraction.
    pub share: f64,
    /// Answers in this bucket, lowercased (matched after trimming, in any case).
    pub answers: Vec<String>,
    /// A number from `.0` to `.1` (inclusive) is in this bucket.
    pub range: Option<(f64, f64)>,
}

impl QuestionSet {
    /// The bucket an answer falls in: its words, else its number; `None` when neither fits.
    pub fn bucket_of(&self, answer: &str) -> Option<usize> {
        let a = answer
            .trim()
            .trim_end_matches(['.', '!'])
            .trim()
            .to_lowercase();
        if let Some(i) = self.buckets.iter().position(|b| b.answers.contains(&a)) {
            return Some(i);
        }
        let x: f64 = a
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())?;
        self.buckets
            .iter()
            .position(|b| b.range.is_some_and(|(lo, hi)| lo <= x && x <= hi))
    }
}

/// Answers that mean yes, in the languages `churn` reads.
pub const YES: [&str; 18] = [
    "yes",
    "y",
    "true",
    "1",
    "yes i did",
    "yes, i did",
    "ja",
    "j",
    "oui",
    "sí",
    "si",
    "sim",
    "да",
    "tak",
    "ano",
    "evet",
    "はい",
    "是",
];
/// Answers that mean no.
pub const NO: [&str; 16] = [
    "no",
    "n",
    "false",
    "0",
    "no i did not",
    "no, i did not",
    "nein",
    "non",
    "não",
    "nao",
    "нет",
    "nie",
    "ne",
    "hayır",
    "いいえ",
    "否",
];

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A yes/no set: `yes` claims `share`.
fn yes_no(name: &str, question: &str, share: f64, note: &str) -> QuestionSet {
    QuestionSet {
        name: name.into(),
        question: question.into(),
        note: note.into(),
        buckets: vec![
            AnswerBucket {
                id: "yes".into(),
                label: "Yes".into(),
                share,
                answers: words(&YES),
                range: None,
            },
            AnswerBucket {
                id: "no".into(),
                label: "No".into(),
                share: 1.0 - share,
                answers: words(&NO),
                range: None,
            },
        ],
    }
}

/// "How many people did you tell?": ten or more (`share`), or fewer; a yes/no answer to "did
/// you tell ten or more?" counts too.
fn told_ten(name: &str, share: f64, note: &str) -> QuestionSet {
    let mut set = yes_no(
        name,
        "Did you tell ten or more people (or: how many did you tell)?",
        share,
        note,
    );
    set.buckets[0].id = "ten_or_more".into();
    set.buckets[0].label = "10 or more".into();
    set.buckets[0].range = Some((10.0, f64::MAX));
    set.buckets[1].id = "fewer".into();
    set.buckets[1].label = "Fewer than 10".into();
    set.buckets[1].range = Some((0.0, 9.999_999));
    // A number is a count here: "1" is one person, not "yes".
    for b in &mut set.buckets {
        b.answers.retain(|a| a.parse::<f64>().is_err());
    }
    set
}

const FOLKLORE: &str = "Quoted with the classic 68% benchmark in customer-service writing; \
no primary source is known. A point of reference, not a norm.";
const DIXON: &str = "Dixon, Freeman and Toman, \"Stop Trying to Delight Your Customers\", \
Harvard Business Review, July-August 2010 (a survey of customers of contact centres): of the \
customers with a good service experience, 25% told others and 23% told ten or more; of those \
with a bad one, 65% and 48%.";
const CONSUMER_REPORTS: &str = "Consumer Reports National Research Center survey of US \
customers (2011), as quoted: 64% had walked out of a store and 67% had hung up the phone without \
their issue addressed, because of poor service.";

/// The built-in question sets.
pub fn builtin() -> Vec<QuestionSet> {
    vec![
        yes_no(
            "defect-after-one",
            "After one poor experience, did you (or would you) leave?",
            0.50,
            FOLKLORE,
        ),
        yes_no(
            "defect-after-two",
            "After two or more poor experiences, did you (or would you) leave?",
            0.93,
            FOLKLORE,
        ),
        yes_no(
            "complained-publicly",
            "Did you complain publicly (social media, review sites, feedback forms)?",
            0.40,
            FOLKLORE,
        ),
        yes_no(
            "told-others-good",
            "After a good experience, did you tell others about it?",
            0.25,
            DIXON,
        ),
        yes_no(
            "told-others-bad",
            "After a bad experience, did you tell others about it?",
            0.65,
            DIXON,
        ),
        told_ten("told-ten-good", 0.23, DIXON),
        told_ten("told-ten-bad", 0.48, DIXON),
        yes_no(
            "walked-out",
            "Have you walked out of a store because of poor service?",
            0.64,
            CONSUMER_REPORTS,
        ),
        yes_no(
            "hung-up",
            "Have you hung up on hold because of poor service?",
            0.67,
            CONSUMER_REPORTS,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_fall_in_buckets_by_word_or_number() {
        let sets = builtin();
        let bad = sets.iter().find(|s| s.name == "told-others-bad").unwrap();
        assert_eq!(bad.bucket_of(" Yes. "), Some(0));
        assert_eq!(bad.bucket_of("NEIN"), Some(1));
        assert_eq!(bad.bucket_of("Да"), Some(0));
        assert_eq!(bad.bucket_of("maybe"), None);
        let ten = sets.iter().find(|s| s.name == "told-ten-bad").unwrap();
        assert_eq!(ten.bucket_of("12"), Some(0));
        assert_eq!(ten.bucket_of("10"), Some(0));
        assert_eq!(ten.bucket_of("9,5"), Some(1));
        assert_eq!(ten.bucket_of("0"), Some(1));
        assert_eq!(ten.bucket_of("-3"), None);
        assert_eq!(ten.bucket_of("yes"), Some(0));
        assert_eq!(ten.bucket_of("1"), Some(1));
    }

    #[test]
    fn every_builtin_set_sums_to_one() {
        for s in builtin() {
            let sum: f64 = s.buckets.iter().map(|b| b.share).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{}", s.name);
        }
    }
}
