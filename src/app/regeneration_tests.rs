//! Regeneration driven through its seams: a write interrupted before each of
//! its steps, and a run whose inputs match the records, which must not render.
//! These use the write hooks, which only the crate sees, so they are unit
//! tests; they live in `app` because they drive the whole pipeline (data,
//! plan, render, write), which only `app` may import.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use rust_decimal::Decimal;

use crate::app::cli::{Cli, ScenarioArgs};
use crate::app::{run, scenario_from};
use crate::catalog::embedded;
use crate::model::plan::fixtures::built_in_data;
use crate::model::plan::{Data, Plan};
use crate::terraform::context::{Naming, TemplateContext};
use crate::terraform::generate::{Mode, Target, fingerprint, prepare, regenerate};
use crate::terraform::regenerate::lock::{Access, FolderLock};
use crate::terraform::regenerate::write::{self, Folder, Step, Stop, apply_with};
use crate::terraform::{Renderer, TemplateFile, load_templates, templates_for};

#[path = "../../tests/integration/shared.rs"]
mod shared;
use shared::{copy_tree, differences, generate_args, tree};

/// A fresh, empty folder for one test.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("infraplan-unit-{name}-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// What `infraplan generate` writes for stage 2 on Heroku into `out`.
fn generate(out: &Path, customers: &str) {
    let args = std::iter::once("infraplan".to_owned()).chain(generate_args(out, customers));
    let outcome = run(Cli::try_parse_from(args).unwrap()).unwrap();
    assert_eq!(outcome.code, crate::error::EXIT_OK);
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Stops a regeneration before each of its steps, as a failure and as a
/// killed process. The folder is always exactly as before or as after, and
/// the next run finishes the job.
#[test]
fn an_interrupted_write_leaves_the_folder_before_or_after() {
    let root = scratch_dir("interrupted");
    let original = root.join("original");
    generate(&original, "120");
    fs::write(
        original.join("terraform.tfvars"),
        "domain = \"example.com\"\n",
    )
    .unwrap();
    fs::create_dir(original.join("modules")).unwrap();
    fs::write(original.join("modules/extra.tf"), "# user module\n").unwrap();
    edit(
        &original.join("variables.tf"),
        "\"container\"",
        "\"heroku-24\"",
    );
    let before = tree(&original);
    let expected = root.join("expected");
    copy_tree(&original, &expected);
    generate(&expected, "180");
    let after = tree(&expected);
    assert!(before != after);

    let data = built_in_data();
    let (plan, naming, templates) = planned(&data, 180);
    let renderer = Renderer::new(templates.clone()).unwrap();
    let rendered = renderer
        .render_variant(
            plan.selection.variant_name,
            &TemplateContext::new(&plan, &data, &naming),
        )
        .unwrap();
    // What the CLI records as the folder's inputs.
    let inputs = fingerprint(&TemplateContext::new(&plan, &data, &naming), &templates);

    // Other tests spawn processes: a child between fork and exec briefly
    // shares this process's open files, locks included, so wait a little.
    let patience = Duration::from_secs(10);
    let locked = |out: &Path| {
        let folder = Folder::resolve(out).unwrap();
        let lock = FolderLock::acquire(&folder.path, Access::Exclusive, patience).unwrap();
        (folder, lock)
    };
    let mut steps: Vec<Step> = Vec::new();
    let counted = root.join("counted");
    copy_tree(&original, &counted);
    let (folder, mut lock) = locked(&counted);
    let prepared = prepare(&folder, &rendered, &plan, &naming, false, Some(&inputs)).unwrap();
    let plan_of = |prepared: &crate::terraform::generate::Prepared| {
        (prepared.changes.clone(), prepared.manifest.clone())
    };
    let (changes, manifest) = plan_of(&prepared);
    apply_with(
        &folder,
        write::Plan {
            changes: &changes,
            manifest: &manifest,
        },
        &mut lock,
        &mut |step| {
            steps.push(step.clone());
            None
        },
    )
    .unwrap();
    drop(lock);
    assert_eq!(
        tree(&counted),
        after,
        "an uninterrupted run writes what the CLI writes"
    );
    assert!(steps.len() > 20, "{steps:?}");

    for (index, step) in steps.iter().enumerate() {
        for stop in [Stop::Fail, Stop::Kill] {
            let out = root.join(format!("run-{index}-{stop:?}"));
            copy_tree(&original, &out);
            let (folder, mut lock) = locked(&out);
            let prepared =
                prepare(&folder, &rendered, &plan, &naming, false, Some(&inputs)).unwrap();
            let (changes, manifest) = plan_of(&prepared);
            let mut seen = 0;
            let result = apply_with(
                &folder,
                write::Plan {
                    changes: &changes,
                    manifest: &manifest,
                },
                &mut lock,
                &mut |_| {
                    seen += 1;
                    (seen == index + 1).then_some(stop)
                },
            );
            // A killed process lets go of its locks.
            drop(lock);
            let now = tree(&out);
            match (stop, step) {
                (Stop::Fail, Step::Cleanup) => {
                    assert!(result.is_ok(), "the folder was already swapped in");
                    assert!(now == after, "{}", differences(&now, &after));
                }
                (Stop::Fail, _) => {
                    assert!(result.is_err(), "a failure before {step:?} is reported");
                    assert!(
                        now == before,
                        "failed before {step:?}: {}",
                        differences(&now, &before)
                    );
                    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
                }
                (Stop::Kill, _) => assert!(
                    now == before || now == after,
                    "killed before {step:?}: neither before ({}) nor after ({})",
                    differences(&now, &before),
                    differences(&now, &after)
                ),
            }
            // The next run recovers and finishes.
            let target = Target {
                plan: &plan,
                naming: &naming,
                flags: &[],
                fingerprint: Some(&inputs),
            };
            let render = || Ok(rendered.clone());
            regenerate(&out, &render, target, false, Mode::Write, patience).unwrap();
            let recovered = tree(&out);
            assert!(
                recovered == after,
                "after {step:?}: {}",
                differences(&recovered, &after)
            );
            assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        }
    }
}

/// Folders an interrupted run may leave beside `out`.
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!(".{name}.infraplan-"))
        })
        .collect()
}

/// A run whose inputs match the folder's records reuses infraplan's recorded
/// files instead of rendering (it never calls the renderer); other inputs
/// render.
#[test]
fn unchanged_inputs_skip_rendering() {
    let out = scratch_dir("reuse").join("infra");
    generate(&out, "120");
    let data = built_in_data();
    let (plan, naming, templates) = planned(&data, 120);
    let inputs = fingerprint(&TemplateContext::new(&plan, &data, &naming), &templates);
    let refuse = || -> Result<Vec<crate::terraform::RenderedFile>, crate::error::Error> {
        Err(crate::error::Error::Internal {
            problem: crate::error::Problem::StoppedByTest,
        })
    };
    let run = |fingerprint: &str| {
        let target = Target {
            plan: &plan,
            naming: &naming,
            flags: &[],
            fingerprint: Some(fingerprint),
        };
        regenerate(&out, &refuse, target, false, Mode::Check, Duration::ZERO)
    };
    let reused = run(&inputs).expect("the records stand in for a rendering");
    assert!(!reused.differs);
    assert!(
        run("another").is_err(),
        "other inputs render (and this renderer refuses)"
    );
}

/// What `generate` plans for `customers` on Heroku at $150 a customer: the
/// plan, the names it uses with `--domain example.com`, and the templates of
/// its variant.
fn planned(data: &Data, customers: u64) -> (Plan<'_>, Naming, Vec<TemplateFile>) {
    let scenario = scenario_from(
        &ScenarioArgs {
            customers,
            mrr: Decimal::from(customers * 150),
            paas: Some("heroku".to_owned()),
            stage: None,
            usage: None,
            commitment: crate::model::cost::Commitment::None,
        },
        data,
    )
    .unwrap();
    let plan = crate::model::plan::plan(data, &scenario).unwrap();
    let naming = Naming {
        app_name: "saas-app".to_owned(),
        region: "us-east-1".to_owned(),
        domain: Some("example.com".to_owned()),
    };
    let templates = templates_for(
        load_templates(embedded::TEMPLATES, None).unwrap(),
        plan.selection.variant_name,
    );
    (plan, naming, templates)
}
