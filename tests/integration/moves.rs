//! Moving up a stage: the running stage's folder is never rewritten; the
//! next stage is generated beside it and adopts what carries over.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use hcl::{Expression, ObjectKey};

use crate::support::{copy_tree, infraplan, scratch_dir, tree};
use crate::terraform::{parse_dir, planned_changes, schema_problems, terraform, terraform_test};

/// The scenario flags of each stage, with the names both folders share.
fn scenario(stage: u32, paas: &str) -> Vec<String> {
    let (customers, mrr) = match stage {
        1 => ("30", "3000"),
        2 => ("120", "18000"),
        _ => ("450", "67500"),
    };
    [
        "--customers",
        customers,
        "--mrr",
        mrr,
        "--paas",
        paas,
        "--name",
        "acme-saas",
        "--domain",
        "app.example.com",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn generate(out: &Path, flags: &[String], extra: &[&str]) -> crate::support::Run {
    let out = out.to_string_lossy().into_owned();
    let mut args = vec!["generate", "--out", out.as_str()];
    args.extend(flags.iter().map(String::as_str));
    args.extend_from_slice(extra);
    infraplan(&args)
}

/// Asked to turn stage 2 into stage 3 in any mode, even with `--force`,
/// `generate` refuses with exit 4 and one line naming the command that
/// writes stage 3 beside it; the stage-2 folder keeps every byte. That
/// command works.
#[test]
fn a_folder_of_one_stage_is_never_rewritten_into_another() {
    for paas in ["heroku", "render"] {
        let dir = scratch_dir(&format!("moves-refusal-{paas}"));
        let old = dir.join("infra");
        let run = generate(&old, &scenario(2, paas), &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let before = tree(&old);
        for extra in [&[][..], &["--force"], &["--check"], &["--dry-run"]] {
            let run = generate(&old, &scenario(3, paas), extra);
            assert_eq!(run.code, 4, "{extra:?}: {}", run.stderr);
            assert_eq!(run.stdout, "");
            assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
            assert!(
                run.stderr.starts_with(&format!(
                    "error: --out {}: holds stage 2 ({paas}), and this plan is stage 3 (aws); infraplan never rewrites",
                    old.display()
                )),
                "{}",
                run.stderr
            );
            assert!(tree(&old) == before, "{extra:?} changed the stage-2 folder");
        }
        // Another platform at the same stage is refused the same way.
        let other = if paas == "heroku" { "render" } else { "heroku" };
        let run = generate(&old, &scenario(2, other), &[]);
        assert_eq!(run.code, 4, "{}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("--out {}-{other} ", old.display()))
        );
        // The suggested command writes stage 3 into a folder of its own.
        follow_refusal(&old, &scenario(3, paas));
        let manifest =
            std::fs::read_to_string(dir.join("infra-stage3/.infraplan/manifest.json")).unwrap();
        assert!(manifest.contains("\"stage\": 3"), "{manifest}");
        assert!(tree(&old) == before);
    }
}

/// A folder keeps its platform when `--paas` is not given, whatever the
/// default: regenerating a Heroku folder does not turn it into Render.
#[test]
fn a_folder_keeps_its_platform_without_paas() {
    let old = scratch_dir("moves-keeps-platform").join("infra");
    let flags = scenario(2, "heroku");
    assert_eq!(generate(&old, &flags, &[]).code, 0);
    let without_paas: Vec<String> = flags
        .chunks(2)
        .filter(|pair| pair[0] != "--paas")
        .flatten()
        .cloned()
        .collect();
    let run = generate(&old, &without_paas, &["--check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // A new folder gets the default.
    let new = scratch_dir("moves-default-platform").join("infra");
    let run = generate(&new, &without_paas, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["variant"], "render", "{report}");
}

/// The keys of the `handover` output's value in `dir`, and those of each
/// object inside it.
fn handover_shape(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let output = parse_dir(dir)
        .into_values()
        .flat_map(|body| body.into_blocks())
        .find(|block| {
            block.identifier() == "output"
                && block.labels().first().map(|label| label.as_str()) == Some("handover")
        })
        .unwrap_or_else(|| panic!("{} has no handover output", dir.display()));
    let value = output
        .body()
        .attributes()
        .find(|attribute| attribute.key() == "value")
        .unwrap()
        .expr()
        .clone();
    let Expression::Object(object) = value else {
        panic!("handover is not an object")
    };
    object
        .into_iter()
        .map(|(key, value)| (object_key(&key), object_keys(&value)))
        .collect()
}

/// The keys of the objects an expression builds: an object literal's, or
/// those of objects built in lists, `for` expressions and function calls.
fn object_keys(expression: &Expression) -> Vec<String> {
    let mut keys: Vec<String> = match expression {
        Expression::Object(object) => object.keys().map(object_key).collect(),
        Expression::Array(items) => items.iter().flat_map(object_keys).collect(),
        Expression::ForExpr(for_expr) => object_keys(&for_expr.value_expr),
        Expression::FuncCall(call) => call.args.iter().flat_map(object_keys).collect(),
        _ => Vec::new(),
    };
    keys.sort();
    keys.dedup();
    keys
}

fn object_key(key: &ObjectKey) -> String {
    match key {
        ObjectKey::Identifier(identifier) => identifier.to_string(),
        ObjectKey::Expression(expression) => expression.to_string(),
        _ => panic!("unexpected key {key:?}"),
    }
}

/// The variables `dir` declares, with the attribute names of object types.
fn declared_variables(dir: &Path) -> BTreeMap<String, Vec<String>> {
    parse_dir(dir)
        .into_values()
        .flat_map(|body| body.into_blocks())
        .filter(|block| block.identifier() == "variable")
        .map(|block| {
            let name = block.labels()[0].as_str().to_owned();
            let attributes = block
                .body()
                .attributes()
                .find(|attribute| attribute.key() == "type")
                .map(|attribute| object_type_keys(attribute.expr()))
                .unwrap_or_default();
            (name, attributes)
        })
        .collect()
}

/// The attribute names of `object({...})` or `list(object({...}))`.
fn object_type_keys(expression: &Expression) -> Vec<String> {
    let mut keys: Vec<String> = match expression {
        Expression::FuncCall(call) => call.args.iter().flat_map(object_type_keys).collect(),
        Expression::Object(object) => object.keys().map(object_key).collect(),
        _ => Vec::new(),
    };
    keys.sort();
    keys
}

/// What `import` blocks in `dir` adopt: target address and the variable
/// whose value feeds them.
fn imports(dir: &Path) -> Vec<(String, String)> {
    parse_dir(dir)
        .into_values()
        .flat_map(|body| body.into_blocks())
        .filter(|block| block.identifier() == "import")
        .map(|block| {
            let attribute = |key: &str| {
                block
                    .body()
                    .attributes()
                    .find(|attribute| attribute.key() == key)
                    .unwrap()
                    .expr()
                    .to_string()
            };
            (attribute("to"), attribute("for_each"))
        })
        .collect()
}

/// The refusal's suggested command, run as the user would.
fn follow_refusal(old: &Path, flags: &[String]) -> PathBuf {
    let before = tree(old);
    let run = generate(old, flags, &[]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(tree(old) == before, "the refusal changed {}", old.display());
    let command = run
        .stderr
        .trim_end()
        .split_once("with its own state: ")
        .unwrap()
        .1
        .replacen(
            "infraplan ",
            &format!("{} ", env!("CARGO_BIN_EXE_infraplan")),
            1,
        );
    let output = std::process::Command::new("sh")
        .args(["-c", &command])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let new = command
        .split_once("--out ")
        .unwrap()
        .1
        .split(' ')
        .next()
        .unwrap()
        .into();
    assert!(
        tree(old) == before,
        "generating beside changed {}",
        old.display()
    );
    new
}

/// The uploads storage every later stage adopts, by resource address.
const UPLOADS: [&str; 4] = [
    "aws_kms_key.uploads",
    "aws_kms_alias.uploads",
    "aws_s3_bucket.uploads",
    "aws_s3_bucket.access_logs",
];

/// Stage 1 to 2 on each PaaS, as the README says: stage 2 goes in a folder
/// of its own; everything stage 1's handover output gives is a variable of
/// stage 2 of the same shape, and feeds import blocks for the uploads
/// storage and the SendGrid domain, so nothing is made twice. Stage 2
/// passes the schema check.
#[test]
fn stage_one_moves_to_stage_two_beside_it() {
    for paas in ["heroku", "render"] {
        let old = scratch_dir(&format!("moves-1-2-{paas}")).join("infra");
        assert_eq!(generate(&old, &scenario(1, paas), &[]).code, 0);
        let new = follow_refusal(&old, &scenario(2, paas));
        let handover = handover_shape(&old);
        assert_eq!(
            handover.keys().collect::<Vec<_>>(),
            [
                "adopt_sendgrid_domain",
                "adopt_uploads",
                "previous_app_target"
            ],
            "{paas}"
        );
        let variables = declared_variables(&new);
        for (key, inner) in &handover {
            assert_eq!(variables.get(key), Some(inner), "{paas}: variable {key}");
        }
        let imported = imports(&new);
        for address in UPLOADS {
            assert!(
                imported
                    .iter()
                    .any(|(to, from)| to == address && from.contains("adopted_uploads")),
                "{paas}: {address} is not adopted: {imported:?}"
            );
        }
        assert!(
            imported
                .iter()
                .any(|(to, from)| to == "sendgrid_sender_authentication.this"
                    && from.contains("var.adopt_sendgrid_domain")),
            "{paas}: the SendGrid domain is not adopted"
        );
        let problems = schema_problems(&new);
        assert!(problems.is_empty(), "{paas}: {problems:#?}");
    }
}

/// Stage 2 to 3 on each PaaS: stage 3 goes in a folder of its own, and its
/// mock-provider plan, fed stage 2's handover output (its exact keys, with
/// values as an apply would give them), imports the uploads storage,
/// creates no second bucket or key, points the app's name at stage 2 and
/// carries every record, SendGrid's included, into Route 53.
#[test]
fn stage_two_moves_to_stage_three_beside_it() {
    let Some(terraform) = terraform() else { return };
    for paas in ["heroku", "render"] {
        let old = scratch_dir(&format!("moves-2-3-{paas}")).join("infra");
        assert_eq!(generate(&old, &scenario(2, paas), &[]).code, 0);
        let new = follow_refusal(&old, &scenario(3, paas));
        let handover = handover_shape(&old);
        let variables = declared_variables(&new);
        for (key, inner) in &handover {
            assert_eq!(variables.get(key), Some(inner), "{paas}: variable {key}");
        }
        // What `terraform output -json handover` prints after stage 2's apply,
        // with a DKIM key longer than one TXT string.
        let dkim = format!("v=DKIM1; k=rsa; p={}", "A".repeat(390));
        let target = format!("acme-saas-s2.{paas}-target.example.net");
        let values: serde_json::Map<String, serde_json::Value> = handover
            .keys()
            .map(|key| {
                let value = match key.as_str() {
                    "adopt_uploads" => serde_json::json!({
                        "bucket": "acme-saas-uploads-20260101000000000000000001",
                        "kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
                        "kms_alias": "alias/acme-saas-uploads",
                        "access_log_bucket": "acme-saas-logs-20260101000000000000000001",
                    }),
                    "previous_app_target" => serde_json::json!(target),
                    "dns_records" => serde_json::json!([
                        { "name": "@", "type": "MX", "ttl": 300, "records": ["10 mx1.example.net"] },
                        { "name": "em1234", "type": "CNAME", "ttl": 300, "records": ["u1.wl.sendgrid.net"] },
                        { "name": "s1._domainkey", "type": "CNAME", "ttl": 300, "records": ["s1.domainkey.u1.wl.sendgrid.net"] },
                        { "name": "google._domainkey", "type": "TXT", "ttl": 300, "records": [dkim] },
                        { "name": "@", "type": "CAA", "ttl": 300, "records": ["0 issue letsencrypt.org"] },
                    ]),
                    other => panic!("{paas}: no sample value for handover key {other}"),
                };
                (key.clone(), value)
            })
            .collect();
        let checked = scratch_dir(&format!("moves-2-3-{paas}-test")).join("infra");
        copy_tree(&new, &checked);
        fs::write(
            checked.join("tests/move.tftest.hcl"),
            move_test(
                &fs::read_to_string(checked.join("tests/main.tftest.hcl")).unwrap(),
                &values,
            ),
        )
        .unwrap();
        fs::remove_file(checked.join("tests/main.tftest.hcl")).unwrap();
        let (messages, passed) = terraform_test(&terraform, &checked);
        assert_eq!(passed, ["adopt_previous_stage"], "{paas}");
        let changes = planned_changes(&messages, "adopt_previous_stage");
        let change = |address: &str| {
            changes
                .iter()
                .find(|change| change["address"] == address)
                .unwrap_or_else(|| panic!("{paas}: {address} is not in the plan"))
        };
        for address in UPLOADS {
            assert!(
                change(address)["change"]["importing"].is_object(),
                "{paas}: {address} is not imported"
            );
        }
        let created: Vec<&str> = changes
            .iter()
            .filter(|change| change["change"]["actions"] == serde_json::json!(["create"]))
            .filter(|change| {
                ["aws_s3_bucket", "aws_kms_key"].contains(&change["type"].as_str().unwrap())
            })
            .filter_map(|change| change["address"].as_str())
            .collect();
        assert!(
            !created.iter().any(|address| UPLOADS.contains(address)),
            "{paas}: {created:?}"
        );
        assert_eq!(
            change("aws_route53_record.app")["change"]["after"]["records"],
            serde_json::json!([target]),
            "{paas}: the app's name must keep reaching stage 2"
        );
        for key in ["@ MX", "em1234 CNAME", "s1._domainkey CNAME"] {
            change(&format!("aws_route53_record.carried[\"{key}\"]"));
        }
        // Route 53 strings are 255 characters at most; CAA values are quoted.
        let records = |key: &str| {
            change(&format!("aws_route53_record.carried[\"{key}\"]"))["change"]["after"]["records"]
                .clone()
        };
        let (head, tail) = dkim.split_at(255);
        assert_eq!(
            records("google._domainkey TXT"),
            serde_json::json!([format!("{head}\"\"{tail}")]),
            "{paas}"
        );
        assert_eq!(
            records("@ CAA"),
            serde_json::json!(["0 issue \"letsencrypt.org\""]),
            "{paas}"
        );
    }
}

/// The generated `main.tftest.hcl` with its apply run left out and the
/// adopting run fed `values` instead of its own sample.
fn move_test(main: &str, values: &serde_json::Map<String, serde_json::Value>) -> String {
    let mocks = &main[..main.find("run \"apply\"").unwrap()];
    let adopt = &main[main.find("run \"adopt_previous_stage\"").unwrap()..];
    let start = adopt.find("  variables {").unwrap();
    let end = start + adopt[start..].find("\n  }\n").unwrap() + "\n  }\n".len();
    let assignments: String = values
        .iter()
        .map(|(key, value)| format!("    {key} = {value}\n"))
        .collect();
    format!(
        "{mocks}{}  variables {{\n{assignments}  }}\n{}",
        &adopt[..start],
        &adopt[end..]
    )
}
