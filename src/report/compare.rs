//! `infraplan compare` output: scenarios side by side.

use serde::Serialize;

use super::PlanSummary;
use super::chart::{self, Bar};
use super::csv_row;
use super::html::{Attachments, Block, Document};
use super::table::{Align, Fit, Table, paragraphs};
use super::{REPORT_SCHEMA_VERSION, Report, Rows};
use crate::model::compare::differing_lines;
use crate::model::cost::Commitment;
use crate::model::economics::{payback_months, per_customer};
use crate::model::money::Money;
use crate::model::plan::Plan;

/// How many differing lines a comparison shows.
const DIFFERING_LINES: usize = 8;

/// The comparison; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct CompareReport {
    schema_version: u32,
    scenarios: Vec<ScenarioColumn>,
    differing_lines: Vec<DifferingLineView>,
    /// Scenarios alike but for the platform: what moving to the cheaper
    /// one saves, and how soon it repays a migration.
    platform_switches: Vec<SwitchView>,
    /// The chart and price sources of the HTML page.
    #[serde(skip)]
    pub(crate) attachments: Attachments,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct SwitchView {
    from: String,
    from_platform: String,
    to: String,
    to_platform: String,
    monthly_saving: Money,
    migration_cost: Money,
    /// Months of the saving that repay the migration.
    payback_months: Option<u64>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct ScenarioColumn {
    name: String,
    customers: u64,
    mrr: Money,
    platform: String,
    commitment: Commitment,
    #[serde(flatten)]
    plan: PlanSummary,
    /// The total shared by the customers; `None` without customers.
    cost_per_customer: Option<Money>,
    /// The stage's fixed baseline (its cost with no usage) shared by them.
    baseline_per_customer: Option<Money>,
}

/// A row of the side-by-side table: its label and how to fill a cell.
type Row = (&'static str, fn(&ScenarioColumn) -> String);

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct DifferingLineView {
    component: String,
    sku: String,
    monthly: Vec<Money>,
    spread: Money,
}

/// For each pair of scenarios alike but for the platform (customers, MRR,
/// commitment and stage), the switch to the cheaper one.
fn platform_switches(plans: &[(String, Plan<'_>)], migration_cost: Money) -> Vec<SwitchView> {
    let mut switches = Vec::new();
    for (index, (one_name, one)) in plans.iter().enumerate() {
        for (other_name, other) in &plans[index + 1..] {
            let alike = one.scenario.customers == other.scenario.customers
                && one.scenario.mrr == other.scenario.mrr
                && one.scenario.commitment == other.scenario.commitment
                && one.selection.stage.number == other.selection.stage.number
                && one.scenario.platform != other.scenario.platform;
            if !alike || one.estimate.total == other.estimate.total {
                continue;
            }
            let ((from_name, from), (to_name, to)) = if one.estimate.total > other.estimate.total {
                ((one_name, one), (other_name, other))
            } else {
                ((other_name, other), (one_name, one))
            };
            let saving = from.estimate.total - to.estimate.total;
            switches.push(SwitchView {
                from: from_name.clone(),
                from_platform: from.scenario.platform.clone(),
                to: to_name.clone(),
                to_platform: to.scenario.platform.clone(),
                monthly_saving: saving,
                migration_cost,
                payback_months: payback_months(saving, migration_cost),
            });
        }
    }
    switches
}

impl CompareReport {
    /// Each platform switch, in a sentence.
    fn switch_lines(&self) -> Vec<String> {
        self.platform_switches
            .iter()
            .map(|switch| {
                let payback = match switch.payback_months {
                    Some(months) if switch.migration_cost > Money::ZERO => format!(
                        "; a {} migration pays back in {months} month{}",
                        switch.migration_cost,
                        if months == 1 { "" } else { "s" }
                    ),
                    _ => {
                        " (give --migration-cost to see how soon a migration pays back)".to_owned()
                    }
                };
                format!(
                    "\"{}\" on {} instead of \"{}\" on {} saves {} a month{payback}.",
                    crate::printable::shown(&switch.to),
                    switch.to_platform,
                    crate::printable::shown(&switch.from),
                    switch.from_platform,
                    switch.monthly_saving
                )
            })
            .collect()
    }

    /// The comparison of named plans, in order.
    /// `baselines` are each plan's fixed baseline, in order;
    /// `migration_cost` is what a platform switch costs once.
    pub(crate) fn new(
        plans: &[(String, Plan<'_>)],
        baselines: &[Money],
        migration_cost: Money,
    ) -> CompareReport {
        let refs: Vec<&Plan<'_>> = plans.iter().map(|(_, plan)| plan).collect();
        CompareReport {
            platform_switches: platform_switches(plans, migration_cost),
            attachments: Attachments::default(),
            schema_version: REPORT_SCHEMA_VERSION,
            scenarios: plans
                .iter()
                .zip(baselines)
                .map(|((name, plan), baseline)| ScenarioColumn {
                    name: name.clone(),
                    customers: plan.scenario.customers,
                    mrr: Money::round(plan.scenario.mrr),
                    platform: plan.scenario.platform.clone(),
                    commitment: plan.scenario.commitment,
                    plan: PlanSummary::new(plan),
                    cost_per_customer: per_customer(plan.estimate.total, plan.scenario.customers),
                    baseline_per_customer: per_customer(*baseline, plan.scenario.customers),
                })
                .collect(),
            differing_lines: differing_lines(&refs, DIFFERING_LINES)
                .into_iter()
                .map(|line| DifferingLineView {
                    spread: line.spread(),
                    component: line.component,
                    sku: match &line.label {
                        Some(label) => format!("{} ({label})", line.sku),
                        None => line.sku,
                    },
                    monthly: line.monthly,
                })
                .collect(),
        }
    }

    fn side_by_side(&self) -> Table {
        let mut header: Vec<(&str, Align)> = vec![("", Align::Left)];
        header.extend(
            self.scenarios
                .iter()
                .map(|scenario| (scenario.name.as_str(), Align::Right)),
        );
        let mut table = Table::new(&header);
        let rows: [Row; 10] = [
            ("Customers", |s| s.customers.to_string()),
            ("MRR", |s| s.mrr.to_string()),
            ("PaaS", |s| s.platform.clone()),
            ("Commitment", |s| s.commitment.name().to_owned()),
            ("Stage", |s| {
                format!(
                    "{} ({}, {})",
                    s.plan.stage, s.plan.stage_name, s.plan.variant
                )
            }),
            ("Monthly total", |s| s.plan.monthly_total.to_string()),
            ("Per customer", |s| {
                s.cost_per_customer
                    .map_or_else(|| "none".to_owned(), |each| each.to_string())
            }),
            ("of it fixed", |s| {
                s.baseline_per_customer
                    .map_or_else(|| "none".to_owned(), |fixed| fixed.to_string())
            }),
            ("Share of MRR", |s| {
                s.plan
                    .share_of_mrr
                    .map_or_else(|| "undefined".to_owned(), |share| share.to_string())
            }),
            ("Verdict", |s| s.plan.verdict.label().to_owned()),
        ];
        for (label, cell) in rows {
            let mut row = vec![label.to_owned()];
            row.extend(self.scenarios.iter().map(cell));
            table.row(row);
        }
        table
    }

    fn differing(&self) -> Table {
        let mut header: Vec<(&str, Align)> = vec![("Component", Align::Left), ("SKU", Align::Left)];
        header.extend(
            self.scenarios
                .iter()
                .map(|scenario| (scenario.name.as_str(), Align::Right)),
        );
        header.push(("Spread", Align::Right));
        let mut table = Table::new(&header);
        for line in &self.differing_lines {
            let mut row = vec![line.component.clone(), line.sku.clone()];
            row.extend(line.monthly.iter().map(Money::to_string));
            row.push(line.spread.to_string());
            table.row(row);
        }
        table
    }
}

impl Report for CompareReport {
    /// Aligned text.
    fn to_text(&self, fit: Fit) -> String {
        let mut out = format!(
            "{}\nLines that differ most:\n{}",
            self.side_by_side().to_text(fit),
            self.differing().to_text(fit)
        );
        for line in self.switch_lines() {
            out.push_str(&paragraphs(&format!("Platform switch: {line}"), fit, 2));
        }
        out
    }

    /// The page: the scenarios side by side and as bars, then the lines
    /// that differ.
    fn to_document(&self) -> Document {
        let mut document = Document::new(format!(
            "infraplan: {} compared",
            scenarios_text(self.scenarios.len())
        ));
        for scenario in &self.scenarios {
            document.push(Block::Verdict {
                verdict: scenario.plan.verdict,
                text: format!(
                    "\"{}\": {} a month, {} of MRR on stage {} ({}).",
                    crate::printable::shown(&scenario.name),
                    scenario.plan.monthly_total,
                    scenario
                        .plan
                        .share_of_mrr
                        .map_or_else(|| "no share".to_owned(), |share| share.to_string()),
                    scenario.plan.stage,
                    scenario.plan.variant
                ),
            });
        }
        let bars: Vec<Bar> = self
            .scenarios
            .iter()
            .map(|scenario| Bar {
                label: crate::printable::shown(&scenario.name),
                from: rust_decimal::Decimal::ZERO,
                to: scenario.plan.monthly_total.amount(),
                note: format!(
                    "{}, {}",
                    scenario.plan.monthly_total,
                    scenario.plan.verdict.label()
                ),
            })
            .collect();
        document.push(Block::Chart {
            svg: chart::bars("Monthly infrastructure total by scenario", &bars, None),
            summary: "Each scenario's monthly total as a bar, with its verdict; the table below gives the same figures.".to_owned(),
        });
        document.table("Scenarios side by side", self.side_by_side());
        document.table("Lines that differ most", self.differing());
        for line in self.switch_lines() {
            document.paragraph(format!("Platform switch: {line}"));
        }
        self.attachments.sources_into(&mut document);
        document
    }

    /// Markdown for a pull-request comment.
    fn to_markdown(&self) -> String {
        let mut out = format!(
            "### infraplan: {}\n\n{}\n#### Lines that differ most\n\n{}",
            scenarios_text(self.scenarios.len()),
            self.side_by_side().to_markdown(),
            self.differing().to_markdown()
        );
        for line in self.switch_lines() {
            out.push_str(&format!("\n**Platform switch:** {line}\n"));
        }
        out
    }
}

/// `1 scenario`, `3 scenarios`.
fn scenarios_text(count: usize) -> String {
    format!("{count} scenario{}", if count == 1 { "" } else { "s" })
}

impl Rows for CompareReport {
    /// One row per scenario.
    fn to_csv(&self) -> String {
        let mut out = csv_row(&[
            "scenario",
            "customers",
            "mrr",
            "platform",
            "commitment",
            "stage",
            "variant",
            "monthly_total",
            "cost_per_customer",
            "baseline_per_customer",
            "share_of_mrr",
            "verdict",
        ]);
        for scenario in &self.scenarios {
            out.push_str(&csv_row(&[
                &scenario.name,
                &scenario.customers.to_string(),
                &format!("{:.2}", scenario.mrr.amount()),
                &scenario.platform,
                scenario.commitment.name(),
                &scenario.plan.stage.to_string(),
                &scenario.plan.variant,
                &format!("{:.2}", scenario.plan.monthly_total.amount()),
                &scenario
                    .cost_per_customer
                    .map_or_else(String::new, |each| format!("{:.2}", each.amount())),
                &scenario
                    .baseline_per_customer
                    .map_or_else(String::new, |each| format!("{:.2}", each.amount())),
                &scenario
                    .plan
                    .share_of_mrr
                    .map_or_else(String::new, |share| share.shown().to_string()),
                scenario.plan.verdict.key(),
            ]));
        }
        out
    }
}
