//! An SSO role's credentials: kept ones when fresh, else GetRoleCredentials with the stored or
//! silently refreshed token (kept for next time).

use super::error::sign_in_again;
use super::{Workspace, WorkspaceError};
use crate::core::credentials::Credentials;
use crate::core::sso::SsoSession;
use crate::core::target::{Matching, Target};
use crate::engine::role_credentials::{FRESHNESS_MARGIN, role_credentials};
use crate::engine::tokens::usable_token;
use crate::ports::identity_center::{IdcError, IdentityCenter};
use crate::secret::Secret;

impl Workspace {
    /// Credentials kept for `target` that are good for a few more minutes, without any
    /// network: the fast path of `credential-process`.
    pub fn kept_credentials(&self, session: &SsoSession, target: &Target) -> Option<Credentials> {
        self.store
            .load_fresh_credentials(
                session,
                &target.account.id,
                &target.role,
                self.clock.now(),
                FRESHNESS_MARGIN,
            )
            .ok()
            .flatten()
    }

    /// A role's credentials with `token` (kept ones unless `fresh`), from `idc`: the app's
    /// identity center, or the session's own.
    #[allow(clippy::too_many_arguments)]
    pub async fn role_credentials<I: IdentityCenter>(
        &self,
        idc: &I,
        session: &SsoSession,
        token: &Secret<String>,
        account_id: &str,
        role: &str,
        fresh: bool,
    ) -> Result<Credentials, IdcError> {
        role_credentials(
            idc,
            &self.store,
            session,
            token,
            account_id,
            role,
            self.clock.as_ref(),
            fresh,
        )
        .await
    }

    /// The target's role and credentials: kept ones when fresh (unless `renew`), else from
    /// AWS. A failed renewal leaves the kept ones in place.
    pub async fn credentials_for(
        &self,
        session: &SsoSession,
        target: &str,
        matching: Matching,
        renew: bool,
    ) -> Result<(Target, Credentials), WorkspaceError> {
        let target = self.resolve_target(session, target, matching).await?;
        if !renew && let Some(kept) = self.kept_credentials(session, &target) {
            return Ok((target, kept));
        }
        let idc = self.identity_center(session);
        let signed_in = usable_token(&idc, &self.store, session, self.clock.as_ref()).await?;
        let credentials = self
            .role_credentials(
                &idc,
                session,
                &signed_in.token.access_token,
                &target.account.id,
                &target.role,
                renew,
            )
            .await
            .map_err(|e| match e {
                IdcError::Unauthorized => WorkspaceError::NeedsSignIn(sign_in_again(&session.name)),
                error => WorkspaceError::IdentityCenter {
                    doing: format!("cannot get credentials for {}", target.label()),
                    error,
                },
            })?;
        Ok((target, credentials))
    }
}
