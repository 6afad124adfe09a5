//! The `rolecall` binary: parse the command line, start logging, run, report one error line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = rolecall::cli::Cli::parse();
    rolecall::logging::init();
    match rolecall::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "command failed");
            eprintln!("rolecall: {e}");
            ExitCode::FAILURE
        }
    }
}
