//! Where things go. The screen is always three regions: a header line, the body, and the
//! status bar (with a toast line above it while a toast is shown). The catalog body is a search
//! line, the list, the detail pane (beside the list from [`WIDE`] columns, else under it when
//! there is room) and the sessions panel while credentials are held.
//!
//! [`list_area`] is the same computation as [`catalog`], so the core's scrolling and mouse
//! clicks agree with what is drawn.

use ratatui::layout::Rect;

use crate::core::app::AppState;

/// From this width on the detail pane sits beside the list.
pub const WIDE: u16 = 100;
/// The list keeps at least this many rows before the detail pane under it is dropped.
const MIN_LIST_ROWS: u16 = 6;
/// Rows of the detail pane under the list: a rule and two lines.
const DETAIL_BELOW_ROWS: u16 = 3;

/// The three regions of every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub header: Rect,
    pub body: Rect,
    pub toast: Option<Rect>,
    pub status: Rect,
}

/// Where the detail pane is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// A bordered pane to the right of the list.
    Beside(Rect),
    /// A rule and two lines under the list.
    Below(Rect),
}

/// The catalog body's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogAreas {
    pub search: Rect,
    pub list: Rect,
    pub detail: Option<Detail>,
    pub sessions: Option<Rect>,
}

/// The toast's lines at this width: an error or warning wraps to up to three lines (advice
/// must be read whole), an info line is one.
pub fn toast_lines(state: &AppState, width: u16) -> u16 {
    let Some(toast) = &state.toast else {
        return 0;
    };
    if toast.level == crate::core::app::state::Level::Info {
        return 1;
    }
    let room = usize::from(width).saturating_sub(2).max(1);
    // A countdown's width barely changes: measure it as it reads when the toast goes.
    let text = format!(
        "{}{}",
        toast_prefix(toast.level),
        toast.text_at(toast.until)
    );
    u16::try_from(super::text::wrap_words(&text, room).len().clamp(1, 3)).unwrap_or(1)
}

/// What a toast line starts with.
pub fn toast_prefix(level: crate::core::app::state::Level) -> &'static str {
    use crate::core::app::state::Level;
    match level {
        Level::Info => "",
        Level::Warn => "warning: ",
        Level::Error => "error: ",
    }
}

/// Splits the screen into header, body, `toast_lines` of toast and status bar.
pub fn regions(area: Rect, toast_lines: u16) -> Regions {
    let header = Rect {
        height: area.height.min(1),
        ..area
    };
    let status_y = area.bottom().saturating_sub(1).max(header.bottom());
    let status = Rect {
        y: status_y,
        height: area.bottom().saturating_sub(status_y).min(1),
        ..area
    };
    let room = status.y.saturating_sub(header.bottom());
    let lines = toast_lines.min(room.saturating_sub(1).max(u16::from(room > 0)));
    let toast = (lines > 0).then(|| Rect {
        y: status.y - lines,
        height: lines,
        ..area
    });
    let body_bottom = toast.map_or(status.y, |t| t.y);
    let body = Rect {
        y: header.bottom(),
        height: body_bottom.saturating_sub(header.bottom()),
        ..area
    };
    Regions {
        header,
        body,
        toast,
        status,
    }
}

/// Rows of the sessions panel for `held` sessions in a body this tall (0: no panel).
fn sessions_rows(held: usize, body_height: u16) -> u16 {
    if held == 0 {
        return 0;
    }
    let cap = if body_height >= 30 { 6 } else { 3 };
    u16::try_from(held.min(cap)).unwrap_or(1) + 2
}

/// Splits the catalog body.
pub fn catalog(body: Rect, state: &AppState) -> CatalogAreas {
    let search = Rect {
        height: body.height.min(1),
        ..body
    };
    let mut rest = Rect {
        y: search.bottom(),
        height: body.height.saturating_sub(search.height),
        ..body
    };
    let panel = sessions_rows(state.sessions.held.len(), body.height);
    let sessions = (panel > 0 && rest.height >= panel + 3).then(|| {
        rest.height -= panel;
        Rect {
            y: rest.bottom(),
            height: panel,
            ..rest
        }
    });
    let (list, detail) = if body.width >= WIDE {
        let pane = (body.width * 2 / 5).clamp(40, 60);
        let list = Rect {
            width: body.width - pane - 1,
            ..rest
        };
        let detail = Rect {
            x: list.right() + 1,
            width: pane,
            ..rest
        };
        (list, Some(Detail::Beside(detail)))
    } else if rest.height >= MIN_LIST_ROWS + DETAIL_BELOW_ROWS {
        let list = Rect {
            height: rest.height - DETAIL_BELOW_ROWS,
            ..rest
        };
        let detail = Rect {
            y: list.bottom(),
            height: DETAIL_BELOW_ROWS,
            ..rest
        };
        (list, Some(Detail::Below(detail)))
    } else {
        (rest, None)
    };
    CatalogAreas {
        search,
        list,
        detail,
        sessions,
    }
}

/// The list's first screen row and its height in rows, for `Msg::Resize`. It depends on the
/// toast and the held sessions as well as the size, so the runtime should recompute it after
/// every update and send a `Msg::Resize` when it changed.
pub fn list_area(width: u16, height: u16, state: &AppState) -> (u16, u16) {
    let area = Rect::new(0, 0, width, height);
    let body = regions(area, toast_lines(state, area.width)).body;
    let list = catalog(body, state).list;
    (list.y, list.height)
}

/// A box of at most `width` × `height` centered in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_regions_with_an_optional_toast_line() {
        let r = regions(Rect::new(0, 0, 80, 24), 0);
        assert_eq!(r.header, Rect::new(0, 0, 80, 1));
        assert_eq!(r.body, Rect::new(0, 1, 80, 22));
        assert_eq!(r.status, Rect::new(0, 23, 80, 1));
        assert_eq!(r.toast, None);
        let r = regions(Rect::new(0, 0, 80, 24), 1);
        assert_eq!(r.toast, Some(Rect::new(0, 22, 80, 1)));
        assert_eq!(r.body, Rect::new(0, 1, 80, 21));
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        for h in 0..4 {
            let r = regions(Rect::new(0, 0, 10, h), 1);
            assert!(r.body.bottom() <= h.max(1));
        }
    }

    #[test]
    fn centered_boxes_fit() {
        assert_eq!(
            centered(Rect::new(0, 0, 80, 24), 40, 10),
            Rect::new(20, 7, 40, 10)
        );
        assert_eq!(
            centered(Rect::new(0, 0, 30, 5), 40, 10),
            Rect::new(0, 0, 30, 5)
        );
    }
}
