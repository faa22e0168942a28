//! Prices a stage variant for a customer count and usage, line by line.
//!
//! Pure: no I/O. Every quantity is exact; each line's monthly cost is rounded to
//! the cent once, by [`Money::round`], and the total is the sum of the lines.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::catalog::{Catalog, Sku};
use crate::data::stage::{
    CUSTOMERS_METRIC, Component, Count, Quantity, SkuChoice, Stage, Tiers, UsageRule, Variant,
};
use crate::data::usage::UsageOverrides;
use crate::limits;
use crate::money::{HOURS_PER_MONTH, Money, format_quantity};

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
    /// How the quantity was worked out, for people.
    pub basis: String,
}

/// Every line of a stage variant, and their total.
#[derive(Debug, Clone)]
pub struct Estimate<'a> {
    /// Lines in component order.
    pub lines: Vec<PricedLine<'a>>,
    /// The sum of the lines.
    pub total: Money,
    /// Sizes the stage cannot serve (a total beyond its largest tier).
    pub warnings: Vec<String>,
}

/// The usage per customer a line sees: the user's override, else the stage default.
#[derive(Debug, Clone, Copy)]
pub struct UsageProfile<'a> {
    stage: &'a Stage,
    overrides: &'a UsageOverrides,
}

impl<'a> UsageProfile<'a> {
    /// The profile of `stage` with `overrides` applied.
    pub fn new(stage: &'a Stage, overrides: &'a UsageOverrides) -> Self {
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

    fn unit_of<'s>(&'s self, metric: &'s str) -> &'s str {
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
    usage: UsageProfile<'_>,
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
            let (sku, tier_note) = resolve_sku(&line.sku, catalog, customers, usage, &mut warnings);
            let mut basis = line
                .label
                .as_ref()
                .map_or_else(String::new, |label| format!("{label}: "));
            basis.push_str(&tier_note);
            let (instances, provisioned, usage_based) = match &line.quantity {
                Quantity::Count(count) => {
                    let instances = instance_count(count, customers);
                    if let Count::Scale(scale) = count {
                        let needed = customers.div_ceil(scale.per_customers);
                        if needed > u64::from(scale.max) {
                            warnings.push(format!(
                                "{}: {customers} customers would need {needed} of {} at 1 per {} customers, but this stage stops at {}; beyond that the roadmap's stage no longer fits, so plan larger sizes or the next architecture",
                                component.name, sku.id, scale.per_customers, scale.max
                            ));
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
                    match count {
                        Count::Fixed(_) => {
                            let _ = write!(basis, "fixed {instances}");
                        }
                        Count::Scale(scale) => {
                            let _ = write!(
                                basis,
                                "{instances} for {customers} customers (1 per {}, {}–{})",
                                scale.per_customers, scale.min, scale.max
                            );
                        }
                    }
                    if let Some(each) = line.each {
                        let _ = write!(
                            basis,
                            " × {} {}",
                            format_quantity(each),
                            sku.unit.name().trim_end_matches("-hour")
                        );
                    }
                    if sku.unit.is_hourly() {
                        let _ = write!(basis, " × {HOURS_PER_MONTH} h");
                    }
                    (Some(instances), units, false)
                }
                Quantity::Usage(rule) => {
                    let units =
                        usage_units(rule, sku, customers, usage, &mut basis).ok_or(overflow)?;
                    (None, units, true)
                }
                Quantity::PerInstance(per) => {
                    let counted = lines
                        .iter()
                        .find(|line| line.component.id == per.component && line.instances.is_some())
                        .and_then(|line| line.instances)
                        .unwrap_or(0);
                    let _ = write!(
                        basis,
                        "{counted} {} instances × {}",
                        per.component,
                        format_quantity(per.amount)
                    );
                    let units =
                        bounded(Decimal::from(counted).checked_mul(per.amount)).ok_or(overflow)?;
                    (None, units, false)
                }
            };
            let quantity = billed(sku, provisioned, &mut basis).ok_or(overflow)?;
            let committed = match commitment {
                Commitment::OneYear => sku.commitment_1yr.as_ref(),
                Commitment::None => None,
            };
            let unit_price = committed.map_or(sku.price, |committed| committed.price);
            if let Some(committed) = committed {
                let _ = write!(basis, "; {}", committed.terms);
            }
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
                basis,
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
    choice: &SkuChoice,
    catalog: &'a Catalog,
    customers: u64,
    usage: UsageProfile<'_>,
    warnings: &mut Vec<String>,
) -> (&'a Sku, String) {
    let (id, note) = match choice {
        SkuChoice::Sku(id) => (id.as_str(), String::new()),
        SkuChoice::SkuByTier(tiers) => pick_tier(tiers, customers, usage, warnings),
    };
    let sku = catalog
        .get(id)
        .unwrap_or_else(|| unreachable!("stage validation checked that SKU {id} exists"));
    (sku, note)
}

/// The first tier whose `up_to` holds the metric's total; past the last
/// tier's limit, the last tier and a warning.
fn pick_tier<'t>(
    tiers: &'t Tiers,
    customers: u64,
    usage: UsageProfile<'_>,
    warnings: &mut Vec<String>,
) -> (&'t str, String) {
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
    let limit = match tier.up_to {
        Some(up_to) if total > up_to => {
            warnings.push(format!(
                "{} {unit} is more than {} serves (up to {}); this stage has no larger size, so plan the next stage or a larger plan",
                format_quantity(total),
                tier.sku,
                format_quantity(up_to)
            ));
            format!("over the largest size's {}", format_quantity(up_to))
        }
        Some(up_to) => format!("up to {}", format_quantity(up_to)),
        None => "largest size".to_owned(),
    };
    let note = format!("size for {} {unit} ({limit}); ", format_quantity(total));
    (tier.sku.as_str(), note)
}

/// Customers × usage × multiplier in SKU units, at least the minimum, rounded
/// up to the step; `None` past what infraplan computes exactly.
fn usage_units(
    rule: &UsageRule,
    sku: &Sku,
    customers: u64,
    usage: UsageProfile<'_>,
    basis: &mut String,
) -> Option<Decimal> {
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
    let amount = if parts.len() == 1 {
        format_quantity(per_customer)
    } else {
        let shown: Vec<String> = parts.iter().map(|part| format_quantity(*part)).collect();
        format!("({})", shown.join(" + "))
    };
    let _ = write!(
        basis,
        "{customers} customers × {amount} {}",
        usage.unit_of(&rule.metric)
    );
    if rule.multiplier != Decimal::ONE {
        let _ = write!(basis, " × {}", format_quantity(rule.multiplier));
    }
    if units < rule.minimum {
        units = rule.minimum;
        let _ = write!(basis, ", minimum {}", format_quantity(rule.minimum));
    }
    if let Some(step) = rule.round_up_to {
        units = bounded(units.checked_div(step)?.ceil().checked_mul(step))?;
        if step == Decimal::ONE {
            basis.push_str(", rounded up");
        } else {
            let _ = write!(
                basis,
                ", rounded up to a multiple of {}",
                format_quantity(step)
            );
        }
    }
    Some(units)
}

/// Takes the SKU's free monthly allowance off what is provisioned.
fn billed(sku: &Sku, provisioned: Decimal, basis: &mut String) -> Option<Decimal> {
    match &sku.free_per_month {
        Some(free) => {
            let free_units = free.amount.checked_div(sku.unit.things_per_unit())?;
            let _ = write!(basis, ", first {} free", format_quantity(free.amount));
            Some(provisioned.checked_sub(free_units)?.max(Decimal::ZERO))
        }
        None => Some(provisioned),
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
