//! The `rolecall` binary: parse the command line, start logging, run, report one error line.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    rolecall::cli::complete_if_asked();
    let cli = rolecall::cli::Cli::parse();
    rolecall::logging::prepare_state_dir();
    rolecall::logging::init();
    match rolecall::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_quiet() => ExitCode::SUCCESS,
        Err(e) => {
            let message = e.to_string();
            if !message.is_empty() {
                tracing::error!(error = %message, "command failed");
                // Each line escaped: the message may quote AWS or a file.
                let _ = writeln!(
                    std::io::stderr(),
                    "{}",
                    rolecall::cli::output::error_line(&message)
                );
            }
            ExitCode::from(e.exit_code())
        }
    }
}
