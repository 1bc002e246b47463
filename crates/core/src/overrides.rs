//! Corrections that last: an overrides file gives, per response id, the outcome a person decided
//! (a reason, `reason.sub`, `@none`, or `unclassified`, `no_answer`, `involuntary`), which wins
//! over the tagger on every run. Pure: rows of the file in, the lookup out; the file is read at
//! the edge.

use std::collections::HashMap;

use crate::classify::{Outcome, ReasonSet, Source, Tag};
use crate::taxonomy::Taxonomy;

/// What an override makes of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A reason, and maybe one of its sub-reasons (an index into its `subs`).
    Reason(usize, Option<u8>),
    Unclassified,
    /// `@none` or `no_answer`: the row states no reason.
    NoAnswer,
    Involuntary,
}

impl Target {
    /// Read a value of the reason column: a reason's id or label, `reason.sub`, `@none`, or
    /// `unclassified`, `no_answer`, `involuntary` (case, accents, spaces and punctuation aside,
    /// as `churn evaluate` reads its labels).
    pub fn parse(value: &str, taxonomy: &Taxonomy) -> Option<Target> {
        use crate::normalize::squash;
        let value = value.trim();
        if value == "@none" {
            return Some(Target::NoAnswer);
        }
        let reason = |v: &str| {
            let key = squash(v);
            (taxonomy.reasons.iter()).position(|r| squash(&r.id) == key || squash(&r.label) == key)
        };
        if let Some((r, sub)) = value.split_once('.') {
            let r = reason(r)?;
            let key = squash(sub);
            let s = (taxonomy.reasons[r].subs.iter())
                .position(|s| squash(&s.id) == key || squash(&s.label) == key)?;
            return Some(Target::Reason(r, Some(u8::try_from(s).ok()?)));
        }
        if let Some(r) = reason(value) {
            return Some(Target::Reason(r, None));
        }
        match squash(value).as_str() {
            "unclassified" => Some(Target::Unclassified),
            "noanswer" => Some(Target::NoAnswer),
            "involuntary" => Some(Target::Involuntary),
            _ => None,
        }
    }

    /// The row's outcome: a reason is the row's only one, from [`Source::Override`].
    pub fn outcome(self) -> Outcome {
        match self {
            Target::Reason(primary, sub) => Outcome::Tagged(Tag {
                primary,
                reasons: ReasonSet::one(primary),
                source: Source::Override,
                conflict: None,
                sub,
                competitor: None,
            }),
            Target::Unclassified => Outcome::Unclassified,
            Target::NoAnswer => Outcome::NoAnswer,
            Target::Involuntary => Outcome::Involuntary,
        }
    }
}

/// One line of an overrides file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub id: String,
    pub target: Target,
    /// The value as written in the reason column.
    pub written: String,
    pub note: Option<String>,
    /// The file line it is on.
    pub line: u64,
}

/// The overrides of a file, by id.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The file, as named.
    pub path: String,
    /// The export's id column: the file's first header.
    pub id_column: String,
    list: Vec<Override>,
    by_id: HashMap<String, u32>,
}

impl Overrides {
    /// The overrides of `path`; an id given twice is an error naming both lines.
    pub fn new(path: &str, id_column: &str, list: Vec<Override>) -> Result<Overrides, String> {
        let mut by_id = HashMap::with_capacity(list.len());
        for (k, o) in list.iter().enumerate() {
            if let Some(&first) = by_id.get(o.id.as_str()) {
                let first: &Override = &list[first as usize];
                return Err(format!(
                    "line {}: id `{}` is overridden already on line {}; keep one line per id",
                    o.line, o.id, first.line
                ));
            }
            let k = u32::try_from(k).map_err(|_| "more than 4 billion overrides".to_string())?;
            by_id.insert(o.id.clone(), k);
        }
        Ok(Overrides {
            path: path.to_string(),
            id_column: id_column.to_string(),
            list,
            by_id,
        })
    }

    /// The override of a row with this id (trimmed), by its number.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.by_id.get(id.trim()).copied()
    }

    pub fn get(&self, k: u32) -> &Override {
        &self.list[k as usize]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every override, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Override> {
        self.list.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, target: Target, line: u64) -> Override {
        Override {
            id: id.into(),
            target,
            written: String::new(),
            note: None,
            line,
        }
    }

    #[test]
    fn targets_are_read_as_labels_are() {
        let t = crate::config::builtin_taxonomy();
        let moved = t.position("moved").unwrap();
        let dis = t.position("dissatisfaction").unwrap();
        let price = t.reasons[dis].subs.iter().position(|s| s.id == "price");
        assert_eq!(
            Target::parse("moved", &t),
            Some(Target::Reason(moved, None))
        );
        assert_eq!(
            Target::parse(" Moved ", &t),
            Some(Target::Reason(moved, None))
        );
        assert_eq!(
            Target::parse("dissatisfaction.price", &t),
            Some(Target::Reason(dis, price.map(|p| p as u8)))
        );
        assert_eq!(Target::parse("@none", &t), Some(Target::NoAnswer));
        assert_eq!(Target::parse("no_answer", &t), Some(Target::NoAnswer));
        assert_eq!(
            Target::parse("Unclassified", &t),
            Some(Target::Unclassified)
        );
        assert_eq!(Target::parse("involuntary", &t), Some(Target::Involuntary));
        assert_eq!(Target::parse("pricey", &t), None);
        assert_eq!(Target::parse("moved.nowhere", &t), None);
        assert_eq!(Target::parse("", &t), None);
    }

    #[test]
    fn an_id_twice_is_an_error_and_ids_are_found_trimmed() {
        let err = Overrides::new(
            "o.csv",
            "id",
            vec![
                line("7", Target::NoAnswer, 2),
                line("7", Target::Unclassified, 5),
            ],
        )
        .unwrap_err();
        assert!(err.contains("line 5") && err.contains("line 2"), "{err}");
        let o = Overrides::new("o.csv", "id", vec![line("7", Target::NoAnswer, 2)]).unwrap();
        assert_eq!(o.find(" 7 "), Some(0));
        assert_eq!(o.find("8"), None);
        assert_eq!(o.get(0).target.outcome(), Outcome::NoAnswer);
    }
}
