//! Prices a stage variant for a customer count and usage, line by line.
//!
//! Pure: no I/O. Every quantity is exact; each line's monthly cost is rounded to
//! the cent once, by [`Money::round`], and the total is the sum of the lines.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::limits;
use crate::model::money::{HOURS_PER_MONTH, Money};
use crate::model::prices::{Catalog, CommittedPrice, Sku};
use crate::model::stage::{
    CUSTOMERS_METRIC, Component, Count, Quantity, SkuChoice, Stage, UsageRule, Variant,
};
use crate::model::usage::UsageOverrides;

/// How capacity is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    /// On-demand list prices.
    #[default]
    None,
    /// 1-year commitments (reserved instances, no upfront) where the catalog
    /// has a published price for them; on-demand elsewhere.
    #[serde(rename = "1yr")]
    OneYear,
}

impl Commitment {
    /// The name flags and files use.
    pub fn name(self) -> &'static str {
        match self {
            Commitment::None => "none",
            Commitment::OneYear => "1yr",
        }
    }

    /// The commitment a flag or file names, if it names one.
    pub fn named(name: &str) -> Option<Commitment> {
        [Commitment::None, Commitment::OneYear]
            .into_iter()
            .find(|commitment| commitment.name() == name)
    }
}

/// One priced line of an estimate.
#[derive(Debug, Clone)]
pub struct PricedLine<'a> {
    /// The component the line belongs to.
    pub component: &'a Component,
    /// The SKU priced.
    pub sku: &'a Sku,
    /// The stage line's label, telling apart lines with the same SKU.
    pub label: Option<&'a str>,
    /// Running resources, for lines sized by count.
    pub instances: Option<u32>,
    /// What is provisioned or used, in SKU units, before any free allowance.
    pub provisioned: Decimal,
    /// What is billed, in SKU units.
    pub quantity: Decimal,
    /// The price applied per unit: on-demand, or the 1-year commitment price.
    pub unit_price: Decimal,
    /// Whether `unit_price` is a 1-year commitment price.
    pub committed: bool,
    /// `quantity × unit price`, rounded to the cent.
    pub monthly: Money,
    /// Whether the quantity follows from the usage profile.
    pub usage_based: bool,
    /// How the quantity was worked out; the report words it.
    pub basis: Basis<'a>,
}

/// How a line's quantity was worked out, as the numbers that did it.
#[derive(Debug, Clone, PartialEq)]
pub struct Basis<'a> {
    /// The tier a sized SKU was picked from, when the line has tiers.
    pub tier: Option<TierPick<'a>>,
    /// How the units were counted.
    pub sizing: Sizing<'a>,
    /// The SKU's free monthly allowance taken off, in its own units.
    pub free: Option<Decimal>,
    /// The 1-year commitment's terms, when its price applies.
    pub commitment_terms: Option<&'a str>,
}

/// The tier picked for a metric's total.
#[derive(Debug, Clone, PartialEq)]
pub struct TierPick<'a> {
    /// The metric's total for the scenario.
    pub total: Decimal,
    /// The metric's unit ("customers", "GB of Postgres data").
    pub unit: &'a str,
    /// The picked tier's limit: `None` for the largest, open-ended tier.
    pub up_to: Option<Decimal>,
}

/// How a line's units were counted.
#[derive(Debug, Clone, PartialEq)]
pub enum Sizing<'a> {
    /// Running instances: a fixed count, or one per so many customers.
    Count {
        /// The instances counted.
        instances: u32,
        /// The scale rule, when the count follows customers.
        scale: Option<ScaleUsed>,
        /// Units each instance takes (vCPUs, GB), and the unit's name.
        each: Option<(Decimal, &'a str)>,
        /// Whether the SKU bills by the hour, so a month's hours multiply.
        hourly: bool,
    },
    /// Customers × usage per customer.
    Usage {
        /// Customers.
        customers: u64,
        /// Usage per customer of each summed metric.
        parts: Vec<Decimal>,
        /// The first metric's unit.
        unit: &'a str,
        /// The rule's multiplier.
        multiplier: Decimal,
        /// The minimum, when it applied.
        minimum: Option<Decimal>,
        /// The step rounded up to, when the rule rounds.
        round_up_to: Option<Decimal>,
    },
    /// So much per running instance of another component.
    PerInstance {
        /// The other component's running instances.
        counted: u32,
        /// The other component's id.
        component: &'a str,
        /// Units per instance.
        amount: Decimal,
    },
}

/// The scale rule a count followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleUsed {
    /// Customers.
    pub customers: u64,
    /// One instance per this many customers.
    pub per_customers: u64,
    /// At least.
    pub min: u32,
    /// At most.
    pub max: u32,
}

/// A size the stage cannot serve.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning<'a> {
    /// More instances are needed than the stage's scale rule allows.
    BeyondScale {
        /// The component's name.
        component: &'a str,
        /// The SKU.
        sku: &'a str,
        /// The scale rule.
        scale: ScaleUsed,
        /// The instances the customers would need.
        needed: u64,
    },
    /// A metric's total is past the largest tier.
    BeyondTiers {
        /// The metric's total.
        total: Decimal,
        /// Its unit.
        unit: &'a str,
        /// The largest tier's SKU.
        sku: &'a str,
        /// The largest tier's limit.
        up_to: Decimal,
    },
}

/// Every line of a stage variant, and their total.
#[derive(Debug, Clone)]
pub struct Estimate<'a> {
    /// Lines in component order.
    pub lines: Vec<PricedLine<'a>>,
    /// The sum of the lines.
    pub total: Money,
    /// Sizes the stage cannot serve (a total beyond its largest tier).
    pub warnings: Vec<Warning<'a>>,
}

/// The usage per customer a line sees: the user's override, else the stage default.
#[derive(Debug, Clone, Copy)]
pub struct UsageProfile<'a, 'o> {
    stage: &'a Stage,
    overrides: &'o UsageOverrides,
}

impl<'a, 'o> UsageProfile<'a, 'o> {
    /// The profile of `stage` with `overrides` applied.
    pub fn new(stage: &'a Stage, overrides: &'o UsageOverrides) -> Self {
        UsageProfile { stage, overrides }
    }

    /// Usage per customer per month for a metric the stage defines.
    pub fn per_customer(&self, metric: &str) -> Decimal {
        self.overrides.get(metric).unwrap_or_else(|| {
            self.stage
                .usage_per_customer
                .get(metric)
                .map_or(Decimal::ZERO, |usage| usage.value)
        })
    }

    fn unit_of(&self, metric: &'a str) -> &'a str {
        self.stage
            .usage_per_customer
            .get(metric)
            .map_or(metric, |usage| usage.unit.as_str())
    }
}

/// A line whose cost is past [`limits::MAX_MONTHLY_COST`] (or whose
/// arithmetic would overflow): an error in the stage or price data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow {
    /// The component's index in the variant.
    pub component: usize,
    /// The line's index in the component.
    pub line: usize,
}

/// `Some(value)` while it is within the monthly cost limit.
fn bounded(value: Option<Decimal>) -> Option<Decimal> {
    // A mantissa no larger than the limit is a value no larger than it,
    // whatever the scale: most values are, and need no comparison.
    const LIMIT: u128 = limits::MAX_MONTHLY_COST.mantissa().unsigned_abs();
    value.filter(|value| {
        value.mantissa().unsigned_abs() <= LIMIT || value.abs() <= limits::MAX_MONTHLY_COST
    })
}

/// A stage variant compiled for one usage profile and commitment: each line's
/// SKU, unit price, free allowance and usage per customer resolved once, so
/// pricing a customer count is arithmetic only. Reports ask for
/// [`CompiledVariant::estimate`] (every line and how it was worked out);
/// roadmaps, comparisons and simulations ask for [`CompiledVariant::total`],
/// which allocates nothing.
#[derive(Debug, Clone)]
pub struct CompiledVariant<'a> {
    lines: Vec<CompiledLine<'a>>,
}

#[derive(Debug, Clone)]
struct CompiledLine<'a> {
    /// Where the line is in the stage file, for errors.
    position: Overflow,
    component: &'a Component,
    label: Option<&'a str>,
    pick: SkuPick<'a>,
    units: UnitRule<'a>,
    /// The monthly cost by instance count, for lines that follow only one.
    by_instances: Option<InstanceTable<'a>>,
    /// A usage line's constants as whole numbers, where they fit.
    scaled: Option<ScaledUsage>,
}

/// A usage line of one SKU with every constant as a whole number at one
/// decimal scale: pricing a count is then integer arithmetic, exactly what
/// the decimal steps of [`CompiledLine::evaluate`] give (the costing sweep
/// checks the two agree on every scenario it prices).
#[derive(Debug, Clone, Copy)]
struct ScaledUsage {
    /// Units are counted in 10^-`scale`.
    scale: u32,
    per_customer: i128,
    minimum: i128,
    step: Option<i128>,
    free: i128,
    /// The unit price in 10^-`price_scale` dollars.
    price: i128,
    price_scale: u32,
}

/// The largest scale a [`ScaledUsage`] keeps: with the cost limit, every
/// product stays far inside an `i128`.
const MAX_SCALED: u32 = 16;

impl ScaledUsage {
    /// The whole-number form of a usage line that bills one SKU, if its
    /// constants fit.
    fn of(units: &UnitRule<'_>, pick: &SkuPick<'_>) -> Option<ScaledUsage> {
        let (
            UnitRule::Usage {
                rule,
                units_per_customer: Some(per_customer),
                ..
            },
            SkuPick::One(priced),
        ) = (units, pick)
        else {
            return None;
        };
        let free = match priced.free_units {
            Some(free) => free.unwrap_or(Decimal::ZERO),
            None => return None,
        };
        let constants = [
            Some(*per_customer),
            Some(rule.minimum),
            rule.round_up_to,
            Some(free),
        ];
        let scale = constants.iter().flatten().map(Decimal::scale).max()?;
        let price_scale = priced.unit_price.scale();
        if scale + price_scale > MAX_SCALED {
            return None;
        }
        let at_scale = |value: Decimal| -> Option<i128> {
            let mut scaled = value;
            scaled.rescale(scale);
            (scaled == value && scaled.scale() == scale).then(|| scaled.mantissa())
        };
        Some(ScaledUsage {
            scale,
            per_customer: at_scale(*per_customer)?,
            minimum: at_scale(rule.minimum)?,
            step: match rule.round_up_to {
                Some(step) => Some(at_scale(step)?),
                None => None,
            },
            free: at_scale(free)?,
            price: priced.unit_price.mantissa(),
            price_scale,
        })
    }

    /// The line's monthly cost for `customers`; `None` past the cost limit,
    /// as [`CompiledLine::evaluate`] says.
    fn monthly(&self, customers: u64) -> Option<Money> {
        let ten = |power: u32| 10_i128.pow(power);
        let limit = limits::MAX_MONTHLY_COST.mantissa();
        let mut units = i128::from(customers).checked_mul(self.per_customer)?;
        if units > limit * ten(self.scale) {
            return None;
        }
        units = units.max(self.minimum);
        if let Some(step) = self.step {
            units = units.checked_add(step - 1)? / step * step;
            if units > limit * ten(self.scale) {
                return None;
            }
        }
        let quantity = (units - self.free).max(0);
        let cost = quantity.checked_mul(self.price)?;
        let cost_scale = self.scale + self.price_scale;
        if cost > limit * ten(cost_scale) {
            return None;
        }
        let cents = if cost_scale >= 2 {
            // Half away from zero, as `Money::round`; the cost is not negative.
            let divisor = ten(cost_scale - 2);
            (cost + divisor / 2) / divisor
        } else {
            cost * ten(2 - cost_scale)
        };
        Some(Money::from_cents(cents))
    }
}

/// The SKU a line bills: one, or one per tier of a metric's total.
#[derive(Debug, Clone)]
enum SkuPick<'a> {
    One(PricedSku<'a>),
    Tiers {
        /// Usage per customer of the metric; `None` when the metric is the
        /// customer count itself.
        per_customer: Option<Decimal>,
        unit: &'a str,
        tiers: Vec<(Option<Decimal>, PricedSku<'a>)>,
    },
}

/// A SKU with the price the commitment selects and its constants.
#[derive(Debug, Clone)]
struct PricedSku<'a> {
    sku: &'a Sku,
    unit_price: Decimal,
    committed: Option<&'a CommittedPrice>,
    /// The free monthly allowance in SKU units; `None` past what a decimal holds.
    free_units: Option<Option<Decimal>>,
}

/// How a line's units follow the customer count.
#[derive(Debug, Clone)]
enum UnitRule<'a> {
    Count {
        count: &'a Count,
        each: Option<Decimal>,
    },
    Usage {
        rule: &'a UsageRule,
        /// Usage per customer of each summed metric.
        parts: Vec<Decimal>,
        /// Their sum; `None` past what a decimal holds.
        per_customer: Option<Decimal>,
        /// SKU units a customer takes (usage × multiplier ÷ things per
        /// unit), when that quotient is exact for every SKU the line may
        /// bill: then a count needs one multiplication, and gives exactly
        /// what the three steps give.
        units_per_customer: Option<Decimal>,
        unit: &'a str,
    },
    PerInstance {
        /// The counted line of the other component, when the variant has one.
        counted: Option<&'a Count>,
        component: &'a str,
        amount: Decimal,
    },
}

/// One line evaluated for a customer count: the numbers both the total and
/// the full estimate are made of.
struct Evaluated<'c, 'a> {
    priced: &'c PricedSku<'a>,
    /// The tier's limit and the metric's total, for tiered lines.
    tier: Option<(Option<Decimal>, Decimal)>,
    instances: Option<u32>,
    provisioned: Decimal,
    quantity: Decimal,
    monthly: Money,
    /// The usage rule's minimum, when it applied.
    minimum: Option<Decimal>,
}

impl<'a> CompiledVariant<'a> {
    /// Compiles `variant` of the stage `usage` belongs to.
    pub fn compile(
        variant: &'a Variant,
        catalog: &'a Catalog,
        usage: UsageProfile<'a, '_>,
        commitment: Commitment,
    ) -> Self {
        let priced = |id: &str| {
            let sku = catalog
                .get(id)
                .unwrap_or_else(|| unreachable!("stage validation checked that SKU {id} exists"));
            let committed = match commitment {
                Commitment::OneYear => sku.commitment_1yr.as_ref(),
                Commitment::None => None,
            };
            PricedSku {
                sku,
                unit_price: committed.map_or(sku.price, |committed| committed.price),
                committed,
                free_units: match &sku.free_per_month {
                    Some(free) => free
                        .amount
                        .checked_div(sku.unit.things_per_unit())
                        .map(Some),
                    None => Some(None),
                },
            }
        };
        let mut lines: Vec<CompiledLine<'a>> = Vec::new();
        for (component_index, component) in variant.components.iter().enumerate() {
            for (line_index, line) in component.lines.iter().enumerate() {
                let pick = match &line.sku {
                    SkuChoice::Sku(id) => SkuPick::One(priced(id)),
                    SkuChoice::SkuByTier(tiers) => SkuPick::Tiers {
                        per_customer: (tiers.metric != CUSTOMERS_METRIC)
                            .then(|| usage.per_customer(&tiers.metric)),
                        unit: if tiers.metric == CUSTOMERS_METRIC {
                            "customers"
                        } else {
                            usage.unit_of(&tiers.metric)
                        },
                        tiers: tiers
                            .tiers
                            .iter()
                            .map(|tier| (tier.up_to, priced(&tier.sku)))
                            .collect(),
                    },
                };
                let units = match &line.quantity {
                    Quantity::Count(count) => UnitRule::Count {
                        count,
                        each: line.each,
                    },
                    Quantity::Usage(rule) => {
                        let metrics = std::iter::once(&rule.metric).chain(&rule.also);
                        let parts: Vec<Decimal> =
                            metrics.map(|metric| usage.per_customer(metric)).collect();
                        let per_customer = parts
                            .iter()
                            .try_fold(Decimal::ZERO, |sum, part| sum.checked_add(*part));
                        UnitRule::Usage {
                            rule,
                            parts,
                            per_customer,
                            units_per_customer: exact_units_per_customer(
                                per_customer,
                                rule.multiplier,
                                &pick,
                            ),
                            unit: usage.unit_of(&rule.metric),
                        }
                    }
                    Quantity::PerInstance(per) => UnitRule::PerInstance {
                        counted: lines.iter().find_map(|earlier| match earlier.units {
                            UnitRule::Count { count, .. }
                                if earlier.component.id == per.component =>
                            {
                                Some(count)
                            }
                            _ => None,
                        }),
                        component: &per.component,
                        amount: per.amount,
                    },
                };
                let by_instances = InstanceTable::of(&units, &pick);
                let scaled = ScaledUsage::of(&units, &pick);
                lines.push(CompiledLine {
                    by_instances,
                    scaled,
                    position: Overflow {
                        component: component_index,
                        line: line_index,
                    },
                    component,
                    label: line.label.as_deref(),
                    pick,
                    units,
                });
            }
        }
        CompiledVariant { lines }
    }

    /// The monthly total for `customers`: the sum of the rounded lines.
    pub fn total(&self, customers: u64) -> Result<Money, Overflow> {
        let mut total = Decimal::ZERO;
        for (index, line) in self.lines.iter().enumerate() {
            let monthly = line
                .monthly(customers)
                .ok_or_else(|| self.overflow(index))?;
            // Each line is within the limit, and a stage file's lines are too
            // few to overflow a decimal: the limit is checked once, at the end.
            total += monthly.amount();
        }
        if bounded(Some(total)).is_none() {
            return Err(self.line_past_limit(customers));
        }
        Ok(Money::round(total))
    }

    /// Whether every line bills the same SKU for the same instances at both
    /// customer counts: then only usage differs between them, which is not
    /// a change to the infrastructure.
    pub fn same_shape(&self, one: u64, other: u64) -> bool {
        self.lines
            .iter()
            .all(|line| line.shape(one) == line.shape(other))
    }

    /// Every line for `customers`, how each was worked out, and the sizes
    /// the stage cannot serve.
    pub fn estimate(&self, customers: u64) -> Result<Estimate<'a>, Overflow> {
        let mut lines = Vec::with_capacity(self.lines.len());
        let mut warnings = Vec::new();
        let mut total = Decimal::ZERO;
        for (index, line) in self.lines.iter().enumerate() {
            let evaluated = line
                .evaluate(customers)
                .ok_or_else(|| self.overflow(index))?;
            total = bounded(total.checked_add(evaluated.monthly.amount()))
                .ok_or_else(|| self.overflow(index))?;
            let priced = evaluated.priced;
            let sku = priced.sku;
            let tier = match &line.pick {
                SkuPick::Tiers { unit, .. } => evaluated.tier.map(|(up_to, total)| {
                    if let Some(up_to) = up_to
                        && total > up_to
                    {
                        warnings.push(Warning::BeyondTiers {
                            total,
                            unit,
                            sku: &sku.id,
                            up_to,
                        });
                    }
                    TierPick { total, unit, up_to }
                }),
                SkuPick::One(_) => None,
            };
            let sizing = match &line.units {
                UnitRule::Count { count, each } => {
                    let scale = match count {
                        Count::Fixed(_) => None,
                        Count::Scale(scale) => Some(ScaleUsed {
                            customers,
                            per_customers: scale.per_customers,
                            min: scale.min,
                            max: scale.max,
                        }),
                    };
                    if let Some(scale) = scale {
                        let needed = customers.div_ceil(scale.per_customers);
                        if needed > u64::from(scale.max) {
                            warnings.push(Warning::BeyondScale {
                                component: &line.component.name,
                                sku: &sku.id,
                                scale,
                                needed,
                            });
                        }
                    }
                    Sizing::Count {
                        instances: evaluated.instances.unwrap_or(0),
                        scale,
                        each: each.map(|each| (each, sku.unit.name().trim_end_matches("-hour"))),
                        hourly: sku.unit.is_hourly(),
                    }
                }
                UnitRule::Usage {
                    rule, parts, unit, ..
                } => Sizing::Usage {
                    customers,
                    parts: parts.clone(),
                    unit,
                    multiplier: rule.multiplier,
                    minimum: evaluated.minimum,
                    round_up_to: rule.round_up_to,
                },
                UnitRule::PerInstance {
                    counted,
                    component,
                    amount,
                } => Sizing::PerInstance {
                    counted: counted.map_or(0, |count| instance_count(count, customers)),
                    component,
                    amount: *amount,
                },
            };
            lines.push(PricedLine {
                component: line.component,
                sku,
                label: line.label,
                instances: evaluated.instances,
                provisioned: evaluated.provisioned,
                quantity: evaluated.quantity,
                unit_price: priced.unit_price,
                committed: priced.committed.is_some(),
                monthly: evaluated.monthly,
                usage_based: matches!(line.units, UnitRule::Usage { .. }),
                basis: Basis {
                    tier,
                    sizing,
                    free: sku.free_per_month.as_ref().map(|free| free.amount),
                    commitment_terms: priced.committed.map(|committed| committed.terms.as_str()),
                },
            });
        }
        Ok(Estimate {
            lines,
            total: Money::round(total),
            warnings,
        })
    }

    /// The line whose cost takes the running total past the limit, for a
    /// total known to be past it: the one `estimate` stops at.
    fn line_past_limit(&self, customers: u64) -> Overflow {
        let mut running = Decimal::ZERO;
        let index = self
            .lines
            .iter()
            .position(|line| {
                running += line.monthly(customers).map_or(Decimal::ZERO, Money::amount);
                bounded(Some(running)).is_none()
            })
            .unwrap_or(self.lines.len().saturating_sub(1));
        self.overflow(index)
    }

    fn overflow(&self, index: usize) -> Overflow {
        self.lines[index].position
    }
}

impl PricedSku<'_> {
    /// What is billed of `provisioned` once the free allowance is off, and
    /// its monthly cost; `None` past what infraplan computes exactly.
    fn bill(&self, provisioned: Decimal) -> Option<(Decimal, Money)> {
        let quantity = match self.free_units? {
            Some(free) => provisioned.checked_sub(free)?.max(Decimal::ZERO),
            None => provisioned,
        };
        let monthly = Money::round(bounded(quantity.checked_mul(self.unit_price))?);
        Some((quantity, monthly))
    }
}

/// The total a tiered line picks its tier by: the customers, or customers ×
/// usage per customer. Past what a decimal holds, the largest tier is the
/// answer anyway.
fn tier_metric_total(per_customer: Option<Decimal>, customers: u64) -> Decimal {
    let count = Decimal::from(customers);
    per_customer.map_or(count, |per_customer| {
        count.checked_mul(per_customer).unwrap_or(Decimal::MAX)
    })
}

/// Usage per customer × `multiplier` ÷ the things per unit of the SKUs
/// `pick` may bill, when they all share that divisor and the quotient is
/// exact (multiplying it back gives the product): then `customers ×` it
/// equals the product of the three steps for every customer count.
fn exact_units_per_customer(
    per_customer: Option<Decimal>,
    multiplier: Decimal,
    pick: &SkuPick<'_>,
) -> Option<Decimal> {
    let mut divisors = match pick {
        SkuPick::One(priced) => vec![priced.sku.unit.things_per_unit()],
        SkuPick::Tiers { tiers, .. } => tiers
            .iter()
            .map(|(_, priced)| priced.sku.unit.things_per_unit())
            .collect(),
    };
    divisors.dedup();
    let [divisor] = divisors[..] else {
        return None;
    };
    let product = per_customer?.checked_mul(multiplier)?;
    let quotient = product.checked_div(divisor)?;
    (quotient.checked_mul(divisor)? == product).then_some(quotient)
}

/// Instances × units each × hours for an hourly SKU.
fn count_units(instances: u32, each: Option<Decimal>, sku: &Sku) -> Option<Decimal> {
    let hours = if sku.unit.is_hourly() {
        HOURS_PER_MONTH
    } else {
        Decimal::ONE
    };
    bounded(
        Decimal::from(instances)
            .checked_mul(each.unwrap_or(Decimal::ONE))
            .and_then(|units| units.checked_mul(hours)),
    )
}

/// The monthly cost of a line that follows only a count of instances (one
/// SKU, sized by its own count or per instance of another component), for
/// every count its rule allows: a total looks it up instead of computing it.
#[derive(Debug, Clone)]
struct InstanceTable<'a> {
    /// The count the line follows; `None` when it counts nothing.
    count: Option<&'a Count>,
    /// The fewest instances the rule allows.
    min: u32,
    /// The cost at `min`, `min + 1`…; `None` past what infraplan computes exactly.
    monthly: Vec<Option<Money>>,
}

/// The widest instance range tabled; wider rules are computed each time.
const MAX_TABLED_INSTANCES: u32 = 256;

impl<'a> InstanceTable<'a> {
    /// The table for a line sized by `units` and billed by `pick`, when it
    /// follows only instances of one SKU and its range is small.
    fn of(units: &UnitRule<'a>, pick: &SkuPick<'a>) -> Option<Self> {
        let SkuPick::One(priced) = pick else {
            return None;
        };
        let (count, each, per_instance) = match units {
            UnitRule::Count { count, each } => (Some(*count), *each, None),
            UnitRule::PerInstance {
                counted, amount, ..
            } => (*counted, None, Some(*amount)),
            UnitRule::Usage { .. } => return None,
        };
        let (min, max) = match count {
            None => (0, 0),
            Some(Count::Fixed(instances)) => (*instances, *instances),
            Some(Count::Scale(scale)) => (scale.min, scale.max),
        };
        if max.checked_sub(min)? > MAX_TABLED_INSTANCES {
            return None;
        }
        let units_for = |instances: u32| match per_instance {
            Some(amount) => bounded(Decimal::from(instances).checked_mul(amount)),
            None => count_units(instances, each, priced.sku),
        };
        let monthly = (min..=max)
            .map(|instances| Some(priced.bill(units_for(instances)?)?.1))
            .collect();
        Some(InstanceTable {
            count,
            min,
            monthly,
        })
    }

    /// The line's monthly cost for `customers`.
    fn monthly(&self, customers: u64) -> Option<Money> {
        let instances = self
            .count
            .map_or(0, |count| instance_count(count, customers));
        let index = usize::try_from(instances.checked_sub(self.min)?).ok()?;
        *self.monthly.get(index)?
    }
}

impl<'a> CompiledLine<'a> {
    /// The line's monthly cost for `customers`, from its table when it has one.
    fn monthly(&self, customers: u64) -> Option<Money> {
        if let Some(table) = &self.by_instances {
            return table.monthly(customers);
        }
        if let Some(scaled) = &self.scaled {
            return scaled.monthly(customers);
        }
        Some(self.evaluate(customers)?.monthly)
    }

    /// The tier picked and the instances counted for `customers`.
    fn shape(&self, customers: u64) -> (Option<usize>, Option<u32>) {
        let tier = match &self.pick {
            SkuPick::One(_) => None,
            SkuPick::Tiers {
                per_customer,
                tiers,
                ..
            } => {
                let total = tier_metric_total(*per_customer, customers);
                tiers
                    .iter()
                    .position(|(up_to, _)| up_to.is_none_or(|up_to| total <= up_to))
            }
        };
        let instances = match &self.units {
            UnitRule::Count { count, .. } => Some(instance_count(count, customers)),
            UnitRule::PerInstance { counted, .. } => {
                Some(counted.map_or(0, |count| instance_count(count, customers)))
            }
            UnitRule::Usage { .. } => None,
        };
        (tier, instances)
    }

    /// Prices the line for `customers`; `None` past what infraplan computes
    /// exactly.
    fn evaluate(&self, customers: u64) -> Option<Evaluated<'_, 'a>> {
        let (priced, tier) = match &self.pick {
            SkuPick::One(priced) => (priced, None),
            SkuPick::Tiers {
                per_customer,
                tiers,
                ..
            } => {
                let total = tier_metric_total(*per_customer, customers);
                let (up_to, priced) = tiers
                    .iter()
                    .find(|(up_to, _)| up_to.is_none_or(|up_to| total <= up_to))
                    .unwrap_or(&tiers[tiers.len() - 1]);
                (priced, Some((*up_to, total)))
            }
        };
        let sku = priced.sku;
        let mut minimum = None;
        let (instances, provisioned) = match &self.units {
            UnitRule::Count { count, each } => {
                let instances = instance_count(count, customers);
                (Some(instances), count_units(instances, *each, sku)?)
            }
            UnitRule::Usage {
                rule,
                per_customer,
                units_per_customer,
                ..
            } => {
                let customers = Decimal::from(customers);
                let mut units = bounded(match units_per_customer {
                    Some(each) => customers.checked_mul(*each),
                    None => customers
                        .checked_mul((*per_customer)?)?
                        .checked_mul(rule.multiplier)?
                        .checked_div(sku.unit.things_per_unit()),
                })?;
                if units < rule.minimum {
                    minimum = Some(rule.minimum);
                    units = rule.minimum;
                }
                if let Some(step) = rule.round_up_to {
                    units = bounded(units.checked_div(step)?.ceil().checked_mul(step))?;
                }
                (None, units)
            }
            UnitRule::PerInstance {
                counted, amount, ..
            } => {
                let counted = counted.map_or(0, |count| instance_count(count, customers));
                (None, bounded(Decimal::from(counted).checked_mul(*amount))?)
            }
        };
        let (quantity, monthly) = priced.bill(provisioned)?;
        Some(Evaluated {
            priced,
            tier,
            instances,
            provisioned,
            quantity,
            monthly,
            minimum,
        })
    }
}

/// One per `per_customers` customers, rounded up, held between min and max.
pub fn instance_count(count: &Count, customers: u64) -> u32 {
    match count {
        Count::Fixed(instances) => *instances,
        Count::Scale(scale) => {
            let needed = customers.div_ceil(scale.per_customers);
            let needed = u32::try_from(needed).unwrap_or(u32::MAX);
            needed.clamp(scale.min, scale.max)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::stage::Scale;

    /// The one-step quotient is only used when it is exact: a usage with
    /// every decimal place taken cannot be divided by 1,000 exactly.
    #[test]
    fn units_per_customer_are_kept_only_when_exact() {
        let catalog = crate::catalog::prices::load(
            &crate::catalog::layered_files(
                "prices",
                crate::catalog::embedded::PRICES,
                None,
                "--prices",
            )
            .unwrap(),
        )
        .unwrap();
        let sku = catalog
            .skus()
            .find(|sku| sku.unit.things_per_unit() == Decimal::ONE_THOUSAND)
            .unwrap();
        let pick = SkuPick::One(PricedSku {
            sku,
            unit_price: sku.price,
            committed: None,
            free_units: Some(None),
        });
        assert_eq!(
            exact_units_per_customer(Some(Decimal::from(1_200)), Decimal::TWO, &pick),
            Some(Decimal::new(24, 1))
        );
        let finest = Decimal::new(1, 28);
        assert_eq!(
            exact_units_per_customer(Some(finest), Decimal::ONE, &pick),
            None
        );
        assert_eq!(exact_units_per_customer(None, Decimal::ONE, &pick), None);
    }

    #[test]
    fn scaled_counts_round_up_and_clamp() {
        let count = Count::Scale(Scale {
            per_customers: 50,
            min: 2,
            max: 4,
        });
        assert_eq!(instance_count(&count, 0), 2);
        assert_eq!(instance_count(&count, 100), 2);
        assert_eq!(instance_count(&count, 101), 3);
        assert_eq!(instance_count(&count, 199), 4);
        assert_eq!(instance_count(&count, u64::MAX), 4);
        assert_eq!(instance_count(&Count::Fixed(3), 10_000), 3);
    }

    /// 0–3,000 customers, every stage variant, both commitments, with
    /// default usage and with every metric tripled: the total is the sum of
    /// the lines, and the totals' digest is the one the line-by-line engine
    /// this one replaced produced (checked line for line before it went).
    #[test]
    fn compiled_variants_price_every_scenario_as_before() {
        let data = crate::load_data(&crate::app::cli::DataArgs {
            stages: None,
            prices: None,
        })
        .unwrap();
        let tripled = UsageOverrides::new(
            data.stages
                .metrics()
                .iter()
                .map(|(metric, usage)| ((*metric).to_owned(), usage.value * Decimal::from(3)))
                .collect(),
            &data.stages,
        )
        .unwrap();
        let profiles = [("default", UsageOverrides::default()), ("tripled", tripled)];
        let mut compared = 0_u32;
        // Per variant, profile and commitment: the sum of the totals and of
        // customers × total, pinned so the sweep outlives the engine it
        // was first checked against.
        let mut digest = String::from("stage variant usage commitment sum weighted_sum\n");
        for stage in data.stages.all() {
            for (variant_name, variant) in &stage.variants {
                for (profile, overrides) in &profiles {
                    for commitment in [Commitment::None, Commitment::OneYear] {
                        let (mut sum, mut weighted) = (Decimal::ZERO, Decimal::ZERO);
                        let usage = UsageProfile::new(stage, overrides);
                        let compiled =
                            CompiledVariant::compile(variant, &data.catalog, usage, commitment);
                        for customers in 0..=3_000 {
                            let estimate = compiled.estimate(customers).unwrap();
                            let total = compiled.total(customers).unwrap();
                            assert_eq!(estimate.total, total);
                            assert_eq!(
                                estimate
                                    .lines
                                    .iter()
                                    .map(|line| line.monthly)
                                    .sum::<Money>(),
                                total
                            );
                            sum += total.amount();
                            weighted += total.amount() * Decimal::from(customers);
                            compared += 1;
                        }
                        digest.push_str(&format!(
                            "{} {variant_name} {profile} {} {sum} {weighted}\n",
                            stage.number,
                            commitment.name()
                        ));
                    }
                }
            }
        }
        assert_eq!(compared, 5 * 2 * 2 * 3_001);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!("costing_sweep", digest));
    }
}
