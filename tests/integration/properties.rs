//! Properties of the whole command line over generated inputs: it never
//! panics, totals are never negative, and the same input prints the same
//! bytes. (The fuzz targets in `fuzz/` explore the data loaders further.)

use clap::Parser;
use infraplan::app::cli::Cli;
use proptest::prelude::*;
use serde_json::Value;

/// Numbers as a user might type them: ordinary, huge, negative, fractional,
/// scientific, or not numbers at all.
fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (0_u64..5_000).prop_map(|value| value.to_string()),
        any::<u64>().prop_map(|value| value.to_string()),
        (0_u32..1_000_000, 0_u32..1000).prop_map(|(whole, cents)| format!("{whole}.{cents:03}")),
        (1_u32..30).prop_map(|exponent| format!("1e{exponent}")),
        (1_u64..10_000).prop_map(|value| format!("-{value}")),
        Just("79228162514264337593543950335".to_owned()),
        Just("0.0000000000000000000000000001".to_owned()),
        "[a-z ]{0,4}",
    ]
}

/// A command line: one of plan, compare, roadmap or diff with generated values.
fn command_line() -> impl Strategy<Value = Vec<String>> {
    let platform = prop_oneof![Just("heroku"), Just("render"), Just("aws"), Just("fly")];
    let format = prop_oneof![Just("table"), Just("json"), Just("markdown")];
    let commitment = prop_oneof![Just("none"), Just("1yr")];
    let plan = (
        number_text(),
        number_text(),
        platform.clone(),
        0_u32..5,
        commitment,
        format.clone(),
    )
        .prop_map(|(customers, mrr, platform, stage, commitment, format)| {
            let mut args = vec![
                "plan",
                "--customers",
                &customers,
                "--mrr",
                &mrr,
                "--paas",
                platform,
            ]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
            if stage > 0 {
                args.extend(["--stage".to_owned(), stage.to_string()]);
            }
            args.extend(["--commitment".to_owned(), commitment.to_owned()]);
            args.extend([
                "--format".to_owned(),
                format.to_owned(),
                "--fail-on".to_owned(),
                "over-ceiling".to_owned(),
            ]);
            args
        });
    let roadmap = (
        number_text(),
        number_text(),
        number_text(),
        number_text(),
        1_u32..130,
        platform.clone(),
    )
        .prop_map(|(customers, mrr, growth, churn, months, platform)| {
            [
                "roadmap",
                "--customers",
                &customers,
                "--mrr",
                &mrr,
                "--growth",
                &growth,
                "--churn",
                &churn,
                "--months",
                &months.to_string(),
                "--paas",
                platform,
                "--format",
                "csv",
            ]
            .map(str::to_owned)
            .to_vec()
        });
    let compare = (
        number_text(),
        number_text(),
        number_text(),
        "[a-z\u{1b}\n]{0,6}",
    )
        .prop_map(|(customers, mrr, usage, name)| {
            [
                "compare".to_owned(),
                "--scenario".to_owned(),
                format!("name=a{name},customers={customers},mrr={mrr}"),
                "--scenario".to_owned(),
                format!("name=b,customers={usage},mrr={mrr},paas=render,commitment=1yr"),
                "--format".to_owned(),
                "json".to_owned(),
            ]
            .to_vec()
        });
    let diff = (number_text(), number_text(), number_text(), format).prop_map(
        |(from, to, mrr, format)| {
            [
                "diff".to_owned(),
                "--from".to_owned(),
                format!("customers={from},mrr={mrr}"),
                "--to".to_owned(),
                format!("customers={to},mrr={mrr},paas=render"),
                "--format".to_owned(),
                format.to_owned(),
            ]
            .to_vec()
        },
    );
    prop_oneof![plan, roadmap, compare, diff]
}

/// Runs a command line in process; a panic fails the property.
fn run(args: &[String]) -> Option<(String, u8)> {
    let cli =
        Cli::try_parse_from(std::iter::once("infraplan".to_owned()).chain(args.iter().cloned()))
            .ok()?;
    match infraplan::run(cli) {
        Ok(outcome) => Some((outcome.stdout, outcome.code)),
        Err(error) => {
            let message = error.to_string();
            assert!(!message.contains('\n'), "{message}");
            Some((message, error.exit_code()))
        }
    }
}

/// Every amount in a JSON report that is money or a total.
fn amounts(value: &Value, key: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                amounts(inner, name, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| amounts(item, key, found)),
        Value::String(text) if ["monthly", "total", "monthly_total"].contains(&key) => {
            found.push((key.to_owned(), text.clone()));
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics_and_the_same_input_prints_the_same_bytes(args in command_line()) {
        let first = run(&args);
        let second = run(&args);
        prop_assert_eq!(first, second);
    }

    #[test]
    fn totals_and_lines_are_never_negative(args in command_line()) {
        if let Some((stdout, 0 | 3)) = run(&args)
            && let Ok(report) = serde_json::from_str::<Value>(&stdout)
        {
            let mut found = Vec::new();
            amounts(&report, "", &mut found);
            for (key, amount) in found {
                prop_assert!(!amount.starts_with('-'), "{} is {}", key, amount);
            }
        }
    }
}
