//! `rolecall populate` — being written.

use super::CliError;

/// Arguments of `rolecall populate`.
#[derive(Debug, clap::Args)]
pub struct PopulateArgs {
    /// What to act on.
    pub target: Option<String>,
}

pub fn run(_args: PopulateArgs) -> Result<(), CliError> {
    Err(CliError::Other("rolecall populate is not available yet".into()))
}
