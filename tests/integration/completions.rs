//! `infraplan completions SHELL` and `--version`.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::infraplan_ok;

const COMMANDS: [&str; 10] = [
    "plan",
    "stages",
    "prices",
    "generate",
    "compare",
    "roadmap",
    "diff",
    "resolve",
    "completions",
    "checklist",
];

/// Every shell's script offers every command; bash's parses.
#[test]
fn completions_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = infraplan_ok(&["completions", shell]);
        for command in COMMANDS {
            assert!(script.contains(command), "{shell}: no {command}");
        }
        assert!(
            script.contains("eu-customers"),
            "{shell}: flags are completed"
        );
    }
    let mut bash = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .spawn()
        .expect("bash runs");
    bash.stdin
        .take()
        .expect("stdin")
        .write_all(infraplan_ok(&["completions", "bash"]).as_bytes())
        .expect("the script is written to bash");
    assert!(
        bash.wait().expect("bash ends").success(),
        "the bash script parses"
    );
}

#[test]
fn version_is_the_package_version() {
    assert_eq!(
        infraplan_ok(&["--version"]),
        format!("infraplan {}\n", env!("CARGO_PKG_VERSION"))
    );
}
