//! The header line: the app, the identity center (name · region · start URL) and the
//! identity-center session's countdown, coloured by urgency and spelled out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::ViewCtx;
use super::text;
use crate::core::app::AppState;
use crate::core::app::urgency::Urgency;
use crate::core::countdown;

/// `session 7h 59m`, `session expired`, or nothing before the first sign-in.
pub fn session_countdown(state: &AppState, ctx: &ViewCtx) -> Option<(String, Urgency)> {
    let at = state.sign_in.session.token_expires_at?;
    let urgency = Urgency::of(Some(at), ctx.now, state.settings.thresholds);
    let text = match countdown::remaining(at, ctx.now) {
        Some(d) => format!("session {}", countdown::human(d)),
        None => "session expired".to_owned(),
    };
    Some((text, urgency))
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let width = usize::from(area.width);
    let right = session_countdown(state, ctx);
    let right_width = right.as_ref().map_or(0, |(t, _)| text::width(t) + 2);
    let name = " rolecall  ";
    let sep = " · ";
    let mut spans = vec![Span::styled(name, theme.accent)];
    let mut room = width.saturating_sub(text::width(name) + right_width);
    let s = &state.sign_in.session;
    for (i, part) in [&s.name, &s.region, &s.start_url].into_iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        let lead = if i == 0 { "" } else { sep };
        let need = text::width(lead);
        if room <= need + 1 {
            break;
        }
        let shown = text::fit(part, room - need);
        room -= need + text::width(&shown);
        if !lead.is_empty() {
            spans.push(Span::styled(lead, theme.dim));
        }
        let style = if i == 0 { theme.strong } else { theme.dim };
        spans.push(Span::styled(shown, style));
    }
    if let Some((text, urgency)) = right {
        let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
        let gap = width.saturating_sub(used + text::width(&text) + 1);
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(text, theme.urgency(urgency)));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
