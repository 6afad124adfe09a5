//! Shared test plumbing: start the emulator, build the real SDK clients against it.
//!
//! Every client gets an explicit region, endpoint and (for STS) credentials, so nothing ever
//! looks for credentials on its own or leaves 127.0.0.1.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_ssooidc::config::BehaviorVersion;
use rolecall::emulator::{Emulator, Org};
use serde_json::Value;

pub const START_URL: &str = "https://test.awsapps.com/start";
pub const REGION: &str = "us-east-1";

/// A small org: three accounts, one user, a poll interval of one second.
pub fn small_org_toml() -> String {
    format!(
        r#"
[settings]
device_poll_interval = 1

[[identity_centers]]
id = "d-1111111111"
start_url = "{START_URL}"
region = "{REGION}"

[[permission_sets]]
name = "AdministratorAccess"
session_seconds = 3600

[[accounts]]
id = "111111111111"
name = "payments-prod"
email = "aws+payments-prod@acme.example"
permission_sets = ["AdministratorAccess", "ReadOnlyAccess"]

[[accounts]]
id = "222222222222"
name = "payments-dev"
permission_sets = ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"]

[[accounts]]
id = "333333333333"
name = "security-audit"
permission_sets = ["SecurityAudit"]

[[users]]
name = "alice"
accounts = ["payments-prod", "222222222222"]
"#
    )
}

/// The demo organisation (IAM users and roles to chain) at the test start URL, approving
/// sign-ins at once.
pub fn demo_org_toml() -> String {
    include_str!("../../assets/demo-org.toml")
        .replace("https://acme-corp.awsapps.com/start", START_URL)
        .replace("approve_after_seconds = 3", "approve_after_seconds = 0")
}

/// An org with `n` accounts of two roles each.
pub fn org_with_accounts(n: usize) -> String {
    let mut text = format!(
        "[[identity_centers]]\nid = \"d-1\"\nstart_url = \"{START_URL}\"\n[[users]]\nname = \"bob\"\n"
    );
    for i in 0..n {
        text.push_str(&format!(
            "[[accounts]]\nid = \"{:012}\"\nname = \"acct-{i:04}\"\npermission_sets = [\"Admin\", \"ReadOnly\"]\n",
            100_000_000_000u64 + i as u64
        ));
    }
    text
}

pub async fn start(org_toml: &str) -> Emulator {
    let org = Org::parse(org_toml, "test-org.toml").expect("test org parses");
    Emulator::start(org, 0).await.expect("emulator starts")
}

pub fn oidc(emu: &Emulator) -> aws_sdk_ssooidc::Client {
    let config = aws_sdk_ssooidc::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_sdk_ssooidc::config::Region::new(REGION))
        .endpoint_url(emu.url())
        .build();
    aws_sdk_ssooidc::Client::from_conf(config)
}

pub fn sso(emu: &Emulator) -> aws_sdk_sso::Client {
    sso_with_retries(emu, aws_sdk_sso::config::retry::RetryConfig::standard())
}

pub fn sso_with_retries(
    emu: &Emulator,
    retry: aws_sdk_sso::config::retry::RetryConfig,
) -> aws_sdk_sso::Client {
    let config = aws_sdk_sso::Config::builder()
        .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
        .region(aws_sdk_sso::config::Region::new(REGION))
        .endpoint_url(emu.url())
        .retry_config(retry)
        .build();
    aws_sdk_sso::Client::from_conf(config)
}

pub fn sts(emu: &Emulator, akid: &str, secret: &str, token: Option<&str>) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(REGION))
        .endpoint_url(emu.url())
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            akid,
            secret,
            token.map(str::to_owned),
            None,
            "rolecall-test",
        ))
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// A registered public client: (client id, client secret).
pub async fn register(client: &aws_sdk_ssooidc::Client, scopes: &[&str]) -> (String, String) {
    let out = client
        .register_client()
        .client_name("rolecall-test")
        .client_type("public")
        .set_scopes(Some(scopes.iter().map(|s| s.to_string()).collect()))
        .send()
        .await
        .expect("RegisterClient");
    (
        out.client_id().expect("client id").to_owned(),
        out.client_secret().expect("client secret").to_owned(),
    )
}

/// The whole device flow, approved through the admin route: (access token, refresh token).
pub async fn device_sign_in(emu: &Emulator) -> (String, Option<String>) {
    let client = oidc(emu);
    let (id, secret) = register(&client, &["sso:account:access"]).await;
    let auth = client
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .expect("StartDeviceAuthorization");
    let approved = admin_post(emu, "/_emulator/device/approve", serde_json::json!({})).await;
    assert_eq!(approved["changed"], 1);
    let token = client
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .device_code(auth.device_code().expect("device code"))
        .send()
        .await
        .expect("CreateToken after approval");
    (
        token.access_token().expect("access token").to_owned(),
        token.refresh_token().map(str::to_owned),
    )
}

/// POSTs JSON to an emulator route and returns the JSON answer.
pub async fn admin_post(emu: &Emulator, path: &str, body: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{}{path}", emu.url()))
        .json(&body)
        .send()
        .await
        .expect("admin request")
        .json()
        .await
        .expect("admin JSON")
}

/// An HTTP client that does not follow redirects, for the browser pages.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// Polls `condition` every 20 ms until it holds; panics after `limit`.
pub async fn wait_until(limit: std::time::Duration, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met within {limit:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
pub mod app;
pub mod botocore;
pub mod catalog;
pub mod cli_home;
pub mod faulty_idc;
pub mod leaks;
pub mod paused;
pub mod served;
pub mod tmux;

/// A six-digit code that is surely not `right` (every digit moved by one).
pub fn wrong_code(right: &str) -> String {
    right
        .chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect()
}

/// Whether the list's selected row (the line the `›` marker starts) shows `text` and is a
/// role, not an account whose roles are still loading: Enter on it assumes.
pub fn selected_role_shows(screen: &str, text: &str) -> bool {
    screen
        .lines()
        .any(|l| l.starts_with('›') && l.contains(text) && !l.contains("loading"))
}
