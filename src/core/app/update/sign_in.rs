//! Signing in: the machine's steps followed to the right screen, and the sign-in screen's
//! commands (open the browser, copy the code, retry).

use std::time::SystemTime;

use crate::core::signin::{self, Method, Phase, RENEW_AHEAD, RENEW_AHEAD_EVERY, SignIn};
use crate::core::sso::SignedIn;

use crate::core::app::command::Command;
use crate::core::app::effect::Effect;
use crate::core::app::state::{AppState, Refresh, Screen};

/// Starts (or restarts) signing in with what the store holds.
pub(super) fn start_sign_in(
    state: &mut AppState,
    stored: Option<SignedIn>,
    now: SystemTime,
) -> Vec<Effect> {
    if let Some(s) = &stored {
        state.sign_in.session.token_expires_at = Some(s.token.expires_at);
    }
    let mut machine = SignIn::new(Method::DeviceCode, state.settings.open_browser);
    let effects = machine.handle(signin::Event::Start { stored }, now);
    state.sign_in.machine = Some(machine);
    after_sign_in_step(state, effects, now)
}

/// The token in use was refused mid-run: its time is no longer shown, and the sign-in the
/// store holds is read to be refreshed with its refresh token (as at start-up) before the user
/// is asked anything.
pub(super) fn renew_sign_in(state: &mut AppState) -> Vec<Effect> {
    state.sign_in.session.token_expires_at = None;
    state.sign_in.machine = Some(SignIn::new(Method::DeviceCode, state.settings.open_browser));
    vec![Effect::RenewSignIn]
}

/// The token in use is about to expire: renew it silently while it still works, at most every
/// [`RENEW_AHEAD_EVERY`] (botocore's rule for SSO tokens), so no request is refused at expiry.
/// Without a refresh token, or when the refresh fails, nothing changes until AWS refuses it.
pub(super) fn renew_ahead_when_due(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    let due = state.sign_in.machine.is_none()
        && state.screen == Screen::Catalog
        && state
            .sign_in
            .session
            .token_expires_at
            .is_some_and(|at| now + RENEW_AHEAD >= at)
        && state.sign_in.next_ahead_at.is_none_or(|next| now >= next);
    if !due {
        return Vec::new();
    }
    state.sign_in.next_ahead_at = Some(now + RENEW_AHEAD_EVERY);
    state.sign_in.machine = Some(SignIn::ahead(
        Method::DeviceCode,
        state.settings.open_browser,
    ));
    vec![Effect::RenewSignIn]
}

/// Wraps the machine's effects, follows its phase to the right screen, and lists the catalog
/// once signed in.
fn after_sign_in_step(
    state: &mut AppState,
    effects: Vec<signin::Effect>,
    now: SystemTime,
) -> Vec<Effect> {
    let mut out = Vec::new();
    for effect in effects {
        if let signin::Effect::Save(signed_in) = &effect {
            state.sign_in.session.token_expires_at = Some(signed_in.token.expires_at);
        }
        out.push(Effect::SignIn(effect));
    }
    let Some(machine) = &state.sign_in.machine else {
        return out;
    };
    match &machine.phase {
        Phase::Done => {
            let signed_in = machine.result.as_ref().map(|r| r.token.expires_at);
            if let Some(expires_at) = signed_in {
                state.sign_in.session.token_expires_at = Some(expires_at);
                out.extend(super::credentials::ask_again_after_sign_in(state, now));
            }
            state.sign_in.machine = None;
            state.screen = Screen::Catalog;
            if state.list.stale && state.list.refresh.is_none() {
                state.list.refresh = Some(Refresh::default());
                out.push(Effect::ListCatalog);
            }
        }
        // A silent refresh keeps whatever is on screen.
        Phase::Refreshing | Phase::Idle => {}
        _ => state.screen = Screen::SignIn,
    }
    out
}

pub(super) fn on_sign_in(
    state: &mut AppState,
    event: signin::Event,
    now: SystemTime,
) -> Vec<Effect> {
    let Some(machine) = state.sign_in.machine.as_mut() else {
        return Vec::new();
    };
    let effects = machine.handle(event, now);
    after_sign_in_step(state, effects, now)
}

/// The sign-in screen's commands: they act on the phase that offers them.
pub(super) fn sign_in_command(
    state: &mut AppState,
    command: Command,
    now: SystemTime,
) -> Vec<Effect> {
    match (command, state.sign_in.machine.as_ref().map(|m| &m.phase)) {
        (Command::OpenBrowser, Some(Phase::WaitingForApproval(wait))) => {
            vec![Effect::OpenUrl(wait.verification_uri_complete.clone())]
        }
        (Command::CopyCode, Some(Phase::WaitingForApproval(wait))) => {
            let code = wait.user_code.clone();
            copy_code(state, code, now)
        }
        (Command::RetrySignIn, Some(Phase::Failed(_))) => start_sign_in(state, None, now),
        _ => Vec::new(),
    }
}

/// Sends the user code to the clipboard, saying what was done (nobody can know it worked).
fn copy_code(state: &mut AppState, code: String, now: SystemTime) -> Vec<Effect> {
    super::copy::copy_text(state, &format!("the code {code}"), &code, now)
}
