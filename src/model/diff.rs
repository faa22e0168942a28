//! What moving from one plan to another changes, like a Terraform plan for
//! costs: components added, removed, replaced and resized, each line's cost
//! change, the total change, and at a stage change the migration steps.
//!
//! Pure: two plans in, a description of the move out.

use serde::Serialize;

use crate::model::cost::{Estimate, PricedLine};
use crate::model::money::Money;
use crate::model::plan::Plan;
use crate::model::select::{Selection, variant_for};
use crate::model::stage::Stages;

/// How a line or component changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// New in the target plan.
    Added,
    /// Gone from the target plan.
    Removed,
    /// Bought from another provider or product (a dyno becomes an EC2 instance).
    Replaced,
    /// A different size, plan or count of the same product.
    Resized,
    /// More or less usage of the same product (storage, requests): growth,
    /// not a change to the infrastructure.
    Grown,
    /// The same quantity at another price (a 1-year commitment).
    Repriced,
    /// Nothing changes.
    Unchanged,
}

impl Change {
    /// The symbol a Terraform plan would use, for text reports.
    pub fn symbol(self) -> &'static str {
        match self {
            Change::Added => "+",
            Change::Removed => "-",
            Change::Replaced => "-/+",
            Change::Resized | Change::Repriced | Change::Grown => "~",
            Change::Unchanged => " ",
        }
    }
}

/// One line's change.
#[derive(Debug, Clone)]
pub struct LineDiff<'a> {
    /// The line in the plan moved from.
    pub from: Option<&'a PricedLine<'a>>,
    /// The line in the plan moved to.
    pub to: Option<&'a PricedLine<'a>>,
    /// How it changes.
    pub change: Change,
    /// Monthly cost after less before.
    pub delta: Money,
}

/// One component's change.
#[derive(Debug, Clone)]
pub struct ComponentDiff<'a> {
    /// The component's id.
    pub id: String,
    /// Its name (from the target plan when it is in both).
    pub name: String,
    /// How it changes as a whole.
    pub change: Change,
    /// Monthly cost before.
    pub from_monthly: Money,
    /// Monthly cost after.
    pub to_monthly: Money,
    /// Its lines, matched by position.
    pub lines: Vec<LineDiff<'a>>,
}

/// A move from one plan to another.
#[derive(Debug, Clone)]
pub struct PlanDiff<'a> {
    /// Every component of either plan, the target's first.
    pub components: Vec<ComponentDiff<'a>>,
    /// Total before.
    pub from_total: Money,
    /// Total after.
    pub to_total: Money,
    /// The stages, when they differ: (from, to).
    pub stage_change: Option<(u32, u32)>,
    /// The steps of a move to another stage.
    pub migration: Vec<MigrationStep>,
}

/// One step of moving between stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationStep {
    /// A step the stage data gives for moving into stage `into` from the one
    /// before it.
    Up {
        /// The stage moved into.
        into: u32,
        /// The step, as the stage file words it.
        step: String,
    },
    /// Moving down from stage `from` to stage `to`: the moves up, reversed.
    Down {
        /// The stage left.
        from: u32,
        /// The stage moved to.
        to: u32,
    },
}

impl PlanDiff<'_> {
    /// Total after less total before.
    pub fn delta(&self) -> Money {
        self.to_total - self.from_total
    }

    /// The components whose infrastructure changes, and how (usage
    /// growing is not listed).
    pub fn changed_components(&self) -> impl Iterator<Item = (Change, &str)> {
        self.components
            .iter()
            .filter(|component| !matches!(component.change, Change::Unchanged | Change::Grown))
            .map(|component| (component.change, component.name.as_str()))
    }
}

/// One side of a move: a stage variant priced for some customers.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The stage and variant.
    pub selection: Selection<'a>,
    /// Its priced lines.
    pub lines: &'a [PricedLine<'a>],
    /// Their total.
    pub total: Money,
    /// The PaaS the scenario names, which the stages crossed run on.
    pub platform: &'a str,
}

impl<'a> Side<'a> {
    /// `selection` priced as `estimate`, for a scenario on `platform`.
    pub fn new(selection: Selection<'a>, estimate: &'a Estimate<'a>, platform: &'a str) -> Self {
        Side {
            selection,
            lines: &estimate.lines,
            total: estimate.total,
            platform,
        }
    }

    /// The side a plan stands for.
    pub fn of(plan: &'a Plan<'a>) -> Self {
        Side::new(plan.selection, &plan.estimate, &plan.scenario.platform)
    }
}

/// The move from `from` to `to`.
pub fn diff<'a>(from: Side<'a>, to: Side<'a>, stages: &Stages) -> PlanDiff<'a> {
    let mut ids: Vec<&str> = Vec::new();
    for line in to.lines.iter().chain(from.lines) {
        if !ids.contains(&line.component.id.as_str()) {
            ids.push(&line.component.id);
        }
    }
    let components = ids
        .into_iter()
        .map(|id| component_diff(id, lines_of(from, id), lines_of(to, id)))
        .collect();
    let (from_stage, to_stage) = (from.selection.stage.number, to.selection.stage.number);
    let stage_change = (from_stage != to_stage).then_some((from_stage, to_stage));
    PlanDiff {
        components,
        from_total: from.total,
        to_total: to.total,
        stage_change,
        migration: migration_steps(from, to, stages),
    }
}

fn lines_of<'a>(side: Side<'a>, id: &str) -> Vec<&'a PricedLine<'a>> {
    side.lines
        .iter()
        .filter(|line| line.component.id == id)
        .collect()
}

fn component_diff<'a>(
    id: &str,
    from: Vec<&'a PricedLine<'a>>,
    to: Vec<&'a PricedLine<'a>>,
) -> ComponentDiff<'a> {
    let name = to
        .first()
        .or(from.first())
        .map_or_else(|| id.to_owned(), |line| line.component.name.clone());
    let from_monthly = from.iter().map(|line| line.monthly).sum();
    let to_monthly = to.iter().map(|line| line.monthly).sum();
    let lines: Vec<LineDiff<'a>> = pair_lines(&from, &to)
        .into_iter()
        .map(|(before, after)| line_diff(before, after))
        .collect();
    let any = |kinds: &[Change]| lines.iter().any(|line| kinds.contains(&line.change));
    let change = if from.is_empty() {
        Change::Added
    } else if to.is_empty() {
        Change::Removed
    } else if any(&[Change::Replaced]) {
        Change::Replaced
    } else if any(&[Change::Resized, Change::Added, Change::Removed]) {
        Change::Resized
    } else if any(&[Change::Repriced]) {
        Change::Repriced
    } else if any(&[Change::Grown]) {
        Change::Grown
    } else {
        Change::Unchanged
    };
    ComponentDiff {
        id: id.to_owned(),
        name,
        change,
        from_monthly,
        to_monthly,
        lines,
    }
}

/// Lines of one component before and after: the same SKU and label first
/// (the same thing, perhaps resized), then what is left in order where one
/// can stand for the other (the same unit, or another provider's product: a
/// dyno replaced by a Fargate task), then what only one side has.
fn pair_lines<'a>(
    from: &[&'a PricedLine<'a>],
    to: &[&'a PricedLine<'a>],
) -> Vec<(Option<&'a PricedLine<'a>>, Option<&'a PricedLine<'a>>)> {
    let same = |before: &PricedLine<'_>, after: &PricedLine<'_>| {
        before.sku.id == after.sku.id && before.label == after.label
    };
    let mut taken = vec![false; to.len()];
    let mut pairs: Vec<(Option<&'a PricedLine<'a>>, Option<&'a PricedLine<'a>>)> = Vec::new();
    let mut unmatched = Vec::new();
    for before in from {
        match (0..to.len()).find(|&index| !taken[index] && same(before, to[index])) {
            Some(index) => {
                taken[index] = true;
                pairs.push((Some(*before), Some(to[index])));
            }
            None => unmatched.push(*before),
        }
    }
    let stands_for = |before: &PricedLine<'_>, after: &PricedLine<'_>| {
        before.sku.unit == after.sku.unit || before.sku.provider != after.sku.provider
    };
    for before in unmatched {
        match (0..to.len()).find(|&index| !taken[index] && stands_for(before, to[index])) {
            Some(index) => {
                taken[index] = true;
                pairs.push((Some(before), Some(to[index])));
            }
            None => pairs.push((Some(before), None)),
        }
    }
    pairs.extend(
        (0..to.len())
            .filter(|&index| !taken[index])
            .map(|index| (None, Some(to[index]))),
    );
    pairs
}

fn line_diff<'a>(from: Option<&'a PricedLine<'a>>, to: Option<&'a PricedLine<'a>>) -> LineDiff<'a> {
    let monthly = |line: Option<&PricedLine<'_>>| line.map_or(Money::ZERO, |line| line.monthly);
    let change = match (from, to) {
        (None, _) => Change::Added,
        (_, None) => Change::Removed,
        (Some(before), Some(after)) if before.sku.id != after.sku.id => {
            if before.sku.provider == after.sku.provider {
                Change::Resized
            } else {
                Change::Replaced
            }
        }
        (Some(before), Some(after)) if before.provisioned != after.provisioned => {
            if after.usage_based {
                Change::Grown
            } else {
                Change::Resized
            }
        }
        (Some(before), Some(after)) if before.monthly != after.monthly => Change::Repriced,
        _ => Change::Unchanged,
    };
    LineDiff {
        from,
        to,
        change,
        delta: monthly(to) - monthly(from),
    }
}

/// Each stage crossed going up lists how to move into it from the variant
/// being left; going down reverses the move.
fn migration_steps(from: Side<'_>, to: Side<'_>, stages: &Stages) -> Vec<MigrationStep> {
    let (low, high) = (from.selection.stage.number, to.selection.stage.number);
    if high < low {
        return vec![MigrationStep::Down {
            from: low,
            to: high,
        }];
    }
    let mut steps = Vec::new();
    let mut leaving = from.selection.variant_name.to_owned();
    for number in low + 1..=high {
        let Some(stage) = stages.get(number) else {
            continue;
        };
        if let Some(stage_steps) = stage.migration_from.get(&leaving) {
            steps.extend(stage_steps.iter().map(|step| MigrationStep::Up {
                into: number,
                step: step.clone(),
            }));
        }
        if let Ok((variant, _)) = variant_for(stage, from.platform) {
            variant.clone_into(&mut leaving);
        }
    }
    steps
}
