//! Faults on this machine rather than at AWS, with the real binary: no OS keyring (tokens go
//! to the 0600 file store with a one-line notice, and the next command finds them there), a
//! damaged catalog cache (ignored with a notice naming it, listed anew, rebuilt), and a broken
//! configuration (the exact one-line message with file and line, exit 2, and nothing written
//! or sent, whichever command was asked for), and a FIFO or a huge file in place of any file
//! we read (refused with one line naming it, never a hang).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::cli_home::{BIN, Home, auto_approving_org, text};
use common::*;
use rolecall::emulator::{Api, Emulator};

/// A D-Bus address where nothing listens: no Secret Service, whatever the machine has.
const NO_BUS: &str = "unix:path=/nonexistent/rolecall-test/bus";

fn with_backend(home: &Home, backend: &str) {
    std::fs::write(
        home.path().join("rolecall.toml"),
        format!("[storage]\nbackend = \"{backend}\"\n"),
    )
    .unwrap();
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_tokens_go_to_the_file_store_with_a_notice() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    with_backend(&home, "auto");
    let secrets = home.paths().state_dir.join("secrets.json");
    let notice = format!(
        "rolecall: no OS keyring is available here; keeping tokens in {} (mode 0600)",
        secrets.display()
    );

    // Runs rolecall where no Secret Service answers; it succeeds.
    let without_keyring = |args: &[&str]| {
        let out = home
            .command(BIN, args)
            .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        out
    };
    // The first command says so, once, first.
    let out = without_keyring(&["login", "--device-code", "--no-browser"]);
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().next(), Some(notice.as_str()), "{stderr}");
    assert_eq!(stderr.matches("no OS keyring").count(), 1, "said once");
    assert_eq!(mode(&secrets), 0o600);

    // The next command reads the sign-in from there (no second sign-in) and says nothing of it:
    // the notice was shown, and that is remembered in the state directory.
    let out = without_keyring(&["list", "--json"]);
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("keyring"), "shown again: {stderr}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);

    // `status` says it every time.
    for _ in 0..2 {
        let out = without_keyring(&["status"]);
        let stderr = text(&out.stderr);
        assert_eq!(stderr.matches(notice.as_str()).count(), 1, "{stderr}");
    }

    // Asked for the file store, nobody is told anything.
    with_backend(&home, "file");
    let out = home.rolecall(&["status"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("keyring"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_catalog_cache_is_ignored_with_a_notice_and_rebuilt() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let first = home.rolecall(&["list", "--json"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let cache = home.catalog_cache("acme");
    let whole = std::fs::read(&cache).unwrap();

    for damage in [&whole[..whole.len() / 2], b"\0\0\0garbage", b""] {
        std::fs::write(&cache, damage).unwrap();
        let listed = emu.stats(Api::ListAccounts).requests;
        let out = home.rolecall(&["list", "--json"]);
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let notice = stderr.lines().next().unwrap_or_default();
        assert!(
            notice.starts_with(&format!(
                "rolecall: ignoring the catalog cache {}: it is damaged (",
                cache.display()
            )) && notice.ends_with("); it will be rebuilt"),
            "{stderr}"
        );
        assert_eq!(out.stdout, first.stdout, "the same catalog, listed anew");
        assert_eq!(emu.stats(Api::ListAccounts).requests, listed + 1);
        // Rebuilt: the next command uses it quietly, without asking AWS.
        let out = home.rolecall(&["list", "--json"]);
        assert!(out.status.success());
        assert_eq!(text(&out.stderr), "");
        assert_eq!(out.stdout, first.stdout);
        assert_eq!(emu.stats(Api::ListAccounts).requests, listed + 1);
    }

    // A hand-over command on a damaged cache says so too, and still works.
    std::fs::write(&cache, b"{").unwrap();
    let out = home.rolecall(&["env", "payments-dev/PowerUserAccess"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("ignoring the catalog cache"));
    assert!(text(&out.stdout).contains("AWS_SESSION_TOKEN"));
}

/// Every file under `dir`: relative path → (mode, bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path.clone());
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), (0, Vec::new()));
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(
                    path.strip_prefix(dir).unwrap().to_owned(),
                    (mode(&path), bytes),
                );
            }
        }
    }
    files
}

/// Every command that could write or send something, run against a broken configuration.
fn assert_refused_by_every_command(emu: &Emulator, home: &Home, expected: &str) {
    let logs = tempfile::tempdir().unwrap();
    let before = snapshot(home.path());
    for args in [
        &["list", "--refresh"][..],
        &["login", "--device-code", "--no-browser"][..],
        &["write", "payments-dev/PowerUserAccess", "--profile", "p"][..],
        &["populate"][..],
        &["credential-process", "payments-dev/PowerUserAccess"][..],
        &["env", "payments-dev/PowerUserAccess"][..],
        &["logout"][..],
        &[][..],
    ] {
        let out = home
            .command(BIN, args)
            .env("ROLECALL_LOG_FILE", logs.path().join("rolecall.log"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), expected, "{args:?}");
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
    assert_eq!(snapshot(home.path()), before, "something was written");
    for api in [
        Api::RegisterClient,
        Api::ListAccounts,
        Api::GetRoleCredentials,
        Api::Logout,
    ] {
        assert_eq!(emu.stats(api).requests, 0, "{api:?} was called");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_config_is_one_exact_line_with_file_and_line_and_nothing_is_written() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    let config = home.path().join("rolecall.toml");
    let shown = config.display().to_string();
    for (text_of_config, expected) in [
        (
            "[sign_in\nmethod = \"pkce\"\n",
            format!("rolecall: {shown}:1: invalid table header expected `.`, `]`\n"),
        ),
        (
            "[storage]\nbackend = \"file\"\n\n[catalog]\nconcurrency = \"many\"\n",
            format!("rolecall: {shown}:5: invalid type: string \"many\", expected usize\n"),
        ),
        (
            "[storage]\nbackend = \"file\"\n\n[catalog]\nconcurrency = 0\n",
            format!("rolecall: {shown}:5: catalog.concurrency must be at least 1\n"),
        ),
        (
            "[app]\nwarn_minutes = 10\ncolour = \"red\"\n",
            format!(
                "rolecall: {shown}:3: unknown field `colour`, expected one of `warn_minutes`, \
                 `critical_minutes`, `default_action`, `region`, `return_after_run`, `confirm_quit`, \
                 `shell`, `serve_subshell`\n"
            ),
        ),
    ] {
        std::fs::write(&config, text_of_config).unwrap();
        assert_refused_by_every_command(&emu, &home, &expected);
    }

    // The AWS CLI's config is not ours to refuse: a line botocore would refuse is skipped and
    // named once by `status`, file and line, and everything else still works.
    std::fs::write(&config, "[storage]\nbackend = \"file\"\n").unwrap();
    let aws_config = home.path().join(".aws/config");
    let mut broken = std::fs::read_to_string(&aws_config).unwrap();
    broken.push_str("this line is not ini\n");
    let line = broken.lines().count();
    std::fs::write(&aws_config, &broken).unwrap();
    let out = home.rolecall(&["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!(
            "rolecall: {}:{line}: \"this line is not ini\" is neither `key = value` nor a [section]; the AWS CLI refuses the file\n",
            aws_config.display()
        )
    );
    assert!(
        text(&out.stdout).contains("acme\t"),
        "{}",
        text(&out.stdout)
    );
}

/// `path` replaced by a FIFO with nothing writing to it.
fn fifo_at(path: &Path) {
    let _ = std::fs::remove_file(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

/// `rolecall args…`, killed after 20 s (`timeout` exits 124 then): a hang fails the test.
fn bounded(home: &Home, args: &[&str]) -> std::process::Output {
    let mut all = vec!["20", BIN];
    all.extend_from_slice(args);
    let out = home.command("timeout", &all).output().unwrap();
    assert_ne!(
        out.status.code(),
        Some(124),
        "{args:?} hung: {}",
        text(&out.stderr)
    );
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_in_place_of_any_file_we_read_is_refused_naming_it_never_a_hang() {
    let emu = start(&auto_approving_org()).await;
    let fresh = || {
        let home = Home::new(&emu, "", "");
        home.login();
        home
    };
    let home = fresh();
    let paths = home.paths();
    let store = paths.state_dir.join("secrets.json");
    assert!(store.exists(), "the file store is where the test thinks");
    let sso_cache = home.cache_files().pop().unwrap();
    // (file, a command that reads it, whether the command carries on without it)
    let cases: [(PathBuf, &[&str], bool); 6] = [
        (paths.aws_config.clone(), &["status"], false),
        (home.path().join("rolecall.toml"), &["status"], false),
        (
            paths.aws_credentials.clone(),
            &["write", "payments-dev/PowerUserAccess", "--profile", "p"],
            false,
        ),
        (home.catalog_cache("acme"), &["list"], true),
        // The sign-in is also in the AWS CLI's cache: status carries on from there.
        (store, &["status"], true),
        (sso_cache, &["status"], true),
    ];
    for (path, args, carries_on) in cases {
        let home = fresh();
        let path = home
            .path()
            .join(path.strip_prefix(paths.home.as_path()).unwrap());
        if args == ["list"] {
            // A cache to replace.
            assert!(home.rolecall(&["list", "--refresh"]).status.success());
        }
        fifo_at(&path);
        let out = bounded(&home, args);
        let stderr = text(&out.stderr);
        let shown = path.display().to_string();
        if !carries_on {
            assert!(
                !out.status.success(),
                "{args:?} on {shown}: {stderr}{}",
                text(&out.stdout)
            );
            // One line says it (after any progress), naming the file.
            let last = stderr.lines().last().unwrap_or_default();
            assert!(
                last.starts_with("rolecall: ")
                    && last.contains(&shown)
                    && last.contains("not a regular file"),
                "{args:?} on {shown}: {stderr}"
            );
        } else {
            assert!(out.status.success(), "{args:?} on {shown}: {stderr}");
            // Said on stderr or in the log, naming the file.
            let told = format!("{stderr}{}", home.log());
            assert!(
                told.contains(&shown) && told.contains("not a regular file"),
                "{args:?} on {shown}: {told}"
            );
        }
    }

    // A config far larger than any real one is refused too, not read into memory whole.
    let home = fresh();
    let config = home.paths().aws_config;
    let mut big = std::fs::read(&config).unwrap();
    big.extend(std::iter::repeat_n(b"# padding\n".as_slice(), 1_800_000).flatten());
    std::fs::write(&config, big).unwrap();
    let out = bounded(&home, &["status"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "rolecall: {}: cannot read: larger than 16 MiB; refusing to read it\n",
            config.display()
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_directory_is_created_private_even_by_the_log() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    // The log goes to its default place, in the state directory: the first thing to create it.
    let out = home
        .command(BIN, &["status"])
        .env_remove("ROLECALL_LOG_FILE")
        .output()
        .unwrap();
    let state = home.paths().state_dir;
    assert!(state.join("rolecall.log").exists(), "{}", text(&out.stderr));
    assert_eq!(mode(&state), 0o700);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_finds_an_unwritable_store_before_asking_anyone_to_approve() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    // The state directory cannot be made (a file is in its place; root ignores modes).
    let state = home.paths().state_dir;
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    std::fs::write(&state, "").unwrap();
    let out = home.rolecall(&["login", "--device-code", "--no-browser"]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert_eq!(
        emu.stats(Api::StartDeviceAuthorization).requests,
        0,
        "asked for approval first: {stderr}"
    );
    assert!(stderr.contains("cannot keep the sign-in"), "{stderr}");
}

/// A log that cannot be written (a full disk: `/dev/full` answers every write with ENOSPC) at
/// debug level: the command still works, and stderr says so once, not once per log event.
#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_under_the_log_is_said_once() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let out = home
        .command(BIN, &["list"])
        .env("ROLECALL_LOG_FILE", "/dev/full")
        .env("ROLECALL_LOG", "debug")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let about_the_log: Vec<&str> = stderr
        .lines()
        .filter(|l| l.to_ascii_lowercase().contains("log"))
        .collect();
    assert_eq!(about_the_log.len(), 1, "{stderr}");
    assert!(about_the_log[0].contains("/dev/full"), "{stderr}");
}
