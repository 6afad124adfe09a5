//! `rolecall write` — being written.

use super::CliError;

/// Arguments of `rolecall write`.
#[derive(Debug, clap::Args)]
pub struct WriteArgs {
    /// What to act on.
    pub target: Option<String>,
}

pub fn run(_args: WriteArgs) -> Result<(), CliError> {
    Err(CliError::Other("rolecall write is not available yet".into()))
}
