//! Named scenarios side by side, and the lines whose cost differs most
//! between them. Pure: plans in, a comparison out.

use crate::model::money::Money;
use crate::model::plan::Plan;

/// A line priced in some of the scenarios, with its cost in each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifferingLine {
    /// Component name.
    pub component: String,
    /// SKU id, with the line's label where it has one.
    pub sku: String,
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
    let mut lines: Vec<DifferingLine> = Vec::new();
    for (column, plan) in plans.iter().enumerate() {
        for line in &plan.estimate.lines {
            let sku = match line.label {
                Some(label) => format!("{} ({label})", line.sku.id),
                None => line.sku.id.clone(),
            };
            let component = line.component.name.clone();
            let index = lines
                .iter()
                .position(|known| known.component == component && known.sku == sku)
                .unwrap_or_else(|| {
                    lines.push(DifferingLine {
                        component,
                        sku,
                        monthly: vec![Money::ZERO; plans.len()],
                    });
                    lines.len() - 1
                });
            lines[index].monthly[column] = lines[index].monthly[column] + line.monthly;
        }
    }
    lines.retain(|line| line.spread() > Money::ZERO);
    // A stable sort keeps first-seen order among equal spreads: same input, same output.
    lines.sort_by_key(|line| std::cmp::Reverse(line.spread()));
    lines.truncate(limit);
    lines
}
