//! `cargo bench`: how fast infraplan is. Prints figures; asserts nothing.
//!
//! - costing: `plan()` over a sweep of scenarios (every stage, both PaaS
//!   variants), reported as scenarios per second and time per scenario;
//! - plan: `infraplan plan` run end to end (start-up, parsing and validating
//!   the embedded data, costing, printing), median and fastest of many runs;
//! - generate: `infraplan generate` for stage 3 into a new folder, against
//!   `cp -r` of the same files (the floor: any tool must at least write them);
//! - memory: peak resident memory of the benchmark process, from `/proc`.

#![allow(missing_docs, clippy::print_stdout)] // a benchmark's job is to print figures

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use infraplan::cli::DataArgs;
use infraplan::cost::Commitment;
use infraplan::data::usage::UsageOverrides;
use infraplan::load_data;
use infraplan::plan::{Scenario, plan};
use rust_decimal::Decimal;

const SWEEP: u64 = 2_000;
const PROCESS_RUNS: usize = 200;
const GENERATE_RUNS: usize = 50;

fn main() {
    let data = load_data(&DataArgs {
        stages: None,
        prices: None,
    })
    .expect("built-in data loads");
    let scenarios: Vec<Scenario> = (0..SWEEP)
        .map(|index| Scenario {
            customers: index % 1_500,
            mrr: Decimal::from(150 * (index % 1_500) + 500),
            platform: if index % 2 == 0 { "heroku" } else { "render" }.to_owned(),
            forced_stage: None,
            usage: UsageOverrides::default(),
            commitment: Commitment::None,
        })
        .collect();

    // Warm up, then time whole sweeps until a second has passed.
    for scenario in &scenarios {
        black_box(plan(&data, scenario).expect("plans"));
    }
    let started = Instant::now();
    let mut planned = 0_u64;
    while started.elapsed() < Duration::from_secs(1) {
        for scenario in &scenarios {
            black_box(plan(&data, black_box(scenario)).expect("plans"));
        }
        planned += SWEEP;
    }
    let elapsed = started.elapsed();
    let per_scenario = elapsed / u32::try_from(planned).unwrap_or(u32::MAX);
    println!(
        "costing: {planned} scenarios in {} ms = {} scenarios/s ({} µs each, including next-stage and cheaper-stage pricing)",
        millis(elapsed),
        planned * 1_000_000
            / u64::try_from(elapsed.as_micros())
                .unwrap_or(u64::MAX)
                .max(1),
        per_scenario.as_micros()
    );

    let binary = env!("CARGO_BIN_EXE_infraplan");
    let args = ["plan", "--customers", "120", "--mrr", "18000"];
    let times = time_runs(PROCESS_RUNS, |_| {
        let output = Command::new(binary)
            .args(args)
            .output()
            .expect("infraplan runs");
        assert!(output.status.success());
    });
    println!(
        "plan: `infraplan {}` over {PROCESS_RUNS} runs: {}",
        args.join(" "),
        spread(&times)
    );

    let scratch = std::env::temp_dir().join(format!("infraplan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let generate = |out: &std::path::Path| {
        let args = [
            "generate",
            "--customers",
            "450",
            "--mrr",
            "90000",
            "--domain",
            "example.com",
        ];
        let output = Command::new(binary)
            .args(args)
            .arg("--out")
            .arg(out)
            .output()
            .expect("infraplan runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let source = scratch.join("source");
    generate(&source);
    let files = std::fs::read_dir(&source).expect("generated").count();
    let generated = time_runs(GENERATE_RUNS, |run| {
        generate(&scratch.join(format!("generate-{run}")))
    });
    let copied = time_runs(GENERATE_RUNS, |run| {
        let status = Command::new("cp")
            .arg("-r")
            .arg(&source)
            .arg(scratch.join(format!("copy-{run}")))
            .status()
            .expect("cp runs");
        assert!(status.success());
    });
    println!(
        "generate: stage 3 ({files} files) over {GENERATE_RUNS} runs: {}",
        spread(&generated)
    );
    println!(
        "cp -r: the same {files} files over {GENERATE_RUNS} runs: {}",
        spread(&copied)
    );
    let _ = std::fs::remove_dir_all(&scratch);
    if let Some(peak) = peak_memory_kib() {
        println!("memory: this benchmark process peaked at {peak} KiB resident (VmHWM)");
    }
}

/// Times `runs` calls of `work` (given the run number), fastest first.
fn time_runs(runs: usize, mut work: impl FnMut(usize)) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs)
        .map(|run| {
            let started = Instant::now();
            work(run);
            started.elapsed()
        })
        .collect();
    times.sort();
    times
}

/// `median 2.869 ms, fastest 2.587 ms, slowest 4.460 ms` of sorted times.
fn spread(times: &[Duration]) -> String {
    format!(
        "median {} ms, fastest {} ms, slowest {} ms",
        millis(times[times.len() / 2]),
        millis(times[0]),
        millis(times[times.len() - 1])
    )
}

/// `12.345` (milliseconds, to the microsecond), without floating point.
fn millis(duration: Duration) -> String {
    let micros = duration.as_micros();
    format!("{}.{:03}", micros / 1_000, micros % 1_000)
}

/// Peak resident memory of this process, from Linux's `/proc/self/status`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
