//! The one error type, its one-line messages and its exit codes.
//!
//! Every message names where the fault is (a flag, a file and key, a path)
//! and what it is, a typed [`Problem`] worded once, with what to do. Exit
//! codes follow sysexits where one fits and are documented in the README's
//! "Exit codes" table; `tests/integration/errors.rs` pins them.

mod problem;

use std::fmt;
use std::path::PathBuf;

pub use problem::{Expected, Named, Problem};

use crate::printable::{escape_controls, shown_path};

/// Exit status for success.
pub const EXIT_OK: u8 = 0;
/// `generate --check` found the folder differs from what would be written.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// `generate` was asked to turn a folder of one stage or platform into another.
pub const EXIT_OTHER_STAGE: u8 = 4;
/// A `--fail-on` budget gate was broken by a scenario or month.
pub const EXIT_BUDGET: u8 = 3;
/// A flag's value is invalid (also clap's own code for usage errors).
pub const EXIT_USAGE: u8 = 2;
/// A stage, price, usage or scenario file is malformed or inconsistent (EX_DATAERR).
pub const EXIT_DATA: u8 = 65;
/// A file or folder named on the command line cannot be read (EX_NOINPUT).
pub const EXIT_NO_INPUT: u8 = 66;
/// A bug in infraplan: a built-in template failed to render (EX_SOFTWARE).
pub const EXIT_INTERNAL: u8 = 70;
/// The output folder exists, is not empty, or cannot be created (EX_CANTCREAT).
pub const EXIT_CANNOT_CREATE: u8 = 73;
/// Printing the report failed (EX_IOERR): standard output closed or full.
pub const EXIT_IO: u8 = 74;
/// Another run holds the output folder; try again (EX_TEMPFAIL).
pub const EXIT_LOCKED: u8 = 75;

/// Every exit code, with its name in `docs/exit-codes.md`; a test keeps the
/// two the same.
pub const EXIT_CODES: [(u8, &str); 11] = [
    (EXIT_OK, "success"),
    (EXIT_CHECK_FAILED, "check failed"),
    (EXIT_USAGE, "usage"),
    (EXIT_BUDGET, "budget gate"),
    (EXIT_OTHER_STAGE, "other stage"),
    (EXIT_DATA, "bad data"),
    (EXIT_NO_INPUT, "no input"),
    (EXIT_INTERNAL, "internal"),
    (EXIT_CANNOT_CREATE, "cannot create"),
    (EXIT_IO, "output failed"),
    (EXIT_LOCKED, "locked"),
];

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// A command-line value is out of bounds or unknown.
    Usage {
        /// The flag, as the user typed it (`--customers`).
        flag: String,
        /// What is wrong with its value.
        problem: Problem,
    },
    /// A data file (built-in or user-supplied) is malformed or inconsistent.
    Data {
        /// The file, as `stages/01-solo-founder.json` or the user's path.
        file: String,
        /// The key path inside the file (`components[1].lines[0].sku`), if any.
        key: String,
        /// What is wrong there.
        problem: Problem,
    },
    /// A file or folder named by a flag cannot be read.
    NoInput {
        /// The flag that named it.
        flag: String,
        /// The path.
        path: PathBuf,
        /// Why it cannot be read.
        reason: String,
    },
    /// The output folder is unusable.
    CannotCreate {
        /// The flag that named it.
        flag: String,
        /// The path.
        path: PathBuf,
        /// Why it cannot be used and what to do.
        reason: String,
    },
    /// Another infraplan run is writing the folder.
    Locked {
        /// The folder, as given.
        path: PathBuf,
        /// Who holds it, where the system says.
        holder: Option<String>,
    },
    /// The output folder holds another stage or platform, which running
    /// infrastructure depends on: it is never rewritten into this one.
    OtherStage {
        /// The folder, as given.
        path: PathBuf,
        /// The stage and variant the folder holds.
        held: (u32, String),
        /// The stage and variant this plan asks for.
        wanted: (u32, String),
        /// The command that generates the plan into a folder of its own.
        command: String,
    },
    /// A bug, not the user's fault (or a test stopping a run on purpose).
    Internal {
        /// What failed.
        problem: Problem,
    },
}

impl Error {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. } => EXIT_USAGE,
            Error::Data { .. } => EXIT_DATA,
            Error::NoInput { .. } => EXIT_NO_INPUT,
            Error::CannotCreate { .. } => EXIT_CANNOT_CREATE,
            Error::Locked { .. } => EXIT_LOCKED,
            Error::OtherStage { .. } => EXIT_OTHER_STAGE,
            Error::Internal { .. } => EXIT_INTERNAL,
        }
    }

    /// A usage error for `flag`.
    pub fn usage(flag: &str, problem: impl Into<Problem>) -> Self {
        Error::Usage {
            flag: flag.to_owned(),
            problem: problem.into(),
        }
    }

    /// A data error in `file` at `key` (empty for the whole file).
    pub fn data(file: &str, key: impl Into<String>, problem: impl Into<Problem>) -> Self {
        Error::Data {
            file: file.to_owned(),
            key: key.into(),
            problem: problem.into(),
        }
    }
}

/// One line, whatever the values in it: control characters are escaped.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            Error::Usage { flag, problem } => format!("{flag}: {problem}"),
            Error::Data { file, key, problem } if key.is_empty() => {
                format!("{}: {problem}", shown_label(file))
            }
            Error::Data { file, key, problem } => {
                format!("{}: {key}: {problem}", shown_label(file))
            }
            Error::NoInput { flag, path, reason } => {
                format!("{flag} {}: cannot read it: {reason}", shown_path(path))
            }
            Error::CannotCreate { flag, path, reason } => {
                format!("{flag} {}: {reason}", shown_path(path))
            }
            Error::Locked { path, holder } => format!(
                "--out {}: another infraplan run is using it{}; try again when it has finished, or give --wait SECONDS",
                shown_path(path),
                holder
                    .as_ref()
                    .map_or_else(String::new, |holder| format!(" ({holder})"))
            ),
            Error::OtherStage {
                path,
                held,
                wanted,
                command,
            } => format!(
                "--out {}: holds stage {} ({}), and this plan is stage {} ({}); infraplan never rewrites a folder into another stage or platform, since applying it would destroy what runs now. Generate it beside this one, with its own state: {command}",
                shown_path(path),
                held.0,
                held.1,
                wanted.0,
                wanted.1,
            ),
            Error::Internal { problem } => {
                format!("internal error (please report it): {problem}")
            }
        };
        f.write_str(&escape_controls(&message))
    }
}

/// A file label: a built-in name or the user's path.
fn shown_label(label: &str) -> String {
    shown_path(std::path::Path::new(label))
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_name_file_and_key_on_one_line() {
        let error = Error::data(
            "stages/01.json",
            "components[0].lines[1].sku",
            Problem::UnknownSku("aws.nothing".to_owned()),
        );
        assert_eq!(
            error.to_string(),
            "stages/01.json: components[0].lines[1].sku: unknown SKU \"aws.nothing\"; use an id from `infraplan prices`"
        );
        assert_eq!(error.exit_code(), EXIT_DATA);
    }

    #[test]
    fn messages_stay_on_one_line() {
        let error = Error::NoInput {
            flag: "--usage".to_owned(),
            path: PathBuf::from("bad\nname.json"),
            reason: "line one\nline two".to_owned(),
        };
        assert_eq!(
            error.to_string(),
            "--usage bad\\nname.json: cannot read it: line one\\nline two"
        );
    }

    #[test]
    fn data_errors_without_key_skip_the_separator() {
        let error = Error::data(
            "prices/aws.json",
            "",
            Problem::Malformed("not valid JSON".to_owned()),
        );
        assert_eq!(error.to_string(), "prices/aws.json: not valid JSON");
    }
}
