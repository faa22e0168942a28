//! Stage 2's Cloudflare zone, read through the parsed HCL of each PaaS
//! variant: every value of `dns_records` becomes one record under a key that
//! edits elsewhere never change, MX, SRV, CAA and TXT values reach Cloudflare
//! in its shape, and the app's one record follows `cutover`.
//!
//! The generated expressions are evaluated with hcl-rs, with the few Terraform
//! functions they use implemented here, on a sample `dns_records`.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Body, Expression, Map, Value};

use crate::support::{VARIANTS, infraplan_ok, scratch_dir};
use crate::terraform::{parse_dir, resources};

const DOMAIN: &str = "example.com";

/// Stage 2 generated for each PaaS, into folders named after `test`.
fn stage_two(test: &str) -> Vec<(&'static str, PathBuf)> {
    VARIANTS
        .iter()
        .filter(|(name, _)| name.starts_with("stage2-"))
        .map(|(name, scenario)| {
            let out = scratch_dir(&format!("cloudflare-{test}-{name}")).join("infra");
            let out_text = out.to_string_lossy().into_owned();
            let mut args = vec!["generate", "--out", out_text.as_str(), "--domain", DOMAIN];
            args.extend_from_slice(scenario);
            infraplan_ok(&args);
            (*name, out)
        })
        .collect()
}

/// One `dns_records` entry as Terraform sees it: `ttl` is optional with a
/// default of 300 (checked against the variable's type below).
fn entry(name: &str, kind: &str, ttl: Option<u32>, records: &[&str]) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), Value::from(name));
    object.insert("type".into(), Value::from(kind));
    object.insert("ttl".into(), Value::from(ttl.unwrap_or(300)));
    object.insert(
        "records".into(),
        Value::Array(records.iter().map(|value| Value::from(*value)).collect()),
    );
    Value::Object(object)
}

/// A domain with mail, verification, a service record, CAA and other hosts.
fn sample() -> Vec<Value> {
    vec![
        entry(
            "@",
            "MX",
            None,
            &["1 aspmx.l.google.com", "5 alt1.aspmx.l.google.com"],
        ),
        entry(
            "@",
            "TXT",
            Some(3600),
            &[
                "v=spf1 include:_spf.google.com ~all",
                "google-site-verification=abc123",
            ],
        ),
        entry(
            "_dmarc",
            "TXT",
            None,
            &["\"v=DMARC1; p=none; rua=mailto:dmarc@example.com\""],
        ),
        entry("_sip._tcp", "SRV", None, &["10 5 5060 sip.example.net"]),
        entry(
            "@",
            "CAA",
            None,
            &[
                "0 issue \"letsencrypt.org\"",
                "0 iodef mailto:security@example.com",
            ],
        ),
        entry("www", "CNAME", None, &["site.example.net"]),
        entry("legacy", "A", None, &["192.0.2.10", "192.0.2.11"]),
    ]
}

/// The field `key` of an object value, or null.
fn at(value: &Value, key: &str) -> Value {
    value
        .as_object()
        .and_then(|fields| fields.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value:?}"))
}

fn array(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value:?}"))
}

/// The Terraform functions the generated expressions call.
fn context_with_functions<'a>() -> Context<'a> {
    fn flatten(args: FuncArgs) -> Result<Value, String> {
        fn walk(value: &Value, out: &mut Vec<Value>) {
            match value {
                Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
                other => out.push(other.clone()),
            }
        }
        let mut out = Vec::new();
        walk(&args[0], &mut out);
        Ok(Value::Array(out))
    }
    fn split(args: FuncArgs) -> Result<Value, String> {
        let parts = text(&args[1]).split(text(&args[0])).map(Value::from);
        Ok(Value::Array(parts.collect()))
    }
    fn join(args: FuncArgs) -> Result<Value, String> {
        let parts: Vec<&str> = array(&args[1]).iter().map(text).collect();
        Ok(Value::from(parts.join(text(&args[0]))))
    }
    fn contains(args: FuncArgs) -> Result<Value, String> {
        Ok(Value::Bool(array(&args[0]).contains(&args[1])))
    }
    fn tonumber(args: FuncArgs) -> Result<Value, String> {
        text(&args[0])
            .parse::<u64>()
            .map(Value::from)
            .map_err(|error| error.to_string())
    }
    fn startswith(args: FuncArgs) -> Result<Value, String> {
        Ok(Value::Bool(text(&args[0]).starts_with(text(&args[1]))))
    }
    fn trim(args: FuncArgs) -> Result<Value, String> {
        let cut: Vec<char> = text(&args[1]).chars().collect();
        Ok(Value::from(text(&args[0]).trim_matches(cut.as_slice())))
    }
    fn length(args: FuncArgs) -> Result<Value, String> {
        Ok(Value::from(array(&args[0]).len()))
    }
    fn slice(args: FuncArgs) -> Result<Value, String> {
        let index = |value: &Value| usize::try_from(value.as_u64().unwrap()).unwrap();
        let items = array(&args[0]);
        Ok(Value::Array(
            items[index(&args[1])..index(&args[2])].to_vec(),
        ))
    }
    let mut context = Context::new();
    for (name, func, arity) in [
        (
            "flatten",
            flatten as fn(FuncArgs) -> Result<Value, String>,
            1,
        ),
        ("split", split, 2),
        ("join", join, 2),
        ("contains", contains, 2),
        ("tonumber", tonumber, 1),
        ("startswith", startswith, 2),
        ("trim", trim, 2),
        ("length", length, 1),
        ("slice", slice, 3),
    ] {
        let def = FuncDef::builder()
            .params(std::iter::repeat_n(ParamType::Any, arity))
            .build(func);
        context.declare_func(name, def);
    }
    context
}

/// Every attribute of every `locals` block of the folder.
fn locals(files: &BTreeMap<String, Body>) -> BTreeMap<String, Expression> {
    files
        .values()
        .flat_map(|body| body.blocks().filter(|block| block.identifier() == "locals"))
        .flat_map(|block| block.body().attributes())
        .map(|attribute| (attribute.key().to_owned(), attribute.expr().clone()))
        .collect()
}

fn object(entries: &[(&str, Value)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect(),
    )
}

/// `var`, with the generated defaults and `dns_records` set.
fn variables(dns_records: Vec<Value>, previous_app_target: Value, cutover: bool) -> Value {
    object(&[
        ("domain", Value::from(DOMAIN)),
        ("app_subdomain", Value::from("app")),
        ("preview_subdomain", Value::from("next")),
        ("dns_records", Value::Array(dns_records)),
        ("previous_app_target", previous_app_target),
        ("cutover", Value::Bool(cutover)),
    ])
}

/// `local.carried_records` for the given `dns_records`.
fn carried(locals: &BTreeMap<String, Expression>, dns_records: Vec<Value>) -> Map<String, Value> {
    let mut context = context_with_functions();
    context.declare_var("var", variables(dns_records, Value::Null, false));
    let values = locals["dns_record_values"]
        .evaluate(&context)
        .unwrap_or_else(|error| panic!("dns_record_values: {error}"));
    context.declare_var("local", object(&[("dns_record_values", values)]));
    let carried = locals["carried_records"]
        .evaluate(&context)
        .unwrap_or_else(|error| panic!("carried_records: {error}"));
    match carried {
        Value::Object(records) => records,
        other => panic!("carried_records is not a map: {other:?}"),
    }
}

/// The attribute `key` of `resource "type_name" "name"`.
fn attribute(dir: &std::path::Path, type_name: &str, name: &str, key: &str) -> Expression {
    resources(dir)
        .into_iter()
        .find(|resource| resource.type_name == type_name && resource.name == name)
        .unwrap_or_else(|| panic!("{type_name}.{name} is not written"))
        .body
        .attributes()
        .find(|attribute| attribute.key() == key)
        .unwrap_or_else(|| panic!("{type_name}.{name} has no {key}"))
        .expr()
        .clone()
}

#[test]
fn every_declared_record_reaches_the_zone_under_a_stable_key() {
    for (variant, dir) in stage_two("records") {
        let files = parse_dir(&dir);
        let variables_text = fs::read_to_string(dir.join("variables.tf")).unwrap();
        assert!(
            variables_text.contains(
                "  type = list(object({\n    name    = string\n    type    = string\n    ttl     = optional(number, 300)\n    records = list(string)\n  }))"
            ),
            "{variant}: dns_records must keep the type shared with stage 3"
        );
        let locals = locals(&files);
        let records = carried(&locals, sample());

        // One record per declared value, keyed "NAME TYPE VALUE".
        let mut expected = Vec::new();
        for declared in sample() {
            let name = text(&at(&declared, "name")).to_owned();
            let kind = text(&at(&declared, "type")).to_owned();
            for value in array(&at(&declared, "records")) {
                expected.push((format!("{name} {kind} {}", text(value)), declared.clone()));
            }
        }
        let keys: Vec<&String> = records.keys().collect();
        let mut expected_keys: Vec<&String> = expected.iter().map(|(key, _)| key).collect();
        expected_keys.sort();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort();
        assert_eq!(
            sorted_keys, expected_keys,
            "{variant}: one record per value"
        );
        for (key, declared) in &expected {
            let record = &records[key];
            assert_eq!(at(record, "name"), at(declared, "name"), "{variant}: {key}");
            assert_eq!(at(record, "type"), at(declared, "type"), "{variant}: {key}");
            assert_eq!(at(record, "ttl"), at(declared, "ttl"), "{variant}: {key}");
        }

        // Each type in Cloudflare's shape.
        let mx = &records["@ MX 5 alt1.aspmx.l.google.com"];
        assert_eq!(at(mx, "content"), Value::from("alt1.aspmx.l.google.com"));
        assert_eq!(at(mx, "priority"), Value::from(5));
        assert_eq!(at(mx, "data"), Value::Null);
        let spf = &records["@ TXT v=spf1 include:_spf.google.com ~all"];
        assert_eq!(
            at(spf, "content"),
            Value::from("\"v=spf1 include:_spf.google.com ~all\""),
            "{variant}: TXT values are quoted"
        );
        let dmarc = &records["_dmarc TXT \"v=DMARC1; p=none; rua=mailto:dmarc@example.com\""];
        assert_eq!(
            at(dmarc, "content"),
            Value::from("\"v=DMARC1; p=none; rua=mailto:dmarc@example.com\""),
            "{variant}: a quoted TXT value is not quoted twice"
        );
        let srv = &records["_sip._tcp SRV 10 5 5060 sip.example.net"];
        assert_eq!(at(srv, "content"), Value::Null);
        assert_eq!(at(&at(srv, "data"), "priority"), Value::from(10));
        assert_eq!(at(&at(srv, "data"), "weight"), Value::from(5));
        assert_eq!(at(&at(srv, "data"), "port"), Value::from(5060));
        assert_eq!(
            at(&at(srv, "data"), "target"),
            Value::from("sip.example.net")
        );
        let caa = &records["@ CAA 0 issue \"letsencrypt.org\""];
        assert_eq!(at(&at(caa, "data"), "flags"), Value::from(0));
        assert_eq!(at(&at(caa, "data"), "tag"), Value::from("issue"));
        assert_eq!(
            at(&at(caa, "data"), "value"),
            Value::from("letsencrypt.org")
        );
        let host = &records["legacy A 192.0.2.11"];
        assert_eq!(at(host, "content"), Value::from("192.0.2.11"));
        assert_eq!(at(host, "priority"), Value::Null);

        // Reordering entries and values, and adding or removing others,
        // changes no other record: no key moves, no record is recreated.
        let mut reordered: Vec<Value> = sample()
            .into_iter()
            .rev()
            .map(|mut declared| {
                if let Some(Value::Array(values)) = declared
                    .as_object_mut()
                    .and_then(|fields| fields.get_mut("records"))
                {
                    values.reverse();
                }
                declared
            })
            .collect();
        reordered.retain(|declared| at(declared, "name") != Value::from("www"));
        reordered.push(entry("status", "CNAME", None, &["status.example.net"]));
        let after = carried(&locals, reordered);
        for (key, record) in &records {
            if key.starts_with("www ") {
                assert!(!after.contains_key(key), "{variant}: {key} is removed");
            } else {
                assert_eq!(after.get(key), Some(record), "{variant}: {key} changed");
            }
        }
        assert!(after.contains_key("status CNAME status.example.net"));

        // The resource creates exactly these, DNS-only, at the full names.
        let for_each = attribute(&dir, "cloudflare_dns_record", "carried", "for_each");
        assert_eq!(
            hcl::format::to_string(&for_each).unwrap(),
            "local.carried_records",
            "{variant}"
        );
        assert_eq!(
            attribute(&dir, "cloudflare_dns_record", "carried", "proxied"),
            Expression::Bool(false),
            "{variant}: carried records stay DNS-only"
        );
        let name = attribute(&dir, "cloudflare_dns_record", "carried", "name");
        for (relative, full) in [("@", DOMAIN), ("_dmarc", "_dmarc.example.com")] {
            let mut context = context_with_functions();
            context.declare_var("var", variables(Vec::new(), Value::Null, false));
            context.declare_var(
                "each",
                object(&[("value", object(&[("name", Value::from(relative))]))]),
            );
            assert_eq!(name.evaluate(&context).unwrap(), Value::from(full));
        }
    }
}

#[test]
fn the_app_record_follows_the_cutover_in_place() {
    for (variant, dir) in stage_two("cutover") {
        let locals = locals(&parse_dir(&dir));
        let content = attribute(&dir, "cloudflare_dns_record", "app", "content");
        let previous = Value::from("previous-app.herokudns.com");
        for (previous_app_target, cutover, target) in [
            (Value::Null, false, "this-app"),
            (previous.clone(), false, "previous-app.herokudns.com"),
            (previous.clone(), true, "this-app"),
        ] {
            let mut context = context_with_functions();
            context.declare_var("var", variables(Vec::new(), previous_app_target, cutover));
            let serve_here = locals["serve_here"].evaluate(&context).unwrap();
            context.declare_var(
                "local",
                object(&[
                    ("serve_here", serve_here),
                    ("app_origin_hostname", Value::from("this-app")),
                ]),
            );
            assert_eq!(
                content.evaluate(&context).unwrap(),
                Value::from(target),
                "{variant}: cutover {cutover}"
            );
        }
        // The preview name always reaches this stage's app.
        let preview = attribute(&dir, "cloudflare_dns_record", "preview", "content");
        assert_eq!(
            hcl::format::to_string(&preview).unwrap(),
            "local.preview_origin_hostname",
            "{variant}"
        );
        let app_records = resources(&dir)
            .iter()
            .filter(|resource| {
                resource.type_name == "cloudflare_dns_record" && resource.name == "app"
            })
            .count();
        assert_eq!(app_records, 1, "{variant}: one record for the app's name");
    }
}

/// The schema check reads rules written as `concat(cond ? [{…}] : [], [{…}])`.
#[test]
fn the_schema_check_reads_optional_list_entries() {
    let dir = scratch_dir("schema-optional-entries");
    fs::write(
        dir.join("main.tf"),
        r#"
resource "cloudflare_ruleset" "waf" {
  zone_id = "x"
  name    = "x"
  kind    = "zone"
  phase   = "http_request_firewall_managed"

  rules = concat(
    true ? [{ expression = "true", action = "skip", skip_everything = true }] : [],
    [{ expression = "true", action = "execute", action_parameters = { idd = "x" } }],
  )
}
"#,
    )
    .unwrap();
    let problems = crate::terraform::schema_problems(&dir);
    assert_eq!(
        problems,
        [
            "main.tf: resource cloudflare_ruleset.waf.rules: unknown key \"skip_everything\"",
            "main.tf: resource cloudflare_ruleset.waf.rules.action_parameters: unknown key \"idd\"",
        ],
    );
}
