//! `infraplan plan` output: one typed view, printed as text, Markdown, JSON or HTML.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Serialize;

use super::chart::{self, Bar};
use super::html::{Block, Document};
use super::table::{Align, Fit, Table, paragraphs};
use super::wording::move_text;
use super::{MoveView, REPORT_SCHEMA_VERSION, Report};
use crate::model::cost::Commitment;
use crate::model::economics::{Move, UnitEconomics};
use crate::model::money::{Money, Percent, format_quantity, format_unit_price};
use crate::model::plan::{Alternative, Assessment, Plan, Verdict};
use crate::model::select::Reason;
use crate::model::sensitivity::{Driver, Moved, SENSITIVITY_PERCENT, Sensitivity};
use crate::model::stage::{CustomerRange, Guidance, Stage};

/// Which columns the lines table has: text fits a terminal, Markdown has a
/// column each, HTML adds each price's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Text,
    Markdown,
    Html,
}

/// The plan as every format shows it; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct PlanReport {
    schema_version: u32,
    scenario: ScenarioView,
    stage: StageView,
    lines: Vec<LineView>,
    total: Money,
    warnings: Vec<String>,
    unpriced: Vec<crate::model::stage::Unpriced>,
    budget: BudgetView,
    cheaper_stage: Option<AlternativeView>,
    next_stage: Option<AlternativeView>,
    unit_economics: Option<EconomicsView>,
    /// Moving to the next stage: when it costs less, and how fast a
    /// migration pays back.
    move_to_next_stage: Option<MoveView>,
    /// With `--sensitivity`: each assumption moved down and up, widest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<SensitivityView>,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
struct EconomicsView {
    /// The stage's cost with every usage at zero, at this customer count.
    baseline: Money,
    /// `None` without customers.
    per_customer: Option<PerCustomerView>,
    /// Percentage points of gross margin infrastructure takes; `None`
    /// before revenue.
    gross_margin_points: Option<Percent>,
    /// Gross margin after infrastructure, with `--gross-margin`.
    gross_margin_after: Option<Percent>,
    pre_revenue: bool,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
struct PerCustomerView {
    total: Money,
    baseline: Money,
    usage: Money,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct SensitivityView {
    /// How far each assumption moves either way, percent.
    percent: u32,
    swings: Vec<SwingView>,
    /// Assumptions left out: a move takes a line past the cost limit.
    past_limit: Vec<String>,
}

/// A driver's name and what it counts.
fn driver_names(driver: &Driver) -> (String, String) {
    match driver {
        Driver::Customers => ("customers".to_owned(), "customers".to_owned()),
        Driver::Usage { metric, unit } => (metric.clone(), unit.clone()),
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct SwingView {
    /// `customers`, or the usage metric.
    driver: String,
    unit: String,
    value: Decimal,
    low: MovedView,
    high: MovedView,
    /// How far the monthly total moves between low and high.
    swing: Money,
    /// Whether moving it either way changes the stage.
    crosses_a_stage: bool,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
struct MovedView {
    value: Decimal,
    monthly_total: Money,
    stage: u32,
}

impl From<Moved> for MovedView {
    fn from(moved: Moved) -> MovedView {
        MovedView {
            value: moved.value.normalize(),
            monthly_total: moved.total,
            stage: moved.stage,
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct ScenarioView {
    customers: u64,
    mrr: Money,
    platform: String,
    forced_stage: Option<u32>,
    commitment: Commitment,
    usage_overrides: IndexMap<String, Decimal>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct StageView {
    number: u32,
    name: String,
    variant: String,
    customers: CustomerRange,
    band: BandView,
    reason: ReasonView,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct BandView {
    low: Money,
    high: Money,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ReasonView {
    InRange,
    Forced { natural_stage: u32 },
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct LineView {
    component: String,
    component_name: String,
    sku: String,
    description: String,
    instances: Option<u32>,
    provisioned: Decimal,
    quantity: Decimal,
    unit: String,
    unit_price: Decimal,
    committed: bool,
    monthly: Money,
    usage_based: bool,
    basis: String,
    /// Where the unit price was published, and when it was read.
    source: SourceView,
}

/// Where a price was published and the date it was read.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct SourceView {
    pub(crate) url: String,
    pub(crate) as_of: String,
}

impl SourceView {
    /// The source of the price a line is billed at: the commitment's when
    /// it is committed.
    pub(crate) fn of(line: &crate::model::cost::PricedLine<'_>) -> SourceView {
        let source = match (&line.sku.commitment_1yr, line.committed) {
            (Some(committed), true) => &committed.source,
            _ => &line.sku.source,
        };
        SourceView {
            url: source.url.clone(),
            as_of: source.as_of.clone(),
        }
    }

    /// The address, then the date it was read, on its own line.
    pub(crate) fn cell(&self) -> String {
        format!("{}\nas of {}", self.url, self.as_of)
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct BudgetView {
    share_of_mrr: Option<Percent>,
    verdict: Verdict,
    guidance: GuidanceView,
    ceiling: CeilingView,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct GuidanceView {
    label: String,
    kind: &'static str,
    limit: Decimal,
    amount: Money,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct CeilingView {
    percent_of_mrr: Decimal,
    amount: Money,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct AlternativeView {
    number: u32,
    name: String,
    variant: String,
    customers: u64,
    mrr: Option<Money>,
    total: Money,
    share_of_mrr: Option<Percent>,
    verdict: Option<Verdict>,
}

impl PlanReport {
    /// The view of a plan.
    pub(crate) fn new(plan: &Plan<'_>) -> PlanReport {
        let stage = plan.selection.stage;
        let scenario = &plan.scenario;
        PlanReport {
            schema_version: REPORT_SCHEMA_VERSION,
            scenario: ScenarioView {
                customers: scenario.customers,
                mrr: Money::round(scenario.mrr),
                platform: scenario.platform.clone(),
                forced_stage: scenario.forced_stage,
                commitment: scenario.commitment,
                usage_overrides: scenario
                    .usage
                    .iter()
                    .map(|(metric, value)| (metric.to_owned(), value))
                    .collect(),
            },
            stage: StageView {
                number: stage.number,
                name: stage.name.clone(),
                variant: plan.selection.variant_name.to_owned(),
                customers: stage.customers,
                band: BandView {
                    low: Money::round(stage.band.low),
                    high: Money::round(stage.band.high),
                },
                reason: match plan.selection.reason {
                    Reason::InRange => ReasonView::InRange,
                    Reason::Forced { natural } => ReasonView::Forced {
                        natural_stage: natural,
                    },
                },
            },
            lines: plan
                .estimate
                .lines
                .iter()
                .map(|line| LineView {
                    component: line.component.id.clone(),
                    component_name: line.component.name.clone(),
                    sku: line.sku.id.clone(),
                    description: line.sku.description.clone(),
                    instances: line.instances,
                    provisioned: line.provisioned.normalize(),
                    quantity: line.quantity.normalize(),
                    unit: line.sku.unit.name().to_owned(),
                    unit_price: line.unit_price,
                    committed: line.committed,
                    monthly: line.monthly,
                    usage_based: line.usage_based,
                    basis: super::wording::basis_text(line.label, &line.basis),
                    source: SourceView::of(line),
                })
                .collect(),
            total: plan.estimate.total,
            warnings: plan
                .estimate
                .warnings
                .iter()
                .map(super::wording::warning_text)
                .collect(),
            unpriced: plan.selection.variant.unpriced.clone(),
            budget: budget_view(stage, &plan.assessment),
            cheaper_stage: plan.cheaper.as_ref().map(alternative_view),
            next_stage: plan.next.as_ref().map(alternative_view),
            unit_economics: None,
            move_to_next_stage: None,
            sensitivity: None,
        }
    }

    fn scenario_line(&self) -> String {
        let commitment = match self.scenario.commitment {
            Commitment::None => "",
            Commitment::OneYear => ", 1-year reserved prices where published",
        };
        format!(
            "{} customers, {} MRR, PaaS {}{commitment}",
            self.scenario.customers, self.scenario.mrr, self.scenario.platform
        )
    }

    fn stage_line(&self) -> String {
        let stage = &self.stage;
        format!(
            "Stage {} ({}) on {}, roadmap band {}–{} a month",
            stage.number, stage.name, stage.variant, stage.band.low, stage.band.high
        )
    }

    fn reason_line(&self) -> String {
        let stage = &self.stage;
        let range = range_text(&stage.customers);
        match stage.reason {
            ReasonView::InRange => format!(
                "{} customers falls in stage {}'s range of {range} customers.",
                self.scenario.customers, stage.number
            ),
            ReasonView::Forced { natural_stage } => format!(
                "--stage {} forced it; {} customers alone would pick stage {natural_stage} (stage {} is for {range} customers).",
                stage.number, self.scenario.customers, stage.number
            ),
        }
    }

    /// Every line and the total. In Markdown, a column each; as text, the
    /// quantity carries its unit and the usage-based flag joins the basis,
    /// printed under its line when fitted.
    fn lines_table(&self, layout: Layout) -> Table {
        let markdown = layout != Layout::Text;
        let mut columns: Vec<(&str, Align)> = if markdown {
            vec![
                ("Component", Align::Left),
                ("SKU", Align::Left),
                ("Quantity", Align::Right),
                ("Unit", Align::Left),
                ("Unit price", Align::Right),
                ("Monthly", Align::Right),
                ("Usage-based", Align::Left),
                ("Basis", Align::Left),
            ]
        } else {
            vec![
                ("Component", Align::Left),
                ("SKU", Align::Left),
                ("Quantity", Align::Right),
                ("Unit price", Align::Right),
                ("Monthly", Align::Right),
                ("Basis", Align::Below),
            ]
        };
        if layout == Layout::Html {
            columns.push(("Price source", Align::Left));
        }
        let mut table = Table::new(&columns);
        for line in &self.lines {
            let quantity = format_quantity(line.quantity);
            let monthly = line.monthly.to_string();
            let mut cells = if markdown {
                vec![
                    line.component_name.clone(),
                    line.sku.clone(),
                    quantity,
                    line.unit.clone(),
                    format_unit_price(line.unit_price),
                    monthly,
                    if line.usage_based { "yes" } else { "no" }.to_owned(),
                    line.basis.clone(),
                ]
            } else {
                vec![
                    line.component_name.clone(),
                    line.sku.clone(),
                    format!("{quantity} {}", line.unit),
                    format_unit_price(line.unit_price),
                    monthly,
                    if line.usage_based {
                        format!("usage-based, {}", line.basis)
                    } else {
                        line.basis.clone()
                    },
                ]
            };
            if layout == Layout::Html {
                cells.push(line.source.cell());
            }
            table.row(cells);
        }
        let mut total = vec![String::new(); columns.len()];
        total[0] = "Total".to_owned();
        let monthly = columns
            .iter()
            .position(|(title, _)| *title == "Monthly")
            .unwrap_or_default();
        total[monthly] = self.total.to_string();
        table.row(total);
        table
    }

    fn summary(&self) -> Vec<(&'static str, String)> {
        let budget = &self.budget;
        let share = match budget.share_of_mrr {
            Some(share) => format!("{share} ({} of {} MRR)", self.total, self.scenario.mrr),
            None => format!(
                "undefined: MRR is {}, so the {} a month cannot be a share of it",
                self.scenario.mrr, self.total
            ),
        };
        let mut summary: Vec<(&'static str, String)> = self
            .warnings
            .iter()
            .map(|warning| ("Warning", warning.clone()))
            .collect();
        summary.extend([
            ("Share of MRR", share),
            (
                "Verdict",
                format!("{}. {}", budget.verdict.label(), self.limits_text()),
            ),
        ]);
        if let Some(cheaper) = &self.cheaper_stage {
            summary.push((
                "Cheaper stage",
                format!(
                    "stage {} ({}) on {} would cost {} a month for the same {} customers{}; it has less redundancy and capacity, so weigh the savings against the risk.",
                    cheaper.number,
                    cheaper.name,
                    cheaper.variant,
                    cheaper.total,
                    cheaper.customers,
                    cheaper.share_text()
                ),
            ));
        }
        let next = match &self.next_stage {
            Some(next) => {
                let mrr = match next.mrr {
                    Some(mrr) => format!(
                        ", {} of {mrr} MRR at today's revenue per customer{}",
                        next.share_of_mrr
                            .map_or_else(String::new, |share| share.to_string()),
                        next.verdict
                            .map_or_else(String::new, |verdict| format!(" ({})", verdict.label()))
                    ),
                    None => String::new(),
                };
                format!(
                    "stage {} ({}) on {} starts at {} customers and would cost {} a month then{mrr}.",
                    next.number, next.name, next.variant, next.customers, next.total
                )
            }
            None => format!("stage {} is the roadmap's last stage.", self.stage.number),
        };
        summary.push(("Next stage", next));
        if let Some(moved) = &self.move_to_next_stage {
            summary.push(("When to move", move_text(moved)));
        }
        if let Some(economics) = &self.unit_economics {
            summary.push((
                "Unit economics",
                Self::economics_text(economics, self.total),
            ));
        }
        if let Some(note) = self.platform_note() {
            summary.push(("Platform", note));
        }
        for item in &self.unpriced {
            summary.push(("Not priced", format!("{}: {}", item.what, item.why)));
        }
        if self.lines.iter().any(|line| line.usage_based) {
            summary.push((
                "Usage",
                "usage-based lines follow the stage's usage profile per customer (see `infraplan stages`); replace any of it with --usage FILE.".to_owned(),
            ));
        }
        summary
    }

    /// Why the PaaS is the default, or what choosing Heroku means, when the
    /// stage runs on a PaaS.
    fn platform_note(&self) -> Option<String> {
        let platform = self.scenario.platform.as_str();
        if self.stage.variant != platform {
            return None;
        }
        let heroku = "Heroku moved to sustaining engineering (no new features; existing customers unchanged) on 2026-02-06";
        if platform == crate::model::plan::DEFAULT_PLATFORM {
            Some(format!(
                "{platform} is infraplan's default PaaS since {heroku}; --paas heroku stays fully supported."
            ))
        } else if platform == "heroku" {
            Some(format!(
                "{heroku}, so --paas {} is the default; heroku stays fully supported.",
                crate::model::plan::DEFAULT_PLATFORM
            ))
        } else {
            None
        }
    }

    fn limits_text(&self) -> String {
        let zero_mrr = self.scenario.mrr == Money::ZERO;
        let share_limit = |percent: Decimal, amount: Money| {
            if zero_mrr {
                format!(
                    "under {}% of MRR, which is {amount} when MRR is $0, so any positive cost breaks it",
                    percent.normalize()
                )
            } else {
                format!("under {}% of MRR ({amount})", percent.normalize())
            }
        };
        let guidance = &self.budget.guidance;
        let guidance_text = if guidance.kind == "under_monthly" {
            format!("under {} a month", guidance.amount)
        } else {
            share_limit(guidance.limit, guidance.amount)
        };
        let ceiling = &self.budget.ceiling;
        let ceiling_text = share_limit(ceiling.percent_of_mrr, ceiling.amount);
        format!(
            "The roadmap's \"{}\" guidance for stage {} is {guidance_text}; the overall ceiling is {ceiling_text}.",
            guidance.label, self.stage.number
        )
    }
}

impl PlanReport {
    /// The plan with its unit economics and, when there is a next stage,
    /// when moving to it pays.
    pub(crate) fn with_economics(
        mut self,
        economics: &UnitEconomics,
        next: Option<&Move>,
    ) -> PlanReport {
        self.unit_economics = Some(EconomicsView {
            baseline: economics.baseline,
            per_customer: economics.per_customer.map(|per| PerCustomerView {
                total: per.total,
                baseline: per.baseline,
                usage: per.usage,
            }),
            gross_margin_points: economics.revenue.map(|margin| margin.points),
            gross_margin_after: economics.revenue.and_then(|margin| margin.after),
            pre_revenue: economics.revenue.is_none(),
        });
        self.move_to_next_stage = next.map(MoveView::from);
        self
    }

    /// The unit economics, in a sentence.
    fn economics_text(economics: &EconomicsView, total: Money) -> String {
        let per_customer = economics.per_customer.map_or_else(
            || "no customers to share it".to_owned(),
            |per| {
                format!(
                    "{} a customer ({} of fixed baseline, {} of usage)",
                    per.total, per.baseline, per.usage
                )
            },
        );
        match (economics.gross_margin_points, economics.gross_margin_after) {
            _ if economics.pre_revenue => format!(
                "pre-revenue: {total} a month, {per_customer}; no share of MRR and no margin until there is revenue."
            ),
            (Some(points), Some(after)) => format!(
                "{per_customer}; infrastructure takes {} points of gross margin, leaving {after}.",
                points.shown()
            ),
            (Some(points), None) => format!(
                "{per_customer}; infrastructure takes {} points of gross margin (give --gross-margin for the margin after it).",
                points.shown()
            ),
            (None, _) => format!("{per_customer}."),
        }
    }

    /// The plan with its assumptions' swings (`--sensitivity`).
    pub(crate) fn with_sensitivity(mut self, sensitivity: &Sensitivity) -> PlanReport {
        let stage = self.stage.number;
        self.sensitivity = Some(SensitivityView {
            percent: SENSITIVITY_PERCENT,
            past_limit: sensitivity
                .past_limit
                .iter()
                .map(|driver| driver_names(driver).0)
                .collect(),
            swings: sensitivity
                .swings
                .iter()
                .map(|swing| {
                    let (driver, unit) = driver_names(&swing.driver);
                    SwingView {
                        driver,
                        unit,
                        value: swing.value.normalize(),
                        low: swing.low.into(),
                        high: swing.high.into(),
                        swing: swing.width(),
                        crosses_a_stage: swing.crosses_a_stage(stage),
                    }
                })
                .collect(),
        });
        self
    }

    /// The tornado: each assumption, its total moved down and up, the swing.
    fn sensitivity_table(&self, sensitivity: &SensitivityView) -> Table {
        let percent = sensitivity.percent;
        let mut table = Table::new(&[
            ("Assumption", Align::Left),
            (&format!("{percent}% lower"), Align::Right),
            (&format!("{percent}% higher"), Align::Right),
            ("Swing", Align::Right),
        ]);
        let stage = self.stage.number;
        let moved = |moved: &MovedView| {
            let marker = if moved.stage == stage {
                String::new()
            } else {
                format!(" (stage {})", moved.stage)
            };
            format!(
                "{} at {}{marker}",
                moved.monthly_total,
                format_quantity(moved.value)
            )
        };
        for swing in &sensitivity.swings {
            let name = if swing.driver == "customers" {
                format!("Customers ({})", format_quantity(swing.value))
            } else {
                format!(
                    "{} ({} {} a customer)",
                    swing.driver,
                    format_quantity(swing.value),
                    swing.unit
                )
            };
            table.row(vec![
                name,
                moved(&swing.low),
                moved(&swing.high),
                swing.swing.to_string(),
            ]);
        }
        table
    }

    /// The assumptions a move would take past the cost limit.
    fn past_limit_text(sensitivity: &SensitivityView) -> String {
        format!(
            "Not varied: {} ({}% more would take a line past what infraplan computes exactly).",
            sensitivity.past_limit.join(", "),
            sensitivity.percent
        )
    }

    /// The tornado's heading.
    fn sensitivity_heading(sensitivity: &SensitivityView) -> String {
        format!(
            "What drives the cost: each assumption {}% lower and higher, one at a time, widest swing first; a stage in brackets is where the plan would move",
            sensitivity.percent
        )
    }
}

impl Report for PlanReport {
    /// Plain text for a terminal.
    fn to_text(&self, fit: Fit) -> String {
        let heading = format!(
            "Scenario: {}\n{}\nWhy: {}",
            self.scenario_line(),
            self.stage_line(),
            self.reason_line()
        );
        let mut out = paragraphs(&heading, fit, 2);
        out.push('\n');
        out.push_str(&self.lines_table(Layout::Text).to_text(fit));
        out.push('\n');
        for (label, text) in self.summary() {
            out.push_str(&paragraphs(&format!("{label}: {text}"), fit, 2));
        }
        if let Some(sensitivity) = &self.sensitivity {
            out.push('\n');
            out.push_str(&paragraphs(
                &format!("{}:", Self::sensitivity_heading(sensitivity)),
                fit,
                2,
            ));
            out.push_str(&self.sensitivity_table(sensitivity).to_text(fit));
            if !sensitivity.past_limit.is_empty() {
                out.push_str(&paragraphs(&Self::past_limit_text(sensitivity), fit, 2));
            }
        }
        out
    }

    /// Markdown for a pull-request comment.
    fn to_markdown(&self) -> String {
        let mut out = format!("### infraplan: {}\n\n", self.stage_line());
        out.push_str(&format!(
            "**Scenario:** {}. {}\n\n",
            self.scenario_line(),
            self.reason_line()
        ));
        out.push_str(&self.lines_table(Layout::Markdown).to_markdown());
        out.push('\n');
        for (label, text) in self.summary() {
            out.push_str(&format!("- **{label}:** {text}\n"));
        }
        if let Some(sensitivity) = &self.sensitivity {
            out.push_str(&format!(
                "\n#### {}\n\n{}",
                Self::sensitivity_heading(sensitivity),
                self.sensitivity_table(sensitivity).to_markdown()
            ));
            if !sensitivity.past_limit.is_empty() {
                out.push_str(&format!("\n{}\n", Self::past_limit_text(sensitivity)));
            }
        }
        out
    }

    /// The page: the verdict first, then the lines with their sources.
    fn to_document(&self) -> Document {
        let mut document = Document::new(format!("infraplan: {}", self.stage_line()));
        document.paragraph(format!(
            "Scenario: {}. {}",
            self.scenario_line(),
            self.reason_line()
        ));
        let summary = self.summary();
        let said = |label: &str| {
            summary
                .iter()
                .find(|(said, _)| *said == label)
                .map(|(_, text)| text.clone())
                .unwrap_or_default()
        };
        document.push(Block::Verdict {
            verdict: self.budget.verdict,
            text: format!(
                "{} a month; share of MRR {}. {}",
                self.total,
                said("Share of MRR"),
                self.limits_text()
            ),
        });
        document.push(Block::Chart {
            svg: self.by_component(),
            summary: "Each component's monthly cost as a bar; the table below gives every line, its basis and its price's source.".to_owned(),
        });
        document.table(
            "Monthly cost, line by line, at list prices",
            self.lines_table(Layout::Html),
        );
        document.push(Block::Facts(
            summary
                .iter()
                .filter(|(label, _)| !matches!(*label, "Verdict" | "Share of MRR"))
                .map(|(label, text)| ((*label).to_owned(), text.clone()))
                .collect(),
        ));
        if let Some(sensitivity) = &self.sensitivity {
            document.heading("What drives the cost");
            document.push(Block::Chart {
                svg: self.tornado(sensitivity),
                summary: Self::sensitivity_heading(sensitivity),
            });
            document.table(
                Self::sensitivity_heading(sensitivity),
                self.sensitivity_table(sensitivity),
            );
            if !sensitivity.past_limit.is_empty() {
                document.paragraph(Self::past_limit_text(sensitivity));
            }
        }
        document
    }
}

impl PlanReport {
    /// Where the money goes: each component's lines summed, as bars, in
    /// the order the stage lists them.
    fn by_component(&self) -> String {
        let mut components: Vec<(&str, Money)> = Vec::new();
        for line in &self.lines {
            match components
                .iter_mut()
                .find(|(name, _)| *name == line.component_name)
            {
                Some((_, monthly)) => *monthly = *monthly + line.monthly,
                None => components.push((&line.component_name, line.monthly)),
            }
        }
        let bars: Vec<Bar> = components
            .into_iter()
            .map(|(name, monthly)| Bar {
                label: name.to_owned(),
                from: Decimal::ZERO,
                to: monthly.amount(),
                note: monthly.to_string(),
            })
            .collect();
        chart::bars(
            &format!("Where the {} a month goes", self.total),
            &bars,
            None,
        )
    }

    /// The tornado as bars: each assumption's total from low to high,
    /// around today's total.
    fn tornado(&self, sensitivity: &SensitivityView) -> String {
        let bars: Vec<Bar> = sensitivity
            .swings
            .iter()
            .map(|swing| {
                let (low, high) = if swing.low.monthly_total <= swing.high.monthly_total {
                    (swing.low, swing.high)
                } else {
                    (swing.high, swing.low)
                };
                Bar {
                    label: swing.driver.clone(),
                    from: low.monthly_total.amount(),
                    to: high.monthly_total.amount(),
                    note: format!(
                        "{} to {}{}",
                        low.monthly_total,
                        high.monthly_total,
                        if swing.crosses_a_stage {
                            " (changes stage)"
                        } else {
                            ""
                        }
                    ),
                }
            })
            .collect();
        chart::bars(
            &format!(
                "Monthly total with each assumption {}% lower and higher",
                sensitivity.percent
            ),
            &bars,
            Some((self.total.amount(), &format!("today {}", self.total))),
        )
    }
}

impl AlternativeView {
    fn share_text(&self) -> String {
        match (self.share_of_mrr, self.verdict) {
            (Some(share), Some(verdict)) => {
                format!(", {share} of MRR ({})", verdict.label())
            }
            _ => String::new(),
        }
    }
}

fn budget_view(stage: &Stage, assessment: &Assessment) -> BudgetView {
    let (kind, limit) = match stage.budget.guidance {
        Guidance::UnderMonthly(amount) => ("under_monthly", amount),
        Guidance::UnderPercentOfMrr(percent) => ("under_percent_of_mrr", percent),
    };
    BudgetView {
        share_of_mrr: assessment.share,
        verdict: assessment.verdict,
        guidance: GuidanceView {
            label: stage.budget.label.clone(),
            kind,
            limit,
            amount: assessment.guidance_amount,
        },
        ceiling: CeilingView {
            percent_of_mrr: stage.budget.ceiling_percent_of_mrr,
            amount: assessment.ceiling_amount,
        },
    }
}

fn alternative_view(alternative: &Alternative<'_>) -> AlternativeView {
    AlternativeView {
        number: alternative.stage.number,
        name: alternative.stage.name.clone(),
        variant: alternative.variant_name.to_owned(),
        customers: alternative.customers,
        mrr: alternative.mrr.map(Money::round),
        total: alternative.total,
        share_of_mrr: alternative
            .assessment
            .and_then(|assessment| assessment.share),
        verdict: alternative.assessment.map(|assessment| assessment.verdict),
    }
}

/// `0–49` or `200+`.
pub(crate) fn range_text(range: &CustomerRange) -> String {
    match range.max {
        Some(max) => format!("{}–{max}", range.min),
        None => format!("{}+", range.min),
    }
}
