//! A user's usage overrides (`--usage FILE`).
//!
//! ```json
//! { "schema_version": 1, "per_customer": { "stored_gb": "5", "emails": "1200" } }
//! ```
//! Each key must be a metric some stage defines; each value replaces that
//! metric's default per customer per month.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::limits::{OutOfRange, checked_usage};
use crate::model::stage::Stages;

/// An override no stage can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// No stage defines the metric.
    UnknownMetric {
        /// The metric given.
        metric: String,
        /// The metrics the stages define.
        known: Vec<String>,
    },
    /// The value is out of range.
    OutOfRange {
        /// The metric given.
        metric: String,
        /// What is wrong with its value.
        range: OutOfRange,
    },
}

/// Usage per customer per month that replaces stage defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UsageOverrides {
    per_customer: IndexMap<String, Decimal>,
}

impl UsageOverrides {
    /// Checks overrides given in code or in a scenario.
    pub fn new(
        per_customer: IndexMap<String, Decimal>,
        stages: &Stages,
    ) -> Result<UsageOverrides, UsageError> {
        let metrics = stages.metrics();
        for (metric, value) in &per_customer {
            if !metrics.contains_key(metric.as_str()) {
                return Err(UsageError::UnknownMetric {
                    metric: metric.clone(),
                    known: metrics.keys().map(|known| (*known).to_owned()).collect(),
                });
            }
            checked_usage(*value).map_err(|range| UsageError::OutOfRange {
                metric: metric.clone(),
                range,
            })?;
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
