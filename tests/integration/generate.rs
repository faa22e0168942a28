//! `infraplan generate`: every stage variant's Terraform is formatted, valid
//! against its providers' schemas (and `terraform validate` where the provider
//! is installed), clean under checkov, creates exactly what the plan priced,
//! and is the same bytes for the same input.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use hcl::Expression;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{VARIANTS, infraplan, infraplan_ok, scratch_dir, snapshot_settings, tree};
use crate::terraform::{
    checkov, parse_dir, planned_changes, resources, run_checkov, run_terraform, schema_problems,
    terraform, terraform_test,
};

const NAMING: [&str; 4] = ["--name", "acme-saas", "--domain", "example.com"];

/// Generates `variant` into a fresh folder and returns it.
fn generate(variant: &str, scenario: &[&str]) -> PathBuf {
    let out = scratch_dir(&format!("generate-{variant}")).join("infra");
    let out_text = out.to_string_lossy().into_owned();
    let mut args = vec!["generate", "--out", out_text.as_str()];
    args.extend_from_slice(scenario);
    args.extend_from_slice(&NAMING);
    infraplan_ok(&args);
    out
}

/// Every variant, generated once per test run and shared read-only.
pub(crate) fn generated() -> Vec<(&'static str, [&'static str; 6], PathBuf)> {
    static GENERATED: OnceLock<Vec<(&'static str, [&'static str; 6], PathBuf)>> = OnceLock::new();
    GENERATED
        .get_or_init(|| {
            VARIANTS
                .iter()
                .map(|(name, scenario)| (*name, *scenario, generate(name, scenario)))
                .collect()
        })
        .clone()
}

fn plan_json(scenario: &[&str]) -> Value {
    let mut args = vec!["plan", "--format", "json"];
    args.extend_from_slice(scenario);
    serde_json::from_str(&infraplan_ok(&args)).unwrap()
}

#[test]
fn every_variant_passes_the_schema_check() {
    for (name, _, dir) in generated() {
        let problems = schema_problems(&dir);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    }
}

#[test]
fn every_variant_is_terraform_fmt_clean() {
    let Some(terraform) = terraform() else { return };
    for (name, _, dir) in generated() {
        let (ok, output) =
            run_terraform(&terraform, &dir, &["fmt", "-check", "-diff", "-recursive"]);
        assert!(ok, "{name} is not formatted:\n{output}");
        // The example becomes terraform.tfvars: it must be formatted too.
        let copy = scratch_dir(&format!("fmt-tfvars-{name}"));
        fs::copy(
            dir.join("terraform.tfvars.example"),
            copy.join("terraform.tfvars"),
        )
        .unwrap();
        let (ok, output) = run_terraform(&terraform, &copy, &["fmt", "-check", "-diff"]);
        assert!(
            ok,
            "{name}: terraform.tfvars.example is not formatted:\n{output}"
        );
    }
}

/// Every value a Terraform template writes goes through an escaping helper:
/// `hcl_string` for strings, `hcl_number` for numbers, `hcl_comment` inside
/// comments. Block helpers and partials are the only other expressions.
/// Workflow templates (in `.github/` folders, and the `workflow_*` and
/// `deploy_*` partials) are checked by `workflows.rs`: they take no values.
#[test]
fn every_value_in_terraform_templates_is_escaped() {
    let root = crate::support::project_dir().join("templates");
    let mut raw = Vec::new();
    let mut templates = Vec::new();
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                templates.push(path);
            }
        }
    }
    templates.sort();
    for path in templates {
        {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // Markdown and YAML are not HCL: their values need no HCL escaping.
            if name.starts_with("README")
                || name.starts_with("readme")
                || name.ends_with(".yml.hbs")
                || name.starts_with("workflow_")
                || name.starts_with("deploy_")
            {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            for (start, _) in text.match_indices("{{") {
                let expression = &text[start + 2..];
                let allowed = [
                    "#",
                    "/",
                    ">",
                    "else",
                    "!",
                    "hcl_string ",
                    "hcl_number ",
                    "hcl_comment ",
                ];
                if !allowed.iter().any(|prefix| expression.starts_with(prefix)) {
                    let end = expression.find("}}").unwrap_or(expression.len());
                    raw.push(format!("{name}: {{{{{}}}}}", &expression[..end]));
                }
            }
        }
    }
    assert!(raw.is_empty(), "unescaped values:\n{}", raw.join("\n"));
}

/// Stage 3 validates against the real AWS provider, and its own `terraform
/// test` plans and applies it with a mock provider: the app runs the image,
/// uploads stay private, the database keeps its backups, alarms sit at the
/// roadmap's thresholds, and a folder moving from stage 2 imports the uploads
/// storage instead of creating a second one.
#[test]
fn stage_three_validates_and_passes_its_mock_test() {
    let Some(terraform) = terraform() else { return };
    let (_, _, dir) = generated().pop().unwrap();
    let (ok, output) = run_terraform(
        &terraform,
        &dir,
        &["init", "-backend=false", "-input=false", "-no-color"],
    );
    assert!(ok, "terraform init failed:\n{output}");
    let (ok, output) = run_terraform(&terraform, &dir, &["validate", "-json", "-no-color"]);
    let report: Value = serde_json::from_str(&output).unwrap_or(Value::Null);
    assert!(
        ok && report["valid"] == true,
        "terraform validate failed:\n{output}"
    );
    assert_eq!(
        report["warning_count"], 0,
        "terraform validate warned:\n{output}"
    );

    let (messages, passed) = terraform_test(&terraform, &dir);
    assert_eq!(
        passed,
        ["apply", "adopt_previous_stage"],
        "runs that passed"
    );

    // The adopting plan imports the stage-2 storage; nothing creates it again.
    let changes = planned_changes(&messages, "adopt_previous_stage");
    let shared = [
        "aws_s3_bucket.uploads",
        "aws_s3_bucket.access_logs",
        "aws_kms_key.uploads",
        "aws_kms_alias.uploads",
    ];
    for address in shared {
        let change = changes
            .iter()
            .find(|change| change["address"] == address)
            .unwrap_or_else(|| panic!("{address} is not in the plan"));
        assert!(
            change["change"]["importing"].is_object(),
            "{address} is not imported"
        );
        assert_eq!(
            change["change"]["actions"],
            serde_json::json!(["no-op"]),
            "{address}"
        );
    }
    let created_buckets: Vec<&str> = changes
        .iter()
        .filter(|change| change["type"] == "aws_s3_bucket")
        .filter(|change| change["change"]["actions"] == serde_json::json!(["create"]))
        .filter_map(|change| change["address"].as_str())
        .collect();
    assert_eq!(
        created_buckets,
        ["aws_s3_bucket.assets", "aws_s3_bucket.logs"],
        "new buckets"
    );
    let imported = changes
        .iter()
        .filter(|change| change["change"]["importing"].is_object())
        .count();
    assert_eq!(imported, 17, "the uploads storage, whole");
}

#[test]
fn every_variant_has_no_failed_checkov_check() {
    let Some(checkov) = checkov() else { return };
    for (name, _, dir) in generated() {
        let (summary, failed) = run_checkov(&checkov, &dir);
        assert!(
            failed.is_empty(),
            "{name}: checkov failed:\n{}",
            failed.join("\n")
        );
        assert_eq!(summary["failed"], 0, "{name}: {summary}");
        assert_eq!(summary["parsing_errors"], 0, "{name}: {summary}");
    }
}

/// Every file written, by path (`.github/workflows/deploy.yml` included),
/// without infraplan's own records.
#[test]
fn generated_files_snapshots() {
    for (name, _, dir) in generated() {
        let mut all = String::new();
        for (path, contents) in tree(&dir) {
            if path.starts_with(".infraplan/") {
                continue;
            }
            all.push_str(&format!(
                "==== {path} ====\n{}",
                String::from_utf8(contents).unwrap()
            ));
        }
        snapshot_settings().bind(|| insta::assert_snapshot!(format!("generate__{name}"), all));
    }
}

#[test]
fn same_input_same_bytes() {
    let (_, scenario, first) = generated().pop().unwrap();
    let again = scratch_dir("generate-again").join("infra");
    let again_text = again.to_string_lossy().into_owned();
    let mut args = vec!["generate", "--out", again_text.as_str()];
    args.extend_from_slice(&scenario);
    args.extend_from_slice(&NAMING);
    infraplan_ok(&args);
    // Other tests run terraform in the shared folder: its files are not ours.
    let written = |dir: &Path| {
        let mut files = tree(dir);
        files.retain(|path, _| !path.starts_with(".terraform"));
        files
    };
    assert!(
        written(&first) == written(&again),
        "two runs wrote different bytes"
    );
}

/// The default of `variable "name"` in `variables.tf`, as text.
fn variable_default(dir: &Path, name: &str) -> Option<String> {
    let files = parse_dir(dir);
    let body = files.get("variables.tf")?;
    let block = body.blocks().find(|block| {
        block.identifier() == "variable"
            && block.labels().first().map(|label| label.as_str()) == Some(name)
    })?;
    let default = block
        .body()
        .attributes()
        .find(|attribute| attribute.key() == "default")?;
    Some(match default.expr() {
        Expression::String(text) => text.clone(),
        Expression::Number(number) => number.to_string(),
        other => format!("{other:?}"),
    })
}

/// Lines of the plan by component id.
fn priced(plan: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut by_component: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in plan["lines"].as_array().unwrap() {
        by_component
            .entry(line["component"].as_str().unwrap().to_owned())
            .or_default()
            .push(line.clone());
    }
    by_component
}

/// The folder's `locals`, by name.
fn locals_of(dir: &Path) -> BTreeMap<String, Expression> {
    parse_dir(dir)
        .values()
        .flat_map(|body| body.blocks().filter(|block| block.identifier() == "locals"))
        .flat_map(|block| block.body().attributes())
        .map(|attribute| (attribute.key().to_owned(), attribute.expr().clone()))
        .collect()
}

/// The `local` an expression names, if it is just `local.NAME`.
fn local_name(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(traversal) = expr else {
        return None;
    };
    let hcl::Expression::Variable(root) = &traversal.expr else {
        return None;
    };
    let [hcl::TraversalOperator::GetAttr(name)] = traversal.operators.as_slice() else {
        return None;
    };
    (root.as_str() == "local").then_some(name.as_str())
}

/// How many instances one resource block makes: 1, its `count` (a number or
/// a local holding one), or the number of keys of the local object its
/// `for_each` names.
fn instances_of(
    resource: &crate::terraform::Resource,
    locals: &BTreeMap<String, Expression>,
) -> usize {
    let number = |expr: &Expression| match expr {
        Expression::Number(number) => number.as_u64().map(|count| usize::try_from(count).unwrap()),
        _ => None,
    };
    let attribute = |key: &str| {
        resource
            .body
            .attributes()
            .find(|attribute| attribute.key() == key)
            .map(|attribute| attribute.expr().clone())
    };
    if let Some(count) = attribute("count") {
        return number(&count)
            .or_else(|| {
                local_name(&count)
                    .and_then(|name| locals.get(name))
                    .and_then(number)
            })
            .unwrap_or_else(|| {
                panic!(
                    "cannot count {}.{}: {count:?}",
                    resource.type_name, resource.name
                )
            });
    }
    if let Some(for_each) = attribute("for_each") {
        return match local_name(&for_each).and_then(|name| locals.get(name)) {
            Some(Expression::Object(object)) => object.len(),
            _ => panic!(
                "cannot count {}.{}: {for_each:?}",
                resource.type_name, resource.name
            ),
        };
    }
    1
}

/// How many instances of `type_name` the folder creates.
fn count_of(dir: &Path, type_name: &str) -> usize {
    let locals = locals_of(dir);
    resources(dir)
        .iter()
        .filter(|resource| resource.kind == "resource" && resource.type_name == type_name)
        .map(|resource| instances_of(resource, &locals))
        .sum()
}

/// Alarm metrics as CloudWatch bills them: a plain alarm reads one metric, a
/// metric-math alarm is billed for each metric it reads (a `dynamic` query
/// block reads one per Redis node), and a target-tracking policy makes two
/// alarms of one metric each.
fn billed_alarm_metrics(dir: &Path, redis_nodes: usize) -> usize {
    let locals = locals_of(dir);
    let all = resources(dir);
    let alarms: usize = all
        .iter()
        .filter(|resource| {
            resource.kind == "resource" && resource.type_name == "aws_cloudwatch_metric_alarm"
        })
        .map(|alarm| {
            let queries = alarm
                .body
                .blocks()
                .filter(|block| block.identifier() == "metric_query");
            let direct = queries
                .filter(|query| {
                    query
                        .body()
                        .blocks()
                        .any(|block| block.identifier() == "metric")
                })
                .count();
            let dynamic = alarm
                .body
                .blocks()
                .filter(|block| block.identifier() == "dynamic")
                .count()
                * redis_nodes;
            let metrics = (direct + dynamic).max(1);
            metrics * instances_of(alarm, &locals)
        })
        .sum();
    let target_tracking = all
        .iter()
        .filter(|resource| resource.type_name == "aws_appautoscaling_policy")
        .filter(|policy| {
            policy.body.attributes().any(|attribute| {
                attribute.key() == "policy_type"
                    && matches!(attribute.expr(), Expression::String(kind) if kind == "TargetTrackingScaling")
            })
        })
        .count();
    alarms + 2 * target_tracking
}

/// The catalog's Terraform value for the SKU a line priced.
fn terraform_value(line: &Value, catalog: &Value) -> String {
    let sku = line["sku"].as_str().unwrap();
    catalog["skus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["id"] == sku)
        .and_then(|entry| entry["terraform_value"].as_str())
        .unwrap_or_else(|| panic!("{sku} has no terraform_value"))
        .to_owned()
}

/// Which resource creates each priced component (components that are only a
/// charge, like Render's workspace plan or data transfer, have none), and the
/// variable that carries its size or count from the plan.
struct Expectation {
    component: &'static str,
    resource: &'static str,
    size_variable: Option<&'static str>,
    count_variable: Option<&'static str>,
}

const fn expect(
    component: &'static str,
    resource: &'static str,
    size_variable: Option<&'static str>,
    count_variable: Option<&'static str>,
) -> Expectation {
    Expectation {
        component,
        resource,
        size_variable,
        count_variable,
    }
}

const HEROKU: &[Expectation] = &[
    expect(
        "web",
        "heroku_formation.web",
        Some("web_dyno_size"),
        Some("web_dyno_count"),
    ),
    expect(
        "worker",
        "heroku_formation.worker",
        Some("worker_dyno_size"),
        Some("worker_dyno_count"),
    ),
    expect(
        "database",
        "heroku_addon.database",
        Some("database_plan"),
        None,
    ),
    expect(
        "database_replica",
        "heroku_addon.database_replica",
        Some("database_replica_plan"),
        None,
    ),
    expect("cache", "heroku_addon.cache", Some("cache_plan"), None),
    expect(
        "cdn",
        "cloudflare_zone_subscription.this",
        Some("cloudflare_plan"),
        None,
    ),
    expect("file_storage", "aws_s3_bucket.uploads", None, None),
    expect("email", "sendgrid_api_key.app", None, None),
];

const RENDER: &[Expectation] = &[
    expect(
        "web",
        "render_web_service.this",
        Some("web_plan"),
        Some("web_instances"),
    ),
    expect(
        "worker",
        "render_background_worker.worker",
        Some("worker_plan"),
        Some("worker_instances"),
    ),
    expect(
        "database",
        "render_postgres.this",
        Some("database_plan"),
        None,
    ),
    expect("cache", "render_keyvalue.cache", Some("cache_plan"), None),
    expect(
        "cdn",
        "cloudflare_zone_subscription.this",
        Some("cloudflare_plan"),
        None,
    ),
    expect("file_storage", "aws_s3_bucket.uploads", None, None),
    expect("email", "sendgrid_api_key.app", None, None),
];

/// Every resource type the templates write: the component that prices what it
/// costs (`a_or_b`: whichever of the two the variant has), or `None` for types
/// that cost nothing themselves. A type missing
/// here fails the test, so a new costly resource cannot slip in unpriced.
const RESOURCE_COSTS: &[(&str, Option<&str>)] = &[
    ("aws_ecs_service", Some("web")),
    ("aws_ecs_cluster", Some("monitoring")),
    ("aws_ecr_repository", Some("registry")),
    ("aws_lb", Some("load_balancer")),
    ("aws_nat_gateway", Some("network")),
    ("aws_eip", Some("network")),
    ("aws_flow_log", Some("monitoring")),
    ("aws_db_instance", Some("database")),
    ("aws_backup_plan", Some("database")),
    ("aws_secretsmanager_secret", Some("database")),
    ("aws_elasticache_replication_group", Some("cache")),
    ("aws_s3_bucket", Some("file_storage")),
    ("aws_cloudfront_distribution", Some("cdn")),
    ("aws_cloudwatch_log_delivery", Some("cdn")),
    ("aws_wafv2_web_acl", Some("firewall")),
    (
        "aws_wafv2_web_acl_logging_configuration",
        Some("monitoring"),
    ),
    ("aws_sqs_queue", Some("queue")),
    ("aws_sns_topic", Some("alerts_or_uptime")),
    ("aws_route53_zone", Some("dns")),
    ("aws_cloudwatch_metric_alarm", Some("monitoring_or_uptime")),
    ("aws_route53_health_check", Some("uptime")),
    ("aws_cloudwatch_log_group", Some("monitoring")),
    ("aws_appautoscaling_policy", Some("monitoring")),
    ("aws_sesv2_email_identity", Some("email")),
    ("aws_kms_key", Some("encryption_or_file_storage")),
    ("heroku_formation", Some("web")),
    ("heroku_addon", Some("database")),
    ("render_web_service", Some("web")),
    ("render_background_worker", Some("worker")),
    ("render_postgres", Some("database")),
    ("render_keyvalue", Some("cache")),
    ("cloudflare_zone_subscription", Some("cdn")),
    ("sendgrid_api_key", Some("email")),
    ("aws_acm_certificate", None),
    ("aws_acm_certificate_validation", None),
    ("aws_appautoscaling_target", None),
    ("aws_backup_selection", None),
    ("aws_backup_vault", None),
    ("aws_cloudfront_origin_access_control", None),
    ("aws_cloudwatch_log_delivery_destination", None),
    ("aws_cloudwatch_log_delivery_source", None),
    ("aws_db_parameter_group", None),
    ("aws_db_subnet_group", None),
    ("aws_default_security_group", None),
    ("aws_ecr_lifecycle_policy", None),
    ("aws_ecs_task_definition", None),
    ("aws_elasticache_subnet_group", None),
    ("aws_elasticache_user", None),
    ("aws_elasticache_user_group", None),
    ("aws_iam_access_key", None),
    ("aws_iam_group", None),
    ("aws_iam_group_policy", None),
    ("aws_iam_openid_connect_provider", None),
    ("aws_iam_role", None),
    ("aws_iam_role_policy", None),
    ("aws_iam_role_policy_attachment", None),
    ("aws_iam_user", None),
    ("aws_iam_user_group_membership", None),
    ("aws_internet_gateway", None),
    ("aws_kms_alias", None),
    ("aws_lb_listener", None),
    ("aws_lb_target_group", None),
    ("aws_route", None),
    ("aws_route53_record", None),
    ("aws_route_table", None),
    ("aws_route_table_association", None),
    ("aws_s3_bucket_lifecycle_configuration", None),
    ("aws_s3_bucket_logging", None),
    ("aws_s3_bucket_ownership_controls", None),
    ("aws_s3_bucket_policy", None),
    ("aws_s3_bucket_public_access_block", None),
    ("aws_s3_bucket_server_side_encryption_configuration", None),
    ("aws_s3_bucket_versioning", None),
    ("aws_secretsmanager_secret_version", None),
    ("aws_security_group", None),
    ("aws_sesv2_configuration_set", None),
    ("aws_sesv2_email_identity_mail_from_attributes", None),
    ("aws_sns_topic_subscription", None),
    ("aws_ssm_parameter", None),
    ("aws_subnet", None),
    ("aws_vpc", None),
    ("aws_vpc_endpoint", None),
    ("aws_vpc_security_group_egress_rule", None),
    ("aws_vpc_security_group_ingress_rule", None),
    ("aws_wafv2_web_acl_association", None),
    ("cloudflare_dns_record", None),
    ("cloudflare_ruleset", None),
    ("cloudflare_zone", None),
    ("cloudflare_zone_setting", None),
    ("heroku_app", None),
    ("heroku_app_feature", None),
    ("heroku_domain", None),
    ("heroku_drain", None),
    ("render_env_group", None),
    ("render_env_group_link", None),
    ("render_notification_setting", None),
    ("sendgrid_sender_authentication", None),
];

#[test]
fn every_resource_that_costs_money_is_priced() {
    let written: std::collections::BTreeSet<String> = generated()
        .iter()
        .flat_map(|(_, _, dir)| resources(dir))
        .map(|resource| resource.type_name)
        .collect();
    let stale: Vec<&str> = RESOURCE_COSTS
        .iter()
        .map(|(type_name, _)| *type_name)
        .filter(|type_name| !written.contains(*type_name))
        .collect();
    assert!(
        stale.is_empty(),
        "RESOURCE_COSTS lists types no template writes: {stale:?}"
    );
    for (name, scenario, dir) in generated() {
        let plan = plan_json(&scenario);
        let priced = priced(&plan);
        // KMS keys are priced with the uploads bucket on a PaaS, on their own
        // on AWS; alarms with the uptime checks on a PaaS, with monitoring on AWS.
        let is_priced = |component: &str| {
            component
                .split("_or_")
                .any(|component| priced.contains_key(component))
        };
        for resource in resources(&dir)
            .iter()
            .filter(|resource| resource.kind == "resource")
        {
            let cost = RESOURCE_COSTS
                .iter()
                .find(|(type_name, _)| *type_name == resource.type_name)
                .unwrap_or_else(|| {
                    panic!(
                        "{name}: {} is not classified; add it to RESOURCE_COSTS with the component that prices it",
                        resource.type_name
                    )
                });
            if let (type_name, Some(component)) = cost {
                assert!(
                    is_priced(component),
                    "{name}: {type_name} costs money but {component} is not priced"
                );
            }
        }
    }
}

#[test]
fn what_is_priced_is_what_is_written() {
    let catalog: Value =
        serde_json::from_str(&infraplan_ok(&["prices", "--format", "json"])).unwrap();
    for (name, scenario, dir) in generated() {
        let plan = plan_json(&scenario);
        let priced = priced(&plan);
        let written: Vec<String> = resources(&dir)
            .iter()
            .filter(|resource| resource.kind == "resource")
            .map(|resource| format!("{}.{}", resource.type_name, resource.name))
            .collect();
        let expectations = match plan["stage"]["variant"].as_str().unwrap() {
            "heroku" => HEROKU,
            "render" => RENDER,
            _ => {
                check_aws(name, &dir, &priced, &catalog);
                continue;
            }
        };
        for expectation in expectations {
            let lines = priced.get(expectation.component);
            assert_eq!(
                lines.is_some(),
                written
                    .iter()
                    .any(|address| address == expectation.resource),
                "{name}: {} is {} but {} is {}",
                expectation.component,
                if lines.is_some() {
                    "priced"
                } else {
                    "not priced"
                },
                expectation.resource,
                if lines.is_some() {
                    "not written"
                } else {
                    "written"
                }
            );
            let Some(lines) = lines else { continue };
            if let Some(variable) = expectation.size_variable {
                assert_eq!(
                    variable_default(&dir, variable).as_deref(),
                    Some(terraform_value(&lines[0], &catalog).as_str()),
                    "{name}: {variable}"
                );
            }
            if let Some(variable) = expectation.count_variable {
                assert_eq!(
                    variable_default(&dir, variable),
                    Some(lines[0]["instances"].to_string()),
                    "{name}: {variable}"
                );
            }
        }
        check_paas_counts(name, &dir, &priced);
    }
}

/// What a PaaS stage bills by count matches what it writes: KMS keys, Render
/// Postgres storage and standby, the uptime check and its alarms.
fn check_paas_counts(name: &str, dir: &Path, priced: &BTreeMap<String, Vec<Value>>) {
    let uptime = |sku: &str| {
        priced["uptime"]
            .iter()
            .find(|line| line["sku"] == sku)
            .map(|line| line["instances"].to_string())
    };
    assert_eq!(
        uptime("aws.route53.health-check-non-aws"),
        Some(count_of(dir, "aws_route53_health_check").to_string()),
        "{name}: health checks"
    );
    // A priced standby is one Render turns on.
    let high_availability = resources(dir).iter().any(|resource| {
        resource.type_name == "render_postgres"
            && resource.body.attributes().any(|attribute| {
                attribute.key() == "high_availability_enabled"
                    && attribute.expr().to_string() == "true"
            })
    });
    assert_eq!(
        high_availability,
        priced.contains_key("database_standby"),
        "{name}: Render Postgres high availability"
    );
    // Route 53 bills HTTPS and latency measurement as optional features.
    let features: usize = resources(dir)
        .iter()
        .filter(|resource| resource.type_name == "aws_route53_health_check")
        .map(|check| {
            let attribute = |key: &str| {
                check
                    .body
                    .attributes()
                    .find(|attribute| attribute.key() == key)
                    .map(|attribute| attribute.expr().to_string())
            };
            usize::from(attribute("type").as_deref() == Some("\"HTTPS\""))
                + usize::from(attribute("measure_latency").as_deref() == Some("true"))
        })
        .sum();
    assert_eq!(
        uptime("aws.route53.health-check-feature-non-aws"),
        Some(features.to_string()),
        "{name}: optional health-check features"
    );
    assert_eq!(
        uptime("aws.cloudwatch.alarm"),
        Some(count_of(dir, "aws_cloudwatch_metric_alarm").to_string()),
        "{name}: alarms"
    );
    let kms_keys = priced["file_storage"]
        .iter()
        .find(|line| line["sku"] == "aws.kms.key")
        .map(|line| line["quantity"].as_str().unwrap().to_owned());
    assert_eq!(
        Some(count_of(dir, "aws_kms_key").to_string()),
        kms_keys,
        "{name}: KMS keys"
    );
    assert_eq!(
        count_of(dir, "aws_s3_bucket"),
        2,
        "{name}: uploads and access-log buckets"
    );
    if let Some(storage) = priced.get("database").and_then(|lines| {
        lines
            .iter()
            .find(|line| line["sku"] == "render.postgres.storage")
    }) {
        assert_eq!(
            variable_default(dir, "database_disk_gb").as_deref(),
            storage["provisioned"].as_str(),
            "{name}: Render Postgres disk"
        );
    }
}

#[test]
fn refusals_write_nothing() {
    let dir = scratch_dir("generate-refusals");
    let occupied = dir.join("occupied");
    fs::create_dir(&occupied).unwrap();
    fs::write(occupied.join("main.tf"), "# mine\n").unwrap();
    let a_file = dir.join("a-file");
    fs::write(&a_file, "").unwrap();
    let base = ["--customers", "30", "--mrr", "3000"];
    let cases: Vec<(&str, Vec<String>, i32)> = vec![
        (
            "existing non-empty folder",
            vec!["--out".into(), occupied.to_string_lossy().into()],
            73,
        ),
        (
            "folder under a file",
            vec![
                "--out".into(),
                a_file.join("infra").to_string_lossy().into(),
            ],
            73,
        ),
        (
            "bad domain",
            vec![
                "--out".into(),
                dir.join("d").to_string_lossy().into(),
                "--domain".into(),
                "not a domain".into(),
            ],
            2,
        ),
        (
            "bad app name",
            vec![
                "--out".into(),
                dir.join("n").to_string_lossy().into(),
                "--name".into(),
                "My_App".into(),
            ],
            2,
        ),
        (
            "unpriced region",
            vec![
                "--out".into(),
                dir.join("r").to_string_lossy().into(),
                "--region".into(),
                "eu-west-1".into(),
            ],
            2,
        ),
    ];
    let mut report = String::new();
    for (case, extra, code) in cases {
        let mut args: Vec<String> = vec!["generate".into()];
        args.extend(base.iter().map(|arg| (*arg).to_owned()));
        args.extend(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = infraplan(&args);
        assert_eq!(run.code, code, "{case}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{case}: {}", run.stderr);
        report.push_str(&format!(
            "{case} (exit {code}):\n  {}",
            run.stderr
                .replace(&dir.to_string_lossy().into_owned(), "[DIR]")
        ));
    }
    let left: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["a-file", "occupied"], "nothing else was written");
    assert_eq!(
        fs::read_to_string(occupied.join("main.tf")).unwrap(),
        "# mine\n"
    );
    snapshot_settings().bind(|| insta::assert_snapshot!("errors__generate", report));
}

/// What the first line of `component` pricing `sku` provisions (before any
/// free allowance).
fn quantity(priced: &BTreeMap<String, Vec<Value>>, component: &str, sku: &str) -> Decimal {
    let line = priced[component]
        .iter()
        .find(|line| line["sku"].as_str().unwrap().starts_with(sku))
        .unwrap_or_else(|| panic!("{component} prices no {sku}"));
    Decimal::from_str(line["provisioned"].as_str().unwrap()).unwrap()
}

/// The `each` of the line of `component` labelled `label` in the stage data.
fn each_of(stages: &Value, component: &str, label: &str) -> Decimal {
    let line = stage_line(stages, component, label);
    Decimal::from_str(line["each"].as_str().unwrap()).unwrap()
}

fn stage_line(stages: &Value, component: &str, label: &str) -> Value {
    stages["stages"][2]["variants"]["aws"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|candidate| candidate["id"] == component)
        .and_then(|found| {
            found["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|line| line["label"] == label)
                .cloned()
        })
        .unwrap_or_else(|| panic!("stage 3 has no {component} line {label}"))
}

/// Stage 3: sizes through variables, counts through resources.
fn check_aws(name: &str, dir: &Path, priced: &BTreeMap<String, Vec<Value>>, catalog: &Value) {
    let stages: Value =
        serde_json::from_str(&infraplan_ok(&["stages", "--format", "json"])).unwrap();
    let variable = |variable: &str| variable_default(dir, variable).unwrap_or_default();
    let first = |component: &str| priced[component][0].clone();
    for (service, prefix) in [("web", "app"), ("worker", "worker")] {
        let tasks = first(service)["instances"].as_u64().unwrap();
        let scale = &stage_line(&stages, service, "vCPU")["count"]["scale"];
        assert_eq!(
            variable(&format!("{prefix}_min_tasks")),
            tasks.to_string(),
            "{name}: {service} tasks"
        );
        assert_eq!(
            variable(&format!("{prefix}_max_tasks")),
            scale["max"].to_string(),
            "{name}: {service} maximum"
        );
        assert_eq!(
            variable(&format!("{prefix}_task_vcpu")),
            each_of(&stages, service, "vCPU").normalize().to_string(),
            "{name}: {service} vCPU"
        );
        assert_eq!(
            variable(&format!("{prefix}_task_memory_gb")),
            each_of(&stages, service, "memory").normalize().to_string(),
            "{name}: {service} memory"
        );
        // What is priced is tasks × size × 730 hours.
        let vcpu_hours = quantity(priced, service, "aws.fargate.vcpu-hour");
        assert_eq!(
            vcpu_hours,
            Decimal::from(tasks) * each_of(&stages, service, "vCPU") * Decimal::from(730),
            "{name}: {service} vCPU-hours"
        );
    }
    assert_eq!(
        count_of(dir, "aws_ecs_service"),
        2,
        "{name}: web and worker services"
    );
    assert_eq!(
        variable("db_instance_class"),
        terraform_value(&first("database"), catalog),
        "{name}"
    );
    assert_eq!(
        variable("db_allocated_storage_gb"),
        quantity(priced, "database", "aws.rds.gp3-storage").to_string(),
        "{name}: RDS storage"
    );
    assert_eq!(
        variable("db_replica_instance_class"),
        terraform_value(&first("database_replica"), catalog),
        "{name}: replica class"
    );
    let cache = first("cache");
    assert_eq!(
        variable("redis_node_type"),
        terraform_value(&cache, catalog),
        "{name}: node type"
    );
    assert_eq!(
        variable("redis_num_nodes"),
        cache["instances"].to_string(),
        "{name}: Redis nodes"
    );

    let count = |type_name: &str| Decimal::from(count_of(dir, type_name));
    let hourly = |component: &str, sku: &str| quantity(priced, component, sku) / Decimal::from(730);
    assert_eq!(
        count("aws_nat_gateway"),
        hourly("network", "aws.vpc.nat-gateway-hour"),
        "{name}: NAT"
    );
    // Public addresses: one per NAT gateway's Elastic IP and one per ALB subnet.
    let alb_subnets = Decimal::from(2);
    assert_eq!(
        count("aws_eip") + alb_subnets,
        hourly("network", "aws.vpc.public-ipv4"),
        "{name}: IPv4"
    );
    assert_eq!(
        count("aws_lb"),
        hourly("load_balancer", "aws.elb.alb-hour"),
        "{name}: ALB"
    );
    // Data and logs keys, and the uploads key (priced with the uploads).
    assert_eq!(
        count("aws_kms_key"),
        quantity(priced, "encryption", "aws.kms.key")
            + quantity(priced, "file_storage", "aws.kms.key"),
        "{name}: KMS"
    );
    // Each key's first two yearly rotations are billed.
    assert_eq!(
        count("aws_kms_key") * Decimal::TWO,
        quantity(priced, "encryption", "aws.kms.key-rotation")
            + quantity(priced, "file_storage", "aws.kms.key-rotation"),
        "{name}: KMS rotations"
    );
    assert_eq!(
        count("aws_wafv2_web_acl"),
        quantity(priced, "firewall", "aws.wafv2.web-acl"),
        "{name}"
    );
    let waf_rules: usize = resources(dir)
        .iter()
        .filter(|resource| resource.type_name == "aws_wafv2_web_acl")
        .map(|resource| {
            resource
                .body
                .blocks()
                .filter(|block| block.identifier() == "rule")
                .count()
        })
        .sum();
    assert_eq!(
        Decimal::from(waf_rules),
        quantity(priced, "firewall", "aws.wafv2.rule"),
        "{name}: WAF rules"
    );
    let redis_nodes = usize::try_from(cache["instances"].as_u64().unwrap()).unwrap();
    assert_eq!(
        Decimal::from(billed_alarm_metrics(dir, redis_nodes)),
        quantity(priced, "monitoring", "aws.cloudwatch.alarm"),
        "{name}: alarm metrics as billed"
    );
    let secrets = quantity(priced, "database", "aws.secretsmanager.secret")
        + quantity(priced, "cache", "aws.secretsmanager.secret");
    // RDS keeps the master password's secret itself; the others are written here.
    assert_eq!(
        count("aws_secretsmanager_secret") + Decimal::ONE,
        secrets,
        "{name}: secrets"
    );
    assert_eq!(
        count("aws_route53_zone"),
        quantity(priced, "dns", "aws.route53.hosted-zone"),
        "{name}: Route 53 zone"
    );
    for (type_name, expected) in [
        ("aws_db_instance", 2),
        ("aws_elasticache_replication_group", 1),
        // Uploads and their access logs (adopted), load balancer and CDN logs, assets.
        ("aws_s3_bucket", 4),
        ("aws_cloudfront_distribution", 1),
        ("aws_cloudwatch_log_delivery", 1),
        ("aws_ecr_repository", 1),
        ("aws_sqs_queue", 2),
        // Alarms in the stack's region, and the uptime check's in us-east-1.
        ("aws_sns_topic", 2),
        ("aws_sesv2_email_identity", 1),
        ("aws_lambda_function", 0),
        ("aws_autoscaling_group", 0),
    ] {
        assert_eq!(
            count(type_name),
            Decimal::from(expected),
            "{name}: {type_name}"
        );
    }
}

#[test]
fn the_schema_check_catches_mistakes() {
    let dir = scratch_dir("schema-mistakes");
    fs::write(
        dir.join("main.tf"),
        r#"
resource "heroku_formation" "web" {
  app_id   = "x"
  type     = "web"
  quantity = 2
  sizes    = "standard-1X"
}

resource "heroku_domain" "app" {
  app_id   = "x"
  hostname = "app.example.com"
  cname    = "set by Heroku"
}

resource "render_web_service" "this" {
  name   = "x"
  plan   = "starter"
  region = "virginia"

  runtime_source = {
    native_runtime = {
      repo_url = "https://example.com/repo"
      branch   = "main"
      runtime  = "node"
      build    = "npm ci"
    }
  }
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = "x"
}

resource "aws_nonsense" "this" {}

variable "health_check_path" {}
"#,
    )
    .unwrap();
    fs::write(
        dir.join("variables.tf"),
        "variable \"health_check_path\" {}\n",
    )
    .unwrap();
    let problems = schema_problems(&dir);
    let expected = [
        "main.tf: resource heroku_formation.web: unknown argument \"sizes\"",
        "main.tf: resource heroku_formation.web: required argument \"size\" is missing",
        "main.tf: resource heroku_domain.app: \"cname\" is read-only",
        "main.tf: resource render_web_service.this.runtime_source.native_runtime: unknown key \"build\"",
        "main.tf: resource render_web_service.this.runtime_source.native_runtime: required key \"build_command\" is missing",
        "main.tf: resource aws_s3_bucket_versioning.uploads: required block \"versioning_configuration\" is missing",
        "main.tf: resource aws_nonsense.this: unknown type (not in tests/schemas/aws.json)",
        "variables.tf: variable health_check_path is also declared in main.tf",
    ];
    for problem in expected {
        assert!(
            problems.iter().any(|found| found == problem),
            "missed: {problem}\nfound: {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}
