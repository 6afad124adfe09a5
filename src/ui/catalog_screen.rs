//! The catalog body: the search line (query, `n/N`, listing progress) and the account × role
//! list, with matched characters highlighted, favorites starred, new roles marked, and
//! unavailable accounts and accounts whose roles are still loading dimmed.

use ratatui::Frame;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::ViewCtx;
use super::layout::CatalogAreas;
use super::text;
use crate::core::app::command::Context;
use crate::core::app::state::{CHAIN_MARK, Focus};
use crate::core::app::{AppState, Command};
use crate::core::search::{Highlight, Hit};

/// Width of an account id column (`111122223333`).
const ID_WIDTH: usize = 12;
/// The favorite marker.
pub(crate) const FAVORITE: &str = "★";
/// The marker of a recently used role (listed after the favorites when nothing is typed).
pub(crate) const RECENT: &str = "↺";
/// The role column of an account whose roles a listing has not brought yet.
pub(crate) const ROLES_LOADING: &str = "roles loading…";
/// The marker of a role that appeared in the last refresh.
pub(crate) const NEW: &str = "new";

pub(crate) fn draw(frame: &mut Frame, areas: &CatalogAreas, state: &AppState, ctx: &ViewCtx) {
    draw_search(frame, areas.search, state, ctx);
    draw_list(frame, areas.list, state, ctx);
}

/// `listing roles 120/400 · 18 req/s` while a listing runs.
pub(crate) fn progress_text(state: &AppState) -> Option<String> {
    let r = state.list.refresh?;
    let rate = if r.rate >= 0.5 {
        format!(" · {:.0} req/s", r.rate)
    } else {
        String::new()
    };
    Some(if r.total == 0 {
        if r.accounts == 0 {
            "listing accounts…".to_owned()
        } else {
            format!("listing accounts… {}{rate}", r.accounts)
        }
    } else {
        format!("listing roles {}/{}{rate}", r.done, r.total)
    })
}

fn draw_search(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let width = usize::from(area.width);
    let count = format!("{}/{}", state.hits().len(), state.list.search().len());
    let mut right = vec![Span::styled(count, theme.strong), Span::raw(" ")];
    if let Some(progress) = progress_text(state) {
        right.insert(0, Span::styled(format!("{progress}   "), theme.dim));
    }
    let mut right_width: usize = right.iter().map(|s| text::width(&s.content)).sum();
    if right_width + 12 > width {
        right.drain(..right.len() - 2);
        right_width = right.iter().map(|s| text::width(&s.content)).sum();
    }
    let prompt = " › ";
    let room = width.saturating_sub(text::width(prompt) + right_width + 2);
    let query_text = if state.list.query.is_empty() {
        let long = "type to search accounts, ids and roles";
        let short = if text::width(long) <= room {
            long
        } else {
            "type to search"
        };
        text::fit(short, room)
    } else {
        // Keep the end of a long query, where the typing happens.
        let escaped = text::escape(&state.list.query);
        let w = text::width(&escaped);
        if w <= room {
            escaped
        } else {
            let skip = w - room + 1;
            let mut dropped = 0;
            let tail: String = escaped
                .chars()
                .skip_while(|c| {
                    dropped += text::char_width(*c);
                    dropped <= skip
                })
                .collect();
            format!("…{tail}")
        }
    };
    let query_style = if state.list.query.is_empty() {
        theme.dim
    } else {
        theme.strong
    };
    let query_width = if state.list.query.is_empty() {
        0
    } else {
        text::width(&query_text)
    };
    let used = text::width(prompt) + text::width(&query_text);
    let mut spans = vec![
        Span::styled(prompt, theme.accent),
        Span::styled(query_text, query_style),
        Span::raw(" ".repeat(width.saturating_sub(used + right_width))),
    ];
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let typing = state.focus == Focus::Roles && !state.modal.holds_the_list();
    if typing && area.height > 0 {
        let x = area.x + u16::try_from(text::width(prompt) + query_width).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// The first hit shown: `state.list.offset`, moved only if the selection would be off screen.
pub(crate) fn view_offset(state: &AppState, rows: usize) -> usize {
    let rows = rows.max(1);
    let mut offset = state.list.offset;
    if state.list.selected < offset {
        offset = state.list.selected;
    } else if state.list.selected >= offset + rows {
        offset = state.list.selected + 1 - rows;
    }
    offset.min(state.hits().len().saturating_sub(rows))
}

/// Column widths of a list row: (name, role).
fn columns(width: usize, state: &AppState, new_col: bool) -> (usize, usize) {
    // margin, favorite marker, environment badge, gaps around the id, the id, right margin.
    let fixed = 1
        + 2
        + badge_column(state)
        + 2
        + ID_WIDTH
        + 2
        + 1
        + if new_col { NEW.len() + 1 } else { 0 };
    let avail = width.saturating_sub(fixed);
    let longest = state
        .list
        .catalog
        .accounts
        .iter()
        .map(|e| text::width(&text::escape(&e.account.name)))
        .max()
        .unwrap_or(0);
    let name = longest.clamp(8, (avail / 2).max(8)).min(avail);
    (name, avail - name)
}

/// Width of the environment badge column with its gap (none without `[[environments]]`).
fn badge_column(state: &AppState) -> usize {
    match state.settings.marks.badge_width() {
        0 => 0,
        w => w + 1,
    }
}

fn draw_list(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    if state.hits().is_empty() {
        draw_empty(frame, area, state, ctx);
        return;
    }
    let theme = &ctx.theme;
    let rows = usize::from(area.height);
    let offset = view_offset(state, rows);
    let new_col = !state.list.new_roles.is_empty();
    let width = usize::from(area.width);
    let (name_w, role_w) = columns(width, state, new_col);
    let retry = state
        .keymap
        .hint(Command::RetryAccount, Context::Catalog)
        .map_or_else(String::new, |k| format!(" — {k} retries"));
    let mut lines = Vec::with_capacity(rows);
    for (i, hit) in state.hits().iter().enumerate().skip(offset).take(rows) {
        let Some(row) = state.row(hit.row) else {
            continue;
        };
        let role_ref = row.role_ref();
        let unavailable = state
            .list
            .meta(hit.row)
            .is_some_and(|m| m.unavailable.is_some());
        let loading = state.list.is_loading(hit.row);
        let selected = i == state.list.selected;
        let mut base = if unavailable || loading {
            theme.unavailable
        } else {
            Style::default()
        };
        if selected {
            base = if state.focus == Focus::Roles {
                base.patch(theme.selection)
            } else {
                base.patch(theme.strong)
            };
        }
        let hl = highlights(state, hit);
        let favorite = state.frecency.is_favorite(&role_ref);
        let mut spans = vec![Span::styled(if selected { "›" } else { " " }, base)];
        let chained = state.list.meta(hit.row).is_some_and(|m| m.chain.is_some());
        let recent = !favorite && state.frecency.last_use(&role_ref).is_some();
        spans.push(if favorite {
            Span::styled(format!("{FAVORITE} "), base.patch(theme.marker))
        } else if recent {
            Span::styled(format!("{RECENT} "), base.patch(theme.dim))
        } else if chained {
            Span::styled(format!("{CHAIN_MARK} "), base.patch(theme.accent))
        } else if unavailable {
            Span::styled("! ", base)
        } else {
            Span::styled("  ", base)
        });
        let mark = state.mark_of_row(hit.row);
        let badge_w = badge_column(state);
        if badge_w > 0 {
            let badge = mark.map_or("", |m| m.name.as_str());
            let style = mark.map_or(base, |m| base.patch(theme.mark(m.colour)));
            spans.push(Span::styled(format!("{badge:<w$}", w = badge_w - 1), style));
            spans.push(Span::styled(" ", base));
        }
        let name_style = match mark {
            Some(m) if !selected => base.patch(theme.mark(m.colour)),
            _ => base,
        };
        spans.extend(text::highlighted(
            &row.account_name,
            &hl.name_idx,
            name_w,
            name_style,
            theme.highlight,
        ));
        spans.push(Span::styled("  ", base));
        let id_style = if unavailable {
            base
        } else {
            base.patch(theme.dim)
        };
        let id_style = if selected { base } else { id_style };
        spans.extend(text::highlighted(
            &row.account_id,
            &hl.id_idx,
            ID_WIDTH,
            id_style,
            theme.highlight,
        ));
        spans.push(Span::styled("  ", base));
        if unavailable {
            let note = format!("roles unavailable{retry}");
            spans.push(Span::styled(text::fit_pad(&note, role_w), base));
        } else if loading {
            spans.push(Span::styled(text::fit_pad(ROLES_LOADING, role_w), base));
        } else {
            spans.extend(text::highlighted(
                &row.role_name,
                &hl.role_idx,
                role_w,
                base,
                theme.highlight,
            ));
        }
        if new_col {
            let mark = if state.list.new_roles.contains(&role_ref) {
                NEW
            } else {
                "   "
            };
            spans.push(Span::styled(" ", base));
            spans.push(Span::styled(mark, base.patch(theme.marker)));
        }
        spans.push(Span::styled(" ", base));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The hit's highlight indices, computed now for hits past the search's highlight window.
fn highlights(state: &AppState, hit: &Hit) -> Highlight {
    let empty = hit.name_idx.is_empty() && hit.role_idx.is_empty() && hit.id_idx.is_empty();
    if empty && !state.list.query.trim().is_empty() {
        state.list.search().highlight(hit.row, &state.list.query)
    } else {
        Highlight {
            name_idx: hit.name_idx.clone(),
            role_idx: hit.role_idx.clone(),
            id_idx: hit.id_idx.clone(),
        }
    }
}

fn draw_empty(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let width = usize::from(area.width).saturating_sub(2);
    let (first, second) = if state.list.catalog.accounts.is_empty() {
        if state.list.refresh.is_some() || state.list.stale {
            (
                "listing accounts…".to_owned(),
                "the list fills in as they arrive".to_owned(),
            )
        } else {
            let key = state
                .keymap
                .hint(Command::RefreshCatalog, Context::Catalog)
                .map_or_else(String::new, |k| format!(" — {k} lists again"));
            (
                "no accounts are assigned to you here".to_owned(),
                key.trim_start_matches(" — ").to_owned(),
            )
        }
    } else {
        let key = state
            .keymap
            .hint(Command::Back, Context::Catalog)
            .map_or_else(String::new, |k| format!("{k} clears the search"));
        (format!("no matches for “{}”", state.list.query), key)
    };
    let lines = vec![
        Line::raw(""),
        Line::styled(text::fit(&first, width), theme.strong),
        Line::styled(text::fit(&second, width), theme.dim),
    ];
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), area);
}
