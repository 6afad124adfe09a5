//! `?` help: every bound command with its keys, generated from the live keymap (so keys
//! rebound in config.toml show as they are), in a centered box that scrolls when it does not
//! fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::ViewCtx;
use super::layout::centered;
use super::text;
use crate::core::app::state::{Modal, help_rows_shown};
use crate::core::app::{AppState, Key};

pub(crate) fn draw(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    // The commands of the screen on view (its search line's too) and the global ones.
    let rows: Vec<(String, &str)> = state
        .help_rows()
        .into_iter()
        .map(|(command, keys)| {
            let names: Vec<String> = keys.iter().map(Key::to_string).collect();
            (names.join(" "), command.description())
        })
        .collect();
    let keys_w = rows
        .iter()
        .map(|(k, _)| text::width(k))
        .max()
        .unwrap_or(0)
        .min(24);
    let desc_w = rows.iter().map(|(_, d)| text::width(d)).max().unwrap_or(0);
    let want_w = u16::try_from(keys_w + desc_w + 7).unwrap_or(u16::MAX);
    let want_h = u16::try_from(rows.len() + 4).unwrap_or(u16::MAX);
    let inner_area = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(2),
    };
    let rect = centered(inner_area, want_w, want_h);
    let shown = help_rows_shown(area.height, rows.len());
    let max_scroll = rows.len().saturating_sub(shown);
    let scroll = match state.modal {
        Modal::Help { scroll } => scroll.min(max_scroll),
        _ => 0,
    };
    let footer = if max_scroll > 0 {
        format!(
            " {}-{}/{} · ↑↓ scroll · other keys close ",
            scroll + 1,
            scroll + shown,
            rows.len()
        )
    } else {
        " any key closes ".to_owned()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(" keys ", theme.accent))
        .title_bottom(Span::styled(footer, theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let desc_room = usize::from(inner.width).saturating_sub(keys_w + 4);
    let mut lines = vec![Line::raw("")];
    for (keys, desc) in rows.iter().skip(scroll).take(shown) {
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(text::fit_pad(keys, keys_w), theme.accent),
            Span::raw("  "),
            Span::raw(text::fit(desc, desc_room)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
