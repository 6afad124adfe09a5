//! `rolecall credential-process` — being written.

use super::CliError;

/// Arguments of `rolecall credential-process`.
#[derive(Debug, clap::Args)]
pub struct CredentialProcessArgs {
    /// What to act on.
    pub target: Option<String>,
}

pub fn run(_args: CredentialProcessArgs) -> Result<(), CliError> {
    Err(CliError::Other("rolecall credential-process is not available yet".into()))
}
