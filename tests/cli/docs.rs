//! The documentation: README.md and the pages under docs/. Every relative link points to a file
//! of the repository, every `#anchor` into a markdown page to one of its headings, and every
//! `$ churn ...` example prints the lines shown under it.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::{churn, root};

/// README.md and docs/*.md: the pages whose examples are checked.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// Every markdown file whose links are checked: the pages, and the other markdown files of the
/// repository (BENCHMARKS.md, CHANGELOG.md, the READMEs under fixtures/ and tests/).
fn markdown_files() -> Vec<PathBuf> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    collect(&path, out);
                }
            } else if name.ends_with(".md") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == "md") {
            files.push(path);
        }
    }
    for dir in ["docs", "fixtures", "tests", "bench"] {
        collect(&root().join(dir), &mut files);
    }
    files.sort();
    files
}

/// The text of a markdown file outside its fenced code blocks, one entry per line (fenced
/// lines are blank, so line numbers stay right).
fn prose_lines(text: &str) -> Vec<String> {
    let mut fence: Option<String> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        match &fence {
            Some(open) => {
                if trimmed.starts_with(open.as_str()) && trimmed.trim_end() == marker {
                    fence = None;
                }
                out.push(String::new());
            }
            None if marker.len() >= 3
                && marker.chars().all(|c| c == marker.as_bytes()[0] as char) =>
            {
                fence = Some(marker);
                out.push(String::new());
            }
            None => out.push(line.to_string()),
        }
    }
    out
}

/// `text` with its inline code spans (`` `...` ``, also across line ends) blanked out.
fn without_code_spans(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&c| c == '`').count();
        // The closing run: exactly as many backticks.
        let mut j = i + run;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let n = chars[j..].iter().take_while(|&&c| c == '`').count();
                if n == run {
                    close = Some(j);
                    break;
                }
                j += n;
            } else {
                j += 1;
            }
        }
        match close {
            Some(j) => {
                for &c in &chars[i..j + run] {
                    out.push(if c == '\n' { '\n' } else { ' ' });
                }
                i = j + run;
            }
            None => {
                for _ in 0..run {
                    out.push('`');
                }
                i += run;
            }
        }
    }
    out
}

/// GitHub's anchor for a heading: lowercase, punctuation other than `-` and `_` dropped,
/// spaces made `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a markdown file's headings; a repeated heading gets `-1`, `-2`, ... as on
/// GitHub.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = HashSet::new();
    for line in prose_lines(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let heading = line[hashes..].trim().trim_end_matches('#').trim_end();
        let base = slug(heading);
        let n = seen.entry(base.clone()).or_insert(0);
        out.insert(if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        *n += 1;
    }
    out
}

/// The targets of a markdown file's links: inline `[text](target)`, images, and reference
/// definitions `[name]: target`; not in code.
fn link_targets(text: &str) -> Vec<String> {
    let prose = without_code_spans(&prose_lines(text).join("\n"));
    let mut targets = Vec::new();
    let mut rest = prose.as_str();
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let inner = rest.trim_start();
        let target = if let Some(angle) = inner.strip_prefix('<') {
            angle.split('>').next().unwrap_or("")
        } else {
            // Up to the closing parenthesis or a title, allowing balanced parentheses.
            let mut depth = 0usize;
            let end = inner
                .char_indices()
                .find(|&(_, c)| match c {
                    '(' => {
                        depth += 1;
                        false
                    }
                    ')' if depth == 0 => true,
                    ')' => {
                        depth -= 1;
                        false
                    }
                    c => c.is_whitespace(),
                })
                .map_or(inner.len(), |(i, _)| i);
            &inner[..end]
        };
        targets.push(target.to_string());
    }
    for line in prose.lines() {
        let line = line.trim_start();
        if let Some(close) = line.strip_prefix('[').and_then(|l| l.find("]:")) {
            let target = line[1 + close + 2..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            targets.push(target.trim_matches(|c| c == '<' || c == '>').to_string());
        }
    }
    targets
}

/// What is wrong with each relative link of `file` (empty when nothing is).
fn broken_links(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let root = root().canonicalize().unwrap();
    let mut problems = Vec::new();
    for target in link_targets(&text) {
        if target.is_empty() {
            problems.push("an empty link target".to_string());
            continue;
        }
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target.as_str(), None),
        };
        let resolved = if path.is_empty() {
            file.to_path_buf()
        } else {
            if path.starts_with('/') {
                problems.push(format!("`{target}`: absolute path (links are relative)"));
                continue;
            }
            file.parent().unwrap().join(path.replace("%20", " "))
        };
        if !resolved.exists() {
            problems.push(format!("`{target}`: no such file"));
            continue;
        }
        // Within the repository: `..` must not climb out of it.
        let inside = normalize(&resolved.canonicalize().unwrap()).starts_with(&root);
        if !inside {
            problems.push(format!("`{target}`: outside the repository"));
            continue;
        }
        if let Some(anchor) = anchor {
            let is_markdown = resolved.extension().is_some_and(|ext| ext == "md");
            if is_markdown {
                let page = std::fs::read_to_string(&resolved).unwrap();
                if !anchors(&page).contains(anchor) {
                    let shown = normalize(&resolved);
                    let shown = shown.strip_prefix(crate::root()).unwrap_or(&shown);
                    problems.push(format!(
                        "`{target}`: no heading of {} has the anchor `#{anchor}`",
                        shown.display()
                    ));
                }
            }
        }
    }
    problems
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn slugs_follow_githubs_rule() {
    assert_eq!(slug("Quick start"), "quick-start");
    assert_eq!(
        slug("Survey tools' layouts: `--layout`"),
        "survey-tools-layouts---layout"
    );
    assert_eq!(
        slug("How the tagger decides: rules, then a learned second opinion"),
        "how-the-tagger-decides-rules-then-a-learned-second-opinion"
    );
    assert_eq!(
        slug("What `-o` does with what is already there"),
        "what--o-does-with-what-is-already-there"
    );
    assert_eq!(
        slug("Segments and trends: `--by`, `--period`"),
        "segments-and-trends---by---period"
    );
    let page = "# A\n\n```sh\n# not a heading\n```\n\n## A\n### Ünïcode: `x_y`\n";
    let found = anchors(page);
    let expected: HashSet<String> = ["a", "a-1", "ünïcode-x_y"].map(String::from).into();
    assert_eq!(found, expected);
}

#[test]
fn links_are_found_outside_code_only() {
    let text = "See [a](a.md#x), [b](<b c.md>) and ![c](img/c.png \"title\").\n\
                `[not](code.md)` and ``[not](either.md)``\n\
                ```text\n[not](fenced.md)\n```\n\
                [ref]: ref.md\n";
    assert_eq!(
        link_targets(text),
        ["a.md#x", "b c.md", "img/c.png", "ref.md"]
    );
}

#[test]
fn relative_links_and_anchors_exist() {
    let files = markdown_files();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    for page in [
        "README.md",
        "docs/README.md",
        "docs/output.md",
        "BENCHMARKS.md",
    ] {
        assert!(
            names.iter().any(|n| n == page),
            "{page} not checked: {names:?}"
        );
    }
    let mut problems = Vec::new();
    for (file, name) in files.iter().zip(&names) {
        for problem in broken_links(file) {
            problems.push(format!("{name}: {problem}"));
        }
    }
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

/// Every page under docs/ is reachable from the index, and the README links to the index.
#[test]
fn every_page_is_linked_from_the_index() {
    let index = std::fs::read_to_string(root().join("docs/README.md")).unwrap();
    let linked: HashSet<String> = link_targets(&index)
        .into_iter()
        .map(|t| t.split('#').next().unwrap().to_string())
        .collect();
    for page in pages().iter().skip(1) {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        if name != "README.md" {
            assert!(
                linked.contains(&name),
                "docs/README.md does not link {name}"
            );
        }
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(link_targets(&readme).iter().any(|t| t == "docs/README.md"));
}

/// The words of a `$ churn ...` line, as a POSIX shell splits them (quotes, no expansion).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.push(chars.next().unwrap()),
                        c => w.push(c),
                    }
                }
            }
            '\\' => word
                .get_or_insert_with(String::new)
                .push(chars.next().unwrap()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// Each `$ churn ...` line of a page's `text` blocks, with the lines shown under it.
fn examples(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_text = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_text = !in_text && line.trim() == "```text";
            continue;
        }
        if !in_text {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.push((command.to_string(), Vec::new()));
        } else if let Some((_, shown)) = out.last_mut() {
            shown.push(line.to_string());
        }
    }
    out.retain(|(command, _)| command.starts_with("churn "));
    out
}

#[test]
fn shell_words_are_split_as_a_shell_does() {
    assert_eq!(
        shell_words(r#"churn analyze a.csv --where "Churn Label=Yes" -d ';' x\ y"#),
        [
            "churn",
            "analyze",
            "a.csv",
            "--where",
            "Churn Label=Yes",
            "-d",
            ";",
            "x y"
        ]
    );
}

/// Every line shown under a `$ churn ...` line (but blank lines, and `...`, which stands for
/// lines left out) is a line the command prints, on stdout or stderr. A `-o FILE` is written to a temporary folder.
#[test]
fn examples_print_what_the_pages_show() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for page in pages() {
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&page).unwrap();
        for (command, shown) in examples(&text) {
            let mut args = shell_words(&command);
            assert_eq!(args.remove(0), "churn");
            if let Some(o) = args.iter().position(|a| a == "-o" || a == "--output") {
                let file = dir.path().join(&args[o + 1]);
                args[o + 1] = file.to_str().unwrap().to_string();
            }
            let out = churn().args(&args).output().unwrap();
            assert!(
                matches!(out.status.code(), Some(0..=2)),
                "{name}: `{command}` ended with {:?}",
                out.status
            );
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let printed: HashSet<&str> = stdout
                .lines()
                .chain(stderr.lines())
                .map(str::trim_end)
                .collect();
            for line in shown.iter().map(|l| l.trim_end()) {
                if !line.is_empty() && line != "..." && !printed.contains(line) {
                    problems.push(format!(
                        "{name}: `{command}` does not print\n  {line}\nit prints:\n{stderr}{stdout}"
                    ));
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} examples found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
