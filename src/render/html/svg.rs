//! Charts drawn as inline SVG, from plain values: horizontal bars with intervals and a mark,
//! pairs of bars, small multiples of lines with bands, and a heatmap. Pure: each returns the
//! markup of one `<svg>`, sized by its `viewBox` so it scales to the page. Colours come from
//! the page's stylesheet (classes), so dark mode and print restyle them; every chart carries a
//! `<title>` and a `<desc>` that say in words what it shows.

use std::fmt::Write as _;

use super::esc;

/// Width of every chart in `viewBox` units.
const WIDTH: f64 = 640.0;
/// Where the plot starts, after the labels.
const LEFT: f64 = 200.0;
/// Where the plot ends, before the value labels.
const RIGHT: f64 = 540.0;
/// Height of one bar's row.
const ROW: f64 = 26.0;
/// Room above the first row for the axis.
const TOP: f64 = 24.0;

/// The words of a chart for those who cannot see it.
pub struct Alt<'a> {
    /// Unique in the page: the prefix of the title's and description's ids.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// One bar: a value on a 0..1 scale, with an optional interval, a mark (the benchmark's
/// share) and the class that colours it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub ci: Option<(f64, f64)>,
    pub mark: Option<f64>,
    pub class: &'static str,
    /// Shown after the bar: the value in words, and a verdict symbol.
    pub text: String,
    /// Drawn indented and lighter: a part of the bar above.
    pub nested: bool,
}

/// The opening of an `<svg>` of `height` with its title and description.
fn open(alt: &Alt<'_>, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(alt.title),
        esc(alt.desc),
        id = alt.id,
    )
}

/// A scale's end and step for values up to `max` (fractions): about five gridlines.
pub fn scale(max: f64) -> (f64, f64) {
    const STEPS: [f64; 8] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0];
    let max = if max.is_finite() { max.max(0.0) } else { 1.0 };
    for step in STEPS {
        let n = (max / step - 1e-9).ceil().max(1.0);
        if n <= 5.0 {
            return ((n * step * 1e6).round() / 1e6, step);
        }
    }
    (max.ceil(), 1.0)
}

/// A percentage for an axis or a label: "20%", "2.5%".
fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// Gridlines and their labels from `left` to `right` for a scale of (`end`, `step`).
fn grid(out: &mut String, span: (f64, f64), end_step: (f64, f64), top: f64, bottom: f64) {
    let (left, right) = span;
    let (end, step) = end_step;
    let ticks = (end / step).round() as usize;
    for k in 0..=ticks {
        let v = step * k as f64;
        let x = left + (right - left) * v / end;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/><text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top - 6.0,
            percent(v)
        );
    }
}

/// A label cut to fit the label column, the whole of it in a tooltip.
fn label(out: &mut String, text: &str, x: f64, y: f64, class: &str) {
    let chars: Vec<char> = text.chars().collect();
    let shown: String = if chars.len() > 28 {
        chars[..27].iter().collect::<String>() + "…"
    } else {
        text.to_string()
    };
    let _ = write!(
        out,
        "<text class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\"><title>{}</title>{}</text>",
        esc(text),
        esc(&shown)
    );
}

/// Horizontal bars on one scale, each with its interval as a whisker and its mark as a tick.
pub fn bars(alt: &Alt<'_>, bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .flat_map(|b| [Some(b.value), b.ci.map(|c| c.1), b.mark])
        .flatten()
        .fold(0.0, f64::max);
    let (end, step) = scale(max);
    let height = TOP + ROW * bars.len() as f64 + 8.0;
    let mut out = open(alt, height);
    grid(&mut out, (LEFT, RIGHT), (end, step), TOP, height - 4.0);
    let x = |v: f64| LEFT + (RIGHT - LEFT) * (v / end).clamp(0.0, 1.0);
    for (k, b) in bars.iter().enumerate() {
        let y = TOP + ROW * k as f64;
        let thick = if b.nested { 10.0 } else { 16.0 };
        let mid = y + ROW / 2.0;
        label(
            &mut out,
            &b.label,
            LEFT - 8.0,
            mid + 4.0,
            if b.nested { "label nested" } else { "label" },
        );
        let _ = write!(
            out,
            "<rect class=\"bar {}\" x=\"{LEFT:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{thick:.1}\"/>",
            b.class,
            mid - thick / 2.0,
            x(b.value) - LEFT
        );
        if let Some((lo, hi)) = b.ci {
            let (a, z) = (x(lo), x(hi));
            let _ = write!(
                out,
                "<path class=\"whisker\" d=\"M{a:.1} {:.1}V{:.1}M{a:.1} {mid:.1}H{z:.1}M{z:.1} {:.1}V{:.1}\"/>",
                mid - 5.0,
                mid + 5.0,
                mid - 5.0,
                mid + 5.0
            );
        }
        if let Some(m) = b.mark {
            let xm = x(m);
            let _ = write!(
                out,
                "<path class=\"mark\" d=\"M{xm:.1} {:.1}V{:.1}\"/>",
                mid - ROW / 2.0 + 2.0,
                mid + ROW / 2.0 - 2.0
            );
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            RIGHT + 8.0,
            mid + 4.0,
            esc(&b.text)
        );
    }
    out.push_str("</svg>");
    out
}

/// Pairs of bars per row (revenue beside customers, raw beside corrected), each pair's two
/// values on one scale, with optional intervals on the first.
pub struct Pair {
    pub label: String,
    pub first: f64,
    pub first_ci: Option<(f64, f64)>,
    pub second: f64,
}

/// Two bars per row, `names` telling them apart in the legend.
pub fn pairs(alt: &Alt<'_>, rows: &[Pair], names: (&str, &str)) -> String {
    let max = rows
        .iter()
        .flat_map(|r| [r.first, r.second, r.first_ci.map_or(0.0, |c| c.1)])
        .fold(0.0, f64::max);
    let (end, step) = scale(max);
    let row = ROW + 10.0;
    let height = TOP + row * rows.len() as f64 + 30.0;
    let mut out = open(alt, height);
    grid(&mut out, (LEFT, RIGHT), (end, step), TOP, height - 30.0);
    let x = |v: f64| LEFT + (RIGHT - LEFT) * (v / end).clamp(0.0, 1.0);
    for (k, r) in rows.iter().enumerate() {
        let y = TOP + row * k as f64 + 4.0;
        label(&mut out, &r.label, LEFT - 8.0, y + 17.0, "label");
        for (i, (v, class)) in [(r.first, "first"), (r.second, "second")]
            .into_iter()
            .enumerate()
        {
            let top = y + 13.0 * i as f64;
            let _ = write!(
                out,
                "<rect class=\"bar {class}\" x=\"{LEFT:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"12\"/><text class=\"value small\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x(v) - LEFT,
                RIGHT + 8.0,
                top + 10.0,
                percent_1(v)
            );
        }
        if let Some((lo, hi)) = r.first_ci {
            let mid = y + 6.0;
            let _ = write!(
                out,
                "<path class=\"whisker\" d=\"M{:.1} {mid:.1}H{:.1}\"/>",
                x(lo),
                x(hi)
            );
        }
    }
    legend(
        &mut out,
        height - 12.0,
        &[("first", names.0), ("second", names.1)],
    );
    out.push_str("</svg>");
    out
}

/// A share to one decimal: "12.3%".
fn percent_1(x: f64) -> String {
    format!("{}%", crate::text::fixed(x * 100.0, 1))
}

/// Swatches with names, in a row at `y`.
fn legend(out: &mut String, y: f64, items: &[(&str, &str)]) {
    let mut x = LEFT;
    for (class, name) in items {
        let _ = write!(
            out,
            "<rect class=\"bar {class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\"/><text class=\"tick\" x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            y - 10.0,
            x + 16.0,
            esc(name)
        );
        x += 24.0 + 7.0 * name.chars().count() as f64;
    }
}

/// One point of a line: a value with its interval; `faint` when too few rows stand behind it.
pub struct Point {
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub faint: bool,
}

/// One small chart of the multiples: a reason over the periods, and the benchmark's share.
pub struct Panel {
    pub label: String,
    pub points: Vec<Point>,
    pub mark: Option<f64>,
}

/// Small multiples, three to a row: each panel a line over `xs` with its band of intervals,
/// the benchmark dashed; all on one scale so panels compare.
pub fn lines(alt: &Alt<'_>, xs: &[String], panels: &[Panel]) -> String {
    const COLS: usize = 3;
    const W: f64 = WIDTH / COLS as f64;
    const H: f64 = 150.0;
    let max = panels
        .iter()
        .flat_map(|p| {
            (p.points.iter())
                .flat_map(|q| [q.value, q.ci.map(|c| c.1)])
                .chain([p.mark])
        })
        .flatten()
        .fold(0.0, f64::max);
    let (end, step) = scale(max);
    let rows = panels.len().div_ceil(COLS);
    let mut out = open(alt, H * rows as f64);
    for (k, p) in panels.iter().enumerate() {
        let (ox, oy) = (W * (k % COLS) as f64, H * (k / COLS) as f64);
        panel(&mut out, (ox, oy, W, H), (end, step), xs, p);
    }
    out.push_str("</svg>");
    out
}

/// One panel of [`lines`] in the box (x, y, width, height).
fn panel(
    out: &mut String,
    frame: (f64, f64, f64, f64),
    scale: (f64, f64),
    xs: &[String],
    p: &Panel,
) {
    let (ox, oy, w, h) = frame;
    let (end, step) = scale;
    let (left, right, top, bottom) = (ox + 36.0, ox + w - 10.0, oy + 30.0, oy + h - 24.0);
    let n = xs.len().max(1);
    let px = |i: usize| {
        if n == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * i as f64 / (n - 1) as f64
        }
    };
    let py = |v: f64| bottom - (bottom - top) * (v / end).clamp(0.0, 1.0);
    let _ = write!(
        out,
        "<text class=\"label panel\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        ox + 6.0,
        oy + 16.0,
        esc(&p.label)
    );
    let ticks = (end / step).round() as usize;
    for k in (0..=ticks).filter(|k| k % 2 == 0 || ticks <= 3) {
        let v = step * k as f64;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{right:.1}\" y2=\"{y:.1}\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 4.0,
            py(v) + 3.0,
            percent(v),
            y = py(v)
        );
    }
    for (i, first_or_last) in [(0, true), (n - 1, n > 1)] {
        if first_or_last {
            let anchor = if i == 0 && n > 1 { "start" } else { "end" };
            let anchor = if n == 1 { "middle" } else { anchor };
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                px(i),
                bottom + 14.0,
                esc(xs.get(i).map_or("", |s| s.as_str()))
            );
        }
    }
    band(out, &p.points, &px, &py);
    if let Some(m) = p.mark {
        let _ = write!(
            out,
            "<path class=\"mark dashed\" d=\"M{left:.1} {y:.1}H{right:.1}\"/>",
            y = py(m)
        );
    }
    trace(out, &p.points, &px, &py);
}

/// The band of a panel's intervals, as one polygon per run of points that have one.
fn band(out: &mut String, points: &[Point], px: &dyn Fn(usize) -> f64, py: &dyn Fn(f64) -> f64) {
    let mut runs: Vec<Vec<(usize, (f64, f64))>> = vec![Vec::new()];
    for (i, q) in points.iter().enumerate() {
        match q.ci {
            Some(c) => runs.last_mut().expect("a run").push((i, c)),
            None => runs.push(Vec::new()),
        }
    }
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let mut d = String::new();
        for (k, (i, (_, hi))) in run.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1} {:.1}",
                if k == 0 { "M" } else { "L" },
                px(*i),
                py(*hi)
            );
        }
        for (i, (lo, _)) in run.iter().rev() {
            let _ = write!(d, "L{:.1} {:.1}", px(*i), py(*lo));
        }
        if run.len() == 1 {
            let (i, (lo, hi)) = run[0];
            d = format!(
                "M{:.1} {:.1}H{:.1}V{:.1}H{:.1}Z",
                px(i) - 3.0,
                py(hi),
                px(i) + 3.0,
                py(lo),
                px(i) - 3.0
            );
        }
        let _ = write!(out, "<path class=\"band\" d=\"{d}Z\"/>");
    }
}

/// A panel's line and its points (hollow where too few rows stand behind them).
fn trace(out: &mut String, points: &[Point], px: &dyn Fn(usize) -> f64, py: &dyn Fn(f64) -> f64) {
    let mut d = String::new();
    let mut pen_up = true;
    for (i, q) in points.iter().enumerate() {
        match q.value {
            Some(v) => {
                let _ = write!(
                    d,
                    "{}{:.1} {:.1}",
                    if pen_up { "M" } else { "L" },
                    px(i),
                    py(v)
                );
                pen_up = false;
            }
            None => pen_up = true,
        }
    }
    if !d.is_empty() {
        let _ = write!(out, "<path class=\"line\" d=\"{d}\"/>");
    }
    for (i, q) in points.iter().enumerate() {
        if let Some(v) = q.value {
            let _ = write!(
                out,
                "<circle class=\"point{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"/>",
                if q.faint { " faint" } else { "" },
                px(i),
                py(v)
            );
        }
    }
}

/// A table of shades: a row per group, a column per reason, each cell its share, darker for
/// more; `flagged` rows are marked with an asterisk.
pub struct Heat<'a> {
    pub rows: &'a [(String, bool)],
    pub columns: &'a [String],
    pub cells: &'a [Vec<Option<f64>>],
}

/// Blues from light to dark: each step darker, so the order holds in grey and for every kind
/// of colour vision.
const SHADES: [&str; 7] = [
    "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594",
];

/// The heatmap of `heat`, shades scaled to its largest share.
pub fn heatmap(alt: &Alt<'_>, heat: &Heat<'_>) -> String {
    let cols = heat.columns.len().max(1);
    let cell_w = (WIDTH - LEFT) / cols as f64;
    let cell_h = 22.0;
    let head = 70.0;
    let height = head + cell_h * heat.rows.len() as f64 + 4.0;
    let max = (heat.cells.iter().flatten().flatten()).fold(0.0_f64, |a, &b| a.max(b));
    let mut out = open(alt, height);
    for (j, c) in heat.columns.iter().enumerate() {
        let x = LEFT + cell_w * (j as f64 + 0.5);
        let short: String = c.chars().take(14).collect();
        let _ = write!(
            out,
            "<text class=\"tick\" transform=\"translate({x:.1} {:.1}) rotate(-35)\"><title>{}</title>{}</text>",
            head - 6.0,
            esc(c),
            esc(&short)
        );
    }
    for (i, (name, flagged)) in heat.rows.iter().enumerate() {
        let y = head + cell_h * i as f64;
        let name = if *flagged {
            format!("{name} *")
        } else {
            name.clone()
        };
        label(&mut out, &name, LEFT - 8.0, y + 15.0, "label");
        for j in 0..heat.columns.len() {
            let v = heat.cells.get(i).and_then(|r| r.get(j)).copied().flatten();
            cell(
                &mut out,
                (LEFT + cell_w * j as f64, y, cell_w, cell_h),
                v,
                max,
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One cell of a heatmap in the box (x, y, width, height): its shade and its share.
fn cell(out: &mut String, frame: (f64, f64, f64, f64), v: Option<f64>, max: f64) {
    let (x, y, w, h) = frame;
    let Some(v) = v else {
        let _ = write!(
            out,
            "<rect class=\"empty\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
            w - 2.0,
            h - 2.0
        );
        return;
    };
    let level = if max > 0.0 {
        ((v / max) * (SHADES.len() - 1) as f64).round() as usize
    } else {
        0
    };
    let level = level.min(SHADES.len() - 1);
    let _ = write!(
        out,
        "<rect fill=\"{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"/><text class=\"cell{}\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        SHADES[level],
        w - 2.0,
        h - 2.0,
        if level >= 4 { " on-dark" } else { "" },
        x + w / 2.0 - 1.0,
        y + h / 2.0 + 3.0,
        percent_1(v)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_end_on_a_round_step_past_the_largest_value() {
        assert_eq!(scale(0.68), (0.8, 0.2));
        assert_eq!(scale(0.14), (0.15, 0.05));
        assert_eq!(scale(0.2), (0.2, 0.05));
        assert_eq!(scale(0.0), (0.01, 0.01));
        assert_eq!(scale(1.0), (1.0, 0.2));
        assert_eq!(scale(f64::NAN), (1.0, 0.2));
    }

    #[test]
    fn a_bar_chart_says_what_it_shows_and_escapes_labels() {
        let alt = Alt {
            id: "c1",
            title: "Shares",
            desc: "a <b> & c",
        };
        let svg = bars(
            &alt,
            &[Bar {
                label: "<script>".into(),
                value: 0.5,
                ci: Some((0.4, 0.6)),
                mark: Some(0.68),
                class: "below",
                text: "50.0% ▼".into(),
                nested: false,
            }],
        );
        assert!(svg.contains("aria-labelledby=\"c1-t c1-d\""));
        assert!(svg.contains("<desc id=\"c1-d\">a &lt;b&gt; &amp; c</desc>"));
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("class=\"whisker\"") && svg.contains("class=\"mark\""));
    }
}
