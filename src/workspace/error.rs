//! Why a use case failed, with its cause kept (the subcommands map it to an exit code, the app
//! to a message on screen).

use crate::catalog::CatalogError;
use crate::core::chain::ChainError;
use crate::engine::tokens::TokenError;
use crate::ports::identity_center::IdcError;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// What was asked names nothing usable (an unknown target or identity center).
    #[error("{0}")]
    Usage(String),
    /// No identity center, or not the one asked for.
    #[error(transparent)]
    Session(#[from] crate::config::SessionChoiceError),
    /// Signing in is needed first.
    #[error("{0}")]
    NeedsSignIn(String),
    #[error(transparent)]
    Token(TokenError),
    #[error(transparent)]
    Catalog(CatalogError),
    /// The identity center refused or could not be reached while `doing` something.
    #[error("{doing}: {error}")]
    IdentityCenter { doing: String, error: IdcError },
    #[error(transparent)]
    Chain(ChainError),
}

impl From<TokenError> for WorkspaceError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::NotSignedIn { .. }
            | TokenError::SignedOut { .. }
            | TokenError::Expired { .. } => WorkspaceError::NeedsSignIn(e.to_string()),
            other => WorkspaceError::Token(other),
        }
    }
}

/// The sign-in to `session` is gone: what to run.
pub(crate) fn sign_in_again(session: &str) -> String {
    format!(
        "the sign-in to {session} has expired or was revoked: run `rolecall login --session {session}`"
    )
}
