//! The emulator's network faults against the real code: two seconds of latency on every API
//! (nothing changes but the wait, and the app keeps answering keys), and the network going away
//! in the middle of a listing (the last complete catalog is kept — in memory, on screen and on
//! disk — with a message saying what happened, and the next listing after it comes back works),
//! for the catalog engine, the app and `rolecall list`.
//!
//! Throttling (50 % 429s) and 5xx bursts during a listing are in `catalog_listing.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use common::app::{AppOptions, cache, start_app};
use common::catalog::*;
use common::cli_home::{BIN, Home, auto_approving_org, text};
use common::*;
use rolecall::catalog::{CatalogCache, CatalogError, ListOptions};
use rolecall::core::catalog::Catalog;
use rolecall::emulator::{Api, Emulator, Faults};
use rolecall::ports::identity_center::IdcError;
use tokio::sync::mpsc::unbounded_channel;

fn network_down() -> Faults {
    Faults {
        network_down: true,
        ..Faults::default()
    }
}

/// `latency_ms` for `apis` (API names or "*").
fn latency(ms: u64, apis: &[&str]) -> Faults {
    Faults {
        latency_ms: apis.iter().map(|a| ((*a).to_owned(), ms)).collect(),
        ..Faults::default()
    }
}

/// (account name, account id, role) of every role the org gives its first user.
fn expected_triples(emu: &Emulator) -> BTreeSet<(String, String, String)> {
    expected(emu)
        .into_iter()
        .flat_map(|(name, id, roles)| {
            roles
                .into_iter()
                .map(move |role| (name.clone(), id.clone(), role))
        })
        .collect()
}

/// The same triples from `rolecall list --json`.
fn listed_triples(stdout: &[u8]) -> BTreeSet<(String, String, String)> {
    let rows: Vec<serde_json::Value> = serde_json::from_slice(stdout).unwrap();
    rows.iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap().to_owned();
            (
                field("account_name"),
                field("account_id"),
                field("role_name"),
            )
        })
        .collect()
}

/// An org of `n` accounts whose device sign-ins are approved at once and polled every second.
fn quick_org(n: usize) -> String {
    format!(
        "[settings]\ndevice_poll_interval = 1\napprove_after_seconds = 0\n{}",
        org_with_accounts(n)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn two_seconds_of_latency_on_every_api_changes_nothing_but_the_wait() {
    let emu = start(&auto_approving_org()).await;
    emu.set_faults(latency(2000, &["*"]));
    let home = Home::new(&emu, "", "");

    home.login();
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(listed_triples(&out.stdout), expected_triples(&emu));
    let out = home.rolecall(&["env", "payments-dev/PowerUserAccess"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("AWS_SESSION_TOKEN"));

    // Slow answers were waited for, never timed out and asked again.
    let accounts = expected(&emu).len() as u64;
    for (api, needed) in [
        (Api::RegisterClient, 1),
        (Api::StartDeviceAuthorization, 1),
        (Api::ListAccounts, 1),
        (Api::ListAccountRoles, accounts),
        (Api::GetRoleCredentials, 1),
    ] {
        assert_eq!(emu.stats(api).requests, needed, "{api:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_answers_keys_while_slow_requests_are_in_flight() {
    let emu = start(&quick_org(6)).await;
    emu.set_faults(latency(2000, &["ListAccounts", "ListAccountRoles"]));
    let home = tempfile::tempdir().unwrap();
    // Yesterday's catalog, without the last account.
    let mut cached = Catalog {
        session: "test".into(),
        ..Catalog::default()
    };
    let mut rows = expected(&emu);
    rows.pop();
    for (name, id, roles) in rows {
        cached.accounts.push(rolecall::core::catalog::AccountEntry {
            account: rolecall::core::catalog::Account {
                id: id.parse().unwrap(),
                name,
                email: None,
            },
            roles: rolecall::core::catalog::Roles::Listed(roles),
        });
    }
    let mut app = start_app(
        &emu,
        home.path(),
        AppOptions {
            cached: Some(cached),
            ..AppOptions::default()
        },
    );
    app.frame_with("listing").await;
    // The listing cannot be done before the emulator answers ListAccounts (2 s) and then
    // ListAccountRoles (2 s more): typing is handled, and drawn, meanwhile.
    app.type_text("acct-0003");
    let typed = app
        .frame_where("the query with the listing still running", |f| {
            f.contains("2/10") && !f.contains("acct-0000")
        })
        .await;
    assert!(typed.contains("listing"), "{typed}");
    assert_eq!(emu.stats(Api::ListAccountRoles).requests, 0, "{typed}");
    // And the slow listing still ends with the whole catalog.
    app.frame_with("catalog updated: 2 new").await;
    app.quit().await;
}

#[tokio::test(start_paused = true)]
async fn the_network_gone_mid_listing_keeps_the_last_catalog_and_recovers() {
    let _steps = common::paused::small_steps();
    let (emu, token) = signed_in(&org_with_accounts(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = CatalogCache::new(dir.path(), "acme");
    let lister = lister(
        &emu,
        &token,
        ListOptions {
            deadline: Duration::from_millis(800),
            ..pinned(150.0)
        },
    );
    let first = lister.refresh(&cache, None, None).await.unwrap();
    assert_exact(&emu, &first.catalog);
    let before = std::fs::read(cache.path()).unwrap();

    // The network goes away once 40 accounts' roles are in.
    let (tx, rx) = unbounded_channel();
    let cut = when_roles_fetched(rx, 40, || emu.set_faults(network_down()));
    let (result, cut_at) =
        tokio::join!(lister.refresh(&cache, Some(&first.catalog), Some(tx)), cut);
    assert!(cut_at.is_some());
    let err = match result {
        Ok(r) => panic!(
            "the listing succeeded with {} of {} accounts unavailable",
            r.catalog.unavailable().count(),
            r.catalog.accounts.len()
        ),
        Err(e) => e,
    };
    let CatalogError::Unreachable { last, attempts, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(matches!(last, IdcError::Network(_)), "{last:?}");
    assert!(*attempts > 1, "it was retried first");
    let message = err.to_string();
    assert!(
        message.starts_with("cannot reach IAM Identity Center: ")
            && message.contains("the last complete catalog is kept"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(cache.path()).unwrap(),
        before,
        "the cache still holds the last complete catalog"
    );

    // Back: the next listing completes and finds nothing changed.
    emu.set_faults(Faults::default());
    let again = lister
        .refresh(&cache, Some(&first.catalog), None)
        .await
        .unwrap();
    assert_exact(&emu, &again.catalog);
    assert!(again.diff.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_keeps_showing_its_catalog_when_the_network_goes_and_lists_again_when_back() {
    let emu = start(&quick_org(200)).await;
    // Last time, three accounts fewer were there.
    let (token, _) = device_sign_in(&emu).await;
    let token = rolecall::secret::Secret::new(token);
    let mut cached = lister(&emu, &token, fast()).list(None).await.unwrap();
    cached.accounts.truncate(197);
    cached.session = "test".into();
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(
        &emu,
        home.path(),
        AppOptions {
            cached: Some(cached),
            list: ListOptions {
                concurrency: 4,
                deadline: Duration::from_millis(800),
                ..pinned(40.0)
            },
            size: (120, 32),
            ..AppOptions::default()
        },
    );
    app.frame_with("listing roles").await;
    let cache_file = cache(home.path()).path().to_owned();
    let before = std::fs::read(&cache_file).unwrap();
    let roles_before = emu.stats(Api::ListAccountRoles).requests;
    wait_until(Duration::from_secs(20), || {
        emu.stats(Api::ListAccountRoles).requests >= roles_before + 20
    })
    .await;
    emu.set_faults(network_down());

    let failed = app
        .frame_with("error: cannot reach IAM Identity Center")
        .await;
    assert!(
        failed.contains("394/394") && failed.contains("acct-0000"),
        "the cached catalog is still shown:\n{failed}"
    );
    assert!(!failed.contains("listing roles"), "{failed}");
    assert_eq!(std::fs::read(&cache_file).unwrap(), before);

    // The network is back: ctrl-r lists again and the new accounts appear.
    emu.set_faults(Faults::default());
    app.ctrl('r');
    let updated = app.frame_with("catalog updated: 6 new").await;
    assert!(updated.contains("400/400"), "{updated}");
    assert_eq!(
        cache(home.path()).load().catalog.unwrap().accounts.len(),
        200
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn list_when_the_network_goes_mid_listing_exits_5_keeps_the_cache_and_recovers() {
    let emu = start(&quick_org(120)).await;
    let home = Home::new(
        &emu,
        "",
        "[catalog]\naccount_deadline_seconds = 1\ninitial_rate = 20\nconcurrency = 4\n",
    );
    home.login();
    let first = home.rolecall(&["list", "--json"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let cache_file = home.catalog_cache("acme");
    let before = std::fs::read(&cache_file).unwrap();

    let roles_before = emu.stats(Api::ListAccountRoles).requests;
    let child = home
        .command(BIN, &["list", "--refresh", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(20), || {
        emu.stats(Api::ListAccountRoles).requests >= roles_before + 10
    })
    .await;
    emu.set_faults(network_down());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "no rows, not even an empty JSON array"
    );
    let line = stderr
        .lines()
        .find(|l| l.contains("cannot reach"))
        .unwrap_or_else(|| panic!("no message in:\n{stderr}"));
    assert!(
        line.starts_with("rolecall: acme: cannot reach IAM Identity Center: ")
            && line.contains("the last complete catalog is kept"),
        "{line}"
    );
    assert_eq!(std::fs::read(&cache_file).unwrap(), before);

    // Still offline: the cached catalog answers.
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, first.stdout);

    // Back online: listing anew works again.
    emu.set_faults(Faults::default());
    let out = home.rolecall(&["list", "--refresh", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(listed_triples(&out.stdout), expected_triples(&emu));
}

const TARGET: &str = "payments-dev/PowerUserAccess";

/// A chain from an IAM user's keys, so STS itself is the first thing asked.
const CHAIN_FROM_KEYS: &str = "[[chains]]\nname = \"ci\"\nsource_profile = \"jenkins\"\nrole_arn = \"arn:aws:iam::111111111111:role/deployer\"\n\n[[actions]]\nname = \"noop\"\ncommand = \"true\"\n";
const JENKINS_KEYS: &str = "[jenkins]\naws_access_key_id = AKIAEXAMPLEJENKINS01\naws_secret_access_key = jenkinsEXAMPLEsecretKEY/doNotUse/0000001\n";

/// `rolecall args…` in `home`, killed (and the test failed) if it has not finished within a
/// generous bound: a refused connection must give up in seconds, not in a minute.
async fn rolecall_bounded(home: &Home, args: &[&str]) -> std::process::Output {
    let mut cmd = tokio::process::Command::from(home.command(BIN, args));
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(20), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("`rolecall {}` still ran after 20 s", args.join(" ")))
        .unwrap()
}

/// A signed-in HOME with the catalog listed (targets resolve without the network) and nothing
/// kept for [`TARGET`].
async fn signed_in_and_listed(emu: &Emulator) -> Home {
    let home = Home::new(emu, "", CHAIN_FROM_KEYS);
    std::fs::write(home.path().join(".aws/credentials"), JENKINS_KEYS).unwrap();
    home.login();
    let out = home.rolecall(&["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    home
}

/// Every subcommand that hands credentials over, for an SSO role and for a chain.
fn handovers() -> Vec<Vec<&'static str>> {
    let mut all = Vec::new();
    for target in [TARGET, "ci"] {
        all.extend([
            vec!["env", target],
            vec!["exec", target, "--", "true"],
            vec!["whoami", target],
            vec!["credential-process", target],
            vec!["console", "--print", target],
            vec!["write", target, "--profile", "scratch"],
            vec!["action", "noop", target],
        ]);
    }
    all
}

async fn assert_every_handover_exits_5(home: &Home, why: &str) {
    for args in handovers() {
        let out = rolecall_bounded(home, &args).await;
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(5),
            "`rolecall {}` with {why}:\n{stderr}",
            args.join(" ")
        );
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.starts_with("rolecall: "))
                .count(),
            1,
            "one line for `{}`:\n{stderr}",
            args.join(" ")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_handover_exits_5_in_seconds_when_aws_is_not_there() {
    let mut emu = start(&auto_approving_org()).await;
    let home = signed_in_and_listed(&emu).await;
    emu.stop().await;
    assert_every_handover_exits_5(&home, "the emulator stopped (a closed port)").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_handover_exits_5_when_aws_answers_5xx() {
    let emu = start(&auto_approving_org()).await;
    let home = signed_in_and_listed(&emu).await;
    emu.set_faults(Faults {
        error_5xx_ratio: 1.0,
        ..Faults::default()
    });
    assert_every_handover_exits_5(&home, "every answer a 5xx").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_fresh_keeps_the_credentials_it_would_have_replaced() {
    let emu = start(&auto_approving_org()).await;
    let home = signed_in_and_listed(&emu).await;
    let kept = home.rolecall(&["credential-process", TARGET]);
    assert!(kept.status.success(), "{}", text(&kept.stderr));

    emu.set_faults(network_down());
    let out = rolecall_bounded(&home, &["env", TARGET, "--fresh"]).await;
    assert!(!out.status.success(), "{}", text(&out.stdout));

    // Still offline: the kept credentials still answer.
    let again = rolecall_bounded(&home, &["credential-process", TARGET]).await;
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(again.stdout, kept.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_target_that_needs_the_catalog_exits_5_in_seconds_when_aws_is_not_there() {
    let mut emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    emu.stop().await;
    for args in [["env", TARGET], ["list", "--refresh"]] {
        let out = rolecall_bounded(&home, &args).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("cannot reach IAM Identity Center"),
            "{stderr}"
        );
    }
}
