//! The list fills in while the catalog is listed: on the real runtime against the emulator at
//! its 20 req/s limit, account rows appear at once (their roles loading), a query typed
//! during the listing finds a role before the listing ends, and the rows on screen get their
//! roles before accounts listed earlier. Tokio's paused clock, which the
//! emulator's rate limit reads too, so nothing here waits for real seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::{AppOptions, start_app};
use common::paused::{PausedClock, small_steps};
use common::*;
use rolecall::emulator::Faults;

/// `org` approving every sign-in at once.
fn auto_approving(org: &str) -> String {
    format!("[settings]\ndevice_poll_interval = 1\napprove_after_seconds = 0\n{org}")
}

/// `org_with_accounts(n)` named the other way round: ListAccounts returns `a-{n-1}` (`a-0199`)
/// first and `a-0000`, the list's first row, last.
fn listed_in_reverse_name_order(n: usize) -> String {
    (0..n).fold(org_with_accounts(n), |org, i| {
        org.replace(
            &format!("name = \"acct-{i:04}\"\n"),
            &format!("name = \"a-{:04}\"\n", n - 1 - i),
        )
    })
}

/// The lines of the list (between the search line and the detail pane's rule).
fn list_rows(frame: &str) -> Vec<&str> {
    frame
        .lines()
        .skip(2)
        .take_while(|l| !l.starts_with(" ─"))
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// `N` of the `listing roles N/total` the header shows while listing.
fn roles_listed(frame: &str) -> Option<usize> {
    let (_, after) = frame.split_once("listing roles ")?;
    after.split('/').next()?.parse().ok()
}

fn rate_limited(emu: &rolecall::emulator::Emulator) {
    emu.set_faults(Faults {
        rate_limit_rps: Some(20.0),
        rate_limit_burst: Some(1.0),
        ..Faults::default()
    });
}

#[tokio::test(start_paused = true)]
async fn rows_fill_in_and_a_query_typed_during_the_listing_finds_a_role_before_it_ends() {
    let _steps = small_steps();
    let emu = start(&auto_approving(&org_with_accounts(300))).await;
    rate_limited(&emu);
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(&emu, home.path(), AppOptions::default());

    // The accounts show as soon as their page is in, each with its roles loading.
    let first = app
        .frame_where("account rows while listing", |f| {
            f.contains("roles loading…") && f.contains("listing roles")
        })
        .await;
    assert!(first.contains("acct-0000"), "{first}");

    // A query typed now matches the role as soon as it arrives, while the listing goes on.
    app.type_text("acct-0042 readonly");
    let found = app
        .frame_where("the matching role before the listing ends", |f| {
            f.contains("acct-0042") && f.contains("ReadOnly") && f.contains("listing roles")
        })
        .await;
    assert!(found.contains("1/"), "one hit: {found}");

    // The end: every role is in (600 rows) and the query still holds its one hit.
    let done = app
        .frame_where("the listing done", |f| {
            f.contains("1/600") && !f.contains("listing")
        })
        .await;
    assert!(done.contains("acct-0042"), "{done}");
    assert!(!done.contains("roles loading"), "{done}");
}

#[tokio::test(start_paused = true)]
async fn the_rows_on_screen_get_their_roles_before_accounts_listed_earlier_but_sorted_later() {
    let _steps = small_steps();
    // Two ListAccounts pages; the first screen's accounts (a-0000…) are all on the second.
    let emu = start(&auto_approving(&listed_in_reverse_name_order(200))).await;
    rate_limited(&emu);
    let home = tempfile::tempdir().unwrap();
    let options = AppOptions {
        clock: Some(std::sync::Arc::new(PausedClock::new())),
        ..AppOptions::default()
    };
    let mut app = start_app(&emu, home.path(), options);
    app.frame_where("the last page's accounts at the top", |f| {
        list_rows(f).first().is_some_and(|r| r.contains("a-0000"))
    })
    .await;
    // Every row on screen with its roles while most of the 100 accounts listed before them
    // wait (in order of listing, the top row's roles come last: 200/200). Fetched before
    // them: at most the first page's screen (29 accounts, on screen until the second page
    // came) and what came while the rows waited to be rebuilt (27 to 43 in all, here).
    let full = app
        .frame_where("a first screen of roles", |f| {
            let rows = list_rows(f);
            rows.len() > 10
                && rows.iter().all(|r| !r.contains("roles loading"))
                && rows.first().is_some_and(|r| r.contains("a-0000"))
        })
        .await;
    let done = roles_listed(&full);
    assert!(
        done.is_some_and(|n| n < 100),
        "the first screen filled after {done:?} of 200 accounts' roles:\n{full}"
    );
}
