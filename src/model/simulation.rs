//! Growth as a range: many paths of customers and MRR, each planned exactly
//! as `plan` plans a scenario, summed up month by month as percentiles and
//! probabilities. Pure: ranges and a seed in, aggregates out.
//!
//! Each path draws its rates once, uniformly from each range, and keeps them
//! for the whole horizon: a range says how unsure the founder is of the rate,
//! not how it wobbles from month to month (which averages out over a year and
//! would make the spread look far narrower than the doubt). Uniform, because
//! two bounds say nothing of a shape in between.

use rust_decimal::Decimal;

use crate::model::histogram::Histogram;
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

/// Slots of the price memo, a power of two.
const MEMO_SLOTS: usize = 1 << 14;

/// Month totals by customer count: a month's total depends only on it, and
/// paths share counts within a month and across months. Direct-mapped, so
/// its memory is fixed whatever the paths: a count takes the slot its hash
/// picks, and displaces whatever count was there.
struct PriceMemo<'a> {
    slots: Vec<Option<(u64, Selection<'a>, Money)>>,
}

impl<'a> PriceMemo<'a> {
    fn new() -> Self {
        PriceMemo {
            slots: vec![None; MEMO_SLOTS],
        }
    }

    /// The stage and total at `customers`, priced by `planner` unless known.
    fn price(
        &mut self,
        planner: &Planner<'a>,
        customers: u64,
    ) -> Result<(Selection<'a>, Money), PlanError> {
        // Fibonacci hashing: the top bits of one multiplication.
        let slot =
            (customers.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - MEMO_SLOTS.ilog2())) as usize;
        match self.slots[slot] {
            Some((known, selection, total)) if known == customers => Ok((selection, total)),
            _ => {
                let (selection, total) = planner.price(customers)?;
                self.slots[slot] = Some((customers, selection, total));
                Ok((selection, total))
            }
        }
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
/// rank, read from a [`Histogram`]: exact where the rank's bucket holds
/// one value, else a value some path has within 0.4% of it).
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

impl Spread<Option<u64>> {
    /// The percentiles of `histogram`, of which `total` values were counted
    /// in all: those kept apart rank above it and read as `None`.
    fn of(histogram: &Histogram, total: u64) -> Spread<Option<u64>> {
        Spread {
            p10: histogram.percentile(10, total),
            p50: histogram.percentile(50, total),
            p90: histogram.percentile(90, total),
        }
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

impl Simulation {
    /// The median path's verdict in `month`: over the ceiling, or above
    /// guidance, when more than half the paths are (counted, not rounded).
    pub fn median_verdict(&self, month: &MonthSpread) -> Verdict {
        let most = |paths: u32| 2 * u64::from(paths) > u64::from(self.paths);
        if most(month.over_ceiling_paths) {
            Verdict::OverCeiling
        } else if most(month.above_guidance_paths) {
            Verdict::AboveGuidance
        } else {
            Verdict::WithinGuidance
        }
    }
}

/// Why a simulation cannot run.
#[derive(Debug, Clone)]
pub enum SimulationError {
    /// A path goes past what infraplan plans for.
    PastLimits(PastLimits),
    /// A month cannot be planned.
    Plan(PlanError),
}

/// One month's values over the paths seen so far.
#[derive(Default)]
struct MonthTally {
    customers: Histogram,
    /// MRR in cents.
    mrr: Histogram,
    /// The total in cents.
    cost: Histogram,
    /// The share of MRR in tenths of a percent, as it is shown.
    share: Histogram,
    /// Paths in each stage, by stage number.
    stages: Vec<(u32, u32)>,
    above: u32,
    over: u32,
}

impl MonthTally {
    /// Counts one path's month.
    fn record(
        &mut self,
        customers: u64,
        mrr_cents: u64,
        total_cents: u64,
        stage: u32,
        verdict: Verdict,
    ) {
        match verdict {
            Verdict::WithinGuidance => {}
            Verdict::AboveGuidance => self.above += 1,
            Verdict::OverCeiling => {
                self.above += 1;
                self.over += 1;
            }
        }
        // A path without revenue is kept out of the shares: it ranks
        // above every one of them.
        if mrr_cents > 0 {
            self.share.record(tenths_of_percent(total_cents, mrr_cents));
        }
        match self.stages.iter_mut().find(|(number, _)| *number == stage) {
            Some((_, paths_in)) => *paths_in += 1,
            None => self.stages.push((stage, 1)),
        }
        self.customers.record(customers);
        self.mrr.record(mrr_cents);
        self.cost.record(total_cents);
    }
}

/// Paths run side by side, month by month: many enough that the pages of a
/// month's histograms, once loaded, serve many paths (the measured best of
/// 1,024, 4,096 and 16,384); their state is under a megabyte whatever the
/// paths asked for.
const PATHS_AT_ONCE: u32 = 16_384;

/// Simulates `paths` paths of `growth` from `seed`, each month of each path
/// planned by `planner`. Memory does not follow the paths: they run a block
/// at a time, each month's values counted into histograms whose size
/// follows the span of the values, not their number.
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
    let mut tallies: Vec<MonthTally> = (0..growth.months).map(|_| MonthTally::default()).collect();
    let mut total_spend = Histogram::default();
    let mut priced = PriceMemo::new();
    let mut left = paths;
    while left > 0 {
        let block = left.min(PATHS_AT_ONCE);
        left -= block;
        let mut states: Vec<Compounding> = (0..block)
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
        // Amounts are counted as whole cents (and a share as tenths of a
        // percent, as it is shown): whole numbers are what histograms hold.
        let mut spend = vec![0_u64; states.len()];
        for (number, tally) in (1..).zip(&mut tallies) {
            for (state, spent) in states.iter_mut().zip(&mut spend) {
                let MonthInput {
                    customers,
                    mrr: mrr_now,
                } = state
                    .next_month(number)
                    .map_err(SimulationError::PastLimits)?;
                let (selection, total) = priced
                    .price(planner, customers)
                    .map_err(SimulationError::Plan)?;
                let total_cents = cents(total);
                tally.record(
                    customers,
                    cents(Money::round(mrr_now)),
                    total_cents,
                    selection.stage.number,
                    verdict(total, mrr_now, selection.stage),
                );
                *spent = spent.saturating_add(total_cents);
            }
        }
        for spent in spend {
            total_spend.record(spent);
        }
    }
    let all = u64::from(paths);
    let share_of_paths = |paths_in: u32| Percent::of_counts(paths_in as usize, paths as usize);
    let months: Vec<MonthSpread> = (1..)
        .zip(tallies)
        .map(|(number, mut tally)| {
            tally.stages.sort_unstable();
            MonthSpread {
                number,
                customers: Spread::of(&tally.customers, all).map(Option::unwrap_or_default),
                mrr: money_spread(&tally.mrr, all),
                cost: money_spread(&tally.cost, all),
                share: Spread::of(&tally.share, all).map(|tenths| {
                    tenths.map(|tenths| {
                        Percent::new(Decimal::from_i128_with_scale(i128::from(tenths), 1))
                    })
                }),
                stages: tally
                    .stages
                    .iter()
                    .map(|(stage, paths_in)| (*stage, share_of_paths(*paths_in)))
                    .collect(),
                above_guidance: share_of_paths(tally.above),
                over_ceiling: share_of_paths(tally.over),
                stage_paths: tally.stages,
                above_guidance_paths: tally.above,
                over_ceiling_paths: tally.over,
            }
        })
        .collect();
    Ok(Simulation {
        paths,
        seed,
        stages_reached: stages_reached(&months, paths),
        total_spend: money_spread(&total_spend, all),
        months,
    })
}

/// Whole cents of an amount that is never negative and at most a
/// [`limits::MAX_MONTHLY_COST`](crate::model::limits::MAX_MONTHLY_COST).
fn cents(amount: Money) -> u64 {
    u64::try_from(amount.cents()).unwrap_or(u64::MAX)
}

/// The percentiles of amounts in cents, as money (zero for no paths).
fn money_spread(cents: &Histogram, total: u64) -> Spread<Money> {
    Spread::of(cents, total).map(|cents| Money::from_cents(i128::from(cents.unwrap_or(0))))
}

/// `part` of `whole` in tenths of a percent, rounded half away from zero as
/// a share is shown; `whole` is positive, both are amounts of cents.
fn tenths_of_percent(part: u64, whole: u64) -> u64 {
    let tenths = (u128::from(part) * 2_000 + u128::from(whole)) / (u128::from(whole) * 2);
    u64::try_from(tenths).unwrap_or(u64::MAX)
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
            customers: Spread {
                p10: 0,
                p50: 0,
                p90: 0,
            },
            mrr: money_spread(&Histogram::default(), 0),
            cost: money_spread(&Histogram::default(), 0),
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
