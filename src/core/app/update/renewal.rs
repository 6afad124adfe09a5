//! Held sessions renewed before they expire without being asked: which are due at a tick (in
//! use, `renew_before` or less left, not asked yet for these credentials), and what a renewal's
//! answer does (new credentials; or a message, the countdown going on to the real expiry).

use std::time::SystemTime;

use crate::core::app::effect::Effect;
use crate::core::app::msg::Failed;
use crate::core::app::state::{AppState, Level, ToastCountdown};
use crate::core::credentials::Credentials;

use super::{on_failure, renew, toast};

/// The held sessions a renewal is due for at `now`. None while signing in (no token to renew
/// with) or with `[sessions] auto_renew = false`.
fn due(state: &AppState, now: SystemTime) -> Vec<u64> {
    if !state.settings.auto_renew || state.sign_in.machine.is_some() {
        return Vec::new();
    }
    let lead = state.settings.renew_before;
    state
        .sessions
        .held
        .iter()
        .filter(|h| h.in_use && !h.refreshing && !h.renew_asked)
        .filter(|h| h.credentials.expires_at.is_some_and(|at| now + lead >= at))
        .map(|h| h.id)
        .collect()
}

/// Starts the renewals due at `now`, each once for its credentials, silently: the message on
/// screen (an expiry warning, say) stays; the sessions panel marks them renewing.
pub(super) fn renew_due(state: &mut AppState, now: SystemTime) -> Vec<Effect> {
    let mut effects = Vec::new();
    let shown = state.toast.clone();
    for id in due(state, now) {
        if let Some(held) = state.sessions.get_mut(id) {
            held.renew_asked = true;
        }
        effects.extend(renew(state, id, now));
    }
    if !effects.is_empty() {
        state.toast = shown;
    }
    effects
}

/// New credentials for held session `id`, asked for by the user or due. Credentials that do
/// not outlast the lead time (a role whose sessions are that short) are not renewed again
/// unasked: that would ask AWS on every tick.
pub(super) fn renewal_done(
    state: &mut AppState,
    id: u64,
    credentials: Credentials,
    now: SystemTime,
) {
    let lead = state.settings.renew_before;
    let Some(held) = state.sessions.get_mut(id) else {
        return;
    };
    let verb = if held.renew_asked {
        "renewed before it expired"
    } else {
        "refreshed"
    };
    held.renewed(credentials);
    held.renew_asked = held
        .credentials
        .expires_at
        .is_some_and(|at| now + lead >= at);
    let text = format!("{} {verb}", held.label());
    toast(state, now, Level::Info, text);
}

/// A request failed; `refreshing` names the held session it renewed. A refused sign-in is
/// renewed first; otherwise the renewal's failure is said with the time still left (the
/// credentials held are unchanged and go on counting down).
pub(super) fn renewal_failed(
    state: &mut AppState,
    refreshing: Option<u64>,
    failure: Failed,
    now: SystemTime,
) -> Vec<Effect> {
    let Some(held) = refreshing.and_then(|id| state.sessions.get_mut(id)) else {
        return on_failure(state, failure, now);
    };
    held.refreshing = false;
    if failure.needs_sign_in {
        return on_failure(state, failure, now);
    }
    let (label, expires_at) = (held.label(), held.credentials.expires_at);
    toast(
        state,
        now,
        Level::Error,
        format!("cannot renew {label}: {}", failure.message),
    );
    if let (Some(t), Some(to)) = (state.toast.as_mut(), expires_at) {
        t.text.push_str(" — it expires ");
        t.countdown = Some(ToastCountdown {
            to,
            then: String::new(),
        });
    }
    Vec::new()
}
