//! The question boxes: an MFA code for a chain, and "assume another role…" (role ARN with
//! history, external ID, MFA serial, duration with the chaining cap said up front, session
//! name). The typed MFA code is shown as typed: it is good for one use within 30 seconds.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::ViewCtx;
use super::layout::centered;
use super::text;
use super::theme::Theme;
use crate::core::app::Command;
use crate::core::app::command::Context;
use crate::core::app::keymap::Keymap;
use crate::core::app::prompt::{
    AssumeForm, Field, MfaQuestion, Prompt, RegionQuestion, SETUP_FIELDS, SetupForm,
};
use crate::core::app::state::CHAIN_MARK;
use crate::core::chain::session_name;

pub(crate) fn draw(frame: &mut Frame, area: Rect, prompt: &Prompt, keymap: &Keymap, ctx: &ViewCtx) {
    match prompt {
        Prompt::Mfa(question) => mfa(frame, area, question, keymap, ctx),
        Prompt::Assume(form) => assume(frame, area, form, keymap, ctx),
        Prompt::Setup(form) => setup(frame, area, form, keymap, ctx),
        Prompt::Region(question) => region(frame, area, question, keymap, ctx),
    }
}

/// The region of a role or session: the line prefilled with the one it has now.
fn region(frame: &mut Frame, area: Rect, q: &RegionQuestion, keymap: &Keymap, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let rect = centered(area, 60, 8);
    let inner = boxed(frame, rect, "region", &hint(keymap, false, "keep"), ctx);
    let width = usize::from(inner.width).saturating_sub(2);
    let mut lines = vec![
        Line::from(vec![
            Span::raw(" "),
            Span::styled(text::fit(&q.label, width), theme.strong),
        ]),
        Line::styled(
            text::fit(" hand over in (empty: follow the region rule)", width),
            theme.dim,
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled(" region: ", theme.dim),
            Span::styled(
                format!("{}_", text::fit(&q.input, width.saturating_sub(10))),
                theme.accent,
            ),
        ]),
    ];
    if let Some(error) = &q.error {
        lines.push(Line::styled(
            format!(" {}", text::fit(&error.to_string(), width)),
            theme.warn,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The first run: which identity center to sign in to, written as `[sso-session]`.
fn setup(frame: &mut Frame, area: Rect, form: &SetupForm, keymap: &Keymap, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let rect = centered(area, 76, 14);
    let hint = keymap.hint_line(
        Context::Prompt,
        &[
            (&[Command::Submit], "sign in"),
            (&[Command::Cancel], "clear"),
        ],
    );
    let moves = keymap.hint_line(Context::Form, &[(&[Command::NextField], "next field")]);
    let quit = keymap.hint_line(Context::Global, &[(&[Command::Quit], "quit")]);
    let inner = boxed(
        frame,
        rect,
        "sign in to your identity center",
        &format!("{moves} · {hint} · {quit}"),
        ctx,
    );
    let width = usize::from(inner.width).saturating_sub(2);
    let label_w = 19;
    let value_w = width.saturating_sub(label_w + 3);
    let mut lines = vec![
        Line::styled(
            text::fit(
                " No identity center is configured yet. It is written to",
                width,
            ),
            theme.dim,
        ),
        Line::styled(
            text::fit(
                " ~/.aws/config as [sso-session NAME] (the AWS CLI shares it).",
                width,
            ),
            theme.dim,
        ),
        Line::raw(""),
    ];
    for (i, label) in SETUP_FIELDS.iter().enumerate() {
        let field = FieldLine {
            label,
            value: &form.values[i],
            placeholder: form.placeholder(i),
            focused: i == form.focus,
        };
        lines.push(field.line(theme, label_w, value_w));
    }
    let note = match (&form.error, form.writing) {
        (Some(e), _) => Some((e.clone(), theme.warn)),
        (None, true) => Some((
            "checking it with the identity center…".to_owned(),
            theme.dim,
        )),
        (None, false) => None,
    };
    if let Some((note, style)) = note {
        lines.push(Line::raw(""));
        for part in text::wrap_words(&note, width).into_iter().take(4) {
            lines.push(Line::styled(format!(" {part}"), style));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A question's keys, from the live keymap: the form's own ([`Context::Form`]) and the line's
/// ([`Context::Prompt`]).
fn hint(keymap: &Keymap, form: bool, submit: &str) -> String {
    let moves = keymap.hint_line(
        Context::Form,
        &[
            (&[Command::NextField], "next field"),
            (&[Command::Up, Command::Down], "past ARNs"),
        ],
    );
    let line = keymap.hint_line(
        Context::Prompt,
        &[(&[Command::Submit], submit), (&[Command::Cancel], "cancel")],
    );
    if form && !moves.is_empty() {
        format!("{moves} · {line}")
    } else {
        line
    }
}

/// One field of a form, drawn the same in every form.
struct FieldLine<'a> {
    label: &'a str,
    value: &'a str,
    /// What an empty field will mean (dim).
    placeholder: Option<String>,
    focused: bool,
}

impl FieldLine<'_> {
    /// The focus mark, the label (`label_w` wide), then the value with the cursor after it, or
    /// the placeholder, cut to `value_w`.
    fn line(&self, theme: &Theme, label_w: usize, value_w: usize) -> Line<'static> {
        let (shown, style) = match &self.placeholder {
            Some(placeholder) if self.value.is_empty() => (placeholder.clone(), theme.dim),
            _ => (self.value.to_owned(), Style::default()),
        };
        let cursor = if self.focused && !self.value.is_empty() {
            "_"
        } else {
            ""
        };
        let mark = if self.focused { "›" } else { " " };
        let label_style = if self.focused {
            theme.accent
        } else {
            theme.dim
        };
        Line::from(vec![
            Span::styled(format!(" {mark} "), theme.accent),
            Span::styled(format!("{:<label_w$}", self.label), label_style),
            Span::styled(text::fit(&format!("{shown}{cursor}"), value_w), style),
        ])
    }
}

fn boxed(frame: &mut Frame, rect: Rect, title: &str, hint: &str, ctx: &ViewCtx) -> Rect {
    let theme = &ctx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(format!(" {title} "), theme.accent))
        .title_bottom(Span::styled(format!(" {hint} "), theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    inner
}

fn mfa(frame: &mut Frame, area: Rect, q: &MfaQuestion, keymap: &Keymap, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let rect = centered(area, 60, 8);
    let inner = boxed(frame, rect, "MFA code", &hint(keymap, false, "submit"), ctx);
    let width = usize::from(inner.width).saturating_sub(2);
    let mut lines = vec![
        Line::from(vec![
            Span::raw(" "),
            Span::styled(
                text::fit(
                    &format!("{CHAIN_MARK} {} needs a code from", q.pending.spec.name),
                    width,
                ),
                theme.strong,
            ),
        ]),
        Line::from(vec![Span::raw(" "), Span::raw(text::fit(&q.serial, width))]),
        Line::raw(""),
        Line::from(vec![
            Span::styled(" code: ", theme.dim),
            Span::styled(format!("{}_", q.input), theme.accent),
        ]),
    ];
    if let Some(error) = &q.error {
        lines.push(Line::styled(
            format!(" {}", text::fit(&error.to_string(), width)),
            theme.warn,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn assume(frame: &mut Frame, area: Rect, form: &AssumeForm, keymap: &Keymap, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let rect = centered(area, 76, 12);
    let hint = hint(keymap, true, "assume");
    let inner = boxed(frame, rect, "assume another role", &hint, ctx);
    let width = usize::from(inner.width).saturating_sub(2);
    let label_w = 14;
    let value_w = width.saturating_sub(label_w + 3);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" from ", theme.dim),
            Span::styled(
                text::fit(&form.source_label, width.saturating_sub(6)),
                theme.strong,
            ),
        ]),
        Line::raw(""),
    ];
    for field in Field::ALL {
        let placeholder = match field {
            Field::SessionName => Some(format!("({})", session_name::DEFAULT_TEMPLATE)),
            Field::Duration => Some("(1h, STS's default)".to_owned()),
            _ => None,
        };
        let line = FieldLine {
            label: field.label(),
            value: form.values.get(field),
            placeholder,
            focused: field == form.focus,
        };
        lines.push(line.line(theme, label_w, value_w));
    }
    let note = form
        .error
        .as_ref()
        .map(|e| (e.to_string(), theme.warn))
        .or_else(|| form.duration_hint().map(|h| (h, theme.dim)));
    if let Some((note, style)) = note {
        lines.push(Line::raw(""));
        for part in text::wrap_words(&note, width).into_iter().take(2) {
            lines.push(Line::styled(format!(" {part}"), style));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
