//! What every subcommand works with: the [`Workspace`] (paths, configuration, the token store,
//! the environment read at start), built by the composition root ([`crate::compose`]).

pub use crate::workspace::Workspace as Context;

use super::CliError;
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

/// Loads configuration and opens the token store; a fallback notice goes to stderr.
pub fn load() -> Result<Context, CliError> {
    Ok(for_subcommands()?)
}

/// A context for given paths and configuration (the demo's throwaway home).
pub fn with(paths: Paths, config: Config) -> Context {
    for_subcommands_with(paths, config)
}
