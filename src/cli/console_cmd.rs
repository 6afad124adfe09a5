//! `rolecall console` — being written.

use super::CliError;

/// Arguments of `rolecall console`.
#[derive(Debug, clap::Args)]
pub struct ConsoleArgs {
    /// What to act on.
    pub target: Option<String>,
}

pub fn run(_args: ConsoleArgs) -> Result<(), CliError> {
    Err(CliError::Other("rolecall console is not available yet".into()))
}
