//! The built-in data: embedded completely, valid, inside the roadmap's bands,
//! and every price cited.

use std::collections::BTreeSet;
use std::fs;

use infraplan::app::cli::DataArgs;
use infraplan::catalog::embedded;
use infraplan::load_data;
use infraplan::model::cost::Commitment;
use infraplan::model::money::Money;
use infraplan::model::plan::{Data, Planner, Scenario};
use infraplan::model::select::variant_for;
use infraplan::model::usage::UsageOverrides;
use rust_decimal::Decimal;

use crate::support::project_dir;

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

fn names_of(table: &[(&str, &str)]) -> BTreeSet<String> {
    table.iter().map(|(name, _)| (*name).to_owned()).collect()
}

/// Every file under `folder` ending in `suffix`, by path under it.
fn files_under(folder: &str, suffix: &str) -> BTreeSet<String> {
    fn walk(
        base: &std::path::Path,
        dir: &std::path::Path,
        suffix: &str,
        found: &mut BTreeSet<String>,
    ) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, suffix, found);
            } else if path.to_string_lossy().ends_with(suffix) {
                let relative = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                found.insert(relative);
            }
        }
    }
    let base = project_dir().join(folder);
    let mut found = BTreeSet::new();
    walk(&base, &base, suffix, &mut found);
    found
}

#[test]
fn every_data_file_is_embedded() {
    assert_eq!(names_of(embedded::STAGES), files_under("stages", ".json"));
    assert_eq!(names_of(embedded::PRICES), files_under("prices", ".json"));
    assert_eq!(
        names_of(embedded::TEMPLATES),
        files_under("templates", ".hbs")
    );
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
            let planner = Planner::new(
                &data,
                &Scenario {
                    platform: platform.to_owned(),
                    ..scenario(0)
                },
            );
            for customers in [stage.customers.min, top] {
                let total = planner.estimate(stage, customers).unwrap().total;
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
