//! The typed data every template sees, built from a plan.
//!
//! Sizes come from the plan's priced lines and nowhere else: a template writes
//! `components.web.size` and `components.web.instances`, never its own numbers,
//! so what is priced is what is created.

use crate::report::checklist::ChecklistReport;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::money::{Money, format_quantity, format_unit_price};
use crate::model::plan::{Data, Plan};
use crate::model::prices::Unit;
use crate::model::roadmap::{BackupStep, Roadmap};
use crate::model::select::variant_for;
use crate::model::stage::{Count, Quantity};
use crate::report::plan::range_text;

/// Names the user chose for what is generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Naming {
    /// The app's name: resource names, the Heroku app, tags.
    pub app_name: String,
    /// The AWS region.
    pub region: String,
    /// The app's domain, if given (else the generated variables ask for it).
    pub domain: Option<String>,
}

/// Everything a template can read.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TemplateContext {
    app: AppContext,
    stage: StageContext,
    components: IndexMap<String, ComponentContext>,
    cost: CostContext,
    roadmap: RoadmapContext,
    /// The roadmap's security checklist for this stage variant.
    checklist: ChecklistReport,
}

#[derive(Debug, Clone, Serialize)]
struct AppContext {
    name: String,
    region: String,
    domain: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct StageContext {
    number: u32,
    name: String,
    summary: String,
    variant: String,
    customers: String,
    band: String,
    /// The stage before, whose storage this stage adopts.
    previous: Option<u32>,
    /// How to move here from the previous stage on the scenario's platform.
    moving_here: Vec<String>,
    next: Option<String>,
    /// Whether the next stage runs on this stage's platform, and so adopts
    /// its email domain as well as its storage.
    next_keeps_platform: bool,
}

/// One labelled line of a component, sized by the plan.
#[derive(Debug, Clone, Serialize)]
struct LineContext {
    /// Running instances, for a line sized by count.
    instances: Option<u32>,
    /// SKU units each instance takes (a task's vCPUs or GB of memory).
    each: Option<Decimal>,
}

/// One component, sized by the plan.
#[derive(Debug, Clone, Serialize)]
struct ComponentContext {
    name: String,
    why: String,
    /// Running instances, from its first line sized by count.
    instances: Option<u32>,
    /// The most instances its sizing rule allows (the auto-scaling maximum).
    max_instances: Option<u32>,
    /// The provider's value for its first SKU that has one (`m6i.large`).
    size: Option<String>,
    /// GB provisioned by its first GB-month usage line (disk, database storage).
    storage_gb: Option<Decimal>,
    /// The amount per instance of its `per_instance` line (disk per server).
    per_instance: Option<Decimal>,
    /// Its labelled lines by label (`vCPU`, `memory`), for the sizes a
    /// template needs from one line in particular.
    line: IndexMap<String, LineContext>,
    monthly: String,
}

#[derive(Debug, Clone, Serialize)]
struct CostContext {
    lines: Vec<CostLine>,
    unpriced: Vec<crate::model::stage::Unpriced>,
    total: String,
    share_of_mrr: String,
    verdict: String,
    usage: Vec<UsageAssumption>,
}

#[derive(Debug, Clone, Serialize)]
struct CostLine {
    component: String,
    sku: String,
    quantity: String,
    unit: String,
    unit_price: String,
    monthly: String,
    usage_based: bool,
}

#[derive(Debug, Clone, Serialize)]
struct UsageAssumption {
    metric: String,
    per_customer: String,
    unit: String,
    why: String,
}

/// Alert thresholds in the units the templates write them in.
#[derive(Debug, Clone, Serialize)]
struct RoadmapContext {
    uptime_percent: String,
    max_downtime_minutes_per_month: u32,
    full_backup_retention_days: u32,
    archive_retention_days: u32,
    backup_schedule: Vec<BackupStep>,
    error_rate_percent: String,
    response_time_seconds: String,
    /// The same, as Route 53 and Heroku measure it.
    response_time_milliseconds: String,
    cpu_percent: String,
    cpu_minutes: u32,
    cpu_period_seconds: u32,
    storage_used_percent: String,
    storage_free_fraction: String,
    failed_jobs: u32,
    incident_response_template: String,
}

impl TemplateContext {
    /// Whether the plan has the component `id`.
    pub(crate) fn has_component(&self, id: &str) -> bool {
        self.components.contains_key(id)
    }

    /// The context for `plan`, named by `naming`.
    pub(crate) fn new(plan: &Plan<'_>, data: &Data, naming: &Naming) -> TemplateContext {
        let roadmap = &data.roadmap;
        let stage = plan.selection.stage;
        let moving_here = data
            .stages
            .before(stage.number)
            .and_then(|previous| variant_for(previous, &plan.scenario.platform).ok())
            .and_then(|(leaving, _)| stage.migration_from.get(leaving))
            .cloned()
            .unwrap_or_default();
        let mut components: IndexMap<String, ComponentContext> = IndexMap::new();
        for line in &plan.estimate.lines {
            let component = components
                .entry(line.component.id.clone())
                .or_insert_with(|| ComponentContext {
                    name: line.component.name.clone(),
                    why: line.component.why.clone(),
                    instances: None,
                    max_instances: None,
                    size: None,
                    storage_gb: None,
                    per_instance: None,
                    line: IndexMap::new(),
                    monthly: String::new(),
                });
            component.instances = component.instances.or(line.instances);
            if let Some(label) = line.label {
                let each = plan
                    .selection
                    .variant
                    .components
                    .iter()
                    .filter(|candidate| candidate.id == line.component.id)
                    .flat_map(|candidate| &candidate.lines)
                    .find(|spec| spec.label.as_deref() == Some(label))
                    .and_then(|spec| spec.each);
                component.line.insert(
                    label.to_owned(),
                    LineContext {
                        instances: line.instances,
                        each: each.map(|each| each.normalize()),
                    },
                );
            }
            if component.size.is_none() {
                component.size.clone_from(&line.sku.terraform_value);
            }
            if line.usage_based && line.sku.unit == Unit::GbMonth && component.storage_gb.is_none()
            {
                component.storage_gb = Some(line.provisioned.normalize());
            }
        }
        for (id, component) in &mut components {
            let lines = plan
                .estimate
                .lines
                .iter()
                .filter(|line| &line.component.id == id);
            component.monthly = lines.map(|line| line.monthly).sum::<Money>().to_string();
            let lines = plan
                .selection
                .variant
                .components
                .iter()
                .filter(|candidate| &candidate.id == id)
                .flat_map(|candidate| &candidate.lines);
            for rule in lines.map(|line| &line.quantity) {
                match rule {
                    Quantity::PerInstance(per) if component.per_instance.is_none() => {
                        component.per_instance = Some(per.amount.normalize());
                    }
                    Quantity::Count(Count::Fixed(count)) if component.max_instances.is_none() => {
                        component.max_instances = Some(*count);
                    }
                    Quantity::Count(Count::Scale(scale)) if component.max_instances.is_none() => {
                        component.max_instances = Some(scale.max);
                    }
                    _ => {}
                }
            }
        }
        let usage = crate::model::cost::UsageProfile::new(stage, &plan.scenario.usage);
        TemplateContext {
            app: AppContext {
                name: naming.app_name.clone(),
                region: naming.region.clone(),
                domain: naming.domain.clone(),
            },
            stage: StageContext {
                number: stage.number,
                name: stage.name.clone(),
                summary: stage.summary.clone(),
                variant: plan.selection.variant_name.to_owned(),
                customers: range_text(&stage.customers),
                previous: stage.number.checked_sub(1).filter(|number| *number > 0),
                moving_here,
                band: format!(
                    "{}–{}",
                    Money::round(stage.band.low),
                    Money::round(stage.band.high)
                ),
                next: plan.next.as_ref().map(|next| {
                    format!(
                        "at {} customers: stage {} ({}) on {}, about {} a month",
                        next.customers,
                        next.stage.number,
                        next.stage.name,
                        next.variant_name,
                        next.total
                    )
                }),
                next_keeps_platform: plan
                    .next
                    .as_ref()
                    .is_some_and(|next| next.variant_name == plan.selection.variant_name),
            },
            components,
            cost: CostContext {
                lines: plan
                    .estimate
                    .lines
                    .iter()
                    .map(|line| CostLine {
                        component: line.component.name.clone(),
                        sku: line.sku.id.clone(),
                        quantity: format_quantity(line.quantity),
                        unit: line.sku.unit.name().to_owned(),
                        unit_price: format_unit_price(line.unit_price),
                        monthly: line.monthly.to_string(),
                        usage_based: line.usage_based,
                    })
                    .collect(),
                unpriced: plan.selection.variant.unpriced.clone(),
                total: plan.estimate.total.to_string(),
                share_of_mrr: plan.assessment.share.map_or_else(
                    || "undefined (MRR is 0)".to_owned(),
                    |share| share.to_string(),
                ),
                verdict: plan.assessment.verdict.label().to_owned(),
                usage: stage
                    .usage_per_customer
                    .iter()
                    .map(|(metric, default)| UsageAssumption {
                        metric: metric.clone(),
                        per_customer: format_quantity(usage.per_customer(metric)),
                        unit: default.unit.clone(),
                        why: default.why.clone(),
                    })
                    .collect(),
            },
            roadmap: RoadmapContext::new(roadmap),
            checklist: ChecklistReport::for_plan(data, plan, false),
        }
    }
}

impl RoadmapContext {
    fn new(roadmap: &Roadmap) -> RoadmapContext {
        let alerts = &roadmap.alerts;
        let free = (Decimal::ONE_HUNDRED - alerts.storage_used_percent) / Decimal::ONE_HUNDRED;
        RoadmapContext {
            uptime_percent: roadmap.uptime.target_percent.normalize().to_string(),
            max_downtime_minutes_per_month: roadmap.uptime.max_downtime_minutes_per_month,
            full_backup_retention_days: roadmap.backups.full_backup_retention_days,
            archive_retention_days: roadmap.backups.archive_retention_days,
            backup_schedule: roadmap.backups.schedule.clone(),
            error_rate_percent: alerts.error_rate_percent.normalize().to_string(),
            response_time_seconds: alerts.response_time_seconds.normalize().to_string(),
            response_time_milliseconds: (alerts.response_time_seconds * Decimal::ONE_THOUSAND)
                .normalize()
                .to_string(),
            cpu_percent: alerts.cpu_percent.normalize().to_string(),
            cpu_minutes: alerts.cpu_minutes,
            cpu_period_seconds: alerts.cpu_minutes * 60,
            storage_used_percent: alerts.storage_used_percent.normalize().to_string(),
            storage_free_fraction: free.normalize().to_string(),
            failed_jobs: alerts.failed_jobs,
            incident_response_template: roadmap.incident_response_template.clone(),
        }
    }
}
