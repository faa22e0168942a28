//! The months ahead: customers and MRR month by month, each month planned like
//! `infraplan plan` would plan it, with the changes between months, totals by
//! quarter (the roadmap's Exercise 2) and what to do where cost breaks the
//! budget. Pure: data and numbers in, plans out.

use rust_decimal::Decimal;

use serde::Serialize;

use crate::model::cost::Commitment;
use crate::model::diff::{Change, Side, diff};
use crate::model::limits;
use crate::model::money::Money;
use crate::model::plan::{Data, PlanError, Planner, Quote, Scenario, Verdict};

/// Growth to project from today's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Growth {
    /// Customers in month 1.
    pub customers: u64,
    /// MRR in month 1.
    pub mrr: Decimal,
    /// New customers a month, percent of the month before.
    pub growth_percent: Decimal,
    /// MRR growth a month, percent; by default MRR follows customers.
    pub mrr_growth_percent: Option<Decimal>,
    /// Customers lost a month, percent of the month before.
    pub churn_percent: Decimal,
    /// Months to plan.
    pub months: u32,
}

/// One month's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthInput {
    /// Customers, whole.
    pub customers: u64,
    /// MRR, to the cent.
    pub mrr: Decimal,
}

/// Growth that takes a month past what infraplan plans for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastLimits {
    /// The month, 1-based.
    pub month: u32,
    /// Customers or MRR, whichever went past its limit.
    pub what: limits::Limited,
}

/// Month by month from `growth`: customers grow by growth less churn, compounded
/// exactly and rounded to whole customers each month; MRR follows customers
/// (the same revenue per customer) unless its own growth is given, and is
/// rounded to the cent. Fails at the first month past
/// [`limits::MAX_CUSTOMERS`] or [`limits::MAX_MRR`].
pub fn project(growth: &Growth) -> Result<Vec<MonthInput>, PastLimits> {
    let mut compounding = Compounding::new(
        growth.customers,
        growth.mrr,
        growth.growth_percent - growth.churn_percent,
        growth.mrr_growth_percent,
    );
    (1..=growth.months)
        .map(|month| compounding.next_month(month))
        .collect()
}

/// Customers and MRR compounding month by month from month 1: the one
/// projection `roadmap` and its simulation share, so a path without spread
/// is the roadmap.
///
/// The numbers carried from month to month are whole numbers of
/// 10^-14 customers and 10^-12 dollars (`CUSTOMER_PLACES`, `MRR_PLACES`), each
/// month's product rounded half to even: a month is two integer
/// multiplications, and what is cut is many orders of magnitude below a
/// whole customer or a cent (decimal compounding would grow to 28 places
/// within months and cost a rescale on every step).
#[derive(Debug, Clone)]
pub struct Compounding {
    customers: i128,
    mrr: i128,
    customer_factor: Factor,
    mrr_factor: Factor,
}

/// Places of a customer carried from month to month.
const CUSTOMER_PLACES: u32 = 14;
/// Places of a dollar of MRR carried from month to month.
const MRR_PLACES: u32 = 12;
/// [`limits::MAX_MRR`] in carried units: a trillion dollars at 12 places.
const MAX_CARRIED_MRR: i128 = 1_000_000_000_000 * 10_i128.pow(MRR_PLACES);
/// Places a growth factor keeps (a rate given to more is rounded).
const FACTOR_PLACES: u32 = 12;

/// A monthly growth factor, `mantissa` × 10^-`scale`, never negative.
#[derive(Debug, Clone, Copy)]
struct Factor {
    /// At most 11 × 10^12: an `i64` holds it, and keeps a path's state small.
    mantissa: i64,
    scale: u32,
}

impl Factor {
    /// 1 + `percent` / 100, at most [`FACTOR_PLACES`] places, from zero to
    /// 11: the flags allow growth up to 1,000% a month, and more is taken
    /// as that.
    fn of(percent: Decimal) -> Factor {
        let factor =
            (Decimal::ONE + percent / Decimal::ONE_HUNDRED).clamp(Decimal::ZERO, Decimal::from(11));
        let factor = factor.round_dp_with_strategy(
            FACTOR_PLACES,
            rust_decimal::RoundingStrategy::MidpointNearestEven,
        );
        Factor {
            mantissa: i64::try_from(factor.mantissa())
                .unwrap_or_else(|_| unreachable!("11 at 12 places fits an i64")),
            scale: factor.scale(),
        }
    }

    /// `value` grown by the factor, rounded half to even to `value`'s places.
    /// Callers keep `value` under its limit, so the product fits: 10^23 at
    /// most times a factor of at most 11 at 12 places.
    fn grow(self, value: i128) -> i128 {
        let product = value * i128::from(self.mantissa);
        let divisor = 10_i128.pow(self.scale);
        // One division: an `i128` division is a library call, and the
        // remainder is cheaper as a product.
        let quotient = product / divisor;
        let remainder = product - quotient * divisor;
        match (2 * remainder).cmp(&divisor) {
            std::cmp::Ordering::Less => quotient,
            std::cmp::Ordering::Greater => quotient + 1,
            std::cmp::Ordering::Equal => quotient + (quotient % 2),
        }
    }
}

impl Compounding {
    /// From month 1's numbers, net growth (growth less churn, percent a
    /// month) and MRR's own growth if it has one (else MRR follows customers).
    pub fn new(
        customers: u64,
        mrr: Decimal,
        net_growth_percent: Decimal,
        mrr_growth_percent: Option<Decimal>,
    ) -> Compounding {
        let customer_factor = Factor::of(net_growth_percent);
        let mut carried_mrr = mrr.min(limits::MAX_MRR * Decimal::TWO);
        carried_mrr.rescale(MRR_PLACES);
        Compounding {
            customers: i128::from(customers.min(limits::MAX_CUSTOMERS + 1))
                * 10_i128.pow(CUSTOMER_PLACES),
            mrr: carried_mrr.mantissa(),
            customer_factor,
            mrr_factor: mrr_growth_percent.map_or(customer_factor, Factor::of),
        }
    }

    /// This month's whole customers and MRR to the cent, then a month on.
    /// `month` is the number to name if a limit is passed.
    pub fn next_month(&mut self, month: u32) -> Result<MonthInput, PastLimits> {
        let past = |what| PastLimits { month, what };
        let whole_customers = u64::try_from(half_away(self.customers, CUSTOMER_PLACES))
            .ok()
            .filter(|count| *count <= limits::MAX_CUSTOMERS)
            .ok_or(past(limits::Limited::Customers))?;
        let mrr_cents = half_away(self.mrr, MRR_PLACES - 2);
        let mrr = Decimal::from_i128_with_scale(mrr_cents, 2);
        if self.mrr > MAX_CARRIED_MRR {
            return Err(past(limits::Limited::Mrr));
        }
        self.customers = self.customer_factor.grow(self.customers);
        self.mrr = self.mrr_factor.grow(self.mrr);
        Ok(MonthInput {
            customers: whole_customers,
            mrr,
        })
    }
}

/// `value` × 10^-`places`, rounded half away from zero to a whole number;
/// `value` is not negative.
fn half_away(value: i128, places: u32) -> i128 {
    let divisor = 10_i128.pow(places);
    (value + divisor / 2) / divisor
}

/// One month, planned.
#[derive(Debug, Clone)]
pub struct Month<'a> {
    /// 1, 2, 3…
    pub number: u32,
    /// Customers.
    pub customers: u64,
    /// MRR, to the cent.
    pub mrr: Decimal,
    /// The stage, its total and the verdict.
    pub quote: Quote<'a>,
    /// The stage's fixed baseline this month: its cost with every usage at
    /// zero.
    pub baseline: Money,
    /// What changed from the month before.
    pub change: MonthChange,
    /// At a move up a stage: what it costs against staying, and when the
    /// new stage costs less.
    pub moved: Option<crate::model::economics::Move>,
    /// Where the month breaks the budget, the cheaper options, priced.
    pub levers: Vec<Lever>,
}

/// A component whose infrastructure changes from one month to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ComponentChange {
    /// How: added, removed, replaced or resized.
    pub change: Change,
    /// The component's name.
    pub component: String,
}

/// What changed from the month before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthChange {
    /// The stages, when the month moves to another: (from, to).
    pub stage_change: Option<(u32, u32)>,
    /// Components added, removed, replaced or resized (usage growing is not
    /// a change to the infrastructure).
    pub components: Vec<ComponentChange>,
    /// This month's total less last month's.
    pub cost_step: Money,
    /// The migration steps of a stage change.
    pub migration: Vec<crate::model::diff::MigrationStep>,
}

/// A cheaper option for a month above guidance or over the ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lever {
    /// Buy capacity with 1-year commitments.
    Commit {
        /// The month's total with them.
        committed: Money,
        /// The month's total without.
        current: Money,
    },
    /// Stay on the stage below for the same customers.
    StayOnStage {
        /// That stage.
        stage: u32,
        /// Its total.
        total: Money,
    },
}

/// A stage change within a quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    /// The month it happens.
    pub month: u32,
    /// The stage left.
    pub from: u32,
    /// The stage reached.
    pub to: u32,
    /// That month's total less the month before's.
    pub cost_step: Money,
    /// Components added, removed, replaced or resized.
    pub components: Vec<ComponentChange>,
}

/// Three months of the roadmap, as in Exercise 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarter {
    /// First month.
    pub first: u32,
    /// Last month.
    pub last: u32,
    /// The stage changes in it.
    pub upgrades: Vec<Upgrade>,
    /// The months' costs added up.
    pub total: Money,
}

/// Plans every month of `inputs` like `plan` would, with `template` giving the
/// platform, usage, forced stage and commitment. Stages are compiled once,
/// and a month keeps its quote, not its lines.
pub fn plan_months<'a>(
    data: &'a Data,
    template: &Scenario,
    inputs: &[MonthInput],
    migration_cost: Money,
) -> Result<Vec<Month<'a>>, PlanError> {
    let planner = Planner::new(data, template);
    let idle = Planner::new(data, &crate::model::economics::idle(data, template));
    let committed = (template.commitment == Commitment::None).then(|| {
        Planner::new(
            data,
            &Scenario {
                commitment: Commitment::OneYear,
                ..template.clone()
            },
        )
    });
    let mut months: Vec<Month<'a>> = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        let quote = planner.quote(input.customers, input.mrr)?;
        let change = match months.last() {
            Some(before) => month_change(&planner, before, &quote, input.customers, template)?,
            None => MonthChange::default(),
        };
        let moved = match change.stage_change {
            Some((from, to)) if to > from => match data.stages.get(from) {
                Some(from) => Some(crate::model::economics::when_to_move(
                    &planner,
                    from,
                    quote.selection.stage,
                    input.customers,
                    migration_cost,
                )?),
                None => None,
            },
            _ => None,
        };
        months.push(Month {
            number: u32::try_from(index + 1).unwrap_or(u32::MAX),
            customers: input.customers,
            mrr: input.mrr,
            quote,
            baseline: idle.price(input.customers)?.1,
            change,
            moved,
            levers: levers(&planner, committed.as_ref(), &quote, input)?,
        });
    }
    Ok(months)
}

/// What changed from `before` to the month quoted as `quote`. Within a
/// stage whose lines keep their SKUs and instances only usage grew, so the
/// lines are priced and compared only where a stage or a size changes.
fn month_change<'a>(
    planner: &Planner<'a>,
    before: &Month<'a>,
    quote: &Quote<'a>,
    customers: u64,
    template: &Scenario,
) -> Result<MonthChange, PlanError> {
    let (from, to) = (before.quote.selection, quote.selection);
    let cost_step = quote.total - before.quote.total;
    if std::ptr::eq(from.stage, to.stage)
        && planner.same_shape(to.stage, before.customers, customers)?
    {
        return Ok(MonthChange {
            cost_step,
            ..MonthChange::default()
        });
    }
    let from_estimate = planner.estimate(from.stage, before.customers)?;
    let to_estimate = planner.estimate(to.stage, customers)?;
    let moved = diff(
        Side::new(from, &from_estimate, &template.platform),
        Side::new(to, &to_estimate, &template.platform),
        planner.stages(),
    );
    Ok(MonthChange {
        stage_change: moved.stage_change,
        components: moved
            .changed_components()
            .map(|(change, component)| ComponentChange {
                change,
                component: component.to_owned(),
            })
            .collect(),
        cost_step: moved.delta(),
        migration: moved.migration,
    })
}

/// For a month above guidance or over the ceiling: the cheaper options,
/// priced (1-year commitments, the stage below when over the ceiling).
fn levers<'a>(
    planner: &Planner<'a>,
    committed: Option<&Planner<'a>>,
    quote: &Quote<'a>,
    input: &MonthInput,
) -> Result<Vec<Lever>, PlanError> {
    let verdict = quote.assessment.verdict;
    if !matches!(verdict, Verdict::AboveGuidance | Verdict::OverCeiling) {
        return Ok(Vec::new());
    }
    let mut levers = Vec::new();
    if let Some(committed) = committed
        && let Ok(with_commitment) = committed.quote(input.customers, input.mrr)
        && with_commitment.total < quote.total
    {
        levers.push(Lever::Commit {
            committed: with_commitment.total,
            current: quote.total,
        });
    }
    if verdict == Verdict::OverCeiling
        && let Some(below) = planner.stages().before(quote.selection.stage.number)
        && let Some(cheaper) = planner.alternative(below, input.customers, Some(input.mrr))?
    {
        levers.push(Lever::StayOnStage {
            stage: cheaper.stage.number,
            total: cheaper.total,
        });
    }
    Ok(levers)
}

/// Exercise 2's table: months 1–3, 4–6… with upgrades and cost.
pub fn quarters(months: &[Month<'_>]) -> Vec<Quarter> {
    months
        .chunks(3)
        .map(|chunk| Quarter {
            first: chunk[0].number,
            last: chunk[chunk.len() - 1].number,
            upgrades: chunk
                .iter()
                .filter_map(|month| {
                    month.change.stage_change.map(|(from, to)| Upgrade {
                        month: month.number,
                        from,
                        to,
                        cost_step: month.change.cost_step,
                        components: month.change.components.clone(),
                    })
                })
                .collect(),
            total: chunk.iter().map(|month| month.quote.total).sum(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The carried whole numbers give the months exact decimal compounding
    /// gives, over a grid of rates, starts and three years.
    #[test]
    fn carried_compounding_matches_decimal_compounding() {
        use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
        let rates = (-1_000..=10_000)
            .step_by(37)
            .map(|tenths| Decimal::new(tenths, 1) + Decimal::new(123_457, 7));
        assert_eq!(MAX_CARRIED_MRR, {
            let mut most = limits::MAX_MRR;
            most.rescale(MRR_PLACES);
            most.mantissa()
        });
        for rate in rates {
            for (start, mrr) in [
                (20_u64, Decimal::from(2_000)),
                (1_234, Decimal::new(9_876_543, 2)),
            ] {
                let mut carried = Compounding::new(start, mrr, rate, None);
                let factor = Decimal::ONE + rate / Decimal::ONE_HUNDRED;
                let (mut customers, mut revenue) = (Decimal::from(start), mrr);
                for month in 1..=36 {
                    let Ok(input) = carried.next_month(month) else {
                        break;
                    };
                    let expected = customers.round_dp_with_strategy(0, MidpointAwayFromZero);
                    assert_eq!(
                        Decimal::from(input.customers),
                        expected,
                        "{rate}% month {month}"
                    );
                    assert_eq!(
                        input.mrr,
                        revenue.round_dp_with_strategy(2, MidpointAwayFromZero),
                        "{rate}% month {month}"
                    );
                    customers = (customers * factor).max(Decimal::ZERO);
                    revenue = (revenue * factor).max(Decimal::ZERO);
                }
            }
        }
    }
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn customers_compound_and_mrr_follows_them() {
        let months = project(&Growth {
            customers: 20,
            mrr: dec("2000"),
            growth_percent: dec("25"),
            mrr_growth_percent: None,
            churn_percent: Decimal::ZERO,
            months: 5,
        })
        .unwrap();
        let customers: Vec<u64> = months.iter().map(|month| month.customers).collect();
        // 20, 25, 31.25, 39.0625, 48.828125
        assert_eq!(customers, [20, 25, 31, 39, 49]);
        let mrr: Vec<Decimal> = months.iter().map(|month| month.mrr).collect();
        let expected: Vec<Decimal> = ["2000", "2500", "3125", "3906.25", "4882.81"]
            .map(dec)
            .to_vec();
        assert_eq!(mrr, expected);
    }

    #[test]
    fn churn_offsets_growth_and_mrr_can_grow_on_its_own() {
        let months = project(&Growth {
            customers: 100,
            mrr: dec("10000"),
            growth_percent: dec("10"),
            mrr_growth_percent: Some(dec("5")),
            churn_percent: dec("4"),
            months: 3,
        })
        .unwrap();
        let customers: Vec<u64> = months.iter().map(|month| month.customers).collect();
        assert_eq!(customers, [100, 106, 112]);
        assert_eq!(months[2].mrr, dec("11025.00"));
    }

    #[test]
    fn customers_never_go_below_zero() {
        let months = project(&Growth {
            customers: 10,
            mrr: dec("100"),
            growth_percent: Decimal::ZERO,
            mrr_growth_percent: None,
            churn_percent: dec("150"),
            months: 3,
        })
        .unwrap();
        assert_eq!(months[2].customers, 0);
        assert_eq!(months[2].mrr, Decimal::ZERO);
    }

    #[test]
    fn growth_past_the_limits_names_the_month() {
        let doubling = Growth {
            customers: 20,
            mrr: dec("2000"),
            growth_percent: dec("100"),
            mrr_growth_percent: None,
            churn_percent: Decimal::ZERO,
            months: 84,
        };
        // 20 × 2^26 = 1,342,177,280 customers in month 27.
        assert_eq!(
            project(&doubling),
            Err(PastLimits {
                month: 27,
                what: limits::Limited::Customers
            })
        );
        let rich = Growth {
            mrr_growth_percent: Some(dec("1000")),
            growth_percent: Decimal::ZERO,
            ..doubling
        };
        // $2,000 × 11^9 passes a trillion in month 10.
        assert_eq!(
            project(&rich),
            Err(PastLimits {
                month: 10,
                what: limits::Limited::Mrr
            })
        );
    }

    /// The shortcut `month_change` takes is sound: wherever a stage keeps
    /// its SKUs and instances between two customer counts, comparing the
    /// lines finds no change to the infrastructure.
    #[test]
    fn the_same_shape_means_no_infrastructure_change() {
        let data = crate::load_data(&crate::app::cli::DataArgs {
            stages: None,
            prices: None,
        })
        .unwrap();
        let mut shortcuts = 0;
        for platform in ["heroku", "render"] {
            let template = Scenario {
                customers: 0,
                mrr: Decimal::ZERO,
                platform: platform.to_owned(),
                forced_stage: None,
                usage: crate::model::usage::UsageOverrides::default(),
                commitment: Commitment::None,
            };
            let planner = Planner::new(&data, &template);
            for stage in data.stages.all() {
                for customers in 0..3_000_u64 {
                    for step in [1, 7] {
                        let later = customers + step;
                        if !planner.same_shape(stage, customers, later).unwrap() {
                            continue;
                        }
                        let (from, to) = (
                            planner.estimate(stage, customers).unwrap(),
                            planner.estimate(stage, later).unwrap(),
                        );
                        let selection = crate::model::select::select(
                            &data.stages,
                            customers,
                            platform,
                            Some(stage.number),
                        )
                        .unwrap();
                        let moved = diff(
                            Side::new(selection, &from, platform),
                            Side::new(selection, &to, platform),
                            &data.stages,
                        );
                        assert_eq!(moved.changed_components().count(), 0, "{customers}→{later}");
                        shortcuts += 1;
                    }
                }
            }
        }
        assert!(shortcuts > 30_000, "{shortcuts}");
    }
}
