//! What every subcommand works with: the [`Workspace`] (paths, configuration, the token store,
//! the environment read at start), built by the composition root ([`crate::compose`]).

pub(crate) use crate::workspace::Workspace as Context;

use std::sync::Arc;

use super::CliError;
use super::stderr_reporter::StderrReporter;
use crate::compose::{ComposeError, for_subcommands, for_subcommands_with};
use crate::config::Config;
use crate::paths::Paths;

impl From<ComposeError> for CliError {
    fn from(e: ComposeError) -> Self {
        match e {
            ComposeError::NoHome(e) => CliError::Other(e.to_string()),
            ComposeError::Config(e) => CliError::Config(e),
        }
    }
}

/// [`load`] for reading only (credential-process's fast path: the keyring is not probed).
pub(crate) fn load_to_read() -> Result<Context, CliError> {
    Ok(crate::compose::for_reading(Arc::new(StderrReporter))?)
}

/// Loads configuration and opens the token store; a fallback notice goes to stderr.
pub(crate) fn load() -> Result<Context, CliError> {
    Ok(for_subcommands(Arc::new(StderrReporter))?)
}

/// A context for given paths and configuration (the demo's throwaway home).
pub(crate) fn with(paths: Paths, config: Config) -> Context {
    for_subcommands_with(paths, config, Arc::new(StderrReporter))
}
