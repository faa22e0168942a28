//! A full plan for one scenario: the stage and why, every priced line, the
//! share of MRR against the roadmap's guidance, the cheaper stage when the
//! ceiling is broken, and what the next stage would cost.
//!
//! Pure: everything is computed from loaded data and a [`Scenario`].

use std::cell::OnceCell;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::cost::{Commitment, CompiledVariant, Estimate, Overflow, UsageProfile};
use crate::model::money::{Money, Percent};
use crate::model::prices::Catalog;
use crate::model::roadmap::Roadmap;
use crate::model::select::{SelectError, Selection, select, variant_for};
use crate::model::stage::{Guidance, SkuChoice, Stage, Stages};
use crate::model::usage::UsageOverrides;

/// The PaaS for new plans and folders when none is named. Render, since
/// Heroku moved to sustaining engineering (no new features) on 2026-02-06;
/// the roadmap names both, and both stay fully supported.
pub const DEFAULT_PLATFORM: &str = "render";

/// The built-in data, or the user's replacement for it.
#[derive(Debug, Clone)]
pub struct Data {
    /// Every SKU and its price.
    pub catalog: Catalog,
    /// Every stage.
    pub stages: Stages,
    /// The roadmap's operating targets.
    pub roadmap: Roadmap,
}

/// What the user tells infraplan about their business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Paying customers.
    pub customers: u64,
    /// Monthly recurring revenue, US dollars.
    pub mrr: Decimal,
    /// The PaaS for the stages that run on one (`heroku`, `render`).
    pub platform: String,
    /// A stage to use whatever the customer count says.
    pub forced_stage: Option<u32>,
    /// Usage that replaces stage defaults.
    pub usage: UsageOverrides,
    /// How capacity is bought.
    pub commitment: Commitment,
}

/// How a total measures up to the roadmap's budget guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Under the stage's guidance (and so under the ceiling).
    WithinGuidance,
    /// Over the stage's guidance but under the overall ceiling.
    AboveGuidance,
    /// At or over the overall ceiling (20% of MRR).
    OverCeiling,
}

impl Verdict {
    /// The verdict as reports print it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::WithinGuidance => "within guidance",
            Verdict::AboveGuidance => "above guidance",
            Verdict::OverCeiling => "over the ceiling",
        }
    }

    /// The verdict as JSON and CSV carry it.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::WithinGuidance => "within_guidance",
            Verdict::AboveGuidance => "above_guidance",
            Verdict::OverCeiling => "over_ceiling",
        }
    }
}

/// A budget gate for CI: which verdicts fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Above the stage's guidance, or over the ceiling.
    AboveGuidance,
    /// Over the ceiling only.
    OverCeiling,
}

impl Gate {
    /// Whether `verdict` breaks the gate.
    pub fn is_broken_by(self, verdict: Verdict) -> bool {
        match self {
            Gate::AboveGuidance => matches!(verdict, Verdict::AboveGuidance | Verdict::OverCeiling),
            Gate::OverCeiling => verdict == Verdict::OverCeiling,
        }
    }

    /// The flag value.
    pub fn name(self) -> &'static str {
        match self {
            Gate::AboveGuidance => "above-guidance",
            Gate::OverCeiling => "over-ceiling",
        }
    }
}

/// A total judged against a stage's budget.
#[derive(Debug, Clone, Copy)]
pub struct Assessment {
    /// The total as a share of MRR; none when MRR is zero.
    pub share: Option<Percent>,
    /// The stage's guidance in dollars for this MRR ($0 for a share of an MRR of 0).
    pub guidance_amount: Money,
    /// The ceiling in dollars for this MRR ($0 when MRR is 0).
    pub ceiling_amount: Money,
    /// The verdict.
    pub verdict: Verdict,
}

/// Judges `total` against `stage`'s budget. The roadmap's limits are
/// "under": a total equal to a limit breaks it. A limit that is a share of
/// MRR is $0 when MRR is 0, so any positive cost breaks it; a dollar limit
/// (stage 1's "under $200 a month") applies whatever the MRR.
pub fn assess(total: Money, mrr: Decimal, stage: &Stage) -> Assessment {
    let ceiling = stage.budget.ceiling_percent_of_mrr;
    let guidance_amount = match stage.budget.guidance {
        Guidance::UnderMonthly(amount) => Money::round(amount),
        Guidance::UnderPercentOfMrr(percent) => Money::percent_of(percent, mrr),
    };
    Assessment {
        share: total.share_of(mrr),
        guidance_amount,
        ceiling_amount: Money::percent_of(ceiling, mrr),
        verdict: verdict(total, mrr, stage),
    }
}

/// The verdict on `total` against `stage`'s budget at `mrr`, without
/// working out the share: a total breaks "under P% of MRR" when
/// total × 100 ≥ P × MRR, which is the share compared exactly, and any
/// positive cost breaks it at an MRR of 0.
pub fn verdict(total: Money, mrr: Decimal, stage: &Stage) -> Verdict {
    let breaks_share = |percent: Decimal| {
        if mrr.is_zero() {
            total > Money::ZERO
        } else {
            // Inside the limits both products are far inside a decimal;
            // past a decimal's range the larger side is the one that
            // overflowed.
            match (
                total.amount().checked_mul(Decimal::ONE_HUNDRED),
                percent.checked_mul(mrr),
            ) {
                (Some(hundredfold), Some(limit)) => hundredfold >= limit,
                (None, _) => true,
                (Some(_), None) => false,
            }
        }
    };
    let guidance_broken = match stage.budget.guidance {
        Guidance::UnderMonthly(amount) => total.amount() >= amount,
        Guidance::UnderPercentOfMrr(percent) => breaks_share(percent),
    };
    if breaks_share(stage.budget.ceiling_percent_of_mrr) {
        Verdict::OverCeiling
    } else if guidance_broken {
        Verdict::AboveGuidance
    } else {
        Verdict::WithinGuidance
    }
}

/// Another stage priced for comparison.
#[derive(Debug, Clone)]
pub struct Alternative<'a> {
    /// The stage.
    pub stage: &'a Stage,
    /// The variant it would run on.
    pub variant_name: &'a str,
    /// The customer count it is priced at.
    pub customers: u64,
    /// The MRR it is judged against (none when it cannot be known).
    pub mrr: Option<Decimal>,
    /// Its total.
    pub total: Money,
    /// Its total judged against its budget, when `mrr` is known.
    pub assessment: Option<Assessment>,
}

/// A scenario fully planned.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The scenario planned.
    pub scenario: Scenario,
    /// The stage and variant.
    pub selection: Selection<'a>,
    /// Every line and the total.
    pub estimate: Estimate<'a>,
    /// The total against the budget.
    pub assessment: Assessment,
    /// The stage below, priced for the same scenario, when this one breaks the ceiling.
    pub cheaper: Option<Alternative<'a>>,
    /// The next stage, priced at the customer count that triggers it.
    pub next: Option<Alternative<'a>>,
}

impl<'a> Plan<'a> {
    /// The plan's stage, total and verdict.
    pub fn quote(&self) -> Quote<'a> {
        Quote {
            selection: self.selection,
            total: self.estimate.total,
            assessment: self.assessment,
        }
    }
}

/// Why a scenario cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// No stage or variant fits the scenario.
    Select(SelectError),
    /// A line of a stage costs more than infraplan computes exactly.
    Overflow {
        /// The stage file.
        file: String,
        /// The line's key in it (`variants.aws.components[6].lines[0]`).
        key: String,
        /// The SKU priced.
        sku: String,
        /// The customer count priced.
        customers: u64,
    },
}

impl From<SelectError> for PlanError {
    fn from(error: SelectError) -> Self {
        PlanError::Select(error)
    }
}

/// Plans a scenario.
pub fn plan<'a>(data: &'a Data, scenario: &Scenario) -> Result<Plan<'a>, PlanError> {
    Planner::new(data, scenario).plan(scenario.customers, scenario.mrr)
}

/// A stage, its variant and its total for a customer count, judged against
/// its budget: what roadmaps, comparisons and simulations need of a month or
/// a scenario, without the lines.
#[derive(Debug, Clone, Copy)]
pub struct Quote<'a> {
    /// The stage and variant.
    pub selection: Selection<'a>,
    /// The monthly total.
    pub total: Money,
    /// The total against the budget.
    pub assessment: Assessment,
}

/// Every stage compiled once for a scenario's platform, usage and
/// commitment, so that planning another customer count and MRR is
/// arithmetic only.
#[derive(Debug, Clone)]
pub struct Planner<'a> {
    data: &'a Data,
    scenario: Scenario,
    /// Each stage's variant for the platform and its name, in stage order,
    /// compiled when first asked for (a plan needs two or three), or why
    /// the stage has none.
    compiled: Vec<OnceCell<Result<(&'a str, CompiledVariant<'a>), SelectError>>>,
}

impl<'a> Planner<'a> {
    /// Compiles every stage for `scenario` (its customers and MRR are not used).
    pub fn new(data: &'a Data, scenario: &Scenario) -> Self {
        Planner {
            data,
            scenario: scenario.clone(),
            compiled: data.stages.all().iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// Whether this planner plans `scenario`: the same platform, forced
    /// stage, usage and commitment.
    pub fn serves(&self, scenario: &Scenario) -> bool {
        let mine = &self.scenario;
        mine.platform == scenario.platform
            && mine.forced_stage == scenario.forced_stage
            && mine.usage == scenario.usage
            && mine.commitment == scenario.commitment
    }

    /// The stages planned from.
    pub fn stages(&self) -> &'a Stages {
        &self.data.stages
    }

    /// The scenario at `customers` and `mrr`.
    fn scenario_at(&self, customers: u64, mrr: Decimal) -> Scenario {
        Scenario {
            customers,
            mrr,
            ..self.scenario.clone()
        }
    }

    /// The stage, variant and total for `customers`, not yet judged: what a
    /// simulation keeps per customer count, since it depends on nothing else.
    pub fn price(&self, customers: u64) -> Result<(Selection<'a>, Money), PlanError> {
        let selection = self.select(customers)?;
        Ok((selection, self.stage_total(selection.stage, customers)?))
    }

    /// The stage, variant and total for `customers`, judged against `mrr`.
    pub fn quote(&self, customers: u64, mrr: Decimal) -> Result<Quote<'a>, PlanError> {
        let (selection, total) = self.price(customers)?;
        Ok(Quote {
            selection,
            total,
            assessment: assess(total, mrr, selection.stage),
        })
    }

    /// Every line for `customers`, judged against `mrr`, with the cheaper
    /// stage when the ceiling is broken and the next stage.
    pub fn plan(&self, customers: u64, mrr: Decimal) -> Result<Plan<'a>, PlanError> {
        let scenario = self.scenario_at(customers, mrr);
        let selection = self.select(customers)?;
        let stage = selection.stage;
        let estimate = self.estimate(stage, customers)?;
        let assessment = assess(estimate.total, mrr, stage);
        let cheaper = match self.data.stages.before(stage.number) {
            Some(below) if assessment.verdict == Verdict::OverCeiling => {
                self.alternative(below, customers, Some(mrr))?
            }
            _ => None,
        };
        let next = match self.data.stages.after(stage.number) {
            Some(above) => {
                let at = above.customers.min.max(customers);
                self.alternative(above, at, mrr_at(&scenario, at))?
            }
            None => None,
        };
        Ok(Plan {
            scenario,
            selection,
            estimate,
            assessment,
            cheaper,
            next,
        })
    }

    /// Every line of `stage`, on the platform's variant, for `customers`.
    pub fn estimate(&self, stage: &'a Stage, customers: u64) -> Result<Estimate<'a>, PlanError> {
        let (variant_name, compiled) = self.compiled_for(stage)?;
        compiled
            .estimate(customers)
            .map_err(|overflow| overflow_error(stage, variant_name, overflow, customers))
    }

    /// Whether `stage` bills the same SKUs for the same instances at both
    /// customer counts (see [`CompiledVariant::same_shape`]).
    pub fn same_shape(&self, stage: &'a Stage, one: u64, other: u64) -> Result<bool, PlanError> {
        Ok(self.compiled_for(stage)?.1.same_shape(one, other))
    }

    /// `stage`'s monthly total, on the platform's variant, for `customers`,
    /// whatever stage the count would select.
    pub fn stage_total(&self, stage: &'a Stage, customers: u64) -> Result<Money, PlanError> {
        let (variant_name, compiled) = self.compiled_for(stage)?;
        compiled
            .total(customers)
            .map_err(|overflow| overflow_error(stage, variant_name, overflow, customers))
    }

    /// `stage` priced for `customers` and judged against `mrr` when it is
    /// known; `None` when the stage has no variant for the platform.
    pub fn alternative(
        &self,
        stage: &'a Stage,
        customers: u64,
        mrr: Option<Decimal>,
    ) -> Result<Option<Alternative<'a>>, PlanError> {
        let Ok((variant_name, _)) = self.compiled_for(stage) else {
            return Ok(None);
        };
        let total = self.stage_total(stage, customers)?;
        Ok(Some(Alternative {
            stage,
            variant_name,
            customers,
            mrr,
            total,
            assessment: mrr.map(|mrr| assess(total, mrr, stage)),
        }))
    }

    fn select(&self, customers: u64) -> Result<Selection<'a>, SelectError> {
        select(
            &self.data.stages,
            customers,
            &self.scenario.platform,
            self.scenario.forced_stage,
        )
    }

    /// `stage`'s variant for the platform, compiled on first use.
    fn compiled_for(
        &self,
        stage: &'a Stage,
    ) -> Result<(&'a str, &CompiledVariant<'a>), SelectError> {
        let index = self
            .data
            .stages
            .all()
            .iter()
            .position(|known| known.number == stage.number)
            .ok_or_else(|| SelectError::UnknownStage {
                asked: stage.number,
                known: self
                    .data
                    .stages
                    .all()
                    .iter()
                    .map(|known| known.number)
                    .collect(),
            })?;
        let compiled = self.compiled[index].get_or_init(|| {
            let (variant_name, variant) = variant_for(stage, &self.scenario.platform)?;
            let usage = UsageProfile::new(stage, &self.scenario.usage);
            let compiled = CompiledVariant::compile(
                variant,
                &self.data.catalog,
                usage,
                self.scenario.commitment,
            );
            Ok((variant_name, compiled))
        });
        match compiled {
            Ok((variant_name, compiled)) => Ok((variant_name, compiled)),
            Err(error) => Err(error.clone()),
        }
    }
}

/// The error for a line past what infraplan computes exactly, naming its key.
fn overflow_error(
    stage: &Stage,
    variant_name: &str,
    overflow: Overflow,
    customers: u64,
) -> PlanError {
    let variant = &stage.variants[variant_name];
    let line = &variant.components[overflow.component].lines[overflow.line];
    PlanError::Overflow {
        file: stage.file.clone(),
        key: format!(
            "variants.{variant_name}.components[{}].lines[{}]",
            overflow.component, overflow.line
        ),
        sku: match &line.sku {
            SkuChoice::Sku(id) => id.clone(),
            SkuChoice::SkuByTier(tiers) => tiers.metric.clone(),
        },
        customers,
    }
}

/// MRR at another customer count, at today's revenue per customer; unknown
/// when there is no revenue per customer to go by.
fn mrr_at(scenario: &Scenario, customers: u64) -> Option<Decimal> {
    if scenario.customers == 0 || scenario.mrr.is_zero() {
        return None;
    }
    let mrr = scenario
        .mrr
        .checked_mul(Decimal::from(customers))?
        .checked_div(Decimal::from(scenario.customers))?;
    Some(Money::round(mrr).amount())
}

/// What the model's tests plan on: the built-in data and a Heroku scenario.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Data, Scenario};
    use crate::model::cost::Commitment;
    use crate::model::usage::UsageOverrides;
    use rust_decimal::Decimal;

    /// The data embedded in the binary.
    pub(crate) fn built_in_data() -> Data {
        crate::app::load_data(&crate::app::cli::DataArgs {
            stages: None,
            prices: None,
        })
        .unwrap()
    }

    /// `customers` on Heroku at `mrr`, on demand, with default usage.
    pub(crate) fn heroku_scenario(customers: u64, mrr: Decimal) -> Scenario {
        Scenario {
            customers,
            mrr,
            platform: "heroku".to_owned(),
            forced_stage: None,
            usage: UsageOverrides::default(),
            commitment: Commitment::None,
        }
    }
}
