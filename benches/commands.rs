//! `cargo bench`: how fast infraplan is. Prints figures; asserts nothing.
//!
//! - costing: `plan()` over a sweep of scenarios (every stage, both PaaS
//!   variants), reported as scenarios per second and time per scenario; and
//!   the compiled engine alone (`Planner::quote`), stage by stage;
//! - plan: `infraplan plan` run end to end (start-up, parsing and validating
//!   the embedded data, costing, printing), against a Rust hello-world
//!   binary, the floor of any Rust program;
//! - generate: `infraplan generate` for stage 3 into a new folder, against
//!   copying the same files with an fsync of each (any tool must at least
//!   write them durably), and a regeneration with nothing to change against
//!   reading the files;
//! - roadmap and compare: `roadmap --months 120` and `compare` of 100
//!   scenarios against `plan`;
//! - simulation: `roadmap --paths 10000` over 36 months in the library;
//! - memory: infraplan's own peak resident memory, from GNU time (`plan`,
//!   `generate`, `roadmap` at 12 and at 120 months, and `roadmap --paths`
//!   at 1,000 and 100,000 paths).
//!
//! Each pair runs interleaved, so both see the same machine: it is shared and
//! noisy, and the ratios are the figures to compare.

#![allow(missing_docs, clippy::print_stdout)] // a benchmark's job is to print figures

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use infraplan::app::cli::DataArgs;
use infraplan::load_data;
use infraplan::model::cost::Commitment;
use infraplan::model::plan::{Planner, Scenario, plan};
use infraplan::model::simulation::{Range, UncertainGrowth, simulate};
use infraplan::model::usage::UsageOverrides;
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

    // The compiled engine alone: one stage's customer range, quoted (stage,
    // total, verdict) as roadmaps, comparisons and simulations do.
    for (stage, low, high) in [(1_u32, 0_u64, 49_u64), (2, 50, 199), (3, 200, 3_000)] {
        let template = Scenario {
            customers: 0,
            mrr: Decimal::ZERO,
            platform: "render".to_owned(),
            forced_stage: None,
            usage: UsageOverrides::default(),
            commitment: Commitment::None,
        };
        let planner = Planner::new(&data, &template);
        let quotes = |customers: u64| {
            let mrr = Decimal::from(150 * customers + 500);
            let quote = planner.quote(customers, mrr).expect("quotes");
            assert_eq!(quote.selection.stage.number, stage);
            black_box(quote);
        };
        (low..=high).for_each(quotes);
        let started = Instant::now();
        let mut quoted = 0_u64;
        while started.elapsed() < Duration::from_secs(1) {
            for customers in low..=high {
                quotes(black_box(customers));
            }
            quoted += high - low + 1;
        }
        let elapsed = started.elapsed();
        println!(
            "compiled costing, stage {stage} ({low}–{high} customers): {quoted} quotes in {} ms = {} scenarios/s",
            millis(elapsed),
            quoted * 1_000_000
                / u64::try_from(elapsed.as_micros())
                    .unwrap_or(u64::MAX)
                    .max(1)
        );
    }

    // The simulation in the library: 10,000 paths over 36 months, as
    // `roadmap --paths 10000` runs it, the best of five.
    let growth = UncertainGrowth {
        customers: 20,
        mrr: Decimal::from(2_000),
        growth: Range {
            low: Decimal::from(10),
            high: Decimal::from(40),
        },
        churn: Range {
            low: Decimal::ONE,
            high: Decimal::from(5),
        },
        mrr_growth: None,
        months: 36,
    };
    let template = Scenario {
        customers: 0,
        mrr: Decimal::ZERO,
        platform: "heroku".to_owned(),
        forced_stage: None,
        usage: UsageOverrides::default(),
        commitment: Commitment::None,
    };
    let fastest = (0..5)
        .map(|_| {
            let planner = Planner::new(&data, &template);
            let started = Instant::now();
            black_box(simulate(&planner, &growth, 10_000, 1).expect("simulates"));
            started.elapsed()
        })
        .min()
        .unwrap_or_default();
    println!(
        "simulation: 10,000 paths × 36 months in {} ms (fastest of 5, stages compiled afresh each time; target 100 ms)",
        millis(fastest)
    );

    let binary = env!("CARGO_BIN_EXE_infraplan");
    let run = |args: &[&str]| {
        let output = Command::new(binary)
            .args(args)
            .output()
            .expect("infraplan runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };

    // A whole `plan` process against the floor a Rust program pays: a
    // hello-world binary built with the same compiler, interleaved so both
    // see the same machine.
    let scratch = std::env::temp_dir().join(format!("infraplan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let hello = hello_world(&scratch);
    let plan_args = ["plan", "--customers", "120", "--mrr", "18000"];
    let (plans, hellos) = interleaved(
        PROCESS_RUNS,
        |_| run(&plan_args),
        |_| {
            let output = Command::new(&hello).output().expect("hello world runs");
            assert!(output.status.success());
        },
    );
    println!(
        "plan: `infraplan {}` over {PROCESS_RUNS} runs: {}",
        plan_args.join(" "),
        spread(&plans)
    );
    println!(
        "hello world: the same number of runs of a Rust hello-world binary (rustc -O): {}",
        spread(&hellos)
    );
    println!("  plan / hello world (medians): {}", ratio(&plans, &hellos));

    // `roadmap` over ten years and `compare` of 100 scenarios, against `plan`.
    let scenarios_file = scratch.join("scenarios.json");
    let listed: Vec<String> = (0..100_u64)
        .map(|index| {
            let customers = index * 30;
            format!(
                r#"{{"name": "s{index}", "customers": {customers}, "mrr": "{}", "paas": "{}"}}"#,
                customers * 150 + 500,
                if index % 2 == 0 { "heroku" } else { "render" }
            )
        })
        .collect();
    std::fs::write(
        &scenarios_file,
        format!(
            r#"{{"schema_version": 1, "scenarios": [{}]}}"#,
            listed.join(", ")
        ),
    )
    .expect("scenarios written");
    let roadmap_owned = roadmap_months(120);
    let roadmap_args: Vec<&str> = roadmap_owned.iter().map(String::as_str).collect();
    let scenarios_path = scenarios_file.to_string_lossy().into_owned();
    let compare_args = ["compare", scenarios_path.as_str()];
    for (what, args) in [
        ("roadmap", &roadmap_args[..]),
        ("compare", &compare_args[..]),
    ] {
        let (theirs, plans) = interleaved(PROCESS_RUNS, |_| run(args), |_| run(&plan_args));
        println!(
            "{what}: `infraplan {}` over {PROCESS_RUNS} runs: {}",
            args.join(" "),
            spread(&theirs)
        );
        println!("  {what} / plan (medians): {}", ratio(&theirs, &plans));
    }

    // `generate` for stage 3 into a new folder, against copying the same
    // files with an fsync of each (what writing them durably costs at least).
    let generate_args = |out: &Path| -> Vec<String> {
        [
            "generate",
            "--customers",
            "450",
            "--mrr",
            "90000",
            "--domain",
            "example.com",
            "--out",
        ]
        .iter()
        .map(|arg| (*arg).to_owned())
        .chain([out.to_string_lossy().into_owned()])
        .collect()
    };
    let generate = |out: &Path| {
        let args = generate_args(out);
        run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    };
    let source = scratch.join("source");
    generate(&source);
    let files = files_under(&source);
    let bytes: u64 = files
        .iter()
        .map(|file| std::fs::metadata(file).map_or(0, |meta| meta.len()))
        .sum();
    let (generated, copied) = interleaved(
        GENERATE_RUNS,
        |index| generate(&scratch.join(format!("generate-{index}"))),
        |index| copy_with_fsync(&source, &scratch.join(format!("copy-{index}"))),
    );
    println!(
        "generate: stage 3 into a new folder ({} files, {bytes} bytes, records included) over {GENERATE_RUNS} runs: {}",
        files.len(),
        spread(&generated)
    );
    println!(
        "copy + fsync: the same files, each fsynced, over {GENERATE_RUNS} runs: {}",
        spread(&copied)
    );
    println!(
        "  generate / copy (medians): {}",
        ratio(&generated, &copied)
    );

    // Regenerating a folder that is already up to date, against a process
    // that reads every file of it.
    let (unchanged, read) = interleaved(
        GENERATE_RUNS,
        |_| generate(&source),
        |_| {
            let output = Command::new("cat").args(&files).output().expect("cat runs");
            assert!(output.status.success());
            black_box(output.stdout);
        },
    );
    println!(
        "regenerate, nothing to change, over {GENERATE_RUNS} runs: {}",
        spread(&unchanged)
    );
    println!(
        "cat: a process reading the folder's files, over {GENERATE_RUNS} runs: {}",
        spread(&read)
    );
    println!(
        "  regenerate / read (medians): {}",
        ratio(&unchanged, &read)
    );

    // infraplan's own peak memory, as GNU time reports it for one run.
    for (what, args) in [
        (
            "plan",
            plan_args
                .iter()
                .map(|arg| (*arg).to_owned())
                .collect::<Vec<_>>(),
        ),
        ("generate", generate_args(&scratch.join("memory"))),
        ("roadmap --months 12", roadmap_months(12)),
        ("roadmap --months 120", roadmap_months(120)),
        ("roadmap --paths 1000", simulation_paths(1_000)),
        ("roadmap --paths 100000", simulation_paths(100_000)),
    ] {
        match peak_memory_kib(binary, &args) {
            Some(kib) => println!("memory: `infraplan {what}` peaked at {kib} KiB resident"),
            None => println!("memory: /usr/bin/time is missing; peak memory not measured"),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

/// A hello-world binary, built in `folder` by the `rustc` that cargo uses.
fn hello_world(folder: &Path) -> PathBuf {
    let source = folder.join("hello.rs");
    std::fs::write(&source, "fn main() { println!(\"hello, world\"); }\n")
        .expect("hello.rs written");
    let binary = folder.join("hello");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let status = Command::new(rustc)
        .args(["-C", "opt-level=3", "-o"])
        .arg(&binary)
        .arg(&source)
        .status()
        .expect("rustc runs");
    assert!(status.success(), "rustc builds hello world");
    binary
}

/// `roadmap --paths` arguments over 36 months of 10–40% growth.
fn simulation_paths(paths: u32) -> Vec<String> {
    "roadmap --customers 20 --mrr 2000 --growth 10..40 --churn 1..5 --months 36 --paas heroku --paths"
        .split(' ')
        .map(str::to_owned)
        .chain([paths.to_string()])
        .collect()
}

/// `roadmap` arguments for `months` months.
fn roadmap_months(months: u32) -> Vec<String> {
    [
        "roadmap",
        "--customers",
        "20",
        "--mrr",
        "2000",
        "--growth",
        "10",
        "--months",
        &months.to_string(),
    ]
    .iter()
    .map(|arg| (*arg).to_owned())
    .collect()
}

/// Runs `first` and `second` `runs` times each, alternating, and returns
/// each one's times, fastest first.
fn interleaved(
    runs: usize,
    mut first: impl FnMut(usize),
    mut second: impl FnMut(usize),
) -> (Vec<Duration>, Vec<Duration>) {
    let mut a = Vec::with_capacity(runs);
    let mut b = Vec::with_capacity(runs);
    for index in 0..runs {
        let started = Instant::now();
        first(index);
        a.push(started.elapsed());
        let started = Instant::now();
        second(index);
        b.push(started.elapsed());
    }
    a.sort();
    b.sort();
    (a, b)
}

/// `1.74×`: the first median over the second, to two places.
fn ratio(first: &[Duration], second: &[Duration]) -> String {
    let top = first[first.len() / 2].as_nanos();
    let bottom = second[second.len() / 2].as_nanos().max(1);
    let hundredths = top * 100 / bottom;
    format!("{}.{:02}×", hundredths / 100, hundredths % 100)
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Copies `from` to `to`, fsyncing every file and then every folder.
fn copy_with_fsync(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creatable");
    for entry in std::fs::read_dir(from).expect("readable folder") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("named"));
        if path.is_dir() {
            copy_with_fsync(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copied");
            std::fs::File::open(&target)
                .and_then(|file| file.sync_all())
                .expect("synced");
        }
    }
    std::fs::File::open(to)
        .and_then(|folder| folder.sync_all())
        .expect("folder synced");
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

/// Peak resident memory of one `infraplan` run with `args`, in KiB, from
/// GNU time's `%M`.
fn peak_memory_kib(binary: &str, args: &[String]) -> Option<u64> {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M", binary])
        .args(args)
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr.lines().last()?.trim().parse().ok()
}
