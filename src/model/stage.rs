//! Growth stages: who they are for, what they cost by the roadmap, and the
//! components each platform variant runs, sized by structured rules.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exact;

/// One `stages/*.json` file.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// The file format's version.
    pub schema_version: u32,
    /// 1, 2, 3: the roadmap's order.
    pub number: u32,
    /// The roadmap's name for the stage ("Solo founder").
    pub name: String,
    /// One sentence on what the stage is.
    pub summary: String,
    /// The customer counts the stage is for.
    pub customers: CustomerRange,
    /// The roadmap's monthly cost band for the stage.
    pub band: Band,
    /// The roadmap's budget guidance for the stage and the overall ceiling.
    pub budget: Budget,
    /// Default usage per customer per month, by metric, each with its reason.
    pub usage_per_customer: IndexMap<String, UsageDefault>,
    /// The stage's platform variants by name (`heroku`, `render`, `aws`).
    pub variants: IndexMap<String, Variant>,
    /// How to move here from the previous stage, by the variant moved from.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub migration_from: IndexMap<String, Vec<String>>,
    /// Where the file came from, for messages.
    #[serde(skip)]
    pub file: String,
}

/// An inclusive range of customer counts; no `max` means no upper end.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerRange {
    /// The smallest count in the range.
    pub min: u64,
    /// The largest count in the range, if any.
    #[serde(default)]
    pub max: Option<u64>,
}

impl CustomerRange {
    /// Whether `customers` falls in the range.
    pub fn contains(&self, customers: u64) -> bool {
        customers >= self.min && self.max.is_none_or(|max| customers <= max)
    }
}

/// The roadmap's "Cost: $low–high/month" for a stage.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Bottom of the band, US dollars per month.
    #[serde(deserialize_with = "exact::decimal")]
    pub low: Decimal,
    /// Top of the band, US dollars per month.
    #[serde(deserialize_with = "exact::decimal")]
    pub high: Decimal,
}

/// What the roadmap's budget guidance says for a stage.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The guidance's label in the roadmap ("Start", "Growing", "Scaled").
    pub label: String,
    /// The stage's guidance.
    pub guidance: Guidance,
    /// The overall target: infrastructure under this share of MRR, in percent.
    #[serde(deserialize_with = "exact::decimal")]
    pub ceiling_percent_of_mrr: Decimal,
}

/// A stage's budget guidance: a fixed monthly amount or a share of MRR.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Guidance {
    /// Under this many dollars a month.
    UnderMonthly(#[serde(deserialize_with = "exact::decimal")] Decimal),
    /// Under this share of MRR, in percent.
    UnderPercentOfMrr(#[serde(deserialize_with = "exact::decimal")] Decimal),
}

/// A default usage value and why it is what it is.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageDefault {
    /// Amount per customer per month.
    #[serde(deserialize_with = "exact::decimal")]
    pub value: Decimal,
    /// What the metric counts, in the unit it counts in.
    pub unit: String,
    /// One line on why this default.
    pub why: String,
}

/// The components one platform runs for a stage.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// What it is, for listings ("Heroku dynos and add-ons").
    pub title: String,
    /// The components, in the order reports list them.
    pub components: Vec<Component>,
    /// What the variant's infrastructure may cost that no line prices, each
    /// with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unpriced: Vec<Unpriced>,
    /// The roadmap's security checklist items this variant's Terraform
    /// delivers, by item, with the resources that do.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub security: IndexMap<String, Delivery>,
}

/// How a variant's Terraform delivers a checklist item.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// The resources that deliver it, as Terraform addresses
    /// (`aws_lb_listener.https`); a test checks each is generated.
    pub resources: Vec<String>,
    /// What they cover, and what is left to the platform or the team.
    pub scope: String,
    /// Whether they deliver the whole item; `false` when part of it is
    /// left to the platform or the app (the scope says which).
    #[serde(default = "whole", skip_serializing_if = "is_whole")]
    pub whole: bool,
}

fn whole() -> bool {
    true
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes a reference"
)]
fn is_whole(whole: &bool) -> bool {
    *whole
}

/// A cost the plan names but does not price.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unpriced {
    /// What costs money.
    pub what: String,
    /// Why it is not priced, and what it comes to.
    pub why: String,
}

/// A part of the stack (web app, database, CDN), priced in one or more lines.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Short id the templates use (`web`, `database`).
    pub id: String,
    /// Name shown in reports.
    pub name: String,
    /// Why the component is sized the way it is.
    pub why: String,
    /// The priced lines.
    pub lines: Vec<Line>,
}

/// One priced line: which SKU, and how much of it.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(try_from = "WrittenLine", into = "WrittenLine")]
pub struct Line {
    /// Tells apart lines of one component that price the same SKU
    /// (`primary`, `standby`).
    pub label: Option<String>,
    /// What is priced.
    pub sku: SkuChoice,
    /// How much of it.
    pub quantity: Quantity,
    /// For a line sized by count: SKU units each counted resource takes (a
    /// container task's vCPUs or GB of memory); one when left out.
    pub each: Option<Decimal>,
}

/// A line as a stage file writes it: one of `sku` and `sku_by_tier`, one of
/// `count`, `usage` and `per_instance`. Read through this flat form rather
/// than serde's `flatten`, which buffers every line before reading it and
/// does not support `deny_unknown_fields`.
#[derive(Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct WrittenLine {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sku_by_tier: Option<Tiers>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    usage: Option<UsageRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    per_instance: Option<PerInstance>,
    #[serde(
        default,
        deserialize_with = "exact::option",
        skip_serializing_if = "Option::is_none"
    )]
    each: Option<Decimal>,
}

impl TryFrom<WrittenLine> for Line {
    type Error = &'static str;

    fn try_from(written: WrittenLine) -> Result<Line, Self::Error> {
        let sku = match (written.sku, written.sku_by_tier) {
            (Some(id), None) => SkuChoice::Sku(id),
            (None, Some(tiers)) => SkuChoice::SkuByTier(tiers),
            _ => return Err("a line names its SKU with exactly one of `sku` and `sku_by_tier`"),
        };
        let quantity = match (written.count, written.usage, written.per_instance) {
            (Some(count), None, None) => Quantity::Count(count),
            (None, Some(usage), None) => Quantity::Usage(usage),
            (None, None, Some(per)) => Quantity::PerInstance(per),
            _ => {
                return Err(
                    "a line is sized by exactly one of `count`, `usage` and `per_instance`",
                );
            }
        };
        Ok(Line {
            label: written.label,
            sku,
            quantity,
            each: written.each,
        })
    }
}

impl From<Line> for WrittenLine {
    fn from(line: Line) -> WrittenLine {
        let (sku, sku_by_tier) = match line.sku {
            SkuChoice::Sku(id) => (Some(id), None),
            SkuChoice::SkuByTier(tiers) => (None, Some(tiers)),
        };
        let (mut count, mut usage, mut per_instance) = (None, None, None);
        match line.quantity {
            Quantity::Count(rule) => count = Some(rule),
            Quantity::Usage(rule) => usage = Some(rule),
            Quantity::PerInstance(rule) => per_instance = Some(rule),
        }
        WrittenLine {
            label: line.label,
            sku,
            sku_by_tier,
            count,
            usage,
            per_instance,
            each: line.each,
        }
    }
}

/// A fixed SKU, or one chosen by the size of a metric.
#[derive(Debug, Clone)]
pub enum SkuChoice {
    /// Always this SKU.
    Sku(String),
    /// The first tier whose `up_to` holds the metric's total.
    SkuByTier(Tiers),
}

/// Tiers of SKUs by a metric's total (customers × usage per customer).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    /// The metric (`customers`, or a usage metric).
    pub metric: String,
    /// Ascending tiers. The last may leave `up_to` out (no limit); if it has
    /// one, a larger total still gets the last tier, with a warning.
    pub tiers: Vec<Tier>,
}

/// One tier.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The largest total this tier serves; none means no limit.
    #[serde(default, deserialize_with = "exact::option")]
    pub up_to: Option<Decimal>,
    /// The SKU.
    pub sku: String,
}

/// How a line's quantity follows from the scenario.
#[derive(Debug, Clone)]
pub enum Quantity {
    /// A number of running resources (billed per hour or per month).
    Count(Count),
    /// An amount of usage, from the usage profile.
    Usage(UsageRule),
    /// An amount per running instance of another component (disk per server).
    PerInstance(PerInstance),
}

/// A number of running resources.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Count {
    /// Always this many.
    Fixed(u32),
    /// One per `per_customers` customers, rounded up, between `min` and `max`.
    Scale(Scale),
}

/// Instances that grow with customers.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Customers one instance serves.
    pub per_customers: u64,
    /// Fewest instances.
    pub min: u32,
    /// Most instances.
    pub max: u32,
}

/// Usage: customers × usage per customer × `multiplier`, at least `minimum`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageRule {
    /// The usage metric.
    pub metric: String,
    /// More metrics in the same unit, added to `metric` (responses and
    /// downloads leaving AWS both bill as data transfer out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Converts the metric into the SKU's things (GB-seconds per message).
    #[serde(default = "one", deserialize_with = "exact::decimal")]
    pub multiplier: Decimal,
    /// The smallest amount, in SKU units (a provisioned minimum).
    #[serde(default, deserialize_with = "exact::decimal")]
    pub minimum: Decimal,
    /// Provisioned in steps of this many units (disk sizes), rounded up.
    #[serde(default, deserialize_with = "exact::option")]
    pub round_up_to: Option<Decimal>,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// So much per running instance of another component.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerInstance {
    /// The component whose instances are counted.
    pub component: String,
    /// SKU units per instance.
    #[serde(deserialize_with = "exact::decimal")]
    pub amount: Decimal,
}

/// The metric every stage knows without a usage profile entry.
pub const CUSTOMERS_METRIC: &str = "customers";

/// All stages, ordered by number, validated against each other and the catalog.
#[derive(Debug, Clone)]
pub struct Stages {
    stages: Vec<Stage>,
}

impl Stages {
    /// Stages already sorted by number and validated; see
    /// `catalog::stages::load`.
    pub(crate) fn from_sorted(stages: Vec<Stage>) -> Stages {
        Stages { stages }
    }

    /// Every stage, in order.
    pub fn all(&self) -> &[Stage] {
        &self.stages
    }

    /// The stage with this number.
    pub fn get(&self, number: u32) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.number == number)
    }

    /// The stage after `number`, if any.
    pub fn after(&self, number: u32) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.number > number)
    }

    /// The stage before `number`, if any.
    pub fn before(&self, number: u32) -> Option<&Stage> {
        self.stages.iter().rev().find(|stage| stage.number < number)
    }

    /// Every usage metric some stage defines, with the first default found.
    pub fn metrics(&self) -> IndexMap<&str, &UsageDefault> {
        let mut metrics = IndexMap::new();
        for stage in &self.stages {
            for (name, default) in &stage.usage_per_customer {
                metrics.entry(name.as_str()).or_insert(default);
            }
        }
        metrics
    }
}
