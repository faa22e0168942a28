//! Reading generated Terraform, checking it against provider schemas, and
//! running the real tools on it.
//!
//! The schema check reads every `resource`, `data` and `provider` block with
//! hcl-rs and checks it against the trimmed provider schemas in
//! `tests/schemas/` (the shape `terraform providers schema -json` prints):
//! the type exists, every argument and nested block exists, no read-only
//! argument is set, required arguments and blocks are present, and the keys of
//! object values given to nested attributes exist (Terraform itself ignores
//! unknown keys there, so this is stricter than `terraform validate`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use hcl::{Block, Body, Expression, ObjectKey};
use serde_json::Value;

use crate::support::project_dir;

/// A `resource` or `data` block.
pub(crate) struct Resource {
    pub(crate) kind: &'static str,
    pub(crate) type_name: String,
    pub(crate) name: String,
    pub(crate) body: Body,
}

/// Every `.tf` file of `dir`, parsed, by file name.
pub(crate) fn parse_dir(dir: &Path) -> BTreeMap<String, Body> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "tf") {
            let text = fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let body =
                hcl::parse(&text).unwrap_or_else(|error| panic!("{name} is not HCL: {error}"));
            files.insert(name, body);
        }
    }
    files
}

/// Every resource and data block of `dir`.
pub(crate) fn resources(dir: &Path) -> Vec<Resource> {
    let mut found = Vec::new();
    for body in parse_dir(dir).into_values() {
        for block in body.blocks() {
            let kind = match block.identifier() {
                "resource" => "resource",
                "data" => "data",
                _ => continue,
            };
            let labels: Vec<&str> = block.labels().iter().map(|label| label.as_str()).collect();
            found.push(Resource {
                kind,
                type_name: labels[0].to_owned(),
                name: labels[1].to_owned(),
                body: block.body().clone(),
            });
        }
    }
    found
}

/// The trimmed provider schemas, by provider name (`aws`, `heroku`, …).
fn schemas() -> BTreeMap<String, Value> {
    let dir = project_dir().join("tests/schemas");
    let mut schemas = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            let schema: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            let provider = schema["provider_schemas"]
                .as_object()
                .unwrap()
                .values()
                .next()
                .unwrap()
                .clone();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            schemas.insert(name, provider);
        }
    }
    schemas
}

const META_ARGUMENTS: [&str; 5] = ["count", "for_each", "depends_on", "provider", "alias"];
const META_BLOCKS: [&str; 4] = ["lifecycle", "provisioner", "connection", "dynamic"];

/// Every schema problem in `dir`, one line each; empty when it is clean.
pub(crate) fn schema_problems(dir: &Path) -> Vec<String> {
    let schemas = schemas();
    let mut problems = Vec::new();
    // Terraform refuses a folder that declares a name twice, before any
    // provider loads: variables, outputs, locals, resources, data sources.
    let mut declared: BTreeMap<String, String> = BTreeMap::new();
    for (file, body) in parse_dir(dir) {
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels().iter().map(|label| label.as_str()).collect();
            let names: Vec<String> = match block.identifier() {
                "locals" => block
                    .body()
                    .attributes()
                    .map(|attribute| format!("local.{}", attribute.key()))
                    .collect(),
                "variable" | "output" | "resource" | "data" | "module" => {
                    vec![format!("{} {}", block.identifier(), labels.join("."))]
                }
                _ => Vec::new(),
            };
            for name in names {
                if let Some(first) = declared.insert(name.clone(), file.clone()) {
                    problems.push(format!("{file}: {name} is also declared in {first}"));
                }
            }
        }
    }
    for (file, body) in parse_dir(dir) {
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels().iter().map(|label| label.as_str()).collect();
            let (section, type_name) = match block.identifier() {
                "resource" => ("resource_schemas", labels[0]),
                "data" => ("data_source_schemas", labels[0]),
                "provider" => ("provider", labels[0]),
                _ => continue,
            };
            let at = format!("{file}: {} {}", block.identifier(), labels.join("."));
            let provider_name = type_name.split('_').next().unwrap_or(type_name);
            let Some(provider) = schemas.get(provider_name) else {
                problems.push(format!(
                    "{at}: no schema for provider \"{provider_name}\" in tests/schemas"
                ));
                continue;
            };
            let schema = if section == "provider" {
                &provider["provider"]["block"]
            } else {
                &provider[section][type_name]["block"]
            };
            if schema.is_null() {
                problems.push(format!(
                    "{at}: unknown type (not in tests/schemas/{provider_name}.json)"
                ));
                continue;
            }
            check_block(block, schema, &at, &mut problems);
        }
    }
    problems
}

fn check_block(block: &Block, schema: &Value, at: &str, problems: &mut Vec<String>) {
    check_body(block.body(), schema, at, problems);
}

fn check_body(body: &Body, schema: &Value, at: &str, problems: &mut Vec<String>) {
    let attributes = schema["attributes"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let block_types = schema["block_types"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for attribute in body.attributes() {
        let key = attribute.key();
        if META_ARGUMENTS.contains(&key) {
            continue;
        }
        let Some(definition) = attributes.get(key) else {
            problems.push(format!("{at}: unknown argument \"{key}\""));
            continue;
        };
        if is_read_only(definition) {
            problems.push(format!("{at}: \"{key}\" is read-only"));
        }
        if let Some(nested) = definition.get("nested_type") {
            check_nested(attribute.expr(), nested, &format!("{at}.{key}"), problems);
        }
    }
    for (name, definition) in &attributes {
        if definition["required"] == true
            && !body.attributes().any(|attribute| attribute.key() == name)
        {
            problems.push(format!("{at}: required argument \"{name}\" is missing"));
        }
    }
    for nested in body.blocks() {
        let name = nested.identifier();
        if META_BLOCKS.contains(&name) {
            continue;
        }
        match block_types.get(name) {
            Some(definition) => {
                check_block(
                    nested,
                    &definition["block"],
                    &format!("{at}.{name}"),
                    problems,
                );
            }
            None => problems.push(format!("{at}: unknown block \"{name}\"")),
        }
    }
    for (name, definition) in &block_types {
        let min = definition["min_items"].as_u64().unwrap_or(0);
        let present = body
            .blocks()
            .filter(|nested| nested.identifier() == name)
            .count();
        if u64::try_from(present).unwrap() < min {
            problems.push(format!("{at}: required block \"{name}\" is missing"));
        }
    }
}

/// Object values given to a nested attribute: `{ key = … }`, a list or set of
/// them, or a map of them; also inside `concat(…)` and either branch of a
/// conditional, which is how optional entries of a list are written.
fn check_nested(expr: &Expression, nested: &Value, at: &str, problems: &mut Vec<String>) {
    match (nested["nesting_mode"].as_str(), expr) {
        (_, Expression::Conditional(conditional)) => {
            check_nested(&conditional.true_expr, nested, at, problems);
            check_nested(&conditional.false_expr, nested, at, problems);
        }
        (Some("list" | "set"), Expression::FuncCall(call))
            if call.name.name.as_str() == "concat" =>
        {
            for argument in &call.args {
                check_nested(argument, nested, at, problems);
            }
        }
        (Some("single"), Expression::Object(_)) => check_object(expr, nested, at, problems),
        (Some("list" | "set"), Expression::Array(items)) => {
            for item in items {
                check_object(item, nested, at, problems);
            }
        }
        (Some("map"), Expression::Object(entries)) => {
            for value in entries.values() {
                check_object(value, nested, at, problems);
            }
        }
        // A reference or function call: its keys are not written here.
        _ => {}
    }
}

fn check_object(expr: &Expression, nested: &Value, at: &str, problems: &mut Vec<String>) {
    let Expression::Object(entries) = expr else {
        return;
    };
    let attributes = nested["attributes"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (key, value) in entries {
        let Some(key) = key_name(key) else { continue };
        match attributes.get(&key) {
            None => problems.push(format!("{at}: unknown key \"{key}\"")),
            Some(definition) => {
                if is_read_only(definition) {
                    problems.push(format!("{at}: \"{key}\" is read-only"));
                }
                if let Some(inner) = definition.get("nested_type") {
                    check_nested(value, inner, &format!("{at}.{key}"), problems);
                }
            }
        }
    }
    for (name, definition) in &attributes {
        let present = entries
            .keys()
            .any(|key| key_name(key).as_deref() == Some(name.as_str()));
        if definition["required"] == true && !present {
            problems.push(format!("{at}: required key \"{name}\" is missing"));
        }
    }
}

/// A literal object key (`name` or `"name"`); computed keys are not checked.
fn key_name(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Identifier(identifier) => Some(identifier.as_str().to_owned()),
        ObjectKey::Expression(Expression::String(text)) => Some(text.clone()),
        _ => None,
    }
}

fn is_read_only(definition: &Value) -> bool {
    definition["computed"] == true
        && definition["optional"] != true
        && definition["required"] != true
}

/// A tool the checks need: its path, or `None` with a message when it is
/// missing outside CI. In CI (`CI=true`) a missing tool fails the test.
pub(crate) fn tool(name: &str, env_var: &str, candidates: &[PathBuf]) -> Option<PathBuf> {
    let from_env = std::env::var_os(env_var).map(PathBuf::from);
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .collect::<Vec<_>>()
    });
    let found = from_env
        .into_iter()
        .chain(candidates.iter().cloned())
        .chain(on_path)
        .find(|path| path.is_file());
    if found.is_none() {
        let message = format!(
            "{name} is not installed (looked at ${env_var}, {candidates:?} and PATH); .ci/run installs it"
        );
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("skipping: {message}");
    }
    found
}

pub(crate) fn terraform() -> Option<PathBuf> {
    tool(
        "terraform",
        "TERRAFORM",
        &[PathBuf::from("/usr/local/bin/terraform")],
    )
}

pub(crate) fn checkov() -> Option<PathBuf> {
    tool(
        "checkov",
        "CHECKOV",
        &[project_dir().join("target/checkov-venv/bin/checkov")],
    )
}

/// Runs terraform in `dir` with the project's offline CLI configuration.
pub(crate) fn run_terraform(terraform: &Path, dir: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(terraform)
        .arg(format!("-chdir={}", dir.display()))
        .args(args)
        .env(
            "TF_CLI_CONFIG_FILE",
            project_dir().join("tests/terraform/terraformrc"),
        )
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("terraform runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// `terraform init` then `terraform test` in `dir`, which must pass; its JSON
/// messages, and the names of the runs that passed.
pub(crate) fn terraform_test(terraform: &Path, dir: &Path) -> (Vec<Value>, Vec<String>) {
    let (ok, output) = run_terraform(
        terraform,
        dir,
        &["init", "-backend=false", "-input=false", "-no-color"],
    );
    assert!(ok, "terraform init failed:\n{output}");
    let (ok, output) = run_terraform(terraform, dir, &["test", "-json", "-verbose", "-no-color"]);
    let messages: Vec<Value> = output
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let failures: Vec<&str> = messages
        .iter()
        .filter(|message| message["@level"] == "error")
        .filter_map(|message| message["@message"].as_str())
        .collect();
    assert!(
        ok && failures.is_empty(),
        "terraform test failed in {}: {failures:#?}",
        dir.display()
    );
    let passed = messages
        .iter()
        .filter(|message| message["type"] == "test_run" && message["test_run"]["status"] == "pass")
        .filter_map(|message| message["@testrun"].as_str().map(str::to_owned))
        .collect();
    (messages, passed)
}

/// The resource changes `run` planned, from `terraform test -json -verbose`.
pub(crate) fn planned_changes<'a>(messages: &'a [Value], run: &str) -> &'a [Value] {
    messages
        .iter()
        .find(|message| message["type"] == "test_plan" && message["@testrun"] == run)
        .unwrap_or_else(|| panic!("run {run} prints no plan"))["test_plan"]["resource_changes"]
        .as_array()
        .unwrap()
}

/// checkov's summary and failed checks for `dir`.
pub(crate) fn run_checkov(checkov: &Path, dir: &Path) -> (Value, Vec<String>) {
    let output = Command::new(checkov)
        .args(["-d", &dir.to_string_lossy(), "--framework", "terraform"])
        .args(["--skip-download", "--compact", "--quiet", "-o", "json"])
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
        .output()
        .expect("checkov runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("checkov printed no JSON ({error}): {text}"));
    // One framework gives an object; none scanned gives a bare summary.
    let report = match report {
        Value::Array(mut reports) => reports.remove(0),
        other => other,
    };
    let summary = report.get("summary").cloned().unwrap_or(report.clone());
    let failed = report["results"]["failed_checks"]
        .as_array()
        .map(|checks| {
            checks
                .iter()
                .map(|check| {
                    format!(
                        "{} {} ({}:{})",
                        check["check_id"].as_str().unwrap_or("?"),
                        check["resource"].as_str().unwrap_or("?"),
                        check["file_path"].as_str().unwrap_or("?"),
                        check["check_name"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (summary, failed)
}
