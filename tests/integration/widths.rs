//! Table output fits the terminal: at 80 and 120 columns every line of every
//! table format fits, numbers whole; `--wide` turns fitting off.

use crate::support::{fixture, infraplan_at, snapshot_settings};

/// One command per table-printing report, on the scenarios the other
/// snapshots use.
fn commands() -> Vec<(&'static str, Vec<String>)> {
    let words = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
    vec![
        (
            "plan",
            words("plan --customers 120 --mrr 18000 --paas heroku"),
        ),
        (
            "diff",
            words(
                "diff --from customers=150,mrr=22500,paas=heroku --to customers=250,mrr=37500,paas=heroku",
            ),
        ),
        ("prices", words("prices")),
        ("stages", words("stages")),
        (
            "roadmap",
            words("roadmap --customers 20 --mrr 2000 --growth 25 --paas heroku"),
        ),
        (
            "compare",
            vec!["compare".to_owned(), fixture("scenarios.json")],
        ),
        (
            "simulation",
            words(
                "roadmap --customers 20 --mrr 2000 --growth 10..40 --churn 1..5 --months 12 --paths 1000 --paas heroku",
            ),
        ),
    ]
}

#[test]
fn every_table_fits_80_and_120_columns() {
    for columns in [80, 120] {
        for (name, args) in commands() {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = infraplan_at(Some(columns), &args);
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            let widest = run
                .stdout
                .lines()
                .map(|line| line.chars().count())
                .max()
                .unwrap_or(0);
            assert!(
                widest <= columns,
                "{name} at {columns} columns is {widest} wide"
            );
            snapshot_settings().bind(|| {
                insta::assert_snapshot!(format!("widths__{name}__{columns}"), run.stdout);
            });
        }
    }
}

#[test]
fn wide_turns_fitting_off_and_keeps_every_number() {
    let args = ["plan", "--customers", "120", "--mrr", "18000", "--wide"];
    let wide = infraplan_at(Some(80), &args);
    assert_eq!(wide.code, 0, "{}", wide.stderr);
    assert!(
        wide.stdout.lines().any(|line| line.chars().count() > 120),
        "--wide keeps each line whole"
    );
    let fitted = infraplan_at(Some(80), &args[..5]);
    let amounts = |text: &str| -> Vec<String> {
        text.split_whitespace()
            .filter(|word| word.starts_with('$'))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(amounts(&wide.stdout), amounts(&fitted.stdout));
}
