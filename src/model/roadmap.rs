//! The roadmap's operating targets that generated files and reports quote:
//! uptime, backup schedule, alert thresholds, the incident template and the
//! essential security checklist (`roadmap.json`, from the CoodLoom roadmap's
//! "Reliability & Uptime" and "Security" sections).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exact;

/// `roadmap.json`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
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
    /// "Security Checklist for CoodLoom" in its three tiers, and the
    /// compliance notes.
    pub security_checklist: SecurityChecklist,
    /// "Optimization Strategies" for infrastructure cost, verbatim.
    pub cost_levers: Vec<String>,
    /// "Typical SaaS Costs" at three MRRs.
    pub cost_benchmarks: Vec<CostBenchmark>,
    /// "Common Infrastructure Mistakes".
    pub common_mistakes: Vec<Mistake>,
    /// When the architecture grows: microservices, sharding, redundancy.
    pub architecture: Architecture,
}

/// One of the roadmap's "Typical SaaS Costs".
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostBenchmark {
    /// The MRR it is typical at.
    #[serde(deserialize_with = "exact::decimal")]
    pub mrr: Decimal,
    /// The low end of the monthly cost.
    #[serde(deserialize_with = "exact::decimal")]
    pub low: Decimal,
    /// The high end.
    #[serde(deserialize_with = "exact::decimal")]
    pub high: Decimal,
    /// The roadmap's words.
    pub words: String,
}

/// One of the roadmap's "Common Infrastructure Mistakes".
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mistake {
    /// Which.
    pub mistake: MistakeKind,
    /// "Premature Optimization".
    pub title: String,
    /// "Over-engineering for scale you don't have".
    pub problem: String,
    /// "Start simple, scale when needed".
    pub fix: String,
}

/// The roadmap's five mistakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MistakeKind {
    /// Over-engineering for scale you don't have.
    PrematureOptimization,
    /// Not knowing when things break.
    NoMonitoring,
    /// Deploying by hand.
    ManualDeployments,
    /// Leaving out security basics.
    IgnoringSecurity,
    /// No automated backups.
    NoBackups,
}

/// The roadmap's architecture milestones, in its words.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Architecture {
    /// "Phase 3: Microservices (1000+ customers)".
    pub microservices_from_customers: u64,
    /// What it says of microservices.
    pub microservices: String,
    /// What it says of sharding.
    pub sharding: String,
    /// What it says of redundancy (availability zones, not regions).
    pub redundancy: String,
}

/// The roadmap's security checklist and compliance notes, in its words;
/// each item's owner and pointer are infraplan's.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityChecklist {
    /// "Essential (Do Now)", "Important (Within 3 Months)", "Advanced
    /// (Within 6-12 Months)".
    pub tiers: Vec<ChecklistTier>,
    /// "Compliance": GDPR, SOC 2, HIPAA.
    pub compliance: Vec<Compliance>,
    /// "Start with strong security basics".
    pub start_with: String,
}

/// One tier of the checklist.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistTier {
    /// "Essential".
    pub tier: String,
    /// "Do Now".
    pub due: String,
    /// The months the tier is due within (0 for now; 12 for "6-12").
    pub within_months: u32,
    /// The items, in the roadmap's order.
    pub items: Vec<ChecklistItem>,
}

/// One item of the checklist.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// The roadmap's words ("HTTPS everywhere").
    pub item: String,
    /// Whose work it is.
    pub owner: Owner,
    /// What doing it takes, in a line.
    pub pointer: String,
}

/// Whose work a checklist item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// Infrastructure: a stage's Terraform can deliver it.
    Infrastructure,
    /// The application's code.
    Application,
    /// The team's process or organisation.
    Team,
}

/// A compliance note.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    /// "SOC 2".
    pub name: String,
    /// "Enterprise customers".
    pub applies_to: String,
    /// What makes it due.
    pub due_when: DueWhen,
    /// The roadmap's list under it.
    pub requirements: Vec<String>,
    /// The roadmap's advice for it ("SOC 2 when targeting enterprise (~$500k
    /// ARR)"), where it gives one.
    #[serde(default)]
    pub guidance: Option<String>,
    /// The annual recurring revenue from which it is due, where the
    /// roadmap gives one.
    #[serde(default, deserialize_with = "exact::option")]
    pub due_from_arr: Option<Decimal>,
}

/// What makes a compliance regime due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueWhen {
    /// Customers in the EU (`--eu-customers`).
    EuCustomers,
    /// Annual recurring revenue from `due_from_arr`.
    Arr,
    /// Handling healthcare data, which infraplan is not told.
    HealthcareData,
}

impl Roadmap {
    /// The mistake `kind`; the roadmap lists all five.
    pub fn mistake(&self, kind: MistakeKind) -> Option<&Mistake> {
        self.common_mistakes
            .iter()
            .find(|mistake| mistake.mistake == kind)
    }
}

impl SecurityChecklist {
    /// The item named `name`, with its tier.
    pub fn item(&self, name: &str) -> Option<(&ChecklistTier, &ChecklistItem)> {
        self.tiers.iter().find_map(|tier| {
            tier.items
                .iter()
                .find(|item| item.item == name)
                .map(|item| (tier, item))
        })
    }
}

/// The uptime target.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uptime {
    /// Percent.
    #[serde(deserialize_with = "exact::decimal")]
    pub target_percent: Decimal,
    /// The downtime budget that goes with it.
    pub max_downtime_minutes_per_month: u32,
}

/// The backup schedule.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupStep {
    /// How often.
    pub every: String,
    /// What.
    pub what: String,
}

/// "Alert Thresholds".
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
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
