//! SSO OIDC against the emulator, driven by the real `aws-sdk-ssooidc` client: registration,
//! the device flow with every RFC 8628 answer, the authorization-code + PKCE flow, refresh.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use aws_sdk_ssooidc::error::ProvideErrorMetadata;
use common::*;
use rolecall::emulator::oidc::s256_challenge;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn start_device(
    emu: &rolecall::emulator::Emulator,
) -> (aws_sdk_ssooidc::Client, String, String, String, String) {
    let client = oidc(emu);
    let (id, secret) = register(&client, &["sso:account:access"]).await;
    let auth = client
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap();
    assert_eq!(auth.interval(), 1);
    assert_eq!(auth.expires_in(), 600);
    let user_code = auth.user_code().unwrap().to_owned();
    assert_eq!(
        auth.verification_uri_complete().unwrap(),
        format!("{}/device?user_code={user_code}", emu.url())
    );
    let device_code = auth.device_code().unwrap().to_owned();
    (client, id, secret, device_code, user_code)
}

async fn poll(
    client: &aws_sdk_ssooidc::Client,
    id: &str,
    secret: &str,
    device_code: &str,
) -> Result<
    aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    aws_sdk_ssooidc::operation::create_token::CreateTokenError,
> {
    client
        .create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type(DEVICE_GRANT)
        .device_code(device_code)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn register_client_returns_a_secret_that_expires() {
    let emu = start(&small_org_toml()).await;
    let out = oidc(&emu)
        .register_client()
        .client_name("t")
        .client_type("public")
        .send()
        .await
        .unwrap();
    assert!(out.client_secret().unwrap().len() > 50);
    let lifetime = out.client_secret_expires_at() - out.client_id_issued_at();
    assert_eq!(lifetime, 90 * 24 * 3600);
    assert_eq!(
        out.token_endpoint().unwrap(),
        format!("{}/token", emu.url())
    );
}

#[tokio::test]
async fn register_client_rejects_a_missing_name_in_aws_shape() {
    let emu = start(&small_org_toml()).await;
    let err = oidc(&emu)
        .register_client()
        .client_type("public")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_request_exception(), "{err:?}");
}

#[tokio::test]
async fn device_flow_pending_then_slow_down_then_token() {
    let emu = start(&small_org_toml()).await;
    let (client, id, secret, device_code, user_code) = start_device(&emu).await;

    let first = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(first.is_authorization_pending_exception(), "{first:?}");
    assert_eq!(first.code(), Some("AuthorizationPendingException"));

    // Polling again at once is faster than `interval`: slow_down, not pending.
    let second = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(second.is_slow_down_exception(), "{second:?}");
    // The interval grew by 5 s: waiting the original 1 s is still too fast.
    emu.advance(Duration::from_millis(1500));
    let third = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(third.is_slow_down_exception(), "{third:?}");
    emu.advance(Duration::from_secs(12));
    let fourth = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(fourth.is_authorization_pending_exception(), "{fourth:?}");

    let approved = admin_post(
        &emu,
        "/_emulator/device/approve",
        serde_json::json!({ "user_code": user_code.to_lowercase() }),
    )
    .await;
    assert_eq!(approved["changed"], 1);
    let token = poll(&client, &id, &secret, &device_code).await.unwrap();
    assert_eq!(token.token_type(), Some("Bearer"));
    assert_eq!(token.expires_in(), 8 * 3600);
    assert!(token.access_token().unwrap().starts_with("aoa"));
    assert!(token.refresh_token().unwrap().starts_with("aor"));

    // A device code is good for one token only.
    let again = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(again.is_invalid_grant_exception(), "{again:?}");
}

#[tokio::test]
async fn device_flow_denied() {
    let emu = start(&small_org_toml()).await;
    let (client, id, secret, device_code, _) = start_device(&emu).await;
    assert_eq!(emu.deny_devices(), 1);
    let err = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(err.is_access_denied_exception(), "{err:?}");
}

#[tokio::test]
async fn device_code_expires() {
    let emu = start(&small_org_toml()).await;
    let (client, id, secret, device_code, _) = start_device(&emu).await;
    emu.advance(Duration::from_secs(601));
    emu.approve_devices();
    let err = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(err.is_expired_token_exception(), "{err:?}");
}

#[tokio::test]
async fn approval_through_the_html_page() {
    let emu = start(&small_org_toml()).await;
    let (client, id, secret, device_code, user_code) = start_device(&emu).await;
    let browser = browser();
    let page = browser
        .get(format!("{}/device?user_code={user_code}", emu.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&user_code) && page.contains("Approve") && page.contains("Deny"));
    let done = browser
        .post(format!("{}/device/approve", emu.url()))
        .form(&[("user_code", user_code.as_str())])
        .send()
        .await
        .unwrap();
    assert!(done.status().is_success());
    assert!(done.text().await.unwrap().contains("approved"));
    assert!(poll(&client, &id, &secret, &device_code).await.is_ok());
}

#[tokio::test]
async fn auto_approval_after_the_configured_delay() {
    let org = small_org_toml().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\napprove_after_seconds = 3",
    );
    let emu = start(&org).await;
    let (client, id, secret, device_code, _) = start_device(&emu).await;
    let early = poll(&client, &id, &secret, &device_code).await.unwrap_err();
    assert!(early.is_authorization_pending_exception(), "{early:?}");
    emu.advance(Duration::from_secs(4));
    assert!(poll(&client, &id, &secret, &device_code).await.is_ok());
}

#[tokio::test]
async fn wrong_client_secret_is_invalid_client() {
    let emu = start(&small_org_toml()).await;
    let (client, id, _, device_code, _) = start_device(&emu).await;
    let err = poll(&client, &id, "not-the-secret", &device_code)
        .await
        .unwrap_err();
    assert!(err.is_invalid_client_exception(), "{err:?}");
}

#[tokio::test]
async fn expired_client_registration_is_invalid_client() {
    let emu = start(&small_org_toml()).await;
    let client = oidc(&emu);
    let (id, secret) = register(&client, &[]).await;
    emu.advance(Duration::from_secs(91 * 24 * 3600));
    let err = client
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let aws_sdk_ssooidc::operation::start_device_authorization::StartDeviceAuthorizationError::InvalidClientException(inner) = &err else {
        panic!("expected InvalidClientException, got {err:?}");
    };
    assert_eq!(inner.error(), Some("invalid_client"));
    assert!(inner.error_description().unwrap().contains("expired"));
}

#[tokio::test]
async fn unknown_start_url_is_an_invalid_request() {
    let emu = start(&small_org_toml()).await;
    let client = oidc(&emu);
    let (id, secret) = register(&client, &[]).await;
    let err = client
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url("https://nobody.awsapps.com/start")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_request_exception(), "{err:?}");
}

#[tokio::test]
async fn refresh_token_grant_and_no_refresh_without_the_scope() {
    let emu = start(&small_org_toml()).await;
    let (access, refresh) = device_sign_in(&emu).await;
    let refresh = refresh.expect("sso:account:access gives a refresh token");
    let client = oidc(&emu);
    // The refresh token belongs to the client that obtained it.
    let (other_id, other_secret) = register(&client, &[]).await;
    let err = client
        .create_token()
        .client_id(&other_id)
        .client_secret(&other_secret)
        .grant_type("refresh_token")
        .refresh_token(&refresh)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_grant_exception(), "{err:?}");
    let _ = access;

    // Without the scope: no refresh token.
    let (id, secret) = register(&client, &[]).await;
    let auth = client
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap();
    emu.approve_devices();
    let token = poll(&client, &id, &secret, auth.device_code().unwrap())
        .await
        .unwrap();
    assert!(token.refresh_token().is_none());
}

#[tokio::test]
async fn refresh_renews_access_until_revoked() {
    let emu = start(&small_org_toml()).await;
    let client = oidc(&emu);
    let (id, secret) = register(&client, &["sso:account:access"]).await;
    let auth = client
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap();
    emu.approve_devices();
    let first = poll(&client, &id, &secret, auth.device_code().unwrap())
        .await
        .unwrap();
    let refresh = first.refresh_token().unwrap();
    // The access token expires; the refresh token still works.
    emu.advance(Duration::from_secs(9 * 3600));
    let renewed = client
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(refresh)
        .send()
        .await
        .unwrap();
    let new_access = renewed.access_token().unwrap();
    assert_ne!(new_access, first.access_token().unwrap());
    let accounts = sso(&emu)
        .list_accounts()
        .access_token(new_access)
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.account_list().len(), 2);

    assert!(emu.revoke_tokens() >= 1);
    let err = client
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(refresh)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_grant_exception(), "{err:?}");
}

/// Registers a PKCE client and walks a browser through /authorize; returns the redirect.
async fn authorize(
    emu: &rolecall::emulator::Emulator,
    verifier: &str,
    approve: bool,
) -> (aws_sdk_ssooidc::Client, String, String, url::Url) {
    let client = oidc(emu);
    let out = client
        .register_client()
        .client_name("rolecall-pkce")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris("http://127.0.0.1/oauth/callback")
        .issuer_url(START_URL)
        .send()
        .await
        .unwrap();
    let (id, secret) = (
        out.client_id().unwrap().to_owned(),
        out.client_secret().unwrap().to_owned(),
    );
    let mut url = url::Url::parse(out.authorization_endpoint().unwrap()).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &id)
        .append_pair("redirect_uri", "http://127.0.0.1:43219/oauth/callback")
        .append_pair("state", "state-123")
        .append_pair("code_challenge_method", "S256")
        .append_pair("scopes", "sso:account:access")
        .append_pair("code_challenge", &s256_challenge(verifier));
    let browser = browser();
    let page = browser.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Approve") && html.contains("rolecall-pkce"));
    let request_id = html
        .split("name=\"request\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let action = if approve { "approve" } else { "deny" };
    let answer = browser
        .post(format!("{}/authorize/{action}", emu.url()))
        .form(&[("request", request_id.as_str())])
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_redirection());
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    (client, id, secret, url::Url::parse(&location).unwrap())
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn pkce_flow_with_the_right_verifier() {
    let emu = start(&small_org_toml()).await;
    let verifier = "a-verifier-of-at-least-forty-three-characters-long-0123456789";
    let (client, id, secret, redirect) = authorize(&emu, verifier, true).await;
    assert_eq!(redirect.port(), Some(43219));
    assert_eq!(param(&redirect, "state").as_deref(), Some("state-123"));
    let code = param(&redirect, "code").unwrap();
    let token = client
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("authorization_code")
        .code(&code)
        .redirect_uri("http://127.0.0.1:43219/oauth/callback")
        .code_verifier(verifier)
        .send()
        .await
        .unwrap();
    assert!(token.refresh_token().is_some());
    // Codes are single-use.
    let reuse = client
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("authorization_code")
        .code(&code)
        .redirect_uri("http://127.0.0.1:43219/oauth/callback")
        .code_verifier(verifier)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(reuse.is_invalid_grant_exception(), "{reuse:?}");
}

#[tokio::test]
async fn pkce_flow_with_a_wrong_verifier_is_invalid_grant() {
    let emu = start(&small_org_toml()).await;
    let (client, id, secret, redirect) = authorize(
        &emu,
        "right-verifier-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        true,
    )
    .await;
    let err = client
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("authorization_code")
        .code(param(&redirect, "code").unwrap())
        .redirect_uri("http://127.0.0.1:43219/oauth/callback")
        .code_verifier("wrong-verifier-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_grant_exception(), "{err:?}");
}

#[tokio::test]
async fn pkce_denied_redirects_with_access_denied() {
    let emu = start(&small_org_toml()).await;
    let (_, _, _, redirect) = authorize(
        &emu,
        "v-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        false,
    )
    .await;
    assert_eq!(param(&redirect, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&redirect, "state").as_deref(), Some("state-123"));
    assert!(param(&redirect, "code").is_none());
}

#[tokio::test]
async fn malformed_json_gets_the_aws_error_shape() {
    let emu = start(&small_org_toml()).await;
    let answer = reqwest::Client::new()
        .post(format!("{}/token", emu.url()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    assert_eq!(
        answer.headers()["x-amzn-errortype"].to_str().unwrap(),
        "InvalidRequestException"
    );
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

/// AWS's rule: grant types restrict a registration. A browser (PKCE) registration starts a
/// device authorization, but its device code is refused after the user approved; a device
/// registration (no `grantTypes`, as botocore registers) cannot redeem an authorization code,
/// nor open `/authorize`.
#[tokio::test]
async fn grant_types_restrict_what_a_registration_may_do() {
    let emu = start(&small_org_toml()).await;
    let client = oidc(&emu);
    let pkce = client
        .register_client()
        .client_name("browser-client")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris("http://127.0.0.1/oauth/callback")
        .issuer_url(START_URL)
        .send()
        .await
        .unwrap();
    let (id, secret) = (pkce.client_id().unwrap(), pkce.client_secret().unwrap());
    let auth = client
        .start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url(START_URL)
        .send()
        .await
        .expect("AWS starts the device authorization for any valid client");
    assert_eq!(emu.approve_devices(), 1);
    let err = poll(&client, id, secret, auth.device_code().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_unauthorized_client_exception(), "{err:?}");
    assert_eq!(err.code(), Some("UnauthorizedClientException"));

    // A device registration: no grantTypes.
    let (device_id, device_secret) = register(&client, &["sso:account:access"]).await;
    let err = client
        .create_token()
        .client_id(&device_id)
        .client_secret(&device_secret)
        .grant_type("authorization_code")
        .code("any-code")
        .redirect_uri("http://127.0.0.1:43219/oauth/callback")
        .code_verifier("a-verifier-of-at-least-forty-three-characters-long-0123456789")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_unauthorized_client_exception(), "{err:?}");
    let page = browser()
        .get(format!(
            "{}/authorize?response_type=code&client_id={device_id}\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A43219%2Foauth%2Fcallback&state=s\
             &code_challenge_method=S256&code_challenge=abc",
            emu.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("unauthorized_client"));

    // Not both at once: one registration per flow.
    let err = client
        .register_client()
        .client_name("both")
        .client_type("public")
        .grant_types("authorization_code")
        .grant_types(DEVICE_GRANT)
        .grant_types("refresh_token")
        .redirect_uris("http://127.0.0.1/oauth/callback")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_scope_exception(), "{err:?}");

    // A registration naming only refresh_token is a device client (aws-sso-cli registers so).
    let refresh_only = client
        .register_client()
        .client_name("refresh-only")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types("refresh_token")
        .send()
        .await
        .unwrap();
    let (rid, rsecret) = (
        refresh_only.client_id().unwrap(),
        refresh_only.client_secret().unwrap(),
    );
    let auth = client
        .start_device_authorization()
        .client_id(rid)
        .client_secret(rsecret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.approve_devices(), 1);
    let token = poll(&client, rid, rsecret, auth.device_code().unwrap())
        .await
        .expect("a device client redeems its device code");
    assert!(token.refresh_token().is_some());
}
