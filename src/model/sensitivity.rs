//! What drives the cost: each assumption of a plan (the customer count and
//! every usage per customer its stage prices) moved down and up by the same
//! share, one at a time, and ranked by how far the monthly total swings.
//! Pure: a scenario in, swings out.

use indexmap::IndexMap;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::limits::{MAX_CUSTOMERS, MAX_USAGE_PER_CUSTOMER};
use crate::model::money::Money;
use crate::model::plan::{Data, PlanError, Planner, Scenario};
use crate::model::usage::UsageOverrides;

/// How far each assumption moves either way, in percent: documented in the
/// README, so a reader knows what "low" and "high" mean.
pub const SENSITIVITY_PERCENT: u32 = 50;

/// One assumption the total depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Driver {
    /// The number of paying customers.
    Customers,
    /// A usage metric per customer per month.
    Usage {
        /// The metric (`stored_gb`).
        metric: String,
        /// What it counts (`GB stored`).
        unit: String,
    },
}

/// The plan priced with one assumption moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    /// The assumption's value.
    pub value: Decimal,
    /// The monthly total.
    pub total: Money,
    /// The stage it runs on.
    pub stage: u32,
}

/// One assumption moved down and up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swing {
    /// The assumption.
    pub driver: Driver,
    /// Its value in the plan.
    pub value: Decimal,
    /// Moved down by [`SENSITIVITY_PERCENT`].
    pub low: Moved,
    /// Moved up by the same.
    pub high: Moved,
}

impl Swing {
    /// How far the total moves between low and high.
    pub fn width(&self) -> Money {
        let (low, high) = (self.low.total, self.high.total);
        if high >= low { high - low } else { low - high }
    }

    /// Whether moving the assumption either way changes the stage.
    pub fn crosses_a_stage(&self, stage: u32) -> bool {
        self.low.stage != stage || self.high.stage != stage
    }
}

/// The swings of a plan's assumptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sensitivity {
    /// Widest swing first (ties in the order the stage lists them, the
    /// customer count first).
    pub swings: Vec<Swing>,
    /// Assumptions not varied because a move takes a line past what
    /// infraplan computes exactly.
    pub past_limit: Vec<Driver>,
}

/// Every assumption of `scenario` moved by [`SENSITIVITY_PERCENT`] either
/// way.
pub fn sensitivity(data: &Data, scenario: &Scenario) -> Result<Sensitivity, PlanError> {
    let planner = Planner::new(data, scenario);
    let (selection, _) = planner.price(scenario.customers)?;
    let share = Decimal::from(SENSITIVITY_PERCENT) / Decimal::ONE_HUNDRED;
    let (down, up) = (Decimal::ONE - share, Decimal::ONE + share);
    let mut swings = Vec::new();
    let mut past_limit = Vec::new();
    // A move past the cost limit leaves that assumption out; anything else
    // that fails is the plan's own failure.
    let mut keep = |driver: Driver, value: Decimal, low, high| -> Result<(), PlanError> {
        match (low, high) {
            (Ok(low), Ok(high)) => swings.push(Swing {
                driver,
                value,
                low,
                high,
            }),
            (Err(PlanError::Overflow { .. }), _) | (_, Err(PlanError::Overflow { .. })) => {
                past_limit.push(driver);
            }
            (Err(error), _) | (_, Err(error)) => return Err(error),
        }
        Ok(())
    };

    let customers = Decimal::from(scenario.customers);
    let at_customers = |factor: Decimal| -> Result<Moved, PlanError> {
        let count = whole(customers * factor).min(MAX_CUSTOMERS);
        let (selection, total) = planner.price(count)?;
        Ok(Moved {
            value: Decimal::from(count),
            total,
            stage: selection.stage.number,
        })
    };
    keep(
        Driver::Customers,
        customers,
        at_customers(down),
        at_customers(up),
    )?;

    for (metric, default) in &selection.stage.usage_per_customer {
        let value = scenario.usage.get(metric).unwrap_or(default.value);
        let at_usage = |factor: Decimal| -> Result<Moved, PlanError> {
            let moved = (value * factor).min(MAX_USAGE_PER_CUSTOMER);
            let mut usage: IndexMap<String, Decimal> = scenario
                .usage
                .iter()
                .map(|(name, amount)| (name.to_owned(), amount))
                .collect();
            usage.insert(metric.clone(), moved);
            let varied = Scenario {
                usage: UsageOverrides::new(usage, &data.stages)
                    .unwrap_or_else(|_| unreachable!("a stage's own metric, within its limit")),
                ..scenario.clone()
            };
            let (selection, total) = Planner::new(data, &varied).price(scenario.customers)?;
            Ok(Moved {
                value: moved,
                total,
                stage: selection.stage.number,
            })
        };
        keep(
            Driver::Usage {
                metric: metric.clone(),
                unit: default.unit.clone(),
            },
            value,
            at_usage(down),
            at_usage(up),
        )?;
    }
    // Stable: ties keep the stage's order.
    swings.sort_by_key(|swing| std::cmp::Reverse(swing.width()));
    Ok(Sensitivity { swings, past_limit })
}

/// To the nearest whole number, halves away from zero.
fn whole(value: Decimal) -> u64 {
    u64::try_from(value.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::fixtures::{built_in_data as data, heroku_scenario};

    fn scenario(customers: u64) -> Scenario {
        heroku_scenario(customers, Decimal::from(customers * 150))
    }

    #[test]
    fn every_assumption_moves_both_ways_widest_first() {
        let data = data();
        for customers in [30, 150, 450] {
            let scenario = scenario(customers);
            let swings = sensitivity(&data, &scenario).unwrap().swings;
            let stage = crate::model::plan::plan(&data, &scenario)
                .unwrap()
                .selection
                .stage;
            assert_eq!(swings.len(), 1 + stage.usage_per_customer.len());
            for pair in swings.windows(2) {
                assert!(pair[0].width() >= pair[1].width());
            }
            for swing in &swings {
                assert!(swing.low.value <= swing.value && swing.value <= swing.high.value);
                assert!(swing.low.total <= swing.high.total, "{swing:?}");
            }
        }
    }

    /// A move past the cost limit leaves its assumption out instead of
    /// failing the plan, which itself prices.
    #[test]
    fn a_move_past_the_cost_limit_is_left_out() {
        let data = data();
        let mut usage = IndexMap::new();
        usage.insert("stored_gb".to_owned(), Decimal::from(1_000_000));
        let scenario = Scenario {
            usage: UsageOverrides::new(usage, &data.stages).unwrap(),
            ..scenario(1_000_000_000)
        };
        assert!(crate::model::plan::plan(&data, &scenario).is_ok());
        let result = sensitivity(&data, &scenario).unwrap();
        assert_eq!(
            result.past_limit,
            [Driver::Usage {
                metric: "stored_gb".to_owned(),
                unit: data.stages.metrics()["stored_gb"].unit.clone()
            }]
        );
        assert!(!result.swings.is_empty());
    }

    /// Half of 150 customers is stage 2's 75 and one and a half is 225,
    /// stage 3: the customer count's swing crosses a stage.
    #[test]
    fn a_swing_across_a_threshold_is_flagged() {
        let data = data();
        let swings = sensitivity(&data, &scenario(150)).unwrap().swings;
        let customers = swings
            .iter()
            .find(|swing| swing.driver == Driver::Customers)
            .unwrap();
        assert_eq!(customers.low.value, Decimal::from(75));
        assert_eq!(customers.high.value, Decimal::from(225));
        assert_eq!((customers.low.stage, customers.high.stage), (2, 3));
        assert!(customers.crosses_a_stage(2));
        let usage = swings
            .iter()
            .find(|swing| swing.driver != Driver::Customers)
            .unwrap();
        assert!(!usage.crosses_a_stage(2), "usage does not pick the stage");
    }
}
