//! `infraplan generate`: the plan's Terraform, rendered and written.

use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Problem};
use crate::model::plan::Plan;
use crate::printable::shell_word;
use crate::terraform::RenderedFile;
use crate::terraform::context::{Naming, TemplateContext};
use crate::terraform::regenerate::lock::{Access, FolderLock, LockError};
use crate::terraform::regenerate::merge::unified_diff;
use crate::terraform::regenerate::reconcile::{
    Change, Existing, Outcome, Refusal, SIDECAR_SUFFIX, reconcile,
};
use crate::terraform::regenerate::write::{
    self, FileState, Folder, Manifest, ManifestFile, ManifestScenario, RECORDS_DIR, Strategy,
    sha256,
};

/// What `generate` does with the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Write the changes.
    Write,
    /// Report the changes, write nothing.
    DryRun,
    /// Report the changes and a diff, write nothing; differences fail the run.
    Check,
}

/// What `generate` did, or would do, to the folder.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    /// Every file's fate, in render order then no-longer-generated files.
    pub changes: Vec<Change>,
    /// Whether the folder differs from what infraplan would leave in it.
    pub differs: bool,
    /// For `--check`: a unified diff of every difference.
    pub diff: String,
    /// How the folder was written, when it was.
    pub written: Option<Strategy>,
}

impl Generated {
    /// Files whose conflict waits for the user.
    pub(crate) fn conflicts(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|change| change.state == FileState::Conflict)
    }
}

/// Locks the folder for `mode`: writers one at a time, creating the folder
/// first so there is something to lock; readers share, and need no lock on a
/// folder that does not exist.
fn lock_for(folder: &Folder, mode: Mode, wait: Duration) -> Result<Option<FolderLock>, Error> {
    let (access, exists) = match mode {
        Mode::Write => {
            folder.create()?;
            (Access::Exclusive, true)
        }
        Mode::Check | Mode::DryRun => (Access::Shared, folder.exists()),
    };
    if !exists {
        return Ok(None);
    }
    FolderLock::acquire(&folder.path, access, wait)
        .map(Some)
        .map_err(|error| match error {
            LockError::Held { holder } => Error::Locked {
                path: folder.given.clone(),
                holder,
            },
            LockError::Io(source) => Error::CannotCreate {
                flag: "--out".to_owned(),
                path: folder.given.clone(),
                reason: format!("cannot lock it: {source}"),
            },
        })
}

/// What `generate` writes: the plan, its names, and the flags (after
/// `--out`) that ask for it again, for a refusal to quote.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// The plan.
    pub plan: &'a Plan<'a>,
    /// Resource names.
    pub naming: &'a Naming,
    /// Shell words that reproduce the scenario and names, `--customers` on.
    pub flags: &'a [String],
    /// What the files are rendered from ([`fingerprint`]); with it, a run
    /// whose inputs match the folder's records reuses its recorded files
    /// instead of rendering, and the manifest records it.
    pub fingerprint: Option<&'a str>,
}

/// Renders the plan's files, when a run needs them.
pub(crate) type Render<'a> = &'a dyn Fn() -> Result<Vec<RenderedFile>, Error>;

/// Reconciles what `render` renders with what is in `out` and, in
/// [`Mode::Write`], writes the result all or nothing. Only one run writes a folder at a time;
/// another waits up to `wait` for it. A folder of another stage or platform
/// is refused whatever the mode: it is what runs now.
pub(crate) fn regenerate(
    out: &Path,
    render: Render<'_>,
    target: Target<'_>,
    force: bool,
    mode: Mode,
    wait: Duration,
) -> Result<Generated, Error> {
    let folder = Folder::resolve(out)?;
    let created = mode == Mode::Write && !folder.exists();
    let lock = lock_for(&folder, mode, wait)?;
    let result = regenerate_locked(&folder, lock, render, target, force, mode);
    if result.is_err() && created {
        // Only an empty folder is removed: this run made it and wrote nothing.
        let _ = std::fs::remove_dir(&folder.path);
    }
    result
}

fn regenerate_locked(
    folder: &Folder,
    lock: Option<FolderLock>,
    render: Render<'_>,
    target: Target<'_>,
    force: bool,
    mode: Mode,
) -> Result<Generated, Error> {
    if let Some(held) = write::recorded_stage(&folder.path) {
        let wanted = (
            target.plan.selection.stage.number,
            target.plan.selection.variant_name.to_owned(),
        );
        if held != wanted {
            return Err(other_stage(folder, held, wanted, target.flags));
        }
    }
    if mode == Mode::Write {
        write::recover(folder).map_err(|source| Error::CannotCreate {
            flag: "--out".to_owned(),
            path: folder.given.clone(),
            reason: format!("cannot clear what an interrupted run left: {source}"),
        })?;
    }
    let rendered = reuse_or_render(folder, target.fingerprint, render)?;
    let prepared = prepare(
        folder,
        &rendered,
        target.plan,
        target.naming,
        force,
        target.fingerprint,
    )?;
    let diff = match mode {
        Mode::Check => check_diff(&prepared.existing, &prepared.changes),
        Mode::Write | Mode::DryRun => String::new(),
    };
    let written = match (mode, lock) {
        (Mode::Write, Some(mut lock)) if prepared.differs => Some(write::apply(
            folder,
            write::Plan {
                changes: &prepared.changes,
                manifest: &prepared.manifest,
            },
            &mut lock,
        )?),
        _ => None,
    };
    Ok(Generated {
        changes: prepared.changes,
        differs: prepared.differs,
        diff,
        written,
    })
}

/// The refusal to rewrite `folder`, which holds `held`, into `wanted`, with
/// the command that generates `wanted` into a sibling folder instead.
fn other_stage(
    folder: &Folder,
    held: (u32, String),
    wanted: (u32, String),
    flags: &[String],
) -> Error {
    let suffix = if held.0 == wanted.0 {
        format!("-{}", wanted.1)
    } else {
        format!("-stage{}", wanted.0)
    };
    let given = folder.given.to_string_lossy();
    let base = given.trim_end_matches('/');
    let sibling = match folder.given.file_name() {
        Some(_) => format!("{base}{suffix}"),
        None => format!("infraplan{suffix}"),
    };
    let command = std::iter::once(format!("infraplan generate --out {}", shell_word(&sibling)))
        .chain(flags.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    Error::OtherStage {
        path: folder.given.clone(),
        held,
        wanted,
        command,
    }
}

/// The files rendered from the same inputs last time, when the folder's
/// records say its inputs were `fingerprint` and hold every file; else a
/// fresh rendering. Same inputs, same bytes: reusing them skips parsing and
/// rendering, most of what an unchanged regeneration would cost.
fn reuse_or_render(
    folder: &Folder,
    fingerprint: Option<&str>,
    render: Render<'_>,
) -> Result<Vec<RenderedFile>, Error> {
    let recorded = fingerprint.zip(write::recorded_inputs(&folder.path));
    if let Some((fingerprint, inputs)) = recorded
        && inputs.fingerprint == fingerprint
        && let Some(bases) = write::recorded_bases(&folder.path)
        && let Some(files) = inputs
            .files
            .iter()
            .map(|name| {
                bases.get(name).map(|contents| RenderedFile {
                    name: name.clone(),
                    contents: contents.clone(),
                })
            })
            .collect::<Option<Vec<_>>>()
    {
        return Ok(files);
    }
    render()
}

/// What a rendering comes from: infraplan's version, the context and every
/// template's path and text, as a SHA-256.
pub(crate) fn fingerprint(
    context: &TemplateContext,
    templates: &[crate::terraform::TemplateFile],
) -> String {
    let mut text = format!("infraplan {}\n", env!("CARGO_PKG_VERSION"));
    text.push_str(&serde_json::to_string(context).unwrap_or_default());
    for template in templates {
        text.push_str(&format!("\n{}\n{}", template.path, template.text));
    }
    sha256(&text)
}

/// Everything a regeneration will write, decided but not yet written.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub(crate) struct Prepared {
    /// Every file's fate.
    pub changes: Vec<Change>,
    /// The manifest to record.
    pub manifest: Manifest,
    /// Whether anything on disk would change.
    pub differs: bool,
    existing: Existing,
}

/// Reads the folder and decides every file's fate.
#[doc(hidden)]
pub(crate) fn prepare(
    folder: &Folder,
    rendered: &[RenderedFile],
    plan: &Plan<'_>,
    naming: &Naming,
    force: bool,
    fingerprint: Option<&str>,
) -> Result<Prepared, Error> {
    let names: Vec<&str> = rendered.iter().map(|file| file.name.as_str()).collect();
    let (existing, old_manifest) = write::read_existing(folder, &names, force)?;
    let changes = reconcile(&existing, rendered, force).map_err(|Refusal::Foreign| Error::CannotCreate {
        flag: "--out".to_owned(),
        path: folder.given.clone(),
        reason: format!(
            "is not empty and has no {RECORDS_DIR}/manifest.json, so infraplan did not write it; give an empty folder, or --force to keep its files as yours"
        ),
    })?;
    let inputs = fingerprint.map(|fingerprint| write::Inputs {
        fingerprint: fingerprint.to_owned(),
        files: rendered.iter().map(|file| file.name.clone()).collect(),
    });
    let manifest = manifest_for(plan, naming, &changes, inputs);
    let differs = old_manifest.as_ref() != Some(&manifest)
        || changes
            .iter()
            .any(|change| change.write.is_some() || sidecar_differs(&existing, change));
    Ok(Prepared {
        changes,
        manifest,
        differs,
        existing,
    })
}

/// Whether a change writes or removes the file's sidecar.
fn sidecar_differs(existing: &Existing, change: &Change) -> bool {
    change.sidecar.as_ref() != existing.sidecars.get(&change.path)
}

/// The manifest recording `changes`' bases and states, and the scenario.
fn manifest_for(
    plan: &Plan<'_>,
    naming: &Naming,
    changes: &[Change],
    inputs: Option<write::Inputs>,
) -> Manifest {
    let scenario = &plan.scenario;
    let mut files: Vec<ManifestFile> = changes
        .iter()
        .filter_map(|change| {
            change.base.as_ref().map(|base| ManifestFile {
                path: change.path.clone(),
                sha256: sha256(base),
                state: change.state,
            })
        })
        .collect();
    files.sort_by(|left, right| left.path.cmp(&right.path));
    Manifest {
        schema_version: write::MANIFEST_SCHEMA_VERSION,
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
        inputs,
    }
}

/// What would change on disk: new and merged contents against the files, and
/// infraplan's versions written beside the user's files against what is there.
fn check_diff(existing: &Existing, changes: &[Change]) -> String {
    let empty = String::new();
    let mut diff = String::new();
    for change in changes {
        if let Some(contents) = &change.write {
            let disk = existing.files.get(&change.path).unwrap_or(&empty);
            diff.push_str(&unified_diff(&change.path, disk, contents));
        }
        if let Some(theirs) = &change.sidecar {
            let disk = existing.sidecars.get(&change.path).unwrap_or(&empty);
            diff.push_str(&unified_diff(
                &format!("{}{SIDECAR_SUFFIX}", change.path),
                disk,
                theirs,
            ));
        }
    }
    diff
}

/// What `infraplan resolve` settled.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// The files resolved, as the user's version, and whether each still exists.
    pub files: Vec<(String, bool)>,
    /// Conflicts still waiting.
    pub pending: Vec<String>,
}

/// `infraplan resolve`: the user has merged infraplan's version of each of
/// `files` into theirs (or chosen to keep theirs, or to keep it removed).
/// Their version stands; the sidecar goes; later runs merge infraplan's
/// future changes into it as for any edited file.
pub(crate) fn resolve(out: &Path, files: &[String], wait: Duration) -> Result<Resolved, Error> {
    let folder = Folder::resolve(out)?;
    if !folder.exists() {
        return Err(Error::NoInput {
            flag: "--out".to_owned(),
            path: out.to_owned(),
            reason: "no such folder".to_owned(),
        });
    }
    let Some(mut lock) = lock_for(&folder, Mode::Write, wait)? else {
        unreachable!("a writer always locks");
    };
    write::recover(&folder).map_err(|source| Error::CannotCreate {
        flag: "--out".to_owned(),
        path: folder.given.clone(),
        reason: format!("cannot clear what an interrupted run left: {source}"),
    })?;
    let (existing, manifest) = write::read_existing(&folder, &[], false)?;
    let Some(mut manifest) = manifest else {
        return Err(Error::CannotCreate {
            flag: "--out".to_owned(),
            path: folder.given.clone(),
            reason: format!("has no {RECORDS_DIR}/manifest.json, so there is nothing to resolve"),
        });
    };
    let mut resolved = Vec::new();
    for file in files {
        // A path inside the folder, as `generate` listed it, or given
        // through the folder (`infra/README.md`), or the sidecar's name.
        let relative = Path::new(file)
            .strip_prefix(out)
            .unwrap_or(Path::new(file))
            .to_string_lossy()
            .into_owned();
        let relative = relative.trim_start_matches("./");
        let name = relative
            .strip_suffix(SIDECAR_SUFFIX)
            .unwrap_or(relative)
            .to_owned();
        let entry = manifest
            .files
            .iter_mut()
            .find(|entry| entry.path == name && entry.state == FileState::Conflict)
            .ok_or_else(|| {
                Error::usage(
                    "FILE",
                    Problem::NoConflict {
                        file: file.to_owned(),
                        folder: crate::printable::shown_path(out),
                    },
                )
            })?;
        let present = existing.files.contains_key(&name);
        entry.state = if present {
            FileState::Settled
        } else {
            FileState::Removed
        };
        resolved.push((name, present));
    }
    let bases = existing.bases.clone().unwrap_or_default();
    let changes: Vec<Change> = manifest
        .files
        .iter()
        .map(|entry| Change {
            path: entry.path.clone(),
            outcome: Outcome::Kept,
            note: String::new(),
            write: None,
            // A conflict still waiting keeps infraplan's version beside it.
            sidecar: (entry.state == FileState::Conflict)
                .then(|| bases.get(&entry.path).cloned())
                .flatten(),
            base: bases.get(&entry.path).cloned(),
            state: entry.state,
        })
        .collect();
    let pending = changes
        .iter()
        .filter(|change| change.state == FileState::Conflict)
        .map(|change| change.path.clone())
        .collect();
    manifest.schema_version = write::MANIFEST_SCHEMA_VERSION;
    write::apply(
        &folder,
        write::Plan {
            changes: &changes,
            manifest: &manifest,
        },
        &mut lock,
    )?;
    Ok(Resolved {
        files: resolved,
        pending,
    })
}

/// Longest app name: a later stage's Heroku app is named NAME-s2, and Heroku
/// takes 30 characters (AWS load balancer names, 32, carry 4 more).
const MAX_NAME: usize = 27;

/// Checks `--name`: what Heroku app names and AWS resource names both accept.
pub(crate) fn check_app_name(name: &str) -> Result<(), Error> {
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
            Problem::AppName {
                name: name.to_owned(),
                most: MAX_NAME,
            },
        ))
    }
}

/// Checks `--domain`: a DNS name with at least two labels, such as `app.example.com`.
pub(crate) fn check_domain(domain: &str) -> Result<(), Error> {
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
        Err(Error::usage("--domain", Problem::Domain(domain.to_owned())))
    }
}

/// Checks `--region` against the regions the catalog has prices for.
pub(crate) fn check_region(region: &str, priced: &[&str]) -> Result<(), Error> {
    if priced.contains(&region) {
        Ok(())
    } else {
        Err(Error::usage(
            "--region",
            Problem::UnpricedRegion {
                region: region.to_owned(),
                priced: priced.iter().map(|known| (*known).to_owned()).collect(),
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_follow_heroku_and_aws_rules() {
        for good in ["app", "acme-saas", "a1b2c3", "abcdefghijklmnopqrstuvwxyz1"] {
            assert!(check_app_name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "Acme",
            "1app",
            "app-",
            "my--app",
            "my_app",
            "abcdefghijklmnopqrstuvwxyz12",
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
