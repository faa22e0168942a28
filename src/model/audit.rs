//! The roadmap's Exercise 1: today's infrastructure, component by component,
//! against the stage its customers call for; its cost against the stage's
//! guidance, the ceiling, infraplan's price for the stage and the roadmap's
//! typical SaaS costs; and the common mistakes that apply.

use rust_decimal::Decimal;

use super::money::{Money, Percent};
use super::plan::{Plan, Verdict, assess};
use super::roadmap::{CostBenchmark, MistakeKind, Roadmap};

/// Where the app runs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Hosting {
    /// A platform as a service (Heroku, Render).
    Paas,
    /// Virtual servers run by hand.
    Vps,
    /// Containers on a managed scheduler (ECS, Cloud Run) with auto-scaling.
    Containers,
    /// A Kubernetes cluster.
    Kubernetes,
}

/// The database.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Database {
    /// None.
    None,
    /// Run on a server of your own.
    SelfHosted,
    /// A provider's managed database, one instance.
    Managed,
    /// Managed, with a read replica (or a standby in another zone).
    ManagedWithReplica,
    /// Split across several databases.
    Sharded,
}

/// Where uploaded files live.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    /// The app keeps no files.
    None,
    /// On a server's disk.
    LocalDisk,
    /// In object storage (S3).
    ObjectStorage,
}

/// What is watched.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Monitoring {
    /// Nothing.
    None,
    /// Uptime checks only.
    Uptime,
    /// Uptime checks and error tracking.
    UptimeAndErrors,
    /// Uptime, errors, performance and alerts on the roadmap's thresholds.
    Full,
}

/// How the database is backed up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Backups {
    /// Not at all.
    None,
    /// By hand, now and then.
    Manual,
    /// Automated, daily.
    Daily,
    /// Automated daily, and continuous transaction logs (point in time).
    DailyAndPointInTime,
}

/// How code reaches production.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Deployments {
    /// By hand.
    Manual,
    /// By a pipeline on every merge.
    Automated,
}

/// Today's setup, in the exercise's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// Paying customers.
    pub customers: u64,
    /// MRR.
    pub mrr: Decimal,
    /// What the infrastructure costs a month.
    pub monthly_cost: Decimal,
    /// Hosting.
    pub hosting: Hosting,
    /// Separately deployed services (1 for a monolith).
    pub services: u32,
    /// Regions served from.
    pub regions: u32,
    /// Database.
    pub database: Database,
    /// A cache (Redis).
    pub cache: bool,
    /// A CDN in front.
    pub cdn: bool,
    /// Background workers.
    pub background_workers: bool,
    /// File storage.
    pub storage: Storage,
    /// Monitoring.
    pub monitoring: Monitoring,
    /// Backups.
    pub backups: Backups,
    /// Deployments.
    pub deployments: Deployments,
    /// HTTPS on every request.
    pub https: bool,
}

/// A part of the setup the audit compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Hosting.
    Hosting,
    /// Services.
    Architecture,
    /// Regions.
    Regions,
    /// Database.
    Database,
    /// Cache.
    Cache,
    /// CDN.
    Cdn,
    /// Background workers.
    BackgroundWorkers,
    /// File storage.
    Storage,
    /// Monitoring.
    Monitoring,
    /// Backups.
    Backups,
    /// Deployments.
    Deployments,
    /// HTTPS.
    Https,
}

/// How a part compares with the stage.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Not there at all, and every stage needs it.
    Missing,
    /// There, but short of what the stage calls for.
    Behind,
    /// What the stage calls for.
    Matching,
    /// More than the stage calls for: complexity before its time.
    Ahead,
}

/// Why a part stands where it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The stage's variant has the component with this id (or not).
    Component(&'static str),
    /// The stage's hosting: a PaaS, or AWS with auto-scaling.
    Hosting,
    /// Microservices come at the roadmap's customer count.
    Microservices,
    /// Sharding comes "much later".
    Sharding,
    /// Redundancy is availability zones, not regions.
    Redundancy,
    /// One of the roadmap's common mistakes.
    Mistake(MistakeKind),
}

/// One part, compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// The part.
    pub part: Part,
    /// How it compares.
    pub standing: Standing,
    /// Why.
    pub why: Why,
}

/// The roadmap's typical cost at an MRR, interpolated between its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Benchmark {
    /// The low end, a month.
    pub low: Money,
    /// The high end, a month.
    pub high: Money,
}

/// Today's cost against the yardsticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostCheck {
    /// Today's monthly cost.
    pub today: Money,
    /// As a share of MRR; `None` without revenue.
    pub share: Option<Percent>,
    /// Against the stage's guidance and the ceiling.
    pub verdict: Verdict,
    /// The stage's guidance, a month.
    pub guidance: Money,
    /// The ceiling, a month.
    pub ceiling: Money,
    /// What infraplan prices the stage at.
    pub priced: Money,
    /// The roadmap's typical cost; `None` without revenue.
    pub benchmark: Option<Benchmark>,
}

/// The audit.
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    /// The stage the customers call for, planned.
    pub plan: Plan<'a>,
    /// Part by part.
    pub findings: Vec<Finding>,
    /// The cost.
    pub cost: CostCheck,
    /// The mistakes that apply, in the roadmap's order.
    pub mistakes: Vec<MistakeKind>,
}

/// Audits `setup` against `plan`, the plan of the stage its customers call
/// for.
pub fn audit<'a>(setup: &Setup, plan: Plan<'a>, roadmap: &Roadmap) -> Audit<'a> {
    let variant = plan.selection.variant;
    // Stage 3 runs on AWS; the PaaS stages are named for their platform.
    let on_aws = plan.selection.variant_name == "aws";
    let calls_for = |id: &str| {
        variant
            .components
            .iter()
            .any(|component| component.id == id)
    };
    // A part the stage has not reached yet is no harm when it is there:
    // the roadmap's premature optimization is microservices, sharding and
    // the like, judged on their own below.
    let by_component = |part, has: bool, id: &'static str| Finding {
        part,
        standing: if !has && calls_for(id) {
            Standing::Behind
        } else {
            Standing::Matching
        },
        why: Why::Component(id),
    };
    let premature = Why::Mistake(MistakeKind::PrematureOptimization);
    let mut findings = vec![
        {
            let standing = match (setup.hosting, on_aws) {
                (Hosting::Paas, false) | (Hosting::Containers | Hosting::Kubernetes, true) => {
                    Standing::Matching
                }
                (Hosting::Containers | Hosting::Kubernetes, false) => Standing::Ahead,
                (Hosting::Paas | Hosting::Vps, true) | (Hosting::Vps, false) => Standing::Behind,
            };
            Finding {
                part: Part::Hosting,
                standing,
                why: if standing == Standing::Ahead {
                    premature
                } else {
                    Why::Hosting
                },
            }
        },
        Finding {
            part: Part::Architecture,
            standing: if setup.services > 1
                && setup.customers < roadmap.architecture.microservices_from_customers
            {
                Standing::Ahead
            } else {
                Standing::Matching
            },
            why: Why::Microservices,
        },
        Finding {
            part: Part::Regions,
            standing: if setup.regions > 1 {
                Standing::Ahead
            } else {
                Standing::Matching
            },
            why: Why::Redundancy,
        },
        match setup.database {
            Database::None => Finding {
                part: Part::Database,
                standing: Standing::Missing,
                why: Why::Component("database"),
            },
            Database::Sharded => Finding {
                part: Part::Database,
                standing: Standing::Ahead,
                why: Why::Sharding,
            },
            Database::SelfHosted => Finding {
                part: Part::Database,
                standing: Standing::Behind,
                why: Why::Component("database"),
            },
            Database::Managed => by_component(Part::Database, false, "database_replica"),
            Database::ManagedWithReplica => by_component(Part::Database, true, "database_replica"),
        },
        by_component(Part::Cache, setup.cache, "cache"),
        by_component(Part::Cdn, setup.cdn, "cdn"),
        by_component(Part::BackgroundWorkers, setup.background_workers, "worker"),
        Finding {
            part: Part::Storage,
            standing: match setup.storage {
                Storage::LocalDisk => Standing::Behind,
                Storage::None | Storage::ObjectStorage => Standing::Matching,
            },
            why: Why::Component("file_storage"),
        },
        Finding {
            part: Part::Monitoring,
            standing: match setup.monitoring {
                Monitoring::None => Standing::Missing,
                Monitoring::Uptime => Standing::Behind,
                // A stage with its own monitoring component watches more
                // than uptime and errors: the roadmap's alert thresholds.
                Monitoring::UptimeAndErrors if calls_for("monitoring") => Standing::Behind,
                Monitoring::UptimeAndErrors => Standing::Matching,
                Monitoring::Full => Standing::Matching,
            },
            why: Why::Mistake(MistakeKind::NoMonitoring),
        },
        Finding {
            part: Part::Backups,
            standing: match setup.backups {
                Backups::None => Standing::Missing,
                Backups::Manual => Standing::Behind,
                Backups::Daily | Backups::DailyAndPointInTime => Standing::Matching,
            },
            why: Why::Mistake(MistakeKind::NoBackups),
        },
        Finding {
            part: Part::Deployments,
            standing: match setup.deployments {
                Deployments::Manual => Standing::Missing,
                Deployments::Automated => Standing::Matching,
            },
            why: Why::Mistake(MistakeKind::ManualDeployments),
        },
        Finding {
            part: Part::Https,
            standing: if setup.https {
                Standing::Matching
            } else {
                Standing::Missing
            },
            why: Why::Mistake(MistakeKind::IgnoringSecurity),
        },
    ];
    // Worst first: what is missing, then behind, then ahead; the rest last.
    findings.sort_by_key(|finding| match finding.standing {
        Standing::Missing => 0,
        Standing::Behind => 1,
        Standing::Ahead => 2,
        Standing::Matching => 3,
    });
    let mistakes = [
        (
            MistakeKind::PrematureOptimization,
            findings
                .iter()
                .any(|finding| finding.standing == Standing::Ahead),
        ),
        (
            MistakeKind::NoMonitoring,
            setup.monitoring == Monitoring::None,
        ),
        (
            MistakeKind::ManualDeployments,
            setup.deployments == Deployments::Manual,
        ),
        (MistakeKind::IgnoringSecurity, !setup.https),
        (
            MistakeKind::NoBackups,
            matches!(setup.backups, Backups::None | Backups::Manual),
        ),
    ]
    .into_iter()
    .filter(|(_, applies)| *applies)
    .map(|(mistake, _)| mistake)
    .collect();
    let today = Money::round(setup.monthly_cost);
    let judged = assess(today, setup.mrr, plan.selection.stage);
    let cost = CostCheck {
        today,
        share: judged.share,
        verdict: judged.verdict,
        guidance: judged.guidance_amount,
        ceiling: judged.ceiling_amount,
        priced: plan.estimate.total,
        benchmark: benchmark(&roadmap.cost_benchmarks, setup.mrr),
    };
    Audit {
        plan,
        findings,
        cost,
        mistakes,
    }
}

/// The roadmap's typical monthly cost at `mrr`: between two of its points,
/// each end interpolated in a straight line; above the last, its ends as
/// shares of MRR. `None` below its first point (the roadmap gives none
/// there, and shares of a small MRR fall under any stage's real cost).
pub fn benchmark(points: &[CostBenchmark], mrr: Decimal) -> Option<Benchmark> {
    let first = points.first()?;
    let last = points.last()?;
    if mrr < first.mrr {
        return None;
    }
    if mrr >= last.mrr {
        return Some(Benchmark {
            low: Money::round(last.low * mrr / last.mrr),
            high: Money::round(last.high * mrr / last.mrr),
        });
    }
    points.windows(2).find_map(|pair| {
        let (below, above) = (&pair[0], &pair[1]);
        if mrr < below.mrr || mrr > above.mrr {
            return None;
        }
        // Two points at one MRR leave nothing between them to divide.
        let along = (mrr - below.mrr)
            .checked_div(above.mrr - below.mrr)
            .unwrap_or(Decimal::ZERO);
        Some(Benchmark {
            low: Money::round(below.low + (above.low - below.low) * along),
            high: Money::round(below.high + (above.high - below.high) * along),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Vec<CostBenchmark> {
        [
            (10_000, 500, 1_500),
            (50_000, 2_000, 5_000),
            (100_000, 5_000, 15_000),
        ]
        .into_iter()
        .map(|(mrr, low, high)| CostBenchmark {
            mrr: Decimal::from(mrr),
            low: Decimal::from(low),
            high: Decimal::from(high),
            words: String::new(),
        })
        .collect()
    }

    #[test]
    fn the_benchmark_is_the_roadmaps_points_and_lines_between() {
        let at = |mrr: i64| benchmark(&points(), Decimal::from(mrr)).unwrap();
        let money = |amount: i64| Money::round(Decimal::from(amount));
        assert_eq!(
            at(10_000),
            Benchmark {
                low: money(500),
                high: money(1_500)
            }
        );
        assert_eq!(
            at(30_000),
            Benchmark {
                low: money(1_250),
                high: money(3_250)
            }
        );
        assert_eq!(
            at(75_000),
            Benchmark {
                low: money(3_500),
                high: money(10_000)
            }
        );
        assert_eq!(
            benchmark(&points(), Decimal::from(9_999)),
            None,
            "none below $10k"
        );
        assert_eq!(
            at(200_000),
            Benchmark {
                low: money(10_000),
                high: money(30_000)
            }
        );
        assert_eq!(benchmark(&points(), Decimal::ZERO), None);
    }
}
