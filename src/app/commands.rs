//! `compare`, `roadmap` and `diff`: read their inputs, plan, and report.

use std::fs;

use super::{
    Outcome, checked_platform_and_usage, gate_breaches, known_platforms, plan_error, read_input,
};
use crate::app::cli::{CompareArgs, DiffArgs, RoadmapArgs};
use crate::catalog::scenarios::{self, ScenarioSpec};
use crate::error::{Error, Problem};
use crate::model::diff::{Side, diff};
use crate::model::economics::idle;
use crate::model::limits::Limited;
use crate::model::money::Money;
use crate::model::plan::{Data, Plan, PlanError, Planner, Quote, Scenario, plan};
use crate::model::projection::{Growth, PastLimits, plan_months, project, quarters};
use crate::model::select::variant_for;
use crate::model::simulation::{Range, SimulationError, UncertainGrowth, simulate};
use crate::model::usage::UsageOverrides;
use crate::printable::shown;
use crate::report::compare::CompareReport;
use crate::report::diff::DiffReport;
use crate::report::html::Attachments;
use crate::report::roadmap::RoadmapReport;
use crate::report::simulation::SimulationReport;
use crate::report::sources::price_sources;
use crate::report::table::Fit;
use crate::report::{chart, render, render_rows};

/// `infraplan compare`.
pub(crate) fn compare(data: &Data, args: &CompareArgs, fit: Fit) -> Result<Outcome, Error> {
    let mut specs: Vec<(String, ScenarioSpec)> = Vec::new();
    if let Some(path) = &args.file {
        let file = read_input(path, "SCENARIOS.json")?;
        for spec in scenarios::load(&file)? {
            specs.push((file.label.clone(), spec));
        }
    }
    for text in &args.scenarios {
        let spec = scenarios::parse_inline(text, None)
            .map_err(|problem| Error::usage("--scenario", problem))?;
        specs.push(("--scenario".to_owned(), spec));
    }
    if specs.is_empty() {
        return Err(Error::usage("compare", Problem::NoScenarios));
    }
    let platforms = known_platforms(&data.stages);
    let mut plans: Vec<(String, Plan<'_>)> = Vec::new();
    let mut baselines: Vec<Money> = Vec::new();
    // Each planner with its twin at zero usage, for the fixed baseline.
    let mut planners: Vec<(Planner<'_>, Planner<'_>)> = Vec::new();
    for (source, spec) in &specs {
        if plans.iter().any(|(name, _)| name == &spec.name) {
            return Err(scenario_error(
                source,
                &spec.name,
                "name",
                Problem::NameTwice,
            ));
        }
        let scenario = spec
            .to_scenario(&data.stages, &platforms)
            .map_err(|(field, problem)| scenario_error(source, &spec.name, &field, problem))?;
        // Scenarios that differ only in customers and MRR share a planner.
        let (planner, idle_planner) = match planners
            .iter()
            .position(|(planner, _)| planner.serves(&scenario))
        {
            Some(index) => &planners[index],
            None => {
                planners.push((
                    Planner::new(data, &scenario),
                    Planner::new(data, &idle(data, &scenario)),
                ));
                &planners[planners.len() - 1]
            }
        };
        let planned =
            planner
                .plan(scenario.customers, scenario.mrr)
                .map_err(|error| match error {
                    PlanError::Select(error) => {
                        scenario_error(source, &spec.name, "stage", error.into())
                    }
                    overflow @ PlanError::Overflow { .. } => plan_error(overflow),
                })?;
        baselines.push(
            idle_planner
                .price(scenario.customers)
                .map_err(plan_error)?
                .1,
        );
        plans.push((spec.name.clone(), planned));
    }
    let mut report = CompareReport::new(&plans, &baselines, args.migration_cost);
    report.attachments.sources = Some(price_sources(
        &data.catalog,
        plans.iter().map(|(_, plan)| plan.selection.variant),
        plans.iter().map(|(_, plan)| plan.scenario.commitment),
    ));
    let stdout = render_rows(&report, args.format, fit);
    let named: Vec<(String, Quote<'_>)> = plans
        .iter()
        .map(|(name, plan)| (format!("\"{}\"", shown(name)), plan.quote()))
        .collect();
    Ok(Outcome::gated(
        stdout,
        args.fail_on,
        &gate_breaches(args.fail_on, &named),
    ))
}

/// An error in one scenario, naming where it came from (`--scenario` or a
/// file), the scenario and the field.
fn scenario_error(source: &str, name: &str, field: &str, problem: Problem) -> Error {
    if source == "--scenario" {
        Error::usage(
            source,
            Problem::InScenario {
                name: name.to_owned(),
                field: field.to_owned(),
                problem: Box::new(problem),
            },
        )
    } else {
        Error::data(
            source,
            format!("scenario \"{}\": {field}", shown(name)),
            problem,
        )
    }
}

/// `infraplan roadmap`.
pub(crate) fn roadmap(data: &Data, args: &RoadmapArgs, fit: Fit) -> Result<Outcome, Error> {
    let usage = checked_platform_and_usage(&args.paas, args.usage.as_deref(), data)?;
    let template = Scenario {
        customers: 0,
        mrr: rust_decimal::Decimal::ZERO,
        platform: args.paas.clone(),
        forced_stage: None,
        usage,
        commitment: args.commitment,
    };
    if let Some(paths) = args.paths {
        return simulate_roadmap(data, args, &template, paths, fit);
    }
    let ranged = [
        ("--growth", args.growth),
        ("--churn", Some(args.churn)),
        ("--mrr-growth", args.mrr_growth),
    ];
    if let Some((flag, _)) = ranged
        .iter()
        .find(|(_, rate)| rate.is_some_and(Range::is_spread))
    {
        return Err(Error::usage(flag, Problem::RangeWithoutPaths));
    }
    let (growth, inputs) = match &args.from_file {
        Some(path) => (
            None,
            scenarios::load_months(&read_input(path, "--from-file")?)?,
        ),
        None => {
            let missing = |flag: &str| Error::usage(flag, Problem::NeededWithoutMonthsFile);
            let growth = Growth {
                customers: args.customers.ok_or_else(|| missing("--customers"))?,
                mrr: args.mrr.ok_or_else(|| missing("--mrr"))?,
                growth_percent: args.growth.ok_or_else(|| missing("--growth"))?.low,
                mrr_growth_percent: args.mrr_growth.map(|rate| rate.low),
                churn_percent: args.churn.low,
                months: args.months,
            };
            let inputs = project(&growth).map_err(|past| past_limits(past, args))?;
            (Some(growth), inputs)
        }
    };
    let months = plan_months(data, &template, &inputs, args.migration_cost).map_err(plan_error)?;
    let mut report = RoadmapReport::new(
        growth.as_ref(),
        &args.paas,
        args.commitment,
        &months,
        &quarters(&months),
        &data.roadmap.cost_levers,
    );
    let (chart_months, shares) = report.chart_data(&data.stages);
    let svg = chart::svg(
        "Monthly infrastructure cost against share of MRR",
        chart::Axis::Dollars,
        &chart_months,
        &shares,
    );
    report.attachments = chart_and_sources(
        args,
        svg,
        "Monthly infrastructure cost month by month against the stages' guidance and the 20% ceiling as shares of MRR, stage changes marked; the month-by-month table gives the same figures.",
        price_sources(
            &data.catalog,
            months.iter().map(|month| month.quote.selection.variant),
            [args.commitment],
        ),
    )?;
    let stdout = render_rows(&report, args.format, fit);
    let named: Vec<(String, Quote<'_>)> = months
        .iter()
        .map(|month| (format!("month {}", month.number), month.quote))
        .collect();
    Ok(Outcome::gated(
        stdout,
        args.fail_on,
        &gate_breaches(args.fail_on, &named),
    ))
}

/// `roadmap --paths N`: the growth ranges simulated path by path.
fn simulate_roadmap(
    data: &Data,
    args: &RoadmapArgs,
    template: &Scenario,
    paths: u32,
    fit: Fit,
) -> Result<Outcome, Error> {
    let missing = |flag: &str| Error::usage(flag, Problem::NeededWithoutMonthsFile);
    let growth = UncertainGrowth {
        customers: args.customers.ok_or_else(|| missing("--customers"))?,
        mrr: args.mrr.ok_or_else(|| missing("--mrr"))?,
        growth: args.growth.ok_or_else(|| missing("--growth"))?,
        churn: args.churn,
        mrr_growth: args.mrr_growth,
        months: args.months,
    };
    let planner = Planner::new(data, template);
    let simulation =
        simulate(&planner, &growth, paths, args.seed).map_err(|error| match error {
            SimulationError::PastLimits(past) => past_limits(past, args),
            SimulationError::Plan(error) => plan_error(error),
        })?;
    let mut report = SimulationReport::new(&simulation, &growth, &args.paas, args.commitment);
    let (axis, chart_months, shares) = report.chart_data(&data.stages);
    let svg = chart::svg(
        &format!(
            "Infrastructure cost over {} growth paths: median and 10th–90th percentile",
            crate::model::money::format_quantity(paths.into())
        ),
        axis,
        &chart_months,
        &shares,
    );
    // The stages the paths can reach: every stage, on the platform asked.
    let variants: Vec<_> = data
        .stages
        .all()
        .iter()
        .filter_map(|stage| variant_for(stage, &args.paas).ok())
        .map(|(_, variant)| variant)
        .collect();
    report.attachments = chart_and_sources(
        args,
        svg,
        "The median path and the band from the 10th to the 90th percentile of paths, month by month, against the stages' guidance and the ceiling; the tables give the same figures.",
        price_sources(&data.catalog, variants, [args.commitment]),
    )?;
    let stdout = render_rows(&report, args.format, fit);
    // The gate breaks when a month's median path breaks it.
    let broken: Vec<String> = simulation
        .months
        .iter()
        .filter(|month| {
            args.fail_on
                .is_some_and(|gate| gate.is_broken_by(simulation.median_verdict(month)))
        })
        .map(|month| format!("month {}", month.number))
        .collect();
    Ok(Outcome::gated(stdout, args.fail_on, &broken))
}

/// A projection past a limit, as the flag to lower.
fn past_limits(past: PastLimits, args: &RoadmapArgs) -> Error {
    let flag = if past.what == Limited::Customers || args.mrr_growth.is_none() {
        "--growth"
    } else {
        "--mrr-growth"
    };
    Error::usage(
        flag,
        Problem::GrowthPastLimit {
            month: past.month,
            what: past.what,
            flag,
        },
    )
}

/// A roadmap's chart, written to `--chart` if given, and its page's
/// chart (with `summary` as its text alternative) and price sources.
fn chart_and_sources(
    args: &RoadmapArgs,
    svg: String,
    summary: &str,
    sources: crate::report::table::Table,
) -> Result<Attachments, Error> {
    if let Some(path) = &args.chart {
        fs::write(path, &svg).map_err(|source| Error::CannotCreate {
            flag: "--chart".to_owned(),
            path: path.to_owned(),
            reason: format!("cannot write it: {source}"),
        })?;
    }
    Ok(Attachments {
        chart: Some((svg, summary.to_owned())),
        sources: Some(sources),
    })
}

/// `infraplan diff`.
pub(crate) fn diff_command(data: &Data, args: &DiffArgs, fit: Fit) -> Result<Outcome, Error> {
    let platforms = known_platforms(&data.stages);
    let usage = match &args.usage {
        Some(path) => crate::catalog::usage::load(&read_input(path, "--usage")?, &data.stages)?,
        None => UsageOverrides::default(),
    };
    let scenario =
        |flag: &str, text: &str, default_name: &str| -> Result<(String, Scenario), Error> {
            let spec = scenarios::parse_inline(text, Some(default_name))
                .map_err(|problem| Error::usage(flag, problem))?;
            let mut scenario =
                spec.to_scenario(&data.stages, &platforms)
                    .map_err(|(field, problem)| {
                        Error::usage(
                            flag,
                            Problem::InScenario {
                                name: spec.name.clone(),
                                field,
                                problem: Box::new(problem),
                            },
                        )
                    })?;
            scenario.usage = usage.clone();
            Ok((spec.name, scenario))
        };
    let (from_name, from) = scenario("--from", &args.from, "from")?;
    let (to_name, to) = scenario("--to", &args.to, "to")?;
    let from_plan = plan(data, &from).map_err(plan_error)?;
    let to_plan = plan(data, &to).map_err(plan_error)?;
    let moved = diff(Side::of(&from_plan), Side::of(&to_plan), &data.stages);
    let mut report = DiffReport::new(
        (&from_name, &from_plan),
        (&to_name, &to_plan),
        &moved,
        args.migration_cost,
    );
    report.attachments.sources = Some(price_sources(
        &data.catalog,
        [from_plan.selection.variant, to_plan.selection.variant],
        [from.commitment, to.commitment],
    ));
    Ok(Outcome::ok(render(&report, args.format, fit)))
}
