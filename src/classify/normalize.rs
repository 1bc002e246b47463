//! Text normalization shared by answers and rules, so both sides are compared in one form:
//! Unicode compatibility decomposition (NFKD), accents dropped, lowercase, and everything that is
//! not a letter or digit folded to single spaces. "Déménagé!!" and "demenage" become "demenage";
//! "didn’t" becomes "didn t" on both sides.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Normalize `text` into `out` (cleared first), reusing its allocation.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    let mut pending_space = false;
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
}

/// Normalize `text` into a new string.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(normalize("  Déménagé!!  à   PARIS "), "demenage a paris");
        assert_eq!(normalize("didn’t call back..."), "didn t call back");
        assert_eq!(normalize("N/A"), "n a");
        assert_eq!(normalize("Geschäft GESCHLOSSEN"), "geschaft geschlossen");
    }

    #[test]
    fn keeps_cyrillic_and_folds_its_case() {
        assert_eq!(normalize("Не из-за ЦЕНЫ"), "не из за цены");
    }

    #[test]
    fn compatibility_forms_and_symbols() {
        // Full-width letters and ligatures fold to plain letters; emoji and dashes are separators.
        assert_eq!(normalize("ＲＵＤＥ staff 😡"), "rude staff");
        assert_eq!(normalize("ﬁne – ok"), "fine ok");
        assert_eq!(normalize("-"), "");
        assert_eq!(normalize(""), "");
    }
}
