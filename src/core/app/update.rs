//! The transitions: `update(state, msg, now) -> effects`.

use std::time::SystemTime;

use crate::core::listing::{CatalogEvent, replace_roles};

use super::command::{Command, Context};
use super::effect::Effect;
use super::msg::{Failed, Msg};
use super::state::{AppState, Focus, Level, Modal, Screen, Toast, ToastCountdown};
use super::urgency::Urgency;

fn epoch(now: SystemTime) -> i64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Feeds one message; returns the effects to run.
pub fn update(state: &mut AppState, msg: Msg, now: SystemTime) -> Vec<Effect> {
    state.now_unix = epoch(now);
    let mut effects = on_msg(state, msg, now);
    effects.extend(listing::prioritize_on_screen(state));
    effects
}

fn on_msg(state: &mut AppState, msg: Msg, now: SystemTime) -> Vec<Effect> {
    match msg {
        Msg::Start { stored } => start_sign_in(state, stored, now),
        Msg::Key(key) => on_key(state, key, now),
        Msg::Mouse(mouse) => on_mouse(state, mouse),
        Msg::Paste(text) => paste::on_paste(state, &text),
        Msg::Resize {
            width,
            height,
            list_top,
            list_height,
        } => {
            state.size = (width, height);
            state.list.top = list_top;
            state.list.height = usize::from(list_height).max(1);
            state.list.clamp_offset();
            Vec::new()
        }
        Msg::Tick => on_tick(state, now),
        Msg::SignIn(event) => on_sign_in(state, event, now),
        Msg::Catalog(event) => {
            if let CatalogEvent::AccountRejected { name, id } = &event {
                let text = crate::core::catalog::rejected_account_notice(name, id);
                toast(state, now, Level::Warn, text);
            }
            on_progress(state, &event, now);
            Vec::new()
        }
        Msg::Listed(result) => on_listed(state, result, now),
        Msg::RolesRetried { account_id, result } => match result {
            Ok(roles) => {
                let mut catalog = state.list.catalog.clone();
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
        Msg::Copy { what, text } => copy::copy_text(state, &what, text.expose(), now),
        Msg::SsoSessionWritten(result) => on_sso_session_written(state, result),
        Msg::HandedOver(result) => {
            match result {
                Ok(text) => toast(state, now, Level::Info, text),
                Err(failed) => toast(state, now, Level::Error, failed.to_string()),
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
        countdown: None,
    });
}

/// The first-run form's `[sso-session]` was written: the app starts on it; else the form says
/// why and takes answers again.
fn on_sso_session_written(state: &mut AppState, result: Result<String, String>) -> Vec<Effect> {
    match result {
        Ok(session) => {
            state.exit = Some(super::effect::ExitPlan::Configured { session });
            vec![Effect::Exit]
        }
        Err(why) => {
            if let Modal::Prompt(prompt) = &mut state.modal
                && let super::prompt::Prompt::Setup(form) = prompt.as_mut()
            {
                form.writing = false;
                form.error = Some(why);
            }
            Vec::new()
        }
    }
}

fn on_failure(state: &mut AppState, failure: Failed, now: SystemTime) -> Vec<Effect> {
    toast(state, now, Level::Error, failure.message.clone());
    if failure.needs_sign_in && state.sign_in.machine.is_none() {
        return renew_sign_in(state);
    }
    Vec::new()
}

fn on_tick(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    listing::catch_up_when_due(state, now);
    if state.toast.as_ref().is_some_and(|t| now >= t.until) {
        state.toast = None;
    }
    let thresholds = state.settings.thresholds;
    let hint = state
        .keymap
        .hint(Command::RefreshCredentials, Context::Catalog)
        .unwrap_or_default();
    let mut warning = None;
    for held in &mut state.sessions.held {
        let urgency = Urgency::of(held.credentials.expires_at, now, thresholds);
        if matches!(urgency, Urgency::Warn | Urgency::Critical) && !held.warned {
            held.warned = true;
            warning = held.credentials.expires_at.map(|to| (held.label(), to));
        }
    }
    if let Some((label, to)) = warning {
        toast(state, now, Level::Warn, format!("{label} expires "));
        if let Some(t) = state.toast.as_mut() {
            t.countdown = Some(ToastCountdown {
                to,
                then: format!(" — {hint} refreshes it"),
            });
        }
    }
    let mut effects = renew_due(state, now);
    effects.extend(sign_in::renew_ahead_when_due(state, now));
    effects
}

mod chains;
mod copy;
mod credentials;
mod handover;
mod keys;
mod listing;
pub(crate) mod paste;
mod region;
mod renewal;
mod sign_in;

use credentials::{
    after_new_credentials, assume, on_credentials, refresh_credentials, renew, retry_account,
};
use handover::{choose, hand_over};
use keys::{on_key, on_mouse, quit};
use listing::{on_listed, on_progress, reorder_keeping_selection, set_catalog};
use renewal::{renew_due, renewal_done, renewal_failed};
use sign_in::{on_sign_in, renew_sign_in, sign_in_command, start_sign_in};

#[cfg(test)]
mod renewal_tests;
#[cfg(test)]
mod tests;
