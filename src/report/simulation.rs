//! `infraplan roadmap --paths N`: growth as a range, summed up month by
//! month as percentiles and probabilities.

use rust_decimal::Decimal;
use serde::Serialize;

use super::chart::{Axis, ChartMonth, ShareLine, share_lines};
use super::html::{Attachments, Block, Document};
use super::table::{Align, Fit, Table};
use super::{REPORT_SCHEMA_VERSION, Report, Rows, csv_row};
use crate::model::cost::Commitment;
use crate::model::money::{Money, Percent};
use crate::model::plan::Verdict;
use crate::model::simulation::{Range, Simulation, Spread, StageReached, UncertainGrowth};
use crate::model::stage::Stages;

/// How a path draws its rates, as the report says it.
const DISTRIBUTION: &str =
    "each path draws its rates once, uniformly from each range, and keeps them";

/// The simulation; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct SimulationReport {
    schema_version: u32,
    paths: u32,
    /// A string: a 64-bit seed does not survive a JSON number in most
    /// readers, and the seed is what reproduces the run.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    seed: u64,
    assumptions: Assumptions,
    months: Vec<MonthView>,
    total_spend: SpreadView<Money>,
    stages_reached: Vec<StageReachedView>,
    /// The chart and price sources of the HTML page.
    #[serde(skip)]
    pub(crate) attachments: Attachments,
    /// The median path's worst verdict over the horizon, and the first
    /// month it has it (none when within guidance throughout).
    #[serde(skip)]
    median_worst: (Verdict, Option<u32>),
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct Assumptions {
    customers: u64,
    mrr: Money,
    growth_percent: RangeView,
    churn_percent: RangeView,
    /// `None`: MRR follows customers.
    mrr_growth_percent: Option<RangeView>,
    months: u32,
    platform: String,
    commitment: Commitment,
    distribution: &'static str,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
struct RangeView {
    low: Decimal,
    high: Decimal,
}

impl From<Range> for RangeView {
    fn from(range: Range) -> RangeView {
        RangeView {
            low: range.low.normalize(),
            high: range.high.normalize(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
struct SpreadView<T> {
    p10: T,
    p50: T,
    p90: T,
}

impl<T: Copy> From<Spread<T>> for SpreadView<T> {
    fn from(spread: Spread<T>) -> SpreadView<T> {
        SpreadView {
            p10: spread.p10,
            p50: spread.p50,
            p90: spread.p90,
        }
    }
}

impl<T: std::fmt::Display> SpreadView<T> {
    /// `P10 · P50 · P90` in one cell.
    fn cell(&self) -> String {
        format!("{} · {} · {}", self.p10, self.p50, self.p90)
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct MonthView {
    month: u32,
    customers: SpreadView<u64>,
    mrr: SpreadView<Money>,
    monthly_cost: SpreadView<Money>,
    /// A percentile is `None` where the path has no revenue.
    share_of_mrr: SpreadView<Option<Percent>>,
    stages: Vec<StageShare>,
    above_guidance_percent: Percent,
    over_ceiling_percent: Percent,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
struct StageShare {
    stage: u32,
    percent_of_paths: Percent,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
struct StageReachedView {
    stage: u32,
    /// The first month at which half the paths are in this stage or later.
    by_month_p50: Option<u32>,
    /// The first month at which nine in ten are.
    by_month_p90: Option<u32>,
}

impl From<StageReached> for StageReachedView {
    fn from(reached: StageReached) -> StageReachedView {
        StageReachedView {
            stage: reached.stage,
            by_month_p50: reached.by_half,
            by_month_p90: reached.by_nine_in_ten,
        }
    }
}

impl SimulationReport {
    /// The report of `simulation`, run from `growth` on `platform`.
    pub(crate) fn new(
        simulation: &Simulation,
        growth: &UncertainGrowth,
        platform: &str,
        commitment: Commitment,
    ) -> SimulationReport {
        SimulationReport {
            schema_version: REPORT_SCHEMA_VERSION,
            paths: simulation.paths,
            seed: simulation.seed,
            assumptions: Assumptions {
                customers: growth.customers,
                mrr: Money::round(growth.mrr),
                growth_percent: growth.growth.into(),
                churn_percent: growth.churn.into(),
                mrr_growth_percent: growth.mrr_growth.map(RangeView::from),
                months: growth.months,
                platform: platform.to_owned(),
                commitment,
                distribution: DISTRIBUTION,
            },
            months: simulation
                .months
                .iter()
                .map(|month| MonthView {
                    month: month.number,
                    customers: month.customers.into(),
                    mrr: month.mrr.into(),
                    monthly_cost: month.cost.into(),
                    share_of_mrr: month.share.into(),
                    stages: month
                        .stages
                        .iter()
                        .map(|(stage, share)| StageShare {
                            stage: *stage,
                            percent_of_paths: *share,
                        })
                        .collect(),
                    above_guidance_percent: month.above_guidance,
                    over_ceiling_percent: month.over_ceiling,
                })
                .collect(),
            total_spend: simulation.total_spend.into(),
            stages_reached: simulation
                .stages_reached
                .iter()
                .copied()
                .map(StageReachedView::from)
                .collect(),
            attachments: Attachments::default(),
            median_worst: simulation
                .months
                .iter()
                .map(|month| (simulation.median_verdict(month), Some(month.number)))
                .filter(|(verdict, _)| *verdict != Verdict::WithinGuidance)
                .fold((Verdict::WithinGuidance, None), |worst, month| {
                    if month.0 > worst.0 { month } else { worst }
                }),
        }
    }

    /// What the run assumed, in a sentence or two.
    fn assumptions_text(&self) -> String {
        let assumed = &self.assumptions;
        let range = |range: RangeView| {
            if range.low == range.high {
                format!("{}%", range.low)
            } else {
                format!("{}–{}%", range.low, range.high)
            }
        };
        let mrr = assumed.mrr_growth_percent.map_or_else(
            || "MRR follows customers".to_owned(),
            |growth| format!("MRR grows {} a month", range(growth)),
        );
        format!(
            "{} paths over {} months from {} customers and {} MRR (seed {}): growth {} and churn {} a month; {mrr}; {DISTRIBUTION}. Platform {}, {} prices.",
            group(u64::from(self.paths)),
            assumed.months,
            group(assumed.customers),
            assumed.mrr,
            self.seed,
            range(assumed.growth_percent),
            range(assumed.churn_percent),
            assumed.platform,
            match assumed.commitment {
                Commitment::None => "on-demand",
                Commitment::OneYear => "1-year reserved",
            }
        )
    }

    /// The months as three tables: growth, cost, and stages and budget.
    fn tables(&self) -> [(&'static str, Table); 3] {
        let mut growth = Table::new(&[
            ("Month", Align::Right),
            ("Customers P10 · P50 · P90", Align::Right),
            ("MRR P10 · P50 · P90", Align::Right),
        ]);
        let mut cost = Table::new(&[
            ("Month", Align::Right),
            ("Monthly cost P10 · P50 · P90", Align::Right),
            ("Share of MRR P10 · P50 · P90", Align::Right),
        ]);
        let mut stages = Table::new(&[
            ("Month", Align::Right),
            ("Paths in each stage", Align::Left),
            ("Above guidance", Align::Right),
            ("Over 20% ceiling", Align::Right),
        ]);
        for month in &self.months {
            let number = month.month.to_string();
            growth.row(vec![
                number.clone(),
                grouped_spread(month.customers),
                month.mrr.cell(),
            ]);
            cost.row(vec![
                number.clone(),
                month.monthly_cost.cell(),
                share_cell(month.share_of_mrr),
            ]);
            stages.row(vec![
                number,
                month
                    .stages
                    .iter()
                    .map(|share| {
                        format!(
                            "stage {}: {}",
                            share.stage,
                            paths_text(share.percent_of_paths)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                month.above_guidance_percent.to_string(),
                month.over_ceiling_percent.to_string(),
            ]);
        }
        [
            ("Customers and MRR", growth),
            ("Infrastructure cost", cost),
            ("Stages and budget (share of paths)", stages),
        ]
    }

    /// Spend over the horizon and when each stage is reached.
    fn summary_lines(&self) -> Vec<String> {
        let months = self.assumptions.months;
        let mut lines = vec![format!(
            "Infrastructure spend over {months} months: P10 {}, P50 {}, P90 {}.",
            self.total_spend.p10, self.total_spend.p50, self.total_spend.p90
        )];
        for reached in &self.stages_reached {
            let stage = reached.stage;
            lines.push(match (reached.by_month_p50, reached.by_month_p90) {
                (Some(half), Some(most)) => format!(
                    "Stage {stage}: reached by month {half} on half the paths, by month {most} on nine in ten."
                ),
                (Some(half), None) => format!(
                    "Stage {stage}: reached by month {half} on half the paths; not on nine in ten within {months} months."
                ),
                (None, _) => format!(
                    "Stage {stage}: not reached on half the paths within {months} months."
                ),
            });
        }
        lines
    }

    /// What the chart draws: each month's share of MRR, its median and its
    /// P10–P90 band, against the roadmap's share lines, which are then
    /// straight. (A band of dollars against the median path's MRR would set
    /// the costliest paths against revenue they do not have.) Without
    /// revenue there is no share: the cost is drawn in dollars instead.
    pub(crate) fn chart_data(&self, stages: &Stages) -> (Axis, Vec<ChartMonth>, Vec<ShareLine>) {
        let stage_of = |month: &MonthView| {
            month
                .stages
                .iter()
                .max_by_key(|share| share.percent_of_paths)
                .map_or(0, |share| share.stage)
        };
        let shares: Option<Vec<SpreadView<Percent>>> = self
            .months
            .iter()
            .map(|month| {
                let share = month.share_of_mrr;
                Some(SpreadView {
                    p10: share.p10?,
                    p50: share.p50?,
                    p90: share.p90?,
                })
            })
            .collect();
        let months = match &shares {
            Some(shares) => self
                .months
                .iter()
                .zip(shares)
                .map(|(month, share)| ChartMonth {
                    number: month.month,
                    value: share.p50.value(),
                    reference: Decimal::ONE_HUNDRED,
                    stage: stage_of(month),
                    band: Some((share.p10.value(), share.p90.value())),
                })
                .collect(),
            None => self
                .months
                .iter()
                .map(|month| ChartMonth {
                    number: month.month,
                    value: month.monthly_cost.p50.amount(),
                    reference: month.mrr.p50.amount(),
                    stage: stage_of(month),
                    band: Some((
                        month.monthly_cost.p10.amount(),
                        month.monthly_cost.p90.amount(),
                    )),
                })
                .collect(),
        };
        let axis = if shares.is_some() {
            Axis::ShareOfMrr
        } else {
            Axis::Dollars
        };
        (axis, months, share_lines(stages))
    }
}

fn as_text<S: serde::Serializer>(seed: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(seed)
}

/// A share of paths as shown: `12.5%`, or `under 0.1%` for a few paths
/// whose share would show as none.
fn paths_text(share: Percent) -> String {
    if share.shown().is_zero() && !share.value().is_zero() {
        "under 0.1%".to_owned()
    } else {
        share.to_string()
    }
}

/// `2.1% · 3.4% · no revenue`: a path without revenue ranks above every
/// share.
fn share_cell(share: SpreadView<Option<Percent>>) -> String {
    let text = |value: Option<Percent>| {
        value.map_or_else(|| "no revenue".to_owned(), |value| value.to_string())
    };
    format!(
        "{} · {} · {}",
        text(share.p10),
        text(share.p50),
        text(share.p90)
    )
}

/// `1,000 · 2,500 · 9,000`.
fn grouped_spread(spread: SpreadView<u64>) -> String {
    format!(
        "{} · {} · {}",
        group(spread.p10),
        group(spread.p50),
        group(spread.p90)
    )
}

fn group(count: u64) -> String {
    crate::model::money::format_quantity(Decimal::from(count))
}

impl Report for SimulationReport {
    fn to_text(&self, fit: Fit) -> String {
        let mut out = format!(
            "{}\n",
            super::table::paragraphs(
                &format!("Roadmap simulation. {}", self.assumptions_text()),
                fit,
                0
            )
            .trim_end()
        );
        for (title, table) in self.tables() {
            out.push_str(&format!("\n{title}:\n{}", table.to_text(fit)));
        }
        out.push('\n');
        out.push_str(&super::table::paragraphs(
            &self.summary_lines().join("\n"),
            fit,
            2,
        ));
        out
    }

    fn to_document(&self) -> Document {
        let mut document = Document::new("infraplan: roadmap simulation");
        document.paragraph(self.assumptions_text());
        let (verdict, from) = self.median_worst;
        document.push(Block::Verdict {
            verdict,
            text: format!(
                "{} on more than half the paths. {}",
                from.map_or_else(
                    || "Every month".to_owned(),
                    |month| format!("From month {month}")
                ),
                self.summary_lines()[0]
            ),
        });
        document.push(Block::List(self.summary_lines()));
        self.attachments.chart_into(&mut document);
        for (title, table) in self.tables() {
            document.table(title, table);
        }
        self.attachments.sources_into(&mut document);
        document
    }

    fn to_markdown(&self) -> String {
        let mut out = format!(
            "### infraplan: roadmap simulation\n\n{}\n",
            self.assumptions_text()
        );
        for (title, table) in self.tables() {
            out.push_str(&format!("\n#### {title}\n\n{}", table.to_markdown()));
        }
        out.push('\n');
        for line in self.summary_lines() {
            out.push_str(&format!("- {line}\n"));
        }
        out
    }
}

impl Rows for SimulationReport {
    fn to_csv(&self) -> String {
        let mut out = csv_row(&[
            "month",
            "customers_p10",
            "customers_p50",
            "customers_p90",
            "mrr_p10",
            "mrr_p50",
            "mrr_p90",
            "monthly_cost_p10",
            "monthly_cost_p50",
            "monthly_cost_p90",
            "share_of_mrr_p10",
            "share_of_mrr_p50",
            "share_of_mrr_p90",
            "stages",
            "above_guidance_percent",
            "over_ceiling_percent",
        ]);
        let money = |amount: Money| format!("{:.2}", amount.amount());
        let percent = |share: Option<Percent>| {
            share.map_or_else(String::new, |share| format!("{:.1}", share.shown()))
        };
        for month in &self.months {
            let share = month.share_of_mrr;
            out.push_str(&csv_row(&[
                &month.month.to_string(),
                &month.customers.p10.to_string(),
                &month.customers.p50.to_string(),
                &month.customers.p90.to_string(),
                &money(month.mrr.p10),
                &money(month.mrr.p50),
                &money(month.mrr.p90),
                &money(month.monthly_cost.p10),
                &money(month.monthly_cost.p50),
                &money(month.monthly_cost.p90),
                &percent(share.p10),
                &percent(share.p50),
                &percent(share.p90),
                &month
                    .stages
                    .iter()
                    .map(|share| format!("{}:{:.1}", share.stage, share.percent_of_paths.shown()))
                    .collect::<Vec<_>>()
                    .join(" "),
                &percent(Some(month.above_guidance_percent)),
                &percent(Some(month.over_ceiling_percent)),
            ]));
        }
        out
    }
}
