//! The price catalog: every SKU a stage can use, with its published price and
//! where that price was read.

use std::fmt;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exact;

/// A priced unit of something a provider sells.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sku {
    /// Unique id, prefixed with the provider: `aws.ec2.m6i-large`.
    pub id: String,
    /// The provider, filled in from the file.
    #[serde(default, skip_deserializing)]
    pub provider: String,
    /// What it is, as a user would say it.
    pub description: String,
    /// What one unit of `price` buys.
    pub unit: Unit,
    /// Published on-demand list price per unit, in US dollars.
    #[serde(deserialize_with = "exact::decimal")]
    pub price: Decimal,
    /// A monthly allowance the provider does not bill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_per_month: Option<FreeAllowance>,
    /// The value the provider's API and Terraform use for this SKU
    /// (`m6i.large`, `standard-2X`, `heroku-postgresql:standard-0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform_value: Option<String>,
    /// The region the price is for, where prices differ by region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where the price was read.
    pub source: PriceSource,
    /// The published 1-year commitment price (reserved instance, no upfront),
    /// where the provider sells one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_1yr: Option<CommittedPrice>,
}

/// A price for committing to a year, cited like the on-demand one.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommittedPrice {
    /// Effective price per unit over the term.
    #[serde(deserialize_with = "exact::decimal")]
    pub price: Decimal,
    /// What is bought ("Standard Reserved Instance, 1 year, no upfront").
    pub terms: String,
    /// Where the price was read.
    pub source: PriceSource,
}

/// A free monthly allowance, cited like a price.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreeAllowance {
    /// Things (requests, GB, GB-seconds, emails) a month not billed, counted
    /// as providers state them (`1000000` requests, not `1` of "1M requests").
    #[serde(deserialize_with = "exact::decimal")]
    pub amount: Decimal,
    /// Words from the source that state the allowance.
    pub excerpt: String,
}

/// Where a price was published and read.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceSource {
    /// The provider's public page for the price: where a user checks it.
    pub url: String,
    /// The copy the excerpt was read from, when it is not `url` itself (a
    /// price-list extract in a public repository, an archived copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The date of the copy read, `YYYY-MM-DD`.
    pub as_of: String,
    /// Words from the copy that state the price, so a reviewer can check it.
    pub excerpt: String,
}

/// What one unit of a price buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
pub enum Unit {
    /// One resource running for one hour.
    #[serde(rename = "hour")]
    Hour,
    /// One virtual CPU of a running container for one hour (Fargate).
    #[serde(rename = "vCPU-hour")]
    VcpuHour,
    /// One gigabyte of memory or disk of a running container for one hour.
    #[serde(rename = "GB-hour")]
    GbHour,
    /// One resource or plan for one month.
    #[serde(rename = "month")]
    Month,
    /// One gigabyte stored for one month.
    #[serde(rename = "GB-month")]
    GbMonth,
    /// One gigabyte transferred or processed.
    #[serde(rename = "GB")]
    Gb,
    /// One gigabyte of memory for one second of compute.
    #[serde(rename = "GB-second")]
    GbSecond,
    /// One load balancer capacity unit for one hour.
    #[serde(rename = "LCU-hour")]
    LcuHour,
    /// A thousand requests.
    #[serde(rename = "1K requests")]
    ThousandRequests,
    /// Ten thousand requests.
    #[serde(rename = "10K requests")]
    TenThousandRequests,
    /// A million requests.
    #[serde(rename = "1M requests")]
    MillionRequests,
    /// A thousand emails.
    #[serde(rename = "1K emails")]
    ThousandEmails,
}

impl Unit {
    /// How many of the underlying things (requests, emails, GB) one unit counts.
    pub fn things_per_unit(self) -> Decimal {
        match self {
            Unit::ThousandRequests | Unit::ThousandEmails => Decimal::ONE_THOUSAND,
            Unit::TenThousandRequests => Decimal::from(10_000),
            Unit::MillionRequests => Decimal::from(1_000_000),
            Unit::Hour
            | Unit::VcpuHour
            | Unit::GbHour
            | Unit::Month
            | Unit::GbMonth
            | Unit::Gb
            | Unit::GbSecond
            | Unit::LcuHour => Decimal::ONE,
        }
    }

    /// Whether a running resource is billed in this unit (so a line may size it
    /// by a count of instances).
    pub fn is_per_resource(self) -> bool {
        matches!(
            self,
            Unit::Hour | Unit::VcpuHour | Unit::GbHour | Unit::Month
        )
    }

    /// Whether a running resource is billed for every hour of the month.
    pub fn is_hourly(self) -> bool {
        matches!(self, Unit::Hour | Unit::VcpuHour | Unit::GbHour)
    }

    /// The name price files and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Hour => "hour",
            Unit::VcpuHour => "vCPU-hour",
            Unit::GbHour => "GB-hour",
            Unit::Month => "month",
            Unit::GbMonth => "GB-month",
            Unit::Gb => "GB",
            Unit::GbSecond => "GB-second",
            Unit::LcuHour => "LCU-hour",
            Unit::ThousandRequests => "1K requests",
            Unit::TenThousandRequests => "10K requests",
            Unit::MillionRequests => "1M requests",
            Unit::ThousandEmails => "1K emails",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every SKU from every price file, by id, in file order.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    skus: IndexMap<String, Sku>,
    built_in: bool,
}

impl Catalog {
    /// SKUs already validated, by id; see `catalog::prices::load`.
    /// `built_in` says every one comes from the built-in price files.
    pub(crate) fn from_skus(skus: IndexMap<String, Sku>, built_in: bool) -> Catalog {
        Catalog { skus, built_in }
    }

    /// Whether every SKU is built in, so stages checked against the built-in
    /// catalog need no second check.
    pub(crate) fn is_built_in(&self) -> bool {
        self.built_in
    }

    /// The SKU with this id.
    pub fn get(&self, id: &str) -> Option<&Sku> {
        self.skus.get(id)
    }

    /// Every SKU, in file order.
    pub fn skus(&self) -> impl Iterator<Item = &Sku> {
        self.skus.values()
    }

    /// The regions some SKU is priced in.
    pub fn regions(&self) -> Vec<&str> {
        let mut regions: Vec<&str> = self
            .skus()
            .filter_map(|sku| sku.region.as_deref())
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions
    }
}
