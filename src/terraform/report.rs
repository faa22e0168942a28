//! `infraplan generate` output: the plan in one line, then every file's fate.

use crate::report::html::{Block, Document};
use serde::Serialize;

use crate::model::plan::Plan;
use crate::printable::escape_controls;
use crate::report::PlanSummary;
use crate::report::table::{Align, Fit, Table};
use crate::report::{REPORT_SCHEMA_VERSION, Report};
use crate::terraform::generate::{Generated, Mode, Resolved};
use crate::terraform::regenerate::reconcile::{Outcome, SIDECAR_SUFFIX};
use crate::terraform::regenerate::write::Strategy;

/// What `generate` reports; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct GenerateReport {
    schema_version: u32,
    out: String,
    mode: &'static str,
    #[serde(flatten)]
    plan: PlanSummary,
    warnings: Vec<String>,
    differs: bool,
    written: Option<Strategy>,
    conflicts: Vec<String>,
    files: Vec<FileView>,
    #[serde(skip)]
    diff: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
struct FileView {
    path: String,
    outcome: Outcome,
    note: String,
    infraplan_version_beside: Option<String>,
}

impl GenerateReport {
    /// The report of `generated` for `plan`.
    pub(crate) fn new(
        out: &std::path::Path,
        mode: Mode,
        plan: &Plan<'_>,
        generated: &Generated,
    ) -> Self {
        GenerateReport {
            schema_version: REPORT_SCHEMA_VERSION,
            out: out.display().to_string(),
            mode: match mode {
                Mode::Write => "write",
                Mode::DryRun => "dry_run",
                Mode::Check => "check",
            },
            plan: PlanSummary::new(plan),
            warnings: plan
                .estimate
                .warnings
                .iter()
                .map(crate::report::wording::warning_text)
                .collect(),
            differs: generated.differs,
            written: generated.written,
            conflicts: generated
                .conflicts()
                .map(|change| change.path.clone())
                .collect(),
            files: generated
                .changes
                .iter()
                .map(|change| FileView {
                    path: change.path.clone(),
                    outcome: change.outcome,
                    note: change.note.clone(),
                    infraplan_version_beside: change
                        .sidecar
                        .as_ref()
                        .map(|_| format!("{}{SIDECAR_SUFFIX}", change.path)),
                })
                .collect(),
            diff: generated.diff.clone(),
        }
    }

    /// Text fitted as `fit` says, or Markdown without it.
    fn render(&self, fit: Option<Fit>) -> String {
        let mut out = String::new();
        if self.mode == "check" && self.differs {
            out.push_str(&self.diff);
        }
        let folder = escape_controls(&self.out);
        let action = match (self.mode, self.differs) {
            ("write", true) => match self.written {
                Some(Strategy::InPlaceMountPoint) => format!(
                    "Wrote {folder} file by file: it is a mount point, so it cannot be swapped in one step"
                ),
                Some(Strategy::InPlaceCurrentFolder) => format!(
                    "Wrote {folder} file by file: it holds the current folder, so it cannot be swapped in one step"
                ),
                _ => format!("Wrote {folder}"),
            },
            ("write", false) => format!("{folder} is up to date; nothing written"),
            ("dry_run", _) => format!("Dry run for {folder}; nothing written"),
            (_, true) => format!("{folder} differs from what infraplan would write"),
            (_, false) if !self.conflicts.is_empty() => {
                format!("{folder} has conflicts waiting for you")
            }
            (_, false) => format!("{folder} matches what infraplan would write"),
        };
        out.push_str(&format!(
            "Stage {} ({}) on {}. {action}.\n\n",
            self.plan.stage, self.plan.stage_name, self.plan.variant
        ));
        let mut table = Table::new(&[
            ("File", Align::Left),
            ("Outcome", Align::Left),
            ("Why", Align::Left),
        ]);
        for file in &self.files {
            table.row(vec![
                file.path.clone(),
                file.outcome.label().to_owned(),
                file.note.clone(),
            ]);
        }
        out.push_str(&match fit {
            Some(fit) => table.to_text(fit),
            None => table.to_markdown(),
        });
        out.push('\n');
        let share = self.plan.share_of_mrr.map_or_else(
            || "share of MRR undefined (MRR is $0.00)".to_owned(),
            |share| format!("{share} of MRR ({})", self.plan.verdict.label()),
        );
        out.push_str(&format!(
            "Monthly estimate: {}, {share}.\n",
            self.plan.monthly_total
        ));
        for warning in &self.warnings {
            out.push_str(&format!("Warning: {warning}\n"));
        }
        if !self.conflicts.is_empty() {
            out.push_str(&format!(
                "Conflicts waiting: {}. Your files were kept; merge what you want from each {SIDECAR_SUFFIX} file, then run `infraplan resolve --out {folder} {}`. Until then every run, and --check, reports them.\n",
                self.conflicts
                    .iter()
                    .map(|path| format!("{path} (infraplan's version in {path}{SIDECAR_SUFFIX})"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.conflicts.join(" ")
            ));
        }
        if self.mode == "write" && self.differs {
            out.push_str(&format!(
                "Next: copy terraform.tfvars.example to terraform.tfvars if you have not, then run terraform -chdir={folder} init and plan.\n"
            ));
        }
        out
    }
}

impl Report for GenerateReport {
    /// Plain text fitted as `fit` says.
    fn to_text(&self, fit: Fit) -> String {
        self.render(Some(fit))
    }

    /// Markdown.
    fn to_markdown(&self) -> String {
        self.render(None)
    }

    /// The page: what was written, as the terminal says it.
    fn to_document(&self) -> Document {
        let mut document = Document::new("infraplan generate");
        document.push(Block::Preformatted(self.render(None)));
        document
    }
}

/// What `infraplan resolve` prints.
pub(crate) fn resolved_text(out: &std::path::Path, resolved: &Resolved) -> String {
    let mut text = String::new();
    for (path, present) in &resolved.files {
        let what = if *present {
            "your version stands"
        } else {
            "it stays removed"
        };
        text.push_str(&format!(
            "Resolved {}: {what}; infraplan's {SIDECAR_SUFFIX} copy is removed. Later runs merge infraplan's changes into it as into any file you edited.\n",
            escape_controls(path)
        ));
    }
    if !resolved.pending.is_empty() {
        text.push_str(&format!(
            "Still waiting in {}: {}.\n",
            crate::printable::shown_path(out),
            resolved.pending.join(", ")
        ));
    }
    text
}
