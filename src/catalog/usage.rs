//! Reads a user's usage overrides (`--usage FILE`).

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{SourceFile, check_schema_version, parse};
use crate::error::Error;
use crate::model::exact;
use crate::model::stage::Stages;
use crate::model::usage::UsageOverrides;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageFile {
    schema_version: u32,
    per_customer: IndexMap<String, ExactValue>,
}

#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct ExactValue(#[serde(deserialize_with = "exact::decimal")] Decimal);

/// Parses a usage file and checks every metric and value.
pub fn load(file: &SourceFile, stages: &Stages) -> Result<UsageOverrides, Error> {
    let usage: UsageFile = parse(file)?;
    check_schema_version(&file.label, usage.schema_version)?;
    let per_customer = usage
        .per_customer
        .into_iter()
        .map(|(metric, ExactValue(value))| (metric, value))
        .collect();
    UsageOverrides::new(per_customer, stages).map_err(|error| {
        let (metric, problem) = error.into_problem();
        let key = format!("per_customer.{}", crate::printable::shown(&metric));
        Error::data(&file.label, key, problem)
    })
}
