//! Unit economics and when a move pays: what each customer costs (split into
//! the stage's fixed baseline and what their usage adds), what
//! infrastructure takes from gross margin, and from what customer count the
//! next stage costs less than the current one, with how long a one-off
//! migration takes to pay back. Pure: a plan in, numbers out.

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::model::limits::MAX_CUSTOMERS;
use crate::model::money::{Money, Percent};
use crate::model::plan::{Data, Plan, PlanError, Planner, Scenario};
use crate::model::stage::Stage;
use crate::model::usage::UsageOverrides;

/// What a plan's customers cost, and what that does to gross margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitEconomics {
    /// The stage's monthly cost with every usage at zero, at this customer
    /// count: servers, databases and fixed services.
    pub baseline: Money,
    /// Per customer; `None` without customers.
    pub per_customer: Option<PerCustomer>,
    /// Before revenue there is no share and no margin.
    pub revenue: Option<Margin>,
}

/// A month's cost per customer, to the cent; the parts add up to the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerCustomer {
    /// The total divided by the customers.
    pub total: Money,
    /// The baseline divided by the customers.
    pub baseline: Money,
    /// What each customer's usage adds: the total less the baseline.
    pub usage: Money,
}

/// Infrastructure against revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Margin {
    /// Percentage points of gross margin infrastructure takes: its share of
    /// MRR.
    pub points: Percent,
    /// Gross margin after infrastructure, when the margin before it (the
    /// rest of the cost of goods) is given.
    pub after: Option<Percent>,
}

/// The unit economics of `plan`; `gross_margin` is the margin before
/// infrastructure, percent, if known.
pub fn unit_economics(
    data: &Data,
    plan: &Plan<'_>,
    gross_margin: Option<Decimal>,
) -> Result<UnitEconomics, PlanError> {
    let scenario = &plan.scenario;
    let (_, baseline) = Planner::new(data, &idle(data, scenario)).price(scenario.customers)?;
    let total = plan.estimate.total;
    let customers = scenario.customers;
    let per_customer = per_customer(total, customers).and_then(|total| {
        Some(PerCustomer {
            total,
            baseline: per_customer(baseline, customers)?,
            usage: total - per_customer(baseline, customers)?,
        })
    });
    let revenue = plan.assessment.share.map(|points| Margin {
        points,
        after: gross_margin.map(|margin| Percent::new(margin - points.value())),
    });
    Ok(UnitEconomics {
        baseline,
        per_customer,
        revenue,
    })
}

/// `scenario` with every usage at zero: priced, it gives the fixed baseline
/// of the stage a count selects (usage never changes the stage).
pub fn idle(data: &Data, scenario: &Scenario) -> Scenario {
    let no_usage: IndexMap<String, Decimal> = data
        .stages
        .metrics()
        .keys()
        .map(|metric| ((*metric).to_owned(), Decimal::ZERO))
        .collect();
    Scenario {
        usage: UsageOverrides::new(no_usage, &data.stages)
            .unwrap_or_else(|_| unreachable!("the stages' own metrics, at zero")),
        ..scenario.clone()
    }
}

/// Whole months of `saving` that repay `migration_cost`; `None` when the
/// move saves nothing.
pub fn payback_months(saving: Money, migration_cost: Money) -> Option<u64> {
    (saving > Money::ZERO).then(|| {
        let months = (migration_cost.amount() / saving.amount()).ceil();
        u64::try_from(months).unwrap_or(u64::MAX)
    })
}

/// `total` shared by `customers`, to the cent; `None` without customers.
pub fn per_customer(total: Money, customers: u64) -> Option<Money> {
    (customers > 0).then(|| Money::round(total.amount() / Decimal::from(customers)))
}

/// When moving to the next stage pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// The stage moved to.
    pub stage: u32,
    /// The monthly cost on the next stage at today's customer count.
    pub next_total: Money,
    /// Today's total less that: positive when the next stage is cheaper now.
    pub saving_now: Money,
    /// The first customer count, from today's, at which the next stage
    /// costs less a month (so less per customer); `None` up to
    /// [`CROSSOVER_REACH`] times today's count (or the next stage's first
    /// count, if larger).
    pub cheaper_from: Option<u64>,
    /// The largest count looked at.
    pub looked_to: u64,
    /// The one-off cost of moving.
    pub migration_cost: Money,
    /// Months until today's saving repays the migration; `None` when the
    /// next stage does not save money today.
    pub payback_months: Option<u64>,
}

/// How far the crossover is looked for: up to this many times today's
/// customers.
pub const CROSSOVER_REACH: u64 = 16;

/// When moving from `current` to `next` at `customers` pays, with
/// `migration_cost` spent once. The crossover is looked for on a grid rising 50% a step from
/// today's count, then narrowed to the customer by halving the step where
/// the next stage first costs less.
pub fn when_to_move<'a>(
    planner: &Planner<'a>,
    current: &'a Stage,
    next: &'a Stage,
    customers: u64,
    migration_cost: Money,
) -> Result<Move, PlanError> {
    let saving_at = |count: u64| -> Result<Money, PlanError> {
        Ok(planner.stage_total(current, count)? - planner.stage_total(next, count)?)
    };
    let next_total = planner.stage_total(next, customers)?;
    let saving_now = planner.stage_total(current, customers)? - next_total;
    let cheaper = |count: u64| saving_at(count).map(|saving| saving > Money::ZERO);
    let reach = customers
        .max(next.customers.min)
        .max(1)
        .saturating_mul(CROSSOVER_REACH)
        .min(MAX_CUSTOMERS);
    let mut cheaper_from = None;
    let mut below = customers;
    if cheaper(below)? {
        cheaper_from = Some(below);
    } else {
        while below < reach {
            let above = (below + below.div_ceil(2)).max(below + 1).min(reach);
            if cheaper(above)? {
                // Narrow (below, above] to the first cheaper count there is
                // on the way down.
                let (mut low, mut high) = (below, above);
                while high - low > 1 {
                    let middle = low + (high - low) / 2;
                    if cheaper(middle)? {
                        high = middle;
                    } else {
                        low = middle;
                    }
                }
                cheaper_from = Some(high);
                break;
            }
            below = above;
        }
    }
    let payback_months = payback_months(saving_now, migration_cost);
    Ok(Move {
        stage: next.number,
        next_total,
        saving_now,
        cheaper_from,
        looked_to: reach,
        migration_cost,
        payback_months,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::fixtures::{built_in_data as data, heroku_scenario};

    fn scenario(customers: u64, mrr: u64) -> Scenario {
        heroku_scenario(customers, Decimal::from(mrr))
    }

    #[test]
    fn per_customer_parts_add_up_and_margin_follows_the_share() {
        let data = data();
        let plan = crate::model::plan::plan(&data, &scenario(150, 22_500)).unwrap();
        let economics = unit_economics(&data, &plan, Some(Decimal::from(80))).unwrap();
        let per = economics.per_customer.unwrap();
        assert_eq!(per.baseline + per.usage, per.total);
        assert!(economics.baseline > Money::ZERO && economics.baseline <= plan.estimate.total);
        let margin = economics.revenue.unwrap();
        assert_eq!(Some(margin.points), plan.assessment.share);
        assert_eq!(
            margin.after.unwrap().value(),
            Decimal::from(80) - margin.points.value()
        );
    }

    #[test]
    fn before_revenue_there_is_no_margin_and_without_customers_no_share_each() {
        let data = data();
        let plan = crate::model::plan::plan(&data, &scenario(0, 0)).unwrap();
        let economics = unit_economics(&data, &plan, Some(Decimal::from(80))).unwrap();
        assert_eq!(economics.per_customer, None);
        assert_eq!(economics.revenue, None);
    }

    /// The crossover is the first count at which the next stage is cheaper:
    /// the count before it is not.
    #[test]
    fn the_crossover_is_where_the_next_stage_first_costs_less() {
        let data = data();
        let plan = crate::model::plan::plan(&data, &scenario(150, 22_500)).unwrap();
        let next = data.stages.get(3).unwrap();
        let planner = Planner::new(&data, &plan.scenario);
        let current = plan.selection.stage;
        let moved = when_to_move(
            &planner,
            current,
            next,
            150,
            Money::round(Decimal::from(5_000)),
        )
        .unwrap();
        if let Some(from) = moved.cheaper_from {
            let cheaper = |count| {
                planner.stage_total(next, count).unwrap()
                    < planner.stage_total(current, count).unwrap()
            };
            assert!(cheaper(from));
            assert!(from == 150 || !cheaper(from - 1));
        }
        assert_eq!(moved.next_total, planner.stage_total(next, 150).unwrap());
        assert_eq!(moved.saving_now, plan.estimate.total - moved.next_total);
        assert_eq!(
            moved.payback_months.is_some(),
            moved.saving_now > Money::ZERO
        );
    }
}
