//! What is wrong with a value, a file's key or a template: one variant per
//! failure, each worded once. [`super::Error`] says where (the flag, or the
//! file and key); a [`Problem`] says what, and what to do.

use std::fmt;

use rust_decimal::Decimal;

use crate::model::limits::{Limited, MAX_MONTHLY_COST, MAX_MONTHS, OutOfRange};
use crate::model::money::{Money, format_quantity};
use crate::model::select::SelectError;
use crate::model::usage::UsageError;
use crate::printable::shown;

/// What a flag's value, a file's key or a template gets wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    // Reading a file.
    /// Not JSON of the expected shape; the parser's own words.
    Malformed(String),
    /// A key given twice in one object.
    KeyTwice(String),
    /// A data file's `schema_version` this build does not read.
    SchemaVersion {
        /// The version in the file.
        found: u32,
        /// The one version this build reads.
        reads: u32,
    },
    /// A list that must not be empty (`months`, `scenarios`).
    Empty(&'static str),
    /// A count that must be 1 or more.
    AtLeastOne,
    /// `--out` names a file the command reads.
    OutIsAnInput(String),
    /// More months than `roadmap` plans.
    TooManyMonths(usize),

    // Values, from a flag or a file.
    /// A number out of its range.
    OutOfRange(OutOfRange),
    /// A value that cannot be read as what is asked for.
    Expected(Expected),
    /// A `--paas` or `paas` no stage has a variant for.
    UnknownPlatform {
        /// What was given.
        given: String,
        /// The platforms the stages offer.
        known: Vec<String>,
    },
    /// A stage number the data does not have.
    UnknownStage {
        /// What was asked for.
        asked: u32,
        /// The stage numbers there are.
        known: Vec<u32>,
    },
    /// A stage without a variant for the platform asked for.
    NoVariant {
        /// The stage.
        stage: u32,
        /// The platform asked for.
        asked: String,
        /// The variants the stage has.
        known: Vec<String>,
    },
    /// A usage metric no stage defines.
    UnknownMetric {
        /// The metrics the stages define.
        known: Vec<String>,
    },
    /// A flag `roadmap` needs when no `--from-file` gives the months.
    NeededWithoutMonthsFile,
    /// A range given without `--paths` to simulate it.
    RangeWithoutPaths,
    /// Growth that takes a month past what infraplan plans for.
    GrowthPastLimit {
        /// The first month past it.
        month: u32,
        /// Which number goes past its limit.
        what: Limited,
        /// The flag to lower.
        flag: &'static str,
    },
    /// `compare` with nothing to compare.
    NoScenarios,
    /// Two scenarios with one name.
    NameTwice,
    /// An inline scenario part without `=`.
    NotKeyValue(String),
    /// An inline scenario key given twice.
    ScenarioKeyTwice(String),
    /// An inline scenario without `name=`.
    NoName,
    /// A required key left out.
    Missing,
    /// An inline scenario key infraplan does not know.
    UnknownScenarioKey,
    /// A problem in one field of a named scenario given on the command line.
    InScenario {
        /// The scenario's name.
        name: String,
        /// The field.
        field: String,
        /// What is wrong with it.
        problem: Box<Problem>,
    },
    /// `generate --resolve FILE` for a file with no conflict waiting.
    NoConflict {
        /// The file given.
        file: String,
        /// The output folder.
        folder: String,
    },
    /// An app name Heroku or AWS would refuse.
    AppName {
        /// The name given.
        name: String,
        /// The longest name allowed.
        most: usize,
    },
    /// Not a DNS name.
    Domain(String),
    /// A region the catalog has no prices for.
    UnpricedRegion {
        /// The region given.
        region: String,
        /// The regions the catalog prices.
        priced: Vec<String>,
    },
    /// A line whose cost is past what infraplan computes exactly.
    CostPastLimit {
        /// The SKU priced.
        sku: String,
        /// The customers it was priced for.
        customers: u64,
    },

    // Stage files.
    /// The cost band is out of order or range.
    Band,
    /// The budget guidance is out of range.
    Guidance,
    /// The budget ceiling is not a share of MRR.
    Ceiling,
    /// A customer range whose top is below its bottom.
    MaxBelowMin(u64),
    /// A stage with no variant.
    NoVariants,
    /// A variant name or component id with characters Terraform or a folder
    /// name would not take.
    NotPlain(Named),
    /// A component id used twice in a variant.
    IdTwice(String),
    /// A SKU with a free allowance priced on two lines of a variant.
    AllowanceTwice(String),
    /// A metric not in the stage's `usage_per_customer`.
    NotAUsageMetric(String),
    /// A tier before the last without `up_to`.
    OpenTierBeforeLast,
    /// Tiers out of order.
    TiersDescend,
    /// A tier list with no tier.
    NoTiers,
    /// A SKU id the catalog does not have.
    UnknownSku(String),
    /// A SKU priced by usage on a line sized by count.
    CountedByUsage {
        /// The SKU.
        sku: String,
        /// Its unit.
        unit: String,
    },
    /// `each` on a line not sized by count.
    EachWithoutCount,
    /// `each` out of its range.
    EachOutOfRange,
    /// A scale rule that cannot hold.
    Scale,
    /// A negative multiplier or minimum.
    NegativeUsageRule,
    /// A `round_up_to` of 0 or less.
    RoundUpTo,
    /// `per_instance` of a component not counted before the line.
    NotCountedBefore(String),
    /// Stage numbers with a gap or a repeat.
    StageNumber {
        /// The number in the file.
        found: u32,
        /// The number it should be.
        expected: u32,
    },
    /// A customer range that does not start where the previous one ends.
    RangeGap {
        /// Where this range starts.
        min: u64,
        /// Where the previous one ends, plus one.
        expected: u64,
    },
    /// An open-ended range before the last stage.
    OpenBeforeLast,
    /// A last stage with an upper bound.
    LastClosed,
    /// No stage files at all.
    NoStages,

    // Price files.
    /// A SKU id defined twice.
    SkuTwice(String),
    /// A SKU id without its file's provider prefix.
    ProviderPrefix {
        /// The SKU id.
        sku: String,
        /// The file's provider.
        provider: String,
    },
    /// A negative price.
    NegativePrice(Decimal),
    /// Not a region code.
    RegionCode,
    /// A source that is not an https:// page.
    SourceUrl,
    /// A `via` that is not an https:// page.
    ViaUrl,
    /// Not a `YYYY-MM-DD` date.
    NotADate(String),
    /// A security claim for an item the roadmap's checklist does not have,
    /// or that is not infrastructure work.
    NotAnInfrastructureItem(String),
    /// A resource that is not written `type.name`.
    NotAResourceAddress(String),
    /// An excerpt that does not state the price it backs.
    PriceNotQuoted(Decimal),
    /// A 1-year price that is not cheaper, or has no date.
    Commitment,
    /// An excerpt that does not state the free allowance.
    AllowanceNotQuoted(Decimal),

    // infraplan's records in an output folder.
    /// The records are unusable; `--force` rebuilds them.
    BrokenRecords(Box<Problem>),
    /// A file that cannot be read.
    Unreadable(String),
    /// The manifest's `schema_version` this build does not read.
    RecordsVersion {
        /// The version in the manifest.
        found: u32,
        /// The newest this build reads.
        newest: u32,
    },
    /// A recorded path outside the folder.
    PathOutside,
    /// A base copy that cannot be read.
    BaseUnreadable {
        /// The base copy.
        path: String,
        /// Why.
        reason: String,
    },
    /// A base copy whose hash is not the recorded one.
    HashMismatch(String),

    // Templates.
    /// A template handlebars cannot parse.
    NotATemplate(String),
    /// A template that fails to render.
    CannotRender(String),
    /// A template that renders only whitespace.
    RendersToNothing,
    /// A variant without templates.
    NoTemplates(String),
    /// `components.NAME` for a component no stage's variant has.
    UnknownComponent {
        /// The name the template uses.
        name: String,
        /// The components it may name.
        known: Vec<String>,
    },
    /// A test stopping a run on purpose (a kill, or a render it forbids).
    StoppedByTest,
}

/// What a plain name names, for [`Problem::NotPlain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// A variant name.
    Variant,
    /// A component id.
    Component,
}

/// What a value should have been, for [`Problem::Expected`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A whole number of customers.
    Customers,
    /// An amount of US dollars.
    Dollars,
    /// An MRR within range (inline scenarios).
    MrrInRange,
    /// A percentage from 0 to this.
    PercentUpTo(u32),
    /// A range of percentages `LOW..HIGH`, each from 0 to this.
    RangeUpTo(u32),
    /// A stage number.
    Stage,
    /// `none` or `1yr`.
    Commitment,
}

impl From<OutOfRange> for Problem {
    fn from(range: OutOfRange) -> Problem {
        Problem::OutOfRange(range)
    }
}

impl From<SelectError> for Problem {
    fn from(error: SelectError) -> Problem {
        match error {
            SelectError::UnknownStage { asked, known } => Problem::UnknownStage { asked, known },
            SelectError::UnknownVariant {
                stage,
                asked,
                known,
            } => Problem::NoVariant {
                stage,
                asked,
                known,
            },
        }
    }
}

impl UsageError {
    /// The metric and what is wrong with its value.
    pub fn into_problem(self) -> (String, Problem) {
        match self {
            UsageError::UnknownMetric { metric, known } => {
                (metric, Problem::UnknownMetric { known })
            }
            UsageError::OutOfRange { metric, range } => (metric, Problem::OutOfRange(range)),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Malformed(words) => f.write_str(words),
            Problem::KeyTwice(key) => write!(f, "the key \"{}\" is given twice; keep one", shown(key)),
            Problem::SchemaVersion { found, reads } => write!(
                f,
                "is {found}, but this infraplan reads version {reads}; update the file or infraplan"
            ),
            Problem::AtLeastOne => f.write_str("is 0; it is 1 or more"),
            Problem::OutIsAnInput(path) => write!(
                f,
                "names {}, which this command reads; write the report to another file",
                shown(path)
            ),
            Problem::Empty(what) => write!(f, "lists no {what}"),
            Problem::TooManyMonths(count) => {
                write!(f, "lists {count} months; infraplan plans at most {MAX_MONTHS}")
            }
            Problem::OutOfRange(range) => out_of_range(f, range),
            Problem::Expected(expected) => f.write_str(match expected {
                Expected::Customers => "must be a whole number of customers, 0 or more",
                Expected::Dollars => {
                    "must be a number of US dollars, 0 or more, such as 18000 or 18000.50"
                }
                Expected::MrrInRange => {
                    "must be a number of US dollars from 0 to 1,000,000,000,000"
                }
                Expected::PercentUpTo(most) => {
                    return write!(f, "must be a percentage from 0 to {most}, such as 25 or 2.5");
                }
                Expected::RangeUpTo(most) => {
                    return write!(
                        f,
                        "must be a range LOW..HIGH of percentages from 0 to {most}, low first, such as 10..40"
                    );
                }
                Expected::Stage => "must be a stage number such as 1, 2 or 3",
                Expected::Commitment => "must be none or 1yr",
            }),
            Problem::UnknownPlatform { given, known } => write!(
                f,
                "unknown platform \"{}\"; use one of: {}",
                shown(given),
                known.join(", ")
            ),
            Problem::UnknownStage { asked, known } => {
                let known: Vec<String> = known.iter().map(u32::to_string).collect();
                write!(f, "there is no stage {asked}; use one of: {}", known.join(", "))
            }
            Problem::NoVariant {
                stage,
                asked,
                known,
            } => write!(
                f,
                "stage {stage} has no \"{}\" variant; use one of: {}",
                shown(asked),
                known.join(", ")
            ),
            Problem::UnknownMetric { known } => {
                write!(f, "unknown metric; use one of: {}", known.join(", "))
            }
            Problem::NeededWithoutMonthsFile => {
                f.write_str("is required unless --from-file gives the months")
            }
            Problem::RangeWithoutPaths => f.write_str(
                "is a range; give --paths N to simulate that many growth paths, or one value",
            ),
            Problem::GrowthPastLimit { month, what, flag } => {
                let past = match what {
                    Limited::Customers => {
                        format!("more than {} customers", format_quantity(what.most()))
                    }
                    Limited::Mrr | Limited::UsagePerCustomer | Limited::MonthlyCost => {
                        format!("an MRR over {}", Money::round(what.most()))
                    }
                };
                write!(
                    f,
                    "month {month} would have {past}, past what infraplan plans for; lower {flag} or --months"
                )
            }
            Problem::NoScenarios => f.write_str(
                "give a SCENARIOS.json file or at least one --scenario name=…,customers=…,mrr=…",
            ),
            Problem::NameTwice => f.write_str("is used by two scenarios; names must differ"),
            Problem::NotKeyValue(pair) => write!(f, "\"{}\" is not key=value", shown(pair)),
            Problem::ScenarioKeyTwice(key) => write!(f, "{} is given twice", shown(key)),
            Problem::NoName => f.write_str("name is missing; give name=…"),
            Problem::Missing => f.write_str("is missing"),
            Problem::UnknownScenarioKey => {
                f.write_str("unknown key; use name, customers, mrr, paas, stage or commitment")
            }
            Problem::InScenario {
                name,
                field,
                problem,
            } => write!(f, "\"{}\": {field}: {problem}", shown(name)),
            Problem::NoConflict { file, folder } => write!(
                f,
                "{} has no conflict waiting in {}; `infraplan generate --check` lists the ones that do",
                shown(file),
                shown(folder)
            ),
            Problem::AppName { name, most } => write!(
                f,
                "\"{}\" is not a name Heroku and AWS both accept; use 3–{most} lowercase letters, digits and single hyphens, starting with a letter",
                shown(name)
            ),
            Problem::Domain(domain) => write!(
                f,
                "\"{}\" is not a domain name; give one like app.example.com, in lowercase",
                shown(domain)
            ),
            Problem::UnpricedRegion { region, priced } => write!(
                f,
                "no prices for \"{}\"; the catalog prices {}; add a price file for it with --prices",
                shown(region),
                priced.join(", ")
            ),
            Problem::CostPastLimit { sku, customers } => write!(
                f,
                "pricing {sku} for {customers} customers comes to more than {} a month, past what infraplan computes exactly; check the line's sizing and the SKU's price",
                Money::round(MAX_MONTHLY_COST)
            ),
            Problem::Band => f.write_str(
                "low must be 0 or more, no higher than high, and high at most 1,000,000,000,000,000",
            ),
            Problem::Guidance => f.write_str(
                "must be a share of MRR from 0 to 100, or a monthly amount from 0 to 1,000,000,000,000,000",
            ),
            Problem::Ceiling => f.write_str("must be a share of MRR from 0 to 100"),
            Problem::MaxBelowMin(max) => write!(f, "{max} is below min"),
            Problem::NoVariants => f.write_str("a stage needs at least one variant"),
            Problem::NotPlain(named) => write!(
                f,
                "a {} is lowercase letters, digits, - and _, starting with a letter",
                match named {
                    Named::Variant => "variant name",
                    Named::Component => "component id",
                }
            ),
            Problem::IdTwice(id) => write!(f, "\"{}\" is used twice", shown(id)),
            Problem::AllowanceTwice(sku) => write!(
                f,
                "\"{sku}\" has a free monthly allowance and is already priced in this variant; price it in one line"
            ),
            Problem::NotAUsageMetric(metric) => {
                write!(f, "\"{}\" is not in usage_per_customer", shown(metric))
            }
            Problem::OpenTierBeforeLast => f.write_str("only the last tier may leave up_to out"),
            Problem::TiersDescend => f.write_str("tiers must ascend"),
            Problem::NoTiers => f.write_str("needs at least one tier"),
            Problem::UnknownSku(sku) => write!(
                f,
                "unknown SKU \"{}\"; use an id from `infraplan prices`",
                shown(sku)
            ),
            Problem::CountedByUsage { sku, unit } => write!(
                f,
                "\"{sku}\" is priced per {unit}, so size it by usage, not by count"
            ),
            Problem::EachWithoutCount => f.write_str("only a line sized by count takes each"),
            Problem::EachOutOfRange => f.write_str("must be more than 0 and at most 1,000,000"),
            Problem::Scale => {
                f.write_str("per_customers must be over 0 and min no more than max")
            }
            Problem::NegativeUsageRule => f.write_str("multiplier and minimum must be 0 or more"),
            Problem::RoundUpTo => f.write_str("must be more than 0"),
            Problem::NotCountedBefore(component) => write!(
                f,
                "\"{}\" must be a component with a line sized by count before this one",
                shown(component)
            ),
            Problem::StageNumber { found, expected } => write!(
                f,
                "is {found}, but stages must be numbered 1, 2, 3… without gaps or repeats (expected {expected})"
            ),
            Problem::RangeGap { min, expected } => write!(
                f,
                "is {min}, but the previous stage ends at {}; ranges must touch",
                expected.saturating_sub(1)
            ),
            Problem::OpenBeforeLast => f.write_str("only the last stage may be open-ended"),
            Problem::LastClosed => f.write_str(
                "the last stage must be open-ended (no max), so every count has a stage",
            ),
            Problem::NoStages => f.write_str("no stage files found"),
            Problem::SkuTwice(sku) => write!(
                f,
                "\"{}\" is defined twice; SKU ids must be unique",
                shown(sku)
            ),
            Problem::ProviderPrefix { sku, provider } => write!(
                f,
                "\"{}\" must start with the file's provider, \"{provider}.\"",
                shown(sku)
            ),
            Problem::NegativePrice(price) => {
                write!(f, "{price} is negative; prices are 0 or more")
            }
            Problem::RegionCode => f.write_str(
                "must be a region code such as us-east-1 (lowercase letters, digits and hyphens)",
            ),
            Problem::SourceUrl => {
                f.write_str("must be the https:// address of the provider's public price page")
            }
            Problem::ViaUrl => {
                f.write_str("must be the https:// address of the copy the price was read from")
            }
            Problem::NotAnInfrastructureItem(item) => write!(
                f,
                "\"{}\" is not an infrastructure item of the roadmap's security checklist; use an item `infraplan checklist` lists as infrastructure",
                shown(item)
            ),
            Problem::NotAResourceAddress(address) => write!(
                f,
                "\"{}\" is not a Terraform resource address; write it type.name, as aws_lb_listener.https",
                shown(address)
            ),
            Problem::NotADate(text) => {
                write!(f, "\"{}\" is not a date written YYYY-MM-DD", shown(text))
            }
            Problem::PriceNotQuoted(price) => write!(
                f,
                "does not state the price {price}; quote the words on the page that give it"
            ),
            Problem::Commitment => f.write_str(
                "must cost less than on-demand and carry an as_of date written YYYY-MM-DD",
            ),
            Problem::AllowanceNotQuoted(amount) => write!(
                f,
                "does not state the allowance {amount}; quote the page"
            ),
            Problem::BrokenRecords(problem) => write!(
                f,
                "{problem}; run the same command with --force to rebuild infraplan's records from the files on disk (every file is kept as yours)"
            ),
            Problem::Unreadable(reason) => write!(f, "cannot read it: {reason}"),
            Problem::RecordsVersion { found, newest } => write!(
                f,
                "is {found}, but this infraplan reads versions 1 to {newest}; update infraplan, or"
            ),
            Problem::PathOutside => f.write_str("is not a path inside the folder"),
            Problem::BaseUnreadable { path, reason } => {
                write!(f, "its base copy {path} cannot be read ({reason})")
            }
            Problem::HashMismatch(path) => write!(f, "does not match {path}"),
            Problem::NotATemplate(words) => write!(f, "not a valid template: {words}"),
            Problem::CannotRender(words) => write!(f, "cannot render: {words}"),
            Problem::RendersToNothing => f.write_str(
                "renders to nothing; a file is left out by the plan (FILES_FOR_COMPONENTS), never by a template",
            ),
            Problem::NoTemplates(variant) => write!(
                f,
                "no templates for the \"{variant}\" variant; add templates/{variant}/*.hbs"
            ),
            Problem::UnknownComponent { known, .. } => write!(
                f,
                "names no component of this variant in any stage; known: {}",
                known.join(", ")
            ),
            Problem::StoppedByTest => f.write_str("a test stopped the run here"),
        }
    }
}

/// clap takes a value parser's error as a standard error.
impl std::error::Error for Problem {}

/// "18000.5 is negative; …" or "… is more than 1,000,000,000, the most …".
fn out_of_range(f: &mut fmt::Formatter<'_>, range: &OutOfRange) -> fmt::Result {
    let value = range.value;
    let most = format_quantity(range.what.most());
    match (range.what, value.is_sign_negative()) {
        (Limited::Mrr, true) => write!(f, "{value} is negative; MRR is 0 or more US dollars"),
        (Limited::Mrr, false) => write!(
            f,
            "{value} is more than {most}, the largest MRR infraplan plans for"
        ),
        (Limited::Customers, _) => write!(
            f,
            "{value} is more than {most}, the most customers infraplan plans for"
        ),
        (Limited::UsagePerCustomer, true) => {
            write!(f, "{value} is negative; usage is 0 or more")
        }
        (Limited::UsagePerCustomer, false) => write!(
            f,
            "{value} is more than {most} a customer a month, the most infraplan plans for"
        ),
        (Limited::MonthlyCost, true) => {
            write!(
                f,
                "{value} is negative; a monthly cost is 0 or more US dollars"
            )
        }
        (Limited::MonthlyCost, false) => write!(
            f,
            "{value} is more than {most}, the largest monthly cost infraplan computes"
        ),
    }
}
