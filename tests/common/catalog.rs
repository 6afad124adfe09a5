//! The catalog through the real SDK adapter against the emulator: a signed-in lister, and what
//! the org file says the user sees, to compare a listing with.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
use rolecall::catalog::{ListOptions, Lister};
use rolecall::core::catalog::Catalog;
use rolecall::emulator::Emulator;
use rolecall::secret::Secret;

use super::{REGION, device_sign_in, start};

/// Quick options for tests that are not about pacing: a high rate, short backoff.
pub fn fast() -> ListOptions {
    ListOptions {
        concurrency: 16,
        deadline: Duration::from_secs(20),
        initial_rate: 400.0,
        max_rate: 2000.0,
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(100),
        ..ListOptions::default()
    }
}

/// A rate that never adapts: always `rate` requests per second.
pub fn pinned(rate: f64) -> ListOptions {
    ListOptions {
        initial_rate: rate,
        min_rate: rate,
        max_rate: rate,
        ..fast()
    }
}

pub async fn signed_in(org: &str) -> (Emulator, Secret<String>) {
    let emu = start(org).await;
    let (token, _) = device_sign_in(&emu).await;
    (emu, Secret::new(token))
}

pub fn adapter(emu: &Emulator) -> Arc<AwsIdentityCenter> {
    Arc::new(AwsIdentityCenter::new(REGION, Some(&emu.url())))
}

pub fn lister(
    emu: &Emulator,
    token: &Secret<String>,
    options: ListOptions,
) -> Lister<AwsIdentityCenter> {
    Lister::new(adapter(emu), "acme", token.clone(), options)
}

pub type Rows = Vec<(String, String, Vec<String>)>;

/// What the org file says the user sees, sorted by account name then id.
pub fn expected(emu: &Emulator) -> Rows {
    let org = emu.org();
    let user = &org.users[0];
    let mut rows: Rows = org
        .accounts_for(user)
        .map(|a| {
            let roles = org.roles_for(user, a).map(str::to_owned).collect();
            (a.name.clone(), a.id.clone(), roles)
        })
        .collect();
    rows.sort();
    rows
}

/// The catalog in the same shape; unavailable accounts have no roles, stale ones the last known.
pub fn rows(catalog: &Catalog) -> Rows {
    catalog
        .accounts
        .iter()
        .map(|e| {
            let roles = e.roles.known().to_vec();
            (e.account.name.clone(), e.account.id.to_string(), roles)
        })
        .collect()
}

/// Every account exactly once, every role exactly once, nothing unavailable.
pub fn assert_exact(emu: &Emulator, catalog: &Catalog) {
    assert_eq!(
        catalog.unavailable().count(),
        0,
        "{:?}",
        catalog.unavailable().next()
    );
    let ids: BTreeSet<_> = catalog.accounts.iter().map(|e| &e.account.id).collect();
    assert_eq!(ids.len(), catalog.accounts.len(), "duplicate accounts");
    pretty_assertions::assert_eq!(rows(catalog), expected(emu));
}

/// Reads listing events until the channel closes, running `act` once, when the roles of
/// `at_least` accounts are in. Returns how many were in by then (`None`: never reached).
pub async fn when_roles_fetched(
    mut events: tokio::sync::mpsc::UnboundedReceiver<rolecall::catalog::CatalogEvent>,
    at_least: usize,
    act: impl FnOnce(),
) -> Option<usize> {
    let mut act = Some(act);
    let mut acted_at = None;
    while let Some(event) = events.recv().await {
        if let rolecall::catalog::CatalogEvent::RolesFetched { done, .. } = event
            && done >= at_least
            && let Some(act) = act.take()
        {
            act();
            acted_at = Some(done);
        }
    }
    acted_at
}
