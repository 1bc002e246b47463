//! The statistics through the binary: intervals, the test against the benchmark and its exact
//! fallback, verdicts, benchmark buckets, weights, segments, periods and `churn compare`. The
//! fixtures in `fixtures/stats/` have reason counts equal to reference cases, so expected
//! numbers come from scipy/statsmodels (`tests/reference/`), not from this code.

use serde_json::Value;

use crate::{failure, json_of, reason, root, stdout_of, temp_file};

const BEFORE: &str = "fixtures/stats/before.csv";
const AFTER: &str = "fixtures/stats/after.csv";
const SEGMENTS: &str = "fixtures/stats/segments.csv";
const SMALL: &str = "fixtures/small/surveys.csv";

fn reference(file: &str) -> Value {
    let text = std::fs::read_to_string(root().join("tests/reference").join(file)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn case(file: &str, name: &str, i: usize) -> Value {
    reference(file)[name][i].clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The JSON rounds shares and bounds to 6 decimals and p-values to 6 significant digits.
fn near(actual: &Value, expected: f64, what: &str) {
    let a = f(actual);
    let tol = (expected.abs() * 1e-5).max(1e-6);
    assert!((a - expected).abs() <= tol, "{what}: {a} vs {expected}");
}

const IDS: [&str; 6] = [
    "died",
    "moved",
    "friend_referral",
    "better_product",
    "dissatisfaction",
    "indifference",
];

#[test]
fn goodman_intervals_by_default_match_statsmodels() {
    let report = json_of(&["analyze", BEFORE]);
    assert_eq!(report["confidence"], 0.95);
    // before.csv has the counts of the first goodman case.
    let c = case("stats_vectors.json", "goodman", 0);
    for (i, id) in IDS.iter().enumerate() {
        let ci = &reason(&report, id)["ci"];
        assert_eq!(ci["method"], "goodman");
        near(&ci["lower"], f(&c["lower"][i]), id);
        near(&ci["upper"], f(&c["upper"][i]), id);
    }
}

#[test]
fn wilson_intervals_on_request_match_statsmodels() {
    let report = json_of(&["analyze", AFTER, "--ci", "wilson"]);
    // after.csv: indifference 68 of 100, dissatisfaction 14 of 100 (wilson cases 4 and 5).
    for (id, k) in [("indifference", 3), ("dissatisfaction", 4)] {
        let c = case("stats_vectors.json", "wilson", k);
        let ci = &reason(&report, id)["ci"];
        assert_eq!(ci["method"], "wilson");
        near(&ci["lower"], f(&c["lower"]), id);
        near(&ci["upper"], f(&c["upper"]), id);
    }
    // A 99% interval is wider.
    let wide = json_of(&["analyze", AFTER, "--ci", "wilson", "--confidence", "0.99"]);
    let w = &reason(&wide, "indifference")["ci"];
    let n = &reason(&report, "indifference")["ci"];
    assert!(f(&w["lower"]) < f(&n["lower"]) && f(&w["upper"]) > f(&n["upper"]));
    assert_eq!(wide["confidence"], 0.99);
}

#[test]
fn binomial_tests_holm_and_verdicts_per_reason() {
    let report = json_of(&["analyze", BEFORE]);
    let c = case("extra_vectors.json", "holm_before", 0);
    for (i, id) in IDS.iter().enumerate() {
        let r = reason(&report, id);
        near(&r["p_value"], f(&c["p_values"][i]), id);
        near(&r["p_value_adjusted"], f(&c["adjusted"][i]), id);
    }
    // The same p-values as stats_vectors.json's binomial cases 1-3.
    let b = case("stats_vectors.json", "binomial_two_sided", 0);
    near(
        &reason(&report, "indifference")["p_value"],
        f(&b["p_value"]),
        "binomial",
    );
    // Standardized residuals as scipy's chisquare case 1.
    let chi = case("stats_vectors.json", "chisquare_gof", 0);
    for (i, id) in IDS.iter().enumerate() {
        near(
            &reason(&report, id)["std_residual"],
            f(&chi["std_residuals"][i]),
            id,
        );
    }
    let verdicts: Vec<&str> = IDS
        .iter()
        .map(|id| reason(&report, id)["verdict"].as_str().unwrap())
        .collect();
    // Adjusted p at most 0.05: moved, better_product, dissatisfaction above; indifference below.
    assert_eq!(
        verdicts,
        [
            "consistent",
            "above",
            "consistent",
            "above",
            "above",
            "below"
        ]
    );
    let table = String::from_utf8(stdout_of(&["analyze", BEFORE])).unwrap();
    let row = table
        .lines()
        .find(|l| l.contains(" indifference "))
        .unwrap();
    assert!(
        row.contains('▼') && row.contains("40.0% (28.1-53.2)"),
        "{row}"
    );
    assert!(table.contains("Holm-adjusted"), "{table}");
}

#[test]
fn small_expected_counts_switch_to_the_exact_test() {
    // 9 tagged rows: expected `died` is 0.09; 2002 outcomes are enumerated.
    let report = json_of(&["analyze", SMALL]);
    let c = case("extra_vectors.json", "exact_small", 0);
    assert_eq!(report["test"]["method"], "exact-multinomial");
    near(&report["test"]["p_value"], f(&c["p_value"]), "exact");
    assert!(report["test"]["note"]
        .as_str()
        .unwrap()
        .contains("2002 outcomes"));
    // 100 rows: too many outcomes; Monte Carlo with a reported seed and number of draws.
    let report = json_of(&["analyze", BEFORE, "--draws", "20000", "--seed", "7"]);
    let t = &report["test"];
    assert_eq!(t["method"], "monte-carlo-multinomial");
    assert_eq!(
        (t["draws"].clone(), t["seed"].clone()),
        (20000.into(), 7.into())
    );
    // X² is still reported: scipy's chisquare case 1.
    let chi = case("stats_vectors.json", "chisquare_gof", 0);
    near(&t["statistic"], f(&chi["statistic"]), "X²");
    near(&t["effect_size"], f(&chi["cohens_w"]), "w");
    assert!(f(&t["p_value"]) < 0.001);
    let text = String::from_utf8(stdout_of(&["analyze", BEFORE])).unwrap();
    assert!(
        text.contains("exact multinomial test by 100000 random draws (seed 42)"),
        "{text}"
    );
}

#[test]
fn chi_square_and_g_tests_against_asq() {
    let c = case("extra_vectors.json", "asq_before", 0);
    let report = json_of(&["analyze", BEFORE, "--benchmark", "asq"]);
    let t = &report["test"];
    assert_eq!(
        (t["method"].clone(), t["df"].clone()),
        ("chi-square".into(), 2.into())
    );
    near(&t["statistic"], f(&c["chi_square"]), "X²");
    near(&t["p_value"], f(&c["chi_square_p"]), "p");
    let g = json_of(&["analyze", BEFORE, "--benchmark", "asq", "--test", "g"]);
    near(&g["test"]["statistic"], f(&c["g"]), "G");
    near(&g["test"]["p_value"], f(&c["g_p"]), "G p");
    // Buckets: ASQ's "everything else" takes the four other reasons.
    let buckets = report["benchmark"]["buckets"].as_array().unwrap();
    let ids: Vec<&str> = buckets.iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["dissatisfaction", "indifference", "everything_else"]);
    assert_eq!(buckets[2]["count"], 34);
    assert_eq!(
        buckets[2]["reasons"],
        serde_json::json!(["died", "moved", "friend_referral", "better_product"])
    );
    // A reason inside a larger bucket has no benchmark share or verdict of its own.
    assert!(reason(&report, "died")["verdict"].is_null());
    assert_eq!(reason(&report, "died")["bucket"], "everything_else");
    assert_eq!(reason(&report, "indifference")["verdict"], "below");
    let text = String::from_utf8(stdout_of(&["analyze", BEFORE, "--benchmark", "asq"])).unwrap();
    assert!(text.contains("Against benchmark `asq`:"), "{text}");
    assert!(text.contains("Everything else"), "{text}");
    assert!(
        text.contains("chi-square = 36.04, df = 2, p < 0.001"),
        "{text}"
    );
}

#[test]
fn gattorna_groups_natural_attrition_and_the_rollup_splits_controllable() {
    let report = json_of(&["analyze", BEFORE, "--benchmark", "gattorna"]);
    let b = &report["benchmark"]["buckets"][0];
    assert_eq!(b["id"], "natural_attrition");
    assert_eq!(
        (b["count"].clone(), b["benchmark_share"].clone()),
        (10.into(), 0.04.into())
    );
    let roll = &report["rollup"];
    assert_eq!(
        roll["uncontrollable"]["reasons"],
        serde_json::json!(["died", "moved"])
    );
    assert_eq!(roll["uncontrollable"]["count"], 10);
    assert_eq!(roll["controllable"]["count"], 90);
    // Wilson interval of 10 in 100.
    assert_eq!(roll["uncontrollable"]["ci"]["method"], "wilson");
    assert!(f(&roll["uncontrollable"]["ci"]["lower"]) < 0.1);
}

#[test]
fn benchmarks_command_lists_the_sets_with_provenance() {
    let text = String::from_utf8(stdout_of(&["benchmarks"])).unwrap();
    for needle in [
        "kennedy (default)",
        "asq",
        "gattorna",
        "Natural attrition",
        "died, moved",
        "no primary source",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    let json = json_of(&["benchmarks"]);
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kennedy", "asq", "gattorna"]);
    assert_eq!(json[1]["buckets"][2]["rest"], true);
    // A user's own set, with a group and a rest bucket, from churn.toml.
    let (_dir, config) = temp_file(
        "churn.toml",
        "extends = \"builtin\"\n\n[[benchmark]]\nname = \"ours\"\nnote = \"Our 2025 survey.\"\nshares = { gone = 10, service = 50, other = 40 }\ngroups = { gone = [\"died\", \"moved\"], service = [\"indifference\"] }\nrest = \"other\"\n",
    );
    let report = json_of(&[
        "--config",
        &config,
        "analyze",
        BEFORE,
        "--benchmark",
        "ours",
    ]);
    let buckets = report["benchmark"]["buckets"].as_array().unwrap();
    let counts: Vec<i64> = buckets
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [10, 40, 50]);
}

#[test]
fn attribution_all_has_no_whole_test_and_says_why() {
    let report = json_of(&[
        "analyze",
        "fixtures/multi/surveys.csv",
        "--attribution",
        "all",
    ]);
    assert!(report["test"].is_null());
    let notes = report["benchmark"]["notes"].to_string();
    assert!(notes.contains("attribution `all`"), "{notes}");
    assert_eq!(reason(&report, "indifference")["ci"]["method"], "wilson");
}

#[test]
fn weights_give_revenue_shares_with_bootstrap_intervals() {
    let args = ["analyze", SEGMENTS, "--weight", "mrr", "--format", "json"];
    let once = stdout_of(&args);
    // Same seed, same bytes.
    assert_eq!(once, stdout_of(&args));
    let report: Value = serde_json::from_slice(&once).unwrap();
    let w = &report["weight"];
    assert_eq!(w["column"], "mrr");
    assert_eq!(
        (w["resamples"].clone(), w["seed"].clone()),
        (2000.into(), 42.into())
    );
    // 110 rows at 100 and 300 at 10: 11000 / 14000; Kish n = 14000² / 1130000.
    assert_eq!(w["total"], 14000);
    near(&w["effective_n"], 173.5, "kish");
    let d = reason(&report, "dissatisfaction");
    near(&d["share"], 11000.0 / 14000.0, "weighted share");
    assert_eq!(d["count"], 110);
    assert_eq!(d["weight"], 11000);
    let ci = &d["ci"];
    assert_eq!(ci["method"], "bootstrap");
    assert!(f(&ci["lower"]) < 0.7857 && f(&ci["upper"]) > 0.7857, "{ci}");
    assert!(report["test"].is_null());
    let other = json_of(&["analyze", SEGMENTS, "--weight", "mrr", "--seed", "1"]);
    assert_ne!(reason(&other, "dissatisfaction")["ci"], *ci);
}

#[test]
fn bad_weights_are_reported_with_their_lines() {
    let err = failure(&[
        "analyze",
        "fixtures/stats/bad_weights.csv",
        "--weight",
        "mrr",
    ]);
    assert!(
        err.contains("column `mrr`: 3 of the 5 tagged rows"),
        "{err}"
    );
    for needle in [
        "line 3: `-20 (negative)`",
        "line 4: `49,90`",
        "line 5: `(blank)`",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // The blank weight of the untagged row (line 6) is not read; $1,200.00 is a number.
    assert!(!err.contains("line 6") && !err.contains("line 7"), "{err}");
}

#[test]
fn segments_share_one_distribution_test_matches_scipy() {
    let report = json_of(&["analyze", SEGMENTS, "--by", "plan"]);
    let seg = &report["segments"];
    assert_eq!(seg["columns"], serde_json::json!(["plan"]));
    let c = case("stats_vectors.json", "chi2_homogeneity", 0);
    let t = &seg["test"];
    near(&t["statistic"], f(&c["statistic"]), "X²");
    assert_eq!(t["df"], 5);
    near(&t["p_value"], f(&c["p_value"]), "p");
    near(&t["cramers_v"], f(&c["cramers_v"]), "V");
    let groups = seg["groups"].as_array().unwrap();
    assert_eq!(groups[0]["key"], "Basic");
    assert_eq!(
        (groups[1]["rows"].clone(), groups[1]["tagged"].clone()),
        (203.into(), 200.into())
    );
    // A segment below --min-group is flagged and left out, not hidden.
    let strict = json_of(&["analyze", SEGMENTS, "--by", "plan", "--min-group", "205"]);
    let g = &strict["segments"]["groups"];
    assert_eq!(
        (g[0]["too_small"].clone(), g[1]["too_small"].clone()),
        (false.into(), true.into())
    );
    assert!(strict["segments"]["test"].is_null());
    let text = String::from_utf8(stdout_of(&[
        "analyze",
        SEGMENTS,
        "--by",
        "plan,id",
        "--min-group",
        "5",
    ]))
    .unwrap();
    assert!(text.contains("By plan / id:"), "{text}");
    assert!(text.contains("Basic / 1 *"), "{text}");
}

#[test]
fn periods_from_a_date_column_found_by_header() {
    let report = json_of(&["analyze", SEGMENTS, "--period", "quarter"]);
    let p = &report["periods"];
    assert_eq!(p["columns"], serde_json::json!(["closed_on"]));
    assert_eq!(
        (p["period"].clone(), p["date_format"].clone()),
        ("quarter".into(), "dmy".into())
    );
    let keys: Vec<&str> = p["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["2024-Q1", "2024-Q2", "(no date)"]);
    let c = case("stats_vectors.json", "chi2_homogeneity", 0);
    near(&p["test"]["statistic"], f(&c["statistic"]), "X²");
    let months = json_of(&[
        "analyze",
        SEGMENTS,
        "--period",
        "month",
        "--date-col",
        "closed_on",
    ]);
    let keys: Vec<&str> = months["periods"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "2024-01",
            "2024-02",
            "2024-03",
            "2024-04",
            "2024-05",
            "2024-06",
            "(no date)"
        ]
    );
}

#[test]
fn ambiguous_dates_ask_for_a_format() {
    let err = failure(&[
        "analyze",
        "fixtures/stats/ambiguous_dates.csv",
        "--period",
        "month",
    ]);
    assert!(
        err.contains("column `date`") && err.contains("--date-format dmy"),
        "{err}"
    );
    let report = json_of(&[
        "analyze",
        "fixtures/stats/ambiguous_dates.csv",
        "--period",
        "month",
        "--date-format",
        "mdy",
    ]);
    assert_eq!(report["periods"]["groups"][0]["key"], "2024-01");
    assert!(failure(&["analyze", BEFORE, "--period", "month"])
        .contains("no date column found for --period"));
}

#[test]
fn compare_two_exports_with_newcombe_intervals_and_a_homogeneity_test() {
    let report = json_of(&["compare", BEFORE, AFTER]);
    // The two files are stats_vectors.json's second chi2_homogeneity table.
    let c = case("stats_vectors.json", "chi2_homogeneity", 1);
    let t = &report["test"];
    near(&t["statistic"], f(&c["statistic"]), "X²");
    near(&t["p_value"], f(&c["p_value"]), "p");
    near(&t["cramers_v"], f(&c["cramers_v"]), "V");
    // Indifference 40/100 -> 68/100: statsmodels' Newcombe interval, in percentage points.
    let n = case("extra_vectors.json", "newcombe", 0);
    let r = reason(&report, "indifference");
    assert_eq!(r["change_pp"], 28.0);
    near(&r["change_ci_pp"]["lower"], f(&n["lower"]) * 100.0, "lower");
    near(&r["change_ci_pp"]["upper"], f(&n["upper"]) * 100.0, "upper");
    assert_eq!(r["direction"], "up");
    let d = case("extra_vectors.json", "newcombe", 2);
    let r = reason(&report, "dissatisfaction");
    near(&r["change_ci_pp"]["lower"], f(&d["lower"]) * 100.0, "lower");
    assert_eq!(r["direction"], "down");
    assert_eq!(reason(&report, "died")["direction"], "no clear change");
    let text = String::from_utf8(stdout_of(&["compare", BEFORE, AFTER])).unwrap();
    assert!(text.contains("+28.0") && text.contains("▲ up"), "{text}");
    assert!(
        text.contains("Chi-square 16.56 on 5 df, p = 0.005"),
        "{text}"
    );
}

#[test]
fn bad_statistics_flags_are_refused_with_a_reason() {
    assert!(failure(&["analyze", BEFORE, "--confidence", "95"]).contains("0.95 is usual"));
    assert!(failure(&["analyze", BEFORE, "--date-col", "x"]).contains("--period"));
}

#[test]
fn lines_are_right_in_files_with_crlf_line_ends() {
    // The csv crate puts a CRLF file's records one line early; messages must not.
    let text =
        "id,date,reason\r\n1,yesterday,too expensive\r\n2,2024-01-01,rude staff\r\n3,nope,rude\r\n";
    let (_dir, path) = temp_file("crlf.csv", text);
    let err = failure(&["analyze", &path, "--period", "month"]);
    assert!(
        err.contains("(line 2: `yesterday`, line 4: `nope`)"),
        "{err}"
    );
    let (_dir, path) = temp_file("crlf.csv", "id,reason\r\n1,rude\r\n2,too,expensive\r\n");
    assert!(failure(&["analyze", &path]).contains("line 3: expected 2 fields"));
}

/// `churn question`: a yes/no column and a count column against built-in question sets, the
/// numbers checked against scipy and statsmodels (tests/reference/extra_vectors.py).
#[test]
fn question_sets_are_tested_as_reasons_are() {
    for i in 0..2 {
        let c = case("extra_vectors.json", "questions", i);
        let column = c["column"].as_str().unwrap();
        let set = c["set"].as_str().unwrap();
        let report = json_of(&[
            "question",
            "fixtures/questions/exit.csv",
            "--col",
            column,
            "--benchmark",
            set,
        ]);
        let buckets = report["buckets"].as_array().unwrap();
        for (k, b) in buckets.iter().enumerate() {
            assert_eq!(b["count"], c["observed"][k], "{set}");
            assert_eq!(b["benchmark_share"], c["shares"][k], "{set}");
            near(&b["p_value"], f(&c["p_values"][k]), "p");
            near(&b["p_value_adjusted"], f(&c["adjusted"][k]), "adjusted");
            near(&b["ci"]["lower"], f(&c["goodman"][k][0]), "lower");
            near(&b["ci"]["upper"], f(&c["goodman"][k][1]), "upper");
        }
        // Eleven answers: an expected count below 5 (11 x 0.35) makes it the exact test; 11 x
        // 0.48 and 11 x 0.52 leave the chi-square.
        let test = &report["test"];
        let (method, p) = if i == 0 {
            ("exact-multinomial", "exact_p")
        } else {
            ("chi-square", "chi_square_p")
        };
        assert_eq!(test["method"], method, "{set}");
        near(&test["p_value"], f(&c[p]), p);
        let rows = &report["rows"];
        let sum: u64 = [
            "answered",
            "not_mapped",
            "blank",
            "filtered_out",
            "rejected",
        ]
        .iter()
        .map(|k| rows[*k].as_u64().unwrap())
        .sum();
        assert_eq!(rows["read"].as_u64().unwrap(), sum);
        assert_eq!(rows["read"], 12);
    }
    // "Maybe" is no answer of a yes/no set: counted, shown, not in the shares.
    let report = json_of(&[
        "question",
        "fixtures/questions/exit.csv",
        "--col",
        "told_others",
        "--benchmark",
        "told-others-bad",
    ]);
    assert_eq!(report["not_mapped_answers"][0]["text"], "Maybe");
    let text = String::from_utf8(stdout_of(&[
        "question",
        "fixtures/questions/exit.csv",
        "--col",
        "complained_publicly",
        "--benchmark",
        "complained-publicly",
    ]))
    .unwrap();
    assert!(text.contains("Against `complained-publicly`"), "{text}");
    assert!(text.contains("Yes") && text.contains("40.0%"), "{text}");
}

/// Question sets: listed with their sources, added in churn.toml, and refused with a reason.
#[test]
fn question_sets_are_listed_added_and_checked() {
    let list = String::from_utf8(stdout_of(&["question", "--list"])).unwrap();
    for name in ["defect-after-one", "told-ten-bad", "walked-out", "hung-up"] {
        assert!(list.contains(name), "{list}");
    }
    assert!(list.contains("Harvard Business Review") && list.contains("Consumer Reports"));
    let (_dir, config) = temp_file(
        "churn.toml",
        "extends = \"builtin\"\n\n[[question_set]]\nname = \"recommend\"\nquestion = \"How likely are you to recommend us (0-10)?\"\nnote = \"Our own target\"\n\n[[question_set.bucket]]\nid = \"detractor\"\nshare = 0.3\nat_most = 6\n\n[[question_set.bucket]]\nid = \"passive\"\nshare = 0.3\nat_least = 7\nat_most = 8\n\n[[question_set.bucket]]\nid = \"promoter\"\nshare = 0.4\nat_least = 9\nanswers = [\"definitely\"]\n",
    );
    let report = json_of(&[
        "question",
        "fixtures/questions/exit.csv",
        "--col",
        "how_many_told",
        "--benchmark",
        "recommend",
        "--config",
        &config,
    ]);
    let counts: Vec<u64> = report["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect();
    // 12, 3, 0, 15, 20, 10, 2, 5, 30, 11, 1 (and a blank): five of 6 or less (3, 0, 2, 5, 1),
    // none of 7-8, six of 9 or more.
    assert_eq!(counts, [5, 0, 6]);
    let err = failure(&[
        "question",
        "fixtures/questions/exit.csv",
        "--col",
        "told_others",
        "--benchmark",
        "nope",
    ]);
    assert!(
        err.contains("no question set `nope`") && err.contains("told-others-bad"),
        "{err}"
    );
    let (_dir, bad) = temp_file(
        "churn.toml",
        "[[question_set]]\nname = \"x\"\n[[question_set.bucket]]\nid = \"a\"\nshare = 0.5\nanswers = [\"yes\"]\n[[question_set.bucket]]\nid = \"b\"\nshare = 0.6\nanswers = [\"yes\"]\n",
    );
    let err = failure(&["question", "--list", "--config", &bad]);
    assert!(
        err.contains("sum to 1.100") && err.contains("`yes` is in two buckets"),
        "{err}"
    );
}
