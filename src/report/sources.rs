//! The prices a report's stages can bill, each with the public page it was
//! read from and the date: the table every HTML page ends with, so a reader
//! can check any number in one click.

use crate::model::cost::Commitment;
use crate::model::money::format_unit_price;
use crate::model::prices::Catalog;
use crate::model::stage::{SkuChoice, Variant};

use super::table::{Align, Table};

/// Every SKU the lines of `variants` can bill (each tier of a tiered line),
/// once, in the order the variants list them; when any of `commitments`
/// is a 1-year one, the committed price too where the provider sells one.
pub(crate) fn price_sources<'a>(
    catalog: &Catalog,
    variants: impl IntoIterator<Item = &'a Variant>,
    commitments: impl IntoIterator<Item = Commitment>,
) -> Table {
    let committed = commitments
        .into_iter()
        .any(|commitment| commitment == Commitment::OneYear);
    let mut table = Table::new(&[
        ("SKU", Align::Left),
        ("What", Align::Left),
        ("Unit price", Align::Right),
        ("Read on", Align::Left),
        ("Source", Align::Left),
    ]);
    let mut seen: Vec<&str> = Vec::new();
    let ids = variants
        .into_iter()
        .flat_map(|variant| &variant.components)
        .flat_map(|component| &component.lines)
        .flat_map(|line| match &line.sku {
            SkuChoice::Sku(id) => vec![id.as_str()],
            SkuChoice::SkuByTier(tiers) => {
                tiers.tiers.iter().map(|tier| tier.sku.as_str()).collect()
            }
        });
    for id in ids {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        // Validation checked every SKU a stage names is in the catalog.
        let Some(sku) = catalog.get(id) else {
            continue;
        };
        let unit = sku.unit.name();
        table.row(vec![
            sku.id.clone(),
            sku.description.clone(),
            format!("{} per {unit}", format_unit_price(sku.price)),
            sku.source.as_of.clone(),
            sku.source.url.clone(),
        ]);
        if let (true, Some(committed)) = (committed, &sku.commitment_1yr) {
            table.row(vec![
                sku.id.clone(),
                committed.terms.clone(),
                format!("{} per {unit}", format_unit_price(committed.price)),
                committed.source.as_of.clone(),
                committed.source.url.clone(),
            ]);
        }
    }
    table
}
