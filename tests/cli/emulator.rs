//! `rolecall emulator` as a user runs it: the real binary, its `export` lines, its errors, and a
//! log that never holds a secret.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{REGION, register};

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

struct Running {
    child: Child,
    exports: BTreeMap<String, String>,
}

impl Running {
    fn url(&self) -> &str {
        &self.exports["AWS_ENDPOINT_URL"]
    }

    /// SIGTERM, then the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        self.child.wait().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn emulator_command(log: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("emulator")
        .args(args)
        .env("ROLECALL_LOG_FILE", log)
        .env("ROLECALL_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Starts `rolecall emulator ARGS` and reads its export lines.
fn spawn(log: &Path, args: &[&str]) -> Running {
    let mut child = emulator_command(log, args).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut exports = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let (name, value) = line
            .strip_prefix("export ")
            .and_then(|rest| rest.split_once('='))
            .unwrap_or_else(|| panic!("not an export line: {line}"));
        exports.insert(name.to_owned(), value.to_owned());
        if name == "ROLECALL_EMULATOR_URL" {
            break;
        }
    }
    Running { child, exports }
}

fn oidc_at(url: &str) -> aws_sdk_ssooidc::Client {
    aws_sdk_ssooidc::Client::from_conf(
        aws_sdk_ssooidc::Config::builder()
            .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
            .region(aws_sdk_ssooidc::config::Region::new(REGION))
            .endpoint_url(url)
            .build(),
    )
}

fn sso_at(url: &str) -> aws_sdk_sso::Client {
    aws_sdk_sso::Client::from_conf(
        aws_sdk_sso::Config::builder()
            .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
            .region(aws_sdk_sso::config::Region::new(REGION))
            .endpoint_url(url)
            .build(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn prints_exports_serves_the_demo_org_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("emulator.log");
    let running = spawn(&log, &["--approve-after", "0"]);
    let url = running.url().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(running.exports["AWS_REGION"], "us-east-1");
    assert_eq!(running.exports["AWS_EC2_METADATA_DISABLED"], "true");
    let start_url = running.exports["ROLECALL_SSO_START_URL"].clone();

    // A whole sign-in against the running binary; --approve-after 0 approves at once.
    let oidc = oidc_at(&url);
    let (id, secret) = register(&oidc, &["sso:account:access"]).await;
    let auth = oidc
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(&start_url)
        .send()
        .await
        .unwrap();
    let token = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .device_code(auth.device_code().unwrap())
        .send()
        .await
        .unwrap();
    let access = token.access_token().unwrap();
    let accounts = sso_at(&url)
        .list_accounts()
        .access_token(access)
        .max_results(100)
        .send()
        .await
        .unwrap();
    assert!(accounts.account_list().len() >= 20);
    let first = &accounts.account_list()[0];
    let roles = sso_at(&url)
        .list_account_roles()
        .access_token(access)
        .account_id(first.account_id().unwrap())
        .send()
        .await
        .unwrap();
    let role = roles.role_list()[0].role_name().unwrap();
    let creds = sso_at(&url)
        .get_role_credentials()
        .access_token(access)
        .account_id(first.account_id().unwrap())
        .role_name(role)
        .send()
        .await
        .unwrap();
    let creds = creds.role_credentials().unwrap();

    let status = running.terminate();
    assert!(status.success(), "{status:?}");

    // The trace-level log saw all of that and holds none of the secrets.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("emulator listening"), "{logged}");
    let secrets = [
        secret.as_str(),
        auth.device_code().unwrap(),
        access,
        token.refresh_token().unwrap(),
        creds.secret_access_key().unwrap(),
        creds.session_token().unwrap(),
    ];
    for s in secrets {
        assert!(!logged.contains(s), "a secret reached the log");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_org_with_portal_fault_knobs() {
    let dir = tempfile::tempdir().unwrap();
    let running = spawn(
        &dir.path().join("log"),
        &[
            "--accounts",
            "300",
            "--rate-limit",
            "7.5",
            "--latency-ms",
            "15",
        ],
    );
    let faults: serde_json::Value = reqwest::get(format!("{}/_emulator/faults", running.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(faults["rate_limit_rps"], 7.5);
    assert_eq!(faults["latency_ms"]["ListAccounts"], 15);
    assert_eq!(faults["latency_ms"]["GetRoleCredentials"], 15);
    assert!(faults["latency_ms"].get("CreateToken").is_none());
    assert_eq!(
        running.exports["ROLECALL_SSO_START_URL"],
        "https://generated.awsapps.com/start"
    );
}

fn run_to_end(args: &[&str]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = emulator_command(&dir.path().join("log"), args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_port_in_use_says_so() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (ok, stdout, stderr) = run_to_end(&["--port", &port]);
    assert!(!ok);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "rolecall: port {port} on 127.0.0.1 is already in use; pick another with --port or use 0 for any free port\n"
        )
    );
}

#[test]
fn a_malformed_org_file_gives_one_line_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.toml");
    std::fs::write(
        &path,
        "[[identity_centers]]\nid = \"d-1\"\nstart_url = https://oops\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = run_to_end(&["--org", path.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(stdout, "");
    let prefix = format!("rolecall: {}:3: ", path.display());
    assert!(stderr.starts_with(&prefix), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_missing_org_file_says_which() {
    let (ok, _, stderr) = run_to_end(&["--org", "/nonexistent/org.toml"]);
    assert!(!ok);
    assert!(
        stderr.starts_with("rolecall: /nonexistent/org.toml: cannot read: "),
        "{stderr}"
    );
}

/// The demo's authenticator is listed in `--help` (a newcomer needs it for the MFA chain), and
/// with no serial gives the demo device's current code, which the emulator accepts.
#[test]
fn demo_mfa_code_is_in_help_and_defaults_to_the_demo_device() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("demo-mfa-code"), "{help}");
    let out = Command::new(BIN).arg("demo-mfa-code").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let code = String::from_utf8(out.stdout).unwrap();
    let code = code.trim();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
}
