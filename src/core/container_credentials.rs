//! The container-credentials format the AWS SDKs read from `AWS_CONTAINER_CREDENTIALS_FULL_URI`
//! (`rolecall exec`'s and `rolecall serve`'s local endpoint): the request's token check, the
//! answer's JSON, and when the served credentials are renewed.
//!
//! What the SDKs require (botocore's `ContainerProvider`, aws-config's `EcsCredentialsProvider`):
//! plain `http` only to a loopback address (or the ECS/EKS link-local ones), the token as the
//! whole `Authorization` header, and a 200 answer with `AccessKeyId`, `SecretAccessKey`, `Token`
//! and an RFC 3339 `Expiration` (all four required by aws-config; botocore reads them by key).
//! A non-200 answer is a failure both report (aws-config retries a 5xx, not a 4xx).

use std::time::{Duration, SystemTime};

use super::credentials::Credentials;
use super::exports::iso8601;

/// The variable naming the endpoint.
pub(crate) const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The variable holding the token the SDKs send as `Authorization`.
pub(crate) const AUTHORIZATION_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
/// Variables that would win over the endpoint (or over its token) in the SDKs, removed from a
/// child served by it: static keys come first in every SDK's chain, a relative URI is read
/// before the full one, a token file before the token.
pub(crate) const SHADOWING: [&str; 7] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// botocore starts refreshing when 15 minutes are left: served credentials are renewed before
/// they enter that window, so each SDK client fetches once per credential, not on every call.
const SDK_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Credentials are renewed when less than this is left: 15 minutes, or half their lifetime
/// when they live shorter than 30 minutes (so short ones are still served for a while).
pub(crate) fn renewal_lead(lifetime: Duration) -> Duration {
    SDK_REFRESH_WINDOW.min(lifetime / 2)
}

/// Whether credentials obtained at `obtained_at` are renewed before being served at `now`.
/// Credentials without an expiry are never renewed.
pub(crate) fn renewal_due(
    credentials: &Credentials,
    obtained_at: SystemTime,
    now: SystemTime,
) -> bool {
    let Some(expires_at) = credentials.expires_at else {
        return false;
    };
    let lifetime = expires_at
        .duration_since(obtained_at)
        .unwrap_or(Duration::ZERO);
    !credentials.is_fresh_at(now, renewal_lead(lifetime))
}

/// Credentials are served while the `Expiration` their answer writes (whole seconds) is at least
/// this far away: closer to it they arrive expired, and botocore then fails with "the refreshed
/// credentials are still expired" instead of the endpoint's reason.
const LAST_SERVED: Duration = Duration::from_secs(1);

/// Whether `credentials` may still be served at `now` (credentials without an expiry are
/// refused by [`answer`] instead).
pub(crate) fn servable(credentials: &Credentials, now: SystemTime) -> bool {
    let Some(expires_at) = credentials.expires_at else {
        return true;
    };
    let written = expires_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|since| SystemTime::UNIX_EPOCH + Duration::from_secs(since.as_secs()))
        .unwrap_or(expires_at);
    written
        .duration_since(now)
        .is_ok_and(|left| left >= LAST_SERVED)
}

/// Whether the `Authorization` header `given` is `expected`, in time that does not depend on
/// where they differ (the length is not secret: every token has the same).
pub(crate) fn token_matches(expected: &[u8], given: &[u8]) -> bool {
    if expected.len() != given.len() {
        return false;
    }
    let diff = expected
        .iter()
        .zip(given)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    std::hint::black_box(diff) == 0
}

/// Why credentials cannot be served in this format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ServeError {
    #[error("the credentials have no session token, which the SDKs require here")]
    NoSessionToken,
    #[error("the credentials have no expiry, which the SDKs require here")]
    NoExpiry,
}

/// The 200 answer's body.
pub(crate) fn answer(credentials: &Credentials) -> Result<String, ServeError> {
    let token = credentials
        .session_token
        .as_ref()
        .ok_or(ServeError::NoSessionToken)?;
    let expiration = credentials
        .expires_at
        .and_then(iso8601)
        .ok_or(ServeError::NoExpiry)?;
    Ok(serde_json::json!({
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key.expose(),
        "Token": token.expose(),
        "Expiration": expiration,
    })
    .to_string())
}

/// A failure's body, as the metadata services write it (aws-config shows `Code` and `Message`
/// of a 200 answer, botocore the body of any other).
pub(crate) fn failure(code: &str, message: &str) -> String {
    serde_json::json!({ "Code": code, "Message": message }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    const T0: SystemTime = SystemTime::UNIX_EPOCH;

    fn creds(lifetime_secs: u64) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("se\"cret".into()),
            session_token: Some(Secret::new("tok".into())),
            expires_at: Some(T0 + Duration::from_secs(1_795_457_045 + lifetime_secs)),
        }
    }

    #[test]
    fn an_hour_is_renewed_before_botocores_fifteen_minutes() {
        let obtained = T0 + Duration::from_secs(1_795_457_045);
        let c = creds(3600);
        let at = |secs| obtained + Duration::from_secs(secs);
        assert!(!renewal_due(&c, obtained, at(0)));
        assert!(!renewal_due(&c, obtained, at(44 * 60)));
        assert!(renewal_due(&c, obtained, at(45 * 60)));
        assert!(renewal_due(&c, obtained, at(3700)), "expired");
    }

    #[test]
    fn short_credentials_are_renewed_at_half_their_life() {
        let obtained = T0 + Duration::from_secs(1_795_457_045);
        let c = creds(10);
        assert!(!renewal_due(
            &c,
            obtained,
            obtained + Duration::from_secs(4)
        ));
        assert!(renewal_due(&c, obtained, obtained + Duration::from_secs(5)));
        assert_eq!(
            renewal_lead(Duration::from_secs(10)),
            Duration::from_secs(5)
        );
        assert_eq!(
            renewal_lead(Duration::from_secs(12 * 3600)),
            SDK_REFRESH_WINDOW
        );
    }

    #[test]
    fn credentials_stop_being_served_a_second_before_their_written_expiration() {
        let mut c = creds(10);
        let written = T0 + Duration::from_secs(1_795_457_055);
        c.expires_at = Some(written + Duration::from_millis(900));
        let before = |ms| written - Duration::from_millis(ms);
        assert!(servable(&c, before(5000)));
        assert!(servable(&c, before(1000)));
        assert!(!servable(&c, before(999)), "written without the 900 ms");
        assert!(!servable(&c, written + Duration::from_secs(60)));
        c.expires_at = None;
        assert!(servable(&c, written));
    }

    #[test]
    fn credentials_without_expiry_are_not_renewed_nor_served() {
        let mut c = creds(0);
        c.expires_at = None;
        assert!(!renewal_due(&c, T0, T0 + Duration::from_secs(1 << 40)));
        assert_eq!(answer(&c), Err(ServeError::NoExpiry));
        let mut c = creds(10);
        c.session_token = None;
        assert_eq!(answer(&c), Err(ServeError::NoSessionToken));
    }

    #[test]
    fn tokens_match_only_exactly() {
        assert!(token_matches(b"abc", b"abc"));
        assert!(!token_matches(b"abc", b"abd"));
        assert!(!token_matches(b"abc", b"ab"));
        assert!(!token_matches(b"abc", b""));
    }

    #[test]
    fn the_answer_has_the_four_fields_the_sdks_read() {
        let doc: serde_json::Value = serde_json::from_str(&answer(&creds(3600)).unwrap()).unwrap();
        assert_eq!(doc["AccessKeyId"], "ASIAEXAMPLE");
        assert_eq!(doc["SecretAccessKey"], "se\"cret");
        assert_eq!(doc["Token"], "tok");
        assert_eq!(doc["Expiration"], "2026-11-23T19:04:05Z");
        let doc: serde_json::Value = serde_json::from_str(&failure("X", "a \"b\"")).unwrap();
        assert_eq!(doc["Message"], "a \"b\"");
    }
}
