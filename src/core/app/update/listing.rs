//! Listing the catalog: progress, accounts and roles streaming into the list as they arrive,
//! a finished listing (what is new, what is unavailable), and replacing the catalog while
//! keeping the selection.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use crate::core::catalog::{Catalog, CatalogDiff, RoleRef};
use crate::core::listing::CatalogEvent;

use crate::core::app::command::{Command, Context};
use crate::core::app::effect::Effect;
use crate::core::app::msg::Failed;
use crate::core::app::state::{AppState, Level, Refresh};

use super::{on_failure, toast};

/// How often at most the rows are rebuilt while a listing streams in (the rest waits for the
/// next event past this or the next tick), for a small list: events come every 50 ms at 20
/// requests a second.
pub(super) const STREAM_BATCH: Duration = Duration::from_millis(200);

/// A rebuild costs about 2 µs a row (11 ms at 10,000 rows, 180 ms at 100,000 in the release
/// bench), so a big list waits 20 µs a row between rebuilds: they take under a tenth of the
/// time, and most keystrokes never meet one.
const STREAM_BATCH_PER_ROW: Duration = Duration::from_micros(20);

/// How long the rows of a list of `rows` wait between rebuilds while a listing streams in.
pub(super) fn stream_batch(rows: usize) -> Duration {
    let per_rows = STREAM_BATCH_PER_ROW.saturating_mul(u32::try_from(rows).unwrap_or(u32::MAX));
    STREAM_BATCH.max(per_rows)
}

pub(super) fn on_progress(state: &mut AppState, event: &CatalogEvent, now: SystemTime) {
    let refresh = state.list.refresh.get_or_insert_with(Refresh::default);
    match event {
        CatalogEvent::AccountsListed {
            accounts, count, ..
        } => {
            refresh.accounts = *count;
            state.list.accounts_arrived(accounts);
        }
        CatalogEvent::RolesFetched {
            account_id,
            roles,
            done,
            total,
        } => {
            refresh.done = *done;
            refresh.total = *total;
            state.list.roles_arrived(account_id, roles.clone());
        }
        CatalogEvent::Rate { per_sec } => refresh.rate = *per_sec,
        CatalogEvent::AccountUnavailable { .. }
        | CatalogEvent::AccountRejected { .. }
        | CatalogEvent::Done(_) => {}
    }
    catch_up_when_due(state, now);
}

/// While a listing runs, the accounts whose "roles loading…" rows are on screen (wherever the
/// list is scrolled, whatever the query) have their roles fetched first: one `Prioritize` for
/// those on screen not asked for yet, top first, and nothing when the screen shows no new one
/// (a tick, a key that moves nothing). Called after every message; looks at the rows on screen
/// only.
pub(super) fn prioritize_on_screen(state: &mut AppState) -> Option<Effect> {
    state.list.refresh?;
    let account_ids = state.list.ask_for_loading_on_screen();
    (!account_ids.is_empty()).then_some(Effect::Prioritize { account_ids })
}

/// Rebuilds the rows (see [`catch_up`]) when the last rebuild is [`stream_batch`] old: called
/// for each event of a listing and on every tick.
pub(super) fn catch_up_when_due(state: &mut AppState, now: SystemTime) {
    let wait = stream_batch(state.list.search().len());
    let due = state
        .list
        .rebuilt_at
        .is_none_or(|at| now.duration_since(at).unwrap_or_default() >= wait);
    if due {
        catch_up(state, now);
    }
}

/// Rebuilds the rows when what a listing streamed in is not shown yet (also on every tick),
/// keeping the selection on its row.
pub(super) fn catch_up(state: &mut AppState, now: SystemTime) {
    if !state.list.behind {
        return;
    }
    state.list.rebuilt_at = Some(now);
    let keep = kept_selection(state);
    state
        .list
        .rebuild_rows(&state.settings.chains, &state.settings.aliases);
    reorder(state, keep);
}

/// The row the selection stays on while the rows change: the one the person moved to or the
/// one a typed query put first; none (the top) in a list nobody has touched.
fn kept_selection(state: &mut AppState) -> Option<RoleRef> {
    if state.list.chosen || !state.list.query.trim().is_empty() {
        state.selected_row().and_then(|i| state.role_ref(i))
    } else {
        state.list.selected = 0;
        state.list.offset = 0;
        None
    }
}

/// Replaces the catalog, keeping the selection on its row (see [`kept_selection`]).
pub(super) fn set_catalog(state: &mut AppState, catalog: Catalog) {
    let keep = kept_selection(state);
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
        && let Some(pos) = state.list.position_of(&keep)
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
    if result.is_err() {
        state.list.abandon_loading();
        catch_up(state, now);
    }
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
