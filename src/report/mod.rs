//! What commands print: each command's `Report`, a typed, serialisable
//! view, printed by one `render` as text, Markdown, JSON or (for `Rows`)
//! CSV. All the words live here; only the output formats are public.

pub(crate) mod audit;
pub(crate) mod chart;
pub(crate) mod checklist;
pub(crate) mod compare;
pub(crate) mod diff;
pub(crate) mod html;
pub(crate) mod listing;
pub(crate) mod plan;
pub(crate) mod roadmap;
pub(crate) mod schemas;
pub(crate) mod simulation;
pub(crate) mod sources;
pub(crate) mod table;
pub(crate) mod wording;

use clap::ValueEnum;
use serde::Serialize;

use crate::model::money::Money;

use table::Fit;

/// A command's output: a view whose JSON is its serialisation, which also
/// prints as text fitted to a width, as Markdown, and as an HTML page.
pub(crate) trait Report: Serialize {
    /// Aligned text, fitted as `fit` says.
    fn to_text(&self, fit: Fit) -> String;
    /// Markdown for a pull-request comment.
    fn to_markdown(&self) -> String;
    /// The page's content: what the text shows, with charts and links.
    fn to_document(&self) -> html::Document;
}

/// A report of one row per scenario or month, which also prints as CSV.
pub(crate) trait Rows: Report {
    /// A header line, then one line per row.
    fn to_csv(&self) -> String;
}

/// `report` in `format`.
pub(crate) fn render(report: &impl Report, format: Format, fit: Fit) -> String {
    match format {
        Format::Table => report.to_text(fit),
        Format::Markdown => report.to_markdown(),
        Format::Json => json(report),
        Format::Html => report.to_document().to_html(),
    }
}

/// `report` in `format`, which may be CSV.
pub(crate) fn render_rows(report: &impl Rows, format: TabularFormat, fit: Fit) -> String {
    let format = match format {
        TabularFormat::Csv => return report.to_csv(),
        TabularFormat::Table => Format::Table,
        TabularFormat::Markdown => Format::Markdown,
        TabularFormat::Json => Format::Json,
        TabularFormat::Html => Format::Html,
    };
    render(report, format, fit)
}

/// The version of every JSON report's shape (docs/json.md), apart from the
/// versions of the files infraplan reads: a report can change without any
/// input file changing, and the other way round.
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// A stable, versioned shape for programs (see docs/json.md).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
    /// One self-contained HTML page: tables, charts and a link to every price's source.
    Html,
}

/// An output format for reports that also suit a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TabularFormat {
    /// Aligned text for a terminal.
    Table,
    /// Markdown for a pull-request comment.
    Markdown,
    /// A stable, versioned shape for programs (see docs/json.md).
    Json,
    /// Comma-separated values, one row per scenario or month.
    Csv,
    /// One self-contained HTML page: tables, charts and a link to every price's source.
    Html,
}

/// One CSV line: fields quoted when they hold a comma, quote or line break;
/// control characters (escape sequences in a scenario name) shown escaped.
pub fn csv_row(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| crate::printable::escape_controls(field))
        .map(|field| {
            if field.contains([',', '"']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                (*field).to_owned()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// The six facts every report gives about a planned scenario; flattened into
/// each report's JSON, so the keys sit beside the report's own.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PlanSummary {
    pub(crate) stage: u32,
    pub(crate) stage_name: String,
    pub(crate) variant: String,
    pub(crate) monthly_total: crate::model::money::Money,
    pub(crate) share_of_mrr: Option<crate::model::money::Percent>,
    pub(crate) verdict: crate::model::plan::Verdict,
}

impl PlanSummary {
    /// The summary of `plan`.
    pub fn new(plan: &crate::model::plan::Plan<'_>) -> PlanSummary {
        PlanSummary {
            stage: plan.selection.stage.number,
            stage_name: plan.selection.stage.name.clone(),
            variant: plan.selection.variant_name.to_owned(),
            monthly_total: plan.estimate.total,
            share_of_mrr: plan.assessment.share,
            verdict: plan.assessment.verdict,
        }
    }
}

/// When moving to the next stage pays; plan and roadmap show it.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub(crate) struct MoveView {
    pub(crate) stage: u32,
    /// The next stage's monthly cost at today's customers.
    pub(crate) monthly_total_now: Money,
    /// Today's total less that; negative when the next stage costs more.
    pub(crate) saving_now: Money,
    /// The first customer count at which the next stage costs less; `None`
    /// up to `looked_to_customers`.
    pub(crate) cheaper_from_customers: Option<u64>,
    pub(crate) looked_to_customers: u64,
    pub(crate) migration_cost: Money,
    /// Months of today's saving that repay the migration.
    pub(crate) payback_months: Option<u64>,
}

impl From<&crate::model::economics::Move> for MoveView {
    fn from(moved: &crate::model::economics::Move) -> MoveView {
        MoveView {
            stage: moved.stage,
            monthly_total_now: moved.next_total,
            saving_now: moved.saving_now,
            cheaper_from_customers: moved.cheaper_from,
            looked_to_customers: moved.looked_to,
            migration_cost: moved.migration_cost,
            payback_months: moved.payback_months,
        }
    }
}

/// Steps as a numbered list, one per line, each line starting with `indent`.
pub fn numbered(steps: &[String], indent: &str) -> String {
    steps
        .iter()
        .enumerate()
        .map(|(index, step)| format!("{indent}{}. {step}\n", index + 1))
        .collect()
}

/// Pretty JSON with a final newline.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|error| unreachable!("report views always serialize: {error}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(
            csv_row(&["a", "b c", "d,e", "say \"hi\""]),
            "a,b c,\"d,e\",\"say \"\"hi\"\"\"\n"
        );
    }
}
