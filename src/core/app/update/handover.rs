//! The hand-over menu's entries: what each does with the chosen credentials.

use std::time::SystemTime;

use crate::core::app::effect::{Effect, ExitPlan};
use crate::core::app::state::{
    AppSettings, AppState, CopyFrom, HandoverAction, Held, Modal, profile_name,
};

use super::{chains, copy};

/// Runs a hand-over menu entry; one that gives away credentials of an environment marked
/// `confirm` asks first.
pub(super) fn choose(
    state: &mut AppState,
    held_id: u64,
    action: HandoverAction,
    now: SystemTime,
) -> Vec<Effect> {
    state.modal = Modal::None;
    let Some(held) = state.held(held_id) else {
        return Vec::new();
    };
    if action.hands_over() && state.mark_of_held(held).is_some_and(|m| m.confirm) {
        state.open(Modal::Confirm { held_id, action });
        return Vec::new();
    }
    hand_over(state, held_id, action, now)
}

/// Runs a hand-over menu entry, asked or not.
pub(super) fn hand_over(
    state: &mut AppState,
    held_id: u64,
    action: HandoverAction,
    now: SystemTime,
) -> Vec<Effect> {
    state.modal = Modal::None;
    let Some(held) = state.held(held_id).cloned() else {
        return Vec::new();
    };
    let region = state.region_of(&held);
    if let Some(plan) = exit_plan(&state.settings, &held, action, &region) {
        state.exit = Some(plan);
        return vec![Effect::Exit];
    }
    match action {
        HandoverAction::WriteProfile => vec![Effect::WriteProfile {
            profile: match &held.chain {
                Some(chain) => crate::core::profile_name::sanitize(&chain.name),
                None => profile_name(&held.account_name, &held.role),
            },
            credentials: held.credentials,
            region,
        }],
        HandoverAction::Console | HandoverAction::CopyConsoleUrl => vec![Effect::OpenConsole {
            chained: held
                .chain
                .as_ref()
                .is_some_and(crate::core::chain::ChainSpec::is_role_chained),
            credentials: held.credentials,
            copy: action == HandoverAction::CopyConsoleUrl,
            region,
        }],
        HandoverAction::Copy => {
            state.open(Modal::Copy(CopyFrom::Held(held_id)));
            Vec::new()
        }
        HandoverAction::CopyExports => match copy::exports_text(state, held_id) {
            Some(text) => {
                let what = format!("the exports of {}", held.label());
                copy::copy_text(state, &what, &text, now)
            }
            None => Vec::new(),
        },
        HandoverAction::AssumeAnother => {
            chains::open_assume_form(state, held_id);
            Vec::new()
        }
        HandoverAction::ShowExports => {
            state.open(Modal::Exports { held_id });
            Vec::new()
        }
        HandoverAction::PrintExports
        | HandoverAction::Subshell
        | HandoverAction::Custom(_)
        | HandoverAction::Close => Vec::new(),
    }
}

/// The entries that leave the app (print the exports, a subshell, a custom action): what runs
/// after the terminal is restored.
fn exit_plan(
    settings: &AppSettings,
    held: &Held,
    action: HandoverAction,
    region: &str,
) -> Option<ExitPlan> {
    let credentials = held.credentials.clone();
    let region = region.to_owned();
    match action {
        HandoverAction::PrintExports => Some(ExitPlan::PrintExports {
            label: held.label(),
            credentials,
            region,
        }),
        HandoverAction::Subshell => Some(ExitPlan::Run {
            label: held.label(),
            credentials,
            region,
            command: None,
            pause: false,
            served_from: Some(held.target()),
        }),
        HandoverAction::Custom(i) => {
            let custom = settings.actions.get(i)?;
            let command = custom.render(&held.account_id, &held.account_name, &held.role, &region);
            Some(ExitPlan::Run {
                label: format!("{} ({})", custom.name, held.label()),
                credentials,
                region,
                command: Some(command),
                pause: custom.pause,
                served_from: None,
            })
        }
        _ => None,
    }
}
