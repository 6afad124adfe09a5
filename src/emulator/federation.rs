//! A stand-in for the console federation endpoint (`https://signin.aws.amazon.com/federation`):
//! `GET /federation?Action=getSigninToken&Session=…` turns temporary credentials the emulator
//! issued into a sign-in token, and `GET /federation?Action=login&SigninToken=…&Destination=…`
//! redirects to the destination when the token is good.
//!
//! Sign-in tokens are stateless: `<payload>.<mac>`, where the payload (base64url JSON) names the
//! access key id, when the token was issued and the console session length, and the mac is
//! HMAC-SHA256 over the payload keyed with that key's secret. So a token is good only while the
//! credentials it came from are known to this emulator and unexpired, and for 15 minutes after
//! it was issued, as AWS documents. Every token is remembered with `Store::remember`, so leak
//! tests look for it too.
//!
//! Role chaining, as AWS does it: credentials from a role assumed with a role's credentials (an
//! SSO role's included; the emulator's STS records which) get HTTP 400 when `SessionDuration`
//! is sent, and their console session follows the credentials. (AWS answers 400; the body's
//! wording here is ours.)

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use super::clock::epoch_secs;
use super::shared::Shared;
use super::sigv4::constant_time_eq;

/// How long a sign-in token can be used after it was issued.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Console session bounds (`SessionDuration`), seconds.
const MIN_SESSION: u64 = 900;
const MAX_SESSION: u64 = 43_200;
/// The console session when `SessionDuration` is not sent.
const DEFAULT_SESSION: u64 = 3600;

/// An error answer: HTTP 400 (or another status) with `{"error": …, "message": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FederationError {
    pub status: StatusCode,
    pub error: &'static str,
    pub message: String,
}

impl FederationError {
    fn bad(error: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            message: message.into(),
        }
    }
}

impl IntoResponse for FederationError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({ "error": self.error, "message": self.message })),
        )
            .into_response()
    }
}

/// The `Session` parameter of getSigninToken.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionParam {
    session_id: String,
    session_key: String,
    session_token: String,
}

/// What a sign-in token says about itself.
#[derive(Serialize, Deserialize)]
struct TokenPayload {
    /// Access key id of the credentials it was issued for.
    k: String,
    /// Issued at, epoch seconds (emulator clock).
    i: i64,
    /// Console session length, seconds.
    d: u64,
}

/// The single route: `GET /federation`.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let params: HashMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let answer = match params.get("Action").map(String::as_str) {
        Some("getSigninToken") => {
            get_signin_token(&shared, &params).map(IntoResponse::into_response)
        }
        Some("login") => login(&shared, &params),
        Some(other) => Err(FederationError::bad(
            "InvalidAction",
            format!("unknown Action {other:?}"),
        )),
        None => Err(FederationError::bad("InvalidAction", "Action is required")),
    };
    answer.unwrap_or_else(IntoResponse::into_response)
}

fn get_signin_token(
    shared: &Shared,
    params: &HashMap<String, String>,
) -> Result<Json<serde_json::Value>, FederationError> {
    let session: SessionParam = params
        .get("Session")
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| {
            FederationError::bad(
                "InvalidSession",
                "Session must be JSON with sessionId, sessionKey and sessionToken",
            )
        })?;
    let asked = params
        .get("SessionDuration")
        .map(|text| {
            text.parse::<u64>()
                .ok()
                .filter(|d| (MIN_SESSION..=MAX_SESSION).contains(d))
                .ok_or_else(|| {
                    FederationError::bad(
                        "InvalidSessionDuration",
                        format!("SessionDuration must be {MIN_SESSION} to {MAX_SESSION} seconds"),
                    )
                })
        })
        .transpose()?;
    let now = shared.clock.now();
    let mut store = shared.store();
    let issued = store
        .credentials
        .get(&session.session_id)
        .filter(|c| {
            constant_time_eq(
                c.secret_access_key.as_bytes(),
                session.session_key.as_bytes(),
            ) && c
                .session_token
                .as_deref()
                .is_some_and(|t| constant_time_eq(t.as_bytes(), session.session_token.as_bytes()))
        })
        .ok_or_else(|| {
            FederationError::bad("InvalidSession", "the session credentials are not valid")
        })?;
    if issued.expires_at.is_some_and(|t| t <= now) {
        return Err(FederationError::bad(
            "ExpiredSession",
            "the session credentials have expired",
        ));
    }
    let chained = store.role_chained.contains(&session.session_id);
    let duration = match (asked, chained) {
        (Some(_), true) => {
            return Err(FederationError::bad(
                "InvalidSessionDuration",
                "SessionDuration cannot be used with credentials from role chaining",
            ));
        }
        (Some(asked), false) => asked,
        // The console session of chained credentials lasts as long as they do.
        (None, true) => issued
            .expires_at
            .and_then(|t| t.duration_since(now).ok())
            .map_or(DEFAULT_SESSION, |left| left.as_secs()),
        (None, false) => DEFAULT_SESSION,
    };
    let key = issued.secret_access_key.clone();
    let token = mint(&key, &session.session_id, epoch_secs(now), duration);
    let token = store.remember(token);
    tracing::debug!(api = "getSigninToken", "console sign-in token issued");
    Ok(Json(json!({ "SigninToken": token })))
}

fn login(shared: &Shared, params: &HashMap<String, String>) -> Result<Response, FederationError> {
    let destination = params
        .get("Destination")
        .filter(|d| d.starts_with("https://") || d.starts_with("http://"))
        .ok_or_else(|| {
            FederationError::bad("InvalidDestination", "Destination must be an http(s) URL")
        })?;
    let invalid = || FederationError::bad("InvalidSigninToken", "the sign-in token is not valid");
    let token = params.get("SigninToken").ok_or_else(invalid)?;
    let (payload_text, mac) = token
        .split_once('.')
        .filter(|(_, mac)| !mac.is_empty())
        .ok_or_else(invalid)?;
    let payload: TokenPayload = URL_SAFE_NO_PAD
        .decode(payload_text)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(invalid)?;
    let now = shared.clock.now();
    let store = shared.store();
    let issued = store.credentials.get(&payload.k).ok_or_else(invalid)?;
    let expected = sign(&issued.secret_access_key, payload_text);
    if !constant_time_eq(expected.as_bytes(), mac.as_bytes()) {
        return Err(invalid());
    }
    let age = epoch_secs(now).saturating_sub(payload.i);
    if age < 0 || age.unsigned_abs() > TOKEN_LIFETIME.as_secs() {
        return Err(FederationError::bad(
            "ExpiredSigninToken",
            "the sign-in token has expired",
        ));
    }
    if issued.expires_at.is_some_and(|t| t <= now) {
        return Err(FederationError::bad(
            "ExpiredSession",
            "the session credentials have expired",
        ));
    }
    let location = HeaderValue::from_str(destination).map_err(|_| {
        FederationError::bad("InvalidDestination", "Destination must be an http(s) URL")
    })?;
    tracing::debug!(api = "login", session_seconds = payload.d, "console login");
    let mut response = StatusCode::FOUND.into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// A sign-in token for `access_key_id`, keyed with its secret.
fn mint(secret: &str, access_key_id: &str, issued_at: i64, duration: u64) -> String {
    let payload = TokenPayload {
        k: access_key_id.to_owned(),
        i: issued_at,
        d: duration,
    };
    let text = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap_or_default());
    let mac = sign(secret, &text);
    format!("{text}.{mac}")
}

fn sign(secret: &str, payload: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(payload.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; this arm is never taken.
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_key() {
        let token = mint("secret-a", "ASIA1", 1_800_000_000, 3600);
        let (payload, mac) = token.split_once('.').unwrap();
        assert_eq!(sign("secret-a", payload), mac);
        assert_ne!(sign("secret-b", payload), mac);
        let decoded: TokenPayload =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(
            (decoded.k.as_str(), decoded.i, decoded.d),
            ("ASIA1", 1_800_000_000, 3600)
        );
    }
}
