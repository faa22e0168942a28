//! Two `infraplan generate` runs into one folder at the same time: one waits
//! or fails with exit 75, nothing is ever lost, and the folder is always one
//! run's complete result.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{copy_tree, generate_args, project_dir, scratch_dir, tree};

/// Rounds of two racing runs.
const ROUNDS: usize = 30;
/// Files in the `.terraform/` tree the folder carries, as after `terraform init`.
const TERRAFORM_FILES: usize = 2_000;

fn run(out: &Path, customers: &str) -> i32 {
    Command::new(env!("CARGO_BIN_EXE_infraplan"))
        .args(generate_args(out, customers))
        .current_dir(project_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .code()
        .unwrap()
}

/// The folder after running `scenarios` one after another on a copy of `start`.
fn after(root: &Path, start: &Path, name: &str, scenarios: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let out = root.join(name);
    copy_tree(start, &out);
    for customers in scenarios {
        assert_eq!(run(&out, customers), 0, "{name}");
    }
    tree(&out)
}

#[test]
fn two_runs_at_once_never_lose_anything() {
    let root = scratch_dir("race");
    let start = root.join("start");
    assert_eq!(run(&start, "120"), 0);
    // The user's edit, their own file and an initialised .terraform/ tree.
    let variables = start.join("variables.tf");
    let text = fs::read_to_string(&variables).unwrap();
    fs::write(
        &variables,
        text.replacen("\"container\"", "\"heroku-24\"", 1),
    )
    .unwrap();
    fs::write(start.join("monitoring.tf"), "# the user's own file\n").unwrap();
    for index in 0..TERRAFORM_FILES {
        let dir = start.join(format!(".terraform/providers/{}", index % 20));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("file-{index}")), format!("{index}\n")).unwrap();
    }
    let only_x = after(&root, &start, "only-x", &["150"]);
    let only_y = after(&root, &start, "only-y", &["180"]);
    let x_then_y = after(&root, &start, "x-then-y", &["150", "180"]);
    let y_then_x = after(&root, &start, "y-then-x", &["180", "150"]);

    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for round in 0..ROUNDS {
        let out = root.join(format!("round-{round}"));
        copy_tree(&start, &out);
        let spawn = |customers: &str| {
            Command::new(env!("CARGO_BIN_EXE_infraplan"))
                .args(generate_args(&out, customers))
                .current_dir(project_dir())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let x = spawn("150");
        let y = spawn("180");
        let x = x.wait_with_output().unwrap();
        let y = y.wait_with_output().unwrap();
        let codes = (x.status.code().unwrap(), y.status.code().unwrap());
        let now = tree(&out);
        let expected = match codes {
            (0, 75) => &only_x,
            (75, 0) => &only_y,
            // Both ran, one after the other: either order.
            (0, 0) if now == x_then_y => &x_then_y,
            (0, 0) => &y_then_x,
            other => panic!(
                "round {round}: exit codes {other:?}: {}{}",
                String::from_utf8_lossy(&x.stderr),
                String::from_utf8_lossy(&y.stderr)
            ),
        };
        assert!(
            now == *expected,
            "round {round} ({codes:?}): the folder is not one run's complete result"
        );
        for loser in [&x, &y].iter().filter(|run| run.status.code() == Some(75)) {
            let stderr = String::from_utf8_lossy(&loser.stderr);
            assert!(
                stderr.starts_with("error: --out ")
                    && stderr.contains("another infraplan run is using it"),
                "{stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        }
        let key = format!("{codes:?}");
        *outcomes.entry(key).or_default() += 1;
        // The user's own file, their edit and every .terraform file are there.
        assert_eq!(
            fs::read_to_string(out.join("monitoring.tf")).unwrap(),
            "# the user's own file\n"
        );
        assert!(
            fs::read_to_string(out.join("variables.tf"))
                .unwrap()
                .contains("\"heroku-24\"")
        );
        let terraform_files = now
            .keys()
            .filter(|path| path.starts_with(".terraform/"))
            .count();
        assert_eq!(terraform_files, TERRAFORM_FILES, "round {round}");
        let leftovers: Vec<String> = fs::read_dir(&root)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(&format!(".round-{round}.")))
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
        fs::remove_dir_all(&out).unwrap();
    }
    eprintln!("{ROUNDS} rounds of two racing runs, by exit codes (first, second): {outcomes:?}");
    assert!(
        outcomes.keys().any(|codes| codes.contains("75")),
        "no round raced: {outcomes:?}"
    );
}
