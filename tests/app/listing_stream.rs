//! The list fills in while the catalog is listed: on the real runtime against the emulator at
//! its 20 req/s limit, account rows appear at once (their roles loading), and a query typed
//! during the listing finds a role before the listing ends. Tokio's paused clock, which the
//! emulator's rate limit reads too, so nothing here waits for real seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::{AppOptions, start_app};
use common::paused::small_steps;
use common::*;
use rolecall::emulator::Faults;

/// `org_with_accounts(n)` approving every sign-in at once.
fn auto_approving(n: usize) -> String {
    format!(
        "[settings]\ndevice_poll_interval = 1\napprove_after_seconds = 0\n{}",
        org_with_accounts(n)
    )
}

#[tokio::test(start_paused = true)]
async fn rows_fill_in_and_a_query_typed_during_the_listing_finds_a_role_before_it_ends() {
    let _steps = small_steps();
    let emu = start(&auto_approving(300)).await;
    emu.set_faults(Faults {
        rate_limit_rps: Some(20.0),
        rate_limit_burst: Some(1.0),
        ..Faults::default()
    });
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
