//! A usable access token without asking anyone: the stored one, or a silent refresh. For
//! scripts and background work, which must never start an interactive sign-in.

use std::time::Duration;

use crate::core::signin::TOKEN_MARGIN;
use crate::core::sso::{SignedIn, SsoSession};
use crate::ports::clock::Clock;
use crate::ports::identity_center::{IdcError, IdentityCenter, TokenGrant};
use crate::session_store::{SessionStore, SessionStoreError};

/// Why no token could be had without the user.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("not signed in to {session}: run `rolecall login --session {session}`")]
    NotSignedIn { session: String },
    /// `rolecall logout` was the last thing done.
    #[error("signed out of {session}: run `rolecall login --session {session}`")]
    SignedOut { session: String },
    #[error("the sign-in to {session} has expired: run `rolecall login --session {session}`")]
    Expired { session: String },
    #[error(transparent)]
    Store(#[from] SessionStoreError),
    #[error("{0}")]
    Aws(IdcError),
}

/// The stored sign-in if its token is good for a few more minutes, else a refreshed one
/// (saved). Anything that would need the user is `NotSignedIn` or `Expired`.
pub async fn usable_token<I: IdentityCenter>(
    idc: &I,
    store: &SessionStore,
    session: &SsoSession,
    clock: &dyn Clock,
) -> Result<SignedIn, TokenError> {
    let Some(stored) = store.load(session)? else {
        let signed_out = store.signed_out(session);
        let session = session.name.clone();
        return Err(if signed_out {
            TokenError::SignedOut { session }
        } else {
            TokenError::NotSignedIn { session }
        });
    };
    let now = clock.now();
    if stored.token.is_valid_at(now, TOKEN_MARGIN) {
        return Ok(stored);
    }
    let expired = || TokenError::Expired {
        session: session.name.clone(),
    };
    let Some(refresh) = stored.token.refresh_token.as_ref() else {
        return if stored.token.is_valid_at(now, Duration::ZERO) {
            Ok(stored)
        } else {
            Err(expired())
        };
    };
    if !stored.registration.is_valid_at(now, Duration::ZERO) {
        return Err(expired());
    }
    match idc
        .create_token(&stored.registration, TokenGrant::Refresh(refresh))
        .await
    {
        Ok(token) => {
            let renewed = SignedIn {
                registration: stored.registration.clone(),
                token,
            };
            store.save(session, &renewed)?;
            tracing::info!(session = %session.name, "access token refreshed");
            Ok(renewed)
        }
        Err(IdcError::InvalidGrant(_) | IdcError::InvalidClient(_) | IdcError::Unauthorized) => {
            Err(expired())
        }
        // Still valid for a little while: better a short-lived token than none.
        Err(_) if stored.token.is_valid_at(now, Duration::ZERO) => Ok(stored),
        Err(e) => Err(TokenError::Aws(e)),
    }
}

/// Whether the portal refuses a token that has not expired (revoked, or signed out
/// elsewhere): one ListAccounts of one item. Any other answer, or none, counts as accepted.
pub async fn is_revoked<I: IdentityCenter>(idc: &I, signed_in: &SignedIn) -> bool {
    matches!(
        idc.list_accounts(&signed_in.token.access_token, None, 1)
            .await,
        Err(IdcError::Unauthorized)
    )
}
