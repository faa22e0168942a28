//! The roadmap's operating targets that generated files and reports quote:
//! uptime, backup schedule, alert thresholds, the incident template and the
//! essential security checklist (`roadmap.json`, from the CoodLoom roadmap's
//! "Reliability & Uptime" and "Security" sections).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exact;

/// `roadmap.json`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Roadmap {
    pub(crate) schema_version: u32,
    /// "Aim for 99.9% (< 45 min downtime/month)".
    pub uptime: Uptime,
    /// The backup schedule.
    pub backups: Backups,
    /// The alert thresholds.
    pub alerts: Alerts,
    /// The incident response template, verbatim.
    pub incident_response_template: String,
    /// "Security Checklist for CoodLoom", essential items.
    pub security_checklist: Vec<String>,
    /// "Optimization Strategies" for infrastructure cost, verbatim.
    pub cost_levers: Vec<String>,
}

/// The uptime target.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Uptime {
    /// Percent.
    #[serde(deserialize_with = "exact::decimal")]
    pub target_percent: Decimal,
    /// The downtime budget that goes with it.
    pub max_downtime_minutes_per_month: u32,
}

/// The backup schedule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Backups {
    /// "Daily: Full backups (keep 30 days)".
    pub full_backup_retention_days: u32,
    /// "Weekly: Long-term archive (keep 1 year)".
    pub archive_retention_days: u32,
    /// Every line of the schedule.
    pub schedule: Vec<BackupStep>,
}

/// One line of the backup schedule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BackupStep {
    /// How often.
    pub every: String,
    /// What.
    pub what: String,
}

/// "Alert Thresholds".
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// Error rate > 1%.
    #[serde(deserialize_with = "exact::decimal")]
    pub error_rate_percent: Decimal,
    /// Response time > 2 seconds.
    #[serde(deserialize_with = "exact::decimal")]
    pub response_time_seconds: Decimal,
    /// CPU > 80% …
    #[serde(deserialize_with = "exact::decimal")]
    pub cpu_percent: Decimal,
    /// … for 5 minutes.
    pub cpu_minutes: u32,
    /// Disk > 85% full.
    #[serde(deserialize_with = "exact::decimal")]
    pub storage_used_percent: Decimal,
    /// Failed jobs > 10.
    pub failed_jobs: u32,
}
