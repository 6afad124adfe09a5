//! What an earlier run kept and the app shows as held from its start, without any network:
//! the role credentials kept for the identity center (its `creds-index`), and those of the
//! configured chains kept under their fingerprint (a chain changed since is not the same
//! chain). Expired ones are left out by the core ([`AppState::hold_kept`]).
//!
//! [`AppState::hold_kept`]: crate::core::app::AppState::hold_kept

use super::Workspace;
use crate::core::app::state::Kept;
use crate::core::chain::ChainSpec;
use crate::core::sso::SsoSession;
use crate::session_store::chain_key;

impl Workspace {
    /// The credentials kept for `session`'s roles and for `chains`, as they are (expired or
    /// not). A store that cannot be read keeps nothing (logged).
    pub fn kept_sessions(&self, session: &SsoSession, chains: &[ChainSpec]) -> Vec<Kept> {
        let mut kept: Vec<Kept> = match self.store.held_credentials(session) {
            Ok(held) => held
                .into_iter()
                .map(|(account_id, role, credentials)| Kept {
                    account_id,
                    role,
                    chain: None,
                    credentials,
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the kept credentials");
                Vec::new()
            }
        };
        for spec in chains {
            let key = chain_key(&spec.name, &spec.fingerprint());
            let (Ok(Some(credentials)), Some(role)) =
                (self.store.load_chain_credentials(&key), spec.role())
            else {
                continue;
            };
            kept.push(Kept {
                account_id: role.account_id().to_string(),
                role: role.name().to_owned(),
                chain: Some(spec.clone()),
                credentials,
            });
        }
        kept
    }
}
