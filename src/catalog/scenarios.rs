//! Named scenarios for `compare` and `diff`: from a file, or inline as
//! `name=growth,customers=220,mrr=33000,paas=render,stage=3,commitment=1yr`.
//!
//! ```json
//! { "schema_version": 1,
//!   "scenarios": [ { "name": "today", "customers": 120, "mrr": "18000",
//!                    "paas": "heroku", "stage": 2, "commitment": "1yr",
//!                    "usage": { "stored_gb": "5" } } ] }
//! ```
//! Every error names the scenario and the field.

use std::str::FromStr;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use super::{SourceFile, check_schema_version};
use crate::error::{Error, Expected, Problem};
use crate::model::cost::Commitment;
use crate::model::exact;
use crate::model::plan::Scenario;
use crate::model::stage::Stages;
use crate::model::usage::UsageOverrides;

/// A scenario as written, before it is checked against the data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Its name in reports.
    pub name: String,
    /// Paying customers.
    pub customers: u64,
    /// Monthly recurring revenue, US dollars.
    #[serde(deserialize_with = "exact::decimal")]
    pub mrr: Decimal,
    /// The PaaS (`heroku` by default).
    #[serde(default)]
    pub paas: Option<String>,
    /// A stage to force.
    #[serde(default)]
    pub stage: Option<u32>,
    /// `none` (default) or `1yr`.
    #[serde(default, deserialize_with = "commitment")]
    pub commitment: Commitment,
    /// Usage per customer that replaces stage defaults.
    #[serde(default)]
    pub usage: IndexMap<String, ExactDecimal>,
}

/// A decimal read exactly (string or whole number, never a float).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(transparent)]
pub struct ExactDecimal(#[serde(deserialize_with = "exact::decimal")] pub Decimal);

fn commitment<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Commitment, D::Error> {
    let text = String::deserialize(deserializer)?;
    Commitment::named(&text)
        .ok_or_else(|| serde::de::Error::custom(Problem::Expected(Expected::Commitment)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    schema_version: u32,
    scenarios: Vec<Value>,
}

/// Reads a scenarios file; each error names the scenario and the field.
pub fn load(file: &SourceFile) -> Result<Vec<ScenarioSpec>, Error> {
    let parsed: ScenarioFile = super::parse(file)?;
    check_schema_version(&file.label, parsed.schema_version)?;
    if parsed.scenarios.is_empty() {
        return Err(Error::data(
            &file.label,
            "scenarios",
            Problem::Empty("scenario"),
        ));
    }
    parsed
        .scenarios
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let name = value["name"].as_str().map_or_else(String::new, |name| {
                format!(" (\"{}\")", crate::printable::shown(name))
            });
            serde_path_to_error::deserialize(value).map_err(|error| {
                Error::data(
                    &file.label,
                    format!("scenarios[{index}]{name}: {}", error.path()),
                    Problem::Malformed(error.inner().to_string()),
                )
            })
        })
        .collect()
}

/// Parses `key=value,…`; `name` is required unless `default_name` is given.
pub fn parse_inline(text: &str, default_name: Option<&str>) -> Result<ScenarioSpec, Problem> {
    let mut fields: IndexMap<&str, &str> = IndexMap::new();
    for pair in text
        .split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
    {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| Problem::NotKeyValue(pair.to_owned()))?;
        if fields.insert(key.trim(), value.trim()).is_some() {
            return Err(Problem::ScenarioKeyTwice(key.trim().to_owned()));
        }
    }
    let name = fields
        .shift_remove("name")
        .or(default_name)
        .ok_or(Problem::NoName)?
        .to_owned();
    let in_field = |field: &str, problem: Problem| Problem::InScenario {
        name: name.clone(),
        field: field.to_owned(),
        problem: Box::new(problem),
    };
    let mut required = |key: &str| {
        fields
            .shift_remove(key)
            .ok_or_else(|| in_field(key, Problem::Missing))
    };
    let customers = required("customers")?;
    let mrr = required("mrr")?;
    let spec = ScenarioSpec {
        customers: customers
            .parse()
            .map_err(|_| in_field("customers", Problem::Expected(Expected::Customers)))?,
        mrr: Decimal::from_str(mrr)
            .ok()
            .filter(|mrr| crate::model::limits::checked_mrr(*mrr).is_ok())
            .ok_or_else(|| in_field("mrr", Problem::Expected(Expected::MrrInRange)))?,
        paas: fields.shift_remove("paas").map(str::to_owned),
        stage: fields
            .shift_remove("stage")
            .map(|stage| {
                stage
                    .parse()
                    .map_err(|_| in_field("stage", Problem::Expected(Expected::Stage)))
            })
            .transpose()?,
        commitment: fields
            .shift_remove("commitment")
            .map(|commitment| {
                Commitment::named(commitment)
                    .ok_or_else(|| in_field("commitment", Problem::Expected(Expected::Commitment)))
            })
            .transpose()?
            .unwrap_or_default(),
        usage: IndexMap::new(),
        name: name.clone(),
    };
    if let Some(unknown) = fields.keys().next() {
        return Err(in_field(unknown, Problem::UnknownScenarioKey));
    }
    Ok(spec)
}

impl ScenarioSpec {
    /// The scenario, checked against the data; errors name the field.
    pub fn to_scenario(
        &self,
        stages: &Stages,
        platforms: &[&str],
    ) -> Result<Scenario, (String, Problem)> {
        let platform = self
            .paas
            .clone()
            .unwrap_or_else(|| crate::model::plan::DEFAULT_PLATFORM.to_owned());
        if !platforms.contains(&platform.as_str()) {
            return Err((
                "paas".to_owned(),
                Problem::UnknownPlatform {
                    given: platform,
                    known: platforms.iter().map(|known| (*known).to_owned()).collect(),
                },
            ));
        }
        if let Some(stage) = self.stage
            && stages.get(stage).is_none()
        {
            return Err((
                "stage".to_owned(),
                Problem::UnknownStage {
                    asked: stage,
                    known: stages.all().iter().map(|stage| stage.number).collect(),
                },
            ));
        }
        let usage = UsageOverrides::new(
            self.usage
                .iter()
                .map(|(metric, value)| (metric.clone(), value.0))
                .collect(),
            stages,
        )
        .map_err(|error| {
            let (metric, problem) = error.into_problem();
            (
                format!("usage.{}", crate::printable::shown(&metric)),
                problem,
            )
        })?;
        let customers = crate::model::limits::checked_customers(self.customers)
            .map_err(|range| ("customers".to_owned(), range.into()))?;
        let mrr = crate::model::limits::checked_mrr(self.mrr)
            .map_err(|range| ("mrr".to_owned(), range.into()))?;
        Ok(Scenario {
            customers,
            mrr,
            platform,
            forced_stage: self.stage,
            usage,
            commitment: self.commitment,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthsFile {
    schema_version: u32,
    months: Vec<MonthEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthEntry {
    customers: u64,
    #[serde(deserialize_with = "exact::decimal")]
    mrr: Decimal,
}

/// Reads a month-by-month table for `roadmap --from-file`:
/// `{"schema_version": 1, "months": [{"customers": 20, "mrr": "2000"}, …]}`.
pub fn load_months(file: &SourceFile) -> Result<Vec<crate::model::projection::MonthInput>, Error> {
    let parsed: MonthsFile = super::parse(file)?;
    check_schema_version(&file.label, parsed.schema_version)?;
    if parsed.months.is_empty() {
        return Err(Error::data(&file.label, "months", Problem::Empty("month")));
    }
    if parsed.months.len() > crate::model::limits::MAX_MONTHS as usize {
        return Err(Error::data(
            &file.label,
            "months",
            Problem::TooManyMonths(parsed.months.len()),
        ));
    }
    parsed
        .months
        .iter()
        .enumerate()
        .map(|(index, month)| {
            let field = |name: &str, range| {
                Error::data(
                    &file.label,
                    format!("months[{index}].{name}"),
                    Problem::OutOfRange(range),
                )
            };
            Ok(crate::model::projection::MonthInput {
                customers: crate::model::limits::checked_customers(month.customers)
                    .map_err(|range| field("customers", range))?,
                mrr: crate::model::limits::checked_mrr(month.mrr)
                    .map_err(|range| field("mrr", range))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scenarios_read_every_key() {
        let spec = parse_inline(
            "name=growth, customers=220, mrr=33000.50, paas=render, stage=3, commitment=1yr",
            None,
        )
        .unwrap();
        assert_eq!(spec.name, "growth");
        assert_eq!(spec.customers, 220);
        assert_eq!(spec.mrr, Decimal::from_str("33000.50").unwrap());
        assert_eq!(spec.paas.as_deref(), Some("render"));
        assert_eq!(spec.stage, Some(3));
        assert_eq!(spec.commitment, Commitment::OneYear);
    }

    #[test]
    fn inline_errors_name_the_scenario_and_the_field() {
        assert_eq!(
            parse_inline("name=growth,customers=-3,mrr=1", None)
                .unwrap_err()
                .to_string(),
            "\"growth\": customers: must be a whole number of customers, 0 or more"
        );
        assert_eq!(
            parse_inline("name=growth,customers=3", None)
                .unwrap_err()
                .to_string(),
            "\"growth\": mrr: is missing"
        );
        assert_eq!(
            parse_inline("name=growth,customers=3,mrr=1,colour=red", None)
                .unwrap_err()
                .to_string(),
            "\"growth\": colour: unknown key; use name, customers, mrr, paas, stage or commitment"
        );
        assert_eq!(
            parse_inline("customers=3,mrr=1", Some("from"))
                .unwrap()
                .name,
            "from"
        );
        assert_eq!(
            parse_inline("customers=3,mrr=1", None).unwrap_err(),
            Problem::NoName
        );
    }

    #[test]
    fn file_errors_name_the_scenario_and_the_field() {
        let file = SourceFile::user(
            "scenarios.json".to_owned(),
            r#"{"schema_version": 1, "scenarios": [
                {"name": "today", "customers": 120, "mrr": "18000"},
                {"name": "growth", "customers": "many", "mrr": "30000"}]}"#
                .to_owned(),
        );
        let error = load(&file).unwrap_err().to_string();
        assert!(
            error.starts_with("scenarios.json: scenarios[1] (\"growth\"): customers: invalid type"),
            "{error}"
        );
    }
}
