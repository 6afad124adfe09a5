//! The exports of a held session, as `export` lines with the secrets masked: the screen may be
//! shared or recorded. "Quit and print the exports" prints the real values for `eval`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::ViewCtx;
use super::layout::centered;
use super::text;
use crate::core::app::AppState;
use crate::core::app::state::HandoverAction;
use crate::core::exports::{Shell, export_lines};

pub(crate) fn draw(frame: &mut Frame, area: Rect, held_id: u64, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let Some(held) = state.held(held_id) else {
        return;
    };
    let lines = export_lines(
        &held.credentials,
        &state.region_of(held),
        Shell::Posix,
        true,
        &[],
    );
    let note = format!(
        "secrets are masked here; “{}” prints the real values",
        HandoverAction::PrintExports.label()
    );
    let widest = lines
        .iter()
        .map(|l| text::width(l))
        .chain([text::width(&note)])
        .max()
        .unwrap_or(0);
    let want_w = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let want_h = u16::try_from(lines.len() + 6).unwrap_or(u16::MAX);
    let inner_area = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let rect = centered(inner_area, want_w, want_h);
    let title = format!(" exports · {} ", held.label());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(
            text::fit(&title, usize::from(rect.width).saturating_sub(4)),
            theme.accent,
        ))
        .title_bottom(Span::styled(" any key closes ", theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let width = usize::from(inner.width).saturating_sub(2);
    let mut out = vec![Line::raw("")];
    for line in &lines {
        out.push(Line::from(vec![
            Span::raw(" "),
            Span::raw(text::fit(line, width)),
        ]));
    }
    out.push(Line::raw(""));
    for part in text::wrap_words(&note, width) {
        out.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(part, theme.dim),
        ]));
    }
    frame.render_widget(Paragraph::new(out), inner);
}
