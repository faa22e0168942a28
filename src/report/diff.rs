//! `infraplan diff` output: a move between two scenarios, like a Terraform
//! plan for costs.

use serde::Serialize;

use super::html::{Attachments, Block, Document};
use super::numbered;
use super::table::{Align, Fit, Table, paragraphs};
use super::wording::{migration_text, signed};
use super::{REPORT_SCHEMA_VERSION, Report};
use crate::model::diff::{Change, PlanDiff};
use crate::model::economics::payback_months;
use crate::model::money::{Money, format_quantity};
use crate::model::plan::{Plan, Verdict};
use crate::printable::escape_controls;

/// The move; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct DiffReport {
    schema_version: u32,
    from: Side,
    to: Side,
    stage_change: Option<StageChange>,
    components: Vec<ComponentView>,
    total_change: Money,
    migration: Vec<String>,
    /// The one-off cost of the move (`--migration-cost`).
    migration_cost: Money,
    /// The price sources of the HTML page.
    #[serde(skip)]
    pub(crate) attachments: Attachments,
    /// Months of the monthly saving that repay it; `None` when the move
    /// saves nothing.
    payback_months: Option<u64>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct Side {
    name: String,
    customers: u64,
    mrr: Money,
    stage: u32,
    variant: String,
    monthly_total: Money,
    /// The total against the side's stage guidance and the ceiling.
    verdict: Verdict,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct StageChange {
    from: u32,
    to: u32,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct ComponentView {
    id: String,
    name: String,
    change: Change,
    from_monthly: Money,
    to_monthly: Money,
    lines: Vec<LineView>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct LineView {
    change: Change,
    from: Option<LineSide>,
    to: Option<LineSide>,
    cost_change: Money,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct LineSide {
    sku: String,
    /// What is provisioned (instances, GB sized with headroom): what a
    /// move adds or removes.
    provisioned: rust_decimal::Decimal,
    /// What is billed, after free allowances and rounding: `plan`'s
    /// `quantity`.
    quantity: rust_decimal::Decimal,
    unit: String,
    monthly: Money,
}

impl DiffReport {
    /// The report of `moved` between two named plans.
    pub(crate) fn new(
        from: (&str, &Plan<'_>),
        to: (&str, &Plan<'_>),
        moved: &PlanDiff<'_>,
        migration_cost: Money,
    ) -> DiffReport {
        let side = |(name, plan): (&str, &Plan<'_>)| Side {
            name: name.to_owned(),
            customers: plan.scenario.customers,
            mrr: Money::round(plan.scenario.mrr),
            stage: plan.selection.stage.number,
            variant: plan.selection.variant_name.to_owned(),
            monthly_total: plan.estimate.total,
            verdict: plan.assessment.verdict,
        };
        let line_side = |line: &crate::model::cost::PricedLine<'_>| LineSide {
            sku: line.sku.id.clone(),
            provisioned: line.provisioned.normalize(),
            quantity: line.quantity.normalize(),
            unit: line.sku.unit.name().to_owned(),
            monthly: line.monthly,
        };
        DiffReport {
            schema_version: REPORT_SCHEMA_VERSION,
            from: side(from),
            to: side(to),
            stage_change: moved
                .stage_change
                .map(|(from, to)| StageChange { from, to }),
            components: moved
                .components
                .iter()
                .map(|component| ComponentView {
                    id: component.id.clone(),
                    name: component.name.clone(),
                    change: component.change,
                    from_monthly: component.from_monthly,
                    to_monthly: component.to_monthly,
                    lines: component
                        .lines
                        .iter()
                        .map(|line| LineView {
                            change: line.change,
                            from: line.from.map(line_side),
                            to: line.to.map(line_side),
                            cost_change: line.delta,
                        })
                        .collect(),
                })
                .collect(),
            total_change: moved.delta(),
            migration: moved.migration.iter().map(migration_text).collect(),
            migration_cost,
            payback_months: payback_months(Money::ZERO - moved.delta(), migration_cost),
            attachments: Attachments::default(),
        }
    }

    /// Whether the move pays for itself, in a sentence.
    fn payback_text(&self) -> String {
        let cost = self.migration_cost;
        let saving = Money::ZERO - self.total_change;
        match self.payback_months {
            Some(_) if cost == Money::ZERO => format!(
                "the move saves {saving} a month; give --migration-cost to see how soon a migration pays back."
            ),
            Some(months) => format!(
                "the move saves {saving} a month; a {cost} migration pays back in {months} month{}.",
                if months == 1 { "" } else { "s" }
            ),
            None if self.total_change == Money::ZERO => {
                "the move costs the same a month: it pays back only in what it buys.".to_owned()
            }
            None => format!(
                "the move costs {} more a month: it buys capacity and reliability, not savings{}.",
                self.total_change,
                if cost == Money::ZERO {
                    String::new()
                } else {
                    format!(", so a {cost} migration does not pay back on cost")
                }
            ),
        }
    }

    fn lines_table(&self) -> Table {
        let mut table = Table::new(&[
            ("", Align::Left),
            ("Component", Align::Left),
            ("From", Align::Left),
            ("To", Align::Left),
            ("Before", Align::Right),
            ("After", Align::Right),
            ("Change", Align::Right),
        ]);
        let describe = |side: &Option<LineSide>| {
            side.as_ref().map_or_else(String::new, |side| {
                format!(
                    "{} × {} {}",
                    side.sku,
                    format_quantity(side.provisioned),
                    side.unit
                )
            })
        };
        for component in &self.components {
            for line in component
                .lines
                .iter()
                .filter(|line| line.change != Change::Unchanged)
            {
                table.row(vec![
                    line.change.symbol().to_owned(),
                    component.name.clone(),
                    describe(&line.from),
                    describe(&line.to),
                    line.from
                        .as_ref()
                        .map_or_else(String::new, |side| side.monthly.to_string()),
                    line.to
                        .as_ref()
                        .map_or_else(String::new, |side| side.monthly.to_string()),
                    signed(line.cost_change),
                ]);
            }
        }
        table
    }

    fn heading(&self) -> String {
        let stage = match &self.stage_change {
            Some(change) => format!("stage {} → {}", change.from, change.to),
            None => format!("stage {} throughout", self.from.stage),
        };
        format!(
            "{} ({} customers, {} MRR, {} a month) → {} ({} customers, {} MRR, {} a month): {stage}",
            escape_controls(&self.from.name),
            self.from.customers,
            self.from.mrr,
            self.from.monthly_total,
            escape_controls(&self.to.name),
            self.to.customers,
            self.to.mrr,
            self.to.monthly_total
        )
    }

    fn counts(&self) -> String {
        let count = |kind: Change| {
            self.components
                .iter()
                .filter(|component| component.change == kind)
                .count()
        };
        format!(
            "{} to add, {} to remove, {} to replace, {} to resize, {} repriced, {} with more or less usage; total {} a month",
            count(Change::Added),
            count(Change::Removed),
            count(Change::Replaced),
            count(Change::Resized),
            count(Change::Repriced),
            count(Change::Grown),
            signed(self.total_change)
        )
    }
}

impl Report for DiffReport {
    /// Aligned text.
    fn to_text(&self, fit: Fit) -> String {
        let mut out = format!(
            "{}\n{}\n{}",
            paragraphs(&self.heading(), fit, 2),
            self.lines_table().to_text(fit),
            paragraphs(&format!("Components: {}.", self.counts()), fit, 2)
        );
        out.push_str(&paragraphs(
            &format!("Payback: {}", self.payback_text()),
            fit,
            2,
        ));
        if !self.migration.is_empty() {
            out.push_str("\nMigration:\n");
            out.push_str(&paragraphs(&numbered(&self.migration, ""), fit, 3));
        }
        out
    }

    /// Markdown for a pull-request comment.
    /// The page: where the move lands against the budget, then the lines.
    fn to_document(&self) -> Document {
        let mut document = Document::new(format!("infraplan diff: {}", self.heading()));
        document.push(Block::Verdict {
            verdict: self.to.verdict,
            text: format!(
                "after the move, {} a month ({} a month before); {}",
                self.to.monthly_total,
                self.from.monthly_total,
                self.payback_text()
            ),
        });
        document.table("Lines that change", self.lines_table());
        document.paragraph(format!("Components: {}.", self.counts()));
        if !self.migration.is_empty() {
            document.heading("Migration");
            document.push(Block::Steps(self.migration.clone()));
        }
        self.attachments.sources_into(&mut document);
        document
    }

    fn to_markdown(&self) -> String {
        let mut out = format!(
            "### infraplan diff: {}\n\n{}\n**Components:** {}.\n\n**Payback:** {}\n",
            self.heading(),
            self.lines_table().to_markdown(),
            self.counts(),
            self.payback_text()
        );
        if !self.migration.is_empty() {
            out.push_str("\n#### Migration\n\n");
            out.push_str(&numbered(&self.migration, ""));
        }
        out
    }
}
