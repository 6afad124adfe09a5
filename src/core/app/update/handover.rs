//! The hand-over menu's entries: what each does with the chosen credentials.

use crate::core::app::effect::{Effect, ExitPlan};
use crate::core::app::state::{AppState, HandoverAction, Modal, profile_name};

use super::chains;

/// Runs a hand-over menu entry.
pub(super) fn choose(state: &mut AppState, held_id: u64, action: HandoverAction) -> Vec<Effect> {
    state.modal = Modal::None;
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
            state.open(Modal::Exports { held_id });
            Vec::new()
        }
        HandoverAction::Close => Vec::new(),
    }
}
