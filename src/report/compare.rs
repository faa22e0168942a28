//! `infraplan compare` output: scenarios side by side.

use serde::Serialize;

use super::PlanSummary;
use super::csv_row;
use super::table::{Align, Fit, Table};
use super::{REPORT_SCHEMA_VERSION, Report, Rows};
use crate::model::compare::differing_lines;
use crate::model::cost::Commitment;
use crate::model::economics::per_customer;
use crate::model::money::Money;
use crate::model::plan::Plan;

/// How many differing lines a comparison shows.
const DIFFERING_LINES: usize = 8;

/// The comparison; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CompareReport {
    schema_version: u32,
    scenarios: Vec<ScenarioColumn>,
    differing_lines: Vec<DifferingLineView>,
}

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
struct DifferingLineView {
    component: String,
    sku: String,
    monthly: Vec<Money>,
    spread: Money,
}

impl CompareReport {
    /// The comparison of named plans, in order.
    /// `baselines` are each plan's fixed baseline, in order.
    pub(crate) fn new(plans: &[(String, Plan<'_>)], baselines: &[Money]) -> CompareReport {
        let refs: Vec<&Plan<'_>> = plans.iter().map(|(_, plan)| plan).collect();
        CompareReport {
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
        format!(
            "{}\nLines that differ most:\n{}",
            self.side_by_side().to_text(fit),
            self.differing().to_text(fit)
        )
    }

    /// Markdown for a pull-request comment.
    fn to_markdown(&self) -> String {
        format!(
            "### infraplan: {} scenarios\n\n{}\n#### Lines that differ most\n\n{}",
            self.scenarios.len(),
            self.side_by_side().to_markdown(),
            self.differing().to_markdown()
        )
    }
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
