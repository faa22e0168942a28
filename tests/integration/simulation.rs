//! `roadmap --paths N`: growth as ranges, many paths, percentiles.

use serde_json::Value;

use crate::support::{infraplan, infraplan_ok, scratch_dir, snapshot_settings};

/// The example: ten thousand paths over three years; `PATHS[..13]`
/// is it without its path count.
pub(crate) const PATHS: [&str; 15] = [
    "roadmap",
    "--paas",
    "heroku",
    "--customers",
    "20",
    "--mrr",
    "2000",
    "--growth",
    "10..40",
    "--churn",
    "1..5",
    "--months",
    "36",
    "--paths",
    "10000",
];

fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(extra).copied().collect()
}

#[test]
fn ten_thousand_paths_in_every_format() {
    for format in ["table", "markdown", "csv", "json"] {
        let out = infraplan_ok(&with(&PATHS, &["--format", format]));
        snapshot_settings().bind(|| insta::assert_snapshot!(format!("simulation__{format}"), out));
    }
}

#[test]
fn the_same_seed_prints_the_same_bytes_and_another_seed_other_draws() {
    let fewer = with(&PATHS[..13], &["--paths", "500", "--format", "json"]);
    let first = infraplan_ok(&fewer);
    assert_eq!(infraplan_ok(&fewer), first);
    assert_eq!(infraplan_ok(&with(&fewer, &["--seed", "1"])), first);
    assert_ne!(infraplan_ok(&with(&fewer, &["--seed", "2"])), first);
}

#[test]
fn the_json_orders_its_percentiles_and_sums_its_stages() {
    let report: Value =
        serde_json::from_str(&infraplan_ok(&with(&PATHS, &["--format", "json"]))).unwrap();
    assert_eq!(report["paths"], 10_000);
    assert_eq!(report["assumptions"]["growth_percent"]["low"], "10");
    let number = |value: &Value| value.as_str().unwrap().parse::<f64>().unwrap();
    for month in report["months"].as_array().unwrap() {
        for key in ["mrr", "monthly_cost", "share_of_mrr"] {
            let spread = &month[key];
            assert!(number(&spread["p10"]) <= number(&spread["p50"]), "{month}");
            assert!(number(&spread["p50"]) <= number(&spread["p90"]), "{month}");
        }
        let paths: f64 = month["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|stage| number(&stage["percent_of_paths"]))
            .sum();
        assert!((paths - 100.0).abs() < 0.2, "{month}");
    }
    assert_eq!(report["stages_reached"][0]["stage"], 2);
}

#[test]
fn a_range_needs_paths_and_a_range_runs_low_to_high() {
    let ranged = [
        "roadmap",
        "--customers",
        "20",
        "--mrr",
        "2000",
        "--growth",
        "10..40",
    ];
    let run = infraplan(&ranged);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: --growth: is a range; give --paths N to simulate that many growth paths, or one value"
    );
    let run = infraplan(&with(&ranged, &["--churn", "5..1", "--paths", "10"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("low first"), "{}", run.stderr);
    let run = infraplan(&["roadmap", "--from-file", "x.json", "--paths", "10"]);
    assert_eq!(run.code, 2);
}

#[test]
fn the_chart_draws_the_band_and_the_median() {
    let chart = scratch_dir("simulation-chart").join("paths.svg");
    infraplan_ok(&with(&PATHS, &["--chart", chart.to_str().unwrap()]));
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert_eq!(svg.matches("<polygon").count(), 1, "one band");
    assert!(svg.contains("Share of MRR, median path"));
    assert!(svg.contains(">Infrastructure as a share of MRR</text>"));
    assert!(svg.contains("10th to 90th percentile of paths"));
    assert!(svg.contains("% of MRR"));
}

/// The budget gate breaks when half the paths or more break the limit in
/// some month: here every path (no spread) is over the ceiling by month 4.
#[test]
fn the_gate_breaks_on_the_median_path() {
    let tight = with(&crate::scenarios::TIGHT, &["--paths", "50"]);
    let run = infraplan(&with(&tight, &["--fail-on", "over-ceiling"]));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("month 4"), "{}", run.stderr);
    let calm = with(
        &PATHS[..13],
        &["--paths", "50", "--fail-on", "above-guidance"],
    );
    assert_eq!(infraplan(&calm).code, 0);
}

/// A path without revenue ranks above every share of MRR: with churn up to
/// 100%, the top paths of a late month have none.
#[test]
fn paths_without_revenue_rank_above_every_share() {
    let dying = [
        "roadmap",
        "--paas",
        "heroku",
        "--customers",
        "10",
        "--mrr",
        "1000",
        "--growth",
        "0",
        "--churn",
        "0..100",
        "--months",
        "12",
        "--paths",
        "100",
    ];
    let report: Value =
        serde_json::from_str(&infraplan_ok(&with(&dying, &["--format", "json"]))).unwrap();
    let last = &report["months"][11]["share_of_mrr"];
    assert!(last["p10"].is_string(), "{last}");
    assert!(last["p90"].is_null(), "{last}");
    let text = infraplan_ok(&dying);
    assert!(text.contains("· no revenue"), "{text}");
}
