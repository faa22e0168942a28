//! Every JSON report validates against its published schema
//! (`docs/schemas/`, derived from the report types), checked by a real
//! validator: Python's `jsonschema`, Draft 2020-12, in the virtual
//! environment `.ci/run` makes. Outside CI a missing validator skips with
//! a message; in CI it fails.

use std::path::PathBuf;
use std::process::Command;

use crate::simulation::PATHS;
use crate::support::{VARIANTS, fixture, infraplan_ok, project_dir, scratch_dir};

/// The Python that has `jsonschema`: `$JSONSCHEMA_PYTHON`, or the virtual
/// environment `.ci/run` makes.
fn validator() -> Option<PathBuf> {
    let found = std::env::var_os("JSONSCHEMA_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([project_dir().join("target/jsonschema-venv/bin/python")])
        .find(|path| path.is_file());
    if found.is_none() {
        let message = "Python's jsonschema is not installed (looked at $JSONSCHEMA_PYTHON and target/jsonschema-venv); .ci/run installs it";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("skipping: {message}");
    }
    found
}

/// Validates each instance against its schema in one Python process; every
/// failure is reported with the command that printed it.
const VALIDATE: &str = r#"
import json, sys
from jsonschema import Draft202012Validator
failures = 0
for schema_path, instance_path, label in json.load(open(sys.argv[1])):
    schema = json.load(open(schema_path))
    Draft202012Validator.check_schema(schema)
    for error in Draft202012Validator(schema).iter_errors(json.load(open(instance_path))):
        failures += 1
        print(f"{label}: {'/'.join(map(str, error.absolute_path))}: {error.message[:300]}")
# The check can fail: an unknown key and another version are refused.
schema_path, instance_path, label = json.load(open(sys.argv[1]))[0]
wrong = json.load(open(instance_path))
wrong["unexpected_key"] = 1
wrong["schema_version"] = 99
if len(list(Draft202012Validator(json.load(open(schema_path))).iter_errors(wrong))) < 2:
    failures += 1
    print(f"{label}: the schema accepts an unknown key or version")
sys.exit(1 if failures else 0)
"#;

#[test]
fn every_json_report_validates_against_its_schema() {
    let Some(python) = validator() else {
        return;
    };
    let dir = scratch_dir("schemas");
    let generated = dir.join("generated");
    let generated_text = generated.to_string_lossy().into_owned();
    let scenarios = fixture("scenarios.json");
    let months = fixture("months.json");
    let mut runs: Vec<(&str, Vec<String>)> = Vec::new();
    let owned = |args: &[&str]| args.iter().map(|arg| (*arg).to_owned()).collect::<Vec<_>>();
    for (_, scenario) in VARIANTS {
        let mut args = vec!["plan", "--sensitivity", "--gross-margin", "70"];
        args.extend(scenario);
        runs.push(("plan", owned(&args)));
        let mut args = vec!["checklist", "--eu-customers"];
        args.extend(scenario);
        runs.push(("checklist", owned(&args)));
    }
    for args in [
        &["plan", "--customers", "0", "--mrr", "0"][..],
        &[
            "plan",
            "--customers",
            "900",
            "--mrr",
            "50000",
            "--commitment",
            "1yr",
            "--stage",
            "3",
        ],
        &[
            "plan",
            "--customers",
            "30",
            "--mrr",
            "100",
            "--usage",
            "tests/fixtures/usage-heavy-files.json",
        ],
    ] {
        runs.push(("plan", owned(args)));
    }
    // An AWS-stage setup without revenue, and one ahead of its stage.
    for (name, text) in [
        (
            "audit-aws.json",
            r#"{"schema_version": 1, "customers": 900, "mrr": "0", "monthly_cost": "3000",
                "hosting": "containers", "database": "managed_with_replica", "cache": true,
                "cdn": true, "background_workers": true, "storage": "object_storage",
                "monitoring": "uptime_and_errors", "backups": "daily", "deployments": "manual",
                "https": false}"#,
        ),
        (
            "audit-ahead.json",
            r#"{"schema_version": 1, "customers": 30, "mrr": "3000", "monthly_cost": "2400",
                "paas": "heroku", "hosting": "kubernetes", "services": 6, "regions": 3,
                "database": "sharded", "storage": "local_disk", "monitoring": "full",
                "backups": "manual", "deployments": "automated", "https": true}"#,
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("the audit file is written");
        runs.push((
            "audit",
            vec!["audit".to_owned(), path.to_string_lossy().into_owned()],
        ));
    }
    runs.push(("stages", owned(&["stages"])));
    runs.push(("prices", owned(&["prices"])));
    runs.push((
        "generate",
        owned(&[
            "generate",
            "--customers",
            "120",
            "--mrr",
            "18000",
            "--out",
            &generated_text,
        ]),
    ));
    runs.push((
        "compare",
        owned(&["compare", &scenarios, "--migration-cost", "900"]),
    ));
    runs.push((
        "roadmap",
        owned(&[
            "roadmap",
            "--customers",
            "20",
            "--mrr",
            "2000",
            "--growth",
            "25",
            "--churn",
            "2",
            "--months",
            "36",
            "--migration-cost",
            "5000",
        ]),
    ));
    runs.push(("roadmap", owned(&["roadmap", "--from-file", &months])));
    runs.push((
        "roadmap-paths",
        owned(&[&PATHS[..13], &["--paths", "500"][..]].concat()),
    ));
    runs.push((
        "roadmap-paths",
        owned(&[
            "roadmap",
            "--customers",
            "0",
            "--mrr",
            "0",
            "--growth",
            "0..10",
            "--months",
            "3",
            "--paths",
            "20",
        ]),
    ));
    runs.push((
        "diff",
        owned(&[
            "diff",
            "--from",
            "customers=150,mrr=15000",
            "--to",
            "customers=250,mrr=25000,paas=heroku",
            "--migration-cost",
            "4000",
        ]),
    ));
    runs.push((
        "audit",
        owned(&["audit", "docs/examples/audit-stage1.json"]),
    ));
    let mut pairs = Vec::new();
    for (index, (schema, mut args)) in runs.into_iter().enumerate() {
        args.extend(["--format".to_owned(), "json".to_owned()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = infraplan_ok(&refs);
        let instance = dir.join(format!("{index}-{schema}.json"));
        std::fs::write(&instance, output).expect("the output is saved");
        let schema_path = project_dir().join(format!("docs/schemas/{schema}.schema.json"));
        assert!(schema_path.is_file(), "no schema for {schema}");
        pairs.push(serde_json::json!([schema_path, instance, args.join(" ")]));
    }
    let list = dir.join("pairs.json");
    std::fs::write(&list, serde_json::to_string(&pairs).expect("JSON")).expect("written");
    let checked = Command::new(python)
        .args(["-c", VALIDATE])
        .arg(&list)
        .output()
        .expect("python runs");
    assert!(
        checked.status.success(),
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}
