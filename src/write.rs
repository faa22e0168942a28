//! Writes a generated folder: all or nothing, keeping what the user made.
//!
//! The folder's next state is built beside it (`.NAME.infraplan-staging`):
//! files infraplan does not touch are hard-linked from the folder, the new and
//! merged files, sidecars, the manifest and the merge bases are written, and
//! then the staging folder is swapped with the folder in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux). A run killed at any point leaves
//! the folder as it was or as it should be; the next run removes what such a
//! run left beside it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::{SourceFile, parse};
use crate::error::Error;
use crate::reconcile::{Change, Existing, SIDECAR_SUFFIX};

/// The folder infraplan keeps its records in, inside the generated folder.
pub const RECORDS_DIR: &str = ".infraplan";
const MANIFEST_FILE: &str = "manifest.json";
const BASE_DIR: &str = "base";
const BASE_SUFFIX: &str = ".base";

/// `.infraplan/manifest.json`: what infraplan wrote, and from what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The format's version.
    pub schema_version: u32,
    /// The infraplan that wrote the folder.
    pub infraplan_version: String,
    /// The stage and variant written.
    pub stage: u32,
    /// The platform variant written.
    pub variant: String,
    /// The scenario, as given.
    pub scenario: ManifestScenario,
    /// Every file infraplan tracks, with the SHA-256 of infraplan's version.
    pub files: Vec<ManifestFile>,
}

/// The scenario a folder was generated for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestScenario {
    /// Customers.
    pub customers: u64,
    /// MRR, as a decimal string.
    pub mrr: String,
    /// `--paas`.
    pub platform: String,
    /// `--stage`, if given.
    pub forced_stage: Option<u32>,
    /// `--name`.
    pub name: String,
    /// `--region`.
    pub region: String,
    /// `--domain`, if given.
    pub domain: Option<String>,
}

/// One tracked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Its name in the folder.
    pub path: String,
    /// SHA-256 of infraplan's version, as `sha256sum` prints it.
    pub sha256: String,
}

/// SHA-256 of `text`, lowercase hex.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Reads what reconciling needs from `out`: the files infraplan renders or
/// tracks, and its records (also returned whole). A missing folder is an
/// empty one.
pub fn read_existing(out: &Path, rendered: &[&str]) -> Result<(Existing, Option<Manifest>), Error> {
    if !out.exists() {
        return Ok((Existing::default(), None));
    }
    let unreadable = |source: io::Error| Error::CannotCreate {
        flag: "--out".to_owned(),
        path: out.to_owned(),
        reason: format!("cannot read it: {source}"),
    };
    if !out.is_dir() {
        return Err(Error::CannotCreate {
            flag: "--out".to_owned(),
            path: out.to_owned(),
            reason: "is a file, not a folder".to_owned(),
        });
    }
    let non_empty = fs::read_dir(out).map_err(unreadable)?.next().is_some();
    let (manifest, bases) = match read_records(out)? {
        Some((manifest, bases)) => (Some(manifest), Some(bases)),
        None => (None, None),
    };
    let mut wanted: BTreeSet<String> = rendered.iter().map(|name| (*name).to_owned()).collect();
    if let Some(bases) = &bases {
        wanted.extend(bases.keys().cloned());
    }
    let mut files = BTreeMap::new();
    for name in wanted {
        match fs::read_to_string(out.join(&name)) {
            Ok(text) => {
                files.insert(name, text);
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(unreadable(error)),
        }
    }
    let existing = Existing {
        files,
        non_empty,
        bases,
    };
    Ok((existing, manifest))
}

/// infraplan's versions of the files it tracks, by path.
type Bases = BTreeMap<String, String>;

/// The manifest and infraplan's versions of the files it tracks, from the
/// base copies, checked against the manifest's hashes.
fn read_records(out: &Path) -> Result<Option<(Manifest, Bases)>, Error> {
    let records = out.join(RECORDS_DIR);
    let manifest_path = records.join(MANIFEST_FILE);
    let text = match fs::read_to_string(&manifest_path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                path: manifest_path,
                source,
            });
        }
    };
    let label = manifest_path.display().to_string();
    let manifest: Manifest = parse(&SourceFile {
        label: label.clone(),
        text,
    })?;
    crate::data::check_schema_version(&label, manifest.schema_version)?;
    let mut bases = BTreeMap::new();
    for (index, file) in manifest.files.iter().enumerate() {
        let base_path = base_path(&records, &file.path);
        let base = fs::read_to_string(&base_path).map_err(|error| {
            Error::data(
                &label,
                format!("files[{index}]"),
                format!(
                    "its base copy {} cannot be read ({error}); regenerate with --force",
                    base_path.display()
                ),
            )
        })?;
        if sha256(&base) != file.sha256 {
            return Err(Error::data(
                &label,
                format!("files[{index}].sha256"),
                format!(
                    "does not match {}; regenerate with --force",
                    base_path.display()
                ),
            ));
        }
        bases.insert(file.path.clone(), base);
    }
    Ok(Some((manifest, bases)))
}

fn base_path(records: &Path, file: &str) -> PathBuf {
    records.join(BASE_DIR).join(format!("{file}{BASE_SUFFIX}"))
}

/// A step of writing, for tests that interrupt a run at each one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Removing what an interrupted run left beside the folder.
    Recover,
    /// Linking an untouched entry into the staging folder.
    Link(PathBuf),
    /// Writing a file into the staging folder.
    Write(PathBuf),
    /// Swapping the staging folder into place.
    Swap,
    /// Removing the old folder.
    Cleanup,
}

/// How a run stops early in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The step fails with an I/O error; the run cleans up and reports it.
    Fail,
    /// The process dies: nothing more happens, not even cleanup.
    Kill,
}

/// Writes `changes` and `manifest` into `out`, all or nothing.
pub fn apply(out: &Path, changes: &[Change], manifest: &Manifest) -> Result<(), Error> {
    apply_with(out, changes, manifest, &mut |_| None)
}

/// [`apply`], calling `interrupt` before each step; a `Some` stops the run there.
pub fn apply_with(
    out: &Path,
    changes: &[Change],
    manifest: &Manifest,
    interrupt: &mut dyn FnMut(&Step) -> Option<Stop>,
) -> Result<(), Error> {
    let cannot = |source: io::Error| Error::CannotCreate {
        flag: "--out".to_owned(),
        path: out.to_owned(),
        reason: format!("cannot write it: {source}"),
    };
    let staging = beside(out, "staging");
    let mut run = Run {
        interrupt,
        killed: false,
    };
    run.step(&Step::Recover).map_err(cannot)?;
    recover(out).map_err(cannot)?;
    let built = build_staging(&mut run, out, &staging, changes, manifest);
    if run.killed {
        return Err(killed());
    }
    if let Err(source) = built {
        let _ = fs::remove_dir_all(&staging);
        return Err(cannot(source));
    }
    let swapped = run.step(&Step::Swap).and_then(|()| swap_in(&staging, out));
    if run.killed {
        return Err(killed());
    }
    if let Err(source) = swapped {
        let _ = fs::remove_dir_all(&staging);
        return Err(cannot(source));
    }
    // The staging path now holds the previous folder, if there was one. The
    // folder is already right; if removing the old one fails, the next run does.
    if run.step(&Step::Cleanup).is_ok() && staging.exists() {
        let _ = fs::remove_dir_all(&staging);
    }
    if run.killed {
        return Err(killed());
    }
    Ok(())
}

struct Run<'a> {
    interrupt: &'a mut dyn FnMut(&Step) -> Option<Stop>,
    killed: bool,
}

impl Run<'_> {
    fn step(&mut self, step: &Step) -> io::Result<()> {
        match (self.interrupt)(step) {
            None => Ok(()),
            Some(stop) => {
                self.killed = stop == Stop::Kill;
                Err(io::Error::other(format!("interrupted before {step:?}")))
            }
        }
    }
}

fn killed() -> Error {
    Error::Internal {
        message: "the run was killed (test)".to_owned(),
    }
}

/// `.NAME.infraplan-KIND` beside `out`, on the same file system.
fn beside(out: &Path, kind: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "out".into(), |name| name.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.infraplan-{kind}"))
}

/// Removes what an interrupted run left: a staging folder holds either a
/// half-built next state or, after a swap, the previous state; neither is
/// needed. An old folder from a non-atomic swap is put back if `out` is gone.
pub fn recover(out: &Path) -> io::Result<()> {
    let staging = beside(out, "staging");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let old = beside(out, "old");
    if old.exists() {
        if out.exists() {
            fs::remove_dir_all(&old)?;
        } else {
            fs::rename(&old, out)?;
        }
    }
    Ok(())
}

fn build_staging(
    run: &mut Run<'_>,
    out: &Path,
    staging: &Path,
    changes: &[Change],
    manifest: &Manifest,
) -> io::Result<()> {
    fs::create_dir(staging)?;
    let mut written: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut dropped: BTreeSet<PathBuf> = BTreeSet::new();
    for change in changes {
        if let Some(contents) = &change.write {
            written.insert(PathBuf::from(&change.path), contents.clone());
        }
        let sidecar = PathBuf::from(format!("{}{SIDECAR_SUFFIX}", change.path));
        match &change.sidecar {
            Some(contents) => {
                written.insert(sidecar, contents.clone());
            }
            // A sidecar from an earlier conflict that is now settled.
            None => {
                dropped.insert(sidecar);
            }
        }
    }
    let records = PathBuf::from(RECORDS_DIR);
    let manifest_text = format!(
        "{}\n",
        serde_json::to_string_pretty(manifest).map_err(io::Error::other)?
    );
    written.insert(records.join(MANIFEST_FILE), manifest_text);
    for change in changes {
        if let Some(base) = &change.base {
            written.insert(base_path(&records, &change.path), base.clone());
        }
    }
    if out.exists() {
        link_tree(
            run,
            out,
            staging,
            Path::new(""),
            &written,
            &dropped,
            &records,
        )?;
    }
    for (path, contents) in &written {
        run.step(&Step::Write(path.clone()))?;
        write_file(&staging.join(path), contents)?;
    }
    Ok(())
}

/// Hard-links every entry of `from` into `to`, except what is rewritten,
/// dropped, or infraplan's records (rewritten whole).
fn link_tree(
    run: &mut Run<'_>,
    from: &Path,
    to: &Path,
    relative: &Path,
    written: &BTreeMap<PathBuf, String>,
    dropped: &BTreeSet<PathBuf>,
    records: &Path,
) -> io::Result<()> {
    let mut entries: Vec<fs::DirEntry> =
        fs::read_dir(from.join(relative))?.collect::<io::Result<_>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let path = relative.join(entry.file_name());
        if written.contains_key(&path) || dropped.contains(&path) || path == records {
            continue;
        }
        run.step(&Step::Link(path.clone()))?;
        let kind = entry.file_type()?;
        let target = to.join(&path);
        if kind.is_dir() {
            fs::create_dir(&target)?;
            link_tree(run, from, to, &path, written, dropped, records)?;
        } else if kind.is_symlink() {
            symlink(&fs::read_link(entry.path())?, &target)?;
        } else if fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(original: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(original, link)
}

#[cfg(not(unix))]
fn symlink(original: &Path, link: &Path) -> io::Result<()> {
    fs::copy(original, link).map(|_| ())
}

/// Writes a new file (never through an existing link) and flushes it to disk.
fn write_file(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::File::create_new(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// Puts `staging` at `out`; afterwards `staging` holds the previous folder, if any.
fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    if !out.exists() {
        return fs::rename(staging, out);
    }
    exchange(staging, out)
}

#[cfg(target_os = "linux")]
fn exchange(staging: &Path, out: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Without an atomic exchange: two renames, and [`recover`] puts the old
/// folder back if a run dies between them.
#[cfg(not(target_os = "linux"))]
fn exchange(staging: &Path, out: &Path) -> io::Result<()> {
    let old = beside(out, "old");
    fs::rename(out, &old)?;
    fs::rename(staging, out)?;
    fs::rename(&old, staging)
}
