//! Reads `stages/*.json` into [`Stages`], checking each stage against the
//! price catalog and the stages against each other.

use rust_decimal::Decimal;

use super::{SourceFile, check_schema_version, parse};
use crate::error::{Error, Named, Problem};
use crate::model::prices::Catalog;
use crate::model::roadmap::{Owner, SecurityChecklist};
use crate::model::stage::*;

/// Parses and validates stage files against the price catalog.
pub fn load(files: &[SourceFile], catalog: &Catalog) -> Result<Stages, Error> {
    let mut stages = Vec::with_capacity(files.len());
    for file in files {
        let mut stage: Stage = parse(file)?;
        stage.file = file.label.clone();
        check_schema_version(&file.label, stage.schema_version)?;
        // A test checks every built-in stage against the built-in catalog
        // this way (`catalog::tests`).
        if !(file.built_in && catalog.is_built_in()) {
            validate_stage(&stage, catalog)?;
        }
        stages.push(stage);
    }
    stages.sort_by_key(|stage| stage.number);
    validate_ranges(&stages)?;
    Ok(Stages::from_sorted(stages))
}

fn validate_stage(stage: &Stage, catalog: &Catalog) -> Result<(), Error> {
    let file = stage.file.as_str();
    let fail = |key: String, problem: Problem| Err(Error::data(file, key, problem));
    let most = crate::model::limits::MAX_MONTHLY_COST;
    if stage.band.low > stage.band.high
        || stage.band.low.is_sign_negative()
        || stage.band.high > most
    {
        return fail("band".to_owned(), Problem::Band);
    }
    let is_percent = |value: Decimal| !value.is_sign_negative() && value <= Decimal::ONE_HUNDRED;
    let guidance_ok = match stage.budget.guidance {
        Guidance::UnderMonthly(amount) => !amount.is_sign_negative() && amount <= most,
        Guidance::UnderPercentOfMrr(percent) => is_percent(percent),
    };
    if !guidance_ok {
        return fail("budget.guidance".to_owned(), Problem::Guidance);
    }
    if !is_percent(stage.budget.ceiling_percent_of_mrr) {
        return fail("budget.ceiling_percent_of_mrr".to_owned(), Problem::Ceiling);
    }
    if let Some(max) = stage.customers.max
        && max < stage.customers.min
    {
        return fail("customers.max".to_owned(), Problem::MaxBelowMin(max));
    }
    if stage.variants.is_empty() {
        return fail("variants".to_owned(), Problem::NoVariants);
    }
    for (name, usage) in &stage.usage_per_customer {
        if let Err(range) = crate::model::limits::checked_usage(usage.value) {
            return fail(format!("usage_per_customer.{name}.value"), range.into());
        }
    }
    // Variant names become template folders and Terraform state keys,
    // component ids template names: keep both plain.
    let plain = |text: &str| {
        text.starts_with(|character: char| character.is_ascii_lowercase())
            && text.bytes().all(|byte| {
                byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_' || byte == b'-'
            })
    };
    for (variant_name, variant) in &stage.variants {
        if !plain(variant_name) {
            return fail(
                format!("variants.{}", crate::printable::shown(variant_name)),
                Problem::NotPlain(Named::Variant),
            );
        }
        for (index, component) in variant.components.iter().enumerate() {
            if !plain(&component.id) {
                return fail(
                    format!("variants.{variant_name}.components[{index}].id"),
                    Problem::NotPlain(Named::Component),
                );
            }
        }
        let mut with_allowance: Vec<&str> = Vec::new();
        for (component_index, component) in variant.components.iter().enumerate() {
            let at = format!("variants.{variant_name}.components[{component_index}]");
            let earlier = &variant.components[..component_index];
            if earlier.iter().any(|other| other.id == component.id) {
                return fail(format!("{at}.id"), Problem::IdTwice(component.id.clone()));
            }
            for (line_index, line) in component.lines.iter().enumerate() {
                let at = format!("{at}.lines[{line_index}]");
                let counted_so_far = earlier
                    .iter()
                    .flat_map(|other| other.lines.iter().map(move |line| (other, line)))
                    .chain(
                        component.lines[..line_index]
                            .iter()
                            .map(|line| (component, line)),
                    )
                    .filter(|(_, line)| matches!(line.quantity, Quantity::Count(_)))
                    .map(|(other, _)| other.id.as_str());
                let counted: Vec<&str> = counted_so_far.collect();
                validate_line(stage, catalog, &counted, line, &at)?;
                // A free allowance is per account: taking it off two lines would count it twice.
                if let SkuChoice::Sku(id) = &line.sku {
                    let has_allowance = catalog
                        .get(id)
                        .is_some_and(|sku| sku.free_per_month.is_some());
                    if has_allowance && with_allowance.contains(&id.as_str()) {
                        return fail(format!("{at}.sku"), Problem::AllowanceTwice(id.clone()));
                    }
                    if has_allowance {
                        with_allowance.push(id);
                    }
                }
            }
        }
    }
    Ok(())
}

/// `counted` names the components with a line sized by count before this one.
fn validate_line(
    stage: &Stage,
    catalog: &Catalog,
    counted: &[&str],
    line: &Line,
    at: &str,
) -> Result<(), Error> {
    let file = stage.file.as_str();
    let fail = |key: String, problem: Problem| Err(Error::data(file, key, problem));
    let known_metric =
        |metric: &str| metric == CUSTOMERS_METRIC || stage.usage_per_customer.contains_key(metric);
    let skus: Vec<(String, &str)> = match &line.sku {
        SkuChoice::Sku(id) => vec![(format!("{at}.sku"), id.as_str())],
        SkuChoice::SkuByTier(tiers) => {
            if !known_metric(&tiers.metric) {
                return fail(
                    format!("{at}.sku_by_tier.metric"),
                    Problem::NotAUsageMetric(tiers.metric.clone()),
                );
            }
            let last = tiers.tiers.len().saturating_sub(1);
            let mut previous: Option<Decimal> = None;
            for (index, tier) in tiers.tiers.iter().enumerate() {
                let key = format!("{at}.sku_by_tier.tiers[{index}].up_to");
                match (tier.up_to, index == last) {
                    (None, false) => {
                        return fail(key, Problem::OpenTierBeforeLast);
                    }
                    (Some(up_to), _) if previous.is_some_and(|previous| up_to <= previous) => {
                        return fail(key, Problem::TiersDescend);
                    }
                    (up_to, _) => previous = up_to.or(previous),
                }
            }
            if tiers.tiers.is_empty() {
                return fail(format!("{at}.sku_by_tier.tiers"), Problem::NoTiers);
            }
            tiers
                .tiers
                .iter()
                .enumerate()
                .map(|(index, tier)| {
                    (
                        format!("{at}.sku_by_tier.tiers[{index}].sku"),
                        tier.sku.as_str(),
                    )
                })
                .collect()
        }
    };
    for (key, id) in skus {
        let Some(sku) = catalog.get(id) else {
            return fail(key, Problem::UnknownSku(id.to_owned()));
        };
        if matches!(line.quantity, Quantity::Count(_)) && !sku.unit.is_per_resource() {
            return fail(
                key,
                Problem::CountedByUsage {
                    sku: id.to_owned(),
                    unit: sku.unit.to_string(),
                },
            );
        }
    }
    if let Some(each) = line.each {
        if !matches!(line.quantity, Quantity::Count(_)) {
            return fail(format!("{at}.each"), Problem::EachWithoutCount);
        }
        if each <= Decimal::ZERO || each > Decimal::from(1_000_000) {
            return fail(format!("{at}.each"), Problem::EachOutOfRange);
        }
    }
    match &line.quantity {
        Quantity::Count(Count::Scale(scale)) => {
            if scale.per_customers == 0 || scale.min > scale.max {
                return fail(format!("{at}.count.scale"), Problem::Scale);
            }
        }
        Quantity::Count(Count::Fixed(_)) => {}
        Quantity::Usage(rule) => {
            if !known_metric(&rule.metric) {
                return fail(
                    format!("{at}.usage.metric"),
                    Problem::NotAUsageMetric(rule.metric.clone()),
                );
            }
            for (index, metric) in rule.also.iter().enumerate() {
                if metric == CUSTOMERS_METRIC || !known_metric(metric) {
                    return fail(
                        format!("{at}.usage.also[{index}]"),
                        Problem::NotAUsageMetric(metric.clone()),
                    );
                }
            }
            if rule.multiplier.is_sign_negative() || rule.minimum.is_sign_negative() {
                return fail(format!("{at}.usage"), Problem::NegativeUsageRule);
            }
            if rule.round_up_to.is_some_and(|step| step <= Decimal::ZERO) {
                return fail(format!("{at}.usage.round_up_to"), Problem::RoundUpTo);
            }
        }
        Quantity::PerInstance(per) => {
            if !counted.contains(&per.component.as_str()) {
                return fail(
                    format!("{at}.per_instance.component"),
                    Problem::NotCountedBefore(per.component.clone()),
                );
            }
        }
    }
    Ok(())
}

/// Stage numbers run 1, 2, 3…; ranges start at 0, touch without gaps, and only
/// the last is open-ended.
fn validate_ranges(stages: &[Stage]) -> Result<(), Error> {
    let mut expected_min = 0;
    for (index, stage) in stages.iter().enumerate() {
        let expected_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if stage.number != expected_number {
            return Err(Error::data(
                &stage.file,
                "number",
                Problem::StageNumber {
                    found: stage.number,
                    expected: expected_number,
                },
            ));
        }
        if stage.customers.min != expected_min {
            return Err(Error::data(
                &stage.file,
                "customers.min",
                Problem::RangeGap {
                    min: stage.customers.min,
                    expected: expected_min,
                },
            ));
        }
        let is_last = index + 1 == stages.len();
        match (stage.customers.max, is_last) {
            (Some(max), false) => expected_min = max + 1,
            (None, true) => {}
            (None, false) => {
                return Err(Error::data(
                    &stage.file,
                    "customers.max",
                    Problem::OpenBeforeLast,
                ));
            }
            (Some(_), true) => {
                return Err(Error::data(
                    &stage.file,
                    "customers.max",
                    Problem::LastClosed,
                ));
            }
        }
    }
    if stages.is_empty() {
        return Err(Error::data("stages", "", Problem::NoStages));
    }
    Ok(())
}

/// Checks each variant's security claims against the roadmap's checklist:
/// every claimed item is an infrastructure item of it, named by at least
/// one resource address.
pub fn check_security(stages: &Stages, checklist: &SecurityChecklist) -> Result<(), Error> {
    for stage in stages.all() {
        for (variant_name, variant) in &stage.variants {
            for (item, delivery) in &variant.security {
                let key = format!("variants.{variant_name}.security.{item}");
                let fail = |problem| Error::data(&stage.file, key.clone(), problem);
                match checklist.item(item) {
                    Some((_, known)) if known.owner == Owner::Infrastructure => {}
                    _ => return Err(fail(Problem::NotAnInfrastructureItem(item.clone()))),
                }
                if delivery.resources.is_empty() {
                    return Err(fail(Problem::NotAResourceAddress(String::new())));
                }
                if let Some(address) = delivery
                    .resources
                    .iter()
                    .find(|address| !is_resource_address(address))
                {
                    return Err(fail(Problem::NotAResourceAddress(address.clone())));
                }
            }
        }
    }
    Ok(())
}

/// `type.name`, each part lowercase letters, digits and underscores.
fn is_resource_address(address: &str) -> bool {
    let part = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    matches!(address.split_once('.'), Some((kind, name)) if part(kind) && part(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cost::{Commitment, CompiledVariant, UsageProfile};
    use crate::model::usage::UsageOverrides;

    const PRICES: &str = r#"{"schema_version": 1, "provider": "t", "skus": [
        {"id": "t.server", "description": "server", "unit": "hour", "price": "0.10",
         "source": {"url": "https://example.com", "as_of": "2026-01-01", "excerpt": "$0.10 an hour"}},
        {"id": "t.disk", "description": "disk", "unit": "GB-month", "price": "0.08",
         "source": {"url": "https://example.com", "as_of": "2026-01-01", "excerpt": "$0.08"}},
        {"id": "t.requests", "description": "requests", "unit": "1M requests", "price": "0.40",
         "free_per_month": {"amount": "1000000", "excerpt": "1 million free"},
         "source": {"url": "https://example.com", "as_of": "2026-01-01", "excerpt": "$0.40"}}]}"#;

    fn load_with(components: &str) -> Result<Stages, Error> {
        let catalog = crate::catalog::prices::load(&[SourceFile::user(
            "prices/t.json".to_owned(),
            PRICES.to_owned(),
        )])
        .unwrap();
        let stage = format!(
            r#"{{"schema_version": 1, "number": 1, "name": "Only", "summary": "s",
            "customers": {{"min": 0}}, "band": {{"low": "1", "high": "2"}},
            "budget": {{"label": "Start", "guidance": {{"under_monthly": "200"}}, "ceiling_percent_of_mrr": "20"}},
            "usage_per_customer": {{"jobs": {{"value": "10", "unit": "jobs", "why": "w"}}}},
            "variants": {{"t": {{"title": "T", "components": [{components}]}}}}}}"#
        );
        crate::catalog::stages::load(
            &[SourceFile::user("stages/01.json".to_owned(), stage)],
            &catalog,
        )
    }

    fn error_of(components: &str) -> String {
        load_with(components).unwrap_err().to_string()
    }

    /// A one-stage file of `components` and the test catalog it prices from.
    fn load_with_catalog(components: &str) -> (Stages, Catalog) {
        let catalog = crate::catalog::prices::load(&[SourceFile::user(
            "prices/t.json".to_owned(),
            PRICES.to_owned(),
        )])
        .unwrap();
        (load_with(components).unwrap(), catalog)
    }

    /// The stage's variant compiled on demand with its default usage.
    fn compiled<'a>(stages: &'a Stages, catalog: &'a Catalog) -> CompiledVariant<'a> {
        let stage = &stages.all()[0];
        CompiledVariant::compile(
            &stage.variants["t"],
            catalog,
            UsageProfile::new(stage, &UsageOverrides::default()),
            Commitment::None,
        )
    }

    #[test]
    fn a_valid_stage_loads() {
        let stages = load_with(
            r#"{"id": "web", "name": "Web", "why": "w", "lines": [
                {"sku": "t.server", "count": {"scale": {"per_customers": 10, "min": 1, "max": 3}}},
                {"sku": "t.disk", "per_instance": {"component": "web", "amount": "30"}}]}"#,
        )
        .unwrap();
        assert_eq!(stages.all().len(), 1);
    }

    #[test]
    fn a_line_names_one_sku_and_one_size_and_no_unknown_key() {
        let cases = [
            (
                r#"{"sku": "t.server", "sku_by_tier": {"metric": "customers", "tiers": [{"sku": "t.server"}]}, "count": {"fixed": 1}}"#,
                "exactly one of `sku` and `sku_by_tier`",
            ),
            (
                r#"{"sku": "t.server", "count": {"fixed": 1}, "usage": {"metric": "jobs"}}"#,
                "exactly one of `count`, `usage` and `per_instance`",
            ),
            (r#"{"sku": "t.server"}"#, "exactly one of `count`"),
            (
                r#"{"sku": "t.server", "count": {"fixed": 1}, "colour": "red"}"#,
                "unknown field `colour`",
            ),
        ];
        for (line, expected) in cases {
            let error = load_with(&format!(
                r#"{{"id": "web", "name": "Web", "why": "w", "lines": [{line}]}}"#
            ))
            .unwrap_err()
            .to_string();
            assert!(
                error.starts_with("stages/01.json: variants.t.components[0].lines[0]"),
                "{error}"
            );
            assert!(error.contains(expected), "{error}");
        }
    }

    /// Usage lines priced in whole numbers (the total's fast path) give
    /// what the decimal steps of an estimate give, minimums, steps, free
    /// allowances and the cost limit included.
    #[test]
    fn usage_lines_total_as_their_estimates_do() {
        let (stages, catalog) = load_with_catalog(
            r#"{"id": "files", "name": "Files", "why": "w", "lines": [
                {"sku": "t.disk", "usage": {"metric": "jobs", "multiplier": "0.37", "minimum": "20", "round_up_to": "10"}},
                {"sku": "t.requests", "usage": {"metric": "jobs", "multiplier": "12345.6789"}}]}"#,
        );
        let compiled = compiled(&stages, &catalog);
        let counts = (0..3_000).chain([1_000_000, 123_456_789, 1_000_000_000]);
        for customers in counts {
            let total = compiled.total(customers);
            let estimate = compiled.estimate(customers).map(|estimate| estimate.total);
            assert_eq!(total, estimate, "{customers} customers");
        }
    }

    /// Lines each under the monthly cost limit but past it together: the
    /// total and the estimate both stop at the line that crosses it.
    #[test]
    fn lines_that_add_up_past_the_limit_stop_at_the_line_that_crosses() {
        use crate::model::cost::Overflow;
        // Each line: 1,356,000 servers × 1,000,000 each × 730 hours × $0.10,
        // about $99 trillion a month; the eleventh takes the total past $1,000 trillion.
        let lines: Vec<String> = (0..11)
            .map(|index| {
                format!(
                    r#"{{"sku": "t.server", "label": "l{index}", "count": {{"fixed": 1356000}}, "each": "1000000"}}"#
                )
            })
            .collect();
        let (stages, catalog) = load_with_catalog(&format!(
            r#"{{"id": "web", "name": "Web", "why": "w", "lines": [{}]}}"#,
            lines.join(", ")
        ));
        let compiled = compiled(&stages, &catalog);
        let crossing = Overflow {
            component: 0,
            line: 10,
        };
        assert_eq!(compiled.total(0), Err(crossing));
        assert_eq!(compiled.estimate(0).unwrap_err(), crossing);
    }

    #[test]
    fn disk_per_instance_needs_a_counted_component_first() {
        let error = error_of(
            r#"{"id": "web", "name": "Web", "why": "w", "lines": [
                {"sku": "t.disk", "per_instance": {"component": "web", "amount": "30"}}]}"#,
        );
        assert!(error.contains("lines[0].per_instance.component"), "{error}");
    }

    #[test]
    fn usage_priced_skus_cannot_be_counted() {
        let error = error_of(
            r#"{"id": "q", "name": "Q", "why": "w", "lines": [{"sku": "t.requests", "count": {"fixed": 1}}]}"#,
        );
        assert!(error.contains("size it by usage, not by count"), "{error}");
    }

    #[test]
    fn tiers_must_ascend_and_only_the_last_may_be_open() {
        let error = error_of(
            r#"{"id": "w", "name": "W", "why": "w", "lines": [{"sku_by_tier": {"metric": "jobs",
                "tiers": [{"up_to": "10", "sku": "t.server"}, {"up_to": "5", "sku": "t.server"}]},
                "count": {"fixed": 1}}]}"#,
        );
        assert!(
            error.contains("tiers[1].up_to: tiers must ascend"),
            "{error}"
        );
        let error = error_of(
            r#"{"id": "w", "name": "W", "why": "w", "lines": [{"sku_by_tier": {"metric": "jobs",
                "tiers": [{"sku": "t.server"}, {"up_to": "5", "sku": "t.server"}]},
                "count": {"fixed": 1}}]}"#,
        );
        assert!(
            error.contains("only the last tier may leave up_to out"),
            "{error}"
        );
    }

    #[test]
    fn a_free_allowance_is_taken_once_per_variant() {
        let line = r#"{"sku": "t.requests", "usage": {"metric": "jobs"}}"#;
        let error = error_of(&format!(
            r#"{{"id": "q", "name": "Q", "why": "w", "lines": [{line}, {line}]}}"#
        ));
        assert!(
            error.contains("lines[1].sku") && error.contains("free monthly allowance"),
            "{error}"
        );
    }

    #[test]
    fn unknown_metrics_are_named() {
        let error = error_of(
            r#"{"id": "q", "name": "Q", "why": "w", "lines": [{"sku": "t.requests", "usage": {"metric": "jbos"}}]}"#,
        );
        assert!(
            error.contains("usage.metric: \"jbos\" is not in usage_per_customer"),
            "{error}"
        );
    }
}
