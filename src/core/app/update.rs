//! The transitions: `update(state, msg, now) -> effects`.

use std::collections::BTreeSet;
use std::time::SystemTime;

use crate::core::catalog::{Catalog, CatalogDiff, RoleRef};
use crate::core::countdown;
use crate::core::credentials::Credentials;
use crate::core::listing::{CatalogEvent, replace_roles};
use crate::core::search::SearchIndex;
use crate::core::signin::{self, Method, Phase, SignIn};
use crate::core::sso::SignedIn;

use super::command::{Command, Context};
use super::effect::{Effect, ExitPlan};
use super::key::{Key, MouseInput};
use super::msg::{Failed, Msg};
use super::state::{
    AppState, Clipboard, DefaultAction, Focus, Handover, HandoverAction, Held, Level, Overlay,
    Refresh, Screen, Toast, profile_name, rows_of,
};
use super::urgency::Urgency;

fn epoch(now: SystemTime) -> i64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Feeds one message; returns the effects to run.
pub fn update(state: &mut AppState, msg: Msg, now: SystemTime) -> Vec<Effect> {
    state.now_unix = epoch(now);
    match msg {
        Msg::Start { stored } => start_sign_in(state, stored, now),
        Msg::Key(key) => on_key(state, key, now),
        Msg::Mouse(mouse) => on_mouse(state, mouse),
        Msg::Paste(text) => paste::on_paste(state, &text, now),
        Msg::Resize {
            width,
            height,
            list_top,
            list_height,
        } => {
            state.size = (width, height);
            state.list_top = list_top;
            state.list_height = usize::from(list_height).max(1);
            state.clamp_offset();
            Vec::new()
        }
        Msg::Tick => on_tick(state, now),
        Msg::SignIn(event) => on_sign_in(state, event, now),
        Msg::Catalog(event) => {
            if let CatalogEvent::AccountRejected { name, id } = &event {
                let text = crate::core::catalog::rejected_account_notice(name, id);
                toast(state, now, Level::Warn, text);
            }
            on_progress(state, &event);
            Vec::new()
        }
        Msg::Listed(result) => on_listed(state, result, now),
        Msg::RolesRetried { account_id, result } => match result {
            Ok(roles) => {
                let mut catalog = state.catalog.clone();
                replace_roles(&mut catalog, &account_id, roles);
                set_catalog(state, catalog);
                toast(
                    state,
                    now,
                    Level::Info,
                    format!("roles of {account_id} listed"),
                );
                Vec::new()
            }
            Err(failure) => on_failure(state, failure, now),
        },
        Msg::Credentials { request, result } => on_credentials(state, request, result, now),
        Msg::ChainAssumed { request, result } => {
            chains::on_chain_assumed(state, request, result, now)
        }
        Msg::Identity { held_id, arn } => {
            chains::on_identity(state, held_id, arn);
            Vec::new()
        }
        Msg::HandedOver(result) => {
            match result {
                Ok(text) => toast(state, now, Level::Info, text),
                Err(text) => toast(state, now, Level::Error, text),
            }
            Vec::new()
        }
    }
}

fn toast(state: &mut AppState, now: SystemTime, level: Level, text: String) {
    state.toast = Some(Toast {
        text,
        level,
        until: now + state.settings.toast_for,
    });
}

/// Starts (or restarts) signing in with what the store holds.
fn start_sign_in(state: &mut AppState, stored: Option<SignedIn>, now: SystemTime) -> Vec<Effect> {
    if let Some(s) = &stored {
        state.session.token_expires_at = Some(s.token.expires_at);
    }
    let mut machine = SignIn::new(Method::DeviceCode, state.settings.open_browser);
    let effects = machine.handle(signin::Event::Start { stored }, now);
    state.signin = Some(machine);
    after_sign_in_step(state, effects)
}

/// Wraps the machine's effects, follows its phase to the right screen, and lists the catalog
/// once signed in.
fn after_sign_in_step(state: &mut AppState, effects: Vec<signin::Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for effect in effects {
        if let signin::Effect::Save(signed_in) = &effect {
            state.session.token_expires_at = Some(signed_in.token.expires_at);
        }
        out.push(Effect::SignIn(effect));
    }
    let Some(machine) = &state.signin else {
        return out;
    };
    match &machine.phase {
        Phase::Done => {
            if let Some(result) = &machine.result {
                state.session.token_expires_at = Some(result.token.expires_at);
            }
            state.signin = None;
            state.screen = Screen::Catalog;
            if state.catalog_stale && state.refresh.is_none() {
                state.refresh = Some(Refresh::default());
                out.push(Effect::ListCatalog);
            }
        }
        // A silent refresh keeps whatever is on screen.
        Phase::Refreshing | Phase::Idle => {}
        _ => state.screen = Screen::SignIn,
    }
    out
}

fn on_sign_in(state: &mut AppState, event: signin::Event, now: SystemTime) -> Vec<Effect> {
    let Some(machine) = state.signin.as_mut() else {
        return Vec::new();
    };
    let effects = machine.handle(event, now);
    after_sign_in_step(state, effects)
}

fn on_progress(state: &mut AppState, event: &CatalogEvent) {
    let refresh = state.refresh.get_or_insert_with(Refresh::default);
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

/// Replaces the catalog, keeping the selected role selected.
fn set_catalog(state: &mut AppState, catalog: Catalog) {
    let keep = state.selected_row().and_then(|i| state.role_ref(i));
    let (rows, meta) = rows_of(&catalog, &state.settings.chains);
    state.catalog = catalog;
    state.search = SearchIndex::new(rows);
    state.meta = meta;
    reorder(state, keep);
}

/// Recomputes boosts and the hits after favorites or recents changed, keeping the selection.
fn reorder_keeping_selection(state: &mut AppState) {
    let keep = state.selected_row().and_then(|i| state.role_ref(i));
    reorder(state, keep);
}

fn reorder(state: &mut AppState, keep: Option<RoleRef>) {
    state.recompute_boosts();
    state.refilter();
    if let Some(keep) = keep
        && let Some(pos) = state
            .hits()
            .iter()
            .position(|h| state.role_ref(h.row).as_ref() == Some(&keep))
    {
        state.selected = pos;
        state.clamp_offset();
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

fn on_listed(
    state: &mut AppState,
    result: Result<(Catalog, Option<CatalogDiff>), Failed>,
    now: SystemTime,
) -> Vec<Effect> {
    state.refresh = None;
    match result {
        Ok((catalog, diff)) => {
            state.catalog_stale = false;
            let mut notes = Vec::new();
            if let Some(diff) = &diff {
                state.new_roles = diff.roles_added.iter().cloned().collect::<BTreeSet<_>>();
                state.gone_roles = diff.roles_removed.len();
                notes.extend(describe(diff));
            }
            let unavailable = catalog.unavailable().count();
            set_catalog(state, catalog);
            let mut level = Level::Info;
            if unavailable > 0 {
                level = Level::Warn;
                let key = state
                    .keymap
                    .hint(Command::RetryAccount)
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

fn on_failure(state: &mut AppState, failure: Failed, now: SystemTime) -> Vec<Effect> {
    toast(state, now, Level::Error, failure.message.clone());
    if failure.needs_sign_in && state.signin.is_none() {
        return start_sign_in(state, None, now);
    }
    Vec::new()
}

fn on_credentials(
    state: &mut AppState,
    request: u64,
    result: Result<Credentials, Failed>,
    now: SystemTime,
) -> Vec<Effect> {
    let Some((account_id, role, refreshing)) = state.pending.remove(&request) else {
        return Vec::new();
    };
    let credentials = match result {
        Ok(c) => c,
        Err(failure) => {
            if let Some(id) = refreshing
                && let Some(h) = state.held.iter_mut().find(|h| h.id == id)
            {
                h.refreshing = false;
            }
            return on_failure(state, failure, now);
        }
    };
    if let Some(id) = refreshing
        && let Some(h) = state.held.iter_mut().find(|h| h.id == id)
    {
        h.credentials = credentials;
        h.refreshing = false;
        h.warned = false;
        let text = format!("{} refreshed", h.label());
        toast(state, now, Level::Info, text);
        return Vec::new();
    }
    // The "getting credentials…" note has done its job.
    if state.toast.as_ref().is_some_and(|t| t.level == Level::Info) {
        state.toast = None;
    }
    let account_name = state.account_name(&account_id);
    let mut effects = Vec::new();
    let id = match state
        .held
        .iter_mut()
        .find(|h| h.chain.is_none() && h.account_id == account_id && h.role == role)
    {
        Some(h) => {
            h.credentials = credentials;
            h.warned = false;
            h.id
        }
        None => {
            let id = state.fresh_id();
            effects.push(Effect::WhoAmI {
                held_id: id,
                credentials: credentials.clone(),
            });
            state
                .held
                .push(Held::sso(id, account_id, account_name, role, credentials));
            id
        }
    };
    let next = after_new_credentials(state, id);
    // Leaving at once (print the exports): nobody would see who the credentials are.
    if next.contains(&Effect::Exit) {
        return next;
    }
    effects.extend(next);
    effects
}

/// New credentials are held: select them, then the menu or the exports, as configured.
fn after_new_credentials(state: &mut AppState, id: u64) -> Vec<Effect> {
    state.held_selected = state.held.iter().position(|h| h.id == id).unwrap_or(0);
    match state.settings.default_action {
        DefaultAction::Menu => {
            state.handover = Some(Handover {
                held_id: id,
                selected: 0,
            });
            Vec::new()
        }
        DefaultAction::PrintExports => choose(state, id, HandoverAction::PrintExports),
    }
}

/// Runs a hand-over menu entry.
fn choose(state: &mut AppState, held_id: u64, action: HandoverAction) -> Vec<Effect> {
    state.handover = None;
    let Some(held) = state.held(held_id).cloned() else {
        return Vec::new();
    };
    let region = held
        .region
        .clone()
        .unwrap_or_else(|| state.settings.region.clone());
    match action {
        HandoverAction::PrintExports => {
            state.exit = Some(ExitPlan::PrintExports {
                label: held.label(),
                credentials: held.credentials,
                region,
            });
            vec![Effect::Exit]
        }
        HandoverAction::Subshell => {
            state.exit = Some(ExitPlan::Run {
                label: held.label(),
                credentials: held.credentials,
                region,
                command: None,
                pause: false,
            });
            vec![Effect::Exit]
        }
        HandoverAction::Custom(i) => {
            let Some(custom) = state.settings.actions.get(i) else {
                return Vec::new();
            };
            let command = custom.render(&held.account_id, &held.account_name, &held.role, &region);
            state.exit = Some(ExitPlan::Run {
                label: format!("{} ({})", custom.name, held.label()),
                credentials: held.credentials,
                region,
                command: Some(command),
                pause: custom.pause,
            });
            vec![Effect::Exit]
        }
        HandoverAction::WriteProfile => vec![Effect::WriteProfile {
            profile: match &held.chain {
                Some(chain) => crate::core::profile_name::sanitize(&chain.name),
                None => profile_name(&held.account_name, &held.role),
            },
            credentials: held.credentials,
            region,
        }],
        HandoverAction::Console => vec![Effect::OpenConsole {
            chained: held
                .chain
                .as_ref()
                .is_some_and(crate::core::chain::ChainSpec::is_role_chained),
            credentials: held.credentials,
        }],
        HandoverAction::AssumeAnother => {
            chains::open_assume_form(state, held_id);
            Vec::new()
        }
        HandoverAction::ShowExports => {
            state.overlay = Overlay::Exports { held_id };
            Vec::new()
        }
        HandoverAction::Close => Vec::new(),
    }
}

fn on_tick(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    if state.toast.as_ref().is_some_and(|t| now >= t.until) {
        state.toast = None;
    }
    let thresholds = state.settings.thresholds;
    let hint = state
        .keymap
        .hint(Command::RefreshCredentials)
        .unwrap_or_default();
    let mut warning = None;
    for held in &mut state.held {
        let urgency = Urgency::of(held.credentials.expires_at, now, thresholds);
        if matches!(urgency, Urgency::Warn | Urgency::Critical) && !held.warned {
            held.warned = true;
            let left = held
                .credentials
                .expires_at
                .map(|t| countdown::left(t, now))
                .unwrap_or_default();
            warning = Some(format!(
                "{} expires {left} — {hint} refreshes it",
                held.label()
            ));
        }
    }
    if let Some(text) = warning {
        toast(state, now, Level::Warn, text);
    }
    Vec::new()
}

fn move_selection(state: &mut AppState, to: usize) -> Vec<Effect> {
    match state.focus {
        Focus::Roles => {
            let last = state.hits().len().saturating_sub(1);
            state.selected = to.min(last);
            state.clamp_offset();
            // While listing, the roles of the account in view come first.
            match (
                &state.refresh,
                state.selected_row().and_then(|i| state.row(i)),
            ) {
                (Some(_), Some(row)) => vec![Effect::Prioritize {
                    account_id: row.account_id.clone(),
                }],
                _ => Vec::new(),
            }
        }
        Focus::Sessions => {
            state.held_selected = to.min(state.held.len().saturating_sub(1));
            Vec::new()
        }
    }
}

fn current(state: &AppState) -> usize {
    match state.focus {
        Focus::Roles => state.selected,
        Focus::Sessions => state.held_selected,
    }
}

fn assume(state: &mut AppState, now: SystemTime, fresh: bool) -> Vec<Effect> {
    let Some(index) = state.selected_row() else {
        return Vec::new();
    };
    if state
        .meta
        .get(index)
        .is_some_and(|m| m.unavailable.is_some())
    {
        return retry_account(state);
    }
    let Some(role) = state.role_ref(index) else {
        return Vec::new();
    };
    if let Some(spec) = state.chain_of_row(index).cloned() {
        state.frecency.record_use(&role, state.now_unix);
        reorder_keeping_selection(state);
        let mut effects = chains::assume_chain(state, spec, None, fresh, now);
        effects.push(Effect::SaveFrecency);
        return effects;
    }
    if state
        .pending
        .values()
        .any(|(a, r, _)| *a == role.account_id && *r == role.role_name)
    {
        return Vec::new();
    }
    state.frecency.record_use(&role, state.now_unix);
    reorder_keeping_selection(state);
    let request = state.fresh_id();
    let label = state
        .row(index)
        .map(|r| format!("{}/{}", r.account_name, r.role_name))
        .unwrap_or_default();
    state.pending.insert(
        request,
        (role.account_id.clone(), role.role_name.clone(), None),
    );
    toast(
        state,
        now,
        Level::Info,
        format!("getting credentials for {label}…"),
    );
    vec![
        Effect::GetCredentials {
            request,
            account_id: role.account_id,
            role: role.role_name,
            fresh,
        },
        Effect::SaveFrecency,
    ]
}

fn retry_account(state: &mut AppState) -> Vec<Effect> {
    let Some(index) = state.selected_row() else {
        return Vec::new();
    };
    match (state.meta.get(index), state.row(index)) {
        (Some(meta), Some(row)) if meta.unavailable.is_some() => vec![Effect::RetryRoles {
            account_id: row.account_id.clone(),
        }],
        _ => Vec::new(),
    }
}

fn refresh_credentials(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    let Some(held) = state.held.get_mut(state.held_selected) else {
        return Vec::new();
    };
    if held.refreshing {
        return Vec::new();
    }
    held.refreshing = true;
    if let Some(spec) = held.chain.clone() {
        let id = held.id;
        return chains::assume_chain(state, spec, Some(id), true, now);
    }
    let (account_id, role, id) = (held.account_id.clone(), held.role.clone(), held.id);
    let label = held.label();
    let request = state.fresh_id();
    state
        .pending
        .insert(request, (account_id.clone(), role.clone(), Some(id)));
    toast(state, now, Level::Info, format!("refreshing {label}…"));
    vec![Effect::GetCredentials {
        request,
        account_id,
        role,
        fresh: true,
    }]
}

fn run_command(state: &mut AppState, command: Command, now: SystemTime) -> Vec<Effect> {
    let page = state.list_height.max(1);
    match command {
        Command::Up => move_selection(state, current(state).saturating_sub(1)),
        Command::Down => move_selection(state, current(state) + 1),
        Command::PageUp => move_selection(state, current(state).saturating_sub(page)),
        Command::PageDown => move_selection(state, current(state) + page),
        Command::Top => move_selection(state, 0),
        Command::Bottom => move_selection(state, usize::MAX),
        Command::Assume => match state.focus {
            Focus::Roles => assume(state, now, false),
            Focus::Sessions => {
                if let Some(h) = state.held.get(state.held_selected) {
                    state.handover = Some(Handover {
                        held_id: h.id,
                        selected: 0,
                    });
                }
                Vec::new()
            }
        },
        Command::ToggleFavorite => {
            let Some(role) = state.selected_row().and_then(|i| state.role_ref(i)) else {
                return Vec::new();
            };
            let pinned = state.frecency.toggle_favorite(&role);
            reorder_keeping_selection(state);
            let word = if pinned { "pinned" } else { "unpinned" };
            toast(
                state,
                now,
                Level::Info,
                format!("{word} {}", role.role_name),
            );
            vec![Effect::SaveFrecency]
        }
        Command::RefreshCatalog => {
            if state.refresh.is_some() {
                return Vec::new();
            }
            state.refresh = Some(Refresh::default());
            vec![Effect::ListCatalog]
        }
        Command::RetryAccount => retry_account(state),
        Command::SwitchFocus => {
            state.focus = match state.focus {
                Focus::Roles if !state.held.is_empty() => Focus::Sessions,
                _ => Focus::Roles,
            };
            Vec::new()
        }
        Command::RefreshCredentials => refresh_credentials(state, now),
        Command::Back => {
            if !state.query.is_empty() {
                state.query.clear();
                state.selected = 0;
                state.offset = 0;
                state.refilter();
                Vec::new()
            } else {
                // Esc never quits: people press it to get out of things.
                state.focus = Focus::Roles;
                Vec::new()
            }
        }
        Command::Help => {
            state.overlay = Overlay::Help;
            Vec::new()
        }
        Command::Quit => quit(state, now),
        Command::OpenBrowser => match state.signin.as_ref().map(|m| &m.phase) {
            Some(Phase::WaitingForApproval(wait)) => {
                vec![Effect::OpenUrl(wait.verification_uri_complete.clone())]
            }
            _ => Vec::new(),
        },
        Command::CopyCode => match state.signin.as_ref().map(|m| &m.phase) {
            Some(Phase::WaitingForApproval(wait)) => {
                let code = wait.user_code.clone();
                match state.settings.clipboard.clone() {
                    Clipboard::Unavailable(why) => {
                        toast(
                            state,
                            now,
                            Level::Warn,
                            format!("cannot copy: {why}; type the code {code}"),
                        );
                        Vec::new()
                    }
                    Clipboard::Unknown => {
                        toast(
                            state,
                            now,
                            Level::Info,
                            "code sent to the terminal's clipboard (OSC 52); your terminal may \
                             ignore it"
                                .into(),
                        );
                        vec![Effect::Copy(code)]
                    }
                }
            }
            _ => Vec::new(),
        },
        Command::RetrySignIn => match state.signin.as_ref().map(|m| &m.phase) {
            Some(Phase::Failed(_)) => start_sign_in(state, None, now),
            _ => Vec::new(),
        },
    }
}

/// Quits; while sessions are held (and `confirm_quit` is on) the first quit key asks, the
/// next one quits and any other key withdraws the question.
fn quit(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    let held = state.held.len();
    if state.settings.confirm_quit && held > 0 && !state.quit_armed {
        state.quit_armed = true;
        let keys: Vec<String> = state
            .keymap
            .keys_for(Command::Quit)
            .iter()
            .map(Key::to_string)
            .collect();
        let sessions = if held == 1 { "session" } else { "sessions" };
        let text = format!(
            "{held} {sessions} held: press {} again to quit, any other key to stay",
            keys.join("/")
        );
        toast(state, now, Level::Warn, text);
        return Vec::new();
    }
    state.exit.get_or_insert(ExitPlan::Nothing);
    vec![Effect::Exit]
}

/// Whether anything is bound to `key`: a command, or a custom action in the menu.
fn is_bound(state: &AppState, key: Key) -> bool {
    [Context::Global, Context::SignIn, Context::Catalog]
        .iter()
        .any(|c| state.keymap.command(key, *c).is_some())
        || state
            .settings
            .actions
            .iter()
            .any(|a| a.key.as_deref().and_then(Key::parse) == Some(key))
}

fn on_key(state: &mut AppState, key: Key, now: SystemTime) -> Vec<Effect> {
    // Esc and a key typed right after it arrive together and read as alt-key: when alt-key
    // means nothing, it is the two keys, so neither is lost.
    if let Key::Alt(c) = key
        && !is_bound(state, key)
    {
        let mut effects = on_key(state, Key::Esc, now);
        if !effects.contains(&Effect::Exit) {
            effects.extend(on_key(state, Key::Char(c), now));
        }
        return effects;
    }
    let was_armed = state.quit_armed;
    let effects = on_command_key(state, key, now);
    if was_armed && state.exit.is_none() {
        // The question about quitting is withdrawn.
        state.quit_armed = false;
        if state.toast.as_ref().is_some_and(|t| t.level == Level::Warn) {
            state.toast = None;
        }
    }
    effects
}

fn on_command_key(state: &mut AppState, key: Key, now: SystemTime) -> Vec<Effect> {
    // A question being asked takes every key.
    if state.prompt.is_some() {
        return chains::on_prompt_key(state, key, now);
    }
    // Overlays and the menu take keys first.
    if state.overlay != Overlay::None {
        if matches!(key, Key::Ctrl('c')) {
            return quit(state, now);
        }
        state.overlay = Overlay::None;
        return Vec::new();
    }
    if let Some(menu) = state.handover {
        let actions = state.handover_actions();
        let last = actions.len() - 1;
        // A custom action's own key runs it.
        let by_key = state
            .settings
            .actions
            .iter()
            .position(|a| a.key.as_deref().and_then(Key::parse) == Some(key));
        match key {
            _ if by_key.is_some() => {
                if let Some(i) = by_key {
                    return choose(state, menu.held_id, HandoverAction::Custom(i));
                }
            }
            Key::Up | Key::Ctrl('p') => {
                state.handover = Some(Handover {
                    selected: menu.selected.saturating_sub(1),
                    ..menu
                });
            }
            Key::Down | Key::Ctrl('n') => {
                state.handover = Some(Handover {
                    selected: (menu.selected + 1).min(last),
                    ..menu
                });
            }
            Key::Enter => {
                let action = actions[menu.selected.min(last)];
                return choose(state, menu.held_id, action);
            }
            Key::Ctrl('c') => return quit(state, now),
            Key::Esc => state.handover = None,
            _ => {}
        }
        return Vec::new();
    }
    let context = match state.screen {
        Screen::SignIn => Context::SignIn,
        Screen::Catalog => Context::Catalog,
    };
    // A bound letter types into a search that is not empty (`q` quits only on an empty one).
    let types = matches!(key, Key::Char(c) if c.is_alphanumeric())
        && state.screen == Screen::Catalog
        && state.focus == Focus::Roles
        && !state.query.is_empty();
    if let Some(command) = state.keymap.command(key, context)
        && !types
    {
        let applies = command.context() == context || command.context() == Context::Global;
        if applies {
            return run_command(state, command, now);
        }
    }
    if state.screen != Screen::Catalog || state.focus != Focus::Roles {
        return Vec::new();
    }
    match key {
        Key::Char(c) if !c.is_control() => {
            state.query.push(c);
            state.selected = 0;
            state.offset = 0;
            state.refilter();
        }
        Key::Backspace if state.query.pop().is_some() => {
            state.selected = 0;
            state.offset = 0;
            state.refilter();
        }
        Key::Ctrl('u') => {
            state.query.clear();
            state.refilter();
        }
        _ => {}
    }
    Vec::new()
}

fn on_mouse(state: &mut AppState, mouse: MouseInput) -> Vec<Effect> {
    if state.screen != Screen::Catalog || state.overlay != Overlay::None || state.handover.is_some()
    {
        return Vec::new();
    }
    state.focus = Focus::Roles;
    match mouse {
        MouseInput::ScrollUp => move_selection(state, state.selected.saturating_sub(3)),
        MouseInput::ScrollDown => move_selection(state, state.selected + 3),
        MouseInput::Click { row } => {
            if row < state.list_top {
                return Vec::new();
            }
            let index = state.offset + usize::from(row - state.list_top);
            if index < state.hits().len() && index < state.offset + state.list_height {
                move_selection(state, index)
            } else {
                Vec::new()
            }
        }
    }
}

mod chains;
pub mod paste;

#[cfg(test)]
mod tests;
