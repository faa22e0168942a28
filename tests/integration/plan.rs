//! `infraplan plan`: stage boundaries, exact arithmetic, budget verdicts and
//! every output format.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{VARIANTS, fixture, infraplan_ok, snapshot_settings};

fn plan_json(args: &[&str]) -> Value {
    let mut all = vec!["plan", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&infraplan_ok(&all)).expect("plan --format json is JSON")
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn text(value: &Value) -> &str {
    value.as_str().expect("a string")
}

#[test]
fn customer_counts_pick_the_roadmap_stage() {
    let cases = [
        ("0", 1),
        ("49", 1),
        ("50", 2),
        ("199", 2),
        ("200", 3),
        ("1000", 3),
        ("10000000", 3),
        ("1000000000", 3),
    ];
    for (customers, stage) in cases {
        let plan = plan_json(&["--customers", customers, "--mrr", "10000"]);
        assert_eq!(plan["stage"]["number"], stage, "{customers} customers");
        assert_eq!(plan["stage"]["reason"]["kind"], "in_range");
    }
}

#[test]
fn every_line_is_quantity_times_unit_price_and_the_total_is_their_sum() {
    for (customers, paas) in [("30", "heroku"), ("120", "render"), ("450", "heroku")] {
        let plan = plan_json(&["--customers", customers, "--mrr", "10000", "--paas", paas]);
        let mut sum = Decimal::ZERO;
        for line in plan["lines"].as_array().unwrap() {
            let exact = dec(text(&line["quantity"])) * dec(text(&line["unit_price"]));
            let rounded = exact
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(dec(text(&line["monthly"])), rounded, "{line}");
            sum += rounded;
        }
        assert_eq!(dec(text(&plan["total"])), sum);
    }
}

/// Stage 1 on Heroku at 30 customers, worked by hand from the price files:
/// 2 × $25 dynos, Essential-1 ($9) for 6 GB, 60 GB × $0.023 of uploads,
/// 1.5 GB × $0.023 of access logs (rounds to $0.03), 6 × $0.005 PUTs,
/// 6 × $0.004 GETs (rounds to $0.02), 30 GB out (inside the free 100 GB),
/// a $1 KMS key, SendGrid Essentials $19.95, a $0.75 Route 53 health check
/// with two $2 features (HTTPS, latency) and 2 alarms inside the free 10.
#[test]
fn stage_one_cost_matches_hand_arithmetic() {
    let plan = plan_json(&["--paas", "heroku", "--customers", "30", "--mrr", "3000"]);
    let monthly: Vec<&str> = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| text(&line["monthly"]))
        .collect();
    assert_eq!(
        monthly,
        [
            "50.00", "9.00", "1.38", "0.03", "0.03", "0.02", "0.00", "1.00", "19.95", "0.75",
            "4.00", "0.00"
        ]
    );
    assert_eq!(text(&plan["total"]), "86.16");
    // 86.16 / 3000 = 2.872%
    assert_eq!(text(&plan["budget"]["share_of_mrr"]), "2.9");
    assert_eq!(plan["budget"]["verdict"], "within_guidance");
}

#[test]
fn usage_based_lines_are_marked() {
    let plan = plan_json(&["--customers", "120", "--mrr", "18000"]);
    let usage_based: Vec<&str> = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|line| line["usage_based"] == true)
        .map(|line| text(&line["sku"]))
        .collect();
    assert!(usage_based.contains(&"aws.s3.standard-storage"));
    assert!(!usage_based.contains(&"heroku.dyno.standard-2x"));
}

#[test]
fn verdicts_follow_the_guidance_and_the_ceiling() {
    // Stage 2 costs $488.38 at 120 customers: under 10% of $18,000.
    let within = plan_json(&["--paas", "heroku", "--customers", "120", "--mrr", "18000"]);
    assert_eq!(within["budget"]["verdict"], "within_guidance");
    // 488.38 / 3,000 = 16.3%: over the 10% guidance, under the 20% ceiling.
    let above = plan_json(&["--paas", "heroku", "--customers", "120", "--mrr", "3000"]);
    assert_eq!(above["budget"]["verdict"], "above_guidance");
    assert!(above["cheaper_stage"].is_null());
    // 488.38 / 2,000 = 24.4%: over the ceiling, so the cheaper stage is shown.
    let over = plan_json(&["--paas", "heroku", "--customers", "120", "--mrr", "2000"]);
    assert_eq!(over["budget"]["verdict"], "over_ceiling");
    assert_eq!(over["cheaper_stage"]["number"], 1);
    assert_eq!(over["cheaper_stage"]["customers"], 120);
    // A total equal to a limit breaks it: the roadmap says "under".
    let at_ceiling = plan_json(&["--paas", "heroku", "--customers", "120", "--mrr", "2441.90"]);
    assert_eq!(at_ceiling["budget"]["share_of_mrr"], "20.0");
    assert_eq!(at_ceiling["budget"]["verdict"], "over_ceiling");
}

#[test]
fn zero_mrr_still_prices_every_line() {
    let plan = plan_json(&["--paas", "heroku", "--customers", "10", "--mrr", "0"]);
    // 20% of an MRR of $0 is $0: any positive cost breaks the ceiling.
    assert_eq!(plan["budget"]["verdict"], "over_ceiling");
    assert_eq!(plan["budget"]["ceiling"]["amount"], "0.00");
    assert_eq!(plan["budget"]["guidance"]["amount"], "200.00");
    assert!(plan["budget"]["share_of_mrr"].is_null());
    // 2 × $25 + $9 + 20 GB × $0.023 + 0.5 GB × $0.023 + $0.01 + $0.01 + $1 + $19.95
    // + $0.75 + 2 × $2.
    assert_eq!(text(&plan["total"]), "85.19");
    assert!(plan["next_stage"]["mrr"].is_null());
}

#[test]
fn forcing_a_stage_says_which_stage_the_count_would_pick() {
    let plan = plan_json(&["--customers", "120", "--mrr", "18000", "--stage", "3"]);
    assert_eq!(plan["stage"]["number"], 3);
    assert_eq!(plan["stage"]["reason"]["kind"], "forced");
    assert_eq!(plan["stage"]["reason"]["natural_stage"], 2);
}

#[test]
fn the_next_stage_is_priced_where_it_starts() {
    let plan = plan_json(&["--customers", "120", "--mrr", "18000"]);
    assert_eq!(plan["next_stage"]["number"], 3);
    assert_eq!(plan["next_stage"]["customers"], 200);
    // $150 per customer today, so $30,000 MRR at 200 customers.
    assert_eq!(plan["next_stage"]["mrr"], "30000.00");
    let last = plan_json(&["--customers", "450", "--mrr", "90000"]);
    assert!(last["next_stage"].is_null());
}

#[test]
fn a_usage_file_replaces_defaults() {
    let usage = fixture("usage-heavy-files.json");
    let plan = plan_json(&["--customers", "30", "--mrr", "3000", "--usage", &usage]);
    let storage = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["sku"] == "aws.s3.standard-storage")
        .unwrap();
    // 30 customers × 10 GB.
    assert_eq!(storage["quantity"], "300");
    assert_eq!(plan["scenario"]["usage_overrides"]["stored_gb"], "10");
}

#[test]
fn a_size_past_the_largest_tier_warns() {
    let usage = fixture("usage-huge-database.json");
    let plan = plan_json(&[
        "--paas",
        "heroku",
        "--customers",
        "150",
        "--mrr",
        "30000",
        "--usage",
        &usage,
    ]);
    let warnings = plan["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(text(&warnings[0]).contains("heroku.postgres.standard-0"));
}

#[test]
fn same_input_same_bytes() {
    let args = [
        "plan",
        "--customers",
        "450",
        "--mrr",
        "90000",
        "--format",
        "json",
    ];
    assert_eq!(infraplan_ok(&args), infraplan_ok(&args));
}

/// One scenario per stage and variant, in every format.
#[test]
fn plan_output_snapshots() {
    let scenarios = VARIANTS;
    for (name, args) in scenarios {
        for format in ["table", "markdown", "json"] {
            let mut all = vec!["plan", "--format", format];
            all.extend_from_slice(&args);
            let output = infraplan_ok(&all);
            snapshot_settings().bind(|| {
                insta::assert_snapshot!(format!("plan__{name}__{format}"), output);
            });
        }
    }
}

#[test]
fn over_ceiling_and_zero_mrr_snapshots() {
    for (name, args) in [
        (
            "over-ceiling",
            ["--customers", "120", "--mrr", "2000", "--paas", "heroku"],
        ),
        (
            "zero-mrr",
            ["--customers", "10", "--mrr", "0", "--paas", "heroku"],
        ),
    ] {
        let mut all = vec!["plan"];
        all.extend_from_slice(&args);
        let output = infraplan_ok(&all);
        snapshot_settings().bind(|| insta::assert_snapshot!(format!("plan__{name}"), output));
    }
}

#[test]
fn listing_snapshots() {
    for command in ["stages", "prices"] {
        for format in ["table", "json"] {
            let output = infraplan_ok(&[command, "--format", format]);
            snapshot_settings()
                .bind(|| insta::assert_snapshot!(format!("{command}__{format}"), output));
        }
    }
}

#[test]
fn one_year_commitments_use_published_reserved_prices_where_there_are_some() {
    let on_demand = plan_json(&["--customers", "450", "--mrr", "90000"]);
    let reserved = plan_json(&[
        "--customers",
        "450",
        "--mrr",
        "90000",
        "--commitment",
        "1yr",
    ]);
    assert_eq!(reserved["scenario"]["commitment"], "1yr");
    let line = |plan: &Value, sku: &str| {
        plan["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|line| line["sku"] == sku)
            .unwrap()
            .clone()
    };
    let database = line(&reserved, "aws.rds.postgres-m6g-large-multi-az");
    assert_eq!(database["unit_price"], "0.2037");
    assert_eq!(database["committed"], true);
    // 730 h × $0.2037.
    assert_eq!(database["monthly"], "148.70");
    assert_eq!(
        line(&reserved, "aws.elasticache.redis-m6g-large")["unit_price"],
        "0.102"
    );
    // Lines without a published 1-year price stay on demand.
    let nat = line(&reserved, "aws.vpc.nat-gateway-hour");
    assert_eq!(nat["committed"], false);
    assert_eq!(
        nat["monthly"],
        line(&on_demand, "aws.vpc.nat-gateway-hour")["monthly"]
    );
    // Fargate has no published 1-year price in the catalog: the saving is the
    // database, its replica and Redis, (0.318 - 0.2037) × 730 × 2 + (0.149 - 0.102) × 730 × 2.
    let saving = dec(text(&on_demand["total"])) - dec(text(&reserved["total"]));
    assert_eq!(saving, dec("235.50"));
    // No PaaS line has a commitment price: the same total.
    let paas = plan_json(&["--customers", "30", "--mrr", "3000", "--commitment", "1yr"]);
    assert_eq!(
        paas["total"],
        plan_json(&["--customers", "30", "--mrr", "3000"])["total"]
    );
}

#[test]
fn the_budget_gate_fails_the_run_with_its_own_exit_code() {
    let over = [
        "plan",
        "--paas",
        "heroku",
        "--customers",
        "120",
        "--mrr",
        "2000",
    ];
    let run = crate::support::infraplan(&[&over[..], &["--fail-on", "over-ceiling"]].concat());
    assert_eq!(run.code, 3);
    assert!(!run.stdout.is_empty(), "the plan is still printed");
    assert_eq!(
        run.stderr,
        "error: --fail-on over-ceiling: the budget gate is broken by the plan (stage 2, 24.4% of MRR, over the ceiling)\n"
    );
    let above = [
        "plan",
        "--paas",
        "heroku",
        "--customers",
        "120",
        "--mrr",
        "3000",
    ];
    assert_eq!(
        crate::support::infraplan(&[&above[..], &["--fail-on", "over-ceiling"]].concat()).code,
        0
    );
    assert_eq!(
        crate::support::infraplan(&[&above[..], &["--fail-on", "above-guidance"]].concat()).code,
        3
    );
    // At an MRR of $0, a limit that is a share of MRR is $0: any positive
    // cost breaks it. The gate says so in those words.
    for stage in ["1", "3"] {
        let zero = [
            "plan",
            "--customers",
            "10",
            "--mrr",
            "0",
            "--stage",
            stage,
            "--fail-on",
            "over-ceiling",
        ];
        let run = crate::support::infraplan(&zero);
        assert_eq!(run.code, 3, "stage {stage}");
        assert!(
            run.stderr
                .contains("against an MRR of $0, where any positive cost breaks a share-of-MRR limit, over the ceiling"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_count_held_at_the_stage_maximum_warns() {
    let plan = plan_json(&["--customers", "100000", "--mrr", "15000000"]);
    let web = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["component"] == "web")
        .unwrap();
    assert_eq!(web["instances"], 40);
    let warnings: Vec<&str> = plan["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|warning| warning.as_str().unwrap())
        .collect();
    // 100,000 customers at one task per 75 need 1,334 tasks; the stage stops at 40.
    assert!(
        warnings
            .iter()
            .any(|warning| warning.contains("would need 1334") && warning.contains("stops at 40")),
        "{warnings:?}"
    );
}

/// `--sensitivity` for one scenario per stage: every assumption moved 50%
/// either way, widest swing first, a stage change marked where it happens.
#[test]
fn sensitivity_ranks_what_drives_the_cost_at_each_stage() {
    let mut all = String::new();
    for customers in ["30", "150", "450"] {
        let mrr = (customers.parse::<u32>().unwrap() * 150).to_string();
        let args = [
            "plan",
            "--paas",
            "heroku",
            "--customers",
            customers,
            "--mrr",
            &mrr,
        ];
        let text = infraplan_ok(&[&args[..], &["--sensitivity"]].concat());
        let tornado = &text[text.find("What drives the cost").expect("a tornado")..];
        all.push_str(&format!(
            "$ infraplan {} --sensitivity\n{tornado}\n",
            args.join(" ")
        ));
        let json: serde_json::Value = serde_json::from_str(&infraplan_ok(
            &[&args[..], &["--sensitivity", "--format", "json"]].concat(),
        ))
        .unwrap();
        let swings = json["sensitivity"]["swings"].as_array().unwrap();
        assert_eq!(json["sensitivity"]["percent"], 50);
        let widths: Vec<f64> = swings
            .iter()
            .map(|swing| swing["swing"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(
            widths.windows(2).all(|pair| pair[0] >= pair[1]),
            "{widths:?}"
        );
        let plain: serde_json::Value =
            serde_json::from_str(&infraplan_ok(&[&args[..], &["--format", "json"]].concat()))
                .unwrap();
        assert!(plain.get("sensitivity").is_none(), "only when asked");
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("plan__sensitivity", all));
}
