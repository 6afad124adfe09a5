//! `rolecall login`, `list`, `status` and `logout` as a script runs them: the real binary
//! against the emulator, in a throwaway HOME, with the AWS CLI reading what `login` wrote.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};

use common::cli_home::{BIN, Home, auto_approving_org, text};
use common::*;
use rolecall::emulator::{Api, Emulator};

fn home(emu: &Emulator) -> Home {
    Home::new(
        emu,
        &format!(
            "\n[profile dev]\nsso_session = acme\nsso_account_id = 222222222222\n\
             sso_role_name = PowerUserAccess\nregion = {REGION}\n"
        ),
        "",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn login_list_status_logout_and_the_aws_cli_shares_the_login() {
    let emu = start(&auto_approving_org()).await;
    let home = home(&emu);

    // Before signing in: exit code 3 and what to do.
    let out = home.rolecall(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("rolecall login --session acme"));

    // Sign in with the device code (no browser here); auto-approved by the emulator.
    let out = home.rolecall(&["login", "--device-code"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{}/device?user_code=", emu.url())),
        "{stderr}"
    );
    assert!(stderr.contains("code: "), "{stderr}");
    assert!(stderr.contains("Signed in to acme"), "{stderr}");
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        home.cache_files().len(),
        1,
        "the AWS CLI cache file is written"
    );

    // The AWS CLI uses the token rolecall cached.
    let out = home
        .command(
            "aws",
            &[
                "sts",
                "get-caller-identity",
                "--profile",
                "dev",
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

    // list --json: every account × role, tagged with the session.
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["session"], "acme");
            (
                r["account_name"].as_str().unwrap().to_owned(),
                r["role_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 5);
    assert!(pairs.contains(&("payments-dev".into(), "PowerUserAccess".into())));
    let listed = emu.stats(Api::ListAccounts).requests;

    // The second listing comes from the cache: no request.
    let out = home.rolecall(&["list"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("ACCOUNT"));
    assert_eq!(text(&out.stdout).lines().count(), 6);
    assert_eq!(emu.stats(Api::ListAccounts).requests, listed);
    // --refresh asks again.
    assert!(home.rolecall(&["list", "--refresh"]).status.success());
    assert_eq!(emu.stats(Api::ListAccounts).requests, listed + 1);

    let out = home.rolecall(&["status"]);
    let status = text(&out.stdout);
    assert!(
        status.starts_with(&format!("acme\t{START_URL}\tsigned in, expires in 7h")),
        "{status}"
    );

    // Logout: the portal session ends, the AWS CLI cache file goes, list needs a login again.
    let out = home.rolecall(&["logout"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(emu.stats(Api::Logout).requests, 1);
    assert!(home.cache_files().is_empty());
    let out = home.rolecall(&["list", "--refresh"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&home.rolecall(&["status"]).stdout).contains("signed out"));

    // Nothing secret reached the log.
    let log = std::fs::read_to_string(home.path().join("rolecall.log")).unwrap_or_default();
    for secret in emu.issued_secrets() {
        assert!(!log.contains(&secret), "a secret reached the log");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_with_pkce_through_the_browser() {
    let emu = start(&auto_approving_org()).await;
    let home = home(&emu);
    // The "browser" fetches the authorize URL and follows the redirect to our listener.
    let browser = home.path().join("browser.sh");
    std::fs::write(
        &browser,
        "#!/bin/sh\nexec python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\" >/dev/null 2>&1 &\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = home
        .command(BIN, &["login"])
        .env("BROWSER", &browser)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Opened your browser"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}/authorize?response_type=code", emu.url())),
        "{stderr}"
    );
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 0);
    assert!(home.rolecall(&["list", "--json"]).status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_sign_in_exits_4_with_advice() {
    let emu = start(&small_org_toml()).await;
    let home = home(&emu);
    let child = home
        .command(BIN, &["login", "--device-code"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(std::time::Duration::from_secs(20), || {
        emu.stats(Api::StartDeviceAuthorization).requests == 1
    })
    .await;
    wait_until(std::time::Duration::from_secs(20), || {
        emu.deny_devices() == 1
    })
    .await;
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains("denied"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_malformed_config_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rolecall.toml"), "[sign_in]\nmethod = 3\n").unwrap();
    let out = Command::new(BIN)
        .args(["list"])
        .env("HOME", dir.path())
        .env("ROLECALL_CONFIG", dir.path().join("rolecall.toml"))
        .env("ROLECALL_LOG_FILE", dir.path().join("log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "rolecall: {}:2: ",
            dir.path().join("rolecall.toml").display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_stops_early_ends_the_output_quietly() {
    // 600 accounts × 2 roles: far more JSON than a pipe holds, so the writer meets the closed
    // end (EPIPE) while writing.
    let org = format!(
        "[settings]\ndevice_poll_interval = 1\napprove_after_seconds = 0\n{}",
        org_with_accounts(600)
    );
    let emu = start(&org).await;
    let home = Home::new(
        &emu,
        "",
        "[catalog]\ninitial_rate = 200\nconcurrency = 16\n",
    );
    home.login();
    let full = home.rolecall(&["list", "--json"]);
    assert!(full.status.success(), "{}", text(&full.stderr));
    assert!(full.stdout.len() > 200_000, "{}", full.stdout.len());

    for args in [&["list", "--json"][..], &["list"][..]] {
        // `rolecall list --json | head -c 10`
        let mut child = home
            .command(BIN, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 10];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn after_logout_every_message_says_signed_out() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(
        &emu,
        "",
        "[[chains]]\nname = \"from-sso\"\nsource = \"payments-dev/PowerUserAccess\"\nrole_arn = \"arn:aws:iam::222222222222:role/x\"\n",
    );
    home.login();
    assert!(home.rolecall(&["list"]).status.success());
    assert!(home.rolecall(&["logout"]).status.success());
    for args in [
        &["env", "payments-dev/PowerUserAccess"][..],
        &["credential-process", "payments-dev/PowerUserAccess"][..],
        &["list", "--refresh"][..],
        &["env", "from-sso"][..],
    ] {
        let out = home.rolecall(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("signed out of acme") && !stderr.contains("expired"),
            "{args:?}: {stderr}"
        );
    }
    let status = text(&home.rolecall(&["status"]).stdout);
    assert!(status.contains("signed out"), "{status}");
}
