//! `roadmap --chart FILE.svg`: monthly cost against shares of MRR, with stage
//! changes marked; for a simulation, the share of MRR itself, its median and
//! its P10–P90 band against the roadmap's share lines. Plain SVG,
//! coordinates computed with exact decimals.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::money::Money;
use crate::model::stage::{Guidance, Stages};

/// One month on the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChartMonth {
    /// 1, 2, 3…
    pub number: u32,
    /// The value drawn: the month's cost in dollars, or a share of MRR.
    pub value: Decimal,
    /// What the share lines are percentages of: the month's MRR on a dollar
    /// chart, 100 on a share chart (so a 20% line is at 20).
    pub reference: Decimal,
    /// The stage the month runs on (for a simulation, the most paths').
    pub stage: u32,
    /// For a simulation: the 10th and 90th percentiles, drawn as a band
    /// around `value`, the median.
    pub band: Option<(Decimal, Decimal)>,
}

/// What the vertical axis measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    /// US dollars a month.
    Dollars,
    /// Percent of MRR.
    ShareOfMrr,
}

impl Axis {
    fn title(self) -> &'static str {
        match self {
            Axis::Dollars => "US dollars per month",
            Axis::ShareOfMrr => "Infrastructure as a share of MRR",
        }
    }

    fn tick(self, value: Decimal) -> String {
        match self {
            Axis::Dollars => dollars(value),
            Axis::ShareOfMrr => format!("{}%", value.normalize()),
        }
    }

    /// The legend for the value line, alone or as a simulation's median.
    fn line(self, median: bool) -> &'static str {
        match (self, median) {
            (Axis::Dollars, false) => "Monthly infrastructure cost",
            (Axis::Dollars, true) => "Monthly cost, median path",
            (Axis::ShareOfMrr, _) => "Share of MRR, median path",
        }
    }
}

/// A share-of-MRR line: its percent, its name and colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShareLine {
    /// Percent of MRR.
    pub percent: Decimal,
    /// Legend text ("15% of MRR: Scaled guidance").
    pub label: String,
}

const WIDTH: i64 = 860;
const HEIGHT: i64 = 500;
const LEFT: i64 = 100;
const RIGHT: i64 = 40;
const TOP: i64 = 70;
const BOTTOM: i64 = 70;
/// Height of a legend row.
const LEGEND_ROW: i64 = 20;
/// How far apart two stage-change labels must be to share a row.
const STAGE_LABEL_WIDTH: i64 = 90;
const COST_COLOUR: &str = "#1f6feb";
const SHARE_COLOURS: [&str; 4] = ["#2da44e", "#bf8700", "#cf222e", "#8250df"];

/// The chart as an SVG document.
pub(crate) fn svg(title: &str, axis: Axis, months: &[ChartMonth], shares: &[ShareLine]) -> String {
    let plot_width = Decimal::from(WIDTH - LEFT - RIGHT);
    let plot_height = Decimal::from(HEIGHT - TOP - BOTTOM);
    let highest = months
        .iter()
        .flat_map(|month| {
            let share_values = shares
                .iter()
                .map(|share| month.reference * share.percent / Decimal::ONE_HUNDRED);
            let band_top = month.band.map(|(_, high)| high);
            std::iter::once(month.value)
                .chain(band_top)
                .chain(share_values)
        })
        .max()
        .unwrap_or(Decimal::ONE);
    let (top_value, tick_step) = nice_scale(highest);
    let steps = Decimal::from(months.len().saturating_sub(1).max(1));
    let x = |index: usize| -> Decimal {
        if months.len() == 1 {
            Decimal::from(LEFT) + plot_width / Decimal::TWO
        } else {
            Decimal::from(LEFT) + Decimal::from(index) * plot_width / steps
        }
    };
    let y = |value: Decimal| Decimal::from(TOP) + plot_height - value * plot_height / top_value;
    let banded = months.iter().any(|month| month.band.is_some());
    // Without revenue every share of it is zero: the lines lie on the axis,
    // and the legend says so rather than leave them unexplained.
    let no_revenue = months.iter().all(|month| month.reference.is_zero());
    let legend_rows = shares.len() + 1 + usize::from(banded) + usize::from(no_revenue);
    // The legend sits under the plot, never over the data.
    let height = HEIGHT + LEGEND_ROW * i64::try_from(legend_rows).unwrap_or(0);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r##"<text x="{}" y="28" font-size="17" font-weight="bold" fill="#24292f">{}</text>"##,
        LEFT,
        escape(title)
    );

    // Horizontal grid and dollar ticks.
    let mut tick = Decimal::ZERO;
    while tick <= top_value {
        let at = coordinate(y(tick));
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{at}" x2="{}" y2="{at}" stroke="#d0d7de" stroke-width="1"/>"##,
            WIDTH - RIGHT
        );
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{at}" text-anchor="end" dominant-baseline="middle" fill="#57606a">{}</text>"##,
            LEFT - 8,
            axis.tick(tick)
        );
        tick += tick_step;
    }
    // Month ticks, thinned to at most 24 labels.
    let every = months.len().div_ceil(24).max(1);
    for (index, month) in months.iter().enumerate() {
        let at = coordinate(x(index));
        let _ = writeln!(
            out,
            r##"<line x1="{at}" y1="{}" x2="{at}" y2="{}" stroke="#57606a" stroke-width="1"/>"##,
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM + 5
        );
        if index % every == 0 {
            let _ = writeln!(
                out,
                r##"<text x="{at}" y="{}" text-anchor="middle" fill="#57606a">{}</text>"##,
                HEIGHT - BOTTOM + 20,
                month.number
            );
        }
    }
    // Axes and their labels.
    let _ = writeln!(
        out,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}" stroke="#24292f" stroke-width="1.5"/>"##,
        HEIGHT - BOTTOM
    );
    let _ = writeln!(
        out,
        r##"<line x1="{LEFT}" y1="{0}" x2="{1}" y2="{0}" stroke="#24292f" stroke-width="1.5"/>"##,
        HEIGHT - BOTTOM,
        WIDTH - RIGHT
    );
    let _ = writeln!(
        out,
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#24292f" font-size="13">Month</text>"##,
        LEFT + (WIDTH - LEFT - RIGHT) / 2,
        HEIGHT - 22
    );
    let _ = writeln!(
        out,
        r##"<text x="22" y="{0}" text-anchor="middle" fill="#24292f" font-size="13" transform="rotate(-90 22 {0})">{1}</text>"##,
        TOP + (HEIGHT - TOP - BOTTOM) / 2,
        axis.title()
    );

    // Stage changes: a dashed line at the first month of the new stage; a
    // label too near the one before drops to a second row.
    let mut last_label: Option<(Decimal, i64)> = None;
    for (index, pair) in months.windows(2).enumerate() {
        if pair[0].stage != pair[1].stage {
            let position = x(index + 1);
            let row = match last_label {
                Some((previous, row)) if position - previous < Decimal::from(STAGE_LABEL_WIDTH) => {
                    1 - row
                }
                _ => 0,
            };
            last_label = Some((position, row));
            let at = coordinate(position);
            let _ = writeln!(
                out,
                r##"<line x1="{at}" y1="{TOP}" x2="{at}" y2="{}" stroke="#6e7781" stroke-width="1.5" stroke-dasharray="2 4"/>"##,
                HEIGHT - BOTTOM
            );
            let _ = writeln!(
                out,
                r##"<text x="{at}" y="{}" text-anchor="middle" fill="#24292f" font-weight="bold">stage {} → {}</text>"##,
                TOP - 8 - 16 * row,
                pair[0].stage,
                pair[1].stage
            );
        }
    }

    // A simulation's band (P10 to P90), under everything else.
    let band: Vec<(usize, Decimal, Decimal)> = months
        .iter()
        .enumerate()
        .filter_map(|(index, month)| month.band.map(|(low, high)| (index, low, high)))
        .collect();
    if !band.is_empty() {
        let upper = band
            .iter()
            .map(|(index, _, high)| format!("{},{}", coordinate(x(*index)), coordinate(y(*high))));
        let lower = band
            .iter()
            .rev()
            .map(|(index, low, _)| format!("{},{}", coordinate(x(*index)), coordinate(y(*low))));
        let _ = writeln!(
            out,
            r#"<polygon points="{}" fill="{COST_COLOUR}" fill-opacity="0.18" stroke="none"/>"#,
            upper.chain(lower).collect::<Vec<_>>().join(" ")
        );
    }

    // Share-of-MRR lines, then the cost line on top.
    for (share, colour) in shares.iter().zip(SHARE_COLOURS) {
        let points: Vec<(Decimal, Decimal)> = months
            .iter()
            .enumerate()
            .map(|(index, month)| {
                let value = month.reference * share.percent / Decimal::ONE_HUNDRED;
                (x(index), y(value))
            })
            .collect();
        let _ = writeln!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="7 5"/>"#,
            points
                .iter()
                .map(|(px, py)| format!("{},{}", coordinate(*px), coordinate(*py)))
                .collect::<Vec<_>>()
                .join(" ")
        );
        // A line of one point draws nothing: a single month shows its
        // guidance as marks.
        if let [(px, py)] = points.as_slice() {
            let half = Decimal::new(45, 1);
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{}" width="9" height="9" fill="{colour}"/>"#,
                coordinate(*px - half),
                coordinate(*py - half)
            );
        }
    }
    let cost_points: Vec<String> = months
        .iter()
        .enumerate()
        .map(|(index, month)| format!("{},{}", coordinate(x(index)), coordinate(y(month.value))))
        .collect();
    let _ = writeln!(
        out,
        r#"<polyline points="{}" fill="none" stroke="{COST_COLOUR}" stroke-width="3"/>"#,
        cost_points.join(" ")
    );
    for point in &cost_points {
        let (cx, cy) = point.split_once(',').unwrap_or(("0", "0"));
        let _ = writeln!(
            out,
            r#"<circle cx="{cx}" cy="{cy}" r="3.5" fill="{COST_COLOUR}"/>"#
        );
    }

    // Legend, under the plot and its axis title.
    let mut legend_y = HEIGHT;
    let legend_x = LEFT;
    // Each entry: label, colour, and the line's width and extra attributes.
    let mut entries: Vec<(String, &str, u32, &str)> = if banded {
        vec![
            (axis.line(true).to_owned(), COST_COLOUR, 3, ""),
            (
                "10th to 90th percentile of paths".to_owned(),
                COST_COLOUR,
                10,
                r#" stroke-opacity="0.18""#,
            ),
        ]
    } else {
        vec![(axis.line(false).to_owned(), COST_COLOUR, 3, "")]
    };
    for (share, colour) in shares.iter().zip(SHARE_COLOURS) {
        entries.push((share.label.clone(), colour, 3, r#" stroke-dasharray="7 5""#));
    }
    for (label, colour, stroke_width, extra) in entries {
        let _ = writeln!(
            out,
            r#"<line x1="{legend_x}" y1="{legend_y}" x2="{}" y2="{legend_y}" stroke="{colour}" stroke-width="{stroke_width}"{extra}/>"#,
            legend_x + 28
        );
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{legend_y}" dominant-baseline="middle" fill="#24292f">{}</text>"##,
            legend_x + 36,
            escape(&label)
        );
        legend_y += LEGEND_ROW;
    }
    if no_revenue {
        let _ = writeln!(
            out,
            r##"<text x="{legend_x}" y="{legend_y}" dominant-baseline="middle" fill="#24292f">MRR is $0, so every share of it is $0: those lines lie on the axis.</text>"##
        );
    }
    out.push_str("</svg>\n");
    out
}

/// One horizontal bar: a scenario's total, or an assumption's swing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bar {
    /// What the bar is, at its left.
    pub label: String,
    /// Where it starts, dollars a month.
    pub from: Decimal,
    /// Where it ends, dollars a month; at least `from`.
    pub to: Decimal,
    /// Words at its right end: the values, and a stage change.
    pub note: String,
}

/// Left margin of a bar chart, for the bars' labels.
const BAR_LABELS: i64 = 260;
/// Height of one bar's row.
const BAR_ROW: i64 = 34;
/// Room right of the bars for their notes.
const BAR_NOTES: i64 = 230;

/// Horizontal bars on a dollar axis from zero, as an SVG document; with a
/// `marker` (dollars and its label), a vertical line across every bar (the
/// plan's total, which a tornado's bars swing around).
pub(crate) fn bars(title: &str, bars: &[Bar], marker: Option<(Decimal, &str)>) -> String {
    let height = TOP + BAR_ROW * i64::try_from(bars.len()).unwrap_or(0) + BOTTOM;
    let plot_width = Decimal::from(WIDTH - BAR_LABELS - BAR_NOTES);
    let highest = bars
        .iter()
        .map(|bar| bar.to)
        .chain(marker.map(|(value, _)| value))
        .max()
        .unwrap_or(Decimal::ONE);
    let (top_value, tick_step) = nice_scale(highest);
    let x = |value: Decimal| Decimal::from(BAR_LABELS) + value * plot_width / top_value;
    let bottom = height - BOTTOM;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>
<text x="20" y="28" font-size="17" font-weight="bold" fill="#24292f">{}</text>"##,
        escape(title)
    );
    let mut tick = Decimal::ZERO;
    while tick <= top_value {
        let at = coordinate(x(tick));
        let _ = writeln!(
            out,
            r##"<line x1="{at}" y1="{TOP}" x2="{at}" y2="{bottom}" stroke="#d0d7de" stroke-width="1"/>
<text x="{at}" y="{}" text-anchor="middle" fill="#57606a">{}</text>"##,
            bottom + 18,
            dollars(tick)
        );
        tick += tick_step;
    }
    let _ = writeln!(
        out,
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#24292f" font-size="13">US dollars a month</text>"##,
        BAR_LABELS + (WIDTH - BAR_LABELS - BAR_NOTES) / 2,
        bottom + 42
    );
    for (row, bar) in (0_i64..).zip(bars) {
        let top = TOP + row * BAR_ROW + 6;
        let middle = top + (BAR_ROW - 12) / 2;
        let (left, right) = (x(bar.from), x(bar.to));
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{middle}" text-anchor="end" dominant-baseline="middle" fill="#24292f">{}</text>
<rect x="{}" y="{top}" width="{}" height="{}" fill="{COST_COLOUR}" fill-opacity="0.8"/>
<text x="{}" y="{middle}" dominant-baseline="middle" fill="#24292f">{}</text>"##,
            BAR_LABELS - 10,
            escape(&short_label(&bar.label)),
            coordinate(left),
            coordinate((right - left).max(Decimal::ONE)),
            BAR_ROW - 12,
            coordinate(right + Decimal::from(8)),
            escape(&bar.note)
        );
    }
    if let Some((value, label)) = marker {
        let at = coordinate(x(value));
        let _ = writeln!(
            out,
            r##"<line x1="{at}" y1="{}" x2="{at}" y2="{bottom}" stroke="#24292f" stroke-width="2" stroke-dasharray="5 3"/>
<text x="{at}" y="{}" text-anchor="middle" fill="#24292f" font-weight="bold">{}</text>"##,
            TOP - 4,
            TOP - 10,
            escape(label)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The most characters of a bar's label that fit left of the bars.
const BAR_LABEL_CHARACTERS: usize = 38;

/// `label`, cut with an ellipsis when it would run off the chart's edge.
fn short_label(label: &str) -> String {
    if label.chars().count() <= BAR_LABEL_CHARACTERS {
        return label.to_owned();
    }
    let mut short: String = label.chars().take(BAR_LABEL_CHARACTERS - 1).collect();
    short.push('…');
    short
}

/// The share-of-MRR lines the stages' guidance and the roadmap's ceiling
/// draw, lowest first, each once.
pub(crate) fn share_lines(stages: &Stages) -> Vec<ShareLine> {
    let mut shares: Vec<ShareLine> = Vec::new();
    for stage in stages.all() {
        if let Guidance::UnderPercentOfMrr(percent) = stage.budget.guidance {
            shares.push(ShareLine {
                percent,
                label: format!(
                    "{}% of MRR: {} guidance (stage {})",
                    percent.normalize(),
                    stage.budget.label,
                    stage.number
                ),
            });
        }
    }
    if let Some(last) = stages.all().last() {
        let ceiling = last.budget.ceiling_percent_of_mrr;
        shares.push(ShareLine {
            percent: ceiling,
            label: format!("{}% of MRR: the roadmap's ceiling", ceiling.normalize()),
        });
    }
    shares.sort_by_key(|share| share.percent);
    shares.dedup_by(|left, right| left.percent == right.percent);
    shares
}

/// A round top for the axis and the step between ticks: 1, 2, 2.5 or 5 × 10ⁿ,
/// five steps or fewer.
fn nice_scale(highest: Decimal) -> (Decimal, Decimal) {
    let highest = highest.max(Decimal::ONE);
    let mut magnitude = Decimal::ONE;
    while magnitude * Decimal::TEN <= highest {
        magnitude *= Decimal::TEN;
    }
    let step = [
        Decimal::ONE,
        Decimal::TWO,
        Decimal::new(25, 1),
        Decimal::new(5, 0),
        Decimal::TEN,
    ]
    .into_iter()
    .map(|factor| factor * magnitude / Decimal::TWO)
    .find(|step| *step * Decimal::from(5) >= highest)
    .unwrap_or(magnitude * Decimal::TWO);
    let ticks = (highest / step).ceil();
    (ticks * step, step)
}

fn coordinate(value: Decimal) -> String {
    value
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// `$12,500`, whole dollars, for axis ticks; from a million up, in millions, billions or trillions (`$2.5M`), so a
/// tick label stays narrow at any scale.
fn dollars(value: Decimal) -> String {
    for (size, suffix) in [
        (Decimal::from(1_000_000_000_000_u64), "T"),
        (Decimal::from(1_000_000_000_u64), "B"),
        (Decimal::from(1_000_000_u64), "M"),
    ] {
        if value >= size {
            return format!("${}{suffix}", (value / size).normalize());
        }
    }
    let text = Money::round(value).to_string();
    text.strip_suffix(".00").map_or(text.clone(), str::to_owned)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn scales_are_round() {
        assert_eq!(nice_scale(dec("1234")), (dec("1500"), dec("500")));
        assert_eq!(nice_scale(dec("90")), (dec("100"), dec("25")));
        assert_eq!(nice_scale(dec("4900")), (dec("5000"), dec("1000")));
        assert_eq!(nice_scale(Decimal::ZERO), (dec("1"), dec("0.5")));
    }

    #[test]
    fn the_chart_marks_stage_changes_and_labels_its_axes() {
        let months: Vec<ChartMonth> = [(1, "100", "2000", 1), (2, "300", "3000", 2)]
            .into_iter()
            .map(|(number, cost, mrr, stage)| ChartMonth {
                number,
                value: dec(cost),
                reference: dec(mrr),
                stage,
                band: None,
            })
            .collect();
        let shares = [ShareLine {
            percent: dec("20"),
            label: "20% of MRR".to_owned(),
        }];
        let chart = svg("Cost & share", Axis::Dollars, &months, &shares);
        assert!(chart.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(chart.contains("stage 1 → 2"));
        assert!(chart.contains(">Month</text>"));
        assert!(chart.contains(">US dollars per month</text>"));
        assert!(chart.contains("Cost &amp; share"));
        assert_eq!(chart.matches("<polyline").count(), 2);
        assert!(chart.trim_end().ends_with("</svg>"));
        assert!(!chart.contains("<polygon"), "no band without a simulation");
        let banded: Vec<ChartMonth> = months
            .into_iter()
            .map(|month| ChartMonth {
                value: dec("4"),
                reference: Decimal::ONE_HUNDRED,
                band: Some((dec("2"), dec("9"))),
                ..month
            })
            .collect();
        let chart = svg("Paths", Axis::ShareOfMrr, &banded, &shares);
        assert_eq!(chart.matches("<polygon").count(), 1);
        assert!(chart.contains("10th to 90th percentile of paths"));
        assert!(chart.contains(">Infrastructure as a share of MRR</text>"));
        assert!(chart.contains(">20%</text>"), "the axis is in percent");
    }

    #[test]
    fn ticks_stay_narrow_at_any_scale() {
        assert_eq!(dollars(dec("12500")), "$12,500");
        assert_eq!(dollars(dec("2500000")), "$2.5M");
        assert_eq!(dollars(dec("40000000000")), "$40B");
    }

    /// The legend sits under the plot; one month still shows its guidance;
    /// without revenue the legend says why the lines lie on the axis; stage
    /// labels a few months apart take two rows.
    #[test]
    fn the_legend_and_labels_keep_clear_of_the_data() {
        let month = |number, stage, mrr: &str| ChartMonth {
            number,
            value: dec("50"),
            reference: dec(mrr),
            stage,
            band: None,
        };
        let shares = [ShareLine {
            percent: dec("10"),
            label: "10% of MRR".to_owned(),
        }];
        let one = svg("One", Axis::Dollars, &[month(1, 1, "1000")], &shares);
        assert!(
            one.contains(r#"height="540""#),
            "two legend rows under the plot"
        );
        assert!(one.contains(r##"width="9" height="9" fill="#2da44e""##));
        let broke = svg(
            "Zero",
            Axis::Dollars,
            &[month(1, 1, "0"), month(2, 1, "0")],
            &shares,
        );
        assert!(broke.contains("MRR is $0"));
        let close: Vec<ChartMonth> = (1..=120)
            .map(|number| {
                month(
                    number,
                    1 + u32::from(number > 60) + u32::from(number > 62),
                    "1000",
                )
            })
            .collect();
        let chart = svg("Close", Axis::Dollars, &close, &shares);
        assert!(chart.contains(
            r##"y="62" text-anchor="middle" fill="#24292f" font-weight="bold">stage 1"##
        ));
        assert!(chart.contains(
            r##"y="46" text-anchor="middle" fill="#24292f" font-weight="bold">stage 2"##
        ));
    }
}
