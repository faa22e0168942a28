//! The words for the core's typed values that reports print: how a line's
//! quantity was worked out, the sizes a stage cannot serve, changes, levers
//! and migration steps.

use rust_decimal::Decimal;

use super::MoveView;
use crate::model::cost::{Basis, Sizing, Warning};
use crate::model::diff::MigrationStep;
use crate::model::money::{HOURS_PER_MONTH, Money, format_quantity};
use crate::model::projection::{ComponentChange, Lever};

/// `+$12.00` or `-$3.50`.
pub(crate) fn signed(amount: Money) -> String {
    if amount >= Money::ZERO {
        format!("+{amount}")
    } else {
        amount.to_string()
    }
}

/// "+ Redis", "~ Web app": the symbol a Terraform plan would use, and the name.
pub(crate) fn component_change_text(change: &ComponentChange) -> String {
    format!("{} {}", change.change.symbol(), change.component)
}

/// A migration step, numbered by the stages it moves between.
pub(crate) fn migration_text(step: &MigrationStep) -> String {
    match step {
        MigrationStep::Up { into, step } => format!("Stage {}→{into}: {step}", into - 1),
        MigrationStep::Down { from, to } => format!(
            "Moving down from stage {from} to stage {to}: run the steps of the move up in reverse, and keep the larger stack until the smaller one has run a week."
        ),
    }
}

/// A cost lever, as the roadmap and plan reports word it.
pub(crate) fn lever_text(lever: &Lever) -> String {
    match *lever {
        Lever::Commit { committed, current } => {
            let saving = current - committed;
            format!(
                "Reserve capacity for a year: {committed} a month instead of {current} (saves {saving}, {} of the bill)",
                saving
                    .share_of(current.amount())
                    .map_or_else(String::new, |share| share.to_string())
            )
        }
        Lever::StayOnStage { stage, total } => format!(
            "Stay on stage {stage} longer: {total} a month for the same customers, with less redundancy"
        ),
    }
}

/// "uploads: 30 customers × 2 GB of uploads kept in S3, first 5 free".
pub(crate) fn basis_text(label: Option<&str>, basis: &Basis<'_>) -> String {
    let mut text = label.map_or_else(String::new, |label| format!("{label}: "));
    if let Some(tier) = &basis.tier {
        let limit = match tier.up_to {
            Some(up_to) if tier.total > up_to => {
                format!("over the largest size's {}", format_quantity(up_to))
            }
            Some(up_to) => format!("up to {}", format_quantity(up_to)),
            None => "largest size".to_owned(),
        };
        text.push_str(&format!(
            "size for {} {} ({limit}); ",
            format_quantity(tier.total),
            tier.unit
        ));
    }
    text.push_str(&sizing_text(&basis.sizing));
    if let Some(free) = basis.free {
        text.push_str(&format!(", first {} free", format_quantity(free)));
    }
    if let Some(terms) = basis.commitment_terms {
        text.push_str(&format!("; {terms}"));
    }
    text
}

fn sizing_text(sizing: &Sizing<'_>) -> String {
    match sizing {
        Sizing::Count {
            instances,
            scale,
            each,
            hourly,
        } => {
            let mut text = match scale {
                None => format!("fixed {instances}"),
                Some(scale) => format!(
                    "{instances} for {} customers (1 per {}, {}–{})",
                    scale.customers, scale.per_customers, scale.min, scale.max
                ),
            };
            if let Some((each, unit)) = each {
                text.push_str(&format!(" × {} {unit}", format_quantity(*each)));
            }
            if *hourly {
                text.push_str(&format!(" × {HOURS_PER_MONTH} h"));
            }
            text
        }
        Sizing::Usage {
            customers,
            parts,
            unit,
            multiplier,
            minimum,
            round_up_to,
        } => {
            let amount = match parts.as_slice() {
                [one] => format_quantity(*one),
                many => format!(
                    "({})",
                    many.iter()
                        .map(|part| format_quantity(*part))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ),
            };
            let mut text = format!("{customers} customers × {amount} {unit}");
            if *multiplier != Decimal::ONE {
                text.push_str(&format!(" × {}", format_quantity(*multiplier)));
            }
            if let Some(minimum) = minimum {
                text.push_str(&format!(", minimum {}", format_quantity(*minimum)));
            }
            match round_up_to {
                Some(step) if *step == Decimal::ONE => text.push_str(", rounded up"),
                Some(step) => text.push_str(&format!(
                    ", rounded up to a multiple of {}",
                    format_quantity(*step)
                )),
                None => {}
            }
            text
        }
        Sizing::PerInstance {
            counted,
            component,
            amount,
        } => format!(
            "{counted} {component} instances × {}",
            format_quantity(*amount)
        ),
    }
}

/// What to do about a size the stage cannot serve.
pub(crate) fn warning_text(warning: &Warning<'_>) -> String {
    match warning {
        Warning::BeyondScale {
            component,
            sku,
            scale,
            needed,
        } => format!(
            "{component}: {} customers would need {needed} of {sku} at 1 per {} customers, but this stage stops at {}; beyond that the roadmap's stage no longer fits, so plan larger sizes or the next architecture",
            scale.customers, scale.per_customers, scale.max
        ),
        Warning::BeyondTiers {
            total,
            unit,
            sku,
            up_to,
        } => format!(
            "{} {unit} is more than {sku} serves (up to {}); this stage has no larger size, so plan the next stage or a larger plan",
            format_quantity(*total),
            format_quantity(*up_to)
        ),
    }
}

/// When moving to the next stage pays, in a sentence.
pub(crate) fn move_text(moved: &MoveView) -> String {
    let stage = moved.stage;
    let now = if moved.saving_now > Money::ZERO {
        format!(
            "moving to stage {stage} now would cost {} a month, {} less",
            moved.monthly_total_now, moved.saving_now
        )
    } else {
        format!(
            "moving to stage {stage} now would cost {} a month, {} more",
            moved.monthly_total_now,
            Money::ZERO - moved.saving_now
        )
    };
    let crossover = match moved.cheaper_from_customers {
        Some(customers) => format!(
            "it costs less per customer from {} customers",
            format_quantity(Decimal::from(customers))
        ),
        None => format!(
            "it does not cost less up to {} customers",
            format_quantity(Decimal::from(moved.looked_to_customers))
        ),
    };
    let payback = match moved.payback_months {
        _ if moved.migration_cost == Money::ZERO => String::new(),
        Some(months) => format!(
            "; a {} migration pays back in {months} month{}",
            moved.migration_cost,
            if months == 1 { "" } else { "s" }
        ),
        None => format!(
            "; a {} migration does not pay back at this customer count",
            moved.migration_cost
        ),
    };
    format!("{now}; {crossover}{payback}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cost::{ScaleUsed, TierPick};

    #[test]
    fn a_basis_reads_in_the_order_it_was_worked_out() {
        let basis = Basis {
            tier: Some(TierPick {
                total: Decimal::from(6),
                unit: "GB of Postgres data",
                up_to: Some(Decimal::from(10)),
            }),
            sizing: Sizing::Count {
                instances: 3,
                scale: Some(ScaleUsed {
                    customers: 120,
                    per_customers: 50,
                    min: 2,
                    max: 4,
                }),
                each: Some((Decimal::ONE, "vCPU")),
                hourly: true,
            },
            free: Some(Decimal::from(10)),
            commitment_terms: Some("1-year reserved, no upfront"),
        };
        assert_eq!(
            basis_text(Some("web"), &basis),
            "web: size for 6 GB of Postgres data (up to 10); 3 for 120 customers (1 per 50, 2–4) × 1 vCPU × 730 h, first 10 free; 1-year reserved, no upfront"
        );
    }

    #[test]
    fn usage_sums_show_their_parts() {
        let sizing = Sizing::Usage {
            customers: 30,
            parts: vec![Decimal::ONE, Decimal::TWO],
            unit: "GB",
            multiplier: Decimal::new(15, 1),
            minimum: Some(Decimal::from(5)),
            round_up_to: Some(Decimal::ONE),
        };
        assert_eq!(
            sizing_text(&sizing),
            "30 customers × (1 + 2) GB × 1.5, minimum 5, rounded up"
        );
    }
}
