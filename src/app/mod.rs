//! Runs each command: reads its inputs, plans, and reports; returns what to
//! print and the exit code.

pub mod cli;
pub(crate) mod commands;
#[cfg(test)]
mod regeneration_tests;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::cli::{Cli, Command, DataArgs, GenerateArgs, ScenarioArgs};
use crate::catalog::{SourceFile, embedded, layered_files};
use crate::error::{EXIT_BUDGET, EXIT_CHECK_FAILED, EXIT_OK, Error, Problem};
use crate::model::economics::{unit_economics, when_to_move};
use crate::model::plan::{Data, Gate, PlanError, Planner, Scenario, plan};
use crate::model::select::SelectError;
use crate::model::sensitivity::sensitivity;
use crate::model::stage::Stages;
use crate::model::usage::UsageOverrides;
use crate::report::Format;
use crate::report::audit::AuditReport;
use crate::report::checklist::ChecklistReport;
use crate::report::listing::{PricesListing, StagesListing};
use crate::report::plan::PlanReport;
use crate::report::render;
use crate::report::table::Fit;
use crate::terraform::context::{Naming, TemplateContext};
use crate::terraform::generate;
use crate::terraform::generate::Mode;
use crate::terraform::report::GenerateReport;

/// What a command produced: text for standard output and error, and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Everything to print on standard output.
    pub stdout: String,
    /// A line for standard error (a broken budget gate), if any.
    pub stderr: String,
    /// The process exit code.
    pub code: u8,
}

impl Outcome {
    fn ok(stdout: String) -> Outcome {
        Outcome {
            stdout,
            stderr: String::new(),
            code: EXIT_OK,
        }
    }

    /// `stdout`, failing with [`EXIT_BUDGET`] when `gate` is broken; `broken`
    /// lists what broke it (a scenario, a month).
    pub(crate) fn gated(stdout: String, gate: Option<Gate>, broken: &[String]) -> Outcome {
        match gate {
            Some(gate) if !broken.is_empty() => Outcome {
                stdout,
                stderr: format!(
                    "error: --fail-on {}: the budget gate is broken by {}\n",
                    gate.name(),
                    broken.join("; ")
                ),
                code: EXIT_BUDGET,
            },
            _ => Outcome::ok(stdout),
        }
    }
}

/// Columns to fit tables to: the terminal's when standard output is one, else
/// `$COLUMNS`, else 100.
fn terminal_width() -> usize {
    const DEFAULT: usize = 100;
    let stdout = std::io::stdout();
    #[cfg(unix)]
    if std::io::IsTerminal::is_terminal(&stdout)
        && let Ok(size) = rustix::termios::tcgetwinsize(&stdout)
        && size.ws_col > 0
    {
        return usize::from(size.ws_col);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|columns| (20..=10_000).contains(columns))
        .unwrap_or(DEFAULT)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome, Error> {
    if let Command::Completions(args) = &cli.command {
        let mut script = Vec::new();
        clap_complete::generate(
            args.shell,
            &mut <Cli as clap::CommandFactory>::command(),
            "infraplan",
            &mut script,
        );
        return Ok(Outcome::ok(String::from_utf8_lossy(&script).into_owned()));
    }
    if let Command::Resolve(args) = &cli.command {
        let resolved = generate::resolve(&args.out, &args.files, Duration::from_secs(args.wait))?;
        return Ok(Outcome::ok(crate::terraform::report::resolved_text(
            &args.out, &resolved,
        )));
    }
    let data = load_data(&cli.data)?;
    // Where the report goes, and the files it reads, which it must not
    // overwrite.
    let (report_file, inputs): (Option<PathBuf>, Vec<Option<&Path>>) = match &cli.command {
        Command::Plan(args) => (
            args.report_file.path.clone(),
            vec![args.scenario.usage.as_deref()],
        ),
        Command::Compare(args) => (args.report_file.path.clone(), vec![args.file.as_deref()]),
        Command::Roadmap(args) => (
            args.report_file.path.clone(),
            vec![args.from_file.as_deref(), args.usage.as_deref()],
        ),
        Command::Diff(args) => (args.report_file.path.clone(), vec![args.usage.as_deref()]),
        Command::Checklist(args) => (
            args.report_file.path.clone(),
            vec![args.scenario.usage.as_deref()],
        ),
        Command::Audit(args) => (
            args.report_file.path.clone(),
            vec![Some(args.file.as_path())],
        ),
        _ => (None, Vec::new()),
    };
    if let Some(out) = &report_file
        && let Some(input) = inputs
            .into_iter()
            .flatten()
            .find(|input| same_file(input, out))
    {
        return Err(Error::usage(
            "--out",
            Problem::OutIsAnInput(input.display().to_string()),
        ));
    }
    let fit = if cli.wide {
        Fit::Wide
    } else {
        Fit::Columns(terminal_width())
    };
    let outcome = match cli.command {
        Command::Plan(args) => {
            let scenario = scenario_from(&args.scenario, &data)?;
            // One planner for the plan and the move up: each stage compiles once.
            let planner = Planner::new(&data, &scenario);
            let plan = planner
                .plan(scenario.customers, scenario.mrr)
                .map_err(plan_error)?;
            let economics = unit_economics(&data, &plan, args.gross_margin).map_err(plan_error)?;
            let moved = match &plan.next {
                Some(next) => Some(
                    when_to_move(
                        &planner,
                        plan.selection.stage,
                        next.stage,
                        scenario.customers,
                        args.migration_cost,
                    )
                    .map_err(plan_error)?,
                ),
                None => None,
            };
            let mut report = PlanReport::new(&plan).with_economics(&economics, moved.as_ref());
            if args.sensitivity {
                let swings = sensitivity(&data, &scenario).map_err(plan_error)?;
                report = report.with_sensitivity(&swings);
            }
            let stdout = render(&report, args.format, fit);
            let broken = gate_breaches(args.fail_on, &[("the plan".to_owned(), plan.quote())]);
            Ok(Outcome::gated(stdout, args.fail_on, &broken))
        }
        Command::Stages(args) => Ok(Outcome::ok(render(
            &StagesListing::new(&data.stages),
            args.format,
            fit,
        ))),
        Command::Prices(args) => Ok(Outcome::ok(render(
            &PricesListing::new(&data.catalog),
            args.format,
            fit,
        ))),
        Command::Generate(args) => generate_command(&data, &cli.data, &args, fit),
        Command::Compare(args) => commands::compare(&data, &args, fit),
        Command::Roadmap(args) => commands::roadmap(&data, &args, fit),
        Command::Diff(args) => commands::diff_command(&data, &args, fit),
        Command::Audit(args) => audit_command(&data, &args.file, args.format, fit),
        Command::Checklist(args) => {
            let scenario = scenario_from(&args.scenario, &data)?;
            let plan = plan(&data, &scenario).map_err(plan_error)?;
            let report = ChecklistReport::for_plan(&data, &plan, args.eu_customers);
            Ok(Outcome::ok(render(&report, args.format, fit)))
        }
        Command::Resolve(_) | Command::Completions(_) => {
            unreachable!("resolve and completions run before the data is loaded")
        }
    }?;
    match report_file {
        Some(path) => write_report(outcome, &path),
        None => Ok(outcome),
    }
}

/// `infraplan audit FILE`.
fn audit_command(data: &Data, path: &Path, format: Format, fit: Fit) -> Result<Outcome, Error> {
    let file = read_input(path, "FILE")?;
    let (setup, paas) = crate::catalog::audit::load(&file)?;
    let platform = paas.unwrap_or_else(|| crate::model::plan::DEFAULT_PLATFORM.to_owned());
    let platforms = known_platforms(&data.stages);
    if !platforms.contains(&platform.as_str()) {
        return Err(Error::data(
            &file.label,
            "paas",
            Problem::UnknownPlatform {
                given: platform,
                known: platforms.iter().map(|known| (*known).to_owned()).collect(),
            },
        ));
    }
    let scenario = Scenario {
        customers: setup.customers,
        mrr: setup.mrr,
        platform,
        forced_stage: None,
        usage: UsageOverrides::default(),
        commitment: crate::model::cost::Commitment::None,
    };
    let planned = plan(data, &scenario).map_err(plan_error)?;
    let audit = crate::model::audit::audit(&setup, planned, &data.roadmap);
    let report = AuditReport::new(&audit, &setup, &data.roadmap);
    Ok(Outcome::ok(render(&report, format, fit)))
}

/// Whether `one` and `other` name the same file (one that exists, or the
/// same path).
fn same_file(one: &Path, other: &Path) -> bool {
    match (one.canonicalize(), other.canonicalize()) {
        (Ok(one), Ok(other)) => one == other,
        _ => one == other,
    }
}

/// Writes a report's output to `path` (`--out FILE`) whole: into a file
/// beside it first, then renamed over it, so a reader never sees half of
/// it and a failure leaves the old file as it was.
fn write_report(mut outcome: Outcome, path: &std::path::Path) -> Result<Outcome, Error> {
    let cannot = |source: std::io::Error| Error::CannotCreate {
        flag: "--out".to_owned(),
        path: path.to_owned(),
        reason: format!("cannot write it: {source}"),
    };
    let name = path.file_name().ok_or_else(|| {
        cannot(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it names a folder, not a file",
        ))
    })?;
    let mut partial = name.to_owned();
    partial.push(format!(".infraplan-partial-{}", std::process::id()));
    let partial = path.with_file_name(partial);
    let written = std::fs::File::create(&partial)
        .and_then(|mut file| {
            std::io::Write::write_all(&mut file, outcome.stdout.as_bytes())?;
            // On disk before it takes the name: a crash leaves the old file
            // or the new one, never a part.
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&partial, path));
    if let Err(source) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(cannot(source));
    }
    outcome.stdout.clear();
    Ok(outcome)
}

fn generate_command(
    data: &Data,
    data_args: &DataArgs,
    args: &GenerateArgs,
    fit: Fit,
) -> Result<Outcome, Error> {
    generate::check_app_name(&args.name)?;
    if let Some(domain) = &args.domain {
        generate::check_domain(domain)?;
    }
    generate::check_region(&args.region, &data.catalog.regions())?;
    // A folder keeps the platform it was generated for unless --paas says otherwise.
    let recorded = crate::terraform::regenerate::write::recorded_platform(&args.out);
    let scenario = scenario_on(
        &args.scenario,
        data,
        recorded
            .as_deref()
            .unwrap_or(crate::model::plan::DEFAULT_PLATFORM),
    )?;
    let plan = plan(data, &scenario).map_err(plan_error)?;
    let templates = crate::terraform::templates_for(
        crate::terraform::load_templates(embedded::TEMPLATES, args.templates.as_deref())?,
        plan.selection.variant_name,
    );
    crate::terraform::check_component_names(&templates, &data.stages)?;
    let naming = Naming {
        app_name: args.name.clone(),
        region: args.region.clone(),
        domain: args.domain.clone(),
    };
    let context = TemplateContext::new(&plan, data, &naming);
    let fingerprint = generate::fingerprint(&context, &templates);
    // Parsing the templates is most of a run's cost: done only when the
    // folder's records cannot stand in for a rendering.
    let render_files = || {
        crate::terraform::Renderer::new(templates.clone())?
            .render_variant(plan.selection.variant_name, &context)
    };
    let mode = match (args.check, args.dry_run) {
        (true, _) => Mode::Check,
        (false, true) => Mode::DryRun,
        (false, false) => Mode::Write,
    };
    let flags = generate_flags(args, data_args, &scenario);
    let target = generate::Target {
        plan: &plan,
        naming: &naming,
        flags: &flags,
        fingerprint: Some(&fingerprint),
    };
    let generated = generate::regenerate(
        &args.out,
        &render_files,
        target,
        args.force,
        mode,
        Duration::from_secs(args.wait),
    )?;
    let report = GenerateReport::new(&args.out, mode, &plan, &generated);
    let stdout = render(&report, args.format, fit);
    let pending = generated.conflicts().next().is_some();
    let code = if mode == Mode::Check && (generated.differs || pending) {
        EXIT_CHECK_FAILED
    } else {
        EXIT_OK
    };
    Ok(Outcome {
        stdout,
        stderr: String::new(),
        code,
    })
}

/// The flags, as shell words, that generate `scenario` with `args`' names
/// and files into another folder; the platform is always named.
fn generate_flags(args: &GenerateArgs, data_args: &DataArgs, scenario: &Scenario) -> Vec<String> {
    let mut flags: Vec<(&str, String)> = vec![
        ("--customers", scenario.customers.to_string()),
        ("--mrr", scenario.mrr.normalize().to_string()),
        ("--paas", scenario.platform.clone()),
    ];
    if let Some(stage) = scenario.forced_stage {
        flags.push(("--stage", stage.to_string()));
    }
    if scenario.commitment != crate::model::cost::Commitment::None {
        flags.push(("--commitment", scenario.commitment.name().to_owned()));
    }
    let paths = [
        ("--usage", &args.scenario.usage),
        ("--templates", &args.templates),
        ("--stages", &data_args.stages),
        ("--prices", &data_args.prices),
    ];
    for (flag, path) in paths {
        if let Some(path) = path {
            flags.push((flag, path.display().to_string()));
        }
    }
    flags.push(("--name", args.name.clone()));
    flags.push(("--region", args.region.clone()));
    if let Some(domain) = &args.domain {
        flags.push(("--domain", domain.clone()));
    }
    flags
        .into_iter()
        .map(|(flag, value)| format!("{flag} {}", crate::printable::shell_word(&value)))
        .collect()
}

/// What breaks `gate` among named quotes: "NAME (stage N, 24.1% of MRR, over the ceiling)".
pub(crate) fn gate_breaches(
    gate: Option<Gate>,
    quotes: &[(String, crate::model::plan::Quote<'_>)],
) -> Vec<String> {
    let Some(gate) = gate else {
        return Vec::new();
    };
    quotes
        .iter()
        .filter(|(_, quote)| gate.is_broken_by(quote.assessment.verdict))
        .map(|(name, quote)| {
            let share = quote.assessment.share.map_or_else(
                || {
                    format!(
                        ", {} against an MRR of $0, where any positive cost breaks a share-of-MRR limit",
                        quote.total
                    )
                },
                |share| format!(", {share} of MRR"),
            );
            format!(
                "{name} (stage {}{share}, {})",
                quote.selection.stage.number,
                quote.assessment.verdict.label()
            )
        })
        .collect()
}

/// Loads built-in data, with any folder the user gave layered over it.
pub fn load_data(args: &DataArgs) -> Result<Data, Error> {
    let price_files = layered_files(
        "prices",
        embedded::PRICES,
        args.prices.as_deref(),
        "--prices",
    )?;
    let catalog = crate::catalog::prices::load(&price_files)?;
    let stage_files = layered_files(
        "stages",
        embedded::STAGES,
        args.stages.as_deref(),
        "--stages",
    )?;
    let stages = crate::catalog::stages::load(&stage_files, &catalog)?;
    let roadmap = crate::catalog::roadmap::builtin()?;
    crate::catalog::stages::check_security(&stages, &roadmap.security_checklist)?;
    Ok(Data {
        catalog,
        stages,
        roadmap,
    })
}

/// A scenario from flags, checked against the data.
pub fn scenario_from(args: &ScenarioArgs, data: &Data) -> Result<Scenario, Error> {
    scenario_on(args, data, crate::model::plan::DEFAULT_PLATFORM)
}

/// The scenario, on `default_platform` when `--paas` is not given.
fn scenario_on(
    args: &ScenarioArgs,
    data: &Data,
    default_platform: &str,
) -> Result<Scenario, Error> {
    let platform = args.paas.as_deref().unwrap_or(default_platform);
    let usage = checked_platform_and_usage(platform, args.usage.as_deref(), data)?;
    Ok(Scenario {
        customers: args.customers,
        mrr: args.mrr,
        platform: platform.to_owned(),
        forced_stage: args.stage,
        usage,
        commitment: args.commitment,
    })
}

/// Checks `--paas` against the stages' variants and loads `--usage`.
pub fn checked_platform_and_usage(
    paas: &str,
    usage: Option<&Path>,
    data: &Data,
) -> Result<UsageOverrides, Error> {
    let platforms = known_platforms(&data.stages);
    if !platforms.contains(&paas) {
        return Err(Error::usage(
            "--paas",
            Problem::UnknownPlatform {
                given: paas.to_owned(),
                known: platforms.iter().map(|known| (*known).to_owned()).collect(),
            },
        ));
    }
    match usage {
        Some(path) => crate::catalog::usage::load(&read_input(path, "--usage")?, &data.stages),
        None => Ok(UsageOverrides::default()),
    }
}

/// Every platform some stage has a variant for, in stage order.
pub fn known_platforms(stages: &Stages) -> Vec<&str> {
    let mut platforms: Vec<&str> = Vec::new();
    for stage in stages.all() {
        for name in stage.variants.keys() {
            if !platforms.contains(&name.as_str()) {
                platforms.push(name);
            }
        }
    }
    platforms
}

/// Reads a file a flag names.
pub fn read_input(path: &Path, flag: &str) -> Result<SourceFile, Error> {
    let text = crate::input::read_text(path).map_err(|source| Error::NoInput {
        flag: flag.to_owned(),
        path: path.to_owned(),
        reason: source.to_string(),
    })?;
    Ok(SourceFile::user(path.display().to_string(), text))
}

/// A planning failure, as the flag or data file that caused it.
pub fn plan_error(error: PlanError) -> Error {
    match error {
        PlanError::Overflow {
            file,
            key,
            sku,
            customers,
        } => Error::data(&file, key, Problem::CostPastLimit { sku, customers }),
        PlanError::Select(error @ SelectError::UnknownStage { .. }) => {
            Error::usage("--stage", error)
        }
        PlanError::Select(error @ SelectError::UnknownVariant { .. }) => {
            Error::usage("--paas", error)
        }
    }
}
