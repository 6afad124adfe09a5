//! Pasted text (the terminal's bracketed paste): one edit, not one key per character. Typed
//! one key at a time, a 100 KB paste re-ran the search 100,000 times (the screen froze for
//! minutes) and any character could fire a command (`q` quits). Pasted text only ever edits
//! text: the search query, or the answer a question is waiting for.

use super::{AppState, Effect, Focus, Modal, Screen};

/// The most characters a paste adds (a query or an answer never needs more).
pub(crate) const PASTE_LIMIT: usize = 1024;

/// What of a paste is kept: no control characters (line breaks, escapes, tabs), at most
/// [`PASTE_LIMIT`] characters.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(PASTE_LIMIT)
        .collect()
}

pub(crate) fn on_paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = clean(text);
    if text.is_empty() {
        return Vec::new();
    }
    // A question being asked takes the text as typed (it only edits its line).
    if let Modal::Prompt(prompt) = &mut state.modal {
        prompt.paste(&text);
        return Vec::new();
    }
    let searching =
        state.screen == Screen::Catalog && state.focus == Focus::Roles && !state.modal.is_open();
    if searching {
        state.list.query.push_str(&text);
        state.list.query_changed();
    }
    Vec::new()
}
