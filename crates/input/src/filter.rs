//! `--where` filters: keep the rows of an export that hold all customers where a column has
//! (or has not) one of some values. Values are compared trimmed and without regard to case.
//! Pure.

use churn_core::escape::shown;

/// How a filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `COL=VALUE`
    Eq,
    /// `COL!=VALUE`
    Ne,
    /// `COL in A,B,C`
    In,
    /// `COL not in A,B,C`
    NotIn,
}

/// One `--where`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The filter as the user wrote it.
    pub text: String,
    pub column: String,
    pub op: Op,
    /// Compared values, trimmed and lowercased.
    pub values: Vec<String>,
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Split an `in` list on commas (a value with a comma can be quoted: `"a, b"`), dropping
/// surrounding brackets.
fn list(s: &str) -> Result<Vec<String>, String> {
    let s = s.trim();
    let inner = match (s.chars().next(), s.chars().last()) {
        (Some('('), Some(')')) | (Some('['), Some(']')) | (Some('{'), Some('}')) => {
            &s[1..s.len() - 1]
        }
        _ => s,
    };
    // Split on commas outside double quotes; quotes group, and are dropped.
    let mut values = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in inner.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => values.push(fold(&std::mem::take(&mut current))),
            _ => current.push(c),
        }
    }
    if quoted {
        return Err(format!("the list `{}` has an unclosed quote", shown(inner)));
    }
    values.push(fold(&current));
    values.retain(|v| !v.is_empty());
    if values.is_empty() {
        return Err("`in` needs a list of values: COL in A,B,C".into());
    }
    Ok(values)
}

/// Parse `COL=VALUE`, `COL!=VALUE`, `COL in A,B` or `COL not in A,B`.
pub fn parse(s: &str) -> Result<Filter, String> {
    let filter = |column: &str, op, values| -> Result<Filter, String> {
        let column = column.trim();
        if column.is_empty() {
            return Err(format!("`{}` names no column; write COL=VALUE", shown(s)));
        }
        Ok(Filter {
            text: s.to_string(),
            column: column.to_string(),
            op,
            values,
        })
    };
    if let Some((col, value)) = s.split_once("!=") {
        return filter(col, Op::Ne, vec![fold(value)]);
    }
    if let Some((col, value)) = s.split_once('=') {
        return filter(col, Op::Eq, vec![fold(value)]);
    }
    let lower = s.to_ascii_lowercase();
    if let Some(at) = lower.find(" not in ") {
        return filter(&s[..at], Op::NotIn, list(&s[at + 8..])?);
    }
    if let Some(at) = lower.find(" in ") {
        return filter(&s[..at], Op::In, list(&s[at + 4..])?);
    }
    Err(format!(
        "`{}` is not a filter; write COL=VALUE, COL!=VALUE, \"COL in A,B\" or \"COL not in A,B\"",
        shown(s)
    ))
}

impl Filter {
    /// Whether a row whose cell in the filter's column is `cell` (`None`: blank or no such
    /// column in this file) is kept.
    pub fn keeps(&self, cell: Option<&str>) -> bool {
        let cell = fold(cell.unwrap_or(""));
        let found = self.values.contains(&cell);
        match self.op {
            Op::Eq | Op::In => found,
            Op::Ne | Op::NotIn => !found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_form() {
        let f = parse("Churn Label=Yes").unwrap();
        assert_eq!(
            (f.column.as_str(), f.op, f.values.clone()),
            ("Churn Label", Op::Eq, vec!["yes".into()])
        );
        assert!(f.keeps(Some(" YES ")));
        assert!(!f.keeps(Some("No")));
        assert!(!f.keeps(None));
        let f = parse("status != active").unwrap();
        assert_eq!(f.op, Op::Ne);
        assert!(f.keeps(None) && !f.keeps(Some("Active")));
        let f = parse("plan in (Pro, \"Team, annual\", basic)").unwrap();
        assert_eq!(f.values, ["pro", "team, annual", "basic"]);
        assert!(f.keeps(Some("Team, Annual")));
        let f = parse("plan NOT IN free,trial").unwrap();
        assert_eq!(f.op, Op::NotIn);
        assert!(f.keeps(Some("pro")) && !f.keeps(Some("Trial")));
        let f = parse("note=").unwrap();
        assert!(f.keeps(None) && f.keeps(Some("  ")));
    }

    #[test]
    fn rejects_what_is_not_a_filter() {
        assert!(parse("plan").unwrap_err().contains("not a filter"));
        assert!(parse("=yes").unwrap_err().contains("names no column"));
        assert!(parse("plan in ()").is_err());
    }
}
