//! Chains in the app: assuming one from the list, refreshing a held one from its source, the
//! MFA question, the "assume another role…" form, and "who am I" answers.

use std::time::SystemTime;

use super::{after_new_credentials, renewal_done, renewal_failed, toast};
use crate::core::app::command::{Command, Context};
use crate::core::app::effect::{Effect, ExitPlan};
use crate::core::app::key::Key;
use crate::core::app::msg::{ChainDone, ChainFailed};
use crate::core::app::prompt::{AssumeForm, Edit, MfaError, MfaQuestion, Prompt};
use crate::core::app::state::{AppState, CHAIN_MARK, Held, Level, Modal, PendingChain};
use crate::core::chain::{ChainOrigin, ChainSource, ChainSpec};
use crate::secret::Secret;

/// How many ad-hoc role ARNs the form remembers.
const HISTORY: usize = 20;

/// Starts assuming `spec`; `refreshing` names the held session it renews.
pub(super) fn assume_chain(
    state: &mut AppState,
    spec: ChainSpec,
    refreshing: Option<u64>,
    fresh: bool,
    now: SystemTime,
) -> Vec<Effect> {
    if state
        .requests
        .chains
        .values()
        .any(|p| p.spec.name == spec.name)
    {
        return Vec::new();
    }
    let pending = PendingChain {
        spec,
        refreshing,
        fresh,
    };
    request(state, pending, Vec::new(), now)
}

fn request(
    state: &mut AppState,
    pending: PendingChain,
    codes: Vec<(String, Secret<String>)>,
    now: SystemTime,
) -> Vec<Effect> {
    let id = state.fresh_id();
    let verb = if pending.refreshing.is_some() {
        "refreshing"
    } else {
        "assuming"
    };
    toast(
        state,
        now,
        Level::Info,
        format!("{verb} {CHAIN_MARK} {}…", pending.spec.name),
    );
    let effect = Effect::AssumeChain {
        request: id,
        spec: Box::new(pending.spec.clone()),
        chains: adhoc_chains(state),
        codes,
        fresh: pending.fresh,
    };
    state.requests.chains.insert(id, pending);
    vec![effect]
}

/// The ad-hoc chains held now: a later ad-hoc chain may name one as its source.
fn adhoc_chains(state: &AppState) -> Vec<ChainSpec> {
    state
        .sessions
        .held
        .iter()
        .filter_map(|h| h.chain.clone())
        .filter(|c| c.origin == ChainOrigin::AdHoc)
        .collect()
}

fn stop_refreshing(state: &mut AppState, id: Option<u64>) {
    if let Some(h) = id.and_then(|id| state.sessions.get_mut(id)) {
        h.refreshing = false;
    }
}

/// Asks for an MFA code for `pending` (again, with `error`, after a wrong one).
fn ask_mfa(state: &mut AppState, pending: PendingChain, serial: String, error: Option<MfaError>) {
    state.toast = None;
    state.open(Modal::prompt_of(Prompt::Mfa(MfaQuestion {
        pending,
        serial,
        input: String::new(),
        error,
    })));
}

pub(super) fn on_chain_assumed(
    state: &mut AppState,
    request: u64,
    result: Result<ChainDone, ChainFailed>,
    now: SystemTime,
) -> Vec<Effect> {
    let Some(pending) = state.requests.chains.remove(&request) else {
        return Vec::new();
    };
    let done = match result {
        Ok(done) => done,
        // A wrong code keeps the question open, saying so, for the next code.
        Err(ChainFailed::NeedsMfa { serial }) => {
            ask_mfa(state, pending, serial, None);
            return Vec::new();
        }
        Err(ChainFailed::WrongMfa { serial }) => {
            ask_mfa(state, pending, serial, Some(MfaError::NotAccepted));
            return Vec::new();
        }
        Err(ChainFailed::Failed(failure)) => {
            return renewal_failed(state, pending.refreshing, failure, now);
        }
    };
    let refreshing = pending.refreshing;
    let spec = pending.spec;
    let existing = refreshing
        .or_else(|| {
            state
                .sessions
                .held
                .iter()
                .find(|h| h.chain.as_ref().is_some_and(|c| c.name == spec.name))
                .map(|h| h.id)
        })
        .and_then(|id| state.sessions.get_mut(id));
    let Some(held) = existing else {
        let id = hold_chain(state, spec, done, now);
        return after_new_credentials(state, id, now);
    };
    held.caller_arn = done.caller_arn.or(held.caller_arn.take());
    held.note = done.note;
    held.region = Some(done.region);
    held.chain = Some(spec);
    let id = held.id;
    if refreshing.is_some() {
        renewal_done(state, id, done.credentials, now);
        return Vec::new();
    }
    held.renewed(done.credentials);
    after_new_credentials(state, id, now)
}

/// Holds a chain's first credentials; says why they are shorter than asked, if they are.
fn hold_chain(state: &mut AppState, spec: ChainSpec, done: ChainDone, now: SystemTime) -> u64 {
    let role = spec.role();
    let account_id = role
        .as_ref()
        .map(|r| r.account_id().to_string())
        .unwrap_or_default();
    let account_name = state.list.account_name(&account_id);
    let id = state.fresh_id();
    let mut held = Held::sso(
        id,
        account_id,
        account_name,
        role.map(|r| r.name().to_owned()).unwrap_or_default(),
        done.credentials,
    );
    held.chain = Some(spec);
    held.caller_arn = done.caller_arn;
    held.note = done.note;
    held.region = Some(done.region);
    if let Some(note) = &held.note {
        let text = format!("{}: {note}", held.label());
        state.sessions.held.push(held);
        toast(state, now, Level::Warn, text);
    } else {
        state.sessions.held.push(held);
        if state.toast.as_ref().is_some_and(|t| t.level == Level::Info) {
            state.toast = None;
        }
    }
    id
}

pub(super) fn on_identity(state: &mut AppState, held_id: u64, arn: Option<String>) {
    if let Some(held) = state.sessions.get_mut(held_id)
        && arn.is_some()
    {
        held.caller_arn = arn;
    }
}

/// Opens "assume another role…" with the held session `held_id` as the source.
pub(super) fn open_assume_form(state: &mut AppState, held_id: u64) {
    let Some(held) = state.held(held_id) else {
        return;
    };
    let source = match &held.chain {
        Some(spec) => ChainSource::Chain(spec.name.clone()),
        None => ChainSource::Sso {
            session: Some(state.sign_in.session.name.clone()),
            account: held.account_id.clone(),
            role: held.role.clone(),
        },
    };
    // Both SSO role credentials and a chain's are role sessions.
    let form = AssumeForm::new(held_id, source, held.label(), true);
    state.open(Modal::prompt_of(Prompt::Assume(form)));
}

/// A key while a prompt is open: the question is taken out, edited, and put back unless the
/// key answered or cancelled it.
pub(super) fn on_prompt_key(state: &mut AppState, key: Key, now: SystemTime) -> Vec<Effect> {
    if state.modal.prompt().is_none() {
        return Vec::new();
    }
    let Modal::Prompt(prompt) = std::mem::take(&mut state.modal) else {
        return Vec::new();
    };
    match *prompt {
        Prompt::Region(question) => super::region::on_key(state, question, key, now),
        Prompt::Mfa(mut question) => match question.key(key, &state.keymap) {
            Edit::Continue => {
                state.modal = Modal::prompt_of(Prompt::Mfa(question));
                Vec::new()
            }
            Edit::Cancel => {
                stop_refreshing(state, question.pending.refreshing);
                Vec::new()
            }
            Edit::Submit => {
                let codes = vec![(question.serial, Secret::new(question.input))];
                request(state, question.pending, codes, now)
            }
        },
        Prompt::Setup(mut form) => match form.key(key, &state.keymap) {
            Edit::Continue => {
                state.modal = Modal::prompt_of(Prompt::Setup(form));
                Vec::new()
            }
            // Nothing is behind the first-run form: a quit key ends the app; Esc never does.
            Edit::Cancel if is_quit_key(state, key) => {
                state.exit.get_or_insert(ExitPlan::Nothing);
                vec![Effect::Exit]
            }
            Edit::Cancel => {
                form.back(state.keymap.hint(Command::Quit, Context::Global));
                state.modal = Modal::prompt_of(Prompt::Setup(form));
                Vec::new()
            }
            Edit::Submit => {
                let Ok(session) = form.answers() else {
                    return Vec::new();
                };
                state.modal = Modal::prompt_of(Prompt::Setup(form));
                vec![Effect::WriteSsoSession(Box::new(session))]
            }
        },
        Prompt::Assume(mut form) => match form.key(key, &state.keymap, &state.role_history) {
            Edit::Continue => {
                state.modal = Modal::prompt_of(Prompt::Assume(form));
                Vec::new()
            }
            Edit::Cancel => Vec::new(),
            Edit::Submit => {
                let Ok(spec) = form.spec() else {
                    return Vec::new();
                };
                state.role_history.retain(|a| *a != spec.role_arn);
                state.role_history.insert(0, spec.role_arn.clone());
                state.role_history.truncate(HISTORY);
                let mut effects = assume_chain(state, spec, None, false, now);
                effects.push(Effect::SaveRoleHistory(state.role_history.clone()));
                effects
            }
        },
    }
}

/// `key` quits the app elsewhere (ctrl-c, ctrl-q), and types nothing here (unlike `q`).
fn is_quit_key(state: &AppState, key: Key) -> bool {
    !matches!(key, Key::Char(_))
        && state.keymap.command(key, Context::Global) == Some(Command::Quit)
}
