//! Requests in flight: what was asked, by request id. An answer whose id is no longer here is
//! dropped (it was superseded or its question was withdrawn).

use std::collections::BTreeMap;

use crate::core::chain::ChainSpec;

/// A GetRoleCredentials request: the role, and the held session it refreshes (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsRequest {
    pub account_id: String,
    pub role: String,
    /// The held session these credentials renew; `None`: new credentials.
    pub refreshing: Option<u64>,
    /// New credentials even when kept ones are good.
    pub fresh: bool,
    /// `account-name/role`, for what the status line says.
    pub label: String,
}

/// A chain being assumed: the chain, the held session it refreshes (if any), and whether kept
/// credentials may answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChain {
    pub spec: ChainSpec,
    pub refreshing: Option<u64>,
    pub fresh: bool,
}

/// Everything asked and not answered yet, and the ids to ask with.
#[derive(Debug, Clone, Default)]
pub struct Requests {
    /// GetRoleCredentials requests.
    pub credentials: BTreeMap<u64, CredentialsRequest>,
    /// AssumeRole chains.
    pub chains: BTreeMap<u64, PendingChain>,
    /// Requests AWS refused for want of a sign-in: asked again once signed in.
    pub after_sign_in: Vec<CredentialsRequest>,
    next_id: u64,
}

impl Requests {
    /// A new id, for a request or a held session.
    pub fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Whether credentials for this role are being fetched.
    pub fn asking_for(&self, account_id: &str, role: &str) -> bool {
        self.credentials
            .values()
            .any(|r| r.account_id == account_id && r.role == role)
    }
}
