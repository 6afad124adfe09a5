//! `rolecall init` — being written.

use super::CliError;

/// Arguments of `rolecall init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// What to act on.
    pub target: Option<String>,
}

pub fn run(_args: InitArgs) -> Result<(), CliError> {
    Err(CliError::Other("rolecall init is not available yet".into()))
}
