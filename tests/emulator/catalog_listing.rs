//! The account catalog against the emulator through the real SDK adapter: exact pagination,
//! throttling, 5xx bursts, a revoked token, an account that keeps failing, priority, the
//! on-disk cache and the diff between two listings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::catalog::*;
use common::faulty_idc::FaultyIdc;
use common::paused::small_steps;
use common::*;
use rolecall::catalog::{
    CatalogCache, CatalogError, CatalogEvent, ListOptions, Lister, replace_roles,
};
use rolecall::core::catalog::{Catalog, RoleRef, Roles};
use rolecall::emulator::{Api, Faults};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Collects every event until the channel closes.
async fn drain(mut rx: UnboundedReceiver<CatalogEvent>) -> Vec<CatalogEvent> {
    let mut events = Vec::new();
    while let Some(e) = rx.recv().await {
        events.push(e);
    }
    events
}

fn throttle(rps: f64, burst: f64) -> Faults {
    Faults {
        rate_limit_rps: Some(rps),
        rate_limit_burst: Some(burst),
        ..Faults::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_260_accounts_page_by_page_exactly() {
    let (emu, token) = signed_in(&org_with_accounts(260)).await;
    let lister = lister(&emu, &token, fast());
    let (tx, rx) = unbounded_channel();
    let (catalog, events) = tokio::join!(lister.list(Some(tx)), drain(rx));
    let catalog = catalog.unwrap();
    assert_exact(&emu, &catalog);
    assert_eq!(catalog.accounts.len(), 260);
    assert_eq!(catalog.role_count(), 520);
    assert_eq!(catalog.session, "acme");
    // Pages of 100: three ListAccounts calls, one ListAccountRoles per account.
    assert_eq!(emu.stats(Api::ListAccounts).requests, 3);
    assert_eq!(emu.stats(Api::ListAccountRoles).requests, 260);

    let listed: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            CatalogEvent::AccountsListed {
                count, complete, ..
            } => Some((*count, *complete)),
            _ => None,
        })
        .collect();
    assert_eq!(listed, [(100, false), (200, false), (260, true)]);
    let fetched: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            CatalogEvent::RolesFetched {
                account_id, done, ..
            } => Some((account_id.clone(), *done)),
            _ => None,
        })
        .collect();
    assert_eq!(fetched.len(), 260);
    assert_eq!(fetched.last().map(|f| f.1), Some(260));
    let Some(CatalogEvent::Done(summary)) = events.last() else {
        panic!("the last event is Done: {:?}", events.last());
    };
    assert_eq!(
        (summary.accounts, summary.roles, summary.unavailable),
        (260, 520, 0)
    );
    assert_eq!(summary.requests, 263);
}

#[tokio::test(start_paused = true)]
async fn half_the_requests_throttled_still_gives_the_exact_catalog() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(250)).await;
    // The server allows 100 req/s (burst 2); we send at a pinned 200 req/s, so about
    // every other request is answered 429 and retried.
    emu.set_faults(throttle(100.0, 2.0));
    let options = ListOptions {
        concurrency: 32,
        ..pinned(200.0)
    };
    let catalog = lister(&emu, &token, options).list(None).await.unwrap();
    assert_exact(&emu, &catalog);
    let (accounts, roles) = (
        emu.stats(Api::ListAccounts),
        emu.stats(Api::ListAccountRoles),
    );
    let requests = accounts.requests + roles.requests;
    let throttled = accounts.throttled + roles.throttled;
    assert_eq!(
        requests - throttled,
        3 + 250,
        "each page went through exactly once"
    );
    // Time is tokio's paused clock, which the emulator's bucket reads too: how fast this
    // machine runs does not change the share, about every other request.
    assert!(
        3 * throttled > requests && 3 * throttled < 2 * requests,
        "{throttled} of {requests} requests throttled, not about half"
    );
}

#[tokio::test(start_paused = true)]
async fn the_limiter_learns_the_servers_rate() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(200)).await;
    emu.set_faults(throttle(80.0, 10.0));
    let options = ListOptions {
        initial_rate: 40.0,
        ..fast()
    };
    let (tx, rx) = unbounded_channel();
    let lister = lister(&emu, &token, options);
    let (catalog, events) = tokio::join!(lister.list(Some(tx)), drain(rx));
    assert_exact(&emu, &catalog.unwrap());
    let Some(CatalogEvent::Done(summary)) = events.last() else {
        panic!("no Done event");
    };
    // It went past 80 req/s, was told so, and settled near it without hammering. Time is
    // tokio's paused clock (the emulator's bucket reads it too), so these are counts, not
    // windows on a busy machine's wall clock.
    assert!(summary.throttled > 0, "{summary:?}");
    assert!(summary.throttled * 10 < summary.requests, "{summary:?}");
    assert!((60.0..=100.0).contains(&summary.final_rate), "{summary:?}");
    let rates: Vec<f64> = events
        .iter()
        .filter_map(|e| match e {
            CatalogEvent::Rate { per_sec } => Some(*per_sec),
            _ => None,
        })
        .collect();
    assert!(
        rates.windows(2).any(|w| w[1] < w[0]),
        "the rate never went down: {rates:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bursts_of_5xx_are_retried_to_the_exact_catalog() {
    let (emu, token) = signed_in(&org_with_accounts(200)).await;
    emu.set_faults(Faults {
        error_5xx_ratio: 0.3,
        ..Faults::default()
    });
    let catalog = lister(&emu, &token, fast()).list(None).await.unwrap();
    assert_exact(&emu, &catalog);
    let errors =
        emu.stats(Api::ListAccounts).server_errors + emu.stats(Api::ListAccountRoles).server_errors;
    assert!(errors > 20, "{errors}");
}

#[tokio::test(start_paused = true)]
async fn a_token_revoked_mid_listing_stops_it_without_touching_the_cache() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = CatalogCache::new(dir.path(), "acme");
    let old = Catalog {
        session: "acme".into(),
        listed_at: 1,
        accounts: Vec::new(),
    };
    cache.save(&old).unwrap();
    let before = std::fs::read(cache.path()).unwrap();

    let lister = lister(&emu, &token, pinned(150.0));
    let (tx, rx) = unbounded_channel();
    let revoke = when_roles_fetched(rx, 40, || assert_eq!(emu.revoke_tokens(), 1));
    let (result, revoked_at) = tokio::join!(lister.refresh(&cache, Some(&old), Some(tx)), revoke);
    assert_eq!(result, Err(CatalogError::Unauthorized));
    assert!(revoked_at.is_some());
    assert_eq!(
        std::fs::read(cache.path()).unwrap(),
        before,
        "the cache was not rewritten"
    );
    assert!(
        CatalogError::Unauthorized
            .to_string()
            .contains("sign in again"),
        "the message says what to do"
    );
}

#[tokio::test(start_paused = true)]
async fn an_account_that_keeps_failing_is_unavailable_then_retried_alone() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(30)).await;
    let bad = "100000000007".to_owned();
    let idc = Arc::new(FaultyIdc::new(&emu));
    *idc.failing.lock().unwrap() = Some(bad.clone());
    let options = ListOptions {
        deadline: Duration::from_millis(400),
        ..fast()
    };
    let lister = Lister::new(idc.clone(), "acme", token.clone(), options);
    let (tx, rx) = unbounded_channel();
    let (catalog, events) = tokio::join!(lister.list(Some(tx)), drain(rx));
    let mut catalog = catalog.unwrap();

    let unavailable: Vec<_> = catalog
        .unavailable()
        .map(|e| e.account.id.clone())
        .collect();
    assert_eq!(unavailable, [bad.as_str()]);
    let Roles::Unavailable { reason } = &catalog.unavailable().next().unwrap().roles else {
        unreachable!()
    };
    assert!(
        reason.contains("internal error") && reason.contains("gave up after"),
        "{reason}"
    );
    assert!(
        idc.attempts.lock().unwrap()[&bad] > 2,
        "it was retried until the deadline"
    );
    assert!(events.iter().any(|e| matches!(
        e,
        CatalogEvent::AccountUnavailable { account_id, .. } if *account_id == bad
    )));
    // The other 29 accounts are all there.
    assert_eq!(catalog.role_count(), 58);

    // Still failing: still unavailable, and not an error.
    assert!(matches!(
        lister.fetch_roles(&bad).await,
        Ok(Roles::Unavailable { .. })
    ));
    // The fault is gone: retrying that account alone completes the catalog.
    *idc.failing.lock().unwrap() = None;
    let roles = lister.fetch_roles(&bad).await.unwrap();
    assert_eq!(
        roles,
        Roles::Listed(vec!["Admin".into(), "ReadOnly".into()])
    );
    assert!(replace_roles(&mut catalog, &bad, roles));
    assert_exact(&emu, &catalog);
}

#[tokio::test(start_paused = true)]
async fn list_accounts_failing_past_the_deadline_fails_the_listing_clearly() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(5)).await;
    emu.set_faults(Faults {
        error_5xx_ratio: 1.0,
        ..Faults::default()
    });
    let options = ListOptions {
        deadline: Duration::from_millis(300),
        ..fast()
    };
    let err = lister(&emu, &token, options).list(None).await.unwrap_err();
    let CatalogError::AccountsUnavailable { attempts, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(*attempts > 1);
    let message = err.to_string();
    assert!(
        message.starts_with("could not list the accounts: AWS had an internal error"),
        "{message}"
    );
    assert_eq!(emu.stats(Api::ListAccountRoles).requests, 0);
}

#[tokio::test(start_paused = true)]
async fn the_account_the_user_looks_at_is_fetched_first() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(60)).await;
    let id = |i: u64| format!("{:012}", 100_000_000_000u64 + i);
    // One worker, 50 req/s, pages of 30: in AWS order account 55 would come 56th.
    let options = ListOptions {
        concurrency: 1,
        page_size: 30,
        ..pinned(50.0)
    };
    let lister = lister(&emu, &token, options);
    let priority = lister.priority();
    // Wanted before its page was even listed…
    priority.prioritize(&id(55));
    let (tx, mut rx) = unbounded_channel();
    let watch = async {
        let mut order = Vec::new();
        while let Some(event) = rx.recv().await {
            match event {
                // …and one moved forward once everything is listed.
                CatalogEvent::AccountsListed { complete: true, .. } => priority.prioritize(&id(40)),
                CatalogEvent::RolesFetched { account_id, .. } => order.push(account_id),
                _ => {}
            }
        }
        order
    };
    let (catalog, order) = tokio::join!(lister.list(Some(tx)), watch);
    assert_exact(&emu, &catalog.unwrap());
    assert_eq!(order.len(), 60);
    let position = |id: &str| order.iter().position(|o| o == id).unwrap();
    assert!(position(&id(55)) < 6, "{order:?}");
    assert!(position(&id(40)) < 6, "{order:?}");
    // Everything else in AWS order.
    let rest: Vec<_> = order
        .iter()
        .filter(|o| **o != id(55) && **o != id(40))
        .cloned()
        .collect();
    let aws_order: Vec<_> = (0..60).filter(|i| *i != 55 && *i != 40).map(id).collect();
    assert_eq!(rest, aws_order);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cache_round_trips_and_a_damaged_one_is_ignored_and_rebuilt() {
    let (emu, token) = signed_in(&org_with_accounts(12)).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = CatalogCache::new(&dir.path().join("rolecall"), "acme");
    assert_eq!(
        cache.load(),
        Default::default(),
        "no file: nothing, and no notice"
    );

    let lister = lister(&emu, &token, fast());
    let refreshed = lister.refresh(&cache, None, None).await.unwrap();
    assert_eq!(refreshed.diff, None);
    assert_eq!(refreshed.cache_error, None);
    assert!(cache.path().ends_with("rolecall/catalog-acme.json"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let loaded = cache.load();
    assert_eq!(loaded.notice, None);
    assert_eq!(loaded.catalog.as_ref(), Some(&refreshed.catalog));

    // Damaged: ignored with a notice that names the file.
    std::fs::write(
        cache.path(),
        b"{\"format\":\"rolecall-catalog\",\"version\":1,\"catal",
    )
    .unwrap();
    let loaded = cache.load();
    assert_eq!(loaded.catalog, None);
    let notice = loaded.notice.unwrap();
    assert!(
        notice.contains("catalog-acme.json") && notice.contains("damaged"),
        "{notice}"
    );

    // An old (or future) format: ignored, not misread.
    let old = serde_json::json!({"format": "rolecall-catalog", "version": 0, "accounts": []});
    std::fs::write(cache.path(), old.to_string()).unwrap();
    let notice = cache.load().notice.unwrap();
    assert!(notice.contains("format version 0"), "{notice}");
    // A bare catalog, as a format without the envelope would have written it.
    let bare = serde_json::json!({"session": "acme", "listed_at": 1, "accounts": []});
    std::fs::write(cache.path(), bare.to_string()).unwrap();
    let notice = cache.load().notice.unwrap();
    assert!(notice.contains("old or unknown format"), "{notice}");
    std::fs::write(cache.path(), b"[1, 2, 3]").unwrap();
    assert!(cache.load().notice.is_some());

    // Another session's file is not used for this one.
    let other = CatalogCache::new(&dir.path().join("rolecall"), "other");
    std::fs::copy(dir.path().join("rolecall/catalog-acme.json"), other.path()).unwrap();
    assert!(other.load().catalog.is_none());

    // The next refresh rebuilds it.
    let rebuilt = lister.refresh(&cache, None, None).await.unwrap();
    assert_eq!(cache.load().catalog.as_ref(), Some(&rebuilt.catalog));
    assert_exact(&emu, &rebuilt.catalog);
}

/// An org whose user sees `accounts` as (index, permission sets).
fn org_of(accounts: &[(u64, &[&str])]) -> String {
    let mut text = format!(
        "[[identity_centers]]\nid = \"d-1\"\nstart_url = \"{START_URL}\"\n[[users]]\nname = \"bob\"\n"
    );
    for (i, sets) in accounts {
        let sets: Vec<String> = sets.iter().map(|s| format!("{s:?}")).collect();
        text.push_str(&format!(
            "[[accounts]]\nid = \"{:012}\"\nname = \"acct-{i:04}\"\npermission_sets = [{}]\n",
            100_000_000_000u64 + i,
            sets.join(", ")
        ));
    }
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_reports_what_changed_in_the_org() {
    let dir = tempfile::tempdir().unwrap();
    let cache = CatalogCache::new(dir.path(), "acme");
    let before: &[(u64, &[&str])] = &[
        (0, &["Admin"]),
        (1, &["Admin", "ReadOnly"]),
        (2, &["ReadOnly"]),
    ];
    let after: &[(u64, &[&str])] = &[
        (1, &["Admin", "PowerUser"]),
        (2, &["ReadOnly"]),
        (3, &["Admin"]),
    ];

    let (first, token) = signed_in(&org_of(before)).await;
    let refreshed = lister(&first, &token, fast())
        .refresh(&cache, None, None)
        .await
        .unwrap();
    assert_eq!(refreshed.diff, None);
    drop(first);

    // The org changed; the next start loads the cache, then refreshes against it.
    let (second, token) = signed_in(&org_of(after)).await;
    let previous = cache.load().catalog.unwrap();
    let refreshed = lister(&second, &token, fast())
        .refresh(&cache, Some(&previous), None)
        .await
        .unwrap();
    assert_exact(&second, &refreshed.catalog);
    let diff = refreshed.diff.unwrap();
    let role = |i: u64, r: &str| RoleRef {
        account_id: format!("{:012}", 100_000_000_000u64 + i),
        role_name: r.into(),
    };
    assert_eq!(diff.accounts_added, [role(3, "").account_id]);
    assert_eq!(diff.accounts_removed, [role(0, "").account_id]);
    assert_eq!(diff.roles_added, [role(1, "PowerUser"), role(3, "Admin")]);
    assert_eq!(diff.roles_removed, [role(0, "Admin"), role(1, "ReadOnly")]);
    assert_eq!(cache.load().catalog, Some(refreshed.catalog));
}

/// Everything `rolecall` logs in this test binary, at every level.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: std::sync::OnceLock<Arc<Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("rolecall=trace"))
            .with_writer(move || LogSink(sink.clone()))
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        logs
    })
    .clone()
}

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn the_logs_carry_counts_and_ids_but_never_the_token() {
    let _steps = small_steps();
    let logs = captured_logs();
    let (emu, token) = signed_in(&org_with_accounts(40)).await;
    emu.set_faults(Faults {
        error_5xx_ratio: 0.3,
        ..throttle(300.0, 5.0)
    });
    let lister = lister(&emu, &token, fast());
    lister.priority().prioritize("100000000039");
    lister.list(None).await.unwrap();
    emu.revoke_tokens();
    assert_eq!(
        lister.fetch_roles("100000000001").await,
        Err(CatalogError::Unauthorized)
    );
    assert_eq!(lister.list(None).await, Err(CatalogError::Unauthorized));

    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(text.contains("catalog listed"), "{text}");
    assert!(text.contains("100000000039"), "account ids are logged");
    assert!(
        !text.contains(token.expose().as_str()),
        "the access token was logged"
    );
    for secret in emu.issued_secrets() {
        assert!(!text.contains(&secret), "a secret was logged");
    }
}

/// A portal that sends account ids that are not 12 digits (a compromised portal, a proxy): such
/// an account never reaches the catalog, and the listing says which one it dropped.
#[tokio::test(flavor = "multi_thread")]
async fn accounts_whose_id_is_not_12_digits_are_dropped_with_a_notice() {
    let org = format!(
        "[settings]\nhostile_account_ids = true\n{}[[accounts]]\nid = \"12345$(id)\"\nname = \"odd\\u001b]52;c;SGk=\\u0007\"\npermission_sets = [\"Admin\"]\n\
         [[accounts]]\nid = \"1234567890123\"\nname = \"long\"\npermission_sets = [\"Admin\"]\n\
         [[accounts]]\nid = \"12345678901x\"\nname = \"lettered\"\npermission_sets = [\"Admin\"]\n",
        org_with_accounts(2)
    );
    let (emu, token) = signed_in(&org).await;
    let lister = lister(&emu, &token, fast());
    let (tx, rx) = unbounded_channel();
    let (catalog, events) = tokio::join!(lister.list(Some(tx)), drain(rx));
    let catalog = catalog.unwrap();
    let ids: Vec<&str> = catalog
        .accounts
        .iter()
        .map(|e| e.account.id.as_str())
        .collect();
    assert_eq!(ids, ["100000000000", "100000000001"]);
    let mut rejected: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            CatalogEvent::AccountRejected { name, id } => Some(format!("{name}={id}")),
            _ => None,
        })
        .collect();
    rejected.sort();
    assert_eq!(
        rejected,
        [
            "lettered=12345678901x",
            "long=1234567890123",
            "odd\u{1b}]52;c;SGk=\u{7}=12345$(id)"
        ]
    );
    assert_eq!(
        emu.stats(Api::ListAccountRoles).requests,
        2,
        "no roles asked for a dropped account"
    );
}

/// The same through the real binary: `rolecall list` says which account it dropped, escaped,
/// and lists only the others.
#[tokio::test(flavor = "multi_thread")]
async fn list_names_a_dropped_account_escaped() {
    use common::cli_home::{Home, text};
    let org = small_org_toml()
        .replace(
            "device_poll_interval = 1",
            "device_poll_interval = 1\napprove_after_seconds = 0\nhostile_account_ids = true",
        )
        .replace(
            "[[users]]",
            "[[accounts]]\nid = \"4444$(id)\"\nname = \"odd\\u001b]52;c;SGk=\\u0007\"\npermission_sets = [\"Admin\"]\n\n[[users]]",
        )
        .replace(
            "accounts = [\"payments-prod\", \"222222222222\"]",
            "accounts = [\"payments-prod\", \"222222222222\", \"4444$(id)\"]",
        );
    let emu = start(&org).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let out = home.rolecall(&["list", "--json"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "account odd\u{241b}]52;c;SGk=\u{2407} dropped: its id 4444$(id) is not an AWS account id (12 digits)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(!text(&out.stdout).contains("4444$(id)"));
}

#[tokio::test(start_paused = true)]
async fn a_portal_that_always_returns_a_page_token_is_stopped_at_the_page_bound() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(5)).await;
    emu.set_faults(Faults {
        endless_page_tokens: true,
        ..Faults::default()
    });
    let options = ListOptions {
        max_account_pages: 40,
        ..fast()
    };
    let listed = tokio::time::timeout(
        Duration::from_secs(60),
        lister(&emu, &token, options).list(None),
    )
    .await
    .expect("the listing ends");
    let err = listed.unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not list the accounts: ListAccounts still gave a next page after 40 pages, \
         far more than any organization has; the portal is misbehaving"
    );
    assert_eq!(emu.stats(Api::ListAccounts).requests, 40);
    // The bound by default is far above any real organization.
    assert_eq!(ListOptions::default().max_account_pages, 10_000);
}

#[tokio::test(start_paused = true)]
async fn an_account_failing_in_a_later_listing_keeps_its_last_known_roles_marked_stale() {
    let _steps = small_steps();
    let (emu, token) = signed_in(&org_with_accounts(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = CatalogCache::new(dir.path(), "acme");
    let idc = Arc::new(FaultyIdc::new(&emu));
    let options = ListOptions {
        deadline: Duration::from_millis(300),
        ..fast()
    };
    let lister = Lister::new(idc.clone(), "acme", token, options);
    let first = lister.refresh(&cache, None, None).await.unwrap().catalog;
    assert_exact(&emu, &first);

    let bad = "100000000003".to_owned();
    *idc.failing.lock().unwrap() = Some(bad.clone());
    let second = lister.refresh(&cache, Some(&first), None).await.unwrap();
    let role = |c: &Catalog| c.rows().any(|(a, r)| a.id == bad && r == "ReadOnly");
    // Still offered (a target naming it still resolves), in memory and in the cache.
    assert!(role(&second.catalog), "{:?}", second.catalog);
    assert!(role(&cache.load().catalog.unwrap()));
    let entry = second.catalog.unavailable().next().unwrap();
    assert_eq!(entry.account.id, bad);
    let Roles::Stale { roles, reason } = &entry.roles else {
        panic!("{:?}", entry.roles)
    };
    assert_eq!(roles, &["Admin", "ReadOnly"]);
    assert!(reason.contains("internal error"), "{reason}");
    // Nothing counted as removed.
    assert!(second.diff.unwrap().is_empty());
}
