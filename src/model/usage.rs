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

use crate::model::stage::Stages;

/// Usage per customer per month that replaces stage defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UsageOverrides {
    per_customer: IndexMap<String, Decimal>,
}

impl UsageOverrides {
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
            crate::model::limits::checked_usage(*value)
                .map_err(|message| (key.clone(), message))?;
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
