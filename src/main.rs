//! The `infraplan` binary: parse, run, print, exit. Everything else is in the library.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use infraplan::app::cli::{Cli, one_line};
use infraplan::error::EXIT_USAGE;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            return write_or_fail(&mut io::stdout(), &error.to_string(), 0);
        }
        Err(error) => {
            let message = format!("{}\n", one_line(&error));
            return write_or_fail(&mut io::stderr(), &message, EXIT_USAGE);
        }
    };
    match infraplan::run(cli) {
        Ok(outcome) => {
            let code = write_or_fail(&mut io::stdout(), &outcome.stdout, outcome.code);
            if outcome.stderr.is_empty() {
                code
            } else {
                write_or_fail(&mut io::stderr(), &outcome.stderr, outcome.code)
            }
        }
        Err(error) => {
            let message = format!("error: {error}\n");
            write_or_fail(&mut io::stderr(), &message, error.exit_code())
        }
    }
}

/// Writes `text` and exits with `code`; a closed pipe (`| head`) is not an error.
fn write_or_fail(stream: &mut dyn Write, text: &str, code: u8) -> ExitCode {
    match stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush())
    {
        Ok(()) => ExitCode::from(code),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(_) => ExitCode::from(infraplan::error::EXIT_IO),
    }
}
