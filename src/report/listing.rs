//! `infraplan stages` and `infraplan prices`: the data, as users read it.

use serde::Serialize;

use super::html::{Block, Document};
use super::plan::range_text;
use super::table::{Align, Fit, Table, paragraphs};
use super::{REPORT_SCHEMA_VERSION, Report};
use crate::model::money::{Money, format_quantity, format_unit_price};
use crate::model::prices::{Catalog, Sku};
use crate::model::stage::{Count, Guidance, Line, Quantity, SkuChoice, Stage, Stages};

/// `infraplan stages`: every stage, with its range, band, budget, usage
/// defaults and components.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct StagesListing<'a> {
    schema_version: u32,
    stages: &'a [Stage],
}

impl StagesListing<'_> {
    /// The listing of `stages`.
    pub(crate) fn new(stages: &Stages) -> StagesListing<'_> {
        StagesListing {
            schema_version: REPORT_SCHEMA_VERSION,
            stages: stages.all(),
        }
    }

    fn joined(&self, fit: Option<Fit>) -> String {
        self.stages
            .iter()
            .map(|stage| stage_text(stage, fit))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Report for StagesListing<'_> {
    fn to_text(&self, fit: Fit) -> String {
        self.joined(Some(fit))
    }

    fn to_markdown(&self) -> String {
        self.joined(None)
    }

    fn to_document(&self) -> Document {
        let mut document = Document::new("infraplan stages");
        document.push(Block::Preformatted(self.joined(Some(Fit::Wide))));
        document
    }
}

/// `infraplan prices`: every SKU with its price and source.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct PricesListing<'a> {
    schema_version: u32,
    skus: Vec<&'a Sku>,
}

impl PricesListing<'_> {
    /// The listing of `catalog`.
    pub(crate) fn new(catalog: &Catalog) -> PricesListing<'_> {
        PricesListing {
            schema_version: REPORT_SCHEMA_VERSION,
            skus: catalog.skus().collect(),
        }
    }

    fn table(&self) -> Table {
        let mut table = Table::new(&[
            ("SKU", Align::Left),
            ("Description", Align::Below),
            ("Unit", Align::Left),
            ("Price", Align::Right),
            ("1-year price", Align::Right),
            ("Free a month", Align::Right),
            ("Region", Align::Left),
            ("As of", Align::Below),
            ("Source", Align::Below),
        ]);
        for sku in &self.skus {
            table.row(vec![
                sku.id.clone(),
                sku.description.clone(),
                sku.unit.name().to_owned(),
                format_unit_price(sku.price),
                sku.commitment_1yr
                    .as_ref()
                    .map_or_else(String::new, |committed| format_unit_price(committed.price)),
                sku.free_per_month
                    .as_ref()
                    .map_or_else(String::new, |free| format_quantity(free.amount)),
                sku.region.clone().unwrap_or_else(|| "any".to_owned()),
                sku.source.as_of.clone(),
                sku.source.url.clone(),
            ]);
        }
        table
    }
}

impl Report for PricesListing<'_> {
    fn to_text(&self, fit: Fit) -> String {
        self.table().to_text(fit)
    }

    fn to_markdown(&self) -> String {
        self.table().to_markdown()
    }

    fn to_document(&self) -> Document {
        let mut document = Document::new("infraplan prices");
        document.table(
            "Every list price, the date it was read, and the public page it was read from",
            self.table(),
        );
        document
    }
}

/// A stage as text fitted as `fit` says, or as Markdown without it.
fn stage_text(stage: &Stage, fit: Option<Fit>) -> String {
    let heading = format!(
        "Stage {}: {} (customers {}, roadmap band {}–{} a month)",
        stage.number,
        stage.name,
        range_text(&stage.customers),
        Money::round(stage.band.low),
        Money::round(stage.band.high)
    );
    let guidance = match stage.budget.guidance {
        Guidance::UnderMonthly(amount) => format!("under {} a month", Money::round(amount)),
        Guidance::UnderPercentOfMrr(percent) => format!("under {}% of MRR", percent.normalize()),
    };
    let budget = format!(
        "Budget: the roadmap's \"{}\" guidance, {guidance}; overall ceiling under {}% of MRR.",
        stage.budget.label,
        stage.budget.ceiling_percent_of_mrr.normalize()
    );
    let mut usage = Table::new(&[
        ("Usage metric", Align::Left),
        ("Per customer a month", Align::Right),
        ("Unit", Align::Left),
        ("Why", Align::Below),
    ]);
    for (metric, default) in &stage.usage_per_customer {
        usage.row(vec![
            metric.clone(),
            format_quantity(default.value),
            default.unit.clone(),
            default.why.clone(),
        ]);
    }
    let mut out = match fit {
        None => format!(
            "## {heading}\n\n{}\n\n{budget}\n\n{}\n",
            stage.summary,
            usage.to_markdown()
        ),
        Some(fit) => format!(
            "{}\n{}\n",
            paragraphs(&format!("{heading}\n{}\n{budget}", stage.summary), fit, 2),
            usage.to_text(fit)
        ),
    };
    for (name, variant) in &stage.variants {
        let mut components = Table::new(&[
            ("Component", Align::Left),
            ("Sizing", Align::Left),
            ("Why", Align::Below),
        ]);
        for component in &variant.components {
            let sizing: Vec<String> = component.lines.iter().map(describe_line).collect();
            components.row(vec![
                format!("{} ({})", component.name, component.id),
                sizing.join("; "),
                component.why.clone(),
            ]);
        }
        match fit {
            None => out.push_str(&format!(
                "### Variant `{name}`: {}\n\n{}\n",
                variant.title,
                components.to_markdown()
            )),
            Some(fit) => out.push_str(&format!(
                "Variant {name}: {}\n{}\n",
                variant.title,
                components.to_text(fit)
            )),
        }
    }
    out
}

/// How a line is sized, in a few words: `heroku.dyno.standard-2x: 1 per 50 customers, 2–4`.
fn describe_line(line: &Line) -> String {
    let sku = match &line.sku {
        SkuChoice::Sku(id) => id.clone(),
        SkuChoice::SkuByTier(tiers) => {
            let steps: Vec<String> = tiers
                .tiers
                .iter()
                .map(|tier| match tier.up_to {
                    Some(up_to) => format!("{} up to {}", tier.sku, format_quantity(up_to)),
                    None => format!("{} above", tier.sku),
                })
                .collect();
            format!("by {}: {}", tiers.metric, steps.join(", "))
        }
    };
    let quantity = match &line.quantity {
        Quantity::Count(Count::Fixed(count)) => format!("fixed {count}"),
        Quantity::Count(Count::Scale(scale)) => format!(
            "1 per {} customers, {}–{}",
            scale.per_customers, scale.min, scale.max
        ),
        Quantity::Usage(rule) => {
            let mut text = format!("usage: {}", rule.metric);
            for metric in &rule.also {
                text.push_str(&format!(" + {metric}"));
            }
            if rule.multiplier != rust_decimal::Decimal::ONE {
                text.push_str(&format!(" × {}", format_quantity(rule.multiplier)));
            }
            if !rule.minimum.is_zero() {
                text.push_str(&format!(", at least {}", format_quantity(rule.minimum)));
            }
            if let Some(step) = rule.round_up_to {
                text.push_str(&format!(", in steps of {}", format_quantity(step)));
            }
            text
        }
        Quantity::PerInstance(per) => {
            format!(
                "{} per {} instance",
                format_quantity(per.amount),
                per.component
            )
        }
    };
    match line.each {
        Some(each) => format!("{sku}: {quantity}, {} each", format_quantity(each)),
        None => format!("{sku}: {quantity}"),
    }
}
