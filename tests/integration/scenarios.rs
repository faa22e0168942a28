//! `compare`, `roadmap` and `diff`: what-ifs, the months ahead, and moves.

use std::fs;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{fixture, infraplan, infraplan_ok, scratch_dir, snapshot_settings};

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&infraplan_ok(args)).expect("JSON output")
}

const ROADMAP: [&str; 9] = [
    "roadmap",
    "--paas",
    "heroku",
    "--customers",
    "20",
    "--mrr",
    "2000",
    "--growth",
    "25",
];

/// Too little revenue for the stack: months 4 to 6 are over the ceiling.
pub(crate) const TIGHT: [&str; 11] = [
    "roadmap",
    "--paas",
    "heroku",
    "--customers",
    "150",
    "--mrr",
    "3000",
    "--growth",
    "10",
    "--months",
    "6",
];

/// The must-show roadmap: 20 customers, $2,000 MRR, 25% a month for a year.
#[test]
fn a_year_of_growth_crosses_both_stage_changes_and_every_month_costs_what_plan_says() {
    let roadmap = json(&[&ROADMAP[..], &["--format", "json"]].concat());
    let months = roadmap["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    let stages: Vec<u64> = months
        .iter()
        .map(|month| month["stage"].as_u64().unwrap())
        .collect();
    assert_eq!(stages, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3]);
    assert_eq!(months[5]["stage_change"], serde_json::json!([1, 2]));
    assert_eq!(months[11]["stage_change"], serde_json::json!([2, 3]));
    assert!(!months[11]["migration"].as_array().unwrap().is_empty());
    for month in months {
        let customers = month["customers"].to_string();
        let mrr = month["mrr"].as_str().unwrap();
        let plan = json(&[
            "plan",
            "--paas",
            "heroku",
            "--customers",
            &customers,
            "--mrr",
            mrr,
            "--format",
            "json",
        ]);
        assert_eq!(
            month["monthly_total"], plan["total"],
            "month {}",
            month["month"]
        );
        assert_eq!(
            month["share_of_mrr"], plan["budget"]["share_of_mrr"],
            "month {}",
            month["month"]
        );
        assert_eq!(
            month["verdict"], plan["budget"]["verdict"],
            "month {}",
            month["month"]
        );
    }
    let quarters = roadmap["quarters"].as_array().unwrap();
    assert_eq!(quarters.len(), 4);
    let quarter_total: Decimal = quarters
        .iter()
        .map(|quarter| Decimal::from_str(quarter["total"].as_str().unwrap()).unwrap())
        .sum();
    let month_total: Decimal = months
        .iter()
        .map(|month| Decimal::from_str(month["monthly_total"].as_str().unwrap()).unwrap())
        .sum();
    assert_eq!(quarter_total, month_total);
    assert_eq!(
        Decimal::from_str(roadmap["total"].as_str().unwrap()).unwrap(),
        month_total
    );
}

#[test]
fn roadmap_output_snapshots() {
    for format in ["table", "markdown", "json", "csv"] {
        let output = infraplan_ok(&[&ROADMAP[..], &["--format", format]].concat());
        snapshot_settings()
            .bind(|| insta::assert_snapshot!(format!("roadmap__growth__{format}"), output));
    }
    // Low revenue for the stack: months break the ceiling, with priced ways out.
    let tight = infraplan_ok(&TIGHT);
    snapshot_settings().bind(|| insta::assert_snapshot!("roadmap__over-budget__table", tight));
    let from_file = infraplan_ok(&[
        "roadmap",
        "--from-file",
        &fixture("months.json"),
        "--paas",
        "render",
    ]);
    snapshot_settings().bind(|| insta::assert_snapshot!("roadmap__from-file__table", from_file));
}

#[test]
fn the_chart_draws_cost_against_shares_of_mrr() {
    let dir = scratch_dir("roadmap-chart");
    let chart = dir.join("roadmap.svg");
    infraplan_ok(&[&ROADMAP[..], &["--chart", &chart.to_string_lossy()]].concat());
    let svg = fs::read_to_string(&chart).unwrap();
    for expected in [
        ">Month</text>",
        ">US dollars per month</text>",
        "stage 1 → 2",
        "stage 2 → 3",
        "10% of MRR",
        "15% of MRR",
        "20% of MRR",
    ] {
        assert!(svg.contains(expected), "the chart lacks {expected}");
    }
    assert_eq!(
        svg.matches("<polyline").count(),
        4,
        "cost and three shares of MRR"
    );
    snapshot_settings().bind(|| insta::assert_snapshot!("roadmap__chart", svg));
}

#[test]
fn compare_output_snapshots() {
    let scenarios = fixture("scenarios.json");
    for format in ["table", "markdown", "json", "csv"] {
        let output = infraplan_ok(&["compare", &scenarios, "--format", format]);
        snapshot_settings()
            .bind(|| insta::assert_snapshot!(format!("compare__three__{format}"), output));
    }
}

#[test]
fn inline_scenarios_compare_like_a_file() {
    let file = json(&["compare", &fixture("scenarios.json"), "--format", "json"]);
    let inline = json(&[
        "compare",
        "--scenario",
        "name=today,customers=120,mrr=18000,paas=heroku",
        "--scenario",
        "name=on Render,customers=120,mrr=18000,paas=render",
        "--format",
        "json",
    ]);
    assert_eq!(file["scenarios"][0], inline["scenarios"][0]);
    assert_eq!(file["scenarios"][1], inline["scenarios"][1]);
}

#[test]
fn diff_output_snapshots() {
    let args = [
        "diff",
        "--from",
        "name=small team,customers=150,mrr=22500,paas=heroku",
        "--to",
        "name=growing,customers=250,mrr=37500,paas=heroku",
    ];
    for format in ["table", "markdown", "json"] {
        let output = infraplan_ok(&[&args[..], &["--format", format]].concat());
        snapshot_settings()
            .bind(|| insta::assert_snapshot!(format!("diff__stage2-to-stage3__{format}"), output));
    }
    let moved = json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(
        moved["stage_change"],
        serde_json::json!({"from": 2, "to": 3})
    );
    assert_eq!(
        Decimal::from_str(moved["total_change"].as_str().unwrap()).unwrap(),
        Decimal::from_str(moved["to"]["monthly_total"].as_str().unwrap()).unwrap()
            - Decimal::from_str(moved["from"]["monthly_total"].as_str().unwrap()).unwrap()
    );
    let change_of = |id: &str| {
        moved["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|component| component["id"] == id)
            .map(|component| component["change"].as_str().unwrap().to_owned())
    };
    // Dynos become Fargate tasks, the PaaS worker a worker service; Route 53
    // and the registry are new.
    assert_eq!(change_of("web").as_deref(), Some("replaced"));
    assert_eq!(change_of("worker").as_deref(), Some("replaced"));
    assert_eq!(change_of("dns").as_deref(), Some("added"));
    assert_eq!(change_of("registry").as_deref(), Some("added"));
}

#[test]
fn a_diff_within_a_stage_has_no_migration() {
    let moved = json(&[
        "diff",
        "--from",
        "customers=60,mrr=9000",
        "--to",
        "customers=180,mrr=27000",
        "--format",
        "json",
    ]);
    assert!(moved["stage_change"].is_null());
    assert!(moved["migration"].as_array().unwrap().is_empty());
    let web = moved["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|component| component["id"] == "web")
        .unwrap();
    assert_eq!(web["change"], "resized");
}

#[test]
fn budget_gates_cover_compare_and_roadmap() {
    let compare = infraplan(&[
        "compare",
        "--scenario",
        "name=tight,customers=120,mrr=2000,paas=heroku",
        "--fail-on",
        "over-ceiling",
    ]);
    assert_eq!(compare.code, 3);
    assert!(
        compare
            .stderr
            .contains("\"tight\" (stage 2, 24.4% of MRR, over the ceiling)"),
        "{}",
        compare.stderr
    );
    let roadmap = infraplan(&[&TIGHT[..], &["--fail-on", "over-ceiling"]].concat());
    assert_eq!(roadmap.code, 3);
    assert!(
        roadmap
            .stderr
            .starts_with("error: --fail-on over-ceiling: the budget gate is broken by month 4"),
        "{}",
        roadmap.stderr
    );
    assert_eq!(
        infraplan(&[&ROADMAP[..], &["--fail-on", "above-guidance"]].concat()).code,
        0
    );
}

#[test]
fn scenario_refusals_name_the_scenario_and_the_field() {
    let cases: Vec<(&str, Vec<String>, i32)> = vec![
        (
            "file: a float",
            vec!["compare".into(), fixture("scenarios-bad.json")],
            65,
        ),
        (
            "inline: bad number",
            vec![
                "compare".into(),
                "--scenario".into(),
                "name=growth,customers=lots,mrr=1".into(),
            ],
            2,
        ),
        (
            "inline: unknown paas",
            vec![
                "compare".into(),
                "--scenario".into(),
                "name=growth,customers=1,mrr=1,paas=fly".into(),
            ],
            2,
        ),
        (
            "inline: same name twice",
            vec![
                "compare".into(),
                "--scenario".into(),
                "name=a,customers=1,mrr=1".into(),
                "--scenario".into(),
                "name=a,customers=2,mrr=1".into(),
            ],
            2,
        ),
        ("no scenarios", vec!["compare".into()], 2),
        (
            "roadmap without growth",
            vec![
                "roadmap".into(),
                "--customers".into(),
                "20".into(),
                "--mrr".into(),
                "2000".into(),
            ],
            2,
        ),
        (
            "roadmap negative growth",
            vec![
                "roadmap".into(),
                "--customers".into(),
                "20".into(),
                "--mrr".into(),
                "2000".into(),
                "--growth".into(),
                "-5".into(),
            ],
            2,
        ),
        (
            "diff missing mrr",
            vec![
                "diff".into(),
                "--from".into(),
                "customers=1".into(),
                "--to".into(),
                "customers=2,mrr=2".into(),
            ],
            2,
        ),
        (
            "diff unknown stage",
            vec![
                "diff".into(),
                "--from".into(),
                "customers=1,mrr=1,stage=9".into(),
                "--to".into(),
                "customers=2,mrr=2".into(),
            ],
            2,
        ),
    ];
    let mut report = String::new();
    for (name, args, code) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = infraplan(&args);
        assert_eq!(run.code, code, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name} printed to stdout");
        assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
        report.push_str(&format!("{name} (exit {code}):\n  {}", run.stderr));
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("errors__scenarios", report));
}

#[test]
fn scenario_names_with_escape_sequences_print_escaped_in_every_format() {
    let spec = "name=\u{1b}[31mred\u{1b}[0m,customers=30,mrr=3000";
    for format in ["table", "markdown", "csv", "json"] {
        let stdout = infraplan_ok(&["compare", "--scenario", spec, "--format", format]);
        assert!(!stdout.contains('\u{1b}'), "{format}: {stdout}");
        assert!(stdout.contains("red"), "{format}");
    }
    let stdout = infraplan_ok(&[
        "diff",
        "--from",
        "customers=30,mrr=3000,name=\u{1b}[2J",
        "--to",
        "customers=60,mrr=6000",
    ]);
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
}

/// A move that saves money pays a migration back in whole months; one that
/// costs more never does.
#[test]
fn a_move_that_saves_pays_its_migration_back() {
    let down = [
        "diff",
        "--from",
        "customers=250,mrr=37500,paas=heroku",
        "--to",
        "customers=150,mrr=22500,paas=heroku",
        "--migration-cost",
        "2000",
    ];
    let report = json(&[&down[..], &["--format", "json"]].concat());
    let saving = -Decimal::from_str(report["total_change"].as_str().unwrap()).unwrap();
    let months = (Decimal::from(2_000) / saving).ceil();
    assert_eq!(
        report["payback_months"],
        months.to_string().parse::<u64>().unwrap()
    );
    assert!(infraplan_ok(&down).contains(&format!("pays back in {months} months")));
    let up = json(&[
        "diff",
        "--from",
        "customers=150,mrr=22500,paas=heroku",
        "--to",
        "customers=250,mrr=37500,paas=heroku",
        "--migration-cost",
        "2000",
        "--format",
        "json",
    ]);
    assert_eq!(up["payback_months"], Value::Null);
}

/// Scenarios alike but for the platform say what the switch saves and how
/// soon it repays a migration.
#[test]
fn a_platform_switch_is_priced_with_its_payback() {
    let report = json(&[
        "compare",
        &fixture("scenarios.json"),
        "--migration-cost",
        "500",
        "--format",
        "json",
    ]);
    let switch = &report["platform_switches"][0];
    assert_eq!(switch["from_platform"], "heroku");
    assert_eq!(switch["to_platform"], "render");
    let saving = Decimal::from_str(switch["monthly_saving"].as_str().unwrap()).unwrap();
    let months = (Decimal::from(500) / saving).ceil();
    assert_eq!(
        switch["payback_months"].as_u64().unwrap().to_string(),
        months.to_string()
    );
    assert_eq!(report["platform_switches"].as_array().unwrap().len(), 1);
}

/// Each move up a stage says what it costs against staying, and only then.
#[test]
fn a_roadmap_prices_each_move_up_against_staying() {
    let report = json(
        &[
            &ROADMAP[..],
            &["--migration-cost", "3000", "--format", "json"],
        ]
        .concat(),
    );
    for month in report["months"].as_array().unwrap() {
        let moved = &month["move_economics"];
        let change = &month["stage_change"];
        assert_eq!(moved.is_null(), change.is_null(), "{month}");
        if !moved.is_null() {
            assert_eq!(moved["stage"], change[1]);
            assert_eq!(moved["migration_cost"], "3000.00");
            let saving = Decimal::from_str(moved["saving_now"].as_str().unwrap()).unwrap();
            assert_eq!(moved["payback_months"].is_null(), saving <= Decimal::ZERO);
        }
    }
}
