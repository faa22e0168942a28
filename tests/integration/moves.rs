//! Moving up a stage: the running stage's folder is never rewritten; the
//! next stage is generated beside it and adopts what carries over.

use std::path::Path;

use crate::support::{infraplan, scratch_dir, tree};

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
        let run = generate(&old, &scenario(3, paas), &[]);
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
