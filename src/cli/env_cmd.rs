//! `rolecall env` — being written.

use super::CliError;

/// Arguments of `rolecall env`.
#[derive(Debug, clap::Args)]
pub struct EnvArgs {
    /// What to act on.
    pub target: Option<String>,
}

pub fn run(_args: EnvArgs) -> Result<(), CliError> {
    Err(CliError::Other("rolecall env is not available yet".into()))
}
