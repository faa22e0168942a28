//! `infraplan checklist`: the roadmap's security checklist for a stage, and
//! the claims it makes about the generated Terraform, checked against it.

use serde_json::Value;

use crate::generate::generated;
use crate::support::{infraplan, infraplan_ok, snapshot_settings};
use crate::terraform::resources;

fn checklist_json(args: &[&str]) -> Value {
    let mut all = vec!["checklist"];
    all.extend(args);
    all.extend(["--format", "json"]);
    serde_json::from_str(&infraplan_ok(&all)).expect("the checklist is JSON")
}

/// Each item's status, by item, over every tier.
fn statuses(checklist: &Value) -> Vec<(String, String, Vec<String>)> {
    checklist["tiers"]
        .as_array()
        .expect("tiers")
        .iter()
        .flat_map(|tier| tier["items"].as_array().expect("items").iter())
        .map(|item| {
            (
                item["item"].as_str().expect("item").to_owned(),
                item["status"].as_str().expect("status").to_owned(),
                item["resources"]
                    .as_array()
                    .expect("resources")
                    .iter()
                    .map(|resource| resource.as_str().expect("address").to_owned())
                    .collect(),
            )
        })
        .collect()
}

/// Every item a stage variant's checklist marks delivered, wholly or partly,
/// names resources its generated Terraform really has; the others name
/// none; every stage delivers HTTPS and encryption at rest at least in part,
/// stage 3 wholly, and only the stages behind an edge network a WAF.
#[test]
fn delivered_items_name_resources_that_are_generated() {
    for (name, args, dir) in generated() {
        let generated: Vec<String> = resources(&dir)
            .into_iter()
            .filter(|resource| resource.kind == "resource")
            .map(|resource| format!("{}.{}", resource.type_name, resource.name))
            .collect();
        let items = statuses(&checklist_json(&args));
        assert_eq!(
            items.len(),
            23,
            "{name}: the roadmap's checklist has 23 items"
        );
        for (item, status, named) in &items {
            if status == "delivered" || status == "partly_delivered" {
                assert!(!named.is_empty(), "{name}: {item} names no resource");
                for address in named {
                    assert!(
                        generated.contains(address),
                        "{name}: {item} claims {address}, which the Terraform does not have"
                    );
                }
            } else {
                assert!(
                    named.is_empty(),
                    "{name}: {item} names resources but is {status}"
                );
            }
        }
        let status_of = |wanted: &str| {
            items
                .iter()
                .find(|(item, _, _)| item == wanted)
                .map(|(_, status, _)| status.as_str())
                .expect("the item is listed")
        };
        for item in ["HTTPS everywhere", "Data encryption at rest"] {
            let status = status_of(item);
            assert!(status.ends_with("delivered"), "{name}: {item} is {status}");
            if name == "stage3-aws" {
                assert_eq!(status, "delivered", "{name}: {item}");
            }
        }
        assert_eq!(status_of("CSRF tokens"), "application", "{name}");
        assert_eq!(status_of("Penetration testing"), "team", "{name}");
        let waf = status_of("WAF (Web Application Firewall)");
        let expected = match name {
            "stage3-aws" => "delivered",
            // The platform's own address skips Cloudflare.
            _ if name.starts_with("stage2") => "partly_delivered",
            _ => "not_in_this_stage",
        };
        assert_eq!(waf, expected, "{name}");
    }
}

/// SOC 2 is due from the roadmap's $500k ARR, GDPR with EU customers.
#[test]
fn compliance_follows_revenue_and_customers() {
    let due = |args: &[&str], regime: &str| {
        checklist_json(args)["compliance"]
            .as_array()
            .expect("compliance")
            .iter()
            .find(|note| note["name"] == regime)
            .map(|note| note["due"].as_str().expect("due").to_owned())
            .expect("the regime is listed")
    };
    assert_eq!(
        due(&["--customers", "200", "--mrr", "41666"], "SOC 2"),
        "no"
    );
    assert_eq!(
        due(&["--customers", "200", "--mrr", "41667"], "SOC 2"),
        "yes"
    );
    assert_eq!(
        due(&["--customers", "30", "--mrr", "3000"], "GDPR"),
        "not_known"
    );
    assert_eq!(
        due(
            &["--customers", "30", "--mrr", "3000", "--eu-customers"],
            "GDPR"
        ),
        "yes"
    );
    assert_eq!(
        due(&["--customers", "30", "--mrr", "3000"], "HIPAA"),
        "not_known"
    );
}

/// The checklist of stage 1 and of stage 3, as a founder reads them.
#[test]
fn checklist_snapshots() {
    for (case, args) in [
        (
            "stage1",
            ["--customers", "30", "--mrr", "3000", "--paas", "render"],
        ),
        (
            "stage3",
            ["--customers", "800", "--mrr", "120000", "--paas", "render"],
        ),
    ] {
        let mut all = vec!["checklist"];
        all.extend(args);
        let run = infraplan(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        snapshot_settings()
            .bind(|| insta::assert_snapshot!(format!("checklist__{case}"), run.stdout));
    }
}
