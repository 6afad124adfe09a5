//! Copying: the copy box (the account id, the role ARN, the exports, a console URL) and
//! sending text to the terminal's clipboard with OSC 52, saying honestly what was done.

use std::time::SystemTime;

use crate::core::app::command::{Command, Context};
use crate::core::app::effect::Effect;
use crate::core::app::key::Key;
use crate::core::app::state::{AppState, Clipboard, CopyFrom, Focus, HandoverAction, Level, Modal};
use crate::core::exports::{Shell, export_lines};

use super::{choose, quit, toast};

/// Opens the copy box for what is selected: the session in the sessions panel, else the row
/// (its held session's, when one is held for that role).
pub(super) fn open_copy(state: &mut AppState) -> Vec<Effect> {
    let from = match state.focus {
        Focus::Sessions => state.sessions.selected().map(|h| CopyFrom::Held(h.id)),
        Focus::Roles => state.selected_row().map(|index| held_for_row(state, index)),
    };
    if let Some(from) = from {
        state.modal = Modal::Copy(from);
    }
    Vec::new()
}

/// The held session of row `index`'s role, else the row itself.
fn held_for_row(state: &AppState, index: usize) -> CopyFrom {
    let chain = state.list.meta(index).and_then(|m| m.chain);
    let chain_name = chain
        .and_then(|i| state.settings.chains.get(i))
        .map(|c| &c.name);
    let row = state.row(index);
    let held = state
        .sessions
        .held
        .iter()
        .rev()
        .find(|h| match (&h.chain, chain_name) {
            (Some(c), Some(name)) => &c.name == name,
            (None, None) => {
                row.is_some_and(|r| r.account_id == h.account_id && r.role_name == h.role)
            }
            _ => false,
        });
    held.map_or(CopyFrom::Row(index), |h| CopyFrom::Held(h.id))
}

/// A key in the copy box.
pub(super) fn on_copy_key(
    state: &mut AppState,
    from: CopyFrom,
    key: Key,
    now: SystemTime,
) -> Vec<Effect> {
    let command = state.keymap.command(key, Context::Copy);
    match command {
        Some(Command::Quit) => return quit(state, now),
        Some(Command::Back) => {
            state.modal = Modal::None;
            return Vec::new();
        }
        _ => {}
    }
    let Some(command) = command.filter(|c| from.commands().contains(c)) else {
        return Vec::new();
    };
    state.modal = Modal::None;
    match (command, from) {
        (Command::CopyAccountId, _) => match account_id(state, from) {
            Some(id) => copy_text(state, "the account id", &id, now),
            None => Vec::new(),
        },
        (Command::CopyRoleArn, _) => copy_role_arn(state, from, now),
        (Command::CopyExports, CopyFrom::Held(id)) => {
            choose(state, id, HandoverAction::CopyExports, now)
        }
        (Command::CopyConsoleUrl, CopyFrom::Held(id)) => {
            choose(state, id, HandoverAction::CopyConsoleUrl, now)
        }
        _ => Vec::new(),
    }
}

fn account_id(state: &AppState, from: CopyFrom) -> Option<String> {
    match from {
        CopyFrom::Held(id) => state.held(id).map(|h| h.account_id.clone()),
        CopyFrom::Row(index) => state.row(index).map(|r| r.account_id.clone()),
    }
}

/// The role's exact ARN, or why it is not known yet (an SSO role's name carries a hash AWS
/// tells only to its credentials).
fn copy_role_arn(state: &mut AppState, from: CopyFrom, now: SystemTime) -> Vec<Effect> {
    let arn = match from {
        CopyFrom::Held(id) => state.held(id).map(|h| state.role_arn_of_held(h)),
        CopyFrom::Row(index) => state.role_arn_of_row(index),
    };
    let Some(arn) = arn else {
        return Vec::new();
    };
    if arn.contains('…') {
        let assume = state
            .keymap
            .hint(Command::Assume, Context::Catalog)
            .map_or_else(String::new, |k| format!(" ({k} assumes it)"));
        let text = format!(
            "not copied: an SSO role's exact ARN is known once it is assumed{assume}; \
             its form is {arn}"
        );
        toast(state, now, Level::Warn, text);
        return Vec::new();
    }
    copy_text(state, "the role ARN", &arn, now)
}

/// The export lines of a held session, for the clipboard (the secrets in them).
pub(super) fn exports_text(state: &AppState, held_id: u64) -> Option<String> {
    let held = state.held(held_id)?;
    let region = held.region.as_deref().unwrap_or(&state.settings.region);
    let lines = export_lines(&held.credentials, region, Shell::Posix, false);
    Some(lines.join("\n") + "\n")
}

/// Sends `text` to the terminal's clipboard, saying what was done: nobody can know the
/// terminal took it, and where it cannot, nothing is sent and the status line says why.
pub(super) fn copy_text(
    state: &mut AppState,
    what: &str,
    text: &str,
    now: SystemTime,
) -> Vec<Effect> {
    let clipboard = state.settings.clipboard.clone();
    match clipboard.sequence(text) {
        None => {
            let why = match &clipboard {
                Clipboard::Unavailable(why) => why.as_str(),
                _ => "no clipboard here",
            };
            toast(
                state,
                now,
                Level::Warn,
                format!("cannot copy {what}: {why}"),
            );
            Vec::new()
        }
        Some(sequence) => {
            let said = format!("{what}: {}; your terminal may ignore it", clipboard.sent());
            toast(state, now, Level::Info, said);
            vec![Effect::Copy(sequence)]
        }
    }
}
