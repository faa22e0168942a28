//! `infraplan generate` output: the plan in one line, then every file's fate.

use serde::Serialize;

use super::PlanSummary;
use super::table::{Align, Table};
use crate::data::SCHEMA_VERSION;
use crate::generate::{Generated, Mode};
use crate::plan::Plan;
use crate::reconcile::{Outcome, SIDECAR_SUFFIX};

/// What `generate` reports; its JSON form is documented in `docs/json.md`.
#[derive(Debug, Clone, Serialize)]
pub struct GenerateReport {
    schema_version: u32,
    out: String,
    mode: &'static str,
    #[serde(flatten)]
    plan: PlanSummary,
    warnings: Vec<String>,
    differs: bool,
    files: Vec<FileView>,
    #[serde(skip)]
    diff: String,
}

#[derive(Debug, Clone, Serialize)]
struct FileView {
    path: String,
    outcome: Outcome,
    note: String,
    infraplan_version_beside: Option<String>,
}

impl GenerateReport {
    /// The report of `generated` for `plan`.
    pub fn new(out: &std::path::Path, mode: Mode, plan: &Plan<'_>, generated: &Generated) -> Self {
        GenerateReport {
            schema_version: SCHEMA_VERSION,
            out: out.display().to_string(),
            mode: match mode {
                Mode::Write => "write",
                Mode::DryRun => "dry_run",
                Mode::Check => "check",
            },
            plan: PlanSummary::new(plan),
            warnings: plan.estimate.warnings.clone(),
            differs: generated.differs,
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

    /// Plain text, or Markdown when `markdown`.
    pub fn to_text(&self, markdown: bool) -> String {
        let mut out = String::new();
        if self.mode == "check" && self.differs {
            out.push_str(&self.diff);
        }
        let action = match (self.mode, self.differs) {
            ("write", true) => format!("Wrote {}", self.out),
            ("write", false) => format!("{} is up to date; nothing written", self.out),
            ("dry_run", _) => format!("Dry run for {}; nothing written", self.out),
            (_, true) => format!("{} differs from what infraplan would write", self.out),
            (_, false) => format!("{} matches what infraplan would write", self.out),
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
        out.push_str(&if markdown {
            table.to_markdown()
        } else {
            table.to_text()
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
        if self
            .files
            .iter()
            .any(|file| file.outcome == Outcome::Conflict)
        {
            out.push_str(&format!(
                "Conflicts: your files were kept; compare each with its {SIDECAR_SUFFIX} file, merge what you want, then delete the {SIDECAR_SUFFIX} file.\n"
            ));
        }
        if self.mode == "write" && self.differs {
            out.push_str(&format!(
                "Next: copy terraform.tfvars.example to terraform.tfvars if you have not, then run terraform -chdir={} init and plan.\n",
                self.out
            ));
        }
        out
    }
}
