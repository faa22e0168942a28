//! Prices a stage variant for a customer count and usage, line by line.
//!
//! Pure: no I/O. Every quantity is exact; each line's monthly cost is rounded to
//! the cent once, by [`Money::round`], and the total is the sum of the lines.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::catalog::{Catalog, Sku};
use crate::data::stage::{
    CUSTOMERS_METRIC, Component, Count, Quantity, SkuChoice, Stage, Tiers, UsageRule, Variant,
};
use crate::data::usage::UsageOverrides;
use crate::limits;
use crate::money::{HOURS_PER_MONTH, Money};

/// How capacity is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
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
}

impl std::str::FromStr for Commitment {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "none" => Ok(Commitment::None),
            "1yr" => Ok(Commitment::OneYear),
            _ => Err("must be none or 1yr".to_owned()),
        }
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

    /// The metric's total for `customers` (the count itself for `customers`).
    pub fn total(&self, metric: &str, customers: u64) -> Decimal {
        let customers = Decimal::from(customers);
        if metric == CUSTOMERS_METRIC {
            customers
        } else {
            // Past what a decimal holds, the largest tier is the answer anyway.
            customers
                .checked_mul(self.per_customer(metric))
                .unwrap_or(Decimal::MAX)
        }
    }

    fn unit_of(&self, metric: &'a str) -> &'a str {
        self.stage
            .usage_per_customer
            .get(metric)
            .map_or(metric, |usage| usage.unit.as_str())
    }

    fn unit_of_metric(&self, metric: &'a str) -> &'a str {
        self.unit_of(metric)
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
    value.filter(|value| value.abs() <= limits::MAX_MONTHLY_COST)
}

/// Prices `variant` of `stage` for `customers` with the given usage.
///
/// The stage data is validated on load (every SKU exists, tiers ascend,
/// `per_instance` names an earlier counted component), so pricing fails only
/// when a line's quantity or cost is past what infraplan computes exactly.
pub fn estimate<'a>(
    variant: &'a Variant,
    catalog: &'a Catalog,
    customers: u64,
    usage: UsageProfile<'a, '_>,
    commitment: Commitment,
) -> Result<Estimate<'a>, Overflow> {
    let mut lines: Vec<PricedLine<'a>> = Vec::new();
    let mut warnings = Vec::new();
    let mut total = Decimal::ZERO;
    for (component_index, component) in variant.components.iter().enumerate() {
        for (line_index, line) in component.lines.iter().enumerate() {
            let overflow = Overflow {
                component: component_index,
                line: line_index,
            };
            let (sku, tier) = resolve_sku(&line.sku, catalog, customers, usage, &mut warnings);
            let (instances, provisioned, usage_based, sizing) = match &line.quantity {
                Quantity::Count(count) => {
                    let instances = instance_count(count, customers);
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
                                component: &component.name,
                                sku: &sku.id,
                                scale,
                                needed,
                            });
                        }
                    }
                    let each = line.each.unwrap_or(Decimal::ONE);
                    let hours = if sku.unit.is_hourly() {
                        HOURS_PER_MONTH
                    } else {
                        Decimal::ONE
                    };
                    let units = bounded(
                        Decimal::from(instances)
                            .checked_mul(each)
                            .and_then(|units| units.checked_mul(hours)),
                    )
                    .ok_or(overflow)?;
                    let sizing = Sizing::Count {
                        instances,
                        scale,
                        each: line
                            .each
                            .map(|each| (each, sku.unit.name().trim_end_matches("-hour"))),
                        hourly: sku.unit.is_hourly(),
                    };
                    (Some(instances), units, false, sizing)
                }
                Quantity::Usage(rule) => {
                    let (units, sizing) =
                        usage_units(rule, sku, customers, usage).ok_or(overflow)?;
                    (None, units, true, sizing)
                }
                Quantity::PerInstance(per) => {
                    let counted = lines
                        .iter()
                        .find(|line| line.component.id == per.component && line.instances.is_some())
                        .and_then(|line| line.instances)
                        .unwrap_or(0);
                    let units =
                        bounded(Decimal::from(counted).checked_mul(per.amount)).ok_or(overflow)?;
                    let sizing = Sizing::PerInstance {
                        counted,
                        component: &per.component,
                        amount: per.amount,
                    };
                    (None, units, false, sizing)
                }
            };
            let (quantity, free) = billed(sku, provisioned).ok_or(overflow)?;
            let committed = match commitment {
                Commitment::OneYear => sku.commitment_1yr.as_ref(),
                Commitment::None => None,
            };
            let unit_price = committed.map_or(sku.price, |committed| committed.price);
            let monthly = Money::round(bounded(quantity.checked_mul(unit_price)).ok_or(overflow)?);
            total = bounded(total.checked_add(monthly.amount())).ok_or(overflow)?;
            lines.push(PricedLine {
                component,
                sku,
                label: line.label.as_deref(),
                instances,
                provisioned,
                quantity,
                unit_price,
                committed: committed.is_some(),
                monthly,
                usage_based,
                basis: Basis {
                    tier,
                    sizing,
                    free,
                    commitment_terms: committed.map(|committed| committed.terms.as_str()),
                },
            });
        }
    }
    Ok(Estimate {
        lines,
        total: Money::round(total),
        warnings,
    })
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

fn resolve_sku<'a>(
    choice: &'a SkuChoice,
    catalog: &'a Catalog,
    customers: u64,
    usage: UsageProfile<'a, '_>,
    warnings: &mut Vec<Warning<'a>>,
) -> (&'a Sku, Option<TierPick<'a>>) {
    let (id, tier) = match choice {
        SkuChoice::Sku(id) => (id.as_str(), None),
        SkuChoice::SkuByTier(tiers) => {
            let (id, tier) = pick_tier(tiers, customers, usage, warnings);
            (id, Some(tier))
        }
    };
    let sku = catalog
        .get(id)
        .unwrap_or_else(|| unreachable!("stage validation checked that SKU {id} exists"));
    (sku, tier)
}

/// The first tier whose `up_to` holds the metric's total; past the last
/// tier's limit, the last tier and a warning.
fn pick_tier<'t>(
    tiers: &'t Tiers,
    customers: u64,
    usage: UsageProfile<'t, '_>,
    warnings: &mut Vec<Warning<'t>>,
) -> (&'t str, TierPick<'t>) {
    let total = usage.total(&tiers.metric, customers);
    let unit = if tiers.metric == CUSTOMERS_METRIC {
        "customers"
    } else {
        usage.unit_of(&tiers.metric)
    };
    let last = &tiers.tiers[tiers.tiers.len() - 1];
    let tier = tiers
        .tiers
        .iter()
        .find(|tier| tier.up_to.is_none_or(|up_to| total <= up_to))
        .unwrap_or(last);
    if let Some(up_to) = tier.up_to
        && total > up_to
    {
        warnings.push(Warning::BeyondTiers {
            total,
            unit,
            sku: &tier.sku,
            up_to,
        });
    }
    (
        tier.sku.as_str(),
        TierPick {
            total,
            unit,
            up_to: tier.up_to,
        },
    )
}

/// Customers × usage × multiplier in SKU units, at least the minimum, rounded
/// up to the step, and how; `None` past what infraplan computes exactly.
fn usage_units<'a>(
    rule: &'a UsageRule,
    sku: &Sku,
    customers: u64,
    usage: UsageProfile<'a, '_>,
) -> Option<(Decimal, Sizing<'a>)> {
    let metrics = std::iter::once(&rule.metric).chain(&rule.also);
    let parts: Vec<Decimal> = metrics.map(|metric| usage.per_customer(metric)).collect();
    let per_customer = parts
        .iter()
        .try_fold(Decimal::ZERO, |sum, part| sum.checked_add(*part))?;
    let mut units = bounded(
        Decimal::from(customers)
            .checked_mul(per_customer)?
            .checked_mul(rule.multiplier)?
            .checked_div(sku.unit.things_per_unit()),
    )?;
    let minimum = (units < rule.minimum).then_some(rule.minimum);
    if let Some(minimum) = minimum {
        units = minimum;
    }
    if let Some(step) = rule.round_up_to {
        units = bounded(units.checked_div(step)?.ceil().checked_mul(step))?;
    }
    let sizing = Sizing::Usage {
        customers,
        parts,
        unit: usage.unit_of_metric(&rule.metric),
        multiplier: rule.multiplier,
        minimum,
        round_up_to: rule.round_up_to,
    };
    Some((units, sizing))
}

/// Takes the SKU's free monthly allowance off what is provisioned: what is
/// billed, and the allowance when there is one.
fn billed(sku: &Sku, provisioned: Decimal) -> Option<(Decimal, Option<Decimal>)> {
    match &sku.free_per_month {
        Some(free) => {
            let free_units = free.amount.checked_div(sku.unit.things_per_unit())?;
            Some((
                provisioned.checked_sub(free_units)?.max(Decimal::ZERO),
                Some(free.amount),
            ))
        }
        None => Some((provisioned, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::stage::Scale;

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
}
