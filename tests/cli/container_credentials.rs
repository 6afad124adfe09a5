//! The local container-credentials endpoint (`rolecall exec`'s shell, `exec --server`,
//! `rolecall serve`) with the real peers reading it: botocore's `ContainerProvider` and the AWS
//! SDK for Rust's default chain (its ECS provider), against the emulator with credentials that
//! last nine seconds (`time_scale = 400`), across several expiries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::cli_home::{BIN, Home, auto_approving_org, text};
use common::served::{BOTOCORE_LOOP, LIFETIME, address, fast_org, refused};
use common::start;
use rolecall::emulator::{Api, Emulator};

const TARGET: &str = "payments-dev/PowerUserAccess";
/// The loops run this long: past three expiries of the first credentials and their successors.
const LOOP_SECONDS: u64 = 4 * 9;

/// The Rust SDK's half: run inside `exec` by [`exec_serves_botocore_and_the_rust_sdk_across_expiries`]
/// (`ROLECALL_SDK_LOOP` set), the default credential chain's ECS provider reading the endpoint.
#[tokio::test]
#[ignore = "run by exec_serves_botocore_and_the_rust_sdk_across_expiries inside `rolecall exec`"]
async fn rust_sdk_loop() {
    let seconds: u64 = std::env::var("ROLECALL_SDK_LOOP").unwrap().parse().unwrap();
    assert!(std::env::var_os("AWS_ACCESS_KEY_ID").is_none());
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await;
    let sts = aws_sdk_sts::Client::new(&config);
    let end = Instant::now() + Duration::from_secs(seconds);
    let (mut calls, mut failures) = (0, Vec::new());
    while Instant::now() < end {
        match sts.get_caller_identity().send().await {
            Ok(_) => calls += 1,
            Err(e) => failures.push(format!("{}", aws_sdk_sts::error::DisplayErrorContext(&e))),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!("rust sdk: {calls} calls, failures {failures:?}");
    assert!(failures.is_empty(), "{failures:?}");
    assert!(calls > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_serves_botocore_and_the_rust_sdk_across_expiries() {
    let emu = start(&fast_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let signed_in = emu.stats(Api::CreateToken).requests;
    std::fs::write(home.path().join("loop.py"), BOTOCORE_LOOP).unwrap();
    let test_exe = std::env::current_exe().unwrap();
    // The interactive default: `exec TARGET` starts $SHELL (here sh, reading this script).
    let script = format!(
        "python3 loop.py {LOOP_SECONDS} & p=$!\n\
         ROLECALL_SDK_LOOP={LOOP_SECONDS} '{}' --ignored --exact container_credentials::rust_sdk_loop --nocapture; r=$?\n\
         wait $p; b=$?\n\
         exit $((r * 16 + b))\n",
        test_exe.display()
    );
    let started = Instant::now();
    let mut child = home
        .command(BIN, &["exec", TARGET])
        .current_dir(home.path())
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let took = started.elapsed();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {stderr}",
        out.status.code()
    );
    let report: serde_json::Value = stdout
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no botocore report in {stdout}"));
    assert_eq!(report["method"], "container-role", "{report}");
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    assert!(
        report["expired"].as_u64().unwrap() >= 3,
        "three expiries passed: {report}"
    );
    assert!(
        stdout.contains("rust sdk: ") && stdout.contains("failures []"),
        "{stdout}"
    );
    // Renewed from the source: a GetRoleCredentials per credential served.
    let fetched = emu.stats(Api::GetRoleCredentials).requests;
    assert!(fetched >= 4, "renewals: {fetched}");
    // The 20-second access token ran out during the loops and was renewed silently.
    assert!(
        emu.stats(Api::CreateToken).requests > signed_in,
        "a refresh-token grant"
    );
    eprintln!(
        "across expiries: {report}, {fetched} role credentials, {took:?}, lifetime {LIFETIME:?}"
    );
}

/// `rolecall serve` started, and the two variables it printed.
struct Serving {
    child: Child,
    uri: String,
    token: String,
}

fn serve(home: &Home) -> Serving {
    let mut child = home
        .command(BIN, &["serve", TARGET, "--shell", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut uri, mut token) = (None, None);
    while uri.is_none() || token.is_none() {
        let line = lines.next().expect("serve printed its variables").unwrap();
        let value = |l: &str| l.split_once('=').unwrap().1.trim_matches('\'').to_owned();
        if line.starts_with("export AWS_CONTAINER_CREDENTIALS_FULL_URI=") {
            uri = Some(value(&line));
        } else if line.starts_with("export AWS_CONTAINER_AUTHORIZATION_TOKEN=") {
            token = Some(value(&line));
        } else {
            assert!(line.starts_with("unset "), "{line}");
        }
    }
    Serving {
        child,
        uri: uri.unwrap(),
        token: token.unwrap(),
    }
}

impl Serving {
    /// A request for credentials, with its token.
    async fn ask(&self) -> reqwest::Response {
        reqwest::Client::new()
            .get(&self.uri)
            .header("Authorization", &self.token)
            .send()
            .await
            .unwrap()
    }

    /// Stops it as a shell's job control would (SIGTERM); what it said on stderr.
    fn stop(self) -> String {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(killed.unwrap().success());
        text(&self.child.wait_with_output().unwrap().stderr)
    }
}

/// `rolecall serve TARGET` on the fast org, signed in: the emulator, the home and the server.
async fn serving_fast() -> (Emulator, Home, Serving) {
    let emu = start(&fast_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let serving = serve(&home);
    (emu, home, serving)
}

/// The listening sockets on `port` in /proc/net/tcp{,6}: (file, local address in hex).
fn listeners(port: u16) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let table = std::fs::read_to_string(file).unwrap_or_default();
        for row in table.lines().skip(1) {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let (addr, p) = cols[1].rsplit_once(':').unwrap();
            if u16::from_str_radix(p, 16).unwrap() == port && cols[3] == "0A" {
                found.push((file.to_owned(), addr.to_owned()));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_answers_only_its_token_on_loopback_and_is_gone_when_stopped() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let mut serving = serve(&home);
    let addr = address(&serving.uri);
    assert!(addr.ip().is_loopback() && addr.is_ipv4(), "{addr}");
    assert_eq!(
        listeners(addr.port()),
        [("/proc/net/tcp".to_owned(), "0100007F".to_owned())],
        "only 127.0.0.1 listens"
    );
    assert_eq!(serving.token.len(), 64, "256 bits in hex");

    let http = reqwest::Client::new();
    let ask = |token: Option<&str>| {
        let mut request = http.get(&serving.uri);
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        request.send()
    };
    assert_eq!(ask(None).await.unwrap().status(), 401);
    let mut wrong = serving.token.clone();
    wrong.replace_range(63.., if wrong.ends_with('0') { "1" } else { "0" });
    assert_eq!(ask(Some(&wrong)).await.unwrap().status(), 403);
    assert_eq!(ask(Some("")).await.unwrap().status(), 403);
    let ok = ask(Some(&serving.token)).await.unwrap();
    assert_eq!(ok.status(), 200);
    let doc: serde_json::Value = ok.json().await.unwrap();
    for field in ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"] {
        assert!(
            doc[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}: {doc}"
        );
    }

    // SIGTERM ends it with 0, and the endpoint is gone.
    let pid = serving.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = serving.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(refused(addr), "connection refused once serve ended");
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_server_hands_a_command_the_endpoint_only_for_its_life() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let show = "printf '%s|%s|%s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \
                \"${AWS_ACCESS_KEY_ID:-none}\" \"${#AWS_CONTAINER_AUTHORIZATION_TOKEN}\"";
    let out = home.rolecall(&["exec", "--server", TARGET, "--", "sh", "-c", show]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let fields: Vec<&str> = stdout.trim().split('|').collect();
    assert_eq!(fields[1..], ["none", "64"], "{stdout}");
    assert!(
        refused(address(fields[0])),
        "the endpoint is gone once the command ended"
    );

    // A command without --server keeps fixed keys, as before; --static keeps them for the shell.
    let out = home.rolecall(&["exec", TARGET, "--", "sh", "-c", show]);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("|ASIA"), "{stdout}");
    let mut child = home
        .command(BIN, &["exec", "--static", TARGET])
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{show}\n").as_bytes())
        .unwrap();
    let stdout = text(&child.wait_with_output().unwrap().stdout);
    assert!(stdout.starts_with("|ASIA"), "{stdout}");
    // --static and --server together are a usage error.
    let out = home.rolecall(&["exec", "--static", "--server", TARGET, "--", "true"]);
    assert_eq!(out.status.code(), Some(2));
}

/// An SSO role whose sign-in is gone: the credentials still good are served, then the SDK gets a
/// 503 saying what to run, the reason is said once on stderr, and signing in again lets the next
/// request renew.
#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_that_needs_sign_in_says_so_and_recovers_after_login() {
    let (_emu, home, serving) = serving_fast().await;
    let first: serde_json::Value = serving.ask().await.json().await.unwrap();

    let out = home.rolecall(&["logout"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let limit = Instant::now() + LIFETIME * 4;
    let refused = loop {
        let response = serving.ask().await;
        if response.status() != 200 {
            break response;
        }
        assert!(
            Instant::now() < limit,
            "still 200 long after the credentials expired"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(refused.status(), 503);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("cannot renew the credentials of") && body.contains("rolecall login"),
        "{body}"
    );

    home.login();
    let renewed: serde_json::Value = serving.ask().await.json().await.unwrap();
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);

    let stderr = serving.stop();
    assert_eq!(
        stderr
            .matches("rolecall: cannot renew the credentials of")
            .count(),
        1,
        "{stderr}"
    );
}

/// A renewal asks for the role the first credentials came from, by account id: an account
/// renamed in the catalog meanwhile (another run listed it anew) still renews that role, where
/// the name typed at the start names nothing any more.
#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_follows_the_account_id_when_the_account_is_renamed() {
    let (_emu, home, serving) = serving_fast().await;
    let first: serde_json::Value = serving.ask().await.json().await.unwrap();
    let cache = home.catalog_cache("acme");
    let listed = std::fs::read_to_string(&cache).unwrap();
    assert!(listed.contains("\"payments-dev\""), "{listed}");
    std::fs::write(
        &cache,
        listed.replace("\"payments-dev\"", "\"payments-renamed\""),
    )
    .unwrap();
    // Past the first credentials' end: only renewed ones can be served.
    tokio::time::sleep(LIFETIME + Duration::from_secs(1)).await;
    let response = serving.ask().await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let renewed: serde_json::Value = response.json().await.unwrap();
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);
    let stderr = serving.stop();
    assert!(!stderr.contains("cannot renew"), "{stderr}");
}
