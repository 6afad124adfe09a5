//! The sign-in screen. While the user approves, the user code is shown large (and as plain
//! text under it, so it is never hidden), the verification URL under it, the code's own
//! countdown, whether the browser was opened, and the keys to open the browser or copy the
//! code, from the live keymap. Other phases say what is happening or, on failure, what to do.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::ViewCtx;
use super::big_text;
use super::text;
use crate::core::app::command::Context;
use crate::core::app::urgency::{Thresholds, Urgency};
use crate::core::app::{AppState, Command};
use crate::core::countdown;
use crate::core::signin::{DeviceWait, Failure, Phase};

/// When the code's countdown turns yellow, then red: codes live about ten minutes.
const CODE_THRESHOLDS: Thresholds = Thresholds {
    warn: Duration::from_secs(120),
    critical: Duration::from_secs(30),
};

pub(crate) fn draw(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let phase = state.sign_in.machine.as_ref().map(|s| &s.phase);
    let lines = match phase {
        Some(Phase::WaitingForApproval(wait)) => return waiting(frame, area, wait, state, ctx),
        Some(Phase::Failed(failure)) => failed(failure, state, ctx, area),
        Some(Phase::Refreshing) => message(
            ctx,
            "Renewing the sign-in…",
            &state.sign_in.session.start_url,
        ),
        Some(Phase::WaitingForBrowser) => message(
            ctx,
            "Finish signing in in your browser",
            "waiting for the browser to come back to rolecall…",
        ),
        Some(Phase::Done) => message(ctx, "Signed in", ""),
        Some(Phase::Idle | Phase::Registering | Phase::StartingDevice) | None => message(
            ctx,
            "Contacting IAM Identity Center…",
            &state.sign_in.session.start_url,
        ),
    };
    draw_centered(frame, area, lines);
}

/// A title and a dim second line.
fn message(ctx: &ViewCtx, title: &str, detail: &str) -> Vec<Line<'static>> {
    vec![
        Line::styled(title.to_owned(), ctx.theme.strong),
        Line::styled(text::escape(detail), ctx.theme.dim),
    ]
}

/// `lines` centered horizontally and vertically in `area`.
fn draw_centered(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    let height = u16::try_from(lines.len())
        .unwrap_or(area.height)
        .min(area.height);
    let top = area.y + (area.height - height) / 2;
    let rect = Rect {
        y: top,
        height,
        ..area
    };
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), rect);
}

fn key_line(state: &AppState, ctx: &ViewCtx, keys: &[(Command, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (command, what) in keys {
        let Some(key) = state.keymap.hint(*command, Context::SignIn) else {
            continue;
        };
        if !spans.is_empty() {
            spans.push(Span::styled("   ", ctx.theme.dim));
        }
        spans.push(Span::styled(key, ctx.theme.accent));
        spans.push(Span::styled(format!(" {what}"), ctx.theme.dim));
    }
    Line::from(spans)
}

fn failed(failure: &Failure, state: &AppState, ctx: &ViewCtx, area: Rect) -> Vec<Line<'static>> {
    let title = match failure {
        Failure::Denied => "Sign-in denied",
        Failure::CodeExpired => "The sign-in code expired",
        _ => "Sign-in failed",
    };
    let width = usize::from(area.width).saturating_sub(8).min(72);
    let mut lines = vec![Line::styled(title, ctx.theme.toast_error), Line::raw("")];
    for part in text::wrap_words(&failure.advice(), width) {
        lines.push(Line::raw(part));
    }
    lines.push(Line::raw(""));
    lines.push(key_line(
        state,
        ctx,
        &[(Command::RetrySignIn, "sign in again")],
    ));
    lines
}

/// What the screen says about the browser.
fn browser_line(wait: &DeviceWait, wanted: bool) -> &'static str {
    match wait.browser_opened {
        None => "Opening the sign-in page in your browser…",
        Some(true) => "The sign-in page was opened in your browser: check the code there.",
        Some(false) if wanted => "The browser could not be opened: open the URL on any device.",
        Some(false) => "Open the URL in a browser on any device and enter the code.",
    }
}

fn waiting(frame: &mut Frame, area: Rect, wait: &DeviceWait, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let code = text::escape(&wait.user_code);
    let spaced: String = code
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let wanted = state
        .sign_in
        .machine
        .as_ref()
        .is_some_and(|s| s.open_browser);
    let width = usize::from(area.width);
    // The large letters need their width plus the box and margins, and eight more rows.
    let big = big_text::render(&code)
        .filter(|_| big_text::width(&code) + 8 <= width && area.height >= 19);
    let code_rows = if big.is_some() {
        big_text::HEIGHT + 2
    } else {
        1
    };
    let box_w = big
        .as_ref()
        .map_or(text::width(&spaced), |_| big_text::width(&code))
        .max(text::width(&spaced))
        + 6;
    let box_h = code_rows + 2;

    let urgency = Urgency::of(Some(wait.expires_at), ctx.now, CODE_THRESHOLDS);
    let expiry = match countdown::remaining(wait.expires_at, ctx.now) {
        Some(d) => format!("code expires in {}", countdown::human(d)),
        None => "the code has expired".to_owned(),
    };
    let above = vec![
        Line::styled(
            format!(
                "Sign in to {}",
                text::fit(&state.sign_in.session.name, width.saturating_sub(12))
            ),
            theme.strong,
        ),
        Line::styled("Confirm this code in your browser:", theme.dim),
    ];
    let below = vec![
        Line::styled(
            text::fit(&wait.verification_uri, width.saturating_sub(2)),
            theme
                .accent
                .patch(Style::default().add_modifier(ratatui::style::Modifier::UNDERLINED)),
        ),
        Line::styled(expiry, theme.urgency(urgency)),
        Line::raw(""),
        Line::styled(
            text::fit(browser_line(wait, wanted), width.saturating_sub(2)),
            Style::default(),
        ),
        key_line(
            state,
            ctx,
            &[
                (Command::OpenBrowser, "open the browser"),
                (Command::CopyCode, "copy the code"),
            ],
        ),
    ];
    let gap = usize::from(area.height >= 16);
    let total = above.len() + gap + box_h + below.len();
    let total = u16::try_from(total).unwrap_or(u16::MAX).min(area.height);
    let mut y = area.y + (area.height - total) / 3;
    let put = |frame: &mut Frame, lines: Vec<Line<'static>>, y: &mut u16| {
        let h = u16::try_from(lines.len())
            .unwrap_or(0)
            .min(area.bottom().saturating_sub(*y));
        let rect = Rect {
            y: *y,
            height: h,
            ..area
        };
        frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), rect);
        *y += h;
    };
    put(frame, above, &mut y);
    y += u16::try_from(gap).unwrap_or(0);

    // The code, boxed: large letters when they fit, and always as plain spaced text.
    let box_w = u16::try_from(box_w).unwrap_or(area.width).min(area.width);
    let box_h = u16::try_from(box_h)
        .unwrap_or(0)
        .min(area.bottom().saturating_sub(y));
    let rect = Rect {
        x: area.x + (area.width - box_w) / 2,
        y,
        width: box_w,
        height: box_h,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.accent);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut code_lines: Vec<Line<'static>> = Vec::new();
    if let Some(rows) = big {
        for row in rows {
            code_lines.push(Line::styled(row, theme.strong));
        }
        code_lines.push(Line::raw(""));
    }
    code_lines.push(Line::styled(spaced, theme.strong));
    frame.render_widget(
        Paragraph::new(code_lines).alignment(Alignment::Center),
        inner,
    );
    y += box_h;
    put(frame, below, &mut y);
}
