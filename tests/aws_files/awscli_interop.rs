//! A second, independent client: the AWS CLI (botocore) talks to the emulator and gets the same
//! answers as the Rust SDK. `tests/run.sh` installs the CLI when it is missing; this test fails
//! (never skips) without it.
//!
//! Secrets reach the CLI through the environment or `file://` parameters, never argv.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

/// Runs `aws ARGS…` with a throwaway HOME and AWS files; returns parsed JSON stdout.
fn aws(home: &Path, url: &str, env: &[(&str, &str)], args: &[&str]) -> Result<Value, String> {
    let mut cmd = Command::new("aws");
    cmd.args(args)
        .args([
            "--endpoint-url",
            url,
            "--region",
            REGION,
            "--output",
            "json",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().map_err(|e| {
        format!(
            "cannot run the AWS CLI ({e}); install it with `pip install awscli` or run tests/run.sh"
        )
    })?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Writes `{"accessToken": …}` for `--cli-input-json file://…`.
fn token_file(home: &Path, token: &str, extra: Value) -> String {
    let mut input = extra;
    input["accessToken"] = Value::String(token.to_owned());
    let path = home.join("input.json");
    std::fs::write(&path, input.to_string()).unwrap();
    format!("file://{}", path.display())
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_cli_lists_the_same_accounts_and_roles_as_the_sdk() {
    let emu = start(&org_with_accounts(130)).await;
    let (token, _) = device_sign_in(&emu).await;
    let home = tempfile::tempdir().unwrap();

    let sdk_accounts: Vec<String> = sso(&emu)
        .list_accounts()
        .access_token(&token)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.account_id().unwrap().to_owned())
        .collect();

    // The CLI paginates on its own (page size 100 at most, as AWS now requires).
    let input = token_file(home.path(), &token, serde_json::json!({}));
    let cli = aws(
        home.path(),
        &emu.url(),
        &[],
        &[
            "sso",
            "list-accounts",
            "--cli-input-json",
            &input,
            "--page-size",
            "100",
        ],
    )
    .unwrap();
    let cli_accounts: Vec<String> = cli["accountList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["accountId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cli_accounts.len(), 130);
    assert_eq!(cli_accounts, sdk_accounts);

    let input = token_file(
        home.path(),
        &token,
        serde_json::json!({ "accountId": sdk_accounts[5] }),
    );
    let roles = aws(
        home.path(),
        &emu.url(),
        &[],
        &["sso", "list-account-roles", "--cli-input-json", &input],
    )
    .unwrap();
    let names: Vec<_> = roles["roleList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Admin", "ReadOnly"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_cli_sees_the_emulators_errors() {
    let emu = start(&small_org_toml()).await;
    let home = tempfile::tempdir().unwrap();
    let input = token_file(home.path(), "aoa-not-a-real-token", serde_json::json!({}));
    let err = aws(
        home.path(),
        &emu.url(),
        &[],
        &["sso", "list-accounts", "--cli-input-json", &input],
    )
    .unwrap_err();
    assert!(err.contains("UnauthorizedException"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_cli_get_caller_identity_with_emulator_credentials() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let out = sso(&emu)
        .get_role_credentials()
        .access_token(&token)
        .account_id("222222222222")
        .role_name("PowerUserAccess")
        .send()
        .await
        .unwrap();
    let creds = out.role_credentials().unwrap();
    let (akid, secret, session) = (
        creds.access_key_id().unwrap(),
        creds.secret_access_key().unwrap(),
        creds.session_token().unwrap(),
    );
    let sdk = sts(&emu, akid, secret, Some(session))
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("AWS_ACCESS_KEY_ID", akid),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_SESSION_TOKEN", session),
    ];
    let cli = aws(
        home.path(),
        &emu.url(),
        &env,
        &["sts", "get-caller-identity"],
    )
    .unwrap();
    assert_eq!(cli["Arn"].as_str(), sdk.arn());
    assert_eq!(cli["Account"], "222222222222");
    assert_eq!(cli["UserId"].as_str(), sdk.user_id());
    assert!(
        sdk.arn()
            .unwrap()
            .starts_with("arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PowerUserAccess_"),
        "{:?}",
        sdk.arn()
    );

    // A wrong secret is refused with AWS's own error code.
    let env = [
        ("AWS_ACCESS_KEY_ID", akid),
        (
            "AWS_SECRET_ACCESS_KEY",
            "0000000000000000000000000000000000000000",
        ),
        ("AWS_SESSION_TOKEN", session),
    ];
    let err = aws(
        home.path(),
        &emu.url(),
        &env,
        &["sts", "get-caller-identity"],
    )
    .unwrap_err();
    assert!(err.contains("SignatureDoesNotMatch"), "{err}");
}
