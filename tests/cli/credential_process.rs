//! `rolecall credential-process` as the AWS CLI runs it: the real binary against the emulator in
//! a throwaway HOME, with the real AWS CLI (`aws`, installed by tests/run.sh) as the caller.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::process::{Command, Output, Stdio};

use common::cli_home::{BIN, Home, auto_approving_org, text};
use common::*;

const TARGET: &str = "payments-dev/PowerUserAccess";
use rolecall::emulator::Api;

/// The Version 1 document, checked field by field.
fn document(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        1,
        "stdout carries only the JSON: {stdout:?}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["Version"], 1);
    assert!(doc["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(!doc["SecretAccessKey"].as_str().unwrap().is_empty());
    assert!(!doc["SessionToken"].as_str().unwrap().is_empty());
    let expiration = doc["Expiration"].as_str().unwrap();
    assert_eq!(expiration.len(), 20, "{expiration}");
    assert!(
        expiration.ends_with('Z') && expiration.as_bytes()[10] == b'T',
        "{expiration}"
    );
    doc
}

fn require_aws_cli() {
    let found = Command::new("aws")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the AWS CLI (`aws`) is not on PATH: run the tests with tests/run.sh, which installs it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_from_kept_credentials_and_the_aws_cli_uses_it() {
    require_aws_cli();
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();

    // First call: GetRoleCredentials, and the credentials are kept.
    let first = document(&home.rolecall(&["credential-process", TARGET]));
    let fetched = emu.stats(Api::GetRoleCredentials).requests;
    assert_eq!(fetched, 1);

    // Second call: the kept credentials, no request at all.
    let second = document(&home.rolecall(&["credential-process", TARGET]));
    assert_eq!(second, first);
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, fetched);

    // The real AWS CLI runs us as its credential_process.
    let config = home.path().join(".aws/config");
    let mut text_config = std::fs::read_to_string(&config).unwrap();
    text_config.push_str(&format!(
        "\n[profile via-rolecall]\ncredential_process = {BIN} credential-process {TARGET}\nregion = {REGION}\n"
    ));
    std::fs::write(&config, text_config).unwrap();
    let out = home
        .command(
            "aws",
            &[
                "sts",
                "get-caller-identity",
                "--profile",
                "via-rolecall",
                "--output",
                "json",
            ],
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let who: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        who["Arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PowerUserAccess_"),
        "{who}"
    );
    assert_eq!(who["Account"], "222222222222");
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, fetched);

    assert!(!home.browser_opened());
    let log = home.log();
    for secret in emu.issued_secrets() {
        assert!(!log.contains(&secret), "a secret reached the log");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_sign_in_is_one_line_and_exit_3_without_a_browser() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");

    // Never signed in.
    let out = home.rolecall(&["credential-process", TARGET]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("rolecall login --session acme"));

    home.login();
    document(&home.rolecall(&["credential-process", TARGET]));

    // The portal session is revoked and the emulator's clock is past the token.
    assert!(emu.revoke_tokens() > 0);
    emu.advance(std::time::Duration::from_secs(9 * 3600));
    let out = home.rolecall(&["credential-process", "payments-dev/ReadOnlyAccess"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(text(&out.stdout), "");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("rolecall: the sign-in to acme has expired")
            && stderr.contains("rolecall login --session acme"),
        "{stderr}"
    );
    assert_eq!(
        emu.stats(Api::StartDeviceAuthorization).requests,
        1,
        "no sign-in was started"
    );
    assert!(!home.browser_opened(), "no browser was opened");
}

#[tokio::test(flavor = "multi_thread")]
async fn signs_in_from_here_when_the_config_allows_it() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(
        &emu,
        "",
        "\n[sign_in]\nfrom_credential_process = true\nopen_browser = false\n",
    );
    let out = home.rolecall(&["credential-process", TARGET]);
    let stderr = text(&out.stderr);
    document(&out);
    assert!(
        stderr.contains(&format!("{}/device?user_code=", emu.url())),
        "the code and URL go to stderr: {stderr}"
    );
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
    assert!(!home.browser_opened());
    // The sign-in was kept: the next role needs no new one.
    document(&home.rolecall(&["credential-process", "payments-dev/ReadOnlyAccess"]));
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
}

/// The small org plus `sandbox` (555555555555), which offers `ReadOnlyPlusAdmin` but no longer
/// `ReadOnly`: a profile written for `555555555555/ReadOnly` names a role that is gone.
fn org_without_read_only() -> String {
    auto_approving_org()
        .replace(
            "[[users]]",
            "[[accounts]]\nid = \"555555555555\"\nname = \"sandbox\"\npermission_sets = [\"ReadOnlyPlusAdmin\"]\n\n[[users]]",
        )
        .replace(
            "accounts = [\"payments-prod\", \"222222222222\"]",
            "accounts = [\"payments-prod\", \"222222222222\", \"555555555555\"]",
        )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_that_is_gone_fails_closed_instead_of_a_broader_one() {
    let emu = start(&org_without_read_only()).await;
    let home = Home::new(&emu, "", "");
    home.login();

    // The broader role's credentials are kept: the fast path must not hand them out either.
    document(&home.rolecall(&["credential-process", "555555555555/ReadOnlyPlusAdmin"]));
    let fetched = emu.stats(Api::GetRoleCredentials).requests;
    for target in [
        "555555555555/ReadOnly",
        "sandbox/ReadOnly",
        "sandbox/readonly",
    ] {
        let out = home.rolecall(&["credential-process", target]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert_eq!(text(&out.stdout), "", "{target}: no credentials at all");
        assert_eq!(stderr.lines().count(), 1, "{target}: one line: {stderr}");
        assert!(
            stderr.contains(target) && !stderr.contains("ReadOnlyPlusAdmin"),
            "{target}: names what is gone, offers nothing else: {stderr}"
        );
    }
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, fetched);

    // Interactive commands still help, but never take a guess: "did you mean".
    let out = home.rolecall(&["whoami", "sandbox/ReadOnly"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("did you mean") && stderr.contains("sandbox/ReadOnlyPlusAdmin"),
        "{stderr}"
    );
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, fetched);
}

/// The small org with role credentials that last 14 minutes: kept ones are inside the window
/// botocore refreshes in (15 minutes before expiry) from the moment they are issued.
fn org_with_14_minute_credentials() -> String {
    auto_approving_org().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\nrole_credentials_seconds = 840",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn kept_credentials_inside_the_sdks_refresh_window_are_renewed() {
    let emu = start(&org_with_14_minute_credentials()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let first = document(&home.rolecall(&["credential-process", TARGET]));
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 1);

    // 14 minutes left: botocore would run us on every call from now on; new ones are fetched.
    let out = home.rolecall(&["credential-process", TARGET]);
    let second = document(&out);
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 2);
    assert_ne!(second["AccessKeyId"], first["AccessKeyId"]);
    assert_eq!(text(&out.stderr), "", "a renewal is silent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_that_fails_hands_out_the_kept_credentials_and_says_so() {
    let emu = start(&org_with_14_minute_credentials()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let first = document(&home.rolecall(&["credential-process", TARGET]));

    // The sign-in is revoked: nothing can be renewed, but the kept credentials still work.
    assert!(emu.revoke_tokens() > 0);
    let out = home.rolecall(&["credential-process", TARGET]);
    let second = document(&out);
    assert_eq!(second, first);
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("rolecall: {TARGET}: cannot renew the credentials"))
            && stderr.contains("handing out the kept ones")
            && stderr.contains("rolecall login --session acme"),
        "{stderr}"
    );
}
