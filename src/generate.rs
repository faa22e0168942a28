//! `infraplan generate`: the plan's Terraform, rendered and written.

use std::path::Path;

use crate::data::SCHEMA_VERSION;
use crate::data::roadmap::Roadmap;
use crate::error::Error;
use crate::merge::unified_diff;
use crate::plan::Plan;
use crate::printable::shown;
use crate::reconcile::{Change, Refusal, SIDECAR_SUFFIX, reconcile};
use crate::render::context::{Naming, TemplateContext};
use crate::render::{RenderedFile, Renderer};
use crate::write::{self, Manifest, ManifestFile, ManifestScenario, RECORDS_DIR, sha256};

/// What `generate` does with the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the changes.
    Write,
    /// Report the changes, write nothing.
    DryRun,
    /// Report the changes and a diff, write nothing; differences fail the run.
    Check,
}

/// What `generate` did, or would do, to the folder.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file's fate, in render order then no-longer-generated files.
    pub changes: Vec<Change>,
    /// Whether the folder differs from what infraplan would leave in it.
    pub differs: bool,
    /// For `--check`: a unified diff of every difference.
    pub diff: String,
}

/// Reconciles `rendered` with what is in `out` and, in [`Mode::Write`],
/// writes the result all or nothing.
pub fn regenerate(
    out: &Path,
    rendered: &[RenderedFile],
    plan: &Plan<'_>,
    naming: &Naming,
    force: bool,
    mode: Mode,
) -> Result<Generated, Error> {
    if mode == Mode::Write {
        write::recover(out).map_err(|source| Error::CannotCreate {
            flag: "--out".to_owned(),
            path: out.to_owned(),
            reason: format!("cannot clear what an interrupted run left beside it: {source}"),
        })?;
    }
    let prepared = prepare(out, rendered, plan, naming, force)?;
    let diff = match mode {
        Mode::Check => check_diff(&prepared.existing_files, &prepared.changes),
        Mode::Write | Mode::DryRun => String::new(),
    };
    if mode == Mode::Write && prepared.differs {
        write::apply(out, &prepared.changes, &prepared.manifest)?;
    }
    Ok(Generated {
        changes: prepared.changes,
        differs: prepared.differs,
        diff,
    })
}

/// Everything a regeneration will write, decided but not yet written.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Every file's fate.
    pub changes: Vec<Change>,
    /// The manifest to record.
    pub manifest: Manifest,
    /// Whether anything on disk would change.
    pub differs: bool,
    existing_files: std::collections::BTreeMap<String, String>,
}

/// Reads `out` and decides every file's fate.
pub fn prepare(
    out: &Path,
    rendered: &[RenderedFile],
    plan: &Plan<'_>,
    naming: &Naming,
    force: bool,
) -> Result<Prepared, Error> {
    let names: Vec<&str> = rendered.iter().map(|file| file.name.as_str()).collect();
    let (existing, old_manifest) = write::read_existing(out, &names)?;
    let changes = reconcile(&existing, rendered, force).map_err(|Refusal::Foreign| Error::CannotCreate {
        flag: "--out".to_owned(),
        path: out.to_owned(),
        reason: format!(
            "is not empty and has no {RECORDS_DIR}/manifest.json, so infraplan did not write it; give an empty folder, or --force to keep its files as yours"
        ),
    })?;
    let manifest = manifest_for(plan, naming, &changes);
    let differs = old_manifest.as_ref() != Some(&manifest)
        || changes.iter().any(|change| change.outcome.writes());
    Ok(Prepared {
        changes,
        manifest,
        differs,
        existing_files: existing.files,
    })
}

/// The manifest recording `changes`' bases and the scenario.
fn manifest_for(plan: &Plan<'_>, naming: &Naming, changes: &[Change]) -> Manifest {
    let scenario = &plan.scenario;
    let mut files: Vec<ManifestFile> = changes
        .iter()
        .filter_map(|change| {
            change.base.as_ref().map(|base| ManifestFile {
                path: change.path.clone(),
                sha256: sha256(base),
            })
        })
        .collect();
    files.sort_by(|left, right| left.path.cmp(&right.path));
    Manifest {
        schema_version: SCHEMA_VERSION,
        infraplan_version: env!("CARGO_PKG_VERSION").to_owned(),
        stage: plan.selection.stage.number,
        variant: plan.selection.variant_name.to_owned(),
        scenario: ManifestScenario {
            customers: scenario.customers,
            mrr: scenario.mrr.normalize().to_string(),
            platform: scenario.platform.clone(),
            forced_stage: scenario.forced_stage,
            name: naming.app_name.clone(),
            region: naming.region.clone(),
            domain: naming.domain.clone(),
        },
        files,
    }
}

/// What would change on disk: new and merged contents against the files, and
/// on conflicts infraplan's version (written beside) against the user's.
fn check_diff(files: &std::collections::BTreeMap<String, String>, changes: &[Change]) -> String {
    let empty = String::new();
    changes
        .iter()
        .filter(|change| change.outcome.writes())
        .map(|change| {
            let disk = files.get(&change.path).unwrap_or(&empty);
            match (&change.write, &change.sidecar) {
                (Some(contents), _) => unified_diff(&change.path, disk, contents),
                (None, Some(theirs)) => {
                    unified_diff(&format!("{}{SIDECAR_SUFFIX}", change.path), disk, theirs)
                }
                (None, None) => String::new(),
            }
        })
        .collect()
}

/// Longest app name: AWS load balancer and target group names (32 characters)
/// carry a 4-character suffix.
const MAX_NAME: usize = 28;

/// Checks `--name`: what Heroku app names and AWS resource names both accept.
pub fn check_app_name(name: &str) -> Result<(), Error> {
    let valid = (3..=MAX_NAME).contains(&name.len())
        && name.starts_with(|character: char| character.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        });
    if valid {
        Ok(())
    } else {
        Err(Error::usage(
            "--name",
            format!(
                "\"{}\" is not a name Heroku and AWS both accept; use 3–{MAX_NAME} lowercase letters, digits and single hyphens, starting with a letter",
                shown(name)
            ),
        ))
    }
}

/// Checks `--domain`: a DNS name with at least two labels, such as `app.example.com`.
pub fn check_domain(domain: &str) -> Result<(), Error> {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|character| {
                character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
            })
    };
    let top_level_ok = labels.last().is_some_and(|top| {
        top.len() >= 2 && top.chars().all(|character| character.is_ascii_lowercase())
    });
    if domain.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && top_level_ok {
        Ok(())
    } else {
        Err(Error::usage(
            "--domain",
            format!(
                "\"{}\" is not a domain name; give one like app.example.com, in lowercase",
                shown(domain)
            ),
        ))
    }
}

/// Checks `--region` against the regions the catalog has prices for.
pub fn check_region(region: &str, priced: &[&str]) -> Result<(), Error> {
    if priced.contains(&region) {
        Ok(())
    } else {
        Err(Error::usage(
            "--region",
            format!(
                "no prices for \"{}\"; the catalog prices {}; add a price file for it with --prices",
                shown(region),
                priced.join(", ")
            ),
        ))
    }
}

/// Renders the plan's variant.
pub fn render_plan(
    renderer: &Renderer,
    plan: &Plan<'_>,
    roadmap: &Roadmap,
    naming: &Naming,
) -> Result<Vec<RenderedFile>, Error> {
    let context = TemplateContext::new(plan, roadmap, naming);
    renderer.render_variant(plan.selection.variant_name, &context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_follow_heroku_and_aws_rules() {
        for good in ["app", "acme-saas", "a1b2c3", "abcdefghijklmnopqrstuvwxyz12"] {
            assert!(check_app_name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "Acme",
            "1app",
            "app-",
            "my--app",
            "my_app",
            "abcdefghijklmnopqrstuvwxyz123",
        ] {
            assert!(check_app_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains_need_two_valid_labels() {
        for good in ["example.com", "app.example.co.uk", "a-b.example.io"] {
            assert!(check_domain(good).is_ok(), "{good}");
        }
        for bad in [
            "localhost",
            "Example.com",
            "-a.example.com",
            "a..com",
            "example.c0m",
            "http://x.com",
        ] {
            assert!(check_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions_must_be_priced() {
        assert!(check_region("us-east-1", &["us-east-1"]).is_ok());
        let error = check_region("eu-west-1", &["us-east-1"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--region: no prices for \"eu-west-1\"; the catalog prices us-east-1; add a price file for it with --prices"
        );
    }
}
