//! Personal data out of the answers `churn` shows (quotes, unclassified answers): e-mail
//! addresses, phone numbers, card-like and IBAN-like numbers, URLs that carry a token, and
//! `@handles` are replaced by a marker (`[email]`, `[phone]`, `[card]`, `[iban]`, `[url]`,
//! `[handle]`). The rules are written to catch those shapes in any language; what they leave
//! alone matters as much: prices, dates, years, percentages, plan sizes, version numbers.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::{Captures, Regex};

/// The patterns, compiled once.
struct Patterns {
    url: Regex,
    email: Regex,
    iban: Regex,
    number: Regex,
    handle: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        url: Regex::new(r"(?i)\b(?:https?://|www\.)[^\s<>\x22]+").expect("url"),
        email: Regex::new(r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}")
            .expect("email"),
        iban: Regex::new(r"(?i)\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
            .expect("iban"),
        // A run of digits with the separators phone and card numbers are written with.
        number: Regex::new(r"\+?\(?\d[\d \t().\-/]*\d\)?").expect("number"),
        handle: Regex::new(r"(^|[^\p{L}\p{N}_.@])@([\p{L}_][\p{L}\p{N}_.]{1,29})").expect("handle"),
    })
}

/// `text` with its personal data replaced by markers; borrowed when there is none.
pub fn redact(text: &str) -> Cow<'_, str> {
    let p = patterns();
    let mut out = Cow::Borrowed(text);
    let url = p.url.replace_all(&out, |c: &Captures| {
        let u = &c[0];
        if has_token(u) {
            "[url]".to_string()
        } else {
            u.to_string()
        }
    });
    if let Cow::Owned(s) = url {
        out = Cow::Owned(s);
    }
    if let Cow::Owned(s) = p.email.replace_all(&out, "[email]") {
        out = Cow::Owned(s);
    }
    let iban = p.iban.replace_all(&out, |c: &Captures| {
        let digits = c[0].chars().filter(char::is_ascii_digit).count();
        let alnum = c[0].chars().filter(char::is_ascii_alphanumeric).count();
        if alnum >= 15 && digits >= 8 {
            "[iban]".to_string()
        } else {
            c[0].to_string()
        }
    });
    if let Cow::Owned(s) = iban {
        out = Cow::Owned(s);
    }
    if let Cow::Owned(s) = p.number.replace_all(&out, |c: &Captures| number(&c[0])) {
        out = Cow::Owned(s);
    }
    if let Cow::Owned(s) = p.handle.replace_all(&out, "${1}[handle]") {
        out = Cow::Owned(s);
    }
    out
}

/// The markers [`redact`] puts in place of personal data.
pub const MARKERS: [&str; 6] = [
    "[email]", "[phone]", "[card]", "[iban]", "[url]", "[handle]",
];

/// The normalized form of an answer (as unclassified answers are listed), its personal data
/// redacted first: normalizing would break an address into words that still give it away
/// (`jane doe example com`). `None` when the answer has none.
pub fn normalized(text: &str) -> Option<String> {
    let Cow::Owned(redacted) = redact(text) else {
        return None;
    };
    let mut parts: Vec<String> = Vec::new();
    let mut rest = redacted.as_str();
    while let Some((at, marker)) = MARKERS
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, *m)))
        .min()
    {
        parts.push(crate::normalize::normalize(&rest[..at]));
        parts.push(marker.to_string());
        rest = &rest[at + marker.len()..];
    }
    parts.push(crate::normalize::normalize(rest));
    let joined: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    Some(joined.join(" "))
}

/// Whether a URL carries something personal: a query or fragment, or a path segment that looks
/// like a token (16 or more letters, digits, `-` or `_`, with both letters and digits).
fn has_token(url: &str) -> bool {
    let url = url.trim_end_matches(['.', ',', ')', ';', ':', '!']);
    if url.contains(['?', '#', '=']) {
        return true;
    }
    url.split('/').skip(1).any(|seg| {
        seg.len() >= 16
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && seg.chars().any(|c| c.is_ascii_digit())
            && seg.chars().any(|c| c.is_ascii_alphabetic())
    })
}

/// A run of digits and separators as a marker when it is a card or a phone number; else as
/// it was (a price, a date, a year, a count, an order number of up to 8 digits).
fn number(run: &str) -> String {
    let digits = run.chars().filter(char::is_ascii_digit).count();
    let international = run.starts_with('+');
    let card_separators = run
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
    if (13..=19).contains(&digits) && card_separators && !international {
        return "[card]".into();
    }
    let phone = if international {
        (7..=15).contains(&digits)
    } else {
        (9..=15).contains(&digits) && !date_like(run) && !money_list(run)
    };
    if phone {
        "[phone]".into()
    } else {
        run.into()
    }
}

/// A date or a range of years written with separators: `2024-01-15`, `15.01.2024`,
/// `1/15/2024`, `2019-2024`.
fn date_like(run: &str) -> bool {
    let parts: Vec<&str> = run
        .split(['-', '.', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let all_digits = parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !all_digits || run.contains(['(', ')', ' ']) {
        return false;
    }
    match parts.as_slice() {
        [a, b, c] => {
            let lens = (a.len(), b.len(), c.len());
            matches!(
                lens,
                (4, 1..=2, 1..=2) | (1..=2, 1..=2, 2) | (1..=2, 1..=2, 4)
            )
        }
        [a, b] => a.len() == 4 && b.len() == 4,
        _ => false,
    }
}

/// Prices or years listed with spaces (`19.99 29.99 39.99`, `2019 2020 2021`), not the groups
/// of a phone number.
fn money_list(run: &str) -> bool {
    let price = |g: &str| g.split_once('.').is_some_and(|(_, d)| d.len() == 2);
    let year = |g: &str| g.len() == 4 && (g.starts_with("19") || g.starts_with("20"));
    run.contains([' ', '\t']) && run.split_whitespace().all(|g| price(g) || year(g))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn personal_data_is_replaced_in_six_languages() {
        let cases = [
            (
                "Too expensive, call me at +1 (415) 555-2671 or mail jane.doe@example.com",
                "Too expensive, call me at [phone] or mail [email]",
            ),
            (
                "Zu teuer. Rückruf bitte unter 0171 2345678, IBAN DE89 3704 0044 0532 0130 00",
                "Zu teuer. Rückruf bitte unter [phone], IBAN [iban]",
            ),
            (
                "Trop cher, appelez le 06 12 34 56 78 ou écrivez à jérôme@exemple.fr",
                "Trop cher, appelez le [phone] ou écrivez à [email]",
            ),
            (
                "Me cobraron dos veces en la tarjeta 4111 1111 1111 1111, soy @maria_lopez",
                "Me cobraron dos veces en la tarjeta [card], soy [handle]",
            ),
            (
                "Слишком дорого, звоните +7 (912) 345-67-89, почта иван@пример.рф",
                "Слишком дорого, звоните [phone], почта [email]",
            ),
            (
                "Caro demais, veja https://app.example.com/reset?token=ab12cd34ef56 e 4111-1111-1111-1111",
                "Caro demais, veja [url] e [card]",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(redact(text), want, "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_personal_stay() {
        for text in [
            "Price went from $49.99 to $79.99 in 2024",
            "Cancelled on 2024-01-15 after 3 years",
            "Am 15.01.2024 gekündigt, 12,50 € zu viel",
            "Support took 14 days, 24/7 my foot",
            "We went from 5 to 250 users, version 2.3.1 broke it",
            "Used it 2019-2024, see https://example.com/pricing",
            "Paid 19.99 29.99 39.99 across plans",
            "Customer in 2019 2020 2021, then gone",
            "Email support never answered @ all",
            "50% price rise",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn normalized_answers_keep_the_markers_not_the_data() {
        assert_eq!(
            super::normalized("Qwerty: mail Jane.Doe@Example.com, or +44 20 7946 0958!"),
            Some("qwerty mail [email] or [phone]".to_string())
        );
        assert_eq!(super::normalized("too expensive"), None);
    }

    #[test]
    fn an_answer_without_personal_data_is_borrowed() {
        assert!(matches!(
            redact("too expensive"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
