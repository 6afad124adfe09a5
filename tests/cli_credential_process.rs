//! `rolecall credential-process` as the AWS CLI runs it: the real binary against the emulator in
//! a throwaway HOME, with the real AWS CLI (`aws`, installed by tests/run.sh) as the caller.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;
use rolecall::emulator::{Api, Emulator};

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");
const TARGET: &str = "payments-dev/PowerUserAccess";

struct Home {
    dir: tempfile::TempDir,
    url: String,
}

impl Home {
    /// A HOME whose ~/.aws/config names the emulator's identity center as `[sso-session acme]`,
    /// a rolecall config keeping tokens in the file store, and a `$BROWSER` that only leaves a
    /// mark, so a test can tell whether anything tried to open a browser.
    fn new(emu: &Emulator, extra_config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        std::fs::write(
            aws.join("config"),
            format!(
                "[sso-session acme]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n\
                 sso_registration_scopes = sso:account:access\n"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("rolecall.toml"),
            format!("[storage]\nbackend = \"file\"\n{extra_config}"),
        )
        .unwrap();
        let browser = dir.path().join("browser.sh");
        std::fs::write(
            &browser,
            format!(
                "#!/bin/sh\ntouch '{}'\n",
                dir.path().join("browser-opened").display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Self {
            dir,
            url: emu.url(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("ROLECALL_CONFIG", self.path().join("rolecall.toml"))
            .env("ROLECALL_LOG_FILE", self.path().join("rolecall.log"))
            .env("ROLECALL_LOG", "debug")
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env(
                "ROLECALL_FEDERATION_URL",
                format!("{}/federation", self.url),
            )
            .env("BROWSER", self.path().join("browser.sh"))
            .stdin(Stdio::null());
        cmd
    }

    fn rolecall(&self, args: &[&str]) -> Output {
        self.command(BIN, args).output().unwrap()
    }

    fn browser_opened(&self) -> bool {
        self.path().join("browser-opened").exists()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path().join("rolecall.log")).unwrap_or_default()
    }

    /// Signs in with the device code, auto-approved by the emulator.
    fn login(&self) {
        let out = self.rolecall(&["login", "--device-code", "--no-browser"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn auto_approving_org() -> String {
    small_org_toml().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\napprove_after_seconds = 0",
    )
}

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
    let home = Home::new(&emu, "");
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
    let home = Home::new(&emu, "");

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
