//! `infraplan roadmap` output: the months ahead, by month and by quarter.

use rust_decimal::Decimal;
use serde::Serialize;

use super::chart::{ChartMonth, ShareLine, share_lines};
use super::html::{Attachments, Block, Document};
use super::table::{Align, Fit, Table, paragraphs};
use super::wording::{component_change_text, lever_text, migration_text, move_text, signed};
use super::{MoveView, REPORT_SCHEMA_VERSION, Report, Rows};
use super::{csv_row, numbered};
use crate::model::cost::Commitment;
use crate::model::economics::per_customer;
use crate::model::money::{Money, Percent};
use crate::model::plan::Verdict;
use crate::model::projection::{ComponentChange, Growth, Month, Quarter, Upgrade};
use crate::model::stage::Stages;

/// The roadmap; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct RoadmapReport {
    schema_version: u32,
    growth: Option<GrowthView>,
    platform: String,
    commitment: Commitment,
    months: Vec<MonthView>,
    quarters: Vec<QuarterView>,
    total: Money,
    months_breaking_budget: Vec<u32>,
    cost_levers: Vec<String>,
    /// The chart and price sources of the HTML page.
    #[serde(skip)]
    pub(crate) attachments: Attachments,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct GrowthView {
    customers: u64,
    mrr: Money,
    growth_percent: Decimal,
    mrr_growth_percent: Option<Decimal>,
    churn_percent: Decimal,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct MonthView {
    month: u32,
    customers: u64,
    mrr: Money,
    stage: u32,
    variant: String,
    monthly_total: Money,
    /// The total shared by the customers; `None` without customers.
    cost_per_customer: Option<Money>,
    /// The stage's fixed baseline (its cost with no usage) shared by them.
    baseline_per_customer: Option<Money>,
    share_of_mrr: Option<Percent>,
    verdict: Verdict,
    stage_change: Option<[u32; 2]>,
    changes: Vec<ComponentChange>,
    cost_step: Money,
    migration: Vec<String>,
    /// At a move up a stage: what it costs against staying, and when the
    /// new stage costs less.
    move_economics: Option<MoveView>,
    levers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct QuarterView {
    months: String,
    upgrades: Vec<String>,
    /// Each upgrade's headline, then its components, one per line.
    #[serde(skip)]
    upgrade_lines: Vec<String>,
    total: Money,
}

impl RoadmapReport {
    /// The report of planned `months`; `cost_levers` are the roadmap's ways to
    /// cut cost, listed when some month breaks the budget.
    pub(crate) fn new(
        growth: Option<&Growth>,
        platform: &str,
        commitment: Commitment,
        months: &[Month<'_>],
        quarters: &[Quarter],
        cost_levers: &[String],
    ) -> RoadmapReport {
        let breaking: Vec<u32> = months
            .iter()
            .filter(|month| {
                matches!(
                    month.quote.assessment.verdict,
                    Verdict::AboveGuidance | Verdict::OverCeiling
                )
            })
            .map(|month| month.number)
            .collect();
        RoadmapReport {
            schema_version: REPORT_SCHEMA_VERSION,
            growth: growth.map(|growth| GrowthView {
                customers: growth.customers,
                mrr: Money::round(growth.mrr),
                growth_percent: growth.growth_percent,
                mrr_growth_percent: growth.mrr_growth_percent,
                churn_percent: growth.churn_percent,
            }),
            platform: platform.to_owned(),
            commitment,
            months: months
                .iter()
                .map(|month| MonthView {
                    month: month.number,
                    customers: month.customers,
                    mrr: Money::round(month.mrr),
                    stage: month.quote.selection.stage.number,
                    variant: month.quote.selection.variant_name.to_owned(),
                    monthly_total: month.quote.total,
                    cost_per_customer: per_customer(month.quote.total, month.customers),
                    baseline_per_customer: per_customer(month.baseline, month.customers),
                    share_of_mrr: month.quote.assessment.share,
                    verdict: month.quote.assessment.verdict,
                    stage_change: month.change.stage_change.map(|(from, to)| [from, to]),
                    changes: month.change.components.clone(),
                    cost_step: month.change.cost_step,
                    migration: month.change.migration.iter().map(migration_text).collect(),
                    move_economics: month.moved.as_ref().map(MoveView::from),
                    levers: month.levers.iter().map(lever_text).collect(),
                })
                .collect(),
            quarters: quarters
                .iter()
                .map(|quarter| QuarterView {
                    months: format!("{}-{}", quarter.first, quarter.last),
                    upgrades: quarter.upgrades.iter().map(upgrade_text).collect(),
                    upgrade_lines: quarter
                        .upgrades
                        .iter()
                        .flat_map(|upgrade| {
                            std::iter::once(upgrade_headline(upgrade))
                                .chain(upgrade.components.iter().map(component_change_text))
                        })
                        .collect(),
                    total: quarter.total,
                })
                .collect(),
            total: months.iter().map(|month| month.quote.total).sum(),
            cost_levers: if breaking.is_empty() {
                Vec::new()
            } else {
                cost_levers.to_vec()
            },
            months_breaking_budget: breaking,
            attachments: Attachments::default(),
        }
    }

    fn heading(&self) -> String {
        let growth = match &self.growth {
            Some(growth) => {
                let mrr = growth.mrr_growth_percent.map_or_else(
                    || "MRR following customers".to_owned(),
                    |percent| format!("MRR growing {}% a month", percent.normalize()),
                );
                format!(
                    "from {} customers and {} MRR, {}% new customers and {}% churn a month, {mrr}",
                    growth.customers,
                    growth.mrr,
                    growth.growth_percent.normalize(),
                    growth.churn_percent.normalize()
                )
            }
            None => "from the month-by-month file".to_owned(),
        };
        let commitment = match self.commitment {
            Commitment::None => "on-demand prices",
            Commitment::OneYear => "1-year reserved prices where published",
        };
        format!(
            "{}-month roadmap {growth}; PaaS {}, {commitment}",
            self.months.len(),
            self.platform
        )
    }

    fn months_table(&self) -> Table {
        let mut table = Table::new(&[
            ("Month", Align::Right),
            ("Customers", Align::Right),
            ("MRR", Align::Right),
            ("Stage", Align::Right),
            ("Cost", Align::Right),
            ("Each", Align::Right),
            ("% of MRR", Align::Right),
            ("Verdict", Align::Left),
            ("Changes", Align::Below),
        ]);
        for month in &self.months {
            table.row(vec![
                month.month.to_string(),
                month.customers.to_string(),
                month.mrr.to_string(),
                month.stage.to_string(),
                month.monthly_total.to_string(),
                month
                    .cost_per_customer
                    .map_or_else(|| "none".to_owned(), |each| each.to_string()),
                month
                    .share_of_mrr
                    .map_or_else(|| "undefined".to_owned(), |share| share.to_string()),
                month.verdict.label().to_owned(),
                month_changes(month),
            ]);
        }
        table
    }

    fn quarters_table(&self) -> Table {
        let mut table = Table::new(&[
            ("Month", Align::Left),
            ("Upgrade", Align::Left),
            ("Estimated cost", Align::Right),
        ]);
        for quarter in &self.quarters {
            let upgrades = if quarter.upgrades.is_empty() {
                "none".to_owned()
            } else {
                quarter.upgrade_lines.join("\n")
            };
            table.row(vec![
                quarter.months.clone(),
                upgrades,
                quarter.total.to_string(),
            ]);
        }
        table.row(vec![
            "Total".to_owned(),
            String::new(),
            self.total.to_string(),
        ]);
        table
    }

    fn budget_lines(&self) -> Vec<String> {
        if self.months_breaking_budget.is_empty() {
            return vec!["No month breaks the stage's guidance or the ceiling.".to_owned()];
        }
        let mut lines = Vec::new();
        for month in self
            .months
            .iter()
            .filter(|month| self.months_breaking_budget.contains(&month.month))
        {
            lines.push(format!(
                "Month {}: {} at {} of MRR.",
                month.month,
                month.verdict.label(),
                month
                    .share_of_mrr
                    .map_or_else(String::new, |share| share.to_string())
            ));
            lines.extend(month.levers.iter().map(|lever| format!("  - {lever}")));
        }
        lines.push("The roadmap's ways to cut cost:".to_owned());
        lines.extend(self.cost_levers.iter().map(|lever| format!("  - {lever}")));
        lines
    }

    fn migrations(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for month in self
            .months
            .iter()
            .filter(|month| !month.migration.is_empty())
        {
            lines.push(format!("Month {}:", month.month));
            if let Some(moved) = &month.move_economics {
                lines.push(format!("  Cost: {}", move_text(moved)));
            }
            lines.extend(numbered(&month.migration, "  ").lines().map(str::to_owned));
        }
        lines
    }

    /// The chart's data: each month, and the share-of-MRR lines the stages'
    /// guidance and ceiling draw.
    pub(crate) fn chart_data(&self, stages: &Stages) -> (Vec<ChartMonth>, Vec<ShareLine>) {
        let months = self
            .months
            .iter()
            .map(|month| ChartMonth {
                number: month.month,
                value: month.monthly_total.amount(),
                reference: month.mrr.amount(),
                stage: month.stage,
                band: None,
            })
            .collect();
        (months, share_lines(stages))
    }
}

impl Report for RoadmapReport {
    /// Aligned text.
    fn to_text(&self, fit: Fit) -> String {
        let mut out = format!(
            "{}\n{}\n",
            paragraphs(&self.heading(), fit, 2),
            self.months_table().to_text(fit)
        );
        out.push_str(&format!(
            "By quarter (the roadmap's 12-month plan):\n{}\n",
            self.quarters_table().to_text(fit)
        ));
        out.push_str(&format!(
            "Budget:\n{}",
            paragraphs(&self.budget_lines().join("\n"), fit, 2)
        ));
        let migrations = self.migrations();
        if !migrations.is_empty() {
            out.push_str(&format!(
                "\nStage changes:\n{}",
                paragraphs(&migrations.join("\n"), fit, 3)
            ));
        }
        out
    }

    /// The page: the worst month's verdict, the chart, the tables.
    fn to_document(&self) -> Document {
        let mut document = Document::new("infraplan roadmap");
        document.paragraph(format!("{}.", self.heading()));
        let worst = self.months.iter().map(|month| month.verdict).max();
        if let Some(verdict) = worst {
            document.push(Block::Verdict {
                verdict,
                text: format!(
                    "{} over {} months. {}",
                    self.total,
                    self.months.len(),
                    self.budget_lines()[0]
                ),
            });
        }
        self.attachments.chart_into(&mut document);
        document.table("Month by month", self.months_table());
        document.table(
            "By quarter (the roadmap's 12-month plan)",
            self.quarters_table(),
        );
        document.heading("Budget");
        document.push(Block::List(self.budget_lines()));
        let migrations = self.migrations();
        if !migrations.is_empty() {
            document.heading("Stage changes");
            for line in migrations {
                document.paragraph(line.trim().to_owned());
            }
        }
        self.attachments.sources_into(&mut document);
        document
    }

    /// Markdown for a pull-request comment.
    fn to_markdown(&self) -> String {
        let mut out = format!(
            "### infraplan roadmap\n\n{}.\n\n{}\n#### By quarter (the roadmap's 12-month plan)\n\n{}\n#### Budget\n\n",
            self.heading(),
            self.months_table().to_markdown(),
            self.quarters_table().to_markdown()
        );
        for line in self.budget_lines() {
            match line.strip_prefix("  - ") {
                Some(lever) => out.push_str(&format!("  - {lever}\n")),
                None => out.push_str(&format!("- {line}\n")),
            }
        }
        let migrations = self.migrations();
        if !migrations.is_empty() {
            out.push_str("\n#### Stage changes\n\n");
            for line in migrations {
                out.push_str(&format!("{line}\n"));
            }
        }
        out
    }
}

impl Rows for RoadmapReport {
    /// One row per month.
    fn to_csv(&self) -> String {
        let mut out = csv_row(&[
            "month",
            "customers",
            "mrr",
            "stage",
            "variant",
            "monthly_total",
            "cost_per_customer",
            "baseline_per_customer",
            "share_of_mrr",
            "verdict",
            "changes",
        ]);
        for month in &self.months {
            out.push_str(&csv_row(&[
                &month.month.to_string(),
                &month.customers.to_string(),
                &format!("{:.2}", month.mrr.amount()),
                &month.stage.to_string(),
                &month.variant,
                &format!("{:.2}", month.monthly_total.amount()),
                &month
                    .cost_per_customer
                    .map_or_else(String::new, |each| format!("{:.2}", each.amount())),
                &month
                    .baseline_per_customer
                    .map_or_else(String::new, |each| format!("{:.2}", each.amount())),
                &month
                    .share_of_mrr
                    .map_or_else(String::new, |share| share.shown().to_string()),
                month.verdict.key(),
                &month_changes(month),
            ]));
        }
        out
    }
}

/// "month 6: stage 1 → 2 (+$251.59 a month)".
fn upgrade_headline(upgrade: &Upgrade) -> String {
    format!(
        "month {}: stage {} → {} ({} a month)",
        upgrade.month,
        upgrade.from,
        upgrade.to,
        signed(upgrade.cost_step)
    )
}

/// The headline with its components on one line, for JSON and Markdown.
fn upgrade_text(upgrade: &Upgrade) -> String {
    let headline = upgrade_headline(upgrade);
    if upgrade.components.is_empty() {
        return headline;
    }
    format!(
        "{}; {})",
        headline.trim_end_matches(')'),
        upgrade
            .components
            .iter()
            .map(component_change_text)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn month_changes(month: &MonthView) -> String {
    let mut parts = Vec::new();
    if let Some([from, to]) = month.stage_change {
        parts.push(format!("stage {from} → {to}"));
    }
    parts.extend(month.changes.iter().map(component_change_text));
    if parts.is_empty() {
        return String::new();
    }
    format!("{} ({})", parts.join(", "), signed(month.cost_step))
}
