//! Reads an audit file: today's infrastructure in the terms of the
//! roadmap's Exercise 1 (docs/audit.md). Every error names the file and key.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{SourceFile, check_schema_version};
use crate::error::{Error, Problem};
use crate::model::audit::{Backups, Database, Deployments, Hosting, Monitoring, Setup, Storage};
use crate::model::exact;
use crate::model::limits::Limited;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    schema_version: u32,
    customers: u64,
    #[serde(deserialize_with = "exact::decimal")]
    mrr: Decimal,
    #[serde(deserialize_with = "exact::decimal")]
    monthly_cost: Decimal,
    /// The PaaS, when hosting is one (render or heroku).
    #[serde(default)]
    paas: Option<String>,
    hosting: Hosting,
    #[serde(default = "one")]
    services: u32,
    #[serde(default = "one")]
    regions: u32,
    database: Database,
    #[serde(default)]
    cache: bool,
    #[serde(default)]
    cdn: bool,
    #[serde(default)]
    background_workers: bool,
    storage: Storage,
    monitoring: Monitoring,
    backups: Backups,
    deployments: Deployments,
    https: bool,
}

fn one() -> u32 {
    1
}

/// Today's setup, and the PaaS it names, from an audit file.
pub fn load(file: &SourceFile) -> Result<(Setup, Option<String>), Error> {
    let parsed: AuditFile = super::parse(file)?;
    check_schema_version(&file.label, parsed.schema_version)?;
    let fail = |key: &str, problem: Problem| Error::data(&file.label, key, problem);
    let checked = |key: &str, what: Limited, value: Decimal| {
        what.check(value)
            .map_err(|range| fail(key, Problem::OutOfRange(range)))
    };
    checked(
        "customers",
        Limited::Customers,
        Decimal::from(parsed.customers),
    )?;
    let mrr = checked("mrr", Limited::Mrr, parsed.mrr)?;
    let monthly_cost = checked("monthly_cost", Limited::MonthlyCost, parsed.monthly_cost)?;
    for (key, count) in [("services", parsed.services), ("regions", parsed.regions)] {
        if count == 0 {
            return Err(fail(key, Problem::AtLeastOne));
        }
    }
    Ok((
        Setup {
            customers: parsed.customers,
            mrr,
            monthly_cost,
            hosting: parsed.hosting,
            services: parsed.services,
            regions: parsed.regions,
            database: parsed.database,
            cache: parsed.cache,
            cdn: parsed.cdn,
            background_workers: parsed.background_workers,
            storage: parsed.storage,
            monitoring: parsed.monitoring,
            backups: parsed.backups,
            deployments: parsed.deployments,
            https: parsed.https,
        },
        parsed.paas,
    ))
}
