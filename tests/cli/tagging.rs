//! Tagging through the binary: normalization, accents, stemming, typos, negation in six
//! languages, several reasons per answer, involuntary churn, `explain` and
//! `--show-unclassified`.

use crate::{churn, json_of, stdout_of, stdout_with, temp_file};

/// The outcome of `churn explain TEXT` (with optional extra args): `(kind, reason)`.
fn tag_with(args: &[&str], text: &str) -> (String, Option<String>) {
    let mut all = vec!["explain", text];
    all.extend(args);
    let v = json_of(&all);
    (
        v["outcome"]["kind"].as_str().unwrap().to_string(),
        v["outcome"]["reason"].as_str().map(String::from),
    )
}

fn reason(text: &str) -> Option<String> {
    tag_with(&[], text).1
}

fn config(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("churn.toml");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

const STANDALONE: &str = r#"
[[reason]]
id = "moved"
phrases.fr = ["déménagé"]
phrases.en = ["relocation", "customer"]

[[benchmark]]
name = "flat"
shares = { moved = 100 }
"#;

#[test]
fn normalization_folds_width_case_punctuation_and_optionally_accents() {
    assert_eq!(
        reason("ＴＯＯ ＥＸＰＥＮＳＩＶＥ!!!").as_deref(),
        Some("dissatisfaction")
    );
    let (_d, folded) = config(STANDALONE);
    for text in ["Déménagé", "DEMENAGE", "demenage..."] {
        assert_eq!(
            tag_with(&["--config", &folded], text).1.as_deref(),
            Some("moved"),
            "{text}"
        );
    }
    let (_d2, kept) = config(&format!("[matching]\naccents = \"keep\"\n{STANDALONE}"));
    assert_eq!(
        tag_with(&["--config", &kept], "Déménagé").1.as_deref(),
        Some("moved")
    );
    // The rules only: the model reads answers as it was trained (accents folded).
    assert_eq!(
        tag_with(&["--config", &kept, "--no-model"], "demenage").0,
        "unclassified"
    );
    let v = json_of(&["explain", "Don’t   need it—ANYMORE…"]);
    assert_eq!(v["normalized"], "do not need it anymore");
}

#[test]
fn one_stemmed_rule_matches_every_inflection() {
    let (_d, p) = config(STANDALONE);
    for text in [
        "relocating next month",
        "we relocated",
        "Relocation.",
        "relocate",
    ] {
        assert_eq!(
            tag_with(&["--config", &p], text).1.as_deref(),
            Some("moved"),
            "{text}"
        );
    }
    // Built-in rules stem per language: Russian inflections.
    for text in ["Высокие цены", "не устраивает цена", "подняли цену"]
    {
        assert_eq!(reason(text).as_deref(), Some("dissatisfaction"), "{text}");
    }
}

#[test]
fn long_words_tolerate_one_typo_short_ones_do_not() {
    let v = json_of(&["explain", "custmer support never replyed"]);
    assert_eq!(v["outcome"]["reason"], "indifference");
    let (_d, p) = config(STANDALONE);
    let v = json_of(&["--config", &p, "explain", "bad custmer experience"]);
    assert_eq!(v["outcome"]["reason"], "moved");
    assert_eq!(
        v["matches"][0]["typos"][0],
        serde_json::json!(["custmer", "customer"])
    );
    // "gestor" (Spanish, manager) is not read as German "gestorben".
    assert_ne!(reason("cambiaron de gestor").as_deref(), Some("died"));
    let (_d2, strict) = config(&format!("[matching]\ntypos = false\n{STANDALONE}"));
    assert_eq!(
        tag_with(&["--config", &strict], "bad custmer experience").0,
        "unclassified"
    );
}

#[test]
fn negated_mentions_do_not_count_in_six_languages() {
    let cases = [
        (
            "because of the price",
            "not because of the price",
            "dissatisfaction",
        ),
        (
            "something is wrong with the product",
            "nothing wrong with the product",
            "dissatisfaction",
        ),
        ("I moved", "I didn't move", "moved"),
        (
            "wegen des Preises",
            "nicht wegen des Preises",
            "dissatisfaction",
        ),
        ("à cause du prix", "pas à cause du prix", "dissatisfaction"),
        ("por el precio", "no por el precio", "dissatisfaction"),
        ("из-за цены", "не из-за цены", "dissatisfaction"),
    ];
    for (plain, negated, id) in cases {
        assert_eq!(reason(plain).as_deref(), Some(id), "{plain}");
        let v = json_of(&["explain", negated]);
        assert_eq!(v["outcome"]["kind"], "unclassified", "{negated}: {v}");
        assert!(
            v["matches"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["negated_by"].is_string()),
            "{negated}: no negation recorded"
        );
    }
    // A negation reaches no further than "but": the second reason stands.
    assert_eq!(
        reason("Not because of the price, but nobody ever answered").as_deref(),
        Some("indifference")
    );
    // A negation that is part of a rule is not a negation ("never answered").
    assert_eq!(
        reason("support never answered").as_deref(),
        Some("indifference")
    );
    // "no longer" does not negate.
    assert_eq!(reason("no longer need it").as_deref(), Some("moved"));
}

#[test]
fn the_reason_stated_first_is_primary_and_explain_says_why() {
    let v = json_of(&[
        "explain",
        "Too expensive, and support never answered my emails",
    ]);
    assert_eq!(v["outcome"]["reason"], "dissatisfaction");
    assert_eq!(
        v["outcome"]["reasons"],
        serde_json::json!(["dissatisfaction", "indifference"])
    );
    assert!(v["outcome"]["why"]
        .as_str()
        .unwrap()
        .contains("stated first"));
    let m = &v["matches"][0];
    assert_eq!(m["matched"], "expensive");
    assert_eq!(m["span"], serde_json::json!([4, 13]));
    let table = String::from_utf8(stdout_of(&["explain", "not because of the price"])).unwrap();
    for expected in [
        "normalized:  not because of the price",
        "cancelled by negation \"not\"",
        "result:      unclassified",
        "negations:",
    ] {
        assert!(table.contains(expected), "{expected:?} in\n{table}");
    }
    // A code and a text that disagree: the text is counted, and explain says so.
    let v = json_of(&["explain", "rude staff", "--code", "too_expensive"]);
    assert_eq!(v["outcome"]["reason"], "indifference");
    assert_eq!(v["outcome"]["source"], "text over code");
    assert!(v["outcome"]["why"]
        .as_str()
        .unwrap()
        .contains("they disagree; the text is counted"));
    // A code the text agrees with, or says nothing against, decides.
    let v = json_of(&["explain", "just too pricey", "--code", "too_expensive"]);
    assert_eq!(v["outcome"]["source"], "code");
    let v = json_of(&["explain", "card expired", "--code", "payment_failed"]);
    assert_eq!(v["outcome"]["kind"], "involuntary");
}

#[test]
fn attribution_modes_primary_split_and_all() {
    let file = "fixtures/multi/surveys.csv";
    let counts = |mode: &str| -> Vec<f64> {
        let v = json_of(&["analyze", file, "--attribution", mode]);
        assert_eq!(v["attribution"]["mode"], mode);
        assert_eq!(v["rows"]["tagged"], 4);
        assert_eq!(v["rows"]["multi_reason"], 2);
        v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["count"].as_f64().unwrap())
            .collect()
    };
    // died moved friend better dissatisfaction indifference
    assert_eq!(counts("primary"), [0.0, 1.0, 0.0, 0.0, 2.0, 1.0]);
    assert_eq!(counts("split"), [0.0, 0.5, 0.0, 0.5, 1.5, 1.5]);
    assert_eq!(counts("all"), [0.0, 1.0, 0.0, 1.0, 2.0, 2.0]);
    let v = json_of(&["analyze", file, "--attribution", "all"]);
    let total: f64 = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["share"].as_f64().unwrap())
        .sum();
    assert!(total > 1.0, "{total}");
    assert!(v["attribution"]["note"]
        .as_str()
        .unwrap()
        .contains("past 100%"));
    let table = String::from_utf8(stdout_of(&["analyze", file, "--attribution", "all"])).unwrap();
    assert!(table.contains("may sum past 100%"), "{table}");
    // Whole counts stay integers in the JSON; split counts are fractions.
    let raw = String::from_utf8(stdout_of(&[
        "analyze",
        file,
        "-f",
        "json",
        "--attribution",
        "split",
    ]))
    .unwrap();
    assert!(
        raw.contains("\"count\": 1.5") && raw.contains("\"count\": 0,"),
        "{raw}"
    );
}

#[test]
fn failed_payments_are_involuntary_and_outside_the_shares() {
    let file = "fixtures/stripe/involuntary.csv";
    let v = json_of(&["analyze", file]);
    assert_eq!(
        v["rows"],
        serde_json::json!({"read": 6, "tagged": 2, "unclassified": 0, "no_answer": 1, "junk": 0, "involuntary": 3, "rejected": 0, "filtered_out": 0,
            "filtered_out_by": {"where": 0, "preview": 0, "test": 0, "spam": 0, "unfinished": 0,
                "saved": 0, "paused": 0, "aborted": 0},
            "multi_reason": 0, "refined_by_text": 0, "code_text_conflicts": 0, "overridden": 0,
            "low_confidence": 0})
    );
    let share_sum: f64 = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["share"].as_f64().unwrap())
        .sum();
    assert!((share_sum - 1.0).abs() < 1e-9);
    let table = String::from_utf8(stdout_of(&["analyze", file])).unwrap();
    assert!(
        table.contains("(involuntary)") && table.contains("3 involuntary"),
        "{table}"
    );
    // Configurable: map the payment codes to a reason and they are counted in the shares.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "extends = \"builtin\"\n[[reason]]\nid = \"involuntary\"\nmeaning = \"Payment failed\"\n\
         [[code_map]]\nid = \"stripe_reason\"\ncodes = { payment_failed = \"involuntary\", payment_disputed = \"involuntary\" }\n",
    )
    .unwrap();
    let v = json_of(&["--config", path.to_str().unwrap(), "analyze", file]);
    assert_eq!(v["rows"]["involuntary"], 0);
    assert_eq!(v["rows"]["tagged"], 5);
}

#[test]
fn show_unclassified_lists_the_most_common_answers() {
    let v = json_of(&[
        "analyze",
        "fixtures/demo/surveys.csv",
        "--show-unclassified",
        "3",
    ]);
    let list = v["unclassified_answers"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 3);
    let counts: Vec<u64> = list.iter().map(|a| a["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // Normalized text, and each one really is unclassified.
    for a in list {
        let text = a["text"].as_str().unwrap();
        assert_eq!(text, text.to_lowercase());
        if text != "(code only)" {
            assert_eq!(
                json_of(&["explain", text])["outcome"]["kind"],
                "unclassified",
                "{text}"
            );
        }
    }
    let v = json_of(&["analyze", "fixtures/demo/surveys.csv"]);
    assert_eq!(v["unclassified_answers"], serde_json::json!([]));
    let table = String::from_utf8(stdout_of(&[
        "analyze",
        "fixtures/demo/surveys.csv",
        "--show-unclassified",
        "3",
    ]))
    .unwrap();
    assert!(
        table.contains("Most common unclassified answers"),
        "{table}"
    );
}

#[test]
fn an_answer_with_no_rule_is_unclassified_not_forced_into_a_reason() {
    assert!(stdout_with(&["explain", "personal reasons"], 0).contains("unclassified"));
}

/// A code sets the reason; a text that states a reason the code's may be refined to refines it
/// (`switched_service` + a friend's recommendation is `friend_referral`, `unused` + a closed
/// business is `died`); a text that states another reason by a phrase is a conflict: the text
/// is counted (the code with `[matching] conflicts = "code"`) and the conflict reported. A hint
/// alone ("some support") does not disagree.
#[test]
fn codes_and_text_are_reconciled_and_conflicts_reported() {
    let file = "fixtures/stripe/code_and_text.csv";
    let v = json_of(&["analyze", file]);
    assert_eq!(v["rows"]["refined_by_text"], 2);
    assert_eq!(v["rows"]["code_text_conflicts"], 1);
    assert_eq!(
        v["code_text_conflicts"],
        serde_json::json!([{"code_reason": "dissatisfaction", "text_reason": "indifference", "count": 1, "counted": "text"}])
    );
    let count = |id: &str| crate::reason(&v, id)["count"].as_f64().unwrap();
    assert_eq!(
        [
            count("died"),
            count("friend_referral"),
            count("better_product")
        ],
        [1.0, 1.0, 1.0]
    );
    assert_eq!(
        count("dissatisfaction"),
        2.0,
        "the text is counted in a conflict"
    );
    assert_eq!(count("indifference"), 2.0);
    let (_dir, config) = temp_file(
        "churn.toml",
        "extends = \"builtin\"\n[matching]\nconflicts = \"code\"\n",
    );
    let by_code = json_of(&["--config", &config, "analyze", file]);
    assert_eq!(
        crate::reason(&by_code, "dissatisfaction")["count"],
        3,
        "the code is counted"
    );
    assert_eq!(by_code["code_text_conflicts"][0]["counted"], "code");
    let tagged = String::from_utf8(stdout_of(&["tag", file])).unwrap();
    assert!(
        tagged.contains(
            "friend_referral,tagged,code:switched_service refined by text:friend recommended"
        ) && tagged
            .contains("never answered (over code:too_expensive, which says dissatisfaction)"),
        "{tagged}"
    );
    let table = String::from_utf8(stdout_of(&["analyze", file])).unwrap();
    assert!(
        table.contains("2 from codes refined by the text")
            && table.contains("Code and text disagree on 1 row"),
        "{table}"
    );
    let why = String::from_utf8(stdout_of(&[
        "explain",
        "support never answered",
        "--code",
        "too_expensive",
    ]))
    .unwrap();
    assert!(why.contains("they disagree"), "{why}");
}

#[test]
fn refined_by_must_name_another_reason() {
    let (_dir, path) = temp_file(
        "churn.toml",
        "extends = \"builtin\"\n[[reason]]\nid = \"moved\"\nrefined_by = [\"nowhere\", \"moved\"]\n",
    );
    let out = churn()
        .args(["taxonomy", "validate", "--config", &path])
        .output()
        .unwrap();
    let err =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("refined_by names unknown reason `nowhere`")
            && err.contains("refined_by names the reason itself"),
        "{err}"
    );
}

/// `explain` names the row's sub-reason and each match's.
#[test]
fn explain_names_the_sub_reasons() {
    let v = json_of(&["explain", "too expensive, and support never replied"]);
    assert_eq!(v["outcome"]["reason"], "dissatisfaction");
    assert_eq!(v["outcome"]["sub_reason"], "price");
    let subs: Vec<&str> = (v["matches"].as_array().unwrap().iter())
        .filter_map(|m| m["sub_reason"].as_str())
        .collect();
    assert_eq!(subs, ["price", "no_response"]);
    let text = String::from_utf8(stdout_of(&["explain", "we moved abroad"])).unwrap();
    assert!(text.contains("sub-reason:  relocated"), "{text}");
    let v = json_of(&["explain", "very disappointed"]);
    assert!(v["outcome"]["sub_reason"].is_null(), "{v}");
}

/// Each row of `churn tag --format jsonl` on `path`: its `id` cell, status and evidence.
fn tagged_rows(args: &[&str]) -> Vec<(String, String, Vec<String>)> {
    let out = String::from_utf8(stdout_of(&[args, &["--format", "jsonl"]].concat())).unwrap();
    out.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let evidence = v["churn_evidence"].as_array().unwrap();
            (
                v["columns"]["id"].as_str().unwrap().to_string(),
                v["churn_status"].as_str().unwrap().to_string(),
                evidence
                    .iter()
                    .map(|e| e.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn junk_is_no_answer_and_one_real_word_never_is() {
    // Junk and a real one-word answer per language; (id, answer, status, evidence).
    let cases = [
        ("en-junk", "asdfgh", "no_answer", "junk:keyboard"),
        ("en-test", "Test test 123", "no_answer", "junk:entries"),
        ("en-real", "price", "tagged", "price"),
        ("de-junk", "Testeintrag", "no_answer", "junk:entries"),
        ("de-real", "Umzug", "tagged", "umzug"),
        ("fr-junk", "essai", "no_answer", "junk:entries"),
        ("fr-real", "déménagement", "tagged", "demenagement"),
        ("es-junk", "prueba", "no_answer", "junk:entries"),
        ("es-real", "precio", "tagged", "precio"),
        ("ru-junk", "фывапр", "no_answer", "junk:keyboard"),
        ("ru-real", "переезд", "tagged", "переезд"),
        ("it-junk", "aaaaaa", "no_answer", "junk:repeated"),
        ("it-real", "prezzo", "tagged", "prezzo"),
        ("xx-vowels", "dfgdfgd", "no_answer", "junk:no_vowels"),
        ("xx-letter", "k", "no_answer", "junk:no_words"),
        ("xx-mixed", "asdfgh support never answered", "tagged", ""),
        ("xx-code", "A", "unclassified", ""),
        ("xx-number", "12345", "unclassified", ""),
    ];
    let csv: String = cases
        .iter()
        .map(|(id, text, _, _)| format!("{id},{text}\n"))
        .collect();
    let (_dir, path) = temp_file("junk.csv", &format!("id,reason\n{csv}"));
    let rows = tagged_rows(&["tag", &path]);
    assert_eq!(rows.len(), cases.len());
    for ((id, status, evidence), (want_id, text, want_status, want_evidence)) in
        rows.iter().zip(cases)
    {
        assert_eq!(id, want_id);
        assert_eq!(status, want_status, "{text}");
        if !want_evidence.is_empty() {
            assert_eq!(evidence, &[want_evidence.to_string()], "{text}");
        }
        if want_status != "no_answer" {
            assert!(!evidence.iter().any(|e| e.starts_with("junk")), "{text}");
        }
    }
    let v = json_of(&["analyze", &path]);
    assert_eq!(v["rows"]["junk"], 9);
    assert_eq!(v["rows"]["no_answer"], 9);
    // explain says which check, in words and in the JSON.
    let e = json_of(&["explain", "asdfgh"]);
    assert_eq!(e["outcome"]["kind"], "no_answer");
    assert_eq!(e["outcome"]["junk"], "keyboard");
    let text = String::from_utf8(stdout_of(&["explain", "тест"])).unwrap();
    assert!(text.contains("junk (entries)"), "{text}");
    assert!(json_of(&["explain", "price"])["outcome"]["junk"].is_null());
}

#[test]
fn junk_checks_and_entries_are_configurable() {
    let (dir, path) = temp_file(
        "junk.csv",
        "id,reason\n1,asdfgh\n2,Testantwort\n3,ZZ placeholder row 7\n4,test\n",
    );
    let config = dir.path().join("churn.toml");
    std::fs::write(
        &config,
        "extends = \"builtin\"\n\n[junk]\nchecks = [\"entries\"]\nentries = [\"testantwort\", \"zz placeholder*\"]\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let rows = tagged_rows(&["tag", &path, "--config", config]);
    let status: Vec<(&str, &str)> = rows
        .iter()
        .map(|(_, s, e)| (s.as_str(), e.first().map_or("", String::as_str)))
        .collect();
    assert_eq!(
        status,
        [
            ("unclassified", ""),
            ("no_answer", "junk:entries"),
            ("no_answer", "junk:entries"),
            ("no_answer", "junk:entries"),
        ]
    );
    // `checks = []` turns junk off: every answer is read as any other.
    std::fs::write(config, "extends = \"builtin\"\n\n[junk]\nchecks = []\n").unwrap();
    let off = tagged_rows(&["tag", &path, "--config", config]);
    assert!(
        off.iter()
            .all(|(_, s, e)| s != "no_answer" && !e.iter().any(|e| e.starts_with("junk"))),
        "{off:?}"
    );
    // A check that does not exist is an error at its line and column.
    std::fs::write(
        config,
        "extends = \"builtin\"\n\n[junk]\nchecks = [\"keybord\"]\n",
    )
    .unwrap();
    let text = stdout_with(&["taxonomy", "validate", config], 1);
    assert!(
        text.contains("line 4, column 11") && text.contains("`keybord` is no junk check"),
        "{text}"
    );
}
