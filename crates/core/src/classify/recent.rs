//! A small memory of the answers classified lately, so that an answer met again (a stock reply,
//! a one-word answer, a form's preset text) costs a hash and a comparison, not a second
//! classification. Bounded: a fixed table of slots, each holding the last answer that hashed to
//! it, and a bounded buffer of their texts, emptied when full. It only saves work: what it
//! gives back is what classifying the answer again would give (what the rules say, the outcome
//! after the learned model, and its confidence).

use std::hash::BuildHasher;

use super::Outcome;

/// What became of an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// The rules' outcome (codes are reconciled with it).
    pub rules: Outcome,
    /// The outcome after the learned model's second opinion (`None`: not asked for, the row
    /// had a code).
    pub outcome: Option<Outcome>,
    pub confidence: Option<f32>,
}

/// Slots in the table (a power of two).
const SLOTS: usize = 1 << 13;
/// Bytes of answer text kept before the memory starts afresh.
const TEXT_LIMIT: usize = 1 << 20;
/// Longer answers are not remembered: they seldom repeat, and cost a long comparison.
const LONGEST: usize = 256;

#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The answer's hash, never 0 (0 marks an empty slot).
    hash: u64,
    start: u32,
    len: u32,
    scored: Scored,
}

const EMPTY: Slot = Slot {
    hash: 0,
    start: 0,
    len: 0,
    scored: Scored {
        rules: Outcome::NoAnswer,
        outcome: None,
        confidence: None,
    },
};

#[derive(Debug, Default)]
pub struct Recent {
    slots: Vec<Slot>,
    text: Vec<u8>,
}

impl Recent {
    /// What became of `answer`: remembered if `enough` says what is remembered will do, else
    /// from `classify` (and then remembered).
    pub fn get_or(
        &mut self,
        answer: &str,
        enough: impl Fn(&Scored) -> bool,
        classify: impl FnOnce() -> Scored,
    ) -> Scored {
        if answer.len() > LONGEST {
            return classify();
        }
        if self.slots.is_empty() {
            self.slots = vec![EMPTY; SLOTS];
        }
        let hash = foldhash::fast::FixedState::default().hash_one(answer.as_bytes()) | 1;
        let i = (hash >> 32) as usize & (SLOTS - 1);
        let slot = self.slots[i];
        if slot.hash == hash
            && &self.text[slot.start as usize..(slot.start + slot.len) as usize]
                == answer.as_bytes()
            && enough(&slot.scored)
        {
            return slot.scored;
        }
        let scored = classify();
        if self.text.len() + answer.len() > TEXT_LIMIT {
            self.text.clear();
            self.slots.fill(EMPTY);
        }
        self.slots[i] = Slot {
            hash,
            start: self.text.len() as u32,
            len: answer.len() as u32,
            scored,
        };
        self.text.extend_from_slice(answer.as_bytes());
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_outcome_of_each_answer_and_stays_bounded() {
        let mut recent = Recent::default();
        let mut calls = 0;
        let mut get = |recent: &mut Recent, answer: &str, outcome: Outcome| {
            recent
                .get_or(
                    answer,
                    |_| true,
                    || {
                        calls += 1;
                        Scored {
                            rules: outcome,
                            outcome: None,
                            confidence: Some(0.5),
                        }
                    },
                )
                .rules
        };
        assert_eq!(
            get(&mut recent, "too pricey", Outcome::Unclassified),
            Outcome::Unclassified
        );
        // Remembered: the closure's (wrong) answer is not asked for.
        assert_eq!(
            get(&mut recent, "too pricey", Outcome::NoAnswer),
            Outcome::Unclassified
        );
        let long = "x".repeat(LONGEST + 1);
        assert_eq!(
            get(&mut recent, &long, Outcome::Involuntary),
            Outcome::Involuntary
        );
        assert_eq!(
            get(&mut recent, &long, Outcome::NoAnswer),
            Outcome::NoAnswer
        );
        // Many distinct answers: the text kept never passes its limit.
        for i in 0..100_000 {
            get(
                &mut recent,
                &format!("answer number {i:0>40}"),
                Outcome::NoAnswer,
            );
            assert!(recent.text.len() <= TEXT_LIMIT);
        }
        assert_eq!(calls, 3 + 100_000);
    }
}
