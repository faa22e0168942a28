//! Named scenarios side by side, and the lines whose cost differs most
//! between them. Pure: plans in, a comparison out.

use indexmap::IndexMap;

use crate::model::money::Money;
use crate::model::plan::Plan;

/// A line priced in some of the scenarios, with its cost in each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifferingLine {
    /// Component name.
    pub component: String,
    /// SKU id.
    pub sku: String,
    /// The line's label, where it has one (`primary`, `standby`).
    pub label: Option<String>,
    /// Monthly cost in each scenario, in order; zero where it is not priced.
    pub monthly: Vec<Money>,
}

impl DifferingLine {
    /// The most less the least it costs across the scenarios.
    pub fn spread(&self) -> Money {
        let most = self.monthly.iter().max().copied().unwrap_or(Money::ZERO);
        let least = self.monthly.iter().min().copied().unwrap_or(Money::ZERO);
        most - least
    }
}

/// The lines whose monthly cost differs most between `plans`, at most `limit`,
/// largest spread first (ties in the order lines first appear).
pub fn differing_lines(plans: &[&Plan<'_>], limit: usize) -> Vec<DifferingLine> {
    // Keyed by borrowed names: a line is only written out if it is kept.
    let mut costs: IndexMap<(&str, &str, Option<&str>), Vec<Money>> = IndexMap::new();
    for (column, plan) in plans.iter().enumerate() {
        for line in &plan.estimate.lines {
            let key = (
                line.component.name.as_str(),
                line.sku.id.as_str(),
                line.label,
            );
            let monthly = costs
                .entry(key)
                .or_insert_with(|| vec![Money::ZERO; plans.len()]);
            monthly[column] = monthly[column] + line.monthly;
        }
    }
    let mut lines: Vec<(Money, DifferingLine)> = costs
        .into_iter()
        .map(|((component, sku, label), monthly)| {
            let line = DifferingLine {
                component: component.to_owned(),
                sku: sku.to_owned(),
                label: label.map(str::to_owned),
                monthly,
            };
            (line.spread(), line)
        })
        .filter(|(spread, _)| *spread > Money::ZERO)
        .collect();
    // A stable sort keeps first-seen order among equal spreads: same input, same output.
    lines.sort_by_key(|(spread, _)| std::cmp::Reverse(*spread));
    lines.truncate(limit);
    lines.into_iter().map(|(_, line)| line).collect()
}
