//! Every way a command can be refused: one line on stderr that names the flag,
//! file or key, a documented exit code, and nothing on stdout.

use std::fs;

use crate::support::{fixture, infraplan, scratch_dir, snapshot_settings};

/// Writes a folder holding one data file, for `--stages` or `--prices`.
fn folder_with(name: &str, file: &str, text: &str) -> String {
    let dir = scratch_dir(name);
    fs::write(dir.join(file), text).unwrap();
    dir.to_string_lossy().into_owned()
}

fn builtin_with(folder: &str, file: &str, edit: impl Fn(String) -> String) -> String {
    let text = fs::read_to_string(crate::support::project_dir().join(folder).join(file)).unwrap();
    edit(text)
}

#[test]
fn refusals_are_one_line_with_documented_codes() {
    let plan = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["plan".to_owned()];
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        args
    };
    let stage_with_unknown_sku = folder_with(
        "unknown-sku",
        "01-solo-founder.json",
        &builtin_with("stages", "01-solo-founder.json", |text| {
            text.replacen("heroku.dyno.standard-1x", "heroku.dyno.standard-3x", 1)
        }),
    );
    let stage_with_unknown_field = folder_with(
        "unknown-field",
        "02-small-team.json",
        &builtin_with("stages", "02-small-team.json", |text| {
            text.replacen("\"summary\"", "\"colour\": \"blue\",\n  \"summary\"", 1)
        }),
    );
    let stage_with_gap = folder_with(
        "range-gap",
        "02-small-team.json",
        &builtin_with("stages", "02-small-team.json", |text| {
            text.replacen("\"min\": 50", "\"min\": 60", 1)
        }),
    );
    let stage_not_json = folder_with("not-json", "03-growing.json", "{ \"schema_version\": 1,");
    let price_as_float = folder_with(
        "price-float",
        "heroku.json",
        &builtin_with("prices", "heroku.json", |text| {
            text.replacen("\"price\": \"25.00\"", "\"price\": 25.5", 1)
        }),
    );
    let price_unstated = folder_with(
        "price-unstated",
        "heroku.json",
        &builtin_with("prices", "heroku.json", |text| {
            text.replacen("\"price\": \"25.00\"", "\"price\": \"24.00\"", 1)
        }),
    );
    let price_future_schema = folder_with(
        "price-schema",
        "sendgrid.json",
        &builtin_with("prices", "sendgrid.json", |text| {
            text.replacen("\"schema_version\": 1", "\"schema_version\": 2", 1)
        }),
    );
    let empty = scratch_dir("empty").to_string_lossy().into_owned();
    let usage = fixture;
    let base = ["--customers", "30", "--mrr", "3000"];
    let with = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        plan(&args)
    };
    let cases: Vec<(&str, Vec<String>, i32)> = vec![
        (
            "negative customers",
            plan(&["--customers", "-5", "--mrr", "3000"]),
            2,
        ),
        (
            "fractional customers",
            plan(&["--customers", "2.5", "--mrr", "3000"]),
            2,
        ),
        (
            "non-numeric customers",
            plan(&["--customers", "many", "--mrr", "3000"]),
            2,
        ),
        (
            "negative mrr",
            plan(&["--customers", "30", "--mrr", "-1"]),
            2,
        ),
        (
            "non-numeric mrr",
            plan(&["--customers", "30", "--mrr", "$3k"]),
            2,
        ),
        ("missing mrr", plan(&["--customers", "30"]), 2),
        ("unknown paas", with(&["--paas", "fly"]), 2),
        ("aws is not a stage 1 variant", with(&["--paas", "aws"]), 2),
        ("unknown stage", with(&["--stage", "4"]), 2),
        ("stage zero", with(&["--stage", "0"]), 2),
        ("unknown format", with(&["--format", "xml"]), 2),
        (
            "usage file missing",
            with(&["--usage", "no-such-usage.json"]),
            66,
        ),
        (
            "usage unknown metric",
            with(&["--usage", &usage("usage-unknown-metric.json")]),
            65,
        ),
        (
            "usage negative",
            with(&["--usage", &usage("usage-negative.json")]),
            65,
        ),
        (
            "usage float",
            with(&["--usage", &usage("usage-float.json")]),
            65,
        ),
        (
            "usage unknown field",
            with(&["--usage", &usage("usage-unknown-field.json")]),
            65,
        ),
        (
            "stages folder missing",
            with(&["--stages", "no-such-folder"]),
            66,
        ),
        ("stages folder empty", with(&["--stages", &empty]), 66),
        (
            "stage names an unknown SKU",
            with(&["--stages", &stage_with_unknown_sku]),
            65,
        ),
        (
            "stage has an unknown field",
            with(&["--stages", &stage_with_unknown_field]),
            65,
        ),
        (
            "stage ranges leave a gap",
            with(&["--stages", &stage_with_gap]),
            65,
        ),
        (
            "stage file is not JSON",
            with(&["--stages", &stage_not_json]),
            65,
        ),
        (
            "price written as a float",
            with(&["--prices", &price_as_float]),
            65,
        ),
        (
            "price its excerpt does not state",
            with(&["--prices", &price_unstated]),
            65,
        ),
        (
            "price file from a newer schema",
            with(&["--prices", &price_future_schema]),
            65,
        ),
    ];
    let mut report = String::new();
    for (name, args, code) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = infraplan(&args);
        assert_eq!(run.code, *code, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name} printed to stdout");
        assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
        // Scratch folders live under the build directory; keep only their names.
        let stderr = run.stderr.replace(env!("CARGO_TARGET_TMPDIR"), "[TMP]");
        report.push_str(&format!("{name} (exit {code}):\n  {stderr}"));
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("errors__plan", report));
}
