//! The pure parts of the authorization-code + PKCE flow (RFC 7636, RFC 8252): the S256
//! challenge, the authorize URL, and checking what the browser brought back.

use base64::Engine;
use sha2::{Digest, Sha256};

/// `base64url(sha256(verifier))` without padding.
pub(crate) fn s256_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An authorize endpoint that is not a URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad authorize endpoint {endpoint:?}: {cause}")]
pub(crate) struct AuthorizeUrlError {
    pub endpoint: String,
    #[source]
    pub cause: url::ParseError,
}

/// What the browser's redirect says instead of a code we can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RedirectError {
    #[error(
        "the browser returned a state that does not match this sign-in (a stale or forged redirect); sign in again"
    )]
    StateMismatch,
    #[error("the sign-in was denied in the browser")]
    Denied,
    /// An OAuth `error` (and its `error_description`, possibly empty).
    #[error("{}", returned(.error, .description))]
    Returned { error: String, description: String },
    #[error("the browser returned no authorization code")]
    NoCode,
}

fn returned(error: &str, description: &str) -> String {
    format!("the browser returned {error}: {description}")
        .trim_end_matches(": ")
        .to_owned()
}

/// The URL the browser opens: the OIDC `authorize` endpoint with our parameters.
pub(crate) fn authorize_url(
    authorize_endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
    scopes: &[String],
) -> Result<String, AuthorizeUrlError> {
    let mut url = url::Url::parse(authorize_endpoint).map_err(|cause| AuthorizeUrlError {
        endpoint: authorize_endpoint.to_owned(),
        cause,
    })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("code_challenge_method", "S256")
            .append_pair("code_challenge", challenge);
        if !scopes.is_empty() {
            q.append_pair("scopes", &scopes.join(","));
        }
    }
    Ok(url.to_string())
}

/// Checks the redirect's query: the `state` must be ours, then a `code` or an `error`.
pub(crate) fn check_redirect(
    pairs: &[(String, String)],
    expected_state: &str,
) -> Result<String, RedirectError> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("state") != Some(expected_state) {
        return Err(RedirectError::StateMismatch);
    }
    if let Some(error) = get("error") {
        return Err(match error {
            "access_denied" => RedirectError::Denied,
            other => RedirectError::Returned {
                error: other.to_owned(),
                description: get("error_description").unwrap_or("").to_owned(),
            },
        });
    }
    get("code")
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .ok_or(RedirectError::NoCode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn state_is_checked_before_anything_else() {
        let err = check_redirect(&pairs(&[("code", "c"), ("state", "evil")]), "good").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the browser returned a state that does not match this sign-in (a stale or forged redirect); sign in again"
        );
        assert_eq!(
            check_redirect(&pairs(&[("code", "c"), ("state", "good")]), "good").unwrap(),
            "c"
        );
        let err = check_redirect(
            &pairs(&[("error", "access_denied"), ("state", "good")]),
            "good",
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "the sign-in was denied in the browser");
        assert_eq!(
            check_redirect(&pairs(&[("state", "good")]), "good")
                .unwrap_err()
                .to_string(),
            "the browser returned no authorization code"
        );
        let why = |list: &[(&str, &str)]| {
            check_redirect(&pairs(list), "good")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            why(&[("state", "good"), ("error", "invalid_scope")]),
            "the browser returned invalid_scope"
        );
        assert_eq!(
            why(&[
                ("state", "good"),
                ("error", "server_error"),
                ("error_description", "try later")
            ]),
            "the browser returned server_error: try later"
        );
    }

    #[test]
    fn the_authorize_url_carries_everything() {
        let url = authorize_url(
            "http://127.0.0.1:9/authorize",
            "cid",
            "http://127.0.0.1:5/oauth/callback",
            "st",
            "ch",
            &["sso:account:access".into()],
        )
        .unwrap();
        assert!(url.starts_with("http://127.0.0.1:9/authorize?response_type=code&client_id=cid"));
        assert!(url.contains("code_challenge_method=S256&code_challenge=ch"));
        assert!(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Foauth%2Fcallback"));
        let bad = authorize_url("no url", "c", "r", "s", "c", &[]).unwrap_err();
        assert_eq!(bad.cause, url::ParseError::RelativeUrlWithoutBase);
        assert_eq!(
            bad.to_string(),
            "bad authorize endpoint \"no url\": relative URL without a base"
        );
    }
}
