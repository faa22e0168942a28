//! Regenerating into a folder: nothing the user edited is lost, nothing
//! half-written is ever left, and `--check` tells CI when the folder is stale.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::shared::differences;
use crate::support::{
    generate_args, infraplan, infraplan_ok, scratch_dir, snapshot_settings, tree,
};

/// `infraplan generate` for stage 2 on Heroku into `out`, with extra flags.
fn generate(out: &Path, customers: &str, extra: &[&str]) -> crate::support::Run {
    let mut args = generate_args(out, customers);
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    infraplan(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn outcomes(stdout: &str) -> BTreeMap<String, String> {
    let report: serde_json::Value = serde_json::from_str(stdout).unwrap();
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| {
            (
                file["path"].as_str().unwrap().to_owned(),
                file["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A text's SHA-256 as `sha256sum` prints it, as the manifest records it.
fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_fresh_folder_gets_every_file_and_a_manifest() {
    let out = scratch_dir("regenerate-fresh").join("infra");
    let run = generate(&out, "120", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outcomes = outcomes(&run.stdout);
    assert!(
        outcomes.values().all(|outcome| outcome == "created"),
        "{outcomes:?}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join(".infraplan/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["infraplan_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["scenario"]["customers"], 120);
    assert_eq!(manifest["files"].as_array().unwrap().len(), outcomes.len());
}

#[test]
fn regenerating_an_unedited_folder_changes_nothing() {
    let out = scratch_dir("regenerate-unedited").join("infra");
    generate(&out, "120", &[]);
    let before = tree(&out);
    let run = generate(&out, "120", &["--format", "json"]);
    assert!(
        outcomes(&run.stdout)
            .values()
            .all(|outcome| outcome == "unchanged")
    );
    assert_eq!(tree(&out), before);
    // A new scenario updates the files the user left alone.
    let run = generate(&out, "180", &["--format", "json"]);
    let outcomes = outcomes(&run.stdout);
    assert_eq!(outcomes["variables.tf"], "updated");
    assert_eq!(outcomes["main.tf"], "unchanged");
}

#[test]
fn edits_on_other_lines_merge_and_edits_on_the_same_lines_conflict() {
    let out = scratch_dir("regenerate-edited").join("infra");
    generate(&out, "120", &[]);
    // A line infraplan does not change, and a file of the user's own.
    edit(&out.join("variables.tf"), "\"container\"", "\"heroku-24\"");
    fs::write(out.join("metrics.tf"), "# the user's own file\n").unwrap();
    // A line infraplan changes between 120 and 60 customers (3 web dynos to 2).
    edit(
        &out.join("README.md"),
        "| Web app | $150.00 |",
        "| Web app | $150.00 (checked) |",
    );
    let run = generate(&out, "60", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outcomes = outcomes(&run.stdout);
    assert_eq!(outcomes["variables.tf"], "merged");
    assert_eq!(outcomes["README.md"], "conflict");
    let variables = fs::read_to_string(out.join("variables.tf")).unwrap();
    assert!(variables.contains("\"heroku-24\""), "the user's edit stays");
    assert!(
        variables.contains("default     = 2"),
        "infraplan's new dyno count arrives"
    );
    let readme = fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("(checked)"), "the user's README is kept");
    let theirs = fs::read_to_string(out.join("README.md.infraplan-new")).unwrap();
    assert!(
        theirs.contains("| Web app | $100.00 |"),
        "infraplan's version is beside it"
    );
    assert_eq!(
        fs::read_to_string(out.join("metrics.tf")).unwrap(),
        "# the user's own file\n"
    );
}

#[test]
fn a_file_no_longer_generated_is_kept_and_reported() {
    let out = scratch_dir("regenerate-dropped").join("infra");
    generate(&out, "120", &[]);
    // As an older infraplan would have left it: a tracked file this one no
    // longer writes.
    let legacy = "# written by an older infraplan\n";
    fs::write(out.join("legacy.tf"), legacy).unwrap();
    fs::write(out.join(".infraplan/base/legacy.tf.base"), legacy).unwrap();
    let manifest_path = out.join(".infraplan/manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["files"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "path": "legacy.tf",
            "sha256": sha256_hex(legacy),
        }));
    fs::write(&manifest_path, manifest.to_string()).unwrap();
    let run = generate(&out, "120", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(outcomes(&run.stdout)["legacy.tf"], "no_longer_generated");
    assert_eq!(fs::read_to_string(out.join("legacy.tf")).unwrap(), legacy);
    // Reported again on the next run, until the user removes it.
    let run = generate(&out, "120", &["--format", "json"]);
    assert_eq!(outcomes(&run.stdout)["legacy.tf"], "no_longer_generated");
    fs::remove_file(out.join("legacy.tf")).unwrap();
    let run = generate(&out, "120", &["--format", "json"]);
    assert!(!outcomes(&run.stdout).contains_key("legacy.tf"));
}

#[test]
fn a_folder_infraplan_did_not_write_is_refused_unless_forced() {
    let out = scratch_dir("regenerate-foreign").join("infra");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("main.tf"), "# hand-written\n").unwrap();
    let run = generate(&out, "120", &[]);
    assert_eq!(run.code, 73);
    assert!(
        run.stderr.contains("has no .infraplan/manifest.json"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out).len(), 1, "nothing written");
    let run = generate(&out, "120", &["--force", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outcomes = outcomes(&run.stdout);
    assert_eq!(outcomes["main.tf"], "conflict");
    assert_eq!(outcomes["variables.tf"], "created");
    assert_eq!(
        fs::read_to_string(out.join("main.tf")).unwrap(),
        "# hand-written\n"
    );
    assert!(out.join("main.tf.infraplan-new").exists());
}

#[test]
fn check_passes_on_a_current_folder_and_fails_with_a_diff_on_a_stale_one() {
    let out = scratch_dir("regenerate-check").join("infra");
    let missing = generate(&out, "120", &["--check"]);
    assert_eq!(missing.code, 1, "a missing folder differs");
    assert!(!out.exists(), "--check writes nothing");
    generate(&out, "120", &[]);
    let clean = generate(&out, "120", &["--check"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    let before = tree(&out);
    let stale = generate(&out, "180", &["--check"]);
    assert_eq!(stale.code, 1);
    assert!(
        stale
            .stdout
            .contains("--- a/variables.tf\n+++ b/variables.tf\n"),
        "{}",
        stale.stdout
    );
    assert!(
        stale
            .stdout
            .contains("-  default     = 3\n+  default     = 4\n"),
        "{}",
        stale.stdout
    );
    assert_eq!(tree(&out), before, "--check writes nothing");
    let dry = generate(&out, "180", &["--dry-run"]);
    assert_eq!(dry.code, 0);
    assert!(dry.stdout.contains("Dry run"));
    assert_eq!(tree(&out), before, "--dry-run writes nothing");
}

/// The demonstration in the README: edit, regenerate for more customers.
#[test]
fn regeneration_report_snapshot() {
    let out = scratch_dir("regenerate-report").join("infra");
    generate(&out, "120", &[]);
    edit(&out.join("variables.tf"), "\"container\"", "\"heroku-24\"");
    edit(
        &out.join("main.tf"),
        "  acm    = true\n",
        "  acm    = true # managed TLS\n",
    );
    let run = generate(&out, "180", &[]);
    let text = run
        .stdout
        .replace(&out.to_string_lossy().into_owned(), "[OUT]");
    snapshot_settings().bind(|| insta::assert_snapshot!("generate__regenerate-report", text));
}

#[test]
fn unchanged_runs_print_the_same_report() {
    let out = scratch_dir("regenerate-same").join("infra");
    generate(&out, "120", &[]);
    let out_text = out.to_string_lossy().into_owned();
    let args = [
        "generate",
        "--out",
        &out_text,
        "--customers",
        "120",
        "--mrr",
        "18000",
        "--domain",
        "example.com",
        "--dry-run",
    ];
    assert_eq!(infraplan_ok(&args), infraplan_ok(&args));
}

/// An unresolved conflict stays a conflict: reported every run, `--check`
/// fails while it waits, a deleted sidecar comes back, and `infraplan
/// resolve` (or making the file what infraplan writes) settles it.
#[test]
fn a_conflict_waits_until_the_user_resolves_it() {
    let out = scratch_dir("regenerate-conflict").join("infra");
    generate(&out, "120", &[]);
    edit(
        &out.join("README.md"),
        "| Web app | $150.00 |",
        "| Web app | $150.00 (checked) |",
    );
    let first = generate(&out, "60", &["--format", "json"]);
    assert_eq!(outcomes(&first.stdout)["README.md"], "conflict");
    // The same inputs again: still a conflict, not "kept".
    let second = generate(&out, "60", &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second
            .stdout
            .lines()
            .any(|line| line.starts_with("README.md ") && line.contains(" conflict ")),
        "{}",
        second.stdout
    );
    assert!(
        second.stdout.contains(
            "Conflicts waiting: README.md (infraplan's version in README.md.infraplan-new)"
        ),
        "{}",
        second.stdout
    );
    let check = generate(&out, "60", &["--check"]);
    assert_eq!(check.code, 1, "--check fails while a conflict waits");
    assert!(
        check.stdout.contains("has conflicts waiting for you"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("infraplan resolve --out"),
        "{}",
        check.stdout
    );
    // A deleted sidecar is written again while the conflict waits.
    let sidecar = out.join("README.md.infraplan-new");
    let theirs = fs::read_to_string(&sidecar).unwrap();
    fs::remove_file(&sidecar).unwrap();
    let check = generate(&out, "60", &["--check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("+++ b/README.md.infraplan-new"),
        "{}",
        check.stdout
    );
    generate(&out, "60", &[]);
    assert_eq!(fs::read_to_string(&sidecar).unwrap(), theirs);
    // The user merges and says so.
    let out_text = out.to_string_lossy().into_owned();
    let wrong = infraplan(&["resolve", "--out", &out_text, "main.tf"]);
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("main.tf has no conflict waiting"),
        "{}",
        wrong.stderr
    );
    let resolved = infraplan_ok(&["resolve", "--out", &out_text, "README.md"]);
    assert!(
        resolved.starts_with("Resolved README.md: your version stands"),
        "{resolved}"
    );
    assert!(!sidecar.exists(), "the sidecar is removed");
    let check = generate(&out, "60", &["--check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let again = generate(&out, "60", &["--format", "json"]);
    assert_eq!(outcomes(&again.stdout)["README.md"], "kept");
    assert!(
        fs::read_to_string(out.join("README.md"))
            .unwrap()
            .contains("(checked)")
    );
}

#[test]
fn a_conflict_settles_when_the_file_becomes_what_infraplan_writes() {
    let out = scratch_dir("regenerate-conflict-adopted").join("infra");
    generate(&out, "120", &[]);
    edit(
        &out.join("README.md"),
        "| Web app | $150.00 |",
        "| Web app | $150.00 (checked) |",
    );
    generate(&out, "60", &[]);
    fs::copy(out.join("README.md.infraplan-new"), out.join("README.md")).unwrap();
    let run = generate(&out, "60", &["--format", "json"]);
    assert_eq!(outcomes(&run.stdout)["README.md"], "unchanged");
    assert!(!out.join("README.md.infraplan-new").exists());
    assert_eq!(generate(&out, "60", &["--check"]).code, 0);
}

/// `--out` that is a symbolic link: the link stays a link and the folder it
/// points to is regenerated, also when it does not exist yet.
#[test]
fn a_symlinked_out_regenerates_the_folder_it_points_to() {
    let root = scratch_dir("regenerate-symlink");
    let real = root.join("real");
    fs::create_dir(&real).unwrap();
    let link = root.join("link");
    std::os::unix::fs::symlink("real/infra", &link).unwrap();
    let run = generate(&link, "120", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real.join("infra/main.tf").is_file());
    let run = generate(&link, "180", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(outcomes(&run.stdout)["variables.tf"], "updated");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(real.join("infra/variables.tf"))
            .unwrap()
            .contains("default     = 4")
    );
}

/// `--out .`: the folder a shell is in cannot be swapped, so it is written
/// file by file, and the output says so.
#[test]
fn the_current_folder_is_written_file_by_file() {
    let out = scratch_dir("regenerate-dot").join("infra");
    fs::create_dir(&out).unwrap();
    let run = |customers: &str, extra: &[&str]| {
        let mut args = generate_args(Path::new("."), customers);
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_infraplan"))
            .args(&args)
            .current_dir(&out)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };
    let (code, stdout) = run("120", &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("Wrote . file by file: it holds the current folder"),
        "{stdout}"
    );
    edit(&out.join("variables.tf"), "\"container\"", "\"heroku-24\"");
    let (code, stdout) = run("180", &["--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(outcomes(&stdout)["variables.tf"], "merged");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["written"], "in_place_current_folder");
    // The result is what a swapped folder would hold.
    let swapped = scratch_dir("regenerate-dot-swapped").join("infra");
    generate(&swapped, "120", &[]);
    edit(
        &swapped.join("variables.tf"),
        "\"container\"",
        "\"heroku-24\"",
    );
    generate(&swapped, "180", &[]);
    assert!(
        tree(&out) == tree(&swapped),
        "{}",
        differences(&tree(&out), &tree(&swapped))
    );
    let (code, _) = run("180", &["--check"]);
    assert_eq!(code, 0);
}

/// A bind mount (a container volume) cannot be swapped either.
#[test]
fn a_mount_point_is_written_file_by_file() {
    let root = scratch_dir("regenerate-mount");
    let source = root.join("source");
    let mount = root.join("volume");
    fs::create_dir(&source).unwrap();
    fs::create_dir(&mount).unwrap();
    // A private mount namespace: root can bind-mount there, anyone else as
    // root of a user namespace.
    let namespace: &[&str] = if unsafe_is_root() {
        &["--mount"]
    } else {
        &["--mount", "--map-root-user"]
    };
    let script = format!(
        "mount --bind '{}' '{}' && '{}' generate --out '{}' --customers 120 --mrr 18000 --domain example.com && '{}' generate --out '{}' --customers 180 --mrr 27000 --domain example.com --format json",
        source.display(),
        mount.display(),
        env!("CARGO_BIN_EXE_infraplan"),
        mount.display(),
        env!("CARGO_BIN_EXE_infraplan"),
        mount.display(),
    );
    let output = std::process::Command::new("unshare")
        .args(namespace)
        .args(["sh", "-c", &script])
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        other => {
            let why = format!("cannot bind-mount in a private namespace: {other:?}");
            assert!(std::env::var_os("CI").is_none(), "{why}");
            eprintln!("skipped: {why}");
            return;
        }
    };
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("file by file: it is a mount point, so it cannot be swapped in one step"),
        "{stdout}"
    );
    let json = &stdout[stdout.find("{\n").unwrap()..];
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(report["written"], "in_place_mount_point");
    // What was written through the mount is in the folder behind it.
    assert!(
        fs::read_to_string(source.join("variables.tf"))
            .unwrap()
            .contains("default     = 4")
    );
    assert!(source.join(".infraplan/manifest.json").is_file());
    let leftovers: Vec<String> = fs::read_dir(&source)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("infraplan-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Whether this process runs as root (uid 0), read from /proc.
fn unsafe_is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with("Uid:"))
        .is_some_and(|line| line.split_whitespace().nth(1) == Some("0"))
}

/// A hand-edited or broken manifest names the file and a command that works:
/// `--force` rebuilds the records from the files, keeping every file as the
/// user's.
#[test]
fn a_corrupt_manifest_is_rebuilt_with_force() {
    let out = scratch_dir("regenerate-corrupt").join("infra");
    generate(&out, "120", &[]);
    edit(&out.join("variables.tf"), "\"container\"", "\"heroku-24\"");
    let manifest = out.join(".infraplan/manifest.json");
    for (case, broken) in [
        ("not JSON", "{ \"schema_version\": 2,".to_owned()),
        (
            "a hash that does not match",
            fs::read_to_string(&manifest)
                .unwrap()
                .replacen("\"sha256\": \"", "\"sha256\": \"0", 1),
        ),
    ] {
        fs::write(&manifest, &broken).unwrap();
        let before = tree(&out);
        let run = generate(&out, "120", &[]);
        assert_eq!(run.code, 65, "{case}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{case}");
        assert!(
            run.stderr.contains(".infraplan/manifest.json"),
            "{case}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("run the same command with --force to rebuild infraplan's records"),
            "{case}: {}",
            run.stderr
        );
        assert_eq!(tree(&out), before, "{case}: nothing written");
        let run = generate(&out, "120", &["--force", "--format", "json"]);
        assert_eq!(run.code, 0, "{case}: {}", run.stderr);
        let outcomes = outcomes(&run.stdout);
        // The edited file is the user's; infraplan's version waits beside it.
        assert_eq!(outcomes["variables.tf"], "conflict", "{case}");
        assert_eq!(outcomes["main.tf"], "unchanged", "{case}");
        assert!(
            fs::read_to_string(out.join("variables.tf"))
                .unwrap()
                .contains("heroku-24")
        );
        // The records work again.
        assert_eq!(generate(&out, "120", &[]).code, 0, "{case}");
    }
}

#[test]
fn the_folders_permissions_survive_regeneration() {
    use std::os::unix::fs::PermissionsExt;
    let out = scratch_dir("regenerate-permissions").join("infra");
    generate(&out, "120", &[]);
    fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
    fs::set_permissions(out.join("variables.tf"), fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(generate(&out, "180", &[]).code, 0);
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o750);
    assert_eq!(mode(&out.join("variables.tf")), 0o640);
}

/// A run that finds the folder locked names the holder and exits 75;
/// `--wait` waits for it.
#[test]
fn a_locked_folder_names_its_holder() {
    let out = scratch_dir("regenerate-locked").join("infra");
    generate(&out, "120", &[]);
    let mut holder = std::process::Command::new("flock")
        .args(["--exclusive", &out.to_string_lossy(), "sleep", "3"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = tree(&out);
    let run = generate(&out, "180", &[]);
    assert_eq!(run.code, 75, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
    assert!(
        run.stderr
            .contains("another infraplan run is using it (pid "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(": flock --exclusive"), "{}", run.stderr);
    assert!(
        run.stderr.contains("or give --wait SECONDS"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out), before, "the loser writes nothing");
    let waited = generate(&out, "180", &["--wait", "30"]);
    assert_eq!(waited.code, 0, "{}", waited.stderr);
    holder.wait().unwrap();
}
