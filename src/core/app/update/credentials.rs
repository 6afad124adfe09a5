//! SSO role credentials: assuming the selected role, refreshing a held one, holding what
//! arrives, and what happens then (the menu or the exports).

use std::time::SystemTime;

use crate::core::credentials::Credentials;

use crate::core::app::effect::Effect;
use crate::core::app::msg::Failed;
use crate::core::app::requests::CredentialsRequest;
use crate::core::app::state::{
    AppState, DefaultAction, Handover, HandoverAction, Held, Level, Modal,
};

use super::{chains, choose, renewal_done, renewal_failed, reorder_keeping_selection, toast};

pub(super) fn on_credentials(
    state: &mut AppState,
    request: u64,
    result: Result<Credentials, Failed>,
    now: SystemTime,
) -> Vec<Effect> {
    let Some(asked) = state.requests.credentials.remove(&request) else {
        return Vec::new();
    };
    let CredentialsRequest {
        account_id,
        role,
        refreshing,
        ..
    } = asked.clone();
    let credentials = match result {
        Ok(c) => c,
        Err(failure) => {
            if failure.needs_sign_in {
                // Asked again once signed in, as the user asked for it.
                state.requests.after_sign_in.push(asked);
            }
            return renewal_failed(state, refreshing, failure, now);
        }
    };
    if let Some(id) = refreshing {
        renewal_done(state, id, credentials, now);
        return Vec::new();
    }
    // The "getting credentials…" note has done its job.
    if state.toast.as_ref().is_some_and(|t| t.level == Level::Info) {
        state.toast = None;
    }
    let (id, mut effects) = hold_sso(state, account_id, role, credentials);
    let next = after_new_credentials(state, id, now);
    // Leaving at once (print the exports): nobody would see who the credentials are.
    if next.contains(&Effect::Exit) {
        return next;
    }
    effects.extend(next);
    effects
}

/// Holds an SSO role's credentials (replacing those held for the role): its id, and asking
/// STS who they are when they are new.
fn hold_sso(
    state: &mut AppState,
    account_id: String,
    role: String,
    credentials: Credentials,
) -> (u64, Vec<Effect>) {
    let same = |h: &&mut Held| h.chain.is_none() && h.account_id == account_id && h.role == role;
    if let Some(h) = state.sessions.held.iter_mut().find(same) {
        h.renewed(credentials);
        return (h.id, Vec::new());
    }
    let account_name = state.list.account_name(&account_id);
    let id = state.fresh_id();
    let who = Effect::WhoAmI {
        held_id: id,
        credentials: credentials.clone(),
    };
    let held = Held::sso(id, account_id, account_name, role, credentials);
    state.sessions.held.push(held);
    (id, vec![who])
}

/// New credentials are held: select them, then the menu or the exports, as configured.
pub(super) fn after_new_credentials(state: &mut AppState, id: u64, now: SystemTime) -> Vec<Effect> {
    state.sessions.select(id);
    match state.settings.default_action {
        DefaultAction::Menu => {
            state.open(Modal::Menu(Handover {
                held_id: id,
                selected: 0,
            }));
            Vec::new()
        }
        DefaultAction::PrintExports => choose(state, id, HandoverAction::PrintExports, now),
    }
}

pub(super) fn assume(state: &mut AppState, now: SystemTime, fresh: bool) -> Vec<Effect> {
    let Some(index) = state.selected_row() else {
        return Vec::new();
    };
    if state
        .list
        .meta(index)
        .is_some_and(|m| m.unavailable.is_some())
    {
        return retry_account(state);
    }
    if state.list.is_loading(index) {
        return roles_loading(state, index, now);
    }
    let Some(role) = state.role_ref(index) else {
        return Vec::new();
    };
    if let Some(spec) = state.chain_of_row(index).cloned() {
        state.frecency.record_use(&role, state.now_unix);
        reorder_keeping_selection(state);
        let mut effects = chains::assume_chain(state, spec, None, fresh, now);
        effects.push(Effect::SaveFrecency(state.frecency.clone()));
        return effects;
    }
    if state.requests.asking_for(&role.account_id, &role.role_name) {
        return Vec::new();
    }
    state.frecency.record_use(&role, state.now_unix);
    reorder_keeping_selection(state);
    let label = state
        .row(index)
        .map(|r| format!("{}/{}", r.account_name, r.role_name))
        .unwrap_or_default();
    let asked = CredentialsRequest {
        account_id: role.account_id,
        role: role.role_name,
        refreshing: None,
        fresh,
        label,
    };
    let mut effects = ask_credentials(state, asked, now);
    effects.push(Effect::SaveFrecency(state.frecency.clone()));
    effects
}

/// Asks for an SSO role's credentials: the request kept by id, said on the status line.
fn ask_credentials(
    state: &mut AppState,
    asked: CredentialsRequest,
    now: SystemTime,
) -> Vec<Effect> {
    let request = state.fresh_id();
    let doing = match asked.refreshing {
        Some(_) => "refreshing",
        None => "getting credentials for",
    };
    toast(state, now, Level::Info, format!("{doing} {}…", asked.label));
    let effect = Effect::GetCredentials {
        request,
        account_id: asked.account_id.clone(),
        role: asked.role.clone(),
        fresh: asked.fresh,
    };
    state.requests.credentials.insert(request, asked);
    vec![effect]
}

/// Signed in again: the requests AWS refused for want of it are asked again (a renewal only
/// while its session is still held and not being renewed otherwise).
pub(super) fn ask_again_after_sign_in(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    let parked = std::mem::take(&mut state.requests.after_sign_in);
    let mut effects = Vec::new();
    for asked in parked {
        match asked.refreshing {
            Some(id) => effects.extend(renew(state, id, now)),
            None if !state.requests.asking_for(&asked.account_id, &asked.role) => {
                effects.extend(ask_credentials(state, asked, now));
            }
            None => {}
        }
    }
    effects
}

/// Enter on an account whose roles a listing has not brought yet: they come next.
fn roles_loading(state: &mut AppState, index: usize, now: SystemTime) -> Vec<Effect> {
    let Some(row) = state.row(index) else {
        return Vec::new();
    };
    let (account_id, name) = (row.account_id.clone(), row.account_name.clone());
    toast(
        state,
        now,
        Level::Info,
        format!("the roles of {name} are still loading; they come next"),
    );
    vec![Effect::Prioritize {
        account_ids: vec![account_id],
    }]
}

pub(super) fn retry_account(state: &mut AppState) -> Vec<Effect> {
    let Some(index) = state.selected_row() else {
        return Vec::new();
    };
    match (state.list.meta(index), state.row(index)) {
        (Some(meta), Some(row)) if meta.unavailable.is_some() => vec![Effect::RetryRoles {
            account_id: row.account_id.clone(),
        }],
        _ => Vec::new(),
    }
}

pub(super) fn refresh_credentials(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    let selected = state.sessions.selected;
    state.sessions.select_at(selected);
    match state.sessions.selected() {
        Some(held) => {
            let id = held.id;
            renew(state, id, now)
        }
        None => Vec::new(),
    }
}

/// Renews held session `id` from where it came from (its chain, or its SSO role), unless a
/// renewal is under way.
pub(super) fn renew(state: &mut AppState, id: u64, now: SystemTime) -> Vec<Effect> {
    let Some(held) = state.sessions.get_mut(id) else {
        return Vec::new();
    };
    if held.refreshing {
        return Vec::new();
    }
    held.refreshing = true;
    if let Some(spec) = held.chain.clone() {
        return chains::assume_chain(state, spec, Some(id), true, now);
    }
    let asked = CredentialsRequest {
        account_id: held.account_id.clone(),
        role: held.role.clone(),
        refreshing: Some(id),
        fresh: true,
        label: held.label(),
    };
    ask_credentials(state, asked, now)
}
