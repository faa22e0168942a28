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

/// Inputs that used to crash (a panic, exit 101), hang or grow without bound:
/// each is now one line naming the flag or file and field, with its code.
#[test]
fn absurd_numbers_and_odd_files_are_one_line_errors() {
    let dir = scratch_dir("absurd-inputs");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let huge_usage = write(
        "usage-huge.json",
        r#"{"schema_version": 1, "per_customer": {"stored_gb": "1e25"}}"#,
    );
    let huge_months = write(
        "months-huge.json",
        r#"{"schema_version": 1, "months": [{"customers": 10, "mrr": "1e27"}]}"#,
    );
    let long_months = write(
        "months-long.json",
        &format!(
            r#"{{"schema_version": 1, "months": [{}]}}"#,
            vec![r#"{"customers": 10, "mrr": "100"}"#; 121].join(",")
        ),
    );
    let negative_scenario = write(
        "scenarios-negative.json",
        r#"{"schema_version": 1, "scenarios": [{"name": "loss", "customers": 120, "mrr": "-3000"}]}"#,
    );
    let duplicate_key = write(
        "usage-duplicate.json",
        r#"{"schema_version": 1, "per_customer": {"emails": "100", "emails": "900"}}"#,
    );
    let big = dir.join("usage-big.json");
    fs::File::create(&big)
        .unwrap()
        .set_len(infraplan::MAX_INPUT_BYTES + 1)
        .unwrap();
    let big = big.to_string_lossy().into_owned();
    let fifo = dir.join("usage-fifo.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo works");
    let fifo = fifo.to_string_lossy().into_owned();
    let long_name = format!("name=\u{1b}[2J{}\n,customers=1,mrr=-1", "n".repeat(200));
    let plan = ["plan", "--customers", "30", "--mrr", "3000", "--usage"];
    let cases: Vec<(&str, Vec<&str>, i32)> = vec![
        (
            "an MRR of 1e27",
            vec!["plan", "--customers", "30", "--mrr", "1e27"],
            2,
        ),
        (
            "a billion and one customers",
            vec!["plan", "--customers", "1000000001", "--mrr", "1"],
            2,
        ),
        (
            "a usage value of 1e25",
            [&plan[..], &[&huge_usage]].concat(),
            65,
        ),
        (
            "a months file with a huge MRR",
            vec!["roadmap", "--from-file", &huge_months],
            65,
        ),
        (
            "a months file past 120 months",
            vec!["roadmap", "--from-file", &long_months],
            65,
        ),
        (
            "doubling for 84 months",
            vec![
                "roadmap",
                "--customers",
                "20",
                "--mrr",
                "2000",
                "--growth",
                "100",
                "--months",
                "84",
            ],
            2,
        ),
        (
            "churn over 100%",
            vec![
                "roadmap",
                "--customers",
                "20",
                "--mrr",
                "2000",
                "--growth",
                "5",
                "--churn",
                "150",
            ],
            2,
        ),
        (
            "a negative MRR in a scenarios file",
            vec!["compare", &negative_scenario],
            65,
        ),
        (
            "a negative MRR with an escape sequence in a long name",
            vec!["compare", "--scenario", &long_name],
            2,
        ),
        (
            "a key given twice",
            [&plan[..], &[&duplicate_key]].concat(),
            65,
        ),
        ("a device", [&plan[..], &["/dev/zero"]].concat(), 66),
        ("a FIFO", [&plan[..], &[&fifo]].concat(), 66),
        ("a file over 16 MiB", [&plan[..], &[&big]].concat(), 66),
    ];
    let mut report = String::new();
    for (name, args, code) in &cases {
        let run = infraplan(args);
        assert_eq!(run.code, *code, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name} printed to stdout");
        assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
        assert!(!run.stderr.contains('\u{1b}'), "{name}: raw escape");
        assert!(run.stderr.len() < 400, "{name}: {}", run.stderr);
        let stderr = run.stderr.replace(env!("CARGO_TARGET_TMPDIR"), "[TMP]");
        report.push_str(&format!("{name} (exit {code}):\n  {stderr}"));
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("errors__absurd", report));
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = scratch_dir("bom");
    let path = dir.join("usage.json");
    fs::write(
        &path,
        "\u{feff}{\"schema_version\": 1, \"per_customer\": {\"emails\": \"100\"}}",
    )
    .unwrap();
    let path = path.to_string_lossy().into_owned();
    let run = infraplan(&[
        "plan",
        "--customers",
        "30",
        "--mrr",
        "3000",
        "--usage",
        &path,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// `docs/exit-codes.md` lists exactly the codes infraplan has, and every
/// example in it exits with its code.
#[test]
fn the_exit_code_table_is_true() {
    let doc = fs::read_to_string(crate::support::project_dir().join("docs/exit-codes.md")).unwrap();
    let rows: Vec<Vec<String>> = doc
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| Code"))
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect();
    let documented: Vec<(u8, String)> = rows
        .iter()
        .map(|row| (row[0].parse().unwrap(), row[1].clone()))
        .collect();
    let known: Vec<(u8, String)> = infraplan::error::EXIT_CODES
        .iter()
        .map(|(code, name)| (*code, (*name).to_owned()))
        .collect();
    assert_eq!(
        documented, known,
        "docs/exit-codes.md and error::EXIT_CODES differ"
    );
    let scratch = crate::support::project_dir().join("target/exit-codes");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).unwrap();
    for row in &rows {
        let (code, example) = (&row[0], &row[3]);
        let Some(command) = example
            .strip_prefix('`')
            .and_then(|text| text.strip_suffix('`'))
        else {
            assert_eq!(code, "70", "only the internal error has no example");
            continue;
        };
        let command = command.replace(
            "infraplan ",
            &format!("{} ", env!("CARGO_BIN_EXE_infraplan")),
        );
        let output = std::process::Command::new("sh")
            .args(["-c", &command])
            .current_dir(crate::support::project_dir())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code().map(|code| code.to_string()).as_deref(),
            Some(code.as_str()),
            "{example}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Every command's `--help` lists the values of every flag that takes one of
/// a fixed set, with what each means.
#[test]
fn help_lists_every_value() {
    let commands: [(&str, &[&str]); 8] = [
        ("plan", &["--format", "--fail-on", "--commitment"]),
        ("generate", &["--format", "--commitment"]),
        ("compare", &["--format", "--fail-on"]),
        ("roadmap", &["--format", "--fail-on", "--commitment"]),
        ("diff", &["--format"]),
        ("stages", &["--format"]),
        ("prices", &["--format"]),
        ("resolve", &[]),
    ];
    for (command, flags) in commands {
        let help = crate::support::infraplan_ok(&[command, "--help"]);
        for flag in flags {
            let from = help
                .find(&format!("      {flag} <"))
                .unwrap_or_else(|| panic!("{command} --help has no {flag}"));
            let section = &help[from..];
            let end = section[1..]
                .find("\n      --")
                .map_or(section.len(), |end| end + 1);
            assert!(
                section[..end].contains("Possible values:"),
                "{command} --help does not list {flag}'s values:\n{}",
                &section[..end]
            );
        }
        crate::support::snapshot_settings()
            .bind(|| insta::assert_snapshot!(format!("help__{command}"), help));
    }
}

/// A template that names a component no stage has (a typo) fails with the
/// template and the name, and one that renders to nothing fails too: which
/// files exist is decided by the plan, never by a template's whitespace.
#[test]
fn a_template_typo_fails_naming_the_template() {
    let dir = scratch_dir("template-typo");
    let templates = dir.join("templates");
    fs::create_dir_all(templates.join("heroku")).unwrap();
    let main =
        fs::read_to_string(crate::support::project_dir().join("templates/heroku/main.tf.hbs"))
            .unwrap()
            .replace("{{#if components.cache}}", "{{#if components.chache}}");
    fs::write(templates.join("heroku/main.tf.hbs"), main).unwrap();
    let out = dir.join("out");
    let args = |out: &std::path::Path| {
        vec![
            "generate".to_owned(),
            "--out".to_owned(),
            out.to_string_lossy().into_owned(),
            "--customers".to_owned(),
            "120".to_owned(),
            "--mrr".to_owned(),
            "18000".to_owned(),
            "--paas".to_owned(),
            "heroku".to_owned(),
            "--templates".to_owned(),
            templates.to_string_lossy().into_owned(),
        ]
    };
    let run = |out: &std::path::Path| {
        let args = args(out);
        infraplan(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let typo = run(&out);
    assert_eq!(typo.code, 65, "{}", typo.stderr);
    assert!(
        typo.stderr
            .contains("heroku/main.tf.hbs: components.chache: names no component"),
        "{}",
        typo.stderr
    );
    assert!(!out.exists(), "nothing written");
    fs::remove_file(templates.join("heroku/main.tf.hbs")).unwrap();
    fs::write(
        templates.join("heroku/cdn.tf.hbs"),
        "{{#if stage.previous}}{{/if}}\n",
    )
    .unwrap();
    let empty = run(&out);
    assert_eq!(empty.code, 65, "{}", empty.stderr);
    assert!(
        empty
            .stderr
            .contains("heroku/cdn.tf.hbs: renders to nothing"),
        "{}",
        empty.stderr
    );
}
