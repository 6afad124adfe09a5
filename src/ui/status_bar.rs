//! The status bar: the held session that matters most (its countdown coloured by urgency, and
//! said in words), the few most useful key hints from the live keymap, and the toast line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::ViewCtx;
use super::text;
use crate::core::app::command::Context;
use crate::core::app::state::{Focus, Held, Screen};
use crate::core::app::urgency::Urgency;
use crate::core::app::{AppState, Command};
use crate::core::countdown;

/// A held session's countdown: `7h 59m`, `4m 05s`, `expired`, or `no expiry`.
pub(crate) fn remaining_text(held: &Held, ctx: &ViewCtx) -> String {
    match held.credentials.expires_at {
        None => "no expiry".to_owned(),
        Some(at) => {
            countdown::remaining(at, ctx.now).map_or_else(|| "expired".to_owned(), countdown::human)
        }
    }
}

/// A held session's urgency now.
pub(crate) fn urgency_of(held: &Held, state: &AppState, ctx: &ViewCtx) -> Urgency {
    Urgency::of(
        held.credentials.expires_at,
        ctx.now,
        state.settings.thresholds,
    )
}

/// The session the status bar shows: the selected one while the sessions panel has the
/// focus, else the most urgent (soonest to expire among equals).
pub(crate) fn featured<'a>(state: &'a AppState, ctx: &ViewCtx) -> Option<&'a Held> {
    if state.focus == Focus::Sessions
        && let Some(h) = state.sessions.held.get(state.sessions.selected)
    {
        return Some(h);
    }
    state.sessions.held.iter().max_by(|a, b| {
        urgency_of(a, state, ctx)
            .cmp(&urgency_of(b, state, ctx))
            .then_with(|| b.credentials.expires_at.cmp(&a.credentials.expires_at))
    })
}

/// The hints for what is on screen, most useful first: (command, what it does here).
fn hints(state: &AppState) -> Vec<(Command, &'static str)> {
    match state.screen {
        // The sign-in screen shows its own keys (open browser, copy code, retry).
        Screen::SignIn => Vec::new(),
        Screen::Catalog => match state.focus {
            Focus::Roles => {
                let mut h = vec![
                    (Command::Assume, "assume"),
                    (Command::ToggleFavorite, "pin"),
                ];
                if !state.sessions.held.is_empty() {
                    h.push((Command::SwitchFocus, "sessions"));
                }
                h.push((Command::RefreshCatalog, "refresh"));
                h
            }
            Focus::Sessions => vec![
                (Command::Assume, "use"),
                (Command::RefreshCredentials, "renew"),
                (Command::SwitchFocus, "roles"),
            ],
        },
    }
}

fn hint_spans(state: &AppState, ctx: &ViewCtx, room: usize) -> Vec<Span<'static>> {
    let theme = &ctx.theme;
    let mut items: Vec<(String, &str)> = hints(state)
        .into_iter()
        .filter_map(|(c, what)| state.keymap.hint(c, Context::Catalog).map(|k| (k, what)))
        .collect();
    items.extend(
        state
            .keymap
            .hint(Command::Quit, Context::Catalog)
            .map(|k| (k, "quit")),
    );
    // Help always shows; the others go from the least useful (the end) while they do not fit.
    let help = state
        .keymap
        .hint(Command::Help, Context::Catalog)
        .map(|k| (k, "help"));
    let item_width = |(k, w): &(String, &str)| text::width(k) + 1 + text::width(w) + 2;
    let fixed: usize = help.iter().map(item_width).sum();
    while !items.is_empty() && items.iter().map(item_width).sum::<usize>() + fixed > room {
        items.pop();
    }
    if let Some(help) = help.filter(|h| item_width(h) <= room) {
        let at = items
            .len()
            .saturating_sub(usize::from(items.last().is_some_and(|i| i.1 == "quit")));
        items.insert(at, help);
    }
    let mut spans = Vec::new();
    for (key, what) in items {
        spans.push(Span::styled(key, theme.accent));
        spans.push(Span::styled(format!(" {what}  "), theme.dim));
    }
    spans
}

fn session_spans(held: &Held, state: &AppState, ctx: &ViewCtx, room: usize) -> Vec<Span<'static>> {
    let theme = &ctx.theme;
    let urgency = urgency_of(held, state, ctx);
    let style = theme.urgency(urgency);
    let remaining = remaining_text(held, ctx);
    let tail = match urgency {
        Urgency::Ok | Urgency::Expired => String::new(),
        other => format!(" {}", other.label()),
    };
    let fixed = 1 + text::width(&remaining) + text::width(&tail) + 2;
    let label = text::fit(&held.label(), room.saturating_sub(fixed + 1).min(40));
    let mut spans = vec![Span::raw(" ")];
    if !label.is_empty() {
        spans.push(Span::styled(label, theme.strong));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(remaining, style));
    if !tail.is_empty() {
        spans.push(Span::styled(tail, style));
    }
    spans
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let width = usize::from(area.width);
    let left = featured(state, ctx)
        .map(|h| session_spans(h, state, ctx, width / 2))
        .unwrap_or_default();
    let left_width: usize = left.iter().map(|s| text::width(&s.content)).sum();
    let right = hint_spans(state, ctx, width.saturating_sub(left_width + 2));
    let right_width: usize = right.iter().map(|s| text::width(&s.content)).sum();
    let mut spans = left;
    spans.push(Span::raw(
        " ".repeat(width.saturating_sub(left_width + right_width)),
    ));
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The toast line.
pub(crate) fn draw_toast(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let Some(toast) = &state.toast else {
        return;
    };
    let prefix = super::layout::toast_prefix(toast.level);
    let room = usize::from(area.width).saturating_sub(2);
    let style = ctx.theme.toast(toast.level);
    let full = format!("{prefix}{}", toast.text_at(ctx.now));
    let rows = usize::from(area.height).max(1);
    let mut parts = if rows == 1 {
        vec![text::fit(&full, room)]
    } else {
        text::wrap_words(&full, room.max(1))
    };
    if parts.len() > rows {
        parts.truncate(rows);
        if let Some(last) = parts.last_mut() {
            *last = text::fit(&format!("{last}  …"), room);
        }
    }
    let lines: Vec<Line> = parts
        .into_iter()
        .map(|p| Line::from(vec![Span::raw(" "), Span::styled(p, style)]))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
