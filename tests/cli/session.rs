//! `rolecall login`, `list`, `status` and `logout` as a script runs them: the real binary
//! against the emulator, in a throwaway HOME, with the AWS CLI reading what `login` wrote.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

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

/// `rolecall args…` with HOME `dir` and the config `dir/rolecall.toml` (no emulator).
fn rolecall_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("HOME", dir)
        .env("ROLECALL_CONFIG", dir.join("rolecall.toml"))
        .env("ROLECALL_LOG_FILE", dir.join("log"))
        .output()
        .unwrap()
}

#[test]
fn a_malformed_config_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rolecall.toml"), "[sign_in]\nmethod = 3\n").unwrap();
    let out = rolecall_in(dir.path(), &["list"]);
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

/// Account and role names that try to drive the terminal: OSC 52 (set the clipboard), OSC 8 (a
/// hidden link), CSI (clear the screen, colours), CR and LF (rewrite or split a line), C1 CSI,
/// bidi overrides and isolates, zero-width characters. All legal in an org file; a hostile
/// portal can send any of them.
const HOSTILE_ACCOUNTS: [(&str, &str); 7] = [
    (
        "100000000001",
        r"evil-clip\u001b]52;c;SGFja2VkIQ==\u0007board",
    ),
    (
        "100000000002",
        r"evil-\u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\",
    ),
    ("100000000003", r"evil-csi\u001b[2J\u001b[31mred"),
    ("100000000004", r"evil-line\rover\nwrite"),
    (
        "100000000005",
        r"evil-bidi\u202eTFEL\u2066iso\u2069\u200e\u200f\u061c",
    ),
    (
        "100000000006",
        r"evil-zero\u200bwi\u200c\u200ddth\ufeff\u2060",
    ),
    ("100000000007", r"evil-c1\u009b31m\u0085next\u007f"),
];

/// The hostile org: every account has a plain `ReadOnly` and a hostile role.
fn hostile_org() -> String {
    let mut org = auto_approving_org();
    org.push_str("\n[[permission_sets]]\nname = \"ReadOnly\"\nsession_seconds = 3600\n");
    for (id, name) in HOSTILE_ACCOUNTS {
        org.push_str(&format!(
            "\n[[accounts]]\nid = \"{id}\"\nname = \"{name}\"\n\
             permission_sets = [\"ReadOnly\", \"Adm\\u001b]52;c;SGk=\\u0007in\\r\\n\\u202e\"]\n"
        ));
    }
    every_account(&org)
}

/// `org` with its user given every account.
fn every_account(org: &str) -> String {
    org.replace(
        "accounts = [\"payments-prod\", \"222222222222\"]",
        "accounts = [\"*\"]",
    )
}

/// The names as the org file means them (TOML's escapes decoded).
fn hostile_names() -> Vec<String> {
    let parsed: toml::Value = toml::from_str(&hostile_org()).unwrap();
    parsed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .filter(|n| n.starts_with("evil-"))
        .collect()
}

/// What a terminal must never be sent from server text: ESC, other C0 controls (but the line
/// breaks and tabs we print ourselves), DEL, C1 codes, bidi controls and zero-width characters.
fn assert_shown_safely(what: &str, bytes: &[u8]) {
    assert!(
        !bytes.contains(&0x1b),
        "{what}: a raw ESC reached the terminal: {:?}",
        text(bytes)
    );
    let shown = std::str::from_utf8(bytes).expect("UTF-8");
    for c in shown.chars() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}');
        assert!(!bad, "{what}: {c:?} reached the terminal: {shown:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn server_names_never_reach_the_terminal_as_control_sequences() {
    let emu = start(&hostile_org()).await;
    let home = home(&emu);
    home.login();
    let names = hostile_names();
    assert_eq!(names.len(), HOSTILE_ACCOUNTS.len());

    // --json stays exact JSON: the names round-trip, escapes are JSON's own (\u001b).
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!out.stdout.contains(&0x1b), "no raw ESC in JSON");
    assert!(text(&out.stdout).contains(r"\u001b]52;c;SGFja2VkIQ==\u0007"));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let listed: std::collections::BTreeSet<String> = rows
        .iter()
        .map(|r| r["account_name"].as_str().unwrap().to_owned())
        .collect();
    for name in &names {
        assert!(listed.contains(name), "{name:?} round-trips through --json");
    }
    assert!(
        rows.iter()
            .any(|r| r["role_name"] == "Adm\u{1b}]52;c;SGk=\u{7}in\r\n\u{202e}")
    );
    assert_shown_safely("list --json stderr", &out.stderr);

    // The table: escaped, one line per row, the ESC visible as text.
    let out = home.rolecall(&["list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_shown_safely("list", &out.stdout);
    assert_shown_safely("list stderr", &out.stderr);
    let table = text(&out.stdout);
    assert_eq!(table.lines().count(), rows.len() + 1, "{table}");
    assert!(
        table.contains(r"evil-clip\x1b]52;c;SGFja2VkIQ==\x07board"),
        "{table}"
    );
    assert!(table.contains(r"evil-line\rover\nwrite"), "{table}");
    assert!(table.contains(r"evil-bidi\u{202e}TFEL"), "{table}");

    // A target naming no role exactly lists the candidates, escaped, one per line.
    let out = home.rolecall(&["exec", "evil/ReadOnly", "--", "true"]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert_shown_safely("ambiguous target", &out.stderr);
    let mut lines = stderr.lines();
    assert!(
        lines.next().unwrap().contains("did you mean one of these?"),
        "{stderr}"
    );
    assert!(
        lines.all(|l| l.starts_with("  evil-") && l.ends_with("/ReadOnly")),
        "one line per candidate: {stderr}"
    );
    assert!(
        stderr.contains(r"  evil-line\rover\nwrite/ReadOnly"),
        "{stderr}"
    );

    // write's stderr names the role it wrote.
    let out = home.rolecall(&["write", "100000000001/ReadOnly"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_shown_safely("write", &out.stdout);
    assert_shown_safely("write stderr", &out.stderr);
    assert!(
        text(&out.stderr).contains(r"\x1b]52"),
        "{}",
        text(&out.stderr)
    );

    // exec with the hostile role: the session marker the child sees carries no control
    // characters, and status then lists the kept credentials, escaped.
    let role = "Adm\u{1b}]52;c;SGk=\u{7}in\r\n\u{202e}";
    let out = home.rolecall(&[
        "exec",
        &format!("100000000004/{role}"),
        "--",
        "sh",
        "-c",
        "printf %s \"$ROLECALL_SESSION\"",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_shown_safely("ROLECALL_SESSION", &out.stdout);
    assert_eq!(
        text(&out.stdout),
        r"evil-line\rover\nwrite/Adm\x1b]52;c;SGk=\x07in\r\n\u{202e}"
    );
    assert_shown_safely("exec stderr", &out.stderr);
    let out = home.rolecall(&["status"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_shown_safely("status", &out.stdout);
    assert_shown_safely("status stderr", &out.stderr);
    assert!(
        text(&out.stdout).contains(r"  100000000004/Adm\x1b]52;c;SGk=\x07in\r\n\u{202e}"),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_name_is_cut_in_the_table_and_never_panics() {
    let mut org = auto_approving_org();
    for (id, len) in [("100000000001", 65_536), ("100000000002", 10_000)] {
        org.push_str(&format!(
            "\n[[accounts]]\nid = \"{id}\"\nname = \"{}\"\npermission_sets = [\"{}\"]\n",
            "n".repeat(len),
            "r".repeat(len)
        ));
    }
    let emu = start(&every_account(&org)).await;
    let home = home(&emu);
    home.login();
    // Twice: the second `list` reads the cached catalog.
    for _ in 0..2 {
        let out = home.rolecall(&["list"]);
        assert_ne!(
            out.status.code(),
            Some(101),
            "panicked: {}",
            text(&out.stderr)
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let table = text(&out.stdout);
        assert!(table.lines().count() > 3, "{table}");
        for line in table.lines() {
            let columns = unicode_width::UnicodeWidthStr::width(line);
            assert!(
                columns <= 200,
                "a row of {columns} columns: {:?}…",
                &line[..80.min(line.len())]
            );
        }
        assert!(table.contains('…'), "a cut name ends with …");
    }
    // The JSON keeps the whole name.
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&"n".repeat(65_536)));
}

#[test]
fn an_error_quoting_a_file_is_escaped_at_the_final_print() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rolecall.toml"),
        "[storage]\nbackend = \"file\"\n[[sso_sessions]]\nname = \"a\\u001b]52;c;SGk=\\u0007\\u202eb\"\n\
         start_url = \"https://x.awsapps.com/start\"\nregion = \"us-east-1\"\n",
    )
    .unwrap();
    let out = rolecall_in(dir.path(), &["status", "--session", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert_shown_safely("the error line", &out.stderr);
    assert_eq!(
        text(&out.stderr),
        "rolecall: no identity center is named \"x\"; known: a\\x1b]52;c;SGk=\\x07\\u{202e}b\n"
    );
}

// A verification URL from the service is data: `login` opens only https (or loopback http), and
// shows anything else with a one-line notice instead of handing it to the browser.
#[tokio::test(flavor = "multi_thread")]
async fn login_never_opens_a_non_web_verification_url() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    for hostile in ["file:///etc/passwd", "http://evil.example/device"] {
        emu.set_faults(rolecall::emulator::Faults {
            verification_uri_override: Some(hostile.into()),
            ..Default::default()
        });
        let out = home.rolecall(&["login", "--device-code", "--force"]);
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!home.browser_opened(), "the browser was given {hostile}");
        assert!(
            stderr.contains(&format!("not opening {hostile} in a browser")),
            "{stderr}"
        );
    }
    // The control: the emulator's own (loopback http) URL is opened.
    emu.set_faults(rolecall::emulator::Faults::default());
    let out = home.rolecall(&["login", "--device-code", "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    wait_until(std::time::Duration::from_secs(10), || home.browser_opened()).await;
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

/// The first run against a real identity center: with nothing configured `login` says to run
/// `setup`; `setup` checks the start URL, writes an `[sso-session]` to ~/.aws/config keeping
/// every other byte (botocore reads it back), refuses to change a different one without
/// `--force`, takes the region from a portal URL that carries it, and then `login` works.
#[tokio::test(flavor = "multi_thread")]
async fn setup_writes_an_sso_session_the_aws_cli_reads_and_login_uses() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    let config = home.path().join(".aws/config");
    let mine = "# my own settings\r\n[profile x]\r\nregion = eu-west-1 ; kept\r\n";
    std::fs::write(&config, mine).unwrap();

    let out = home.rolecall(&["login", "--device-code", "--no-browser"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no identity center is configured") && stderr.contains("rolecall setup"),
        "{stderr}"
    );

    // Bad input: one line, exit 2, nothing written.
    for (args, says) in [
        (
            vec![
                "--start-url",
                "http://test.awsapps.com/start",
                "--region",
                REGION,
            ],
            "https",
        ),
        (vec!["--start-url", "acme", "--region", REGION], "https"),
        (
            vec![
                "--start-url",
                "https://a.awsapps.com/start\n[x]",
                "--region",
                REGION,
            ],
            "start URL",
        ),
        (
            vec!["--start-url", START_URL, "--region", "Mars 1"],
            "region",
        ),
        (vec!["--start-url", START_URL], "--region"),
        (
            vec![
                "--start-url",
                START_URL,
                "--region",
                REGION,
                "--name",
                "a]b",
            ],
            "name",
        ),
    ] {
        let out = home.rolecall(&[&["setup"], &args[..]].concat());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(std::fs::read_to_string(&config).unwrap(), mine, "{args:?}");
    }

    let out = home.rolecall(&["setup", "--start-url", START_URL, "--region", REGION]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("rolecall login"), "{stderr}");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.starts_with(mine), "{written:?}");
    assert_eq!(
        common::botocore::sso_session(&home.path().join(".aws/config"), "default"),
        Some((START_URL.into(), REGION.into(), "sso:account:access".into()))
    );
    // Again, the same: nothing changes.
    let out = home.rolecall(&["setup", "--start-url", START_URL, "--region", REGION]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);

    // A different identity center under that name: refused without --force.
    let other = "https://ssoins-72231f5f7cbd1e2a.portal.eu-central-1.app.aws";
    let out = home.rolecall(&["setup", "--start-url", other]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);
    let out = home.rolecall(&["setup", "--start-url", other, "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        common::botocore::sso_session(&home.path().join(".aws/config"), "default"),
        Some((
            other.into(),
            "eu-central-1".into(),
            "sso:account:access".into()
        ))
    );
    assert!(std::fs::read_to_string(&config).unwrap().starts_with(mine));

    // Back to the emulator's, signing in at once (no browser here: the device code).
    let out = home
        .command(
            BIN,
            &[
                "setup",
                "--start-url",
                START_URL,
                "--region",
                REGION,
                "--force",
                "--login",
            ],
        )
        .env_remove("BROWSER")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 5);
}

/// The first run on a terminal: with nothing configured, `rolecall login` asks for the access
/// portal URL, the region (offering a default; a URL of the regional form carries it) and a
/// session name (offering the portal's own), signs in — the identity center's answer checks
/// what was typed: a URL it does not know fails with exit 4 and writes nothing — then writes
/// the `[sso-session]` to ~/.aws/config keeping every other byte (botocore reads it), and the
/// other commands use it.
#[test]
fn login_on_a_terminal_asks_for_the_identity_center_checks_it_and_writes_it() {
    use common::tmux::Tmux;
    use std::time::Duration;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(start(&auto_approving_org()));
    let home = Home::new(&emu, "", "");
    let config = home.path().join(".aws/config");
    let mine = "# my own settings\n[profile x]\nregion = eu-west-1 ; kept\n";
    std::fs::write(&config, mine).unwrap();
    let env = home
        .environment()
        .into_iter()
        .filter(|(k, _)| *k != "BROWSER")
        .collect();
    let tmux = Tmux::start_with("firstlogin", home.path(), env);
    let login = "login --device-code --no-browser";
    let wait = |text: &str| tmux.wait_text(text, Duration::from_secs(30));
    // `EXITED=` and a number: the command line itself shows `EXITED=$?`.
    let exited = || {
        tmux.wait_for("rolecall to end", Duration::from_secs(30), |s| {
            s.match_indices("EXITED=")
                .any(|(i, m)| s[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
        })
    };

    // An access portal the identity center does not know: refused, nothing written.
    tmux.run_app(BIN, login);
    wait("AWS access portal URL");
    tmux.type_text("https://unknown.awsapps.com/start");
    tmux.send(&["Enter"]);
    let asked = wait("region [us-east-1]:");
    assert!(
        asked.contains("no identity center is configured yet"),
        "{asked}"
    );
    tmux.send(&["Enter"]);
    wait("A name for this session [unknown]:");
    tmux.send(&["Enter"]);
    let failed = exited();
    assert!(failed.contains("EXITED=4"), "{failed}");
    assert!(failed.contains("nothing was written"), "{failed}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), mine);

    // A bad answer is said and asked again; then the emulator's portal, its region by
    // default and the offered name.
    tmux.run_app(BIN, login);
    wait("AWS access portal URL");
    tmux.type_text("http://test.awsapps.com/start");
    tmux.send(&["Enter"]);
    let again = tmux.wait_for("the question again", Duration::from_secs(10), |s| {
        s.matches("AWS access portal URL").count() == 2
    });
    assert!(again.contains("not an https URL"), "{again}");
    tmux.type_text(START_URL);
    tmux.send(&["Enter"]);
    wait("region [us-east-1]:");
    tmux.send(&["Enter"]);
    wait("A name for this session [test]:");
    tmux.send(&["Enter"]);
    let done = exited();
    assert!(done.contains("EXITED=0"), "{done}");
    assert!(done.contains("wrote [sso-session test]"), "{done}");
    assert!(done.contains("Signed in to test"), "{done}");
    assert!(std::fs::read_to_string(&config).unwrap().starts_with(mine));
    assert_eq!(
        common::botocore::sso_session(&home.path().join(".aws/config"), "test"),
        Some((START_URL.into(), REGION.into(), "sso:account:access".into()))
    );
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 5);
}

/// `--json` on status, whoami and env: the documented fields, parsed; a secret only in env's.
#[tokio::test(flavor = "multi_thread")]
async fn status_whoami_and_env_speak_json_with_their_documented_fields() {
    let emu = start(&auto_approving_org()).await;
    let home = home(&emu);
    let out = home.rolecall(&["status", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["sessions"][0]["name"], "acme");
    assert_eq!(status["sessions"][0]["state"], "not_signed_in");
    assert!(status["sessions"][0]["expires_at"].is_null());
    home.login();

    let target = "payments-dev/PowerUserAccess";
    let out = home.rolecall(&["env", target, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let env: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let secret = env["AWS_SECRET_ACCESS_KEY"].as_str().unwrap().to_owned();
    assert!(emu.issued_secrets().contains(&secret));
    assert!(
        env["AWS_ACCESS_KEY_ID"]
            .as_str()
            .unwrap()
            .starts_with("ASIA")
    );
    assert_eq!(env["AWS_REGION"], REGION);
    assert!(
        env["AWS_CREDENTIAL_EXPIRATION"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(env["AWS_SESSION_TOKEN"].is_string());

    let out = home.rolecall(&["whoami", target, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let who: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        who["arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PowerUserAccess_"),
        "{who}"
    );
    assert_eq!(who["account_id"], "222222222222");
    assert_eq!(who["target"], target);
    assert!(who["chain"].is_null());
    assert!(who["expires_at"].as_str().unwrap().ends_with('Z'));

    let out = home.rolecall(&["status", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let acme = &status["sessions"][0];
    assert_eq!(acme["state"], "signed_in");
    assert_eq!(acme["start_url"], START_URL);
    assert!(acme["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        acme["credentials"][0]["name"],
        "222222222222/PowerUserAccess"
    );
    assert_eq!(
        acme["credentials"][0]["access_key_id"],
        env["AWS_ACCESS_KEY_ID"]
    );
    assert!(status["chains"].as_array().unwrap().is_empty());
    // No secret in status or whoami.
    let shown = format!("{status}{who}");
    for secret in emu.issued_secrets() {
        assert!(
            !shown.contains(&secret),
            "a secret in status or whoami --json"
        );
    }
}
