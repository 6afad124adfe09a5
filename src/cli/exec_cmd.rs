//! `rolecall exec` — being written.

use super::CliError;

/// Arguments of `rolecall exec`.
#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    /// What to act on.
    pub target: Option<String>,
}

pub fn run(_args: ExecArgs) -> Result<(), CliError> {
    Err(CliError::Other("rolecall exec is not available yet".into()))
}
