//! The screen, drawn from the state: `draw(frame, &AppState, &ViewCtx)`. Pure: it reads the
//! state and the injected `now`, never mutates, never reads the clock or the environment.
//!
//! | module | draws |
//! |---|---|
//! | [`layout`] | where everything goes; [`layout::list_area`] for `Msg::Resize` |
//! | [`theme`] | semantic styles on the 16 colours; `NO_COLOR` |
//! | [`text`] | escaping API strings and fitting them by display width |
//! | [`header`] | identity center · region · start URL, the session countdown |
//! | [`signin_screen`] | the sign-in screen: the user code large, the URL, the code's countdown |
//! | [`big_text`] | the large letters of the user code |
//! | [`catalog_screen`] | the search line and the account × role list |
//! | [`detail_pane`] | the selected role's details |
//! | [`sessions_panel`] | the credentials held in this run and their countdowns |
//! | [`status_bar`] | the featured session's countdown, key hints, the toast line |
//! | [`help_overlay`] | `?` help from the live keymap |
//! | [`handover_menu`] | what to do with fresh credentials |
//! | [`exports_overlay`] | the export lines, secrets masked |
//! | [`prompt_overlay`] | the MFA code question and the "assume another role" form |
//! | [`choice_box`] | the copy box and the question before handing over a marked environment |

pub(crate) mod big_text;
pub(crate) mod catalog_screen;
pub(crate) mod choice_box;
pub(crate) mod detail_pane;
pub(crate) mod exports_overlay;
pub(crate) mod handover_menu;
pub(crate) mod header;
pub(crate) mod help_overlay;
pub mod layout;
pub(crate) mod prompt_overlay;
pub(crate) mod sessions_panel;
pub(crate) mod signin_screen;
pub(crate) mod status_bar;
pub(crate) mod text;
pub mod theme;

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::buffer::Buffer;

use crate::core::app::AppState;
use crate::core::app::state::{Modal, Screen};

pub use theme::Theme;

/// What the view needs besides the state: the time to count down from and the styles.
#[derive(Debug, Clone)]
pub struct ViewCtx {
    pub now: SystemTime,
    pub theme: Theme,
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, state: &AppState, ctx: &ViewCtx) {
    let regions = layout::regions(frame.area(), layout::toast_lines(state, frame.area().width));
    header::draw(frame, regions.header, state, ctx);
    match state.screen {
        Screen::SignIn => signin_screen::draw(frame, regions.body, state, ctx),
        Screen::Catalog => {
            let areas = layout::catalog(regions.body, state);
            catalog_screen::draw(frame, &areas, state, ctx);
            if let Some(detail) = areas.detail {
                detail_pane::draw(frame, detail, state, ctx);
            }
            if let Some(area) = areas.sessions {
                sessions_panel::draw(frame, area, state, ctx);
            }
        }
    }
    if let Some(area) = regions.toast {
        status_bar::draw_toast(frame, area, state, ctx);
    }
    status_bar::draw(frame, regions.status, state, ctx);
    match &state.modal {
        Modal::None => {}
        Modal::Menu(menu) => handover_menu::draw(frame, regions.body, menu, state, ctx),
        Modal::Prompt(prompt) => {
            prompt_overlay::draw(frame, regions.body, prompt, &state.keymap, ctx);
        }
        Modal::Help { .. } => help_overlay::draw(frame, frame.area(), state, ctx),
        Modal::Exports { held_id } => {
            exports_overlay::draw(frame, frame.area(), *held_id, state, ctx);
        }
        Modal::Copy(from) => choice_box::draw_copy(frame, regions.body, *from, state, ctx),
        Modal::Confirm { held_id, action } => {
            choice_box::draw_confirm(frame, regions.body, (*held_id, *action), state, ctx);
        }
    }
}

/// A drawn buffer as text, one line per row with trailing spaces trimmed; a wide character's
/// hidden second cell is skipped (for snapshots and tests that read the screen).
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in area.left()..area.right() {
            let symbol = buffer[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(symbol);
            skip = text::width(symbol).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
