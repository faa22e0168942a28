//! A user's usage overrides (`--usage FILE`).
//!
//! ```json
//! { "schema_version": 1, "per_customer": { "stored_gb": "5", "emails": "1200" } }
//! ```
//! Each key must be a metric some stage defines; each value replaces that
//! metric's default per customer per month.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::stage::Stages;
use super::{SourceFile, check_schema_version, exact, parse};
use crate::error::Error;

/// Usage per customer per month that replaces stage defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UsageOverrides {
    per_customer: IndexMap<String, Decimal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageFile {
    schema_version: u32,
    per_customer: IndexMap<String, ExactValue>,
}

#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct ExactValue(#[serde(deserialize_with = "exact::decimal")] Decimal);

impl UsageOverrides {
    /// Parses a usage file and checks every metric and value.
    pub fn load(file: &SourceFile, stages: &Stages) -> Result<UsageOverrides, Error> {
        let usage: UsageFile = parse(file)?;
        check_schema_version(&file.label, usage.schema_version)?;
        let per_customer = usage
            .per_customer
            .into_iter()
            .map(|(metric, ExactValue(value))| (metric, value))
            .collect();
        UsageOverrides::new(per_customer, stages)
            .map_err(|(key, message)| Error::data(&file.label, key, message))
    }

    /// Checks overrides given in code or in a scenario; errors are `(key, message)`.
    pub fn new(
        per_customer: IndexMap<String, Decimal>,
        stages: &Stages,
    ) -> Result<UsageOverrides, (String, String)> {
        let metrics = stages.metrics();
        for (metric, value) in &per_customer {
            let key = format!("per_customer.{}", crate::printable::shown(metric));
            if !metrics.contains_key(metric.as_str()) {
                let known: Vec<&str> = metrics.keys().copied().collect();
                return Err((
                    key,
                    format!("unknown metric; use one of: {}", known.join(", ")),
                ));
            }
            crate::limits::checked_usage(*value).map_err(|message| (key.clone(), message))?;
        }
        Ok(UsageOverrides { per_customer })
    }

    /// The override for `metric`, if any.
    pub fn get(&self, metric: &str) -> Option<Decimal> {
        self.per_customer.get(metric).copied()
    }

    /// The overrides, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.per_customer
            .iter()
            .map(|(metric, value)| (metric.as_str(), *value))
    }
}
