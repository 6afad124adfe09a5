//! What happened: input, time, and the answers to effects.

use crate::core::catalog::{Catalog, CatalogDiff, Roles};
use crate::core::credentials::Credentials;
use crate::core::listing::CatalogEvent;
use crate::core::signin;
use crate::core::sso::SignedIn;

use super::key::{Key, MouseInput};

/// A chain's credentials and what STS said about them.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainDone {
    pub credentials: Credentials,
    pub caller_arn: Option<String>,
    pub note: Option<String>,
    pub region: String,
}

/// Why a chain gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainFailed {
    /// Ask for a code from this device and try again.
    NeedsMfa {
        serial: String,
    },
    /// STS refused the MFA code typed for this device: ask again.
    WrongMfa {
        serial: String,
    },
    Failed(Failed),
}

/// Why a request to AWS failed, as the app needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub message: String,
    /// The token is expired or revoked: sign in again.
    pub needs_sign_in: bool,
}

/// Why a hand-over (the browser, a profile, the console) did not happen, in words for the
/// user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HandoverFailed {
    pub message: String,
}

impl From<String> for HandoverFailed {
    fn from(message: String) -> Self {
        Self { message }
    }
}

#[derive(Debug, Clone)]
pub enum Msg {
    /// The app starts with what the token store holds.
    Start {
        stored: Option<SignedIn>,
    },
    Key(Key),
    Mouse(MouseInput),
    /// Text pasted into the terminal (bracketed paste): one edit.
    Paste(String),
    /// The terminal's size and where the list is drawn in it (from `ui::layout`).
    Resize {
        width: u16,
        height: u16,
        list_top: u16,
        list_height: u16,
    },
    /// Once a second, to move countdowns and expire toasts.
    Tick,
    /// An answer for the sign-in machine.
    SignIn(signin::Event),
    /// Listing progress.
    Catalog(CatalogEvent),
    /// A listing finished.
    Listed(Result<(Catalog, Option<CatalogDiff>), Failed>),
    /// One account's roles, retried alone.
    RolesRetried {
        account_id: String,
        result: Result<Roles, Failed>,
    },
    /// Text to put on the clipboard (a console sign-in URL), and what it is.
    Copy {
        what: String,
        text: crate::secret::Secret<String>,
    },
    /// A hand-over effect finished: what to tell the user, or why it failed.
    HandedOver(Result<String, HandoverFailed>),
    /// A chain request answered.
    ChainAssumed {
        request: u64,
        result: Result<ChainDone, ChainFailed>,
    },
    /// GetCallerIdentity answered for a held session (`None`: it failed).
    Identity {
        held_id: u64,
        arn: Option<String>,
    },
    /// The first-run form's `[sso-session]`: written (its name), or why not.
    SsoSessionWritten(Result<String, String>),
    /// GetRoleCredentials answered request `request`.
    Credentials {
        request: u64,
        result: Result<Credentials, Failed>,
    },
}
