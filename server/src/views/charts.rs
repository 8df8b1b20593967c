//! Charts drawn on the server as inline SVG (no JavaScript): bar chart, histogram, line chart.
//! Each is a `<figure>` whose SVG has a `<title>` and `<desc>` (`role="img"`), shows its values
//! on the bars or points, and carries the same figures as a data table in a `<details>` for
//! screen readers and for copying. With no data it says so instead of drawing empty axes.

use maud::{Markup, html};

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

/// One value of a chart.
#[derive(Clone, Debug)]
pub struct Point {
    /// Category or x label.
    pub label: String,
    /// Value (≥ 0).
    pub value: f64,
}

impl Point {
    /// A labelled value.
    pub fn new(label: impl Into<String>, value: f64) -> Self {
        Self { label: label.into(), value }
    }
}

/// A chart's texts and values.
pub struct Chart<'a> {
    /// Element id prefix (unique on the page).
    pub id: &'a str,
    /// Title shown above and read by screen readers.
    pub title: &'a str,
    /// Header of the label column in the data table.
    pub label_header: &'a str,
    /// Header of the value column in the data table.
    pub value_header: &'a str,
    /// Text shown instead of the chart when every value is zero or there is none.
    pub no_data: &'a str,
    /// Text of the data table's disclosure.
    pub table_caption: &'a str,
    /// The values, in order.
    pub points: Vec<Point>,
    /// Show one x label every `label_every` points (1 = all).
    pub label_every: usize,
}

/// How bars are drawn.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bars,
    Histogram,
    Line,
}

/// A bar chart: one bar per category.
pub fn bar_chart(c: &Chart) -> Markup {
    figure(c, Kind::Bars)
}

/// A histogram: adjacent bars over consecutive ranges.
pub fn histogram(c: &Chart) -> Markup {
    figure(c, Kind::Histogram)
}

/// A line chart over ordered x values (e.g. days).
pub fn line_chart(c: &Chart) -> Markup {
    figure(c, Kind::Line)
}

/// A round upper bound for the y axis (1, 2, 5 × 10ⁿ), at least 1.
pub fn nice_max(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(10.0 * magnitude)
}

/// A value as shown on the chart: integers without decimals, others with one.
pub fn shown(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{}", v.round() as i64) } else { format!("{v:.1}") }
}

fn figure(c: &Chart, kind: Kind) -> Markup {
    let empty = c.points.iter().all(|p| p.value <= 0.0);
    let title_id = format!("{}-title", c.id);
    html! {
        figure.chart id=(c.id) {
            figcaption #(title_id) { (c.title) }
            @if empty {
                p.no-data { (c.no_data) }
            } @else {
                (svg(c, kind, &title_id))
            }
            details.chart-data {
                summary { (c.table_caption) }
                table.data {
                    thead { tr { th scope="col" { (c.label_header) } th scope="col" { (c.value_header) } } }
                    tbody { @for p in &c.points { tr { td { (p.label) } td { (shown(p.value)) } } } }
                }
            }
        }
    }
}

fn svg(c: &Chart, kind: Kind, title_id: &str) -> Markup {
    let max = nice_max(c.points.iter().map(|p| p.value).fold(0.0, f64::max));
    let n = c.points.len().max(1) as f64;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / n;
    let y = |v: f64| TOP + plot_h - v / max * plot_h;
    let x_mid = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let every = c.label_every.max(1);
    let desc = c.points.iter().map(|p| format!("{}: {}", p.label, shown(p.value))).collect::<Vec<_>>().join("; ");
    let line: String = c
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x_mid(i), y(p.value)))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        svg.chart-svg viewBox={"0 0 " (W) " " (H)} role="img" aria-labelledby=(title_id) preserveAspectRatio="xMidYMid meet" {
            title { (c.title) }
            desc { (desc) }
            @for t in 0..=4 {
                @let v = max * f64::from(t) / 4.0;
                line.grid x1=(LEFT) x2=(W - RIGHT) y1=(y(v)) y2=(y(v)) {}
                text.axis x=(LEFT - 6.0) y=(y(v) + 4.0) text-anchor="end" { (shown(v)) }
            }
            @if kind == Kind::Line {
                polyline.series points=(line) {}
            }
            @for (i, p) in c.points.iter().enumerate() {
                @let (bar_w, bar_x) = match kind {
                    Kind::Histogram => (slot - 1.0, LEFT + slot * i as f64 + 0.5),
                    _ => (slot * 0.7, LEFT + slot * i as f64 + slot * 0.15),
                };
                g.point {
                    title { (p.label) ": " (shown(p.value)) }
                    @if kind == Kind::Line {
                        circle.dot cx=(x_mid(i)) cy=(y(p.value)) r="3" {}
                    } @else {
                        rect.bar x=(bar_x) y=(y(p.value)) width=(bar_w.max(1.0)) height=((TOP + plot_h - y(p.value)).max(0.0)) {}
                    }
                    @if p.value > 0.0 && (kind != Kind::Line || c.points.len() <= 31) {
                        text.value x=(x_mid(i)) y=(y(p.value) - 4.0) text-anchor="middle" { (shown(p.value)) }
                    }
                    @if i % every == 0 {
                        text.axis x=(x_mid(i)) y=(H - BOTTOM + 16.0) text-anchor="middle" { (p.label) }
                    }
                }
            }
            line.axis-line x1=(LEFT) x2=(W - RIGHT) y1=(TOP + plot_h) y2=(TOP + plot_h) {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(points: Vec<Point>) -> Chart<'static> {
        Chart {
            id: "c",
            title: "Scores",
            label_header: "Range",
            value_header: "Count",
            no_data: "No data yet",
            table_caption: "Data",
            points,
            label_every: 1,
        }
    }

    #[test]
    fn nice_bounds() {
        assert_eq!(
            [nice_max(0.0), nice_max(1.0), nice_max(3.0), nice_max(7.0), nice_max(11.0), nice_max(480.0)],
            [1.0, 1.0, 5.0, 10.0, 20.0, 500.0]
        );
    }

    #[test]
    fn bars_are_accessible_and_show_values() {
        let html = bar_chart(&chart(vec![Point::new("0–20", 2.0), Point::new("21–40", 5.0)])).into_string();
        assert!(html.contains(r#"role="img""#));
        assert!(html.contains(r#"aria-labelledby="c-title""#));
        assert!(html.contains("<title>Scores</title>"));
        assert!(html.contains("<desc>0–20: 2; 21–40: 5</desc>"));
        assert_eq!(html.matches("<rect").count(), 2);
        assert!(html.contains("<td>21–40</td><td>5</td>"));
        assert!(!html.contains("No data yet"));
    }

    #[test]
    fn empty_chart_says_so() {
        let html = line_chart(&chart(vec![Point::new("d1", 0.0)])).into_string();
        assert!(html.contains("No data yet"));
        assert!(!html.contains("<svg"));
    }

    #[test]
    fn user_labels_are_escaped() {
        let html = histogram(&chart(vec![Point::new("<b>", 1.0)])).into_string();
        assert!(!html.contains("<b>"));
    }
}
