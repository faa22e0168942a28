//! Picks the stage for a customer count and the platform variant to run it on.

use crate::model::stage::{Stage, Stages, Variant};

/// Why a stage was picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The customer count fell in the stage's range.
    InRange,
    /// `--stage` forced it; the count alone would have picked `natural`.
    Forced {
        /// The stage the customer count falls in.
        natural: u32,
    },
}

/// The stage and variant a scenario runs on.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// The stage.
    pub stage: &'a Stage,
    /// The variant's name (`heroku`, `render`, `aws`).
    pub variant_name: &'a str,
    /// The variant.
    pub variant: &'a Variant,
    /// Why this stage.
    pub reason: Reason,
}

/// Why no selection could be made; the caller turns it into a flag error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// `--stage` names a stage that does not exist.
    UnknownStage {
        /// The number asked for.
        asked: u32,
        /// The numbers that exist.
        known: Vec<u32>,
    },
    /// The stage has no variant for the platform asked for.
    UnknownVariant {
        /// The stage.
        stage: u32,
        /// The platform asked for.
        asked: String,
        /// The stage's variants.
        known: Vec<String>,
    },
}

/// The stage whose range holds `customers`. Ranges are validated to cover
/// every count, so there always is one.
pub fn stage_for(stages: &Stages, customers: u64) -> &Stage {
    stages
        .all()
        .iter()
        .find(|stage| stage.customers.contains(customers))
        .unwrap_or_else(|| &stages.all()[stages.all().len() - 1])
}

/// Picks the stage for `customers` (or `forced`) and its variant for `platform`.
///
/// A stage with one variant (stage 3 runs on AWS whatever the PaaS) uses it;
/// otherwise the variant must be named `platform`.
pub fn select<'a>(
    stages: &'a Stages,
    customers: u64,
    platform: &str,
    forced: Option<u32>,
) -> Result<Selection<'a>, SelectError> {
    let natural = stage_for(stages, customers);
    let (stage, reason) = match forced {
        None => (natural, Reason::InRange),
        Some(number) => {
            let stage = stages
                .get(number)
                .ok_or_else(|| SelectError::UnknownStage {
                    asked: number,
                    known: stages.all().iter().map(|stage| stage.number).collect(),
                })?;
            let reason = if stage.number == natural.number {
                Reason::InRange
            } else {
                Reason::Forced {
                    natural: natural.number,
                }
            };
            (stage, reason)
        }
    };
    let (variant_name, variant) = variant_for(stage, platform)?;
    Ok(Selection {
        stage,
        variant_name,
        variant,
        reason,
    })
}

/// The variant of `stage` that runs on `platform`.
pub fn variant_for<'a>(
    stage: &'a Stage,
    platform: &str,
) -> Result<(&'a str, &'a Variant), SelectError> {
    if let Some((name, variant)) = stage.variants.get_key_value(platform) {
        return Ok((name.as_str(), variant));
    }
    match stage.variants.first() {
        Some((name, variant)) if stage.variants.len() == 1 => Ok((name.as_str(), variant)),
        _ => Err(SelectError::UnknownVariant {
            stage: stage.number,
            asked: platform.to_owned(),
            known: stage.variants.keys().cloned().collect(),
        }),
    }
}
