//! Listing the catalog: progress, a finished listing (what is new, what is unavailable),
//! and replacing the catalog while keeping the selection.

use std::collections::BTreeSet;
use std::time::SystemTime;

use crate::core::catalog::{Catalog, CatalogDiff, RoleRef};
use crate::core::listing::CatalogEvent;

use crate::core::app::command::{Command, Context};
use crate::core::app::effect::Effect;
use crate::core::app::msg::Failed;
use crate::core::app::state::{AppState, Level, Refresh};

use super::{on_failure, toast};

pub(super) fn on_progress(state: &mut AppState, event: &CatalogEvent) {
    let refresh = state.list.refresh.get_or_insert_with(Refresh::default);
    match event {
        CatalogEvent::AccountsListed { count, .. } => refresh.accounts = *count,
        CatalogEvent::RolesFetched { done, total, .. } => {
            refresh.done = *done;
            refresh.total = *total;
        }
        CatalogEvent::Rate { per_sec } => refresh.rate = *per_sec,
        CatalogEvent::AccountUnavailable { .. }
        | CatalogEvent::AccountRejected { .. }
        | CatalogEvent::Done(_) => {}
    }
}

/// Replaces the catalog, keeping the role the person selected selected; a list nobody has
/// moved in starts at the top again.
pub(super) fn set_catalog(state: &mut AppState, catalog: Catalog) {
    let keep = if state.list.chosen {
        state.selected_row().and_then(|i| state.role_ref(i))
    } else {
        state.list.selected = 0;
        state.list.offset = 0;
        None
    };
    state
        .list
        .set_catalog(catalog, &state.settings.chains, &state.settings.aliases);
    reorder(state, keep);
}

/// Recomputes boosts and the hits after favorites or recents changed, keeping the selection.
pub(super) fn reorder_keeping_selection(state: &mut AppState) {
    let keep = state.selected_row().and_then(|i| state.role_ref(i));
    reorder(state, keep);
}

fn reorder(state: &mut AppState, keep: Option<RoleRef>) {
    state.recompute_boosts();
    state.list.refilter();
    if let Some(keep) = keep
        && let Some(pos) = state
            .hits()
            .iter()
            .position(|h| state.role_ref(h.row).as_ref() == Some(&keep))
    {
        state.list.selected = pos;
        state.list.clamp_offset();
    }
}

fn describe(diff: &CatalogDiff) -> Option<String> {
    if diff.is_empty() {
        return None;
    }
    Some(format!(
        "catalog updated: {} new, {} gone",
        diff.roles_added.len(),
        diff.roles_removed.len()
    ))
}

pub(super) fn on_listed(
    state: &mut AppState,
    result: Result<(Catalog, Option<CatalogDiff>), Failed>,
    now: SystemTime,
) -> Vec<Effect> {
    state.list.refresh = None;
    match result {
        Ok((catalog, diff)) => {
            state.list.stale = false;
            let mut notes = Vec::new();
            if let Some(diff) = &diff {
                state.list.new_roles = diff.roles_added.iter().cloned().collect::<BTreeSet<_>>();
                state.list.gone_roles = diff.roles_removed.len();
                notes.extend(describe(diff));
            }
            let unavailable = catalog.unavailable().count();
            set_catalog(state, catalog);
            let mut level = Level::Info;
            if unavailable > 0 {
                level = Level::Warn;
                let key = state
                    .keymap
                    .hint(Command::RetryAccount, Context::Catalog)
                    .unwrap_or_else(|| "retry-account".into());
                let accounts = if unavailable == 1 {
                    "account"
                } else {
                    "accounts"
                };
                notes.push(format!(
                    "roles of {unavailable} {accounts} unavailable; select one and press {key}"
                ));
            }
            if !notes.is_empty() {
                toast(state, now, level, notes.join("; "));
            }
            Vec::new()
        }
        Err(failure) => on_failure(state, failure, now),
    }
}
