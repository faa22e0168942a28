//! The command line: clap derive types, doc comments as help text.

use std::path::PathBuf;
use std::str::FromStr;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;

use crate::error::{Expected, Problem};
use crate::model::cost::Commitment;
use crate::model::limits;
use crate::model::money::Money;
use crate::model::plan::Gate;
use crate::model::simulation::Range;
use crate::printable::{escape_controls, shown};
use crate::report::{Format, TabularFormat};

/// Plan, price and generate the infrastructure a SaaS needs at each growth stage.
///
/// Tell it your customers and monthly recurring revenue (MRR); it picks the
/// roadmap stage, prices every component with cited list prices, and says what
/// share of revenue that is.
#[derive(Debug, Parser)]
#[command(name = "infraplan", version)]
pub struct Cli {
    /// Where stage and price data come from.
    #[command(flatten)]
    pub data: DataArgs,
    /// Print tables at their full width instead of fitting them to the terminal
    #[arg(long, global = true, help_heading = "Output")]
    pub wide: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that replace built-in data, for every command.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Folder of stage files; each replaces the built-in file of the same name, new names add stages
    #[arg(long, global = true, value_name = "DIR", help_heading = "Data")]
    pub stages: Option<PathBuf>,
    /// Folder of price files; each replaces the built-in file of the same name
    #[arg(long, global = true, value_name = "DIR", help_heading = "Data")]
    pub prices: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pick the stage for a scenario, price every line and judge the share of MRR
    Plan(PlanArgs),
    /// List the stages: customer ranges, cost bands, budget guidance, usage defaults, components
    Stages(FormatArgs),
    /// List the price catalog with each price's public source and date
    Prices(FormatArgs),
    /// Write the planned stage's Terraform into a folder, keeping your edits on regeneration
    Generate(GenerateArgs),
    /// Compare named scenarios side by side
    Compare(CompareArgs),
    /// Plan the months ahead from growth, or from a month-by-month file
    Roadmap(RoadmapArgs),
    /// Show what moving from one scenario to another changes, like a Terraform plan for costs
    Diff(DiffArgs),
    /// Mark conflicts in a generated folder resolved: your version of each file stands
    Resolve(ResolveArgs),
    /// Print a shell completion script: infraplan completions bash > /etc/bash_completion.d/infraplan
    Completions(CompletionsArgs),
    /// Audit today's infrastructure (a JSON file, see docs/audit.md) against the stage its customers call for
    Audit(AuditArgs),
    /// The roadmap's security checklist for the planned stage: what its Terraform delivers, what is yours to do, which compliance is due
    Checklist(ChecklistArgs),
}

/// `infraplan resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The generated folder
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Files whose conflict you have resolved (merged infraplan's NAME.infraplan-new into NAME, or chose yours)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
    /// When another run is using the folder, wait up to this many seconds for it
    #[arg(long, value_name = "SECONDS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub wait: u64,
}

/// `infraplan compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// JSON file of named scenarios
    #[arg(value_name = "SCENARIOS.json")]
    pub file: Option<PathBuf>,
    /// A scenario inline, as `--help` shows (rustdoc would read its optional
    /// parts, in brackets, as links).
    #[arg(
        long = "scenario",
        value_name = "SPEC",
        help = "A scenario inline: name=…,customers=…,mrr=…[,paas=…][,stage=…][,commitment=…]; repeatable"
    )]
    pub scenarios: Vec<String>,
    /// One-off cost of switching platforms, US dollars, to show how soon a switch pays back
    #[arg(long, value_name = "USD", value_parser = parse_money, default_value = "0")]
    pub migration_cost: Money,
    /// Output format
    #[arg(long, value_enum, default_value_t = TabularFormat::Table)]
    pub format: TabularFormat,
    /// Budget gate for CI: exit 3 when any scenario is above guidance, or over the ceiling
    #[arg(long, value_name = "LIMIT", value_parser = gate_parser())]
    pub fail_on: Option<Gate>,
    /// Where the report goes.
    #[command(flatten)]
    pub report_file: ReportFile,
}

/// `infraplan roadmap`.
#[derive(Debug, Args)]
pub struct RoadmapArgs {
    /// Paying customers in month 1
    #[arg(long, value_name = "N", value_parser = parse_customers, allow_hyphen_values = true)]
    pub customers: Option<u64>,
    /// MRR in month 1, US dollars
    #[arg(long, value_name = "USD", value_parser = parse_mrr, allow_hyphen_values = true)]
    pub mrr: Option<Decimal>,
    /// New customers a month, percent of the month before (25 for 25%); a range LOW..HIGH with --paths
    #[arg(long, value_name = "PCT", value_parser = parse_growth, allow_hyphen_values = true)]
    pub growth: Option<Range>,
    /// MRR growth a month, percent; by default MRR grows with customers; a range with --paths
    #[arg(long, value_name = "PCT", value_parser = parse_growth, allow_hyphen_values = true)]
    pub mrr_growth: Option<Range>,
    /// Customers lost a month, percent (0 to 100); a range LOW..HIGH with --paths
    #[arg(long, value_name = "PCT", value_parser = parse_churn, allow_hyphen_values = true, default_value = "0")]
    pub churn: Range,
    /// Simulate this many growth paths, each drawing its rates once, uniformly from the ranges (1 to 1,000,000)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000), conflicts_with = "from_file")]
    pub paths: Option<u32>,
    /// Seed of the simulation's draws; the same seed prints the same numbers
    #[arg(long, value_name = "S", default_value_t = 1, requires = "paths")]
    pub seed: u64,
    /// Months to plan (1 to 120)
    #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_MONTHS)))]
    pub months: u32,
    /// JSON file of customers and MRR month by month, instead of growth
    #[arg(long, value_name = "FILE", conflicts_with_all = ["customers", "mrr", "growth", "mrr_growth"])]
    pub from_file: Option<PathBuf>,
    /// PaaS for the stages that run on one: render or heroku
    #[arg(long, value_name = "NAME", default_value = crate::model::plan::DEFAULT_PLATFORM)]
    pub paas: String,
    /// JSON file of usage per customer that replaces stage defaults
    #[arg(long, value_name = "FILE")]
    pub usage: Option<PathBuf>,
    /// Price AWS capacity at published 1-year reserved prices (1yr) or on demand (none)
    #[arg(long, value_name = "TERM", default_value = "none", value_parser = commitment_parser())]
    pub commitment: Commitment,
    /// Also draw monthly cost against shares of MRR into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// One-off cost of each move up a stage, US dollars, to show how soon it pays back
    #[arg(long, value_name = "USD", value_parser = parse_money, default_value = "0")]
    pub migration_cost: Money,
    /// Output format
    #[arg(long, value_enum, default_value_t = TabularFormat::Table)]
    pub format: TabularFormat,
    /// Budget gate for CI: exit 3 when any month is above guidance, or over the ceiling
    #[arg(long, value_name = "LIMIT", value_parser = gate_parser())]
    pub fail_on: Option<Gate>,
    /// Where the report goes.
    #[command(flatten)]
    pub report_file: ReportFile,
}

/// `infraplan diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The scenario moved from, as `--help` shows.
    #[arg(
        long,
        value_name = "SPEC",
        help = "The scenario moved from: customers=…,mrr=…[,paas=…][,stage=…][,commitment=…][,name=…]"
    )]
    pub from: String,
    /// The scenario moved to, in the same form
    #[arg(long, value_name = "SPEC")]
    pub to: String,
    /// JSON file of usage per customer for both scenarios
    #[arg(long, value_name = "FILE")]
    pub usage: Option<PathBuf>,
    /// One-off cost of the move, US dollars, to show how long it takes to pay back
    #[arg(long, value_name = "USD", value_parser = parse_money, default_value = "0")]
    pub migration_cost: Money,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Where the report goes.
    #[command(flatten)]
    pub report_file: ReportFile,
}

/// `infraplan generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Folder to write: new, empty, or written by infraplan before (your edits are kept)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// App name for resource names: 3–27 lowercase letters, digits and hyphens
    #[arg(long, value_name = "APP", default_value = "saas-app")]
    pub name: String,
    /// AWS region (file storage, and everything in stage 3)
    #[arg(long, value_name = "REGION", default_value = "us-east-1")]
    pub region: String,
    /// The domain you own, such as example.com: the app is served at app.DOMAIN and email sent from it (else the Terraform asks for it)
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// Folder of templates; each replaces the built-in template at the same path
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Accept a non-empty folder infraplan did not write; its files are kept as yours
    #[arg(long)]
    pub force: bool,
    /// Write nothing; exit 1 with a unified diff if the folder differs from what would be written
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Write nothing; list what would happen to each file
    #[arg(long)]
    pub dry_run: bool,
    /// When another run is using the folder, wait up to this many seconds for it (default: fail at once)
    #[arg(long, value_name = "SECONDS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub wait: u64,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `infraplan completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `infraplan audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Today's setup: hosting, database, storage, monitoring, backups, deployments, cost, customers and MRR (docs/audit.md)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Where the report goes.
    #[command(flatten)]
    pub report_file: ReportFile,
}

/// `infraplan checklist`.
#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Some customers are in the EU, so GDPR applies
    #[arg(long)]
    pub eu_customers: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Where the report goes.
    #[command(flatten)]
    pub report_file: ReportFile,
}

/// `infraplan plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Also move each assumption (customers, each usage per customer) 50% down and up, one at a time, and rank them by how far the total swings
    #[arg(long)]
    pub sensitivity: bool,
    /// Your gross margin before infrastructure, percent (the rest of your cost of goods), to show the margin after it
    #[arg(long, value_name = "PCT", value_parser = parse_margin)]
    pub gross_margin: Option<Decimal>,
    /// One-off cost of moving to the next stage, US dollars, to show how long the move takes to pay back
    #[arg(long, value_name = "USD", value_parser = parse_money, default_value = "0")]
    pub migration_cost: Money,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Budget gate for CI: exit 3 when the plan is above guidance, or over the ceiling
    #[arg(long, value_name = "LIMIT", value_parser = gate_parser())]
    pub fail_on: Option<Gate>,
    /// Where the report goes.
    #[command(flatten)]
    pub report_file: ReportFile,
}

/// A scenario, as flags.
#[derive(Debug, Clone, Args)]
pub struct ScenarioArgs {
    /// Paying customers: a whole number, 0 or more
    #[arg(long, value_name = "N", value_parser = parse_customers, allow_hyphen_values = true)]
    pub customers: u64,
    /// Monthly recurring revenue in US dollars, 0 or more (e.g. 18000 or 18000.50)
    #[arg(long, value_name = "USD", value_parser = parse_mrr, allow_hyphen_values = true)]
    pub mrr: Decimal,
    /// PaaS for the stages that run on one: render (the default) or heroku; `generate` keeps a folder's own
    #[arg(long, value_name = "NAME")]
    pub paas: Option<String>,
    /// Use this stage whatever the customer count says (1, 2, 3)
    #[arg(long, value_name = "N", value_parser = parse_stage, allow_hyphen_values = true)]
    pub stage: Option<u32>,
    /// JSON file of usage per customer that replaces stage defaults
    #[arg(long, value_name = "FILE")]
    pub usage: Option<PathBuf>,
    /// Price AWS capacity at published 1-year reserved prices (1yr) or on demand (none)
    #[arg(long, value_name = "TERM", default_value = "none", value_parser = commitment_parser())]
    pub commitment: Commitment,
}

/// Where a report goes.
#[derive(Debug, Clone, Args)]
pub struct ReportFile {
    /// Write the report to this file instead of standard output; the file is replaced whole, never half-written
    #[arg(long = "out", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

/// Just an output format.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

// clap words a value parser's error as "invalid value 'X' for '--flag': {error}".

fn parse_customers(text: &str) -> Result<u64, Problem> {
    let customers = text
        .trim()
        .parse::<u64>()
        .map_err(|_| Problem::Expected(Expected::Customers))?;
    Ok(limits::checked_customers(customers)?)
}

fn parse_mrr(text: &str) -> Result<Decimal, Problem> {
    let value = Decimal::from_str(text.trim()).map_err(|_| Problem::Expected(Expected::Dollars))?;
    Ok(limits::checked_mrr(value)?)
}

/// A percentage from 0 to `most`.
fn parse_percent_up_to(text: &str, most: u32) -> Result<Decimal, Problem> {
    Decimal::from_str(text.trim())
        .ok()
        .filter(|percent| !percent.is_sign_negative() || percent.is_zero())
        .filter(|percent| *percent <= Decimal::from(most))
        .map(|percent| percent.abs())
        .ok_or(Problem::Expected(Expected::PercentUpTo(most)))
}

/// A gross margin: a percentage from 0 to 100.
fn parse_margin(text: &str) -> Result<Decimal, Problem> {
    parse_percent_up_to(text, 100)
}

/// An amount of US dollars, as an MRR is read, to the cent.
fn parse_money(text: &str) -> Result<Money, Problem> {
    parse_mrr(text).map(Money::round)
}

/// A rate, or a range of rates `LOW..HIGH`, each from 0 to `most` percent.
fn parse_rate_up_to(text: &str, most: u32) -> Result<Range, Problem> {
    let Some((low, high)) = text.split_once("..") else {
        return Ok(Range::exactly(parse_percent_up_to(text, most)?));
    };
    let bad = || Problem::Expected(Expected::RangeUpTo(most));
    // `0...5` is not `0..0.5`: each bound starts with a digit.
    let starts_with_digit = |bound: &str| bound.trim().starts_with(|c: char| c.is_ascii_digit());
    if !starts_with_digit(low) || !starts_with_digit(high) {
        return Err(bad());
    }
    let low = parse_percent_up_to(low, most).map_err(|_| bad())?;
    let high = parse_percent_up_to(high, most).map_err(|_| bad())?;
    if low > high {
        return Err(bad());
    }
    Ok(Range { low, high })
}

fn parse_growth(text: &str) -> Result<Range, Problem> {
    parse_rate_up_to(text, 1000)
}

/// Churn is a share of the customers there are: at most all of them.
fn parse_churn(text: &str) -> Result<Range, Problem> {
    parse_rate_up_to(text, 100)
}

/// `--fail-on`'s values, listed by `--help`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    /// Above the stage's guidance, or over the 20% ceiling
    AboveGuidance,
    /// Over the 20% ceiling only
    OverCeiling,
}

fn gate_parser() -> impl clap::builder::TypedValueParser<Value = Gate> {
    clap::builder::EnumValueParser::<FailOn>::new().map(|value| match value {
        FailOn::AboveGuidance => Gate::AboveGuidance,
        FailOn::OverCeiling => Gate::OverCeiling,
    })
}

/// `--commitment`'s values, listed by `--help`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Term {
    /// On-demand prices
    None,
    /// Published 1-year reserved prices where there are some
    #[value(name = "1yr")]
    OneYear,
}

fn commitment_parser() -> impl clap::builder::TypedValueParser<Value = Commitment> {
    clap::builder::EnumValueParser::<Term>::new().map(|value| match value {
        Term::None => Commitment::None,
        Term::OneYear => Commitment::OneYear,
    })
}

fn parse_stage(text: &str) -> Result<u32, Problem> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|stage| *stage > 0)
        .ok_or(Problem::Expected(Expected::Stage))
}

/// A clap error on one line: its message and any hint lines, without the
/// usage block and the "for more information" footer.
pub fn one_line(error: &clap::Error) -> String {
    let text = error.to_string();
    let line = text
        .lines()
        .take_while(|line| !line.trim().is_empty() && !line.starts_with("Usage:"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    escape_controls(&shorten_invalid_value(&line)).into_owned()
}

/// clap echoes a bad value whole (`invalid value 'VALUE' for '--flag'`); cut
/// it to a short prefix.
fn shorten_invalid_value(line: &str) -> String {
    const START: &str = "invalid value '";
    const END: &str = "' for '";
    let Some(start) = line.find(START).map(|index| index + START.len()) else {
        return line.to_owned();
    };
    let Some(end) = line.rfind(END).filter(|end| *end >= start) else {
        return line.to_owned();
    };
    format!(
        "{}{}{}",
        &line[..start],
        shown(&line[start..end]),
        &line[end..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn customers_must_be_whole_and_not_negative() {
        assert_eq!(parse_customers("120"), Ok(120));
        assert!(parse_customers("-5").is_err());
        assert!(parse_customers("2.5").is_err());
        assert!(parse_customers("many").is_err());
    }

    #[test]
    fn mrr_is_an_exact_decimal_not_below_zero() {
        assert_eq!(
            parse_mrr("18000.50"),
            Ok(Decimal::from_str("18000.50").unwrap())
        );
        assert_eq!(parse_mrr("0"), Ok(Decimal::ZERO));
        assert!(parse_mrr("-1").is_err());
        assert!(parse_mrr("lots").is_err());
        assert!(parse_mrr("1e27").is_err());
        assert_eq!(parse_mrr("10.005"), Ok(Decimal::from_str("10.01").unwrap()));
    }

    #[test]
    fn churn_is_at_most_all_customers() {
        assert!(parse_churn("100").is_ok());
        assert!(parse_churn("100.5").is_err());
        assert!(parse_growth("1000").is_ok());
    }

    #[test]
    fn rates_are_one_value_or_a_range_low_first() {
        let percent = |value: i64| Decimal::from(value);
        assert_eq!(parse_growth("25"), Ok(Range::exactly(percent(25))));
        assert_eq!(
            parse_growth("10..40"),
            Ok(Range {
                low: percent(10),
                high: percent(40)
            })
        );
        assert_eq!(
            parse_churn("5..1"),
            Err(Problem::Expected(Expected::RangeUpTo(100)))
        );
        assert!(parse_churn("1..101").is_err());
        assert!(parse_growth("..3").is_err());
        assert!(parse_growth("0...5").is_err());
    }

    #[test]
    fn clap_errors_fold_to_one_line() {
        let error = Cli::try_parse_from(["infraplan", "plan", "--customers", "x", "--mrr", "1"])
            .unwrap_err();
        let line = one_line(&error);
        assert!(!line.contains('\n'));
        assert!(line.contains("--customers"), "{line}");
        let long = format!("{}\n\u{1b}[2J", "9".repeat(500));
        let error = Cli::try_parse_from(["infraplan", "plan", "--customers", &long, "--mrr", "1"])
            .unwrap_err();
        let line = one_line(&error);
        assert!(line.len() < 200, "{line}");
        assert!(!line.contains('\u{1b}'), "{line}");
    }
}
