//! The sessions panel: every set of credentials held in this run, with its access key id
//! (never the secret), its environment's badge, the time left coloured by urgency and said in words, and whether it is
//! being refreshed. The selected one is highlighted while the panel has the focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::ViewCtx;
use super::status_bar::{remaining_text, urgency_of};
use super::text;
use crate::core::app::command::Context;
use crate::core::app::state::Focus;
use crate::core::app::urgency::Urgency;
use crate::core::app::{AppState, Command};

/// Width of the access key id column (`ASIA` + 16).
const KEY_WIDTH: usize = 20;
/// Width of the time-left column (`59m 59s`, `expired`).
const LEFT_WIDTH: usize = 8;
/// The marker of a session being refreshed.
pub(crate) const REFRESHING: &str = "↻ renewing";
/// Width of the urgency column (`expiring soon`).
const URGENCY_WIDTH: usize = 13;

pub(crate) fn draw(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let focused = state.focus == Focus::Sessions;
    let title_style = if focused { theme.accent } else { theme.dim };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.accent } else { theme.border })
        .title(Span::styled(
            format!(" sessions ({}) ", state.sessions.held.len()),
            title_style,
        ));
    if let Some(key) = state.keymap.hint(Command::SwitchFocus, Context::Catalog) {
        let what = if focused { "back to roles" } else { "select" };
        block = block.title(
            Line::from(vec![
                Span::styled(format!(" {key}"), theme.accent),
                Span::styled(format!(" {what} "), theme.dim),
            ])
            .right_aligned(),
        );
    }
    let renew = state
        .keymap
        .hint(Command::RefreshCredentials, Context::Catalog)
        .map_or_else(String::new, |k| format!("{k} renews"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = usize::from(inner.height).max(1);
    let offset = state.sessions.selected.saturating_sub(rows - 1);
    let width = usize::from(inner.width);
    let fixed = 1 + 2 + KEY_WIDTH + 2 + LEFT_WIDTH + 1 + URGENCY_WIDTH + 1;
    let label_w = width.saturating_sub(fixed).clamp(8, 44);
    let mut lines = Vec::new();
    for (i, held) in state
        .sessions
        .held
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
    {
        let selected = focused && i == state.sessions.selected;
        let base = if selected {
            theme.selection
        } else {
            Style::default()
        };
        let urgency = urgency_of(held, state, ctx);
        let urgent = base.patch(theme.urgency(urgency));
        // While renewing, the marker takes the urgency word's place (the colour stays).
        let (word, word_style) = match urgency {
            _ if held.refreshing => (REFRESHING, base.patch(theme.accent)),
            Urgency::Ok => ("", urgent),
            // The time column already says `expired`: say what to do instead.
            Urgency::Expired => (renew.as_str(), base.patch(theme.dim)),
            other => (other.label(), urgent),
        };
        let key_style = if selected { base } else { theme.dim };
        let mut spans = vec![Span::styled(" ", base)];
        // The environment's badge, in a column as wide as the widest one.
        let mut label_w = label_w;
        let badge_w = state.settings.marks.badge_width();
        if badge_w > 0 {
            let mark = state.mark_of_held(held);
            let badge = format!("{:<badge_w$} ", mark.map_or("", |m| m.name.as_str()));
            let style = mark.map_or(base, |m| base.patch(theme.mark(m.colour)));
            label_w = label_w.saturating_sub(badge.len());
            spans.push(Span::styled(badge, style));
        }
        spans.extend([
            Span::styled(text::fit_pad(&held.label(), label_w), base),
            Span::styled("  ", base),
            Span::styled(
                text::fit_pad(&held.credentials.access_key_id, KEY_WIDTH),
                key_style,
            ),
            Span::styled("  ", base),
            Span::styled(
                format!("{:>LEFT_WIDTH$}", remaining_text(held, ctx)),
                urgent,
            ),
            Span::styled(" ", base),
            Span::styled(format!("{word:<URGENCY_WIDTH$}"), word_style),
            Span::styled(" ", base),
        ]);
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
