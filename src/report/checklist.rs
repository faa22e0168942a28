//! `infraplan checklist`: the roadmap's security checklist (Exercise 3) for
//! the planned stage, each item delivered by the stage's Terraform (named
//! resources) or left to the application or the team, and the compliance
//! notes. The generated README prints the same view.

use serde::Serialize;

use super::html::{Block, Document};
use super::table::{Align, Fit, Table, paragraphs};
use super::{REPORT_SCHEMA_VERSION, Report};
use crate::model::checklist::{Due, Status, checklist};
use crate::model::money::Money;
use crate::model::plan::{Data, Plan};
use crate::model::roadmap::{DueWhen, Owner};

/// The checklist; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct ChecklistReport {
    schema_version: u32,
    stage: u32,
    stage_name: String,
    variant: String,
    customers: u64,
    mrr: Money,
    arr: Money,
    eu_customers: bool,
    tiers: Vec<TierView>,
    compliance: Vec<ComplianceView>,
    start_with: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct TierView {
    tier: String,
    due: String,
    within_months: u32,
    items: Vec<ItemView>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct ItemView {
    item: String,
    owner: Owner,
    /// `delivered`, `partly_delivered`, `not_in_this_stage`, `application`
    /// or `team`.
    status: &'static str,
    /// The resources that deliver it, when delivered.
    resources: Vec<String>,
    /// What they cover, when delivered.
    scope: Option<String>,
    pointer: String,
    /// Where the item stands, in a sentence.
    text: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct ComplianceView {
    name: String,
    applies_to: String,
    /// `yes`, `no` or `not_known`.
    due: &'static str,
    due_from_arr: Option<Money>,
    requirements: Vec<String>,
    guidance: Option<String>,
    /// Whether it is due, in a sentence.
    text: String,
}

impl ChecklistReport {
    /// The checklist of `plan`'s stage variant, with or without customers
    /// in the EU.
    pub(crate) fn for_plan(data: &Data, plan: &Plan<'_>, eu_customers: bool) -> ChecklistReport {
        let security = &data.roadmap.security_checklist;
        let checklist = checklist(
            security,
            plan.selection.variant,
            plan.scenario.mrr,
            eu_customers,
        );
        let stage = plan.selection.stage.number;
        ChecklistReport {
            schema_version: REPORT_SCHEMA_VERSION,
            stage,
            stage_name: plan.selection.stage.name.clone(),
            variant: plan.selection.variant_name.to_owned(),
            customers: plan.scenario.customers,
            mrr: Money::round(plan.scenario.mrr),
            arr: Money::round(checklist.arr),
            eu_customers,
            tiers: checklist
                .tiers
                .iter()
                .map(|tier| TierView {
                    tier: tier.tier.tier.clone(),
                    due: tier.tier.due.clone(),
                    within_months: tier.tier.within_months,
                    items: tier
                        .items
                        .iter()
                        .map(|status| {
                            let item = status.item;
                            let (key, resources, scope, text) = match status.status {
                                Status::Delivered(delivery) | Status::PartlyDelivered(delivery) => {
                                    let (key, how) = if delivery.whole {
                                        ("delivered", "delivered")
                                    } else {
                                        ("partly_delivered", "partly delivered")
                                    };
                                    (
                                        key,
                                        delivery.resources.clone(),
                                        Some(delivery.scope.clone()),
                                        format!(
                                            "{how} by this stage's Terraform: {} ({})",
                                            delivery.resources.join(", "),
                                            delivery.scope
                                        ),
                                    )
                                }
                                Status::NotInThisStage => (
                                    "not_in_this_stage",
                                    Vec::new(),
                                    None,
                                    format!("not in stage {stage}'s Terraform: {}", item.pointer),
                                ),
                                Status::Application => (
                                    "application",
                                    Vec::new(),
                                    None,
                                    format!("the application team's work: {}", item.pointer),
                                ),
                                Status::Team => (
                                    "team",
                                    Vec::new(),
                                    None,
                                    format!("the team's work: {}", item.pointer),
                                ),
                            };
                            ItemView {
                                item: item.item.clone(),
                                owner: item.owner,
                                status: key,
                                resources,
                                scope,
                                pointer: item.pointer.clone(),
                                text,
                            }
                        })
                        .collect(),
                })
                .collect(),
            compliance: checklist
                .compliance
                .iter()
                .map(|status| {
                    let note = status.note;
                    let due_from_arr = note.due_from_arr.map(Money::round);
                    let (key, text) = match (status.due, due_from_arr) {
                        (Due::Yes, Some(threshold)) => (
                            "yes",
                            format!(
                                "due: ARR of {} reaches the roadmap's {threshold}",
                                Money::round(checklist.arr)
                            ),
                        ),
                        (Due::No, Some(threshold)) => (
                            "no",
                            format!(
                                "not yet: ARR of {} is under the roadmap's {threshold}",
                                Money::round(checklist.arr)
                            ),
                        ),
                        (Due::Yes, None) => ("yes", format!("due: you have {}", note.applies_to)),
                        (Due::No, None) => ("no", format!("not due without {}", note.applies_to)),
                        (Due::NotKnown, _) if note.due_when == DueWhen::EuCustomers => (
                            "not_known",
                            format!(
                                "due if you have {}; say so with --eu-customers",
                                note.applies_to
                            ),
                        ),
                        (Due::NotKnown, _) => (
                            "not_known",
                            format!("due only with {}", note.applies_to.to_lowercase()),
                        ),
                    };
                    ComplianceView {
                        name: note.name.clone(),
                        applies_to: note.applies_to.clone(),
                        due: key,
                        due_from_arr,
                        requirements: note.requirements.clone(),
                        guidance: note.guidance.clone(),
                        text,
                    }
                })
                .collect(),
            start_with: security.start_with.clone(),
        }
    }

    fn heading(&self) -> String {
        format!(
            "Security checklist for stage {} ({}) on {}: {} customers, {} MRR ({} ARR){}. {}.",
            self.stage,
            self.stage_name,
            self.variant,
            self.customers,
            self.mrr,
            self.arr,
            if self.eu_customers {
                ", customers in the EU"
            } else {
                ""
            },
            self.start_with
        )
    }

    fn tier_title(tier: &TierView) -> String {
        format!("{} ({})", tier.tier, tier.due)
    }

    fn tier_table(tier: &TierView) -> Table {
        let mut table = Table::new(&[("Item", Align::Left), ("Where it stands", Align::Left)]);
        for item in &tier.items {
            table.row(vec![item.item.clone(), item.text.clone()]);
        }
        table
    }

    fn compliance_lines(&self) -> Vec<String> {
        self.compliance
            .iter()
            .map(|note| {
                format!(
                    "{} ({}): {}. {}{}.",
                    note.name,
                    note.applies_to,
                    note.text,
                    note.guidance
                        .as_ref()
                        .map_or_else(String::new, |guidance| format!("{guidance}: ")),
                    note.requirements.join(", ")
                )
            })
            .collect()
    }
}

impl Report for ChecklistReport {
    fn to_text(&self, fit: Fit) -> String {
        let mut out = paragraphs(&self.heading(), fit, 0);
        for tier in &self.tiers {
            out.push_str(&format!(
                "\n{}:\n{}",
                Self::tier_title(tier),
                Self::tier_table(tier).to_text(fit)
            ));
        }
        out.push_str("\nCompliance:\n");
        out.push_str(&paragraphs(&self.compliance_lines().join("\n"), fit, 2));
        out
    }

    fn to_markdown(&self) -> String {
        let mut out = format!("### infraplan checklist\n\n{}\n", self.heading());
        for tier in &self.tiers {
            out.push_str(&format!(
                "\n#### {}\n\n{}",
                Self::tier_title(tier),
                Self::tier_table(tier).to_markdown()
            ));
        }
        out.push_str("\n#### Compliance\n\n");
        for line in self.compliance_lines() {
            out.push_str(&format!("- {line}\n"));
        }
        out
    }

    fn to_document(&self) -> Document {
        let mut document = Document::new(format!(
            "infraplan: security checklist for stage {}",
            self.stage
        ));
        document.paragraph(self.heading());
        for tier in &self.tiers {
            document.table(Self::tier_title(tier), Self::tier_table(tier));
        }
        document.heading("Compliance");
        document.push(Block::List(self.compliance_lines()));
        document
    }
}
