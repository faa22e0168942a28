//! Reads and writes a generated folder: all or nothing where the file system
//! allows it, keeping what the user made, one run at a time.
//!
//! The folder's next state is built beside it (`.NAME.infraplan-staging-ID`,
//! unique to the run): files infraplan does not touch are hard-linked from the
//! folder, the new and merged files, sidecars, the manifest and the merge
//! bases are written and flushed, and the staging folder is swapped with the
//! folder in one step (`renameat2(RENAME_EXCHANGE)` on Linux). A run killed at
//! any point leaves the folder as it was or as it should be; the next run
//! removes what such a run left beside it.
//!
//! A folder that cannot be swapped (a mount point, or the folder a shell is
//! in) is written file by file instead: each file is written beside its
//! target, flushed and renamed over it, and the records last, so an
//! interrupted run leaves every file whole and the next run finishes the job.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::{SourceFile, parse};
use crate::error::{Error, Problem};
use crate::terraform::regenerate::lock::FolderLock;
use crate::terraform::regenerate::reconcile::{Change, Existing, SIDECAR_SUFFIX};

/// The folder infraplan keeps its records in, inside the generated folder.
pub(crate) const RECORDS_DIR: &str = ".infraplan";
const MANIFEST_FILE: &str = "manifest.json";
const BASE_DIR: &str = "base";
const BASE_SUFFIX: &str = ".base";

/// The manifest's format version. Version 1 had no file states, version 2
/// no record of its inputs; both are read and rewritten as 3.
pub(crate) const MANIFEST_SCHEMA_VERSION: u32 = 3;

/// `.infraplan/manifest.json`: what infraplan wrote, and from what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
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
    /// What the files were rendered from, so that a run with the same inputs
    /// can reuse infraplan's recorded versions instead of rendering again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Inputs>,
}

/// The inputs of a rendering and the files it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Inputs {
    /// SHA-256 of infraplan's version, the template context and every
    /// template's path and text.
    pub fingerprint: String,
    /// The files rendered, in order.
    pub files: Vec<String>,
}

/// The scenario a folder was generated for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManifestScenario {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManifestFile {
    /// Its name in the folder.
    pub path: String,
    /// SHA-256 of infraplan's version, as `sha256sum` prints it.
    pub sha256: String,
    /// Whether a conflict is waiting for the user, or the user removed it.
    #[serde(default, skip_serializing_if = "FileState::is_settled")]
    pub state: FileState,
}

/// Where a tracked file stands between the user and infraplan.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FileState {
    /// Nothing waits for the user.
    #[default]
    Settled,
    /// infraplan's version (the base) waits beside the user's file until the
    /// user resolves it.
    Conflict,
    /// The user removed the file and resolved that: it stays removed while
    /// infraplan's version does not change.
    Removed,
}

impl FileState {
    fn is_settled(&self) -> bool {
        *self == FileState::Settled
    }
}

/// SHA-256 of `text`, lowercase hex.
pub(crate) fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// How a folder is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Strategy {
    /// Built beside and swapped in, all or nothing.
    Swap,
    /// File by file inside the folder: it is a mount point.
    InPlaceMountPoint,
    /// File by file inside the folder: it is, or holds, the current folder.
    InPlaceCurrentFolder,
}

/// The folder `--out` names, resolved: symbolic links followed (the link
/// stays; the folder it points to is regenerated).
#[derive(Debug, Clone)]
pub(crate) struct Folder {
    /// What the user gave, for messages.
    pub given: PathBuf,
    /// The real folder.
    pub path: PathBuf,
    /// How it is written.
    pub strategy: Strategy,
}

impl Folder {
    /// Resolves `out`. It may not exist yet, but its parent must.
    pub(crate) fn resolve(out: &Path) -> Result<Folder, Error> {
        let unusable = |reason: String| Error::CannotCreate {
            flag: "--out".to_owned(),
            path: out.to_owned(),
            reason,
        };
        let path = match fs::canonicalize(out) {
            Ok(path) => {
                if !path.is_dir() {
                    return Err(unusable("is a file, not a folder".to_owned()));
                }
                path
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                // A new folder, or a link to one: where it will be.
                let target = match fs::read_link(out) {
                    Ok(link) => out.parent().unwrap_or(Path::new("")).join(link),
                    Err(_) => out.to_owned(),
                };
                let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
                    return Err(unusable("is not a folder name".to_owned()));
                };
                let parent = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                let parent = fs::canonicalize(parent)
                    .ok()
                    .filter(|parent| parent.is_dir())
                    .ok_or_else(|| {
                        unusable(format!(
                            "its parent folder {} does not exist; create it first",
                            crate::printable::shown_path(parent)
                        ))
                    })?;
                parent.join(name)
            }
            Err(error) if error.kind() == io::ErrorKind::NotADirectory => {
                return Err(unusable(
                    "is inside a file, not a folder; give a folder's path".to_owned(),
                ));
            }
            Err(error) => return Err(unusable(format!("cannot read it: {error}"))),
        };
        let strategy = if path.parent().is_none() || is_mount_point(&path) {
            Strategy::InPlaceMountPoint
        } else if std::env::current_dir()
            .ok()
            .and_then(|cwd| fs::canonicalize(cwd).ok())
            .is_some_and(|cwd| cwd.starts_with(&path))
        {
            // Swapping it would leave the shell in a deleted folder.
            Strategy::InPlaceCurrentFolder
        } else {
            Strategy::Swap
        };
        Ok(Folder {
            given: out.to_owned(),
            path,
            strategy,
        })
    }

    /// Whether the folder exists.
    pub(crate) fn exists(&self) -> bool {
        self.path.is_dir()
    }

    fn cannot(&self, what: &str, source: &io::Error) -> Error {
        Error::CannotCreate {
            flag: "--out".to_owned(),
            path: self.given.clone(),
            reason: format!("cannot {what}: {source}"),
        }
    }

    /// Creates the folder if it is missing, so there is something to lock.
    /// Returns whether it was created.
    pub(crate) fn create(&self) -> Result<bool, Error> {
        match fs::create_dir(&self.path) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && self.exists() => {
                Ok(false)
            }
            Err(error) => Err(self.cannot("create it", &error)),
        }
    }

    /// `.NAME.infraplan-KIND` beside the folder.
    fn beside(&self, kind: &str) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map_or_else(|| "out".into(), |name| name.to_string_lossy().into_owned());
        self.path
            .with_file_name(format!(".{name}.infraplan-{kind}"))
    }
}

/// Whether `path` is where a file system is mounted: its device differs from
/// its parent's, or (Linux, which also sees bind mounts of one file system)
/// the mount table lists it.
fn is_mount_point(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let device = |path: &Path| fs::metadata(path).map(|metadata| metadata.dev()).ok();
        if let (Some(own), Some(parent)) = (device(path), path.parent().and_then(device))
            && own != parent
        {
            return true;
        }
    }
    #[cfg(target_os = "linux")]
    if let Ok(table) = fs::read_to_string("/proc/self/mountinfo") {
        // Field 5 is the mount point, with spaces and the like as octal escapes.
        let wanted = path.to_string_lossy();
        return table.lines().any(|line| {
            line.split(' ')
                .nth(4)
                .is_some_and(|mount| unescape_octal(mount) == wanted)
        });
    }
    false
}

#[cfg(target_os = "linux")]
fn unescape_octal(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let octal = bytes.get(index + 1..index + 4).filter(|digits| {
            bytes[index] == b'\\' && digits.iter().all(|digit| (b'0'..=b'7').contains(digit))
        });
        match octal {
            Some(digits) => {
                let value = digits
                    .iter()
                    .fold(0_u32, |value, digit| value * 8 + u32::from(digit - b'0'));
                out.push(u8::try_from(value).unwrap_or(b'?'));
                index += 4;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads what reconciling needs from the folder: the files infraplan renders
/// or tracks, their sidecars, and its records (also returned whole). A
/// missing folder is an empty one. With `force`, records that cannot be read
/// are set aside and rebuilt from the files on disk.
pub(crate) fn read_existing(
    folder: &Folder,
    rendered: &[&str],
    force: bool,
) -> Result<(Existing, Option<Manifest>), Error> {
    if !folder.exists() {
        return Ok((Existing::default(), None));
    }
    let unreadable = |source: io::Error| folder.cannot("read it", &source);
    let non_empty = fs::read_dir(&folder.path)
        .map_err(unreadable)?
        .next()
        .is_some();
    let records = match read_records(&folder.path) {
        Ok(records) => records,
        Err(_) if force => None,
        Err(error) => return Err(error),
    };
    let mut wanted: BTreeSet<String> = rendered.iter().map(|name| (*name).to_owned()).collect();
    if let Some(records) = &records {
        wanted.extend(records.bases.keys().cloned());
    }
    let read = |name: &str| -> Result<Option<String>, Error> {
        match crate::input::read_text(&folder.path.join(name)) {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(Error::CannotCreate {
                flag: "--out".to_owned(),
                path: folder.given.join(name),
                reason: format!("cannot read it: {error}"),
            }),
        }
    };
    let mut files = BTreeMap::new();
    let mut sidecars = BTreeMap::new();
    for name in wanted {
        if let Some(text) = read(&name)? {
            files.insert(name.clone(), text);
        }
        if let Some(text) = read(&format!("{name}{SIDECAR_SUFFIX}"))? {
            sidecars.insert(name, text);
        }
    }
    let (manifest, bases, states) = match records {
        Some(records) => {
            let mut states = records.states;
            if records.manifest.schema_version == 1 {
                // Version 1 kept no states: a sidecar beside a file is a
                // conflict that was never resolved.
                for path in sidecars.keys() {
                    if records.bases.contains_key(path) {
                        states.insert(path.clone(), FileState::Conflict);
                    }
                }
            }
            (Some(records.manifest), Some(records.bases), states)
        }
        None => (None, None, BTreeMap::new()),
    };
    let existing = Existing {
        files,
        sidecars,
        non_empty,
        bases,
        states,
    };
    Ok((existing, manifest))
}

/// infraplan's versions of the files it tracks, by path.
type Bases = BTreeMap<String, String>;

/// What `.infraplan/` holds.
struct Records {
    manifest: Manifest,
    bases: Bases,
    states: BTreeMap<String, FileState>,
}

/// The stage and variant a folder's manifest records, if it has one that
/// reads. Lenient: a broken manifest is reported where the files are read.
pub(crate) fn recorded_stage(folder: &Path) -> Option<(u32, String)> {
    recorded_manifest(folder).map(|manifest| (manifest.stage, manifest.variant))
}

/// infraplan's recorded versions of a folder's files, by path, if its
/// records read and match their hashes.
pub(crate) fn recorded_bases(folder: &Path) -> Option<BTreeMap<String, String>> {
    read_records(folder)
        .ok()
        .flatten()
        .map(|records| records.bases)
}

/// What a folder's manifest records it was rendered from, if it reads.
pub(crate) fn recorded_inputs(folder: &Path) -> Option<Inputs> {
    recorded_manifest(folder).and_then(|manifest| manifest.inputs)
}

/// The platform a folder's manifest records, if it has one that reads.
pub(crate) fn recorded_platform(folder: &Path) -> Option<String> {
    recorded_manifest(folder).map(|manifest| manifest.scenario.platform)
}

fn recorded_manifest(folder: &Path) -> Option<Manifest> {
    let label = folder.join(RECORDS_DIR).join(MANIFEST_FILE);
    let text = crate::input::read_text(&label).ok()?;
    parse(&SourceFile::user(label.display().to_string(), text)).ok()
}

/// The manifest and infraplan's versions of the files it tracks, from the
/// base copies, checked against the manifest's hashes.
fn read_records(folder: &Path) -> Result<Option<Records>, Error> {
    let records = folder.join(RECORDS_DIR);
    let manifest_path = records.join(MANIFEST_FILE);
    let label = manifest_path.display().to_string();
    let broken = |key: String, problem: Problem| {
        Error::data(&label, key, Problem::BrokenRecords(Box::new(problem)))
    };
    let text = match crate::input::read_text(&manifest_path) {
        Ok(text) => text,
        Err(error) if error.is_not_found() => return Ok(None),
        Err(error) => {
            return Err(broken(
                String::new(),
                Problem::Unreadable(error.to_string()),
            ));
        }
    };
    let manifest: Manifest =
        parse(&SourceFile::user(label.clone(), text)).map_err(|error| match error {
            Error::Data { key, problem, .. } => broken(key, problem),
            other => other,
        })?;
    if !(1..=MANIFEST_SCHEMA_VERSION).contains(&manifest.schema_version) {
        return Err(broken(
            "schema_version".to_owned(),
            Problem::RecordsVersion {
                found: manifest.schema_version,
                newest: MANIFEST_SCHEMA_VERSION,
            },
        ));
    }
    let mut bases = BTreeMap::new();
    let mut states = BTreeMap::new();
    for (index, file) in manifest.files.iter().enumerate() {
        let unsafe_path = Path::new(&file.path)
            .components()
            .any(|part| !matches!(part, std::path::Component::Normal(_)));
        if unsafe_path || file.path.is_empty() || file.path.contains('\\') {
            return Err(broken(format!("files[{index}].path"), Problem::PathOutside));
        }
        let base_path = base_path(&records, &file.path);
        let base = crate::input::read_text(&base_path).map_err(|error| {
            broken(
                format!("files[{index}]"),
                Problem::BaseUnreadable {
                    path: crate::printable::shown_path(&base_path),
                    reason: error.to_string(),
                },
            )
        })?;
        if sha256(&base) != file.sha256 {
            return Err(broken(
                format!("files[{index}].sha256"),
                Problem::HashMismatch(crate::printable::shown_path(&base_path)),
            ));
        }
        bases.insert(file.path.clone(), base);
        states.insert(file.path.clone(), file.state);
    }
    Ok(Some(Records {
        manifest,
        bases,
        states,
    }))
}

fn base_path(records: &Path, file: &str) -> PathBuf {
    records.join(BASE_DIR).join(format!("{file}{BASE_SUFFIX}"))
}

/// A step of writing, for tests that interrupt a run at each one.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Linking an untouched entry into the staging folder.
    Link(PathBuf),
    /// Writing a file into the staging folder, or into the folder itself.
    Write(PathBuf),
    /// Swapping the staging folder (or the records folder) into place.
    Swap,
    /// Removing the old folder.
    Cleanup,
}

/// How a run stops early in tests.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The step fails with an I/O error; the run cleans up and reports it.
    #[cfg_attr(not(test), expect(dead_code, reason = "only tests stop a run"))]
    Fail,
    /// The process dies: nothing more happens, not even cleanup.
    Kill,
}

/// What is about to be written: the changes and the manifest recording them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan<'a> {
    /// Every file's fate.
    pub changes: &'a [Change],
    /// The manifest to record.
    pub manifest: &'a Manifest,
}

/// Writes `plan` into `folder`, which `lock` holds. Returns how it was
/// written: swapped in whole, or file by file where a swap is impossible.
pub(crate) fn apply(
    folder: &Folder,
    plan: Plan<'_>,
    lock: &mut FolderLock,
) -> Result<Strategy, Error> {
    apply_with(folder, plan, lock, &mut |_| None)
}

/// [`apply`], calling `interrupt` before each step; a `Some` stops the run there.
#[doc(hidden)]
pub(crate) fn apply_with(
    folder: &Folder,
    plan: Plan<'_>,
    lock: &mut FolderLock,
    interrupt: &mut dyn FnMut(&Step) -> Option<Stop>,
) -> Result<Strategy, Error> {
    let mut run = Run {
        interrupt,
        killed: false,
    };
    let outcome = match folder.strategy {
        Strategy::Swap => match swap(&mut run, folder, plan, lock) {
            Err(Swapped::Impossible) => {
                in_place(&mut run, folder, plan).map(|()| Strategy::InPlaceMountPoint)
            }
            Err(Swapped::Failed(error)) => Err(error),
            Ok(()) => Ok(Strategy::Swap),
        },
        strategy => in_place(&mut run, folder, plan).map(|()| strategy),
    };
    if run.killed {
        return Err(Error::Internal {
            problem: Problem::StoppedByTest,
        });
    }
    outcome.map_err(|source| folder.cannot("write it", &source))
}

struct Run<'a> {
    interrupt: &'a mut dyn FnMut(&Step) -> Option<Stop>,
    killed: bool,
}

impl Run<'_> {
    fn step(&mut self, step: &Step) -> io::Result<()> {
        if self.killed {
            return Err(io::Error::other("killed"));
        }
        match (self.interrupt)(step) {
            None => Ok(()),
            Some(stop) => {
                self.killed = stop == Stop::Kill;
                Err(io::Error::other(format!("interrupted before {step:?}")))
            }
        }
    }
}

/// A unique suffix for this run's temporary names.
fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

/// Removes what interrupted runs left beside the folder (a staging folder
/// holds a half-built next state or, after a swap, the previous state; neither
/// is needed), and inside it (temporary files and records of a file-by-file
/// write). Only ever called under the folder's lock, so nothing here belongs to
/// a live run.
pub(crate) fn recover(folder: &Folder) -> io::Result<()> {
    let beside = folder.beside("staging");
    let old = folder.beside("old");
    if let (Some(parent), Some(prefix)) = (beside.parent(), beside.file_name()) {
        let prefix = prefix.to_string_lossy().into_owned();
        for entry in fs::read_dir(parent)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                remove_tree(&entry.path())?;
            }
        }
    }
    if old.exists() {
        if folder.exists() {
            remove_tree(&old)?;
        } else {
            fs::rename(&old, &folder.path)?;
        }
    }
    if folder.exists() {
        for entry in fs::read_dir(&folder.path)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.contains(".infraplan-tmp-") {
                remove_tree(&entry.path())?;
            }
        }
    }
    Ok(())
}

/// Removes a file or folder; already gone is fine.
fn remove_tree(path: &Path) -> io::Result<()> {
    let removed = match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(error) => Err(error),
    };
    match removed {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Every file a plan writes (relative path → contents) and every stale
/// sidecar it removes.
fn files_of(plan: Plan<'_>) -> io::Result<(BTreeMap<PathBuf, &str>, BTreeSet<PathBuf>)> {
    let mut written: BTreeMap<PathBuf, &str> = BTreeMap::new();
    let mut dropped: BTreeSet<PathBuf> = BTreeSet::new();
    for change in plan.changes {
        if let Some(contents) = &change.write {
            written.insert(PathBuf::from(&change.path), contents);
        }
        let sidecar = PathBuf::from(format!("{}{SIDECAR_SUFFIX}", change.path));
        match &change.sidecar {
            Some(contents) => {
                written.insert(sidecar, contents);
            }
            // A sidecar from an earlier conflict that is now settled.
            None => {
                dropped.insert(sidecar);
            }
        }
    }
    Ok((written, dropped))
}

/// The records folder's files: the manifest and a base per tracked file.
fn records_of(plan: Plan<'_>) -> io::Result<BTreeMap<PathBuf, String>> {
    let mut records = BTreeMap::new();
    let manifest = format!(
        "{}\n",
        serde_json::to_string_pretty(plan.manifest).map_err(io::Error::other)?
    );
    records.insert(PathBuf::from(MANIFEST_FILE), manifest);
    for change in plan.changes {
        if let Some(base) = &change.base {
            records.insert(
                Path::new(BASE_DIR).join(format!("{}{BASE_SUFFIX}", change.path)),
                base.clone(),
            );
        }
    }
    Ok(records)
}

/// Why a swap did not happen.
enum Swapped {
    /// The file system refused to move the folder (a bind mount): nothing was
    /// changed, so the folder can be written file by file instead.
    Impossible,
    /// Anything else.
    Failed(io::Error),
}

impl From<io::Error> for Swapped {
    fn from(error: io::Error) -> Self {
        Swapped::Failed(error)
    }
}

fn swap(
    run: &mut Run<'_>,
    folder: &Folder,
    plan: Plan<'_>,
    lock: &mut FolderLock,
) -> Result<(), Swapped> {
    let staging = folder.beside(&format!("staging-{}", run_id()));
    let built = build_staging(run, folder, &staging, plan, lock);
    if run.killed {
        return Err(io::Error::other("killed").into());
    }
    if let Err(error) = built {
        let _ = remove_tree(&staging);
        return Err(error.into());
    }
    let swapped = run
        .step(&Step::Swap)
        .and_then(|()| exchange(&staging, &folder.path));
    if run.killed {
        return Err(io::Error::other("killed").into());
    }
    if let Err(error) = swapped {
        let _ = remove_tree(&staging);
        // EBUSY: a bind mount; EXDEV: another file system.
        return Err(match error.raw_os_error() {
            Some(16 | 18) => Swapped::Impossible,
            _ => Swapped::Failed(error),
        });
    }
    if let Some(parent) = folder.path.parent() {
        sync_folder(parent)?;
    }
    // The staging path now holds the previous folder. The folder is already
    // right; if removing the old one fails, the next run does.
    if run.step(&Step::Cleanup).is_ok() {
        let _ = remove_tree(&staging);
    }
    Ok(())
}

fn build_staging(
    run: &mut Run<'_>,
    folder: &Folder,
    staging: &Path,
    plan: Plan<'_>,
    lock: &mut FolderLock,
) -> io::Result<()> {
    fs::create_dir(staging)?;
    // Nobody else knows this folder yet; hold it so the path stays locked
    // once it is swapped in.
    lock.also_hold(staging)?;
    fs::set_permissions(staging, fs::metadata(&folder.path)?.permissions())?;
    let (written, dropped) = files_of(plan)?;
    let records = Path::new(RECORDS_DIR);
    let mut folders = vec![staging.to_owned()];
    link_tree(
        run,
        &folder.path,
        staging,
        Path::new(""),
        &written,
        &dropped,
        records,
        &mut folders,
    )?;
    let mut pending = Vec::new();
    for (path, contents) in &written {
        run.step(&Step::Write(path.clone()))?;
        let mode_from = folder.path.join(path);
        pending.push(write_new(&staging.join(path), contents, Some(&mode_from))?);
    }
    let records_dir = staging.join(records);
    fs::create_dir(&records_dir)?;
    fs::create_dir(records_dir.join(BASE_DIR))?;
    folders.extend([records_dir.clone(), records_dir.join(BASE_DIR)]);
    for (path, contents) in records_of(plan)? {
        run.step(&Step::Write(records.join(&path)))?;
        pending.push(write_new(&records_dir.join(path), &contents, None)?);
    }
    // Flush every file, then every folder: one pass, not one per file.
    for file in pending {
        file.sync_all()?;
    }
    for path in folders {
        sync_folder(&path)?;
    }
    Ok(())
}

/// Hard-links every entry of `from` into `to`, except what is rewritten,
/// dropped, or infraplan's records (rewritten whole).
#[allow(clippy::too_many_arguments)]
fn link_tree(
    run: &mut Run<'_>,
    from: &Path,
    to: &Path,
    relative: &Path,
    written: &BTreeMap<PathBuf, &str>,
    dropped: &BTreeSet<PathBuf>,
    records: &Path,
    folders: &mut Vec<PathBuf>,
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
            fs::set_permissions(&target, entry.metadata()?.permissions())?;
            folders.push(target);
            link_tree(run, from, to, &path, written, dropped, records, folders)?;
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

/// Writes a new file (never through an existing link), with the permissions of
/// `mode_from` when that file exists. The caller flushes it.
fn write_new(path: &Path, contents: &str, mode_from: Option<&Path>) -> io::Result<File> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = File::create_new(path)?;
    file.write_all(contents.as_bytes())?;
    if let Some(metadata) = mode_from.and_then(|from| fs::metadata(from).ok()) {
        file.set_permissions(metadata.permissions())?;
    }
    Ok(file)
}

/// Flushes a folder's entries (a rename or a new file) to disk.
fn sync_folder(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(path)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Swaps two folders; afterwards `staging` holds what was at `out`.
#[cfg(target_os = "linux")]
fn exchange(staging: &Path, out: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Without an atomic exchange: two renames, and [`recover`] puts the old
/// folder back if a run dies between them.
#[cfg(not(target_os = "linux"))]
fn exchange(staging: &Path, out: &Path) -> io::Result<()> {
    let old = out.with_file_name(format!(
        ".{}.infraplan-old",
        out.file_name().unwrap_or_default().to_string_lossy()
    ));
    fs::rename(out, &old)?;
    fs::rename(staging, out)?;
    fs::rename(&old, staging)
}

/// Writes the plan inside the folder, file by file: each new file beside its
/// target, flushed, renamed over it; stale sidecars removed; then the records
/// folder built beside `.infraplan` and swapped with it.
fn in_place(run: &mut Run<'_>, folder: &Folder, plan: Plan<'_>) -> io::Result<()> {
    let (written, dropped) = files_of(plan)?;
    let id = run_id();
    let temporary = |path: &Path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        folder
            .path
            .join(path)
            .with_file_name(format!(".{name}.infraplan-tmp-{id}"))
    };
    for (path, contents) in &written {
        run.step(&Step::Write(path.clone()))?;
        let target = folder.path.join(path);
        let beside = temporary(path);
        let file = write_new(&beside, contents, Some(&target))?;
        file.sync_all()?;
        fs::rename(&beside, &target)?;
    }
    for path in &dropped {
        remove_tree(&folder.path.join(path))?;
    }
    let records = folder.path.join(RECORDS_DIR);
    let staging = temporary(Path::new(RECORDS_DIR));
    fs::create_dir(&staging)?;
    fs::create_dir(staging.join(BASE_DIR))?;
    for (path, contents) in records_of(plan)? {
        run.step(&Step::Write(Path::new(RECORDS_DIR).join(&path)))?;
        write_new(&staging.join(path), &contents, None)?.sync_all()?;
    }
    sync_folder(&staging.join(BASE_DIR))?;
    sync_folder(&staging)?;
    run.step(&Step::Swap)?;
    if records.exists() {
        exchange(&staging, &records)?;
        remove_tree(&staging)?;
    } else {
        fs::rename(&staging, &records)?;
    }
    sync_folder(&folder.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn mount_table_paths_are_unescaped() {
        assert_eq!(unescape_octal("/mnt/my\\040disk"), "/mnt/my disk");
        assert_eq!(unescape_octal("/plain"), "/plain");
    }

    #[test]
    fn settled_files_keep_the_manifest_as_it_was() {
        let file = ManifestFile {
            path: "main.tf".to_owned(),
            sha256: "0".repeat(64),
            state: FileState::Settled,
        };
        let json = serde_json::to_string(&file).unwrap();
        assert!(!json.contains("state"), "{json}");
        let conflict = ManifestFile {
            state: FileState::Conflict,
            ..file
        };
        assert!(
            serde_json::to_string(&conflict)
                .unwrap()
                .contains("\"state\":\"conflict\"")
        );
    }
}
