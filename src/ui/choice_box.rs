//! The two small boxes that ask for one key: the copy box (what to copy, a key each) and the
//! question before credentials of a marked environment are handed over.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::ViewCtx;
use super::layout::centered;
use super::text;
use crate::core::app::command::Context;
use crate::core::app::state::{CopyFrom, HandoverAction};
use crate::core::app::{AppState, Command};

/// The copy box: what it copies from, and a line per thing with its key.
pub(crate) fn draw_copy(
    frame: &mut Frame,
    area: Rect,
    from: CopyFrom,
    state: &AppState,
    ctx: &ViewCtx,
) {
    let theme = &ctx.theme;
    let label = match from {
        CopyFrom::Held(id) => state.held(id).map(|h| h.label()),
        CopyFrom::Row(index) => state
            .row(index)
            .map(|r| format!("{}/{}", r.account_name, r.role_name)),
    }
    .unwrap_or_default();
    let mut lines = vec![Line::from(vec![
        Span::raw(" "),
        Span::styled(text::escape(&label), theme.strong),
    ])];
    lines.push(Line::raw(""));
    for command in from.commands() {
        let key = state
            .keymap
            .hint(*command, Context::Copy)
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!(" {key:>3} "), theme.accent),
            Span::raw(command.description()),
        ]));
    }
    if matches!(from, CopyFrom::Row(_)) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            " the exports and a console URL once assumed",
            theme.dim,
        ));
    }
    let footer = state
        .keymap
        .hint_line(Context::Copy, &[(&[Command::Back], "close")]);
    draw_box(frame, area, " copy ", lines, &footer, ctx);
}

/// The question: which environment, what would be handed over, and the keys.
pub(crate) fn draw_confirm(
    frame: &mut Frame,
    area: Rect,
    (held_id, action): (u64, HandoverAction),
    state: &AppState,
    ctx: &ViewCtx,
) {
    let theme = &ctx.theme;
    let Some(held) = state.held(held_id) else {
        return;
    };
    let mut badge = Vec::new();
    if let Some(mark) = state.mark_of_held(held) {
        badge.push(Span::styled(
            format!(" {} ", mark.name.as_str()),
            theme.mark_block(mark.colour),
        ));
        badge.push(Span::raw(" "));
    }
    let mut first = vec![Span::raw(" ")];
    first.extend(badge);
    first.push(Span::styled(text::escape(&held.label()), theme.strong));
    let lines = vec![
        Line::from(first),
        Line::raw(""),
        Line::raw(format!(
            " {}?",
            state.action_label(action).trim_end_matches('…')
        )),
    ];
    let footer = state.keymap.hint_line(
        Context::Confirm,
        &[(&[Command::Confirm], "yes"), (&[Command::Back], "no")],
    );
    draw_box(frame, area, " hand over? ", lines, &footer, ctx);
}

fn draw_box(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    footer: &str,
    ctx: &ViewCtx,
) {
    let theme = &ctx.theme;
    let widest = lines
        .iter()
        .map(Line::width)
        .chain([text::width(footer) + 4])
        .max()
        .unwrap_or(0);
    let want_w = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let want_h = u16::try_from(lines.len() + 3).unwrap_or(u16::MAX);
    let rect = centered(area, want_w.max(40), want_h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(title.to_owned(), theme.accent))
        .title_bottom(Span::styled(format!(" {footer} "), theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let mut out = vec![Line::raw("")];
    out.extend(lines);
    frame.render_widget(Paragraph::new(out), inner);
}
