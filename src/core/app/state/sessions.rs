//! The sessions held in this run: credentials obtained, their countdowns, and which one the
//! sessions panel has selected.

use crate::core::chain::ChainSpec;
use crate::core::credentials::Credentials;

/// Credentials obtained in this run.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub id: u64,
    pub account_id: String,
    pub account_name: String,
    pub role: String,
    pub credentials: Credentials,
    pub refreshing: bool,
    /// The pre-expiry warning was shown.
    pub warned: bool,
    /// The chain these credentials came from (refreshing re-assumes it from its source).
    pub chain: Option<ChainSpec>,
    /// Who the credentials are (GetCallerIdentity), once STS has said.
    pub caller_arn: Option<String>,
    /// Why the session is shorter than asked (role chaining's 1 h).
    pub note: Option<String>,
    /// The region to export for a chain (its STS region); the app's otherwise.
    pub region: Option<String>,
}

impl Held {
    /// An SSO role's credentials, before "who am I" is known.
    pub fn sso(
        id: u64,
        account_id: String,
        account_name: String,
        role: String,
        credentials: Credentials,
    ) -> Self {
        Self {
            id,
            account_id,
            account_name,
            role,
            credentials,
            refreshing: false,
            warned: false,
            chain: None,
            caller_arn: None,
            note: None,
            region: None,
        }
    }

    pub fn label(&self) -> String {
        match &self.chain {
            Some(chain) => format!("{CHAIN_MARK} {}", chain.name),
            None => format!("{}/{}", self.account_name, self.role),
        }
    }
}

/// How chained rows and sessions are marked.
pub const CHAIN_MARK: &str = "↪";

/// The credentials held, oldest first, and the sessions panel's selection.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    pub held: Vec<Held>,
    /// The selected row of the sessions panel.
    pub selected: usize,
}

impl Sessions {
    pub fn get(&self, id: u64) -> Option<&Held> {
        self.held.iter().find(|h| h.id == id)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Held> {
        self.held.iter_mut().find(|h| h.id == id)
    }

    /// The session the sessions panel has selected.
    pub fn selected(&self) -> Option<&Held> {
        self.held.get(self.selected)
    }

    /// Selects the session `id`.
    pub fn select(&mut self, id: u64) {
        self.selected = self.held.iter().position(|h| h.id == id).unwrap_or(0);
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    pub fn len(&self) -> usize {
        self.held.len()
    }
}
