//! `infraplan audit FILE`: the roadmap's Exercise 1.

use std::fs;

use serde_json::Value;

use crate::support::{infraplan, infraplan_ok, scratch_dir, snapshot_settings};

const SAMPLE: &str = "docs/examples/audit-stage1.json";

fn audit_json(path: &str) -> Value {
    serde_json::from_str(&infraplan_ok(&["audit", path, "--format", "json"])).expect("JSON")
}

fn standing(audit: &Value, part: &str) -> String {
    audit["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["part"] == part)
        .and_then(|finding| finding["standing"].as_str())
        .unwrap_or_else(|| panic!("no {part}"))
        .to_owned()
}

/// The sample: a stage-1 setup (one PaaS app, one database, no cache) with
/// no backups and no monitoring, at 120 customers and $18,000 MRR.
#[test]
fn a_stage1_setup_at_120_customers_is_audited() {
    let audit = audit_json(SAMPLE);
    assert_eq!(audit["stage"], 2, "120 customers call for stage 2");
    for part in ["monitoring", "backups"] {
        assert_eq!(standing(&audit, part), "missing", "{part}");
    }
    for part in ["database", "cache", "cdn", "background_workers"] {
        assert_eq!(standing(&audit, part), "behind", "{part}");
    }
    assert_eq!(standing(&audit, "hosting"), "matching");
    let mistakes: Vec<&str> = audit["mistakes"]
        .as_array()
        .expect("mistakes")
        .iter()
        .map(|mistake| mistake["mistake"].as_str().expect("kind"))
        .collect();
    assert_eq!(mistakes, ["no_monitoring", "no_backups"]);
    // $18,000 MRR lies between the roadmap's $10k and $50k points.
    assert_eq!(audit["cost"]["benchmark"]["low"], "800.00");
    assert_eq!(audit["cost"]["benchmark"]["high"], "2200.00");
    assert_eq!(audit["cost"]["verdict"], "within_guidance");
    let steps = audit["next_steps"].as_array().expect("steps");
    assert!(
        steps[0]
            .as_str()
            .expect("step")
            .starts_with("Add monitoring")
    );
    assert!(steps.iter().any(|step| {
        step.as_str()
            .expect("step")
            .contains("infraplan generate --customers 120 --mrr 18000 --paas render --out infra")
    }));
    let run = infraplan(&["audit", SAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot_settings().bind(|| insta::assert_snapshot!("audit__stage1", run.stdout));
}

/// Microservices, sharding, Kubernetes and several regions at 30 customers
/// are the roadmap's premature optimization; a cache, a CDN or workers early
/// do no harm.
#[test]
fn complexity_before_its_time_is_ahead_of_the_stage() {
    let dir = scratch_dir("audit-premature");
    let path = dir.join("audit.json");
    fs::write(
        &path,
        r#"{"schema_version": 1, "customers": 30, "mrr": "3000", "monthly_cost": "2400",
            "hosting": "kubernetes", "services": 6, "regions": 3, "database": "sharded",
            "cache": true, "cdn": true, "background_workers": true, "storage": "object_storage",
            "monitoring": "full", "backups": "daily_and_point_in_time", "deployments": "automated",
            "https": true}"#,
    )
    .unwrap();
    let audit = audit_json(&path.to_string_lossy());
    assert_eq!(audit["stage"], 1);
    for part in ["hosting", "architecture", "regions", "database"] {
        assert_eq!(standing(&audit, part), "ahead", "{part}");
    }
    for part in ["cache", "cdn", "background_workers"] {
        assert_eq!(standing(&audit, part), "matching", "{part}");
    }
    assert_eq!(audit["mistakes"][0]["mistake"], "premature_optimization");
    assert_eq!(
        audit["cost"]["verdict"], "over_ceiling",
        "$2,400 of $3,000 MRR"
    );
}

/// A bad audit file gets one line naming the file and key, exit 65, and
/// nothing on stdout.
#[test]
fn bad_audit_files_are_one_line_errors() {
    let dir = scratch_dir("audit-bad");
    let sample = fs::read_to_string(crate::support::project_dir().join(SAMPLE)).unwrap();
    let cases = [
        (
            "an unknown key",
            sample.replace("\"https\"", "\"colour\": 1, \"https\""),
        ),
        (
            "an unknown backup kind",
            sample.replace("\"backups\": \"none\"", "\"backups\": \"weekly\""),
        ),
        (
            "a negative cost",
            sample.replace("\"monthly_cost\": \"95\"", "\"monthly_cost\": \"-95\""),
        ),
        (
            "no services",
            sample.replace("\"services\": 1", "\"services\": 0"),
        ),
        (
            "an unknown PaaS",
            sample.replace("\"paas\": \"render\"", "\"paas\": \"fly\""),
        ),
        (
            "a float",
            sample.replace("\"mrr\": \"18000\"", "\"mrr\": 18000.5"),
        ),
        (
            "no monitoring key",
            sample.replace("\"monitoring\": \"none\",", ""),
        ),
    ];
    let mut report = String::new();
    for (index, (name, text)) in cases.iter().enumerate() {
        assert_ne!(text, &sample, "{name}: the case changes the file");
        let path = dir.join(format!("audit-{index}.json"));
        fs::write(&path, text).unwrap();
        let run = infraplan(&["audit", &path.to_string_lossy()]);
        assert_eq!(run.code, 65, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name} printed to stdout");
        assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
        let stderr = run.stderr.replace(env!("CARGO_TARGET_TMPDIR"), "[TMP]");
        report.push_str(&format!("{name}:\n  {stderr}"));
    }
    let missing = infraplan(&["audit", "no-such-audit.json"]);
    assert_eq!(missing.code, 66, "{}", missing.stderr);
    report.push_str(&format!("a missing file:\n  {}", missing.stderr));
    snapshot_settings().bind(|| insta::assert_snapshot!("audit__errors", report));
}

/// `--out` never overwrites a file the command reads, and writes a report
/// whole.
#[test]
fn the_report_file_is_never_an_input() {
    let dir = scratch_dir("audit-out");
    let input = dir.join("audit.json");
    fs::copy(crate::support::project_dir().join(SAMPLE), &input).unwrap();
    let before = fs::read(&input).unwrap();
    let input_text = input.to_string_lossy().into_owned();
    let run = infraplan(&["audit", &input_text, "--out", &input_text]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--out"), "{}", run.stderr);
    assert_eq!(fs::read(&input).unwrap(), before, "the input is untouched");
    let page = dir.join("audit.html");
    let page_text = page.to_string_lossy().into_owned();
    assert_eq!(
        infraplan_ok(&[
            "audit",
            &input_text,
            "--format",
            "html",
            "--out",
            &page_text
        ]),
        ""
    );
    assert!(fs::read_to_string(&page).unwrap().ends_with("</html>\n"));
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
