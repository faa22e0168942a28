//! `infraplan audit FILE`: the roadmap's Exercise 1, worded.

use serde::Serialize;

use super::html::{Block, Document};
use super::table::{Align, Fit, Table, paragraphs};
use super::{REPORT_SCHEMA_VERSION, Report};
use crate::model::audit::{
    Audit, Backups, Database, Deployments, Finding, Hosting, Monitoring, Part, Setup, Standing,
    Storage, Why,
};
use crate::model::money::{Money, Percent};
use crate::model::plan::Verdict;
use crate::model::roadmap::{MistakeKind, Roadmap};

/// The audit; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct AuditReport {
    schema_version: u32,
    customers: u64,
    mrr: Money,
    stage: u32,
    stage_name: String,
    variant: String,
    findings: Vec<FindingView>,
    cost: CostView,
    mistakes: Vec<MistakeView>,
    next_steps: Vec<String>,
    generate_command: String,
    /// The roadmap's lowest benchmark, for the text when none applies.
    #[serde(skip)]
    benchmark_from: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct FindingView {
    part: Part,
    standing: Standing,
    /// Today's setup for this part, in words.
    today: String,
    /// What the stage calls for, and why, in the roadmap's words where it
    /// has them.
    reason: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct CostView {
    today: Money,
    share_of_mrr: Option<Percent>,
    verdict: Verdict,
    guidance: Money,
    guidance_label: String,
    ceiling: Money,
    ceiling_percent_of_mrr: rust_decimal::Decimal,
    /// What infraplan prices the stage at, for these customers.
    priced_for_stage: Money,
    /// The roadmap's typical SaaS cost at this MRR, interpolated.
    benchmark: Option<BenchmarkView>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct BenchmarkView {
    low: Money,
    high: Money,
    /// The roadmap's points it comes from.
    from: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct MistakeView {
    mistake: MistakeKind,
    title: String,
    problem: String,
    fix: String,
}

impl AuditReport {
    /// The view of `audit` of `setup`, worded with `roadmap`.
    pub(crate) fn new(audit: &Audit<'_>, setup: &Setup, roadmap: &Roadmap) -> AuditReport {
        let plan = &audit.plan;
        let stage = plan.selection.stage;
        let findings: Vec<FindingView> = audit
            .findings
            .iter()
            .map(|finding| FindingView {
                part: finding.part,
                standing: finding.standing,
                today: today_text(finding.part, setup),
                reason: reason_text(finding, audit, roadmap, setup),
            })
            .collect();
        let generate_command = format!(
            "infraplan generate --customers {} --mrr {} --paas {} --out infra",
            plan.scenario.customers,
            Money::round(plan.scenario.mrr).amount().normalize(),
            plan.scenario.platform
        );
        let cost = &audit.cost;
        let mut next_steps: Vec<String> = findings
            .iter()
            .filter(|finding| finding.standing != Standing::Matching)
            .map(step_text)
            .collect();
        if cost.verdict != Verdict::WithinGuidance {
            next_steps.push(format!(
                "Bring the {} a month under the stage's guidance of {}: infraplan prices stage {} at {} (see `infraplan plan`), and the roadmap's levers are: {}.",
                cost.today,
                cost.guidance,
                stage.number,
                cost.priced,
                roadmap.cost_levers.join("; ")
            ));
        }
        next_steps.push(format!(
            "Generate stage {}'s Terraform and apply it: {generate_command}",
            stage.number
        ));
        next_steps.push(format!(
            "Work through the security checklist: infraplan checklist --customers {} --mrr {}",
            plan.scenario.customers,
            Money::round(plan.scenario.mrr).amount().normalize()
        ));
        AuditReport {
            schema_version: REPORT_SCHEMA_VERSION,
            customers: setup.customers,
            mrr: Money::round(setup.mrr),
            stage: stage.number,
            stage_name: stage.name.clone(),
            variant: plan.selection.variant_name.to_owned(),
            findings,
            cost: CostView {
                today: cost.today,
                share_of_mrr: cost.share,
                verdict: cost.verdict,
                guidance: cost.guidance,
                guidance_label: stage.budget.label.clone(),
                ceiling: cost.ceiling,
                ceiling_percent_of_mrr: stage.budget.ceiling_percent_of_mrr.normalize(),
                priced_for_stage: cost.priced,
                benchmark: cost.benchmark.map(|benchmark| BenchmarkView {
                    low: benchmark.low,
                    high: benchmark.high,
                    from: roadmap
                        .cost_benchmarks
                        .iter()
                        .map(|point| point.words.clone())
                        .collect(),
                }),
            },
            mistakes: audit
                .mistakes
                .iter()
                .filter_map(|kind| roadmap.mistake(*kind))
                .map(|mistake| MistakeView {
                    mistake: mistake.mistake,
                    title: mistake.title.clone(),
                    problem: mistake.problem.clone(),
                    fix: mistake.fix.clone(),
                })
                .collect(),
            next_steps,
            generate_command,
            benchmark_from: roadmap
                .cost_benchmarks
                .first()
                .map_or_else(String::new, |point| point.words.clone()),
        }
    }

    /// How many parts stand at `standing`.
    fn count(&self, standing: Standing) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.standing == standing)
            .count()
    }

    fn heading(&self) -> String {
        format!(
            "Infrastructure audit (the roadmap's Exercise 1): {} customers and {} MRR call for stage {} ({}) on {}.",
            self.customers, self.mrr, self.stage, self.stage_name, self.variant
        )
    }

    fn findings_table(&self) -> Table {
        let mut table = Table::new(&[
            ("Part", Align::Left),
            ("Today", Align::Left),
            ("Against the stage", Align::Left),
            ("Why", Align::Below),
        ]);
        for finding in &self.findings {
            table.row(vec![
                part_name(finding.part).to_owned(),
                finding.today.clone(),
                standing_text(finding.standing).to_owned(),
                finding.reason.clone(),
            ]);
        }
        table
    }

    fn cost_lines(&self) -> Vec<String> {
        let cost = &self.cost;
        let share = cost.share_of_mrr.map_or_else(
            || "no share: no revenue".to_owned(),
            |share| format!("{share} of MRR"),
        );
        let mut lines = vec![
            format!(
                "Today: {} a month ({share}), {}: the roadmap's \"{}\" guidance for stage {} is under {} a month at this MRR.",
                cost.today,
                cost.verdict.label(),
                cost.guidance_label,
                self.stage,
                cost.guidance
            ),
            format!(
                "Ceiling: under {}% of MRR, {} a month; today is {}.",
                cost.ceiling_percent_of_mrr,
                cost.ceiling,
                if cost.verdict == Verdict::OverCeiling {
                    "over it"
                } else {
                    "under it"
                }
            ),
            format!(
                "infraplan prices stage {} for {} customers at {} a month, {} than today.",
                self.stage,
                self.customers,
                cost.priced_for_stage,
                if cost.priced_for_stage > cost.today {
                    format!("{} more", cost.priced_for_stage - cost.today)
                } else {
                    format!("{} less", cost.today - cost.priced_for_stage)
                }
            ),
        ];
        lines.push(match &cost.benchmark {
            Some(benchmark) => format!(
                "The roadmap's benchmark of typical SaaS costs, interpolated to this MRR: {} to {} a month ({}).",
                benchmark.low,
                benchmark.high,
                benchmark.from.join("; ")
            ),
            None => format!(
                "The roadmap's typical SaaS costs start higher than this MRR ({}); none applies yet.",
                self.benchmark_from
            ),
        });
        lines
    }

    fn mistake_lines(&self) -> Vec<String> {
        if self.mistakes.is_empty() {
            return vec!["None of the roadmap's common mistakes applies.".to_owned()];
        }
        self.mistakes
            .iter()
            .map(|mistake| {
                format!(
                    "{}: {}. Fix: {}.",
                    mistake.title, mistake.problem, mistake.fix
                )
            })
            .collect()
    }
}

impl Report for AuditReport {
    fn to_text(&self, fit: Fit) -> String {
        let mut out = paragraphs(&self.heading(), fit, 0);
        out.push('\n');
        out.push_str(&self.findings_table().to_text(fit));
        out.push_str("\nCost:\n");
        out.push_str(&paragraphs(&self.cost_lines().join("\n"), fit, 2));
        out.push_str("\nThe roadmap's common mistakes that apply:\n");
        out.push_str(&paragraphs(&self.mistake_lines().join("\n"), fit, 2));
        out.push_str("\nNext steps:\n");
        out.push_str(&paragraphs(
            &super::numbered(&self.next_steps, "  "),
            fit,
            5,
        ));
        out
    }

    fn to_markdown(&self) -> String {
        let mut out = format!(
            "### infraplan audit\n\n{}\n\n{}\n#### Cost\n\n",
            self.heading(),
            self.findings_table().to_markdown()
        );
        for line in self.cost_lines() {
            out.push_str(&format!("- {line}\n"));
        }
        out.push_str("\n#### The roadmap's common mistakes that apply\n\n");
        for line in self.mistake_lines() {
            out.push_str(&format!("- {line}\n"));
        }
        out.push_str("\n#### Next steps\n\n");
        out.push_str(&super::numbered(&self.next_steps, ""));
        out
    }

    fn to_document(&self) -> Document {
        let mut document = Document::new(format!("infraplan audit: stage {}", self.stage));
        document.paragraph(self.heading());
        document.paragraph(format!(
            "Setup: {} parts missing, {} behind, {} ahead of the stage; {} of the roadmap's common mistakes apply.",
            self.count(Standing::Missing),
            self.count(Standing::Behind),
            self.count(Standing::Ahead),
            self.mistakes.len()
        ));
        document.push(Block::Verdict {
            verdict: self.cost.verdict,
            text: format!(
                "cost: today's {} a month against the stage's guidance of {}.",
                self.cost.today, self.cost.guidance
            ),
        });
        document.table("Today's setup against the stage", self.findings_table());
        document.heading("Cost");
        document.push(Block::List(self.cost_lines()));
        document.heading("The roadmap's common mistakes that apply");
        document.push(Block::List(self.mistake_lines()));
        document.heading("Next steps");
        document.push(Block::Steps(self.next_steps.clone()));
        document
    }
}

fn part_name(part: Part) -> &'static str {
    match part {
        Part::Hosting => "Hosting",
        Part::Architecture => "Architecture",
        Part::Regions => "Regions",
        Part::Database => "Database",
        Part::Cache => "Cache",
        Part::Cdn => "CDN",
        Part::BackgroundWorkers => "Background workers",
        Part::Storage => "Storage",
        Part::Monitoring => "Monitoring",
        Part::Backups => "Backups",
        Part::Deployments => "Deployments",
        Part::Https => "HTTPS",
    }
}

fn standing_text(standing: Standing) -> &'static str {
    match standing {
        Standing::Missing => "missing",
        Standing::Behind => "behind",
        Standing::Matching => "matching",
        Standing::Ahead => "ahead of the stage",
    }
}

/// Today's setup for `part`, in words.
fn today_text(part: Part, setup: &Setup) -> String {
    let yes_no = |has: bool, what: &str| {
        if has {
            what.to_owned()
        } else {
            "none".to_owned()
        }
    };
    match part {
        Part::Hosting => match setup.hosting {
            Hosting::Paas => "a PaaS",
            Hosting::Vps => "servers you run",
            Hosting::Containers => "containers with auto-scaling",
            Hosting::Kubernetes => "Kubernetes",
        }
        .to_owned(),
        Part::Architecture => match setup.services {
            1 => "one app".to_owned(),
            count => format!("{count} services"),
        },
        Part::Regions => match setup.regions {
            1 => "one region".to_owned(),
            count => format!("{count} regions"),
        },
        Part::Database => match setup.database {
            Database::None => "none",
            Database::SelfHosted => "self-hosted",
            Database::Managed => "managed, one instance",
            Database::ManagedWithReplica => "managed, with a replica",
            Database::Sharded => "sharded",
        }
        .to_owned(),
        Part::Cache => yes_no(setup.cache, "Redis"),
        Part::Cdn => yes_no(setup.cdn, "a CDN"),
        Part::BackgroundWorkers => yes_no(setup.background_workers, "workers"),
        Part::Storage => match setup.storage {
            Storage::None => "no files",
            Storage::LocalDisk => "a server's disk",
            Storage::ObjectStorage => "object storage",
        }
        .to_owned(),
        Part::Monitoring => match setup.monitoring {
            Monitoring::None => "none",
            Monitoring::Uptime => "uptime checks",
            Monitoring::UptimeAndErrors => "uptime and errors",
            Monitoring::Full => "uptime, errors, performance and alerts",
        }
        .to_owned(),
        Part::Backups => match setup.backups {
            Backups::None => "none",
            Backups::Manual => "by hand",
            Backups::Daily => "daily, automated",
            Backups::DailyAndPointInTime => "daily and point in time",
        }
        .to_owned(),
        Part::Deployments => match setup.deployments {
            Deployments::Manual => "by hand",
            Deployments::Automated => "automated",
        }
        .to_owned(),
        Part::Https => yes_no(setup.https, "everywhere"),
    }
}

/// Why `finding` stands where it does, in the roadmap's words where it has
/// them.
fn reason_text(finding: &Finding, audit: &Audit<'_>, roadmap: &Roadmap, setup: &Setup) -> String {
    let stage = audit.plan.selection.stage;
    match finding.why {
        Why::Component(id) => match audit
            .plan
            .selection
            .variant
            .components
            .iter()
            .find(|component| component.id == id)
        {
            Some(component) => format!(
                "stage {} has {}: {}",
                stage.number, component.name, component.why
            ),
            None => {
                let early = match finding.part {
                    Part::Cache => setup.cache,
                    Part::Cdn => setup.cdn,
                    Part::BackgroundWorkers => setup.background_workers,
                    _ => false,
                };
                format!(
                    "stage {} ({}) has no {} yet{}",
                    stage.number,
                    stage.name,
                    component_noun(id),
                    if early {
                        "; having one early does no harm"
                    } else {
                        ""
                    }
                )
            }
        },
        Why::Hosting => format!(
            "stage {} runs on {}: {}",
            stage.number,
            audit.plan.selection.variant_name,
            stage.summary.trim_end_matches('.')
        ),
        Why::Microservices => roadmap.architecture.microservices.clone(),
        Why::Sharding => roadmap.architecture.sharding.clone(),
        Why::Redundancy => format!(
            "no stage serves from several regions; {}",
            roadmap.architecture.redundancy
        ),
        Why::Mistake(kind) => roadmap.mistake(kind).map_or_else(String::new, |mistake| {
            format!(
                "the roadmap's \"{}\": {}; fix: {}",
                mistake.title, mistake.problem, mistake.fix
            )
        }),
    }
}

/// A component a stage may not have yet, by its id in the stage files.
fn component_noun(id: &str) -> &str {
    match id {
        "database_replica" => "read replica",
        "cache" => "cache",
        "cdn" => "CDN",
        "worker" => "background workers",
        "file_storage" => "file storage",
        other => other,
    }
}

/// A part as a sentence names it.
fn part_noun(part: Part) -> &'static str {
    match part {
        Part::Hosting => "hosting",
        Part::Architecture => "the architecture",
        Part::Regions => "regions",
        Part::Database => "the database",
        Part::Cache => "a cache",
        Part::Cdn => "a CDN",
        Part::BackgroundWorkers => "background workers",
        Part::Storage => "file storage",
        Part::Monitoring => "monitoring",
        Part::Backups => "backups",
        Part::Deployments => "automated deployments",
        Part::Https => "HTTPS",
    }
}

/// What to do about a finding that is not matching.
fn step_text(finding: &FindingView) -> String {
    let part = part_noun(finding.part);
    match finding.standing {
        Standing::Missing => format!("Add {part}: {}.", finding.reason),
        Standing::Behind => format!(
            "Bring {part} (today {}) up to the stage: {}.",
            finding.today, finding.reason
        ),
        Standing::Ahead => format!(
            "Simplify {part} (today {}) until the customers call for it: {}.",
            finding.today, finding.reason
        ),
        Standing::Matching => String::new(),
    }
}
