//! `r`: the region of the selected role (a row of the list) or held session, asked with the
//! region it has now prefilled, kept by [`region_key`] and saved between runs. The region rule
//! takes it first ([`crate::core::region::hand_over_region`]'s "chosen").

use std::time::SystemTime;

use super::toast;
use crate::core::app::effect::Effect;
use crate::core::app::key::Key;
use crate::core::app::prompt::{Edit, Prompt, RegionQuestion};
use crate::core::app::state::{AppState, Focus, Level, Modal, region_key};

/// Opens the question for the selected session (sessions panel) or row (list).
pub(super) fn open(state: &mut AppState) -> Vec<Effect> {
    let question = match state.focus {
        Focus::Sessions => state.sessions.selected().map(|held| RegionQuestion {
            key: region_key(&held.account_id, &held.role, held.chain.as_ref()),
            label: held.label(),
            input: state.region_of(held),
            error: None,
        }),
        Focus::Roles => state.selected_row().and_then(|index| {
            let row = state.row(index)?;
            let chain = state.chain_of_row(index);
            let key = region_key(&row.account_id, &row.role_name, chain);
            let chosen = state.chosen_regions.get(&key).map(String::as_str);
            let input = state.settings.region_for(
                (&row.account_id, &row.account_name, &row.role_name),
                chain,
                None,
                chosen,
            );
            let label = chain.map_or_else(
                || format!("{}/{}", row.account_name, row.role_name),
                |c| format!("{} {}", crate::core::app::state::CHAIN_MARK, c.name),
            );
            Some(RegionQuestion {
                key,
                label,
                input,
                error: None,
            })
        }),
    };
    if let Some(question) = question {
        state.open(Modal::prompt_of(Prompt::Region(question)));
    }
    Vec::new()
}

/// A key for the question: typed, or answered (the region kept and saved), or cancelled.
pub(super) fn on_key(
    state: &mut AppState,
    mut question: RegionQuestion,
    key: Key,
    now: SystemTime,
) -> Vec<Effect> {
    match question.key(key, &state.keymap) {
        Edit::Continue => {
            state.modal = Modal::prompt_of(Prompt::Region(question));
            Vec::new()
        }
        Edit::Cancel => Vec::new(),
        Edit::Submit => {
            // Checked by `question.key`.
            let Ok(answer) = question.answer() else {
                return Vec::new();
            };
            let text = match answer {
                Some(region) => {
                    let text = format!("{}: region {region}", question.label);
                    state
                        .chosen_regions
                        .insert(question.key, region.to_string());
                    text
                }
                None => {
                    state.chosen_regions.remove(&question.key);
                    format!("{}: the region follows the rule again", question.label)
                }
            };
            toast(state, now, Level::Info, text);
            vec![Effect::SaveRegions(state.chosen_regions.clone())]
        }
    }
}
