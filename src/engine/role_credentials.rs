//! Role credentials from GetRoleCredentials, kept in the secret store until close to expiry so
//! asking again is instant.

use std::time::Duration;

use crate::core::credentials::Credentials;
use crate::core::rate::backoff;
use crate::core::sso::SsoSession;
use crate::ports::clock::Clock;
use crate::ports::identity_center::{IdcError, IdentityCenter};
use crate::secret::Secret;
use crate::session_store::SessionStore;

/// Kept credentials with less than this left are fetched anew.
pub(crate) const FRESHNESS_MARGIN: Duration = Duration::from_secs(5 * 60);
/// `credential-process` renews kept credentials with less than this left, where their source
/// allows it: botocore refreshes from 15 minutes before expiry (`_advisory_refresh_timeout`)
/// and then runs the process on every API call until it gets credentials that last longer;
/// five more minutes keep a renewal that the SDK asks for just before this out of that window.
pub(crate) const RENEW_BEFORE: Duration = Duration::from_secs(20 * 60);
/// Transient failures (429, 5xx, network) are retried this many times.
const ATTEMPTS: u32 = 5;

/// Credentials for `account_id`/`role`: the kept ones if fresh (unless `renew`), else
/// GetRoleCredentials (retried on transient errors) and kept. Kept credentials are replaced only
/// by new ones: a failed renewal leaves them for the next caller. A store failure only costs the
/// caching.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn role_credentials<I: IdentityCenter>(
    idc: &I,
    store: &SessionStore,
    session: &SsoSession,
    token: &Secret<String>,
    account_id: &str,
    role: &str,
    clock: &dyn Clock,
    renew: bool,
) -> Result<Credentials, IdcError> {
    if !renew {
        match store.load_fresh_credentials(session, account_id, role, clock.now(), FRESHNESS_MARGIN)
        {
            Ok(Some(kept)) => return Ok(kept),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read kept credentials"),
        }
    }
    let mut attempt = 0;
    let credentials = loop {
        match idc.get_role_credentials(token, account_id, role).await {
            Ok(c) => break c,
            Err(e) if e.is_transient() && attempt + 1 < ATTEMPTS => {
                let jitter = rand::random::<f64>();
                tokio::time::sleep(backoff(
                    attempt,
                    Duration::from_millis(200),
                    Duration::from_secs(5),
                    jitter,
                ))
                .await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    if let Err(e) = store.save_credentials(session, account_id, role, &credentials) {
        tracing::warn!(error = %e, "cannot keep the role credentials");
    }
    Ok(credentials)
}
