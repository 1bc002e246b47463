//! The sections of the HTML report, each a chart with its table, in reading order: the
//! headline, the shares against the benchmark, sub-reasons, where the rows went, the test,
//! revenue, periods, segments, the correction for tagging error, competitors, the customers'
//! own words, and the methods.

use std::fmt::Write as _;

use super::svg::{self, Alt, Bar, Heat, Pair, Panel, Point};
use super::{esc, table, Cell, Row};
use crate::compare::Verdict;
use crate::render::table::{count, effect_words, p_phrase, pct, pp};
use crate::report::{BreakdownRow, Ci, ReasonRow, Report};
use crate::text::{fixed, plural};

fn ci_pair(ci: Option<&Ci>) -> Option<(f64, f64)> {
    ci.map(|c| (c.lower, c.upper))
}

use crate::render::interval_text as interval;

fn or_dash(x: Option<f64>, f: fn(f64) -> String) -> String {
    x.map_or_else(|| "–".into(), f)
}

/// The verdict's class (its colour), symbol and word.
fn verdict(v: Option<Verdict>) -> (&'static str, &'static str) {
    let class = match v {
        Some(Verdict::Above) => "above",
        Some(Verdict::Below) => "below",
        Some(Verdict::Consistent) => "consistent",
        None => "plain",
    };
    (class, crate::render::verdict_words(v))
}

/// A section with its heading.
fn open(p: &mut String, id: &str, heading: &str) {
    let _ = write!(p, "<section id=\"{id}\">\n<h2>{}</h2>\n", esc(heading));
}

fn para(p: &mut String, text: &str) {
    let _ = writeln!(p, "<p>{}</p>", esc(text));
}

/// A chart in a figure, with a caption under it.
fn figure(p: &mut String, chart: &str, caption: &str) {
    let _ = writeln!(
        p,
        "<figure>{chart}<figcaption>{}</figcaption></figure>",
        esc(caption)
    );
}

/// The title, what was read, and each reason that stands apart from the benchmark.
pub fn header(p: &mut String, report: &Report) {
    let names: Vec<&str> = report
        .inputs
        .iter()
        .map(|i| i.source.path.as_str())
        .collect();
    let _ = writeln!(
        p,
        "<header>\n<h1>Why customers left</h1>\n<p class=\"files\">{}</p>",
        esc(&names.join(", "))
    );
    let r = &report.rows;
    para(
        p,
        &format!(
            "Read {}: {}.",
            plural(r.read, "row", "rows"),
            crate::render::accounting(r)
        ),
    );
    let lines: Vec<String> = report
        .reasons
        .iter()
        .filter(|x| matches!(x.verdict, Some(Verdict::Above | Verdict::Below)))
        .filter_map(|x| headline(x, &report.benchmark.name))
        .collect();
    if r.tagged == 0 {
        para(
            p,
            "No row could be attributed to a reason, so there are no shares to compare.",
        );
    } else if !lines.is_empty() {
        p.push_str("<ul class=\"headlines\">");
        for l in lines {
            let _ = write!(p, "<li>{}</li>", esc(&l));
        }
        p.push_str("</ul>\n");
    }
    p.push_str("</header>\n");
}

/// "Indifference: 41.2% (38.1–44.3%) of tagged churn against the benchmark's 68%: 26.8 pp
/// below, more than chance explains."
fn headline(row: &ReasonRow, benchmark: &str) -> Option<String> {
    let (share, bench, delta) = (row.share?, row.benchmark_share?, row.delta_pp?);
    let side = if delta > 0.0 { "above" } else { "below" };
    Some(format!(
        "{}: {} ({}) of tagged churn, against {}'s {}: {} pp {side}, more than chance explains.",
        row.label,
        pct(share),
        interval(row.ci.as_ref()),
        benchmark,
        pct(bench).replace(".0%", "%"),
        fixed(delta.abs(), 1)
    ))
}

/// The share per reason with its interval and the benchmark's share, verdicts marked.
pub fn reasons(p: &mut String, report: &Report) {
    let of = if report.weight.is_some() {
        "of the tagged rows' weight"
    } else {
        "of tagged rows"
    };
    open(p, "reasons", "Why they left");
    let bars: Vec<Bar> = (report.reasons.iter())
        .filter_map(|x| {
            let (class, word) = verdict(x.verdict);
            Some(Bar {
                label: x.label.clone(),
                value: x.share?,
                ci: ci_pair(x.ci.as_ref()),
                mark: x.benchmark_share,
                class,
                text: format!("{} {}", pct(x.share?), word.split(' ').next().unwrap_or("")),
                nested: false,
            })
        })
        .collect();
    if bars.is_empty() {
        para(p, "No row was tagged, so there are no shares to draw.");
    } else {
        let desc: Vec<String> = (report.reasons.iter())
            .filter_map(|x| {
                let bench = x.benchmark_share.map(|b| format!(", benchmark {}", pct(b)));
                let word = verdict(x.verdict)
                    .1
                    .split(' ')
                    .nth(1)
                    .map(|w| format!(", {w}"));
                Some(format!(
                    "{} {} ({}){}{}",
                    x.label,
                    pct(x.share?),
                    interval(x.ci.as_ref()),
                    bench.unwrap_or_default(),
                    word.unwrap_or_default()
                ))
            })
            .collect();
        let alt = Alt {
            id: "chart-reasons",
            title: &format!("Share per reason {of}, with intervals and the benchmark"),
            desc: &format!("{}.", desc.join("; ")),
        };
        figure(
            p,
            &svg::bars(&alt, &bars),
            &format!(
                "Bars: each reason's share {of}; whiskers: its {:.0}% interval; tick: the benchmark {}'s share. ▲ above, ▼ below, = consistent with the benchmark; no symbol: the benchmark has no share for the reason alone.",
                report.confidence * 100.0,
                report.benchmark.name
            ),
        );
    }
    reasons_table(p, report);
    p.push_str("</section>\n");
}

fn reasons_table(p: &mut String, report: &Report) {
    let level = format!("{:.0}% interval", report.confidence * 100.0);
    let mut headers = vec![
        "reason",
        "responses",
        "share",
        level.as_str(),
        "benchmark",
        "Δ pp",
        "verdict",
    ];
    if report.weight.is_some() {
        headers.insert(2, "weight");
    }
    let rows: Vec<Row> = (report.reasons.iter())
        .map(|x| {
            let mut cells = vec![
                Cell::text(&x.label),
                Cell::number("count", Some(x.count), count(x.count)),
                Cell::number("share", x.share, or_dash(x.share, pct)),
                Cell::number(
                    "ci_lower",
                    x.ci.as_ref().map(|c| c.lower),
                    interval(x.ci.as_ref()),
                ),
                Cell::number(
                    "benchmark_share",
                    x.benchmark_share,
                    or_dash(x.benchmark_share, pct),
                ),
                Cell::number("delta_pp", x.delta_pp, or_dash(x.delta_pp, pp)),
                Cell::text(verdict(x.verdict).1),
            ];
            if let Some(w) = x.weight {
                cells.insert(2, Cell::number("weight", Some(w), count(w)));
            }
            Row {
                id: x.id.clone(),
                cells,
            }
        })
        .collect();
    table(p, "Shares per reason", &headers, &rows);
}

/// Within each reason that has them, its sub-reasons' shares of the reason.
pub fn sub_reasons(p: &mut String, report: &Report) {
    let with: Vec<&ReasonRow> = (report.reasons.iter())
        .filter(|x| {
            x.sub_reasons
                .iter()
                .any(|s| s.count > 0 && s.share.is_some())
        })
        .collect();
    if with.is_empty() {
        return;
    }
    open(p, "sub-reasons", "Within each reason");
    para(
        p,
        &crate::render::sub_reasons_legend(report).replacen("Indented: each", "Each", 1),
    );
    let mut rows = Vec::new();
    for (k, x) in with.iter().enumerate() {
        let subs: Vec<_> = x.sub_reasons.iter().filter(|s| s.count > 0).collect();
        let bars: Vec<Bar> = (subs.iter())
            .filter_map(|s| {
                Some(Bar {
                    label: s.label.clone(),
                    value: s.share?,
                    ci: ci_pair(s.ci.as_ref()),
                    mark: None,
                    class: "plain",
                    text: pct(s.share?),
                    nested: true,
                })
            })
            .collect();
        let desc: Vec<String> = (subs.iter())
            .map(|s| {
                format!(
                    "{} {} ({})",
                    s.label,
                    or_dash(s.share, pct),
                    interval(s.ci.as_ref())
                )
            })
            .collect();
        let alt = Alt {
            id: &format!("chart-sub-{k}"),
            title: &format!("{}: its sub-reasons' shares of the reason", x.label),
            desc: &format!("{}.", desc.join("; ")),
        };
        let _ = write!(p, "<h3>{}</h3>", esc(&x.label));
        figure(
            p,
            &svg::bars(&alt, &bars),
            "Bars: share of the reason; whiskers: interval.",
        );
        rows.extend(subs.iter().map(|s| Row {
            id: format!("{}.{}", x.id, s.id.as_deref().unwrap_or("")),
            cells: vec![
                Cell::text(format!("{} › {}", x.label, s.label)),
                Cell::number("count", Some(s.count as f64), s.count.to_string()),
                Cell::number("share", s.share, or_dash(s.share, pct)),
                Cell::number(
                    "ci_lower",
                    s.ci.as_ref().map(|c| c.lower),
                    interval(s.ci.as_ref()),
                ),
                Cell::number(
                    "share_of_tagged",
                    s.share_of_tagged,
                    or_dash(s.share_of_tagged, pct),
                ),
            ],
        }));
    }
    table(
        p,
        "Sub-reasons",
        &[
            "reason › sub-reason",
            "responses",
            "share of reason",
            "interval",
            "share of tagged",
        ],
        &rows,
    );
    p.push_str("</section>\n");
}

/// Where the rows went: read, filtered out, rejected, no answer, unclassified, involuntary,
/// tagged, each as a bar on the scale of the rows read.
pub fn rows(p: &mut String, report: &Report) {
    let r = &report.rows;
    open(p, "rows", "Where the rows went");
    let parts: [(&str, &str, usize, &str); 7] = [
        ("read", "read", r.read, "all"),
        ("filtered_out", "filtered out", r.filtered_out, "filtered"),
        ("rejected", "rejected", r.rejected, "rejected"),
        ("no_answer", "no answer", r.no_answer, "none"),
        (
            "unclassified",
            "unclassified",
            r.unclassified,
            "unclassified",
        ),
        ("involuntary", "involuntary", r.involuntary, "involuntary"),
        (
            "tagged",
            "tagged: the shares are of these",
            r.tagged,
            "tagged",
        ),
    ];
    let read = r.read.max(1) as f64;
    let bars: Vec<Bar> = (parts.iter())
        .map(|&(_, label, n, class)| Bar {
            label: label.split(':').next().unwrap_or(label).to_string(),
            value: n as f64 / read,
            ci: None,
            mark: None,
            class,
            text: format!("{n} ({})", pct(n as f64 / read)),
            nested: false,
        })
        .collect();
    let desc: Vec<String> = (parts.iter())
        .map(|(_, label, n, _)| format!("{label} {n}"))
        .collect();
    let alt = Alt {
        id: "chart-rows",
        title: "Where the rows went, of the rows read",
        desc: &format!("{}.", desc.join("; ")),
    };
    figure(
        p,
        &svg::bars(&alt, &bars),
        "Every row read ends as one of the six below it: they add up to the rows read. The shares are of the tagged rows.",
    );
    let mut cells: Vec<Row> = (parts.iter())
        .map(|&(id, label, n, _)| Row {
            id: id.into(),
            cells: vec![
                Cell::text(label),
                Cell::number("rows", Some(n as f64), n.to_string()),
                Cell::number("of_read", Some(n as f64 / read), pct(n as f64 / read)),
            ],
        })
        .collect();
    for (id, label, n) in [
        ("junk", "of no answer: junk", r.junk),
        (
            "multi_reason",
            "of tagged: more than one reason",
            r.multi_reason,
        ),
        ("overridden", "decided by an overrides file", r.overridden),
    ] {
        if n > 0 {
            cells.push(Row {
                id: id.into(),
                cells: vec![
                    Cell::text(label),
                    Cell::number("rows", Some(n as f64), n.to_string()),
                    Cell::number("of_read", Some(n as f64 / read), pct(n as f64 / read)),
                ],
            });
        }
    }
    table(p, "Row accounting", &["rows", "count", "of read"], &cells);
    rows_notes(p, report);
    p.push_str("</section>\n");
}

/// Filter causes, rejected lines, overrides and what the shares are of, under the accounting.
fn rows_notes(p: &mut String, report: &Report) {
    let r = &report.rows;
    if r.filtered_out > 0 {
        para(
            p,
            &format!(
                "Filtered out: {}.",
                r.filtered_out_by.describe(r.filtered_out)
            ),
        );
    }
    if !report.rejected_rows.is_empty() {
        let lines: Vec<String> = (report.rejected_rows.iter().take(20))
            .map(|x| format!("{} line {}", x.path, x.line))
            .collect();
        let more = report.rejected_rows.len().saturating_sub(20);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        para(
            p,
            &format!(
                "Rejected (wrong number of fields): {}{more}.",
                lines.join(", ")
            ),
        );
    }
    if let Some(o) = &report.overrides {
        let tagged: usize = report.reasons.iter().map(|x| x.from_override).sum();
        para(
            p,
            &crate::render::overrides_line(o, tagged).replace('`', ""),
        );
    }
    para(p, report.attribution.note);
}

/// The test against the benchmark in words, its buckets, and where the benchmark comes from.
pub fn test(p: &mut String, report: &Report) {
    open(
        p,
        "test",
        &format!("Against the benchmark {}", report.benchmark.name),
    );
    match &report.test {
        Some(t) => {
            let reading = crate::render::fit_reading(t.p_value, report.confidence);
            para(
                p,
                &format!(
                    "Do the shares follow the benchmark? {} test: p {}, Cohen's w = {:.2} ({}): {reading}.",
                    t.method,
                    p_phrase(t.p_value),
                    t.effect_size,
                    effect_words(t.effect_size)
                ),
            );
            if t.method != "chi-square" && t.method != "g" {
                para(p, &t.note);
            }
        }
        None => para(
            p,
            "No overall test: there are no tagged rows, or the shares are weighted or may sum past 100% (--attribution all), which the test does not cover. The verdict per reason still holds.",
        ),
    }
    let rows: Vec<Row> = (report.benchmark.buckets.iter())
        .map(|b| Row {
            id: b.id.clone(),
            cells: vec![
                Cell::text(&b.label),
                Cell::text(b.reasons.join(", ")),
                Cell::number(
                    "benchmark_share",
                    Some(b.benchmark_share),
                    pct(b.benchmark_share),
                ),
                Cell::number("share", b.share, or_dash(b.share, pct)),
                Cell::number(
                    "ci_lower",
                    b.ci.as_ref().map(|c| c.lower),
                    interval(b.ci.as_ref()),
                ),
                Cell::number(
                    "p_value_adjusted",
                    b.p_value_adjusted,
                    or_dash(b.p_value_adjusted, |x| format!("{x:.3}")),
                ),
                Cell::text(verdict(b.verdict).1),
            ],
        })
        .collect();
    table(
        p,
        "The benchmark's buckets",
        &[
            "bucket",
            "reasons",
            "benchmark",
            "share",
            "interval",
            "p (Holm)",
            "verdict",
        ],
        &rows,
    );
    let _ = writeln!(
        p,
        "<blockquote class=\"provenance\"><p><strong>Where the benchmark comes from.</strong> {}</p></blockquote>",
        esc(&report.benchmark.note)
    );
    for note in &report.benchmark.notes {
        para(p, note);
    }
    p.push_str("</section>\n");
}

/// With `--weight`: each reason's share of the weight (revenue) beside its share of customers.
pub fn weight(p: &mut String, report: &Report) {
    let Some(w) = &report.weight else { return };
    open(
        p,
        "weight",
        &format!("Revenue beside customers ({})", w.column),
    );
    let customers: f64 = report.reasons.iter().map(|x| x.count).sum();
    let of_customers = |x: &ReasonRow| (customers > 0.0).then(|| x.count / customers);
    let pairs: Vec<Pair> = (report.reasons.iter())
        .filter_map(|x| {
            Some(Pair {
                label: x.label.clone(),
                first: x.share?,
                first_ci: ci_pair(x.ci.as_ref()),
                second: of_customers(x)?,
            })
        })
        .collect();
    para(
        p,
        &format!(
            "Shares of {} (total {}; effective sample size {} of {}) beside shares of the customers who left.",
            w.column,
            count(w.total),
            fixed(w.effective_n, 1),
            plural(report.rows.tagged, "tagged row", "tagged rows")
        ),
    );
    let desc: Vec<String> = (pairs.iter())
        .map(|x| {
            format!(
                "{}: {} of {}, {} of customers",
                x.label,
                pct(x.first),
                w.column,
                pct(x.second)
            )
        })
        .collect();
    let alt = Alt {
        id: "chart-weight",
        title: &format!("Share of {} and share of customers per reason", w.column),
        desc: &format!("{}.", desc.join("; ")),
    };
    let first = format!("share of {}", w.column);
    figure(
        p,
        &svg::pairs(&alt, &pairs, (&first, "share of customers")),
        "Upper bar and whisker: the share of the weight with its bootstrap interval; lower bar: the share of the customers.",
    );
    let rows: Vec<Row> = (report.reasons.iter())
        .map(|x| Row {
            id: x.id.clone(),
            cells: vec![
                Cell::text(&x.label),
                Cell::number("weight", x.weight, or_dash(x.weight, count)),
                Cell::number("share", x.share, or_dash(x.share, pct)),
                Cell::number(
                    "ci_lower",
                    x.ci.as_ref().map(|c| c.lower),
                    interval(x.ci.as_ref()),
                ),
                Cell::number("count", Some(x.count), count(x.count)),
                Cell::number(
                    "share_of_customers",
                    of_customers(x),
                    or_dash(of_customers(x), pct),
                ),
            ],
        })
        .collect();
    table(
        p,
        "Revenue and customers per reason",
        &[
            "reason",
            &w.column,
            "share",
            "interval",
            "customers",
            "share of customers",
        ],
        &rows,
    );
    p.push_str("</section>\n");
}

/// With `--period`: each reason over time, a panel each, with its band.
pub fn periods(p: &mut String, report: &Report) {
    let Some(b) = &report.periods else { return };
    let period = b.period.map_or("period", |x| x.name());
    open(p, "periods", &format!("Over time, by {period}"));
    let xs: Vec<String> = b.groups.iter().map(|g| g.key.clone()).collect();
    let panels: Vec<Panel> = (report.reasons.iter().enumerate())
        .map(|(j, x)| Panel {
            label: x.label.clone(),
            points: (b.groups.iter())
                .map(|g| {
                    let r = g.reasons.get(j);
                    Point {
                        value: r.and_then(|r| r.share),
                        ci: r.and_then(|r| ci_pair(r.ci.as_ref())),
                        faint: g.too_small,
                    }
                })
                .collect(),
            mark: x.benchmark_share,
        })
        .collect();
    let alt = Alt {
        id: "chart-periods",
        title: &format!("Each reason's share per {period}, with its band"),
        desc: &breakdown_words(report, b),
    };
    figure(
        p,
        &svg::lines(&alt, &xs, &panels),
        &format!(
            "A panel per reason, all on one scale: the line is its share per {period}, the band its {:.0}% interval, the dashed line the benchmark's share; hollow points have too few tagged rows for the test.",
            report.confidence * 100.0
        ),
    );
    breakdown_rest(p, report, b, "Stable over time?");
    p.push_str("</section>\n");
}

/// With `--by`: the segments against the reasons as a heatmap.
pub fn segments(p: &mut String, report: &Report) {
    let Some(b) = &report.segments else { return };
    open(p, "segments", &format!("By {}", b.columns.join(" / ")));
    let rows: Vec<(String, bool)> = b
        .groups
        .iter()
        .map(|g| (g.key.clone(), g.too_small))
        .collect();
    let columns: Vec<String> = report.reasons.iter().map(|x| x.label.clone()).collect();
    let cells: Vec<Vec<Option<f64>>> = (b.groups.iter())
        .map(|g| g.reasons.iter().map(|r| r.share).collect())
        .collect();
    let alt = Alt {
        id: "chart-segments",
        title: &format!(
            "Each reason's share per segment of {}",
            b.columns.join(" / ")
        ),
        desc: &breakdown_words(report, b),
    };
    figure(
        p,
        &svg::heatmap(&alt, &Heat { rows: &rows, columns: &columns, cells: &cells }),
        "Each cell: the reason's share of the segment's tagged rows, darker for more. * too few tagged rows for the test.",
    );
    breakdown_rest(p, report, b, "Same reasons in every segment?");
    p.push_str("</section>\n");
}

/// A breakdown in words: each group's largest reason.
fn breakdown_words(report: &Report, b: &BreakdownRow) -> String {
    let parts: Vec<String> = (b.groups.iter())
        .map(|g| {
            let top = (g.reasons.iter().zip(&report.reasons))
                .filter_map(|(r, x)| Some((r.share?, &x.label)))
                .fold(None, |best: Option<(f64, &String)>, c| match best {
                    Some(b) if b.0 >= c.0 => Some(b),
                    _ => Some(c),
                });
            match top {
                Some((s, label)) => {
                    format!("{}: {} rows, most {} ({})", g.key, g.tagged, label, pct(s))
                }
                None => format!("{}: no tagged rows", g.key),
            }
        })
        .collect();
    format!("{}.", parts.join("; "))
}

/// A breakdown's table, its test in words and its notes.
fn breakdown_rest(p: &mut String, report: &Report, b: &BreakdownRow, question: &str) {
    let mut headers = vec!["group".to_string(), "rows".into(), "tagged".into()];
    headers.extend(report.reasons.iter().map(|x| x.label.clone()));
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows: Vec<Row> = (b.groups.iter())
        .map(|g| {
            let mut cells = vec![
                Cell::text(if g.too_small {
                    format!("{} *", g.key)
                } else {
                    g.key.clone()
                }),
                Cell::number("rows", Some(g.rows as f64), g.rows.to_string()),
                Cell::number("tagged", Some(g.tagged as f64), g.tagged.to_string()),
            ];
            cells.extend(
                g.reasons
                    .iter()
                    .map(|r| Cell::number("share", r.share, or_dash(r.share, pct))),
            );
            Row {
                id: g.key.clone(),
                cells,
            }
        })
        .collect();
    table(p, "Shares per group", &headers, &rows);
    if let Some(h) = &b.test {
        let line = crate::render::homogeneity_line(h, report.confidence);
        para(p, &format!("{question} {line}"));
    }
    for note in &b.notes {
        para(p, &format!("Note: {note}."));
    }
}

/// With `--calibrate`: the shares corrected for the tagger's error beside the raw ones.
pub fn calibration(p: &mut String, report: &Report) {
    let Some(c) = &report.calibration else { return };
    open(p, "calibration", "Corrected for tagging error");
    let method = match c.method {
        "precision" => "each tag's precision, the sheet drawn per tag",
        _ => "adjusted classify-and-count (the tagger's confusion)",
    };
    para(
        p,
        &format!(
            "Corrected by {method}, measured on {} labelled rows of {}; {:.0}% bootstrap intervals ({} resamples). Read the intervals rather than the points when the sample is small.",
            c.labelled_rows, c.labelled_file, report.confidence * 100.0, c.resamples
        ),
    );
    let label = |id: &str| {
        report
            .reason(id)
            .map_or_else(|| "(no reason)".to_string(), |x| x.label.clone())
    };
    let all: Vec<_> = c.reasons.iter().chain([&c.none]).collect();
    let pairs: Vec<Pair> = (all.iter())
        .filter_map(|r| {
            Some(Pair {
                label: label(&r.id),
                first: r.share?,
                first_ci: r.ci.map(|i| (i.lower, i.upper)),
                second: r.raw_share,
            })
        })
        .collect();
    let desc: Vec<String> = (pairs.iter())
        .map(|x| {
            format!(
                "{}: corrected {}, raw {}",
                x.label,
                pct(x.first),
                pct(x.second)
            )
        })
        .collect();
    let alt = Alt {
        id: "chart-calibration",
        title: "Corrected shares beside the raw shares",
        desc: &format!("{}.", desc.join("; ")),
    };
    figure(p, &svg::pairs(&alt, &pairs, ("corrected", "raw")), "Upper bar and whisker: the corrected share and its interval; lower bar: the share as tagged. (no reason) is a share of all answers.");
    let rows: Vec<Row> = (all.iter())
        .map(|r| Row {
            id: r.id.clone(),
            cells: vec![
                Cell::text(label(&r.id)),
                Cell::number("raw_share", Some(r.raw_share), pct(r.raw_share)),
                Cell::number("share", r.share, or_dash(r.share, pct)),
                Cell::text(r.ci.map_or("–".into(), |i| {
                    format!(
                        "{}–{}%",
                        fixed(i.lower * 100.0, 1),
                        fixed(i.upper * 100.0, 1)
                    )
                })),
                Cell::number("labelled", Some(r.labelled as f64), r.labelled.to_string()),
            ],
        })
        .collect();
    table(
        p,
        "Corrected shares",
        &["reason", "raw", "corrected", "interval", "labelled"],
        &rows,
    );
    if let Some(note) = &c.note {
        para(p, &format!("Note: {note}."));
    }
    p.push_str("</section>\n");
}

/// With `[competitors]`: who the customers lost to someone went to; without, the names given.
pub fn lost_to(p: &mut String, report: &Report) {
    if report.lost_to.is_none() && report.proposed_competitors.is_empty() {
        return;
    }
    open(p, "lost-to", "Lost to");
    if let Some(l) = &report.lost_to {
        para(
            p,
            &format!(
                "{} customers were lost to someone (a better product, or a friend's advice).",
                l.rows
            ),
        );
        let shown: Vec<_> = l
            .competitors
            .iter()
            .filter(|c| c.count > 0 || c.id.is_some())
            .collect();
        let bars: Vec<Bar> = (shown.iter())
            .filter_map(|c| {
                Some(Bar {
                    label: c.label.clone(),
                    value: c.share?,
                    ci: ci_pair(c.ci.as_ref()),
                    mark: None,
                    class: "plain",
                    text: pct(c.share?),
                    nested: false,
                })
            })
            .collect();
        if !bars.is_empty() {
            let desc: Vec<String> = bars
                .iter()
                .map(|b| format!("{} {}", b.label, pct(b.value)))
                .collect();
            let alt = Alt {
                id: "chart-lost-to",
                title: "Customers lost to someone, by the competitor named",
                desc: &format!("{}.", desc.join("; ")),
            };
            figure(
                p,
                &svg::bars(&alt, &bars),
                "Bars: share of the customers lost to someone; whiskers: interval.",
            );
        }
        let rows: Vec<Row> = (shown.iter())
            .map(|c| Row {
                id: c.id.clone().unwrap_or_default(),
                cells: vec![
                    Cell::text(&c.label),
                    Cell::number("count", Some(c.count as f64), c.count.to_string()),
                    Cell::number("share", c.share, or_dash(c.share, pct)),
                    Cell::text(interval(c.ci.as_ref())),
                ],
            })
            .collect();
        table(
            p,
            "Competitors",
            &["competitor", "responses", "share", "interval"],
            &rows,
        );
    }
    if !report.proposed_competitors.is_empty() {
        let names: Vec<String> = (report.proposed_competitors.iter())
            .map(|x| format!("{} ({})", x.text, x.count))
            .collect();
        para(p, &format!("Where customers say they went (not counted; name them under [competitors] to count them): {}.", names.join(", ")));
    }
    p.push_str("</section>\n");
}

/// With `--quotes`: the customers' own words, per reason and sub-reason.
pub fn quotes(p: &mut String, report: &Report) {
    let groups = crate::render::quote_groups(report);
    if groups.is_empty() {
        return;
    }
    open(p, "quotes", "In their own words");
    if report.redacted != Some(false) {
        para(p, "Personal data (e-mail, phone, card and IBAN numbers, URLs with tokens, handles) is redacted.");
    }
    for (title, quotes) in groups {
        let _ = write!(p, "<h3>{}</h3><ul class=\"quotes\">", esc(&title));
        for q in quotes {
            let _ = write!(p, "<li><q>{}</q></li>", esc(&q.text));
        }
        p.push_str("</ul>\n");
    }
    p.push_str("</section>\n");
}

/// With `--show-unclassified`, unknown codes and code/text conflicts: the answers and codes
/// the taxonomy did not settle.
pub fn answers(p: &mut String, report: &Report) {
    let any = !report.unclassified_answers.is_empty()
        || !report.unknown_codes.is_empty()
        || !report.code_text_conflicts.is_empty();
    if !any {
        return;
    }
    open(p, "unsettled", "What the taxonomy did not settle");
    let list = |items: Vec<(String, usize)>| -> Vec<Row> {
        (items.into_iter().enumerate())
            .map(|(k, (text, n))| Row {
                id: k.to_string(),
                cells: vec![
                    Cell::text(text),
                    Cell::number("count", Some(n as f64), n.to_string()),
                ],
            })
            .collect()
    };
    if !report.unclassified_answers.is_empty() {
        let items = report
            .unclassified_answers
            .iter()
            .map(|x| (x.text.clone(), x.count))
            .collect();
        table(
            p,
            "The most common unclassified answers",
            &["answer", "rows"],
            &list(items),
        );
    }
    if !report.unknown_codes.is_empty() {
        let items = report
            .unknown_codes
            .iter()
            .map(|x| (x.value.clone(), x.count))
            .collect();
        table(
            p,
            "Codes no code map knows (the text was read instead)",
            &["code", "rows"],
            &list(items),
        );
    }
    if !report.code_text_conflicts.is_empty() {
        let items = (report.code_text_conflicts.iter())
            .map(|x| {
                (
                    format!(
                        "code {}, text {} (counted: {})",
                        x.code_reason, x.text_reason, x.counted
                    ),
                    x.count,
                )
            })
            .collect();
        table(
            p,
            "Rows whose code and text name different reasons",
            &["pair", "rows"],
            &list(items),
        );
    }
    p.push_str("</section>\n");
}

/// How the numbers were made, and what made them.
pub fn footer(p: &mut String, report: &Report) {
    p.push_str("<footer>\n<h2>Methods</h2>\n");
    let level = format!("{:.0}%", report.confidence * 100.0);
    let method = crate::render::interval_method(report);
    let verdicts = crate::render::verdict_rule(report);
    para(
        p,
        &format!(
            "Intervals: {level} {method}. Verdicts: {verdicts}. Attribution: {}.",
            report.attribution.mode
        ),
    );
    for i in &report.inputs {
        let column = i.text_column.as_deref().unwrap_or("none");
        para(
            p,
            &format!(
                "Input {}: {} ({} layout), {}; answers from column {column}{}.",
                i.source.path,
                i.source.format,
                i.source.layout,
                plural(i.source.rows, "row", "rows"),
                if i.code_columns.is_empty() {
                    String::new()
                } else {
                    format!(", codes from {}", i.code_columns.join(", "))
                }
            ),
        );
    }
    let config = report.config.as_deref().unwrap_or("the built-in taxonomy");
    para(
        p,
        &format!(
            "Taxonomy: {config}. Made by {} {}; the same input gives the same page, byte for byte.",
            report.tool.name, report.tool.version
        ),
    );
    p.push_str("</footer>\n");
}
