//! Reads `prices/*.json` into the [`Catalog`], checking every SKU's price
//! against its cited excerpt, its date and its region.

use std::str::FromStr;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{SourceFile, check_schema_version, parse};
use crate::error::{Error, Problem};
use crate::model::prices::*;

/// One `prices/*.json` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceFile {
    schema_version: u32,
    provider: String,
    skus: Vec<Sku>,
}

/// Parses and validates price files.
pub fn load(files: &[SourceFile]) -> Result<Catalog, Error> {
    let mut skus: IndexMap<String, Sku> = IndexMap::new();
    for file in files {
        let price_file: PriceFile = parse(file)?;
        check_schema_version(&file.label, price_file.schema_version)?;
        for (index, mut sku) in price_file.skus.into_iter().enumerate() {
            let key = format!("skus[{index}]");
            // A test checks every built-in SKU this way (`catalog::tests`).
            if !file.built_in {
                validate_sku(&file.label, &key, &price_file.provider, &sku)?;
            }
            if skus.contains_key(&sku.id) {
                return Err(Error::data(
                    &file.label,
                    format!("{key}.id"),
                    Problem::SkuTwice(sku.id),
                ));
            }
            sku.provider = price_file.provider.clone();
            skus.insert(sku.id.clone(), sku);
        }
    }
    let built_in = files.iter().all(|file| file.built_in);
    Ok(Catalog::from_skus(skus, built_in))
}

fn validate_sku(file: &str, key: &str, provider: &str, sku: &Sku) -> Result<(), Error> {
    let fail =
        |field: &str, problem: Problem| Err(Error::data(file, format!("{key}.{field}"), problem));
    if !sku.id.starts_with(&format!("{provider}.")) {
        return fail(
            "id",
            Problem::ProviderPrefix {
                sku: sku.id.clone(),
                provider: provider.to_owned(),
            },
        );
    }
    if sku.price.is_sign_negative() {
        return fail("price", Problem::NegativePrice(sku.price));
    }
    if sku
        .region
        .as_deref()
        .is_some_and(|region| !is_region_code(region))
    {
        return fail("region", Problem::RegionCode);
    }
    if !sku.source.url.starts_with("https://") {
        return fail("source.url", Problem::SourceUrl);
    }
    if sku
        .source
        .via
        .as_deref()
        .is_some_and(|via| !via.starts_with("https://"))
    {
        return fail("source.via", Problem::ViaUrl);
    }
    if !is_iso_date(&sku.source.as_of) {
        return fail("source.as_of", Problem::NotADate(sku.source.as_of.clone()));
    }
    if !mentions_number(&sku.source.excerpt, sku.price) {
        return fail("source.excerpt", Problem::PriceNotQuoted(sku.price));
    }
    if let Some(committed) = &sku.commitment_1yr {
        if !mentions_number(&committed.source.excerpt, committed.price) {
            return fail(
                "commitment_1yr.source.excerpt",
                Problem::PriceNotQuoted(committed.price),
            );
        }
        if committed.price > sku.price || !is_iso_date(&committed.source.as_of) {
            return fail("commitment_1yr", Problem::Commitment);
        }
    }
    if let Some(free) = &sku.free_per_month {
        // AWS states data allowances in TB and bills 1 TB as 1,024 GB.
        let in_terabytes = free.amount / Decimal::from(1024);
        if !mentions_number(&free.excerpt, free.amount)
            && !mentions_number(&free.excerpt, in_terabytes)
        {
            return fail(
                "free_per_month.excerpt",
                Problem::AllowanceNotQuoted(free.amount),
            );
        }
    }
    Ok(())
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`: words of lowercase letters
/// joined by hyphens, ending in a number. Regions reach generated Terraform.
fn is_region_code(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    words.len() >= 2
        && words
            .iter()
            .all(|word| !word.is_empty() && word.bytes().all(|byte| byte.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|byte| byte.is_ascii_digit())
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |part: &str, digits: usize| {
        (part.len() == digits && part.bytes().all(|byte| byte.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (number(year, 4), number(month, 2), number(day, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

/// Whether `text` contains `value` as a number (`$25/mo` states 25.00;
/// `1,000,000` and `1 million` state 1000000).
pub fn mentions_number(text: &str, value: Decimal) -> bool {
    numbers_in(text).contains(&value)
}

fn numbers_in(text: &str) -> Vec<Decimal> {
    let is_number_char =
        |character: char| character.is_ascii_digit() || character == '.' || character == ',';
    let mut numbers = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|character: char| character.is_ascii_digit()) {
        let after_start = &rest[start..];
        let end = after_start
            .find(|character| !is_number_char(character))
            .unwrap_or(after_start.len());
        let token = after_start[..end].trim_end_matches(['.', ',']);
        rest = &after_start[end..];
        let Ok(number) = Decimal::from_str(&token.replace(',', "")) else {
            continue;
        };
        numbers.push(number);
        let next_word = rest
            .trim_start()
            .split(|character: char| !character.is_ascii_alphabetic())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let scale = match next_word.as_str() {
            "thousand" => Some(1_000),
            "million" => Some(1_000_000),
            "billion" => Some(1_000_000_000),
            _ => None,
        };
        if let Some(scale) = scale {
            numbers.push(number * Decimal::from(scale));
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn numbers_are_found_however_they_are_written() {
        assert!(mentions_number("Standard-1X $25/month", dec("25.00")));
        assert!(mentions_number("$0.0416 per Hour", dec("0.0416")));
        assert!(mentions_number("first 1,000,000 requests", dec("1000000")));
        assert!(mentions_number("$0.60 per 1 million requests.", dec("0.6")));
        assert!(mentions_number(
            "Free Tier: 1 million requests per month.",
            dec("1000000")
        ));
        assert!(mentions_number("\"m6i.large\": 0.096000,", dec("0.096")));
        assert!(!mentions_number("$0.0416 per Hour", dec("0.0417")));
        assert!(!mentions_number("no price here", dec("1")));
    }

    #[test]
    fn regions_are_codes() {
        assert!(is_region_code("us-east-1"));
        assert!(is_region_code("us-gov-west-1"));
        assert!(!is_region_code("us-east-1\nresource"));
        assert!(!is_region_code("US-EAST-1"));
        assert!(!is_region_code("east-1"));
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(is_iso_date("2026-11-27"));
        assert!(!is_iso_date("27/11/2026"));
        assert!(!is_iso_date("2026-13-01"));
        assert!(!is_iso_date("2026-1-01"));
    }

    fn price_file(sku: &str) -> SourceFile {
        SourceFile::user(
            "prices/test.json".to_owned(),
            format!(r#"{{"schema_version": 1, "provider": "test", "skus": [{sku}]}}"#),
        )
    }

    const GOOD: &str = r#"{"id": "test.thing", "description": "A thing", "unit": "month",
        "price": "25.00", "source": {"url": "https://example.com/pricing",
        "as_of": "2026-11-27", "excerpt": "Thing: $25 per month"}}"#;

    #[test]
    fn a_cited_price_loads() {
        let catalog = crate::catalog::prices::load(&[price_file(GOOD)]).unwrap();
        let sku = catalog.get("test.thing").unwrap();
        assert_eq!(sku.provider, "test");
        assert_eq!(sku.price, dec("25"));
    }

    #[test]
    fn a_price_its_excerpt_does_not_state_is_refused() {
        let sku = GOOD.replace("\"25.00\"", "\"24.00\"");
        let error = crate::catalog::prices::load(&[price_file(&sku)]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "prices/test.json: skus[0].source.excerpt: does not state the price 24.00; quote the words on the page that give it"
        );
    }

    #[test]
    fn ids_must_carry_the_provider_and_be_unique() {
        let wrong = GOOD.replace("test.thing", "other.thing");
        let error = crate::catalog::prices::load(&[price_file(&wrong)]).unwrap_err();
        assert!(error.to_string().contains("skus[0].id"), "{error}");
        let twice = price_file(&format!("{GOOD}, {GOOD}"));
        let error = crate::catalog::prices::load(&[twice]).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("skus[1].id: \"test.thing\" is defined twice"),
            "{error}"
        );
    }

    #[test]
    fn units_count_their_things() {
        assert_eq!(Unit::MillionRequests.things_per_unit(), dec("1000000"));
        assert_eq!(Unit::GbMonth.things_per_unit(), Decimal::ONE);
        assert!(Unit::Hour.is_per_resource());
        assert!(!Unit::Gb.is_per_resource());
    }
}
