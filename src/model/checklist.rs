//! The roadmap's security checklist for one stage variant: for each item,
//! whether the variant's Terraform delivers it (and with which resources),
//! or whose work it is; and which compliance regimes the business calls for.

use rust_decimal::Decimal;

use super::roadmap::{ChecklistItem, ChecklistTier, Compliance, DueWhen, Owner, SecurityChecklist};
use super::stage::{Delivery, Variant};

/// Where an item stands for a variant.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// The variant's Terraform delivers it.
    Delivered(&'a Delivery),
    /// The variant's Terraform delivers part of it.
    PartlyDelivered(&'a Delivery),
    /// Infrastructure work this stage's Terraform does not do.
    NotInThisStage,
    /// The application's code.
    Application,
    /// The team's process.
    Team,
}

/// One item and where it stands.
#[derive(Debug, Clone, Copy)]
pub struct ItemStatus<'a> {
    /// The item.
    pub item: &'a ChecklistItem,
    /// Where it stands.
    pub status: Status<'a>,
}

/// One tier and its items.
#[derive(Debug, Clone)]
pub struct TierStatus<'a> {
    /// The tier.
    pub tier: &'a ChecklistTier,
    /// Its items, in the roadmap's order.
    pub items: Vec<ItemStatus<'a>>,
}

/// Whether a compliance regime is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// It is.
    Yes,
    /// It is not (yet).
    No,
    /// It depends on something infraplan is not told (healthcare data).
    NotKnown,
}

/// A compliance note and whether it is due.
#[derive(Debug, Clone, Copy)]
pub struct ComplianceStatus<'a> {
    /// The note.
    pub note: &'a Compliance,
    /// Whether it is due.
    pub due: Due,
}

/// The checklist for one variant.
#[derive(Debug, Clone)]
pub struct Checklist<'a> {
    /// Tier by tier.
    pub tiers: Vec<TierStatus<'a>>,
    /// The compliance notes.
    pub compliance: Vec<ComplianceStatus<'a>>,
    /// Annual recurring revenue: twelve times MRR.
    pub arr: Decimal,
}

/// The checklist of `variant` for a business with `mrr` a month, with or
/// without customers in the EU.
pub fn checklist<'a>(
    checklist: &'a SecurityChecklist,
    variant: &'a Variant,
    mrr: Decimal,
    eu_customers: bool,
) -> Checklist<'a> {
    // MRR is at most a trillion, so twelve of it fits a decimal.
    let arr = mrr * Decimal::from(12);
    Checklist {
        tiers: checklist
            .tiers
            .iter()
            .map(|tier| TierStatus {
                tier,
                items: tier
                    .items
                    .iter()
                    .map(|item| ItemStatus {
                        item,
                        status: match (item.owner, variant.security.get(&item.item)) {
                            (_, Some(delivery)) if delivery.whole => Status::Delivered(delivery),
                            (_, Some(delivery)) => Status::PartlyDelivered(delivery),
                            (Owner::Infrastructure, None) => Status::NotInThisStage,
                            (Owner::Application, None) => Status::Application,
                            (Owner::Team, None) => Status::Team,
                        },
                    })
                    .collect(),
            })
            .collect(),
        compliance: checklist
            .compliance
            .iter()
            .map(|note| ComplianceStatus {
                note,
                due: match note.due_when {
                    // Without --eu-customers infraplan has not been told.
                    DueWhen::EuCustomers if eu_customers => Due::Yes,
                    DueWhen::EuCustomers => Due::NotKnown,
                    DueWhen::Arr => match note.due_from_arr {
                        Some(threshold) if arr >= threshold => Due::Yes,
                        Some(_) => Due::No,
                        None => Due::NotKnown,
                    },
                    DueWhen::HealthcareData => Due::NotKnown,
                },
            })
            .collect(),
        arr,
    }
}
