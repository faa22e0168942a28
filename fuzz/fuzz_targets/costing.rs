//! Costing with arbitrary scenarios, through the command line: plan, compare,
//! roadmap and diff with arbitrary customers, MRR, usage, platform, stage,
//! commitment and growth. Any input may be refused; none may panic, and every
//! refusal is one line.

#![no_main]

use clap::Parser;
use infraplan::app::cli::Cli;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// A number as text: usually small, sometimes anything.
fn number(input: &mut Unstructured<'_>) -> Result<String> {
    Ok(match input.int_in_range(0..=4_u8)? {
        0 => input.int_in_range(0..=5_000_u64)?.to_string(),
        1 => input.arbitrary::<u64>()?.to_string(),
        2 => format!(
            "{}.{}",
            input.int_in_range(0..=200_000_u32)?,
            input.int_in_range(0..=999_u32)?
        ),
        3 => format!(
            "{}e{}",
            input.int_in_range(1..=9_u8)?,
            input.int_in_range(0..=30_u8)?
        ),
        _ => input.arbitrary::<String>()?,
    })
}

fn command(input: &mut Unstructured<'_>) -> Result<Vec<String>> {
    let platform = *input.choose(&["heroku", "render", "aws"])?;
    let commitment = *input.choose(&["none", "1yr"])?;
    let format = *input.choose(&["table", "json", "markdown"])?;
    let customers = number(input)?;
    let mrr = number(input)?;
    let mut args: Vec<String> = match input.int_in_range(0..=3_u8)? {
        0 => vec![
            "plan".into(),
            "--customers".into(),
            customers,
            "--mrr".into(),
            mrr,
            "--format".into(),
            format.into(),
        ],
        1 => vec![
            "roadmap".into(),
            "--customers".into(),
            customers,
            "--mrr".into(),
            mrr,
            "--growth".into(),
            number(input)?,
            "--churn".into(),
            number(input)?,
            "--months".into(),
            input.int_in_range(1..=120_u32)?.to_string(),
            "--format".into(),
            "csv".into(),
        ],
        2 => vec![
            "compare".into(),
            "--scenario".into(),
            format!(
                "name={},customers={customers},mrr={mrr}",
                input.arbitrary::<String>()?.replace(',', "")
            ),
            "--scenario".into(),
            format!(
                "name=other,customers={},mrr={}",
                number(input)?,
                number(input)?
            ),
        ],
        _ => vec![
            "diff".into(),
            "--from".into(),
            format!("customers={customers},mrr={mrr}"),
            "--to".into(),
            format!(
                "customers={},mrr={},paas={platform}",
                number(input)?,
                number(input)?
            ),
        ],
    };
    if args[0] != "compare" && args[0] != "diff" {
        args.extend([
            "--paas".into(),
            platform.into(),
            "--commitment".into(),
            commitment.into(),
        ]);
    }
    if args[0] == "plan" && input.arbitrary::<bool>()? {
        args.extend(["--stage".into(), input.int_in_range(1..=3_u8)?.to_string()]);
    }
    Ok(args)
}

fuzz_target!(|bytes: &[u8]| {
    let mut input = Unstructured::new(bytes);
    let Ok(args) = command(&mut input) else {
        return;
    };
    let Ok(cli) = Cli::try_parse_from(std::iter::once("infraplan".to_owned()).chain(args)) else {
        return;
    };
    if let Err(error) = infraplan::run(cli) {
        assert!(!error.to_string().contains('\n'));
    }
});
