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
    /// In use: obtained (and handed over) or selected in the sessions panel in this run. Only
    /// sessions in use are renewed without being asked.
    pub in_use: bool,
    /// A renewal without being asked was started for these credentials: not again (an MFA
    /// code is asked once) until new credentials arrive.
    pub renew_asked: bool,
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
            in_use: true,
            renew_asked: false,
        }
    }

    /// New credentials for this session: its warning and its renewal start over.
    pub fn renewed(&mut self, credentials: Credentials) {
        self.credentials = credentials;
        self.refreshing = false;
        self.warned = false;
        self.renew_asked = false;
    }

    pub fn label(&self) -> String {
        match &self.chain {
            Some(chain) => format!("{CHAIN_MARK} {}", chain.name),
            None => format!("{}/{}", self.account_name, self.role),
        }
    }

    /// The TARGET that names exactly these credentials' source ([`exact_target`]).
    ///
    /// [`exact_target`]: crate::core::target::exact_target
    pub fn target(&self) -> String {
        let chain = self.chain.as_ref().map(|c| c.name.as_str());
        crate::core::target::exact_target(&self.account_id, &self.role, chain)
    }
}

/// Credentials an earlier run kept (rolecall's store: an SSO role's, or a configured chain's),
/// shown as held from the start.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub account_id: String,
    pub role: String,
    /// The chain they came from (none: an SSO role's).
    pub chain: Option<ChainSpec>,
    pub credentials: Credentials,
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
        self.select_at(self.held.iter().position(|h| h.id == id).unwrap_or(0));
    }

    /// Selects the session at `index` (clamped): it is in use from now on.
    pub fn select_at(&mut self, index: usize) {
        self.selected = index.min(self.held.len().saturating_sub(1));
        if let Some(h) = self.held.get_mut(self.selected) {
            h.in_use = true;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    pub fn len(&self) -> usize {
        self.held.len()
    }
}
