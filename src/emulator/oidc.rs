//! SSO OIDC (REST-JSON): RegisterClient, StartDeviceAuthorization and CreateToken with the
//! device-code (RFC 8628), authorization-code + PKCE (RFC 7636) and refresh-token grants.

use std::sync::Arc;
use std::time::SystemTime;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::api::Api;
use super::aws_error::AwsError;
use super::clock::epoch_secs;
use super::ids;
use super::shared::Shared;
use super::store::{AccessToken, Client, DeviceAuth, DeviceStatus, Grant, RefreshToken, Store};

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";
pub const REFRESH_TOKEN_GRANT: &str = "refresh_token";
/// The scope that makes CreateToken hand out a refresh token.
pub const ACCOUNT_ACCESS_SCOPE: &str = "sso:account:access";

type Reply = Result<Json<Value>, AwsError>;

fn invalid_request(message: impl Into<String>) -> AwsError {
    AwsError::oidc(
        StatusCode::BAD_REQUEST,
        "InvalidRequestException",
        "invalid_request",
        message,
    )
}

fn invalid_grant(message: impl Into<String>) -> AwsError {
    AwsError::oidc(
        StatusCode::BAD_REQUEST,
        "InvalidGrantException",
        "invalid_grant",
        message,
    )
}

fn invalid_client(message: impl Into<String>) -> AwsError {
    AwsError::oidc(
        StatusCode::UNAUTHORIZED,
        "InvalidClientException",
        "invalid_client",
        message,
    )
}

/// Parses a JSON request body; anything malformed is an `InvalidRequestException`.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, AwsError> {
    let body = if body.is_empty() {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| invalid_request(format!("malformed request body: {e}")))
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, AwsError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid_request(format!("{name} is required")))
}

/// Finds a registered, unexpired client; the secret is checked when given.
pub fn check_client<'a>(
    store: &'a Store,
    now: SystemTime,
    client_id: &str,
    secret: Option<&str>,
) -> Result<&'a Client, AwsError> {
    let client = store
        .clients
        .get(client_id)
        .ok_or_else(|| invalid_client("Invalid client provided"))?;
    if secret.is_some_and(|s| s != client.secret) {
        return Err(invalid_client("Invalid client provided"));
    }
    if now >= client.expires_at {
        return Err(invalid_client("Client registration has expired"));
    }
    Ok(client)
}

/// Whether `client` may use `grant` at the token endpoint (and, for `authorization_code`, at
/// `/authorize`). AWS's rule, as the AWS CLI relies on it: a registration that names
/// `authorization_code` is a browser (PKCE) client and cannot redeem a device code; one that
/// does not (no `grantTypes` at all, as botocore's device flow registers, or only
/// `refresh_token`) is a device client and cannot redeem an authorization code.
pub fn client_allows(client: &Client, grant: &str) -> bool {
    let listed = |g: &str| client.grant_types.iter().any(|x| x == g);
    match grant {
        AUTHORIZATION_CODE_GRANT => listed(AUTHORIZATION_CODE_GRANT),
        DEVICE_CODE_GRANT => listed(DEVICE_CODE_GRANT) || !listed(AUTHORIZATION_CODE_GRANT),
        REFRESH_TOKEN_GRANT => client.grant_types.is_empty() || listed(REFRESH_TOKEN_GRANT),
        _ => false,
    }
}

/// AWS's answer to a grant the registration was not made for (RFC 6749 §5.2).
pub fn unauthorized_client(grant: &str) -> AwsError {
    AwsError::oidc(
        StatusCode::BAD_REQUEST,
        "UnauthorizedClientException",
        "unauthorized_client",
        format!("Client is not authorized to use the {grant} grant"),
    )
}

fn is_loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterClientInput {
    client_name: Option<String>,
    client_type: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    grant_types: Vec<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    issuer_url: Option<String>,
}

pub async fn register_client(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply {
    shared.admit(Api::RegisterClient).await?;
    let input: RegisterClientInput = parse_body(&body)?;
    let name = required(&input.client_name, "clientName")?.to_owned();
    let client_type = required(&input.client_type, "clientType")?;
    if client_type != "public" {
        return Err(AwsError::oidc(
            StatusCode::BAD_REQUEST,
            "InvalidClientMetadataException",
            "invalid_client_metadata",
            "clientType must be public",
        ));
    }
    for grant in &input.grant_types {
        if ![
            DEVICE_CODE_GRANT,
            AUTHORIZATION_CODE_GRANT,
            REFRESH_TOKEN_GRANT,
        ]
        .contains(&grant.as_str())
        {
            return Err(invalid_request(format!("unsupported grant type {grant}")));
        }
    }
    let names = |grant: &str| input.grant_types.iter().any(|g| g == grant);
    // One client for both flows is refused at AWS (reported as InvalidScopeException by
    // aws-sso-cli, as an HTTP 500 by mairu): a tool keeps one registration per flow.
    if names(AUTHORIZATION_CODE_GRANT) && names(DEVICE_CODE_GRANT) {
        return Err(AwsError::oidc(
            StatusCode::BAD_REQUEST,
            "InvalidScopeException",
            "invalid_scope",
            "a client cannot be registered for both the authorization code and the device code grants",
        ));
    }
    if names(AUTHORIZATION_CODE_GRANT) {
        if input.redirect_uris.is_empty() {
            return Err(invalid_request(
                "redirectUris are required for the authorization_code grant",
            ));
        }
        if let Some(bad) = input
            .redirect_uris
            .iter()
            .find(|u| !is_loopback_redirect(u))
        {
            return Err(AwsError::oidc(
                StatusCode::BAD_REQUEST,
                "InvalidRedirectUriException",
                "invalid_redirect_uri",
                format!("redirect URI {bad} is not a loopback http URI"),
            ));
        }
    }
    let now = shared.clock.now();
    let expires_at = now
        + shared
            .clock
            .lifetime(shared.org.settings.client_registration_seconds);
    let client_id = ids::opaque(22);
    let mut store = shared.store();
    let secret = store.remember(ids::opaque(120));
    store.clients.insert(
        client_id.clone(),
        Client {
            secret: secret.clone(),
            name,
            identity_center: input
                .issuer_url
                .as_deref()
                .and_then(|u| shared.org.identity_center_by_url(u))
                .map(|c| c.id.clone()),
            expires_at,
            scopes: input.scopes,
            grant_types: input.grant_types,
            redirect_uris: input.redirect_uris,
        },
    );
    tracing::debug!(api = "RegisterClient", "client registered");
    Ok(Json(json!({
        "clientId": client_id,
        "clientSecret": secret,
        "clientIdIssuedAt": epoch_secs(now),
        "clientSecretExpiresAt": if shared.faults().far_future_expiry {
            super::faults::FAR_FUTURE_EPOCH_SECS
        } else {
            epoch_secs(expires_at)
        },
        "authorizationEndpoint": format!("{}/authorize", shared.base_url),
        "tokenEndpoint": format!("{}/token", shared.base_url),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartDeviceAuthorizationInput {
    client_id: Option<String>,
    client_secret: Option<String>,
    start_url: Option<String>,
}

pub async fn start_device_authorization(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply {
    shared.admit(Api::StartDeviceAuthorization).await?;
    let input: StartDeviceAuthorizationInput = parse_body(&body)?;
    let client_id = required(&input.client_id, "clientId")?;
    let secret = required(&input.client_secret, "clientSecret")?;
    let start_url = required(&input.start_url, "startUrl")?;
    let identity_center = shared
        .org
        .identity_center_by_url(start_url)
        .ok_or_else(|| invalid_request(format!("no identity center has start URL {start_url}")))?
        .id
        .clone();
    let now = shared.clock.now();
    let mut store = shared.store();
    check_client(&store, now, client_id, Some(secret))?;
    let settings = &shared.org.settings;
    let device_code = store.remember(ids::opaque(64));
    let user_code = ids::user_code();
    let expires_in = shared.clock.lifetime_secs(settings.device_code_seconds);
    store.devices.insert(
        device_code.clone(),
        DeviceAuth {
            client_id: client_id.to_owned(),
            user_code: user_code.clone(),
            identity_center,
            created_at: now,
            expires_at: now + shared.clock.lifetime(settings.device_code_seconds),
            interval: settings.device_poll_interval,
            last_poll: None,
            polls: 0,
            status: DeviceStatus::Pending,
        },
    );
    tracing::debug!(
        api = "StartDeviceAuthorization",
        "device authorization started"
    );
    let verification_uri = format!("{}/device", shared.base_url);
    let complete = format!("{verification_uri}?user_code={user_code}");
    let overridden = shared.faults().verification_uri_override;
    Ok(Json(json!({
        "deviceCode": device_code,
        "userCode": user_code,
        "verificationUri": overridden.clone().unwrap_or(verification_uri),
        "verificationUriComplete": overridden.unwrap_or(complete),
        "expiresIn": expires_in,
        "interval": settings.device_poll_interval,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTokenInput {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

pub async fn create_token(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply {
    shared.admit(Api::CreateToken).await?;
    let input: CreateTokenInput = parse_body(&body)?;
    let client_id = required(&input.client_id, "clientId")?;
    let secret = required(&input.client_secret, "clientSecret")?;
    let grant_type = required(&input.grant_type, "grantType")?;
    let now = shared.clock.now();
    let mut store = shared.store();
    let client = check_client(&store, now, client_id, Some(secret))?.clone();
    let known = [
        DEVICE_CODE_GRANT,
        AUTHORIZATION_CODE_GRANT,
        REFRESH_TOKEN_GRANT,
    ];
    if known.contains(&grant_type) && !client_allows(&client, grant_type) {
        return Err(unauthorized_client(grant_type));
    }
    let grant = match grant_type {
        DEVICE_CODE_GRANT => device_code_grant(
            &shared,
            &mut store,
            now,
            client_id,
            required(&input.device_code, "deviceCode")?,
        )?,
        AUTHORIZATION_CODE_GRANT => authorization_code_grant(
            &shared,
            &mut store,
            now,
            client_id,
            required(&input.code, "code")?,
            required(&input.redirect_uri, "redirectUri")?,
            required(&input.code_verifier, "codeVerifier")?,
        )?,
        REFRESH_TOKEN_GRANT => {
            let token = required(&input.refresh_token, "refreshToken")?;
            let refresh = store
                .refresh_tokens
                .get(token)
                .filter(|t| !t.revoked && now < t.expires_at && t.grant.client_id == client_id)
                .ok_or_else(|| invalid_grant("Invalid refresh token provided"))?;
            let grant = refresh.grant.clone();
            return Ok(Json(issue_access_token(
                &shared,
                &mut store,
                now,
                grant,
                Some(token.to_owned()),
            )));
        }
        other => {
            return Err(AwsError::oidc(
                StatusCode::BAD_REQUEST,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                format!("unsupported grant type {other}"),
            ));
        }
    };
    let refresh = client
        .scopes
        .iter()
        .any(|s| s == ACCOUNT_ACCESS_SCOPE)
        .then(|| {
            let token = store.remember(format!("aor{}", ids::opaque(160)));
            store.refresh_tokens.insert(
                token.clone(),
                RefreshToken {
                    grant: grant.clone(),
                    expires_at: now
                        + shared
                            .clock
                            .lifetime(shared.org.settings.refresh_token_seconds),
                    revoked: false,
                },
            );
            token
        });
    Ok(Json(issue_access_token(
        &shared, &mut store, now, grant, refresh,
    )))
}

fn issue_access_token(
    shared: &Shared,
    store: &mut Store,
    now: SystemTime,
    grant: Grant,
    refresh_token: Option<String>,
) -> Value {
    let seconds = shared.org.settings.access_token_seconds;
    let token = store.remember(format!("aoa{}", ids::opaque(160)));
    store.access_tokens.insert(
        token.clone(),
        AccessToken {
            grant,
            expires_at: now + shared.clock.lifetime(seconds),
            revoked: false,
        },
    );
    tracing::debug!(api = "CreateToken", "access token issued");
    let mut out = json!({
        "accessToken": token,
        "tokenType": "Bearer",
        "expiresIn": shared.clock.lifetime_secs(seconds),
    });
    if let Some(refresh) = refresh_token {
        out["refreshToken"] = Value::String(refresh);
    }
    out
}

/// The user who approves sign-ins at an identity center.
pub fn grant_for(
    shared: &Shared,
    identity_center: &str,
    client_id: &str,
    scopes: Vec<String>,
) -> Grant {
    let user = shared
        .org
        .default_user(identity_center)
        .map_or_else(|| "anonymous".to_owned(), |u| u.name.clone());
    Grant {
        identity_center: identity_center.to_owned(),
        user,
        client_id: client_id.to_owned(),
        scopes,
    }
}

fn device_code_grant(
    shared: &Shared,
    store: &mut Store,
    now: SystemTime,
    client_id: &str,
    device_code: &str,
) -> Result<Grant, AwsError> {
    let scopes = store
        .clients
        .get(client_id)
        .map(|c| c.scopes.clone())
        .unwrap_or_default();
    let device = store
        .devices
        .get_mut(device_code)
        .filter(|d| d.client_id == client_id)
        .ok_or_else(|| invalid_grant("Invalid device code provided"))?;
    if now >= device.expires_at {
        return Err(AwsError::oidc(
            StatusCode::BAD_REQUEST,
            "ExpiredTokenException",
            "expired_token",
            "Device code has expired",
        ));
    }
    if device.status == DeviceStatus::Pending
        && let Some(after) = shared.org.settings.approve_after_seconds
        && now
            .duration_since(device.created_at)
            .is_ok_and(|waited| waited.as_secs_f64() >= after)
    {
        device.status = DeviceStatus::Approved;
    }
    match device.status {
        DeviceStatus::Approved => {
            device.status = DeviceStatus::Used;
            Ok(grant_for(
                shared,
                &device.identity_center,
                client_id,
                scopes,
            ))
        }
        DeviceStatus::Denied => Err(AwsError::oidc(
            StatusCode::BAD_REQUEST,
            "AccessDeniedException",
            "access_denied",
            "The user denied the authorization request",
        )),
        DeviceStatus::Used => Err(invalid_grant("Device code has already been used")),
        DeviceStatus::Pending => {
            device.polls += 1;
            let forced = device.polls <= shared.faults().slow_down_polls;
            let too_soon = forced
                || device.last_poll.is_some_and(|last| {
                    now.duration_since(last)
                        .map_or(true, |d| d.as_secs_f64() < device.interval as f64)
                });
            device.last_poll = Some(now);
            if too_soon {
                device.interval += 5;
                Err(AwsError::oidc(
                    StatusCode::BAD_REQUEST,
                    "SlowDownException",
                    "slow_down",
                    format!(
                        "Client is polling too quickly; wait {} seconds",
                        device.interval
                    ),
                ))
            } else {
                Err(AwsError::oidc(
                    StatusCode::BAD_REQUEST,
                    "AuthorizationPendingException",
                    "authorization_pending",
                    "Authorization is still pending",
                ))
            }
        }
    }
}

/// `base64url(sha256(verifier))` without padding: the S256 code challenge.
pub fn s256_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn authorization_code_grant(
    shared: &Shared,
    store: &mut Store,
    now: SystemTime,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Grant, AwsError> {
    let issued = store
        .auth_codes
        .remove(code)
        .ok_or_else(|| invalid_grant("Invalid authorization code provided"))?;
    if issued.client_id != client_id || now >= issued.expires_at {
        return Err(invalid_grant("Invalid authorization code provided"));
    }
    if issued.redirect_uri != redirect_uri {
        return Err(invalid_grant(
            "redirectUri does not match the authorization request",
        ));
    }
    if s256_challenge(verifier) != issued.code_challenge {
        return Err(invalid_grant(
            "codeVerifier does not match the code challenge",
        ));
    }
    Ok(grant_for(
        shared,
        &issued.identity_center,
        client_id,
        issued.scopes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_appendix_b() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn only_loopback_http_redirects() {
        assert!(is_loopback_redirect("http://127.0.0.1:4242/oauth/callback"));
        assert!(!is_loopback_redirect("https://evil.example/cb"));
    }
}
