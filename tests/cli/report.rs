//! `churn report` and `analyze --format html`: one self-contained page whose numbers are those
//! of `--format json`, parsed here as XML; then opened in headless Chromium (see
//! tests/browser/check.mjs) and validated by the Nu Html Checker.

use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;

use crate::{churn, json_of, root, stdout_of, temp_file};

const DEMO: &str = "fixtures/demo/surveys.csv";
const STRIPE: &str = "fixtures/stripe/cancellations.csv";
const ALL: &[&str] = &[
    "--by", "plan", "--period", "quarter", "--weight", "mrr", "--quotes", "2",
];

fn report(args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend(args);
    String::from_utf8(stdout_of(&all)).expect("UTF-8")
}

/// The page as an XML tree (it is well-formed by design; this fails when it is not).
fn parse(html: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(html, opts).expect("the page is well-formed XML")
}

fn section<'a, 'i>(doc: &'a roxmltree::Document<'i>, id: &str) -> Option<roxmltree::Node<'a, 'i>> {
    doc.descendants()
        .find(|n| n.has_tag_name("section") && n.attribute("id") == Some(id))
}

/// A table row's numbers: per key, the value.
type Cells = Vec<(String, Option<f64>)>;

/// The values of the first table of a section: per row id, per key, the values in order.
fn values(doc: &roxmltree::Document<'_>, id: &str) -> Vec<(String, Cells)> {
    let s = section(doc, id).unwrap_or_else(|| panic!("section #{id}"));
    let table = s
        .descendants()
        .find(|n| n.has_tag_name("table"))
        .expect("a table");
    table
        .descendants()
        .filter(|n| n.has_tag_name("tr") && n.attribute("data-id").is_some())
        .map(|tr| {
            let cells = tr
                .children()
                .filter_map(|c| {
                    let key = c.attribute("data-key")?;
                    let v = c
                        .attribute("data-value")
                        .map(|v| v.parse().expect("a number"));
                    Some((key.to_string(), v))
                })
                .collect();
            (tr.attribute("data-id").unwrap().to_string(), cells)
        })
        .collect()
}

fn get(cells: &[(String, Option<f64>)], key: &str) -> Option<f64> {
    cells.iter().find(|(k, _)| k == key).and_then(|(_, v)| *v)
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Every reason's numbers in the page are the JSON's, exactly.
fn reasons_agree(doc: &roxmltree::Document<'_>, json: &Value) {
    let rows = values(doc, "reasons");
    let reasons = json["reasons"].as_array().unwrap();
    assert_eq!(rows.len(), reasons.len());
    for ((id, cells), r) in rows.iter().zip(reasons) {
        assert_eq!(id, r["id"].as_str().unwrap());
        for key in ["count", "share", "benchmark_share", "delta_pp", "weight"] {
            if cells.iter().any(|(k, _)| k == key) {
                assert_eq!(get(cells, key), num(&r[key]), "{id} {key}");
            }
        }
        assert_eq!(get(cells, "ci_lower"), num(&r["ci"]["lower"]), "{id} ci");
    }
}

fn rows_agree(doc: &roxmltree::Document<'_>, json: &Value) {
    let rows = values(doc, "rows");
    for (id, cells) in &rows {
        assert_eq!(
            get(cells, "rows"),
            num(&json["rows"][id.as_str()]),
            "rows.{id}"
        );
    }
    let sum: f64 = [
        "tagged",
        "unclassified",
        "no_answer",
        "involuntary",
        "rejected",
        "filtered_out",
    ]
    .iter()
    .map(|k| {
        rows.iter()
            .find(|(id, _)| id == k)
            .and_then(|(_, c)| get(c, "rows"))
            .unwrap()
    })
    .sum();
    assert_eq!(Some(sum), num(&json["rows"]["read"]));
}

fn groups_agree(doc: &roxmltree::Document<'_>, json: &Value, id: &str, field: &str) {
    let rows = values(doc, id);
    let groups = json[field]["groups"].as_array().unwrap();
    assert_eq!(rows.len(), groups.len());
    for ((key, cells), g) in rows.iter().zip(groups) {
        assert_eq!(key, g["key"].as_str().unwrap());
        assert_eq!(get(cells, "rows"), num(&g["rows"]));
        assert_eq!(get(cells, "tagged"), num(&g["tagged"]));
        let shares: Vec<Option<f64>> = (cells.iter())
            .filter(|(k, _)| k == "share")
            .map(|(_, v)| *v)
            .collect();
        let want: Vec<Option<f64>> = g["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| num(&r["share"]))
            .collect();
        assert_eq!(shares, want, "{id} {key}");
    }
}

#[test]
fn the_reports_numbers_are_those_of_the_json() {
    for args in [
        vec![DEMO],
        [&[DEMO][..], ALL].concat(),
        vec![STRIPE],
        vec![DEMO, "--ci", "wilson", "--attribution", "split"],
    ] {
        let html = report(&args);
        let mut json_args = vec!["analyze"];
        json_args.extend(&args);
        let json = json_of(&json_args);
        let doc = parse(&html);
        reasons_agree(&doc, &json);
        rows_agree(&doc, &json);
        if args.contains(&"--by") {
            groups_agree(&doc, &json, "segments", "segments");
            groups_agree(&doc, &json, "periods", "periods");
            let weight = values(&doc, "weight");
            let customers: f64 = json["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["count"].as_f64().unwrap())
                .sum();
            for ((_, cells), r) in weight.iter().zip(json["reasons"].as_array().unwrap()) {
                assert_eq!(get(cells, "share"), num(&r["share"]));
                assert_eq!(
                    get(cells, "share_of_customers"),
                    Some(r["count"].as_f64().unwrap() / customers)
                );
            }
        }
        // The shown text is the value, rounded: 38.7% for 0.386973.
        let first = &json["reasons"][0];
        let shown = format!("{:.1}%", first["share"].as_f64().unwrap() * 100.0);
        assert!(
            html.contains(&format!("{}\">{shown}</td>", first["share"])),
            "{shown}"
        );
    }
}

#[test]
fn sub_reasons_are_those_of_the_json() {
    let html = report(&[DEMO]);
    let json = json_of(&["analyze", DEMO]);
    let doc = parse(&html);
    let rows = values(&doc, "sub-reasons");
    let mut want = Vec::new();
    for r in json["reasons"].as_array().unwrap() {
        for s in r["sub_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["count"].as_u64() > Some(0))
        {
            want.push((
                format!(
                    "{}.{}",
                    r["id"].as_str().unwrap(),
                    s["id"].as_str().unwrap_or("")
                ),
                s,
            ));
        }
    }
    assert!(!want.is_empty());
    assert_eq!(rows.len(), want.len());
    for ((id, cells), (want_id, s)) in rows.iter().zip(&want) {
        assert_eq!(id, want_id);
        assert_eq!(get(cells, "count"), num(&s["count"]));
        assert_eq!(get(cells, "share"), num(&s["share"]));
        assert_eq!(get(cells, "share_of_tagged"), num(&s["share_of_tagged"]));
    }
}

/// A chart per kind, each with a title and a description, and the sections the flags ask for.
#[test]
fn each_chart_kind_is_drawn_with_words_for_it() {
    let html = report(&[&[DEMO][..], ALL].concat());
    let doc = parse(&html);
    for id in [
        "reasons",
        "sub-reasons",
        "rows",
        "test",
        "weight",
        "periods",
        "segments",
        "quotes",
    ] {
        let s = section(&doc, id).unwrap_or_else(|| panic!("section #{id}"));
        if id == "test" || id == "quotes" {
            continue;
        }
        let svg = s
            .descendants()
            .find(|n| n.has_tag_name("svg"))
            .unwrap_or_else(|| panic!("a chart in #{id}"));
        assert_eq!(svg.attribute("role"), Some("img"));
        let title = svg
            .children()
            .find(|n| n.has_tag_name("title"))
            .expect("a title");
        let desc = svg
            .children()
            .find(|n| n.has_tag_name("desc"))
            .expect("a description");
        assert!(title.text().is_some_and(|t| t.len() > 10), "#{id}");
        assert!(desc.text().is_some_and(|t| t.len() > 20), "#{id}");
        assert!(
            s.descendants().any(|n| n.has_tag_name("table")),
            "#{id} has its table"
        );
    }
    assert!(html.contains("class=\"band\"") && html.contains("class=\"whisker\""));
    assert!(html.contains("class=\"mark\"") && html.contains("Cramér&#39;s V"));
    assert!(html.contains("Where the benchmark comes from."));
    let plain = report(&[DEMO]);
    for id in ["weight", "periods", "segments", "quotes"] {
        assert!(
            section(&parse(&plain), id).is_none(),
            "#{id} without its flag"
        );
    }
}

/// No request of any kind: no link, source, import or URL but the SVG namespace, and a
/// policy that forbids them; under 1 MB with every section.
#[test]
fn the_page_is_self_contained() {
    let html = report(&[&[DEMO][..], ALL, &["--show-unclassified", "20"]].concat());
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none';"));
    let lower = html.to_lowercase();
    for needle in [
        "<link", " src=", " href=", "@import", "url(", "<iframe", "<object", "<img",
    ] {
        assert!(!lower.contains(needle), "{needle}");
    }
    let urls = lower.matches("http://").count() + lower.matches("https://").count();
    let namespaces = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(urls, namespaces);
}

#[test]
fn same_input_same_bytes_and_analyze_html_is_the_report() {
    let args = [&[DEMO][..], ALL].concat();
    let a = report(&args);
    assert_eq!(a, report(&args));
    let mut analyze = vec!["analyze"];
    analyze.extend(&args);
    analyze.extend(["--format", "html"]);
    assert_eq!(a.as_bytes(), stdout_of(&analyze));
}

/// Markup in the data (answers, segment values, file names) is text: the page's only script
/// is its own, and it still parses.
#[test]
fn markup_in_the_data_stays_text() {
    let csv = "reason,plan\n\"too expensive </q><script>alert(1)</script>\",<b>Pro</b>\n\"the price <img src=x onerror=alert(2)> is too high\",\"</td></tr></table><script>alert(3)</script>\"\n\"bugs everywhere \u{1b}[2J & ]]>\",x\n";
    let (_dir, path) = temp_file("x<i>.csv", csv);
    let html = report(&[&path, "--by", "plan", "--quotes", "3", "--no-redact"]);
    let doc = parse(&html);
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("script"))
            .count(),
        1
    );
    assert!(!doc
        .descendants()
        .any(|n| n.has_tag_name("img") || n.has_tag_name("b") || n.has_tag_name("i")));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}'));
}

#[test]
fn a_report_of_nothing_tagged_says_so() {
    let html = report(&["fixtures/hostile/nothing_tagged.csv"]);
    parse(&html);
    assert!(html.contains("No row was tagged, so there are no shares to draw."));
}

/// The browser checks need Chromium, Java and two npm packages; `tests/browser/setup.sh`
/// installs what is missing, once per run. `CHURN_SKIP_BROWSER=1` skips them (said on stderr).
fn browser(name: &str, args: &[&str]) {
    static SETUP: Mutex<Option<bool>> = Mutex::new(None);
    if std::env::var_os("CHURN_SKIP_BROWSER").is_some() {
        eprintln!("skipped: CHURN_SKIP_BROWSER is set");
        return;
    }
    {
        let mut done = SETUP.lock().unwrap_or_else(|e| e.into_inner());
        if done.is_none() {
            let ok = std::process::Command::new("bash")
                .arg(root().join("tests/browser/setup.sh"))
                .status()
                .is_ok_and(|s| s.success());
            *done = Some(ok);
        }
        assert_eq!(*done, Some(true), "tests/browser/setup.sh failed");
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join(format!("{name}.html"));
    let mut all = vec!["report"];
    all.extend(args);
    churn().args(&all).arg("-o").arg(&page).assert().success();
    let out = std::process::Command::new("node")
        .arg(root().join("tests/browser/check.mjs"))
        .arg(&page)
        .arg(dir.path().join("shots"))
        .output()
        .expect("node runs");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name}: {summary}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_str(&summary).expect("a JSON summary");
    assert!(summary["charts"].as_array().unwrap().len() >= 2);
    assert!(Path::new(&dir.path().join("shots/light.png")).exists());
}

#[test]
fn browser_demo() {
    browser("demo", &[DEMO, "--quotes", "2"]);
}

#[test]
fn browser_stripe() {
    browser("stripe", &[STRIPE]);
}

#[test]
fn browser_by_period_and_weight() {
    browser("all", &[&[DEMO][..], ALL].concat());
}
