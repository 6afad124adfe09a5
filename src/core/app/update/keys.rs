//! Keys and the mouse, layer by layer: a question, an overlay, the menu, the screen's
//! commands, then the search line. Every key is read through the keymap.

use std::time::SystemTime;

use crate::core::app::command::{Command, Context};
use crate::core::app::effect::{Effect, ExitPlan};
use crate::core::app::key::{Key, MouseInput};
use crate::core::app::state::{
    AppState, Focus, Handover, HandoverAction, Level, Modal, Refresh, Screen,
};

use super::{
    assume, chains, choose, copy, hand_over, refresh_credentials, reorder_keeping_selection,
    retry_account, sign_in_command, toast,
};

fn move_selection(state: &mut AppState, to: usize) -> Vec<Effect> {
    match state.focus {
        Focus::Roles => {
            let last = state.hits().len().saturating_sub(1);
            state.list.selected = to.min(last);
            state.list.chosen = true;
            state.list.clamp_offset();
            // While listing, the roles of the account in view come first (those still
            // loading are asked for with the rest of the screen's, by `update`).
            match (
                &state.list.refresh,
                state.selected_row().filter(|&i| !state.list.is_loading(i)),
            ) {
                (Some(_), Some(i)) => state
                    .row(i)
                    .map(|row| Effect::Prioritize {
                        account_ids: vec![row.account_id.clone()],
                    })
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            }
        }
        Focus::Sessions => {
            state.sessions.select_at(to);
            Vec::new()
        }
    }
}

fn current(state: &AppState) -> usize {
    match state.focus {
        Focus::Roles => state.list.selected,
        Focus::Sessions => state.sessions.selected,
    }
}

/// Runs a command of the screen on view (catalog, sign-in, or a global one).
fn run_command(state: &mut AppState, command: Command, now: SystemTime) -> Vec<Effect> {
    let page = state.list.height.max(1);
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
                if let Some(h) = state.sessions.selected() {
                    state.modal = Modal::Menu(Handover {
                        held_id: h.id,
                        selected: 0,
                    });
                }
                Vec::new()
            }
        },
        Command::ToggleFavorite => toggle_favorite(state, now),
        Command::SetRegion => super::region::open(state),
        Command::RefreshCatalog => {
            if state.list.refresh.is_some() {
                return Vec::new();
            }
            state.list.refresh = Some(Refresh::default());
            vec![Effect::ListCatalog]
        }
        Command::RetryAccount => retry_account(state),
        Command::SwitchFocus => {
            state.focus = match state.focus {
                Focus::Roles if !state.sessions.is_empty() => Focus::Sessions,
                _ => Focus::Roles,
            };
            if state.focus == Focus::Sessions {
                let selected = state.sessions.selected;
                state.sessions.select_at(selected);
            }
            Vec::new()
        }
        Command::RefreshCredentials => refresh_credentials(state, now),
        Command::Back => {
            if state.list.query.is_empty() {
                // Esc never quits: people press it to get out of things.
                state.focus = Focus::Roles;
            } else {
                state.list.query.clear();
                state.list.query_changed();
            }
            Vec::new()
        }
        Command::Help => {
            state.modal = Modal::Help { scroll: 0 };
            Vec::new()
        }
        Command::Quit => quit(state, now),
        Command::OpenBrowser | Command::CopyCode | Command::RetrySignIn => {
            sign_in_command(state, command, now)
        }
        Command::Copy => copy::open_copy(state),
        // The menu's, a question's and the search line's own commands are not bound on a
        // screen (their layers read them).
        Command::Choose
        | Command::CopyAccountId
        | Command::CopyRoleArn
        | Command::CopyExports
        | Command::CopyConsoleUrl
        | Command::Confirm
        | Command::Submit
        | Command::Cancel
        | Command::DeleteChar
        | Command::ClearLine
        | Command::NextField
        | Command::PrevField => Vec::new(),
    }
}

fn toggle_favorite(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
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
    vec![Effect::SaveFrecency(state.frecency.clone())]
}

/// Quits; while sessions are held (and `confirm_quit` is on) the first quit key asks, the
/// next one quits and any other key withdraws the question.
pub(super) fn quit(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    let held = state.sessions.held.len();
    if state.settings.confirm_quit && held > 0 && !state.quit_armed {
        state.quit_armed = true;
        let keys: Vec<String> = state
            .keymap
            .keys(Command::Quit, Context::Global)
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
    state.keymap.binds(key) || state.settings.actions.iter().any(|a| a.key == Some(key))
}

pub(super) fn on_key(state: &mut AppState, key: Key, now: SystemTime) -> Vec<Effect> {
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
    match &state.modal {
        Modal::Prompt(_) => return chains::on_prompt_key(state, key, now),
        // Overlays and the menu take keys first.
        Modal::Help { .. } | Modal::Exports { .. } => return on_overlay_key(state, key, now),
        Modal::Menu(menu) => return on_menu_key(state, *menu, key, now),
        Modal::Copy(from) => return copy::on_copy_key(state, *from, key, now),
        Modal::Confirm { held_id, action } => {
            return on_confirm_key(state, *held_id, *action, key, now);
        }
        Modal::None => {}
    }
    let context = match state.screen {
        Screen::SignIn => Context::SignIn,
        Screen::Catalog => Context::Catalog,
    };
    // A bound letter types into a search that is not empty (`q` quits only on an empty one).
    let types = matches!(key, Key::Char(c) if c.is_alphanumeric())
        && state.screen == Screen::Catalog
        && state.focus == Focus::Roles
        && !state.list.query.is_empty();
    if let Some(command) = state.keymap.command(key, context)
        && !types
    {
        return run_command(state, command, now);
    }
    if state.screen != Screen::Catalog || state.focus != Focus::Roles {
        return Vec::new();
    }
    on_search_key(state, key);
    Vec::new()
}

/// Help or the exports: the quit key quits, the moving keys scroll help, any other key closes.
fn on_overlay_key(state: &mut AppState, key: Key, now: SystemTime) -> Vec<Effect> {
    let command = state.keymap.command(key, Context::Overlay);
    if command == Some(Command::Quit) {
        return quit(state, now);
    }
    if let (Modal::Help { scroll }, Some(command)) = (&state.modal, command) {
        let (scroll, max) = (*scroll, state.help_max_scroll());
        let rows = state.help_rows().len();
        let page = crate::core::app::state::help_rows_shown(state.size.1, rows).max(1);
        let to = match command {
            Command::Up => Some(scroll.saturating_sub(1)),
            Command::Down => Some(scroll + 1),
            Command::PageUp => Some(scroll.saturating_sub(page)),
            Command::PageDown => Some(scroll + page),
            Command::Top => Some(0),
            Command::Bottom => Some(max),
            _ => None,
        };
        if let Some(to) = to {
            state.modal = Modal::Help {
                scroll: to.min(max),
            };
            return Vec::new();
        }
    }
    state.modal = Modal::None;
    Vec::new()
}

/// The hand-over menu: a custom action's own key runs it, then the [`Context::Menu`] keys.
fn on_menu_key(state: &mut AppState, menu: Handover, key: Key, now: SystemTime) -> Vec<Effect> {
    let actions = state.handover_actions();
    let last = actions.len() - 1;
    if let Some(i) = state
        .settings
        .actions
        .iter()
        .position(|a| a.key == Some(key))
    {
        return choose(state, menu.held_id, HandoverAction::Custom(i), now);
    }
    let selected = match state.keymap.command(key, Context::Menu) {
        Some(Command::Up) => menu.selected.saturating_sub(1),
        Some(Command::Down) => (menu.selected + 1).min(last),
        Some(Command::Choose) => {
            let action = actions[menu.selected.min(last)];
            return choose(state, menu.held_id, action, now);
        }
        Some(Command::Quit) => return quit(state, now),
        Some(Command::Back) => {
            state.modal = Modal::None;
            return Vec::new();
        }
        Some(Command::Copy) => return choose(state, menu.held_id, HandoverAction::Copy, now),
        _ => return Vec::new(),
    };
    state.modal = Modal::Menu(Handover { selected, ..menu });
    Vec::new()
}

/// The question before credentials of a marked environment are handed over: its confirm key
/// hands them over, its back keys (and the quit key) do not; other keys leave it asking.
fn on_confirm_key(
    state: &mut AppState,
    held_id: u64,
    action: HandoverAction,
    key: Key,
    now: SystemTime,
) -> Vec<Effect> {
    match state.keymap.command(key, Context::Confirm) {
        Some(Command::Confirm) => hand_over(state, held_id, action, now),
        Some(Command::Quit) => quit(state, now),
        Some(Command::Back) => {
            state.modal = Modal::None;
            toast(state, now, Level::Info, "not handed over".into());
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The search line: its [`Context::Search`] keys, and printable keys type.
fn on_search_key(state: &mut AppState, key: Key) {
    match state.keymap.command(key, Context::Search) {
        Some(Command::DeleteChar) => {
            if state.list.query.pop().is_some() {
                state.list.query_changed();
            }
        }
        Some(Command::ClearLine) => {
            state.list.query.clear();
            state.list.refilter();
        }
        Some(_) => {}
        None => {
            if let Key::Char(c) = key
                && !c.is_control()
            {
                state.list.query.push(c);
                state.list.query_changed();
            }
        }
    }
}

pub(super) fn on_mouse(state: &mut AppState, mouse: MouseInput) -> Vec<Effect> {
    if state.screen != Screen::Catalog || state.modal.holds_the_list() {
        return Vec::new();
    }
    state.focus = Focus::Roles;
    match mouse {
        MouseInput::ScrollUp => move_selection(state, state.list.selected.saturating_sub(3)),
        MouseInput::ScrollDown => move_selection(state, state.list.selected + 3),
        MouseInput::Click { row } => {
            if row < state.list.top {
                return Vec::new();
            }
            let index = state.list.offset + usize::from(row - state.list.top);
            if index < state.hits().len() && index < state.list.offset + state.list.height {
                move_selection(state, index)
            } else {
                Vec::new()
            }
        }
    }
}
