//! The built-in data: embedded completely, valid, inside the roadmap's bands,
//! and every price cited.

use std::collections::BTreeSet;
use std::fs;

use infraplan::cli::DataArgs;
use infraplan::cost::Commitment;
use infraplan::data::embedded;
use infraplan::data::usage::UsageOverrides;
use infraplan::load_data;
use infraplan::money::Money;
use infraplan::plan::{Data, Scenario, price_stage};
use infraplan::select::variant_for;
use rust_decimal::Decimal;

use crate::support::{project_dir, tree};

fn builtin() -> Data {
    load_data(&DataArgs {
        stages: None,
        prices: None,
    })
    .expect("the built-in data loads and validates")
}

/// A scenario at `customers` with default usage and on-demand prices.
fn scenario(customers: u64) -> Scenario {
    Scenario {
        customers,
        mrr: Decimal::from(100_000),
        platform: "heroku".to_owned(),
        forced_stage: None,
        usage: UsageOverrides::default(),
        commitment: Commitment::None,
    }
}

fn names_in(folder: &str) -> BTreeSet<String> {
    fs::read_dir(project_dir().join(folder))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect()
}

fn names_of(table: &[(&str, &str)]) -> BTreeSet<String> {
    table.iter().map(|(name, _)| (*name).to_owned()).collect()
}

#[test]
fn every_data_file_is_embedded() {
    assert_eq!(names_of(embedded::STAGES), names_in("stages"));
    assert_eq!(names_of(embedded::PRICES), names_in("prices"));
    // Every file at any depth (`aws/.github/workflows/deploy.yml.hbs`).
    let templates: BTreeSet<String> = tree(&project_dir().join("templates")).into_keys().collect();
    assert_eq!(names_of(embedded::TEMPLATES), templates);
}

#[test]
fn built_in_data_loads_and_validates() {
    let data = builtin();
    let numbers: Vec<u32> = data.stages.all().iter().map(|stage| stage.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
}

/// The roadmap's bands: $50–200, $200–1,000, $1,000–5,000 a month.
#[test]
fn default_usage_keeps_every_stage_inside_its_band_at_both_ends() {
    let data = builtin();
    let mut checked = 0;
    for stage in data.stages.all() {
        // Stage 3 is open-ended; the roadmap's band is checked up to 1,000 customers.
        let top = stage.customers.max.unwrap_or(1_000);
        for platform in ["heroku", "render"] {
            let (variant, _) = variant_for(stage, platform).unwrap();
            for customers in [stage.customers.min, top] {
                let total = price_stage(&data, stage, variant, &scenario(customers))
                    .unwrap()
                    .total;
                assert!(
                    total >= Money::round(stage.band.low) && total <= Money::round(stage.band.high),
                    "stage {} on {variant} at {customers} customers costs {total}, outside {}–{}",
                    stage.number,
                    stage.band.low,
                    stage.band.high
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 12);
}

#[test]
fn every_price_is_used_by_some_stage() {
    let data = builtin();
    let stages_text: String = embedded::STAGES.iter().map(|(_, text)| *text).collect();
    for sku in data.catalog.skus() {
        assert!(
            stages_text.contains(&format!("\"{}\"", sku.id)),
            "{} is priced but no stage uses it",
            sku.id
        );
    }
}

#[test]
fn every_price_cites_a_source_that_states_it() {
    // Loading already refuses an excerpt that does not state the price; this
    // pins the other half: every SKU has a dated https source.
    let data = builtin();
    for sku in data.catalog.skus() {
        assert!(sku.source.url.starts_with("https://"), "{}", sku.id);
        assert_eq!(sku.source.as_of.len(), 10, "{}", sku.id);
        assert!(sku.price >= Decimal::ZERO, "{}", sku.id);
    }
}
