//! The header line: the app, the environment of what is selected (a badge, when
//! `[[environments]]` marks it), the identity center (name · region · start URL) and the
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

/// The countdown's forms, longest first (`session 7h 59m`, `7h 59m`, `7h`; `session expired`,
/// `expired`), or nothing before the first sign-in.
pub(crate) fn session_countdown(state: &AppState, ctx: &ViewCtx) -> Option<(Vec<String>, Urgency)> {
    let at = state.sign_in.session.token_expires_at?;
    let urgency = Urgency::of(Some(at), ctx.now, state.settings.thresholds);
    let forms = match countdown::remaining(at, ctx.now) {
        Some(d) => {
            let human = countdown::human(d);
            let first = human.split(' ').next().unwrap_or_default().to_owned();
            vec![format!("session {human}"), human, first]
        }
        None => vec!["session expired".to_owned(), "expired".to_owned()],
    };
    Some((forms, urgency))
}

/// The longest form that fits beside `name` in `width` (with a space either side), and whether
/// the name still fits; a form always keeps its unit (`7h`, never a bare `7`).
fn fitting(forms: Vec<String>, name: &str, width: usize) -> (String, bool) {
    let room = width.saturating_sub(text::width(name) + 2);
    let shortest = forms.last().cloned().unwrap_or_default();
    match forms.into_iter().find(|f| text::width(f) <= room) {
        Some(form) => (form, true),
        None => (shortest, false),
    }
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let width = usize::from(area.width);
    let mut name = " rolecall  ";
    let right = session_countdown(state, ctx).map(|(forms, urgency)| {
        let (form, name_fits) = fitting(forms, name, width);
        if !name_fits {
            name = "";
        }
        (form, urgency)
    });
    let right_width = right.as_ref().map_or(0, |(t, _)| text::width(t) + 2);
    let sep = " · ";
    let mut spans = vec![Span::styled(name, theme.accent)];
    let mut room = width.saturating_sub(text::width(name) + right_width);
    // The environment of what is selected, before anything else of the session.
    if let Some(mark) = state.mark_in_focus() {
        let badge = format!(" {} ", mark.name.as_str());
        if text::width(&badge) < room {
            room -= text::width(&badge) + 1;
            spans.push(Span::styled(badge, theme.mark_block(mark.colour)));
            spans.push(Span::raw(" "));
        }
    }
    let s = &state.sign_in.session;
    // Before the first run's form is answered there is no identity center to name.
    let parts: Vec<&str> = if s.start_url.is_empty() {
        vec!["no identity center yet"]
    } else {
        [&s.name, &s.region, &s.start_url]
            .into_iter()
            .map(String::as_str)
            .filter(|p| !p.is_empty())
            .collect()
    };
    for (i, part) in parts.into_iter().enumerate() {
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
