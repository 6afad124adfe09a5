//! `rolecall console`: the real binary against the emulator's stand-in federation endpoint in
//! a throwaway HOME.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;
use rolecall::emulator::Emulator;

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

fn query_of(url: &str) -> Vec<(String, String)> {
    let (_, q) = url.split_once('?').unwrap();
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> &'a str {
    &q.iter().find(|(k, _)| k == name).unwrap().1
}

#[tokio::test(flavor = "multi_thread")]
async fn prints_a_login_url_the_federation_endpoint_accepts() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "");
    home.login();

    let out = home.rolecall(&["console", TARGET, "--print"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let url = stdout.trim_end();
    assert!(
        url.starts_with(&format!("{}/federation?Action=login&", emu.url())),
        "{url}"
    );
    let q = query_of(url);
    assert_eq!(param(&q, "Issuer"), "rolecall");
    assert_eq!(param(&q, "Destination"), "https://console.aws.amazon.com/");
    let token = param(&q, "SigninToken").to_owned();
    assert!(!stderr.contains(&token), "the token stays off stderr");
    assert!(stderr.contains(TARGET), "{stderr}");

    // The login action takes the token and sends the browser to the console.
    let answer = browser().get(url).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    assert_eq!(
        answer.headers()["location"].to_str().unwrap(),
        "https://console.aws.amazon.com/"
    );

    // A damaged token is refused.
    assert!(url.ends_with(&format!("SigninToken={token}")), "{url}");
    let bad = url.replace(&token, "x.y");
    let answer = browser().get(&bad).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"], "InvalidSigninToken");

    // Nothing secret reached the log (the sign-in token is among the issued secrets).
    assert!(emu.issued_secrets().contains(&token));
    let log = home.log();
    for secret in emu.issued_secrets() {
        assert!(!log.contains(&secret), "a secret reached the log");
    }
    assert!(!home.browser_opened());
}

#[tokio::test(flavor = "multi_thread")]
async fn get_signin_token_checks_the_credentials() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "");
    home.login();
    let out = home.rolecall(&["credential-process", TARGET]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ask = |key: &str, secret: &str, token: &str| {
        let session =
            serde_json::json!({"sessionId": key, "sessionKey": secret, "sessionToken": token});
        let url = format!(
            "{}/federation?{}",
            emu.url(),
            form_urlencoded::Serializer::new(String::new())
                .append_pair("Action", "getSigninToken")
                .append_pair("SessionDuration", "3600")
                .append_pair("Session", &session.to_string())
                .finish()
        );
        async move { browser().get(url).send().await.unwrap() }
    };
    let key = doc["AccessKeyId"].as_str().unwrap();
    let secret = doc["SecretAccessKey"].as_str().unwrap();
    let token = doc["SessionToken"].as_str().unwrap();

    let good = ask(key, secret, token).await;
    assert_eq!(good.status(), 200);
    let body: serde_json::Value = good.json().await.unwrap();
    assert!(!body["SigninToken"].as_str().unwrap().is_empty());

    let unknown = ask("ASIAUNKNOWN000000000", secret, token).await;
    assert_eq!(unknown.status(), 400);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["error"], "InvalidSession");
    assert_eq!(ask(key, "wrong", token).await.status(), 400);

    // Past the credentials' expiry.
    emu.advance(std::time::Duration::from_secs(13 * 3600));
    let expired = ask(key, secret, token).await;
    assert_eq!(expired.status(), 400);
    let body: serde_json::Value = expired.json().await.unwrap();
    assert_eq!(body["error"], "ExpiredSession");
}

#[tokio::test(flavor = "multi_thread")]
async fn opens_the_browser_without_print_and_prints_nothing() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "");
    home.login();
    let out = home.rolecall(&["console", TARGET]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "the URL goes to the browser only");
    assert!(
        text(&out.stderr).contains("opened the AWS console"),
        "{}",
        text(&out.stderr)
    );
    wait_until(std::time::Duration::from_secs(10), || home.browser_opened()).await;

    // Without a browser it says how to get the URL instead.
    let out = home
        .command(BIN, &["console", TARGET])
        .env_remove("BROWSER")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--print"),
        "{}",
        text(&out.stderr)
    );
}
