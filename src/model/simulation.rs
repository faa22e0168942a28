//! Growth as a range: many paths of customers and MRR, each planned exactly
//! as `plan` plans a scenario, summed up month by month as percentiles and
//! probabilities. Pure: ranges and a seed in, aggregates out.
//!
//! Each path draws its rates once, uniformly from each range, and keeps them
//! for the whole horizon: a range says how unsure the founder is of the rate,
//! not how it wobbles from month to month (which averages out over a year and
//! would make the spread look far narrower than the doubt). Uniform, because
//! two bounds say nothing of a shape in between.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rust_decimal::Decimal;

use crate::model::money::{Money, Percent};
use crate::model::plan::{PlanError, Planner, Verdict, verdict};
use crate::model::projection::{Compounding, MonthInput, PastLimits};
use crate::model::select::Selection;

/// A rate known only within bounds, percent a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The lowest it may be.
    pub low: Decimal,
    /// The highest it may be; equal to `low` for a rate known exactly.
    pub high: Decimal,
}

impl Range {
    /// A rate known exactly.
    pub fn exactly(rate: Decimal) -> Range {
        Range {
            low: rate,
            high: rate,
        }
    }

    /// Whether the range has any spread.
    pub fn is_spread(self) -> bool {
        self.low != self.high
    }

    /// A value in the range, drawn from `draws` only when it has spread,
    /// so a rate known exactly leaves the other rates' draws as they were.
    fn draw(self, draws: &mut SplitMix64) -> Decimal {
        if !self.is_spread() {
            return self.low;
        }
        let step = draws.step();
        self.low + (self.high - self.low) * Decimal::from(step) / Decimal::from(DRAW_STEPS)
    }
}

/// The most customer counts the simulation remembers the price of.
const MEMO_COUNTS: usize = 1 << 16;

/// A map keyed by customer count.
type CountMap<V> = HashMap<u64, V, BuildHasherDefault<CountHasher>>;

/// Hashes a customer count with one multiplication (Fibonacci hashing):
/// the keys are counts the simulation computes, not text someone chose, so
/// the default hasher's defence against chosen keys buys nothing here.
#[derive(Default)]
struct CountHasher(u64);

impl Hasher for CountHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(*byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// How finely a range is drawn: a millionth of its width.
const DRAW_STEPS: u64 = 1_000_000;

/// Growth with uncertain rates, from today's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncertainGrowth {
    /// Customers in month 1.
    pub customers: u64,
    /// MRR in month 1.
    pub mrr: Decimal,
    /// New customers a month, percent of the month before.
    pub growth: Range,
    /// Customers lost a month, percent of the month before.
    pub churn: Range,
    /// MRR's own growth a month, percent; by default MRR follows customers.
    pub mrr_growth: Option<Range>,
    /// Months to plan.
    pub months: u32,
}

/// The 10th, 50th and 90th percentiles of a value over the paths (nearest
/// rank: each is a value some path has).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread<T> {
    /// One path in ten is at or below this.
    pub p10: T,
    /// The median path.
    pub p50: T,
    /// Nine paths in ten are at or below this.
    pub p90: T,
}

impl<T: Copy> Spread<T> {
    /// Each percentile through `convert`.
    fn map<U>(self, convert: impl Fn(T) -> U) -> Spread<U> {
        Spread {
            p10: convert(self.p10),
            p50: convert(self.p50),
            p90: convert(self.p90),
        }
    }
}

impl<T: Ord + Copy> Spread<T> {
    /// The percentiles of `values`, which it reorders; `None` when empty.
    fn of(values: &mut [T]) -> Option<Spread<T>> {
        if values.is_empty() {
            return None;
        }
        let count = values.len();
        let mut at = |percent: usize| {
            // Nearest rank: the smallest value with `percent`% at or below it.
            let rank = (count * percent).div_ceil(100).max(1);
            *values.select_nth_unstable(rank - 1).1
        };
        Some(Spread {
            p10: at(10),
            p50: at(50),
            p90: at(90),
        })
    }
}

/// One month over every path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSpread {
    /// The month, from 1.
    pub number: u32,
    /// Paying customers.
    pub customers: Spread<u64>,
    /// MRR.
    pub mrr: Spread<Money>,
    /// The monthly infrastructure total.
    pub cost: Spread<Money>,
    /// The total as a share of MRR. A path without revenue ranks above
    /// every share (it breaks every limit), as `None`.
    pub share: Spread<Option<Percent>>,
    /// The share of paths in each stage, by stage number, lowest first.
    pub stages: Vec<(u32, Percent)>,
    /// The share of paths above their stage's guidance or over the ceiling.
    pub above_guidance: Percent,
    /// The share of paths over the 20%-of-MRR ceiling.
    pub over_ceiling: Percent,
    /// Paths in each stage, by stage number, lowest first: the counts the
    /// shares come from, for comparisons that must be exact.
    pub stage_paths: Vec<(u32, u32)>,
    /// Paths above guidance or over the ceiling.
    pub above_guidance_paths: u32,
    /// Paths over the ceiling.
    pub over_ceiling_paths: u32,
}

/// The month by which a stage has been reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageReached {
    /// The stage.
    pub stage: u32,
    /// The first month at which half the paths are in it or a later one.
    pub by_half: Option<u32>,
    /// The first month at which nine paths in ten are.
    pub by_nine_in_ten: Option<u32>,
}

/// Every path summed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// How many paths.
    pub paths: u32,
    /// The seed the draws came from.
    pub seed: u64,
    /// Month by month.
    pub months: Vec<MonthSpread>,
    /// Infrastructure spend over the whole horizon.
    pub total_spend: Spread<Money>,
    /// For each stage after month 1's lowest: when it is reached.
    pub stages_reached: Vec<StageReached>,
}

/// Why a simulation cannot run.
#[derive(Debug, Clone)]
pub enum SimulationError {
    /// A path goes past what infraplan plans for.
    PastLimits(PastLimits),
    /// A month cannot be planned.
    Plan(PlanError),
}

/// Simulates `paths` paths of `growth` from `seed`, each month of each path
/// planned by `planner`. Memory follows the paths, not paths × months: each
/// path keeps its compounding state and running spend, and a month's values
/// are summed up before the next.
pub fn simulate(
    planner: &Planner<'_>,
    growth: &UncertainGrowth,
    paths: u32,
    seed: u64,
) -> Result<Simulation, SimulationError> {
    // Customers and MRR rise with the rates, so the path at the top of every
    // range is the highest: if it stays within the limits, every path does,
    // and if not the run is refused before any work, whatever the seed.
    let mut highest = Compounding::new(
        growth.customers,
        growth.mrr,
        growth.growth.high - growth.churn.low,
        growth.mrr_growth.map(|range| range.high),
    );
    for number in 1..=growth.months {
        highest
            .next_month(number)
            .map_err(SimulationError::PastLimits)?;
    }
    let mut draws = SplitMix64(seed);
    let mut states: Vec<Compounding> = (0..paths)
        .map(|_| {
            let growth_rate = growth.growth.draw(&mut draws);
            let churn = growth.churn.draw(&mut draws);
            let mrr_growth = growth.mrr_growth.map(|range| range.draw(&mut draws));
            Compounding::new(
                growth.customers,
                growth.mrr,
                growth_rate - churn,
                mrr_growth,
            )
        })
        .collect();
    let count = states.len();
    // Running spend and the month's values are kept as whole cents (and a
    // share as tenths of a percent, as it is shown): comparing integers is
    // what makes the percentiles cheap.
    let mut spend = vec![0_i128; count];
    // A month's total depends only on its customer count, which paths share
    // within a month and across months. The memo starts afresh when full, so
    // memory stays bounded whatever the paths.
    let mut priced: CountMap<(Selection<'_>, Money)> = CountMap::default();
    let mut months = Vec::with_capacity(growth.months as usize);
    let mut customers = vec![0_u64; count];
    let mut mrr = vec![0_i128; count];
    let mut cost = vec![0_i128; count];
    let mut shares: Vec<i128> = Vec::with_capacity(count);
    for number in 1..=growth.months {
        let mut stages: Vec<(u32, usize)> = Vec::new();
        let (mut above, mut over) = (0, 0);
        shares.clear();
        for (path, state) in states.iter_mut().enumerate() {
            let MonthInput {
                customers: count_now,
                mrr: mrr_now,
            } = state
                .next_month(number)
                .map_err(SimulationError::PastLimits)?;
            let (selection, total) = match priced.get(&count_now) {
                Some(known) => *known,
                None => {
                    let fresh = planner.price(count_now).map_err(SimulationError::Plan)?;
                    if priced.len() == MEMO_COUNTS {
                        priced.clear();
                    }
                    priced.insert(count_now, fresh);
                    fresh
                }
            };
            match verdict(total, mrr_now, selection.stage) {
                Verdict::WithinGuidance => {}
                Verdict::AboveGuidance => above += 1,
                Verdict::OverCeiling => {
                    above += 1;
                    over += 1;
                }
            }
            let mrr_cents = Money::round(mrr_now).cents();
            let total_cents = total.cents();
            shares.push(if mrr_cents > 0 {
                tenths_of_percent(total_cents, mrr_cents)
            } else {
                NO_REVENUE
            });
            match stages
                .iter_mut()
                .find(|(stage, _)| *stage == selection.stage.number)
            {
                Some((_, paths_in)) => *paths_in += 1,
                None => stages.push((selection.stage.number, 1)),
            }
            customers[path] = count_now;
            mrr[path] = mrr_cents;
            cost[path] = total_cents;
            spend[path] += total_cents;
        }
        stages.sort_unstable();
        let share_of_paths = |paths_in: usize| Percent::of_counts(paths_in, count);
        months.push(MonthSpread {
            number,
            customers: Spread::of(&mut customers).unwrap_or(EMPTY_COUNT),
            mrr: money_spread(&mut mrr),
            cost: money_spread(&mut cost),
            share: Spread::of(&mut shares)
                .unwrap_or(Spread {
                    p10: NO_REVENUE,
                    p50: NO_REVENUE,
                    p90: NO_REVENUE,
                })
                .map(|tenths| {
                    (tenths != NO_REVENUE)
                        .then(|| Percent::new(Decimal::from_i128_with_scale(tenths, 1)))
                }),
            stages: stages
                .iter()
                .map(|(stage, paths_in)| (*stage, share_of_paths(*paths_in)))
                .collect(),
            above_guidance: share_of_paths(above),
            over_ceiling: share_of_paths(over),
            stage_paths: stages
                .iter()
                .map(|(stage, paths_in)| (*stage, as_count(*paths_in)))
                .collect(),
            above_guidance_paths: as_count(above),
            over_ceiling_paths: as_count(over),
        });
    }
    Ok(Simulation {
        paths,
        seed,
        stages_reached: stages_reached(&months, paths),
        total_spend: money_spread(&mut spend),
        months,
    })
}

const EMPTY_COUNT: Spread<u64> = Spread {
    p10: 0,
    p50: 0,
    p90: 0,
};

/// The percentiles of amounts in cents, as money.
fn money_spread(cents: &mut [i128]) -> Spread<Money> {
    Spread::of(cents)
        .unwrap_or(Spread {
            p10: 0,
            p50: 0,
            p90: 0,
        })
        .map(Money::from_cents)
}

/// The share key of a path without revenue: above every share.
const NO_REVENUE: i128 = i128::MAX;

/// `part` of `whole` in tenths of a percent, rounded half away from zero as
/// a share is shown; both are positive amounts of cents.
fn tenths_of_percent(part: i128, whole: i128) -> i128 {
    (part * 2_000 + whole) / (whole * 2)
}

/// A count of paths, which never exceeds the `u32` paths asked for.
fn as_count(paths: usize) -> u32 {
    u32::try_from(paths).unwrap_or(u32::MAX)
}

/// For each stage above month 1's lowest, the first months by which half
/// and nine in ten of the `paths` are in it or a later one, counted exactly.
fn stages_reached(months: &[MonthSpread], paths: u32) -> Vec<StageReached> {
    let Some(first) = months.first() else {
        return Vec::new();
    };
    let lowest = first.stage_paths.first().map_or(0, |(stage, _)| *stage);
    let highest = months
        .iter()
        .flat_map(|month| month.stage_paths.iter().map(|(stage, _)| *stage))
        .max()
        .unwrap_or(lowest);
    (lowest + 1..=highest)
        .map(|stage| {
            let first_month_with = |percent: u64| {
                months
                    .iter()
                    .find(|month| {
                        let at_or_past: u64 = month
                            .stage_paths
                            .iter()
                            .filter(|(number, _)| *number >= stage)
                            .map(|(_, paths_in)| u64::from(*paths_in))
                            .sum();
                        100 * at_or_past >= percent * u64::from(paths)
                    })
                    .map(|month| month.number)
            };
            StageReached {
                stage,
                by_half: first_month_with(50),
                by_nine_in_ten: first_month_with(90),
            }
        })
        .collect()
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast generator whose
/// stream is fixed by its seed, so the same command prints the same bytes.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A step in `0..=DRAW_STEPS`, every one equally likely (the bias of a
    /// remainder of 2^64 is below one in 10^13).
    fn step(&mut self) -> u64 {
        self.next() % (DRAW_STEPS + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::Scenario;
    use crate::model::plan::fixtures::{built_in_data as data, heroku_scenario};
    use crate::model::projection::{Growth, plan_months, project};

    fn template() -> Scenario {
        heroku_scenario(0, Decimal::ZERO)
    }

    fn uncertain(growth: Range, churn: Range, months: u32) -> UncertainGrowth {
        UncertainGrowth {
            customers: 20,
            mrr: Decimal::from(2_000),
            growth,
            churn,
            mrr_growth: None,
            months,
        }
    }

    /// Reaching a stage is counted in paths, not summed from rounded
    /// shares: 6 of 12 paths at stage 2 or later is exactly half.
    #[test]
    fn stages_are_reached_by_exact_counts() {
        let month = MonthSpread {
            number: 1,
            customers: EMPTY_COUNT,
            mrr: money_spread(&mut []),
            cost: money_spread(&mut []),
            share: Spread {
                p10: None,
                p50: None,
                p90: None,
            },
            stages: Vec::new(),
            above_guidance: Percent::new(Decimal::ZERO),
            over_ceiling: Percent::new(Decimal::ZERO),
            stage_paths: vec![(1, 6), (2, 1), (3, 1), (4, 4)],
            above_guidance_paths: 0,
            over_ceiling_paths: 0,
        };
        let reached = stages_reached(&[month], 12);
        assert_eq!(reached[0].stage, 2);
        assert_eq!(reached[0].by_half, Some(1));
        assert_eq!(reached[0].by_nine_in_ten, None);
    }

    /// A range whose top takes a path past the limits is refused before
    /// any path is drawn, whatever the number of paths.
    #[test]
    fn a_range_past_the_limits_is_refused_whatever_the_paths() {
        let data = data();
        let planner = Planner::new(&data, &template());
        let growth = uncertain(
            Range {
                low: Decimal::from(10),
                high: Decimal::from(1_000),
            },
            Range::exactly(Decimal::ZERO),
            120,
        );
        assert!(matches!(
            simulate(&planner, &growth, 1, 1),
            Err(SimulationError::PastLimits(_))
        ));
    }

    #[test]
    fn percentiles_are_nearest_ranks() {
        let mut values: Vec<u64> = (1..=20).rev().collect();
        let spread = Spread::of(&mut values).unwrap();
        assert_eq!((spread.p10, spread.p50, spread.p90), (2, 10, 18));
        assert_eq!(Spread::of(&mut [7_u64]).unwrap().p10, 7);
        assert_eq!(Spread::<u64>::of(&mut []), None);
    }

    /// Without spread every path is the roadmap: its median is the
    /// deterministic `roadmap`, month by month.
    #[test]
    fn a_run_without_spread_is_the_roadmap() {
        let data = data();
        let growth = uncertain(
            Range::exactly(Decimal::from(25)),
            Range::exactly(Decimal::from(2)),
            36,
        );
        let planner = Planner::new(&data, &template());
        let simulation = simulate(&planner, &growth, 7, 1).unwrap();
        let inputs = project(&Growth {
            customers: 20,
            mrr: Decimal::from(2_000),
            growth_percent: Decimal::from(25),
            mrr_growth_percent: None,
            churn_percent: Decimal::from(2),
            months: 36,
        })
        .unwrap();
        let roadmap = plan_months(&data, &template(), &inputs, Money::ZERO).unwrap();
        assert_eq!(simulation.months.len(), roadmap.len());
        let mut spend = Money::ZERO;
        for (simulated, month) in simulation.months.iter().zip(&roadmap) {
            let all = |spread: Spread<Money>| [spread.p10, spread.p50, spread.p90];
            assert_eq!(simulated.customers.p50, month.customers);
            assert_eq!(simulated.customers.p10, simulated.customers.p90);
            assert_eq!(all(simulated.mrr), [Money::round(month.mrr); 3]);
            assert_eq!(all(simulated.cost), [month.quote.total; 3]);
            assert_eq!(
                simulated.stages,
                [(
                    month.quote.selection.stage.number,
                    Percent::new(Decimal::ONE_HUNDRED)
                )]
            );
            assert_eq!(
                simulated.share.p50.map(Percent::shown),
                month.quote.assessment.share.map(Percent::shown)
            );
            assert_eq!(
                simulated.above_guidance.value().is_zero(),
                month.quote.assessment.verdict == Verdict::WithinGuidance
            );
            spend = spend + month.quote.total;
        }
        assert_eq!(simulation.total_spend.p50, spend);
        assert!(
            roadmap.last().unwrap().quote.selection.stage.number > 1,
            "the run crosses a stage"
        );
    }

    #[test]
    fn percentiles_are_ordered_and_stage_shares_add_up() {
        let data = data();
        let planner = Planner::new(&data, &template());
        let growth = uncertain(
            Range {
                low: Decimal::from(10),
                high: Decimal::from(40),
            },
            Range {
                low: Decimal::ONE,
                high: Decimal::from(5),
            },
            36,
        );
        let simulation = simulate(&planner, &growth, 2_000, 7).unwrap();
        for month in &simulation.months {
            assert!(month.customers.p10 <= month.customers.p50);
            assert!(month.customers.p50 <= month.customers.p90);
            assert!(month.cost.p10 <= month.cost.p50 && month.cost.p50 <= month.cost.p90);
            let share = month.share;
            assert!(share.p10 <= share.p50 && share.p50 <= share.p90);
            assert!(share.p90.is_some(), "every path has revenue here");
            let paths: Decimal = month.stages.iter().map(|(_, share)| share.value()).sum();
            assert_eq!(paths, Decimal::ONE_HUNDRED, "month {}", month.number);
            assert!(month.over_ceiling <= month.above_guidance);
        }
        let last = simulation.months.last().unwrap();
        assert!(last.customers.p10 < last.customers.p90, "the range spreads");
        let reached = simulation.stages_reached.first().unwrap();
        assert!(reached.by_half <= reached.by_nine_in_ten || reached.by_nine_in_ten.is_none());
        // The same seed, the same numbers; another seed, other draws.
        assert_eq!(simulate(&planner, &growth, 2_000, 7).unwrap(), simulation);
        assert_ne!(simulate(&planner, &growth, 2_000, 8).unwrap(), simulation);
    }
}
