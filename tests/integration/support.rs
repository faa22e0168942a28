//! Running the binary and snapshot settings shared by every test module.

pub(crate) use crate::shared::{copy_tree, generate_args, tree};

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of `infraplan` printed and returned.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

/// Runs the built binary with `args` from the project folder, its tables
/// fitted to the default 100 columns whatever the test's own terminal.
pub(crate) fn infraplan(args: &[&str]) -> Run {
    infraplan_at(None, args)
}

/// Runs the built binary with `$COLUMNS` set to `columns`, or unset.
pub(crate) fn infraplan_at(columns: Option<usize>, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_infraplan"));
    command.args(args).current_dir(project_dir());
    match columns {
        Some(columns) => command.env("COLUMNS", columns.to_string()),
        None => command.env_remove("COLUMNS"),
    };
    let output = command.output().expect("the infraplan binary runs");
    Run {
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        code: output.status.code().expect("infraplan exits with a code"),
    }
}

/// Runs `infraplan` and insists it succeeded.
pub(crate) fn infraplan_ok(args: &[&str]) -> String {
    let run = infraplan(args);
    assert_eq!(run.code, 0, "infraplan {args:?} failed: {}", run.stderr);
    assert!(run.stderr.is_empty(), "unexpected stderr: {}", run.stderr);
    run.stdout
}

pub(crate) fn project_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture's path relative to the project folder, where `infraplan` runs,
/// so messages that echo it stay the same on every machine.
pub(crate) fn fixture(name: &str) -> String {
    format!("tests/fixtures/{name}")
}

/// A fresh, empty folder under the build directory for one test.
pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("old scratch folder is removable");
    }
    std::fs::create_dir_all(&dir).expect("scratch folder is creatable");
    dir
}

/// Snapshots live in `snapshots/`, named `<command>__<case>.snap`.
pub(crate) fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(project_dir().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// One scenario per stage and platform variant.
pub(crate) const VARIANTS: [(&str, [&str; 6]); 5] = [
    (
        "stage1-heroku",
        ["--customers", "30", "--mrr", "3000", "--paas", "heroku"],
    ),
    (
        "stage1-render",
        ["--customers", "30", "--mrr", "3000", "--paas", "render"],
    ),
    (
        "stage2-heroku",
        ["--customers", "120", "--mrr", "18000", "--paas", "heroku"],
    ),
    (
        "stage2-render",
        ["--customers", "120", "--mrr", "18000", "--paas", "render"],
    ),
    (
        "stage3-aws",
        ["--customers", "450", "--mrr", "90000", "--paas", "heroku"],
    ),
];
