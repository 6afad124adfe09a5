//! The hand-over menu: what to do with the credentials just obtained (quit and print the
//! exports for `eval`, show them, or close), centered over the body.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::ViewCtx;
use super::layout::centered;
use super::status_bar::{remaining_text, urgency_of};
use super::text;
use crate::core::app::command::Context;
use crate::core::app::state::Handover;
use crate::core::app::{AppState, Command};

/// The keys the menu reads, from the live keymap.
fn footer(state: &AppState) -> String {
    state.keymap.hint_line(
        Context::Menu,
        &[
            (&[Command::Up, Command::Down], "choose"),
            (&[Command::Choose], "ok"),
            (&[Command::Back], "close"),
        ],
    )
}

pub(crate) fn draw(
    frame: &mut Frame,
    area: Rect,
    menu: &Handover,
    state: &AppState,
    ctx: &ViewCtx,
) {
    let theme = &ctx.theme;
    let Some(held) = state.held(menu.held_id) else {
        return;
    };
    let actions = state.handover_actions();
    let labels: Vec<String> = actions.iter().map(|a| state.action_label(*a)).collect();
    let widest = labels.iter().map(|l| text::width(l)).max().unwrap_or(0);
    let arn_w = held.caller_arn.as_deref().map_or(0, |a| text::width(a) + 4);
    let want_w =
        u16::try_from(widest.max(text::width(&held.label())).max(arn_w) + 10).unwrap_or(u16::MAX);
    let extra = usize::from(held.caller_arn.is_some()) + 2 * usize::from(held.note.is_some());
    let want_h = u16::try_from(actions.len() + 6 + extra).unwrap_or(u16::MAX);
    let rect = centered(area, want_w.max(48), want_h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(" credentials ready ", theme.accent))
        .title_bottom(Span::styled(format!(" {} ", footer(state)), theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let width = usize::from(inner.width).saturating_sub(2);
    let urgency = urgency_of(held, state, ctx);
    let left = remaining_text(held, ctx);
    let mut lines = vec![
        Line::from(vec![
            Span::raw(" "),
            Span::styled(text::fit(&held.label(), width), theme.strong),
        ]),
        Line::from(vec![
            Span::styled(" expires in ", theme.dim),
            Span::styled(left, theme.urgency(urgency)),
        ]),
    ];
    if let Some(arn) = &held.caller_arn {
        lines.push(Line::from(vec![
            Span::styled(" as ", theme.dim),
            Span::raw(text::fit(arn, width.saturating_sub(4))),
        ]));
    }
    if let Some(note) = &held.note {
        for part in text::wrap_words(note, width.saturating_sub(1))
            .into_iter()
            .take(2)
        {
            lines.push(Line::styled(format!(" {part}"), theme.warn));
        }
    }
    lines.push(Line::raw(""));
    let selected = menu.selected.min(actions.len().saturating_sub(1));
    for (i, label) in labels.iter().enumerate() {
        let (mark, style) = if i == selected {
            ("›", theme.selection)
        } else {
            (" ", Style::default())
        };
        let label = format!(" {mark} {label}");
        lines.push(Line::styled(text::fit_pad(&label, width + 1), style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
