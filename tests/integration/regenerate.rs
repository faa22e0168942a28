//! Regenerating into a folder: nothing the user edited is lost, nothing
//! half-written is ever left, and `--check` tells CI when the folder is stale.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use infraplan::cli::{DataArgs, ScenarioArgs};
use infraplan::data::embedded;
use infraplan::generate::{Mode, prepare, regenerate, render_plan};
use infraplan::render::context::Naming;
use infraplan::render::{Renderer, load_templates};
use infraplan::write::{Step, Stop, apply_with};
use infraplan::{load_data, scenario_from};
use rust_decimal::Decimal;

use crate::support::{infraplan, infraplan_ok, scratch_dir, snapshot_settings, tree};

/// `infraplan generate` for stage 2 on Heroku into `out`, with extra flags.
fn generate(out: &Path, customers: &str, extra: &[&str]) -> crate::support::Run {
    let out = out.to_string_lossy().into_owned();
    let mrr = (customers.parse::<u32>().unwrap() * 150).to_string();
    let mut args = vec![
        "generate",
        "--out",
        &out,
        "--customers",
        customers,
        "--mrr",
        &mrr,
        "--domain",
        "example.com",
    ];
    args.extend_from_slice(extra);
    infraplan(&args)
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
    edit(&out.join("variables.tf"), "\"heroku-24\"", "\"heroku-22\"");
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
    assert!(variables.contains("\"heroku-22\""), "the user's edit stays");
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
    let cdn = fs::read(out.join("cdn.tf")).unwrap();
    // Stage 1 has no Cloudflare.
    let run = generate(&out, "120", &["--stage", "1", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(outcomes(&run.stdout)["cdn.tf"], "no_longer_generated");
    assert_eq!(fs::read(out.join("cdn.tf")).unwrap(), cdn);
    // Reported again on the next run, until the user removes it.
    let run = generate(&out, "120", &["--stage", "1", "--format", "json"]);
    assert_eq!(outcomes(&run.stdout)["cdn.tf"], "no_longer_generated");
    fs::remove_file(out.join("cdn.tf")).unwrap();
    let run = generate(&out, "120", &["--stage", "1", "--format", "json"]);
    assert!(!outcomes(&run.stdout).contains_key("cdn.tf"));
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
    edit(&out.join("variables.tf"), "\"heroku-24\"", "\"heroku-22\"");
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

/// Stops a regeneration before each of its steps, as a failure and as a
/// killed process. The folder is always exactly as before or as after, and
/// the next run finishes the job.
#[test]
fn an_interrupted_write_leaves_the_folder_before_or_after() {
    let root = scratch_dir("regenerate-interrupted");
    let original = root.join("original");
    generate(&original, "120", &[]);
    fs::write(
        original.join("terraform.tfvars"),
        "domain = \"example.com\"\n",
    )
    .unwrap();
    fs::create_dir(original.join("modules")).unwrap();
    fs::write(original.join("modules/extra.tf"), "# user module\n").unwrap();
    edit(
        &original.join("variables.tf"),
        "\"heroku-24\"",
        "\"heroku-22\"",
    );
    let before = tree(&original);
    let expected = root.join("expected");
    copy_tree(&original, &expected);
    assert_eq!(generate(&expected, "180", &[]).code, 0);
    let after = tree(&expected);
    assert!(before != after);

    let data = load_data(&DataArgs {
        stages: None,
        prices: None,
    })
    .unwrap();
    let scenario = scenario_from(
        &ScenarioArgs {
            customers: 180,
            mrr: Decimal::from(27_000),
            paas: "heroku".to_owned(),
            stage: None,
            usage: None,
            commitment: infraplan::cost::Commitment::None,
        },
        &data,
    )
    .unwrap();
    let plan = infraplan::plan::plan(&data, &scenario).unwrap();
    let naming = Naming {
        app_name: "saas-app".to_owned(),
        region: "us-east-1".to_owned(),
        domain: Some("example.com".to_owned()),
    };
    let renderer = Renderer::new(load_templates(embedded::TEMPLATES, None).unwrap()).unwrap();
    let rendered = render_plan(&renderer, &plan, &data.roadmap, &naming).unwrap();

    let mut steps: Vec<Step> = Vec::new();
    let counted = root.join("counted");
    copy_tree(&original, &counted);
    let prepared = prepare(&counted, &rendered, &plan, &naming, false).unwrap();
    apply_with(
        &counted,
        &prepared.changes,
        &prepared.manifest,
        &mut |step| {
            steps.push(step.clone());
            None
        },
    )
    .unwrap();
    assert_eq!(
        tree(&counted),
        after,
        "an uninterrupted run writes what the CLI writes"
    );
    assert!(steps.len() > 20, "{steps:?}");

    for (index, step) in steps.iter().enumerate() {
        for stop in [Stop::Fail, Stop::Kill] {
            let out = root.join(format!("run-{index}-{stop:?}"));
            copy_tree(&original, &out);
            let prepared = prepare(&out, &rendered, &plan, &naming, false).unwrap();
            let mut seen = 0;
            let result = apply_with(&out, &prepared.changes, &prepared.manifest, &mut |_| {
                seen += 1;
                (seen == index + 1).then_some(stop)
            });
            let now = tree(&out);
            match (stop, step) {
                (Stop::Fail, Step::Cleanup) => {
                    assert!(result.is_ok(), "the folder was already swapped in");
                    assert!(now == after, "{}", differences(&now, &after));
                }
                (Stop::Fail, _) => {
                    assert!(result.is_err(), "a failure before {step:?} is reported");
                    assert!(
                        now == before,
                        "failed before {step:?}: {}",
                        differences(&now, &before)
                    );
                    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
                }
                (Stop::Kill, _) => assert!(
                    now == before || now == after,
                    "killed before {step:?}: neither before ({}) nor after ({})",
                    differences(&now, &before),
                    differences(&now, &after)
                ),
            }
            // The next run recovers and finishes.
            regenerate(&out, &rendered, &plan, &naming, false, Mode::Write).unwrap();
            let recovered = tree(&out);
            assert!(
                recovered == after,
                "after {step:?}: {}",
                differences(&recovered, &after)
            );
            assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        }
    }
}

/// The paths whose contents differ between two trees.
fn differences(left: &BTreeMap<String, Vec<u8>>, right: &BTreeMap<String, Vec<u8>>) -> String {
    let paths: std::collections::BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    let differing: Vec<&str> = paths
        .into_iter()
        .filter(|path| left.get(*path) != right.get(*path))
        .map(String::as_str)
        .collect();
    format!("differs in {differing:?}")
}

/// Folders an interrupted run may leave beside `out`.
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!(".{name}.infraplan-"))
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
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
