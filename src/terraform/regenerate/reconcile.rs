//! Decides what regeneration does to each file, without touching the disk.
//!
//! Three versions of a file meet here: what is on disk now, what infraplan
//! wrote last time (the base, kept in `.infraplan/base/`), and what infraplan
//! renders now. A file the user has not edited is updated; an edited one is
//! merged when the two sets of changes touch different lines and otherwise
//! kept, with infraplan's version written beside it; a file infraplan no
//! longer renders is kept, never deleted, because removing a Terraform file can
//! destroy live infrastructure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::terraform::RenderedFile;
use crate::terraform::regenerate::merge::merge3;
use crate::terraform::regenerate::write::FileState;

/// The suffix of infraplan's version of a file the user changed.
pub(crate) const SIDECAR_SUFFIX: &str = ".infraplan-new";

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// New: written.
    Created,
    /// Not edited by the user, changed by infraplan: replaced.
    Updated,
    /// Same as infraplan's version: nothing to do.
    Unchanged,
    /// Edited by the user and changed by infraplan on other lines: merged.
    Merged,
    /// Both changed the same lines, or the user removed or replaced it: the
    /// user's file stays and infraplan's version goes beside it.
    Conflict,
    /// Edited by the user, not changed by infraplan: the user's file stays.
    Kept,
    /// infraplan no longer writes it: it stays, reported each run until removed.
    NoLongerGenerated,
}

impl Outcome {
    /// The word reports print.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Merged => "merged",
            Outcome::Conflict => "conflict",
            Outcome::Kept => "kept",
            Outcome::NoLongerGenerated => "no longer generated",
        }
    }
}

/// What regeneration does to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// The file's name in the folder.
    pub path: String,
    /// What happens.
    pub outcome: Outcome,
    /// Why, for people.
    pub note: String,
    /// The file's contents after the run, when infraplan writes it.
    pub write: Option<String>,
    /// infraplan's version, beside the user's file while a conflict waits.
    pub sidecar: Option<String>,
    /// What to record as infraplan's version for the next run; `None` drops
    /// the file from the manifest.
    pub base: Option<String>,
    /// What to record about the file: a conflict waiting, or removed by the user.
    pub state: FileState,
}

/// The folder as it is now.
#[derive(Debug, Clone, Default)]
pub(crate) struct Existing {
    /// Contents of the folder's files that infraplan renders or recorded.
    pub files: BTreeMap<String, String>,
    /// Contents of their sidecars (`NAME.infraplan-new`), by the file's name.
    pub sidecars: BTreeMap<String, String>,
    /// Whether the folder holds anything at all.
    pub non_empty: bool,
    /// infraplan's versions from the last run, by path; `None` when the folder
    /// has no manifest.
    pub bases: Option<BTreeMap<String, String>>,
    /// What the last run recorded about each file.
    pub states: BTreeMap<String, FileState>,
}

/// Why a folder is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not empty, and infraplan did not write it.
    Foreign,
}

/// Decides every file's fate. `force` accepts a folder infraplan did not
/// write; its files are then treated as the user's.
pub(crate) fn reconcile(
    existing: &Existing,
    rendered: &[RenderedFile],
    force: bool,
) -> Result<Vec<Change>, Refusal> {
    if existing.bases.is_none() && existing.non_empty && !force {
        return Err(Refusal::Foreign);
    }
    let empty = BTreeMap::new();
    let bases = existing.bases.as_ref().unwrap_or(&empty);
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    for file in rendered {
        seen.insert(file.name.as_str());
        let known = Known {
            disk: existing.files.get(&file.name),
            base: bases.get(&file.name),
            state: existing.states.get(&file.name).copied().unwrap_or_default(),
        };
        changes.push(decide(&file.name, known, &file.contents));
    }
    for (path, base) in bases {
        if seen.contains(path.as_str()) || !existing.files.contains_key(path) {
            // Still rendered, or no longer rendered and already removed by the user.
            continue;
        }
        changes.push(Change {
            path: path.clone(),
            outcome: Outcome::NoLongerGenerated,
            note: "infraplan no longer writes it; kept, since removing a Terraform file can destroy infrastructure: delete it yourself once nothing depends on it".to_owned(),
            write: None,
            sidecar: None,
            base: Some(base.clone()),
            state: FileState::Settled,
        });
    }
    Ok(changes)
}

/// What is known about one file before deciding.
#[derive(Debug, Clone, Copy)]
struct Known<'a> {
    /// On disk now.
    disk: Option<&'a String>,
    /// infraplan's version from the last run.
    base: Option<&'a String>,
    /// What the last run recorded.
    state: FileState,
}

fn decide(path: &str, known: Known<'_>, new: &str) -> Change {
    let change = |outcome: Outcome, note: &str, write: Option<&str>| Change {
        path: path.to_owned(),
        outcome,
        note: note.to_owned(),
        write: write.map(str::to_owned),
        sidecar: None,
        base: Some(new.to_owned()),
        state: FileState::Settled,
    };
    // A conflict waits for the user: the user's file stays, infraplan's
    // version goes beside it, and every run says so until it is resolved.
    let conflict = |note: String| Change {
        sidecar: Some(new.to_owned()),
        state: FileState::Conflict,
        ..change(Outcome::Conflict, &note, None)
    };
    let beside = format!("kept yours; infraplan's version is in {path}{SIDECAR_SUFFIX}");
    match (known.disk, known.base) {
        (Some(disk), _) if disk == new => change(Outcome::Unchanged, "already up to date", None),
        (None, None) => change(Outcome::Created, "new file", Some(new)),
        (Some(_), None) => conflict(format!(
            "a file infraplan did not write is in the way; {beside}"
        )),
        (None, Some(base)) if known.state == FileState::Removed && base == new => Change {
            state: FileState::Removed,
            ..change(
                Outcome::Kept,
                "removed by you; infraplan has no change for it",
                None,
            )
        },
        (None, Some(_)) => conflict(format!(
            "you removed it, so it is not recreated; infraplan's version is in {path}{SIDECAR_SUFFIX}"
        )),
        (Some(disk), Some(base)) if disk == base => change(
            Outcome::Updated,
            "not edited since infraplan wrote it",
            Some(new),
        ),
        (Some(_), Some(_)) if known.state == FileState::Conflict => {
            conflict(format!("still unresolved from an earlier run; {beside}"))
        }
        (Some(_), Some(base)) if base == new => Change {
            // infraplan has nothing new: the user's file stays, and the base
            // stays what infraplan last wrote.
            base: Some(base.clone()),
            ..change(
                Outcome::Kept,
                "edited by you; infraplan has no change for it",
                None,
            )
        },
        (Some(disk), Some(base)) => match merge3(base, disk, new) {
            Some(merged) => change(
                Outcome::Merged,
                "your edits and infraplan's changes touch different lines",
                Some(&merged),
            ),
            None => conflict(format!(
                "your edits and infraplan's changes touch the same lines; {beside}"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(files: &[(&str, &str)]) -> Vec<RenderedFile> {
        files
            .iter()
            .map(|(name, contents)| RenderedFile {
                name: (*name).to_owned(),
                contents: (*contents).to_owned(),
            })
            .collect()
    }

    fn map(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(name, contents)| ((*name).to_owned(), (*contents).to_owned()))
            .collect()
    }

    fn outcomes(changes: &[Change]) -> Vec<(&str, Outcome)> {
        changes
            .iter()
            .map(|change| (change.path.as_str(), change.outcome))
            .collect()
    }

    #[test]
    fn an_empty_folder_gets_every_file() {
        let changes = reconcile(
            &Existing::default(),
            &rendered(&[("main.tf", "a\n")]),
            false,
        )
        .unwrap();
        assert_eq!(outcomes(&changes), [("main.tf", Outcome::Created)]);
        assert_eq!(changes[0].write.as_deref(), Some("a\n"));
    }

    #[test]
    fn a_foreign_folder_is_refused_unless_forced() {
        let existing = Existing {
            files: map(&[("main.tf", "mine\n")]),
            non_empty: true,
            ..Existing::default()
        };
        let new = rendered(&[("main.tf", "theirs\n"), ("outputs.tf", "o\n")]);
        assert_eq!(reconcile(&existing, &new, false), Err(Refusal::Foreign));
        let changes = reconcile(&existing, &new, true).unwrap();
        assert_eq!(
            outcomes(&changes),
            [
                ("main.tf", Outcome::Conflict),
                ("outputs.tf", Outcome::Created)
            ]
        );
        assert_eq!(changes[0].sidecar.as_deref(), Some("theirs\n"));
        assert_eq!(changes[0].write, None);
    }

    #[test]
    fn every_case_of_a_folder_infraplan_wrote() {
        let base = "a\nb\nc\nd\ne\n";
        let existing = Existing {
            files: map(&[
                ("untouched.tf", base),
                ("edited-elsewhere.tf", "a (mine)\nb\nc\nd\ne\n"),
                ("edited-same-line.tf", "a\nb\nc\nd\ne (mine)\n"),
                ("edited-no-news.tf", "a\nb (mine)\nc\nd\ne\n"),
                ("dropped.tf", base),
            ]),
            non_empty: true,
            bases: Some(map(&[
                ("untouched.tf", base),
                ("edited-elsewhere.tf", base),
                ("edited-same-line.tf", base),
                ("edited-no-news.tf", base),
                ("removed-by-user.tf", base),
                ("dropped.tf", base),
            ])),
            ..Existing::default()
        };
        let new = "a\nb\nc\nd\ne (new)\n";
        let changes = reconcile(
            &existing,
            &rendered(&[
                ("untouched.tf", new),
                ("edited-elsewhere.tf", new),
                ("edited-same-line.tf", new),
                ("edited-no-news.tf", base),
                ("removed-by-user.tf", new),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(
            outcomes(&changes),
            [
                ("untouched.tf", Outcome::Updated),
                ("edited-elsewhere.tf", Outcome::Merged),
                ("edited-same-line.tf", Outcome::Conflict),
                ("edited-no-news.tf", Outcome::Kept),
                ("removed-by-user.tf", Outcome::Conflict),
                ("dropped.tf", Outcome::NoLongerGenerated),
            ]
        );
        assert_eq!(
            changes[1].write.as_deref(),
            Some("a (mine)\nb\nc\nd\ne (new)\n")
        );
        assert_eq!(changes[2].sidecar.as_deref(), Some(new));
        assert!(
            changes
                .iter()
                .all(|change| change.path != "dropped.tf" || change.write.is_none())
        );
    }

    #[test]
    fn a_conflict_stays_a_conflict_until_resolved() {
        let base = "a\nb\n";
        let mine = "a\nb (mine)\n";
        let new = "a\nb (new)\n";
        let pending = |disk: &str| Existing {
            files: map(&[("main.tf", disk)]),
            non_empty: true,
            bases: Some(map(&[("main.tf", new)])),
            states: [("main.tf".to_owned(), FileState::Conflict)].into(),
            ..Existing::default()
        };
        // The same inputs again: still a conflict, infraplan's version beside.
        let again = reconcile(&pending(mine), &rendered(&[("main.tf", new)]), false).unwrap();
        assert_eq!(outcomes(&again), [("main.tf", Outcome::Conflict)]);
        assert_eq!(again[0].state, FileState::Conflict);
        assert_eq!(again[0].sidecar.as_deref(), Some(new));
        // The user made the file what infraplan writes: resolved.
        let matched = reconcile(&pending(new), &rendered(&[("main.tf", new)]), false).unwrap();
        assert_eq!(outcomes(&matched), [("main.tf", Outcome::Unchanged)]);
        assert_eq!(matched[0].state, FileState::Settled);
        assert_eq!(matched[0].sidecar, None);
        // The user took infraplan's older version; a newer one replaces it.
        let newer = "a\nb (newer)\n";
        let adopted = reconcile(&pending(new), &rendered(&[("main.tf", newer)]), false).unwrap();
        assert_eq!(outcomes(&adopted), [("main.tf", Outcome::Updated)]);
        let _ = base;
    }

    #[test]
    fn a_removal_the_user_resolved_stays_removed_until_infraplan_changes_the_file() {
        let new = "a\n";
        let existing = Existing {
            non_empty: true,
            bases: Some(map(&[("cdn.tf", new)])),
            states: [("cdn.tf".to_owned(), FileState::Removed)].into(),
            ..Existing::default()
        };
        let same = reconcile(&existing, &rendered(&[("cdn.tf", new)]), false).unwrap();
        assert_eq!(outcomes(&same), [("cdn.tf", Outcome::Kept)]);
        assert_eq!(same[0].state, FileState::Removed);
        assert_eq!(same[0].write, None);
        let changed = reconcile(&existing, &rendered(&[("cdn.tf", "b\n")]), false).unwrap();
        assert_eq!(outcomes(&changed), [("cdn.tf", Outcome::Conflict)]);
    }
}
