//! The selected row's details: account name, id and email, role and role ARN, when it was
//! last used, and the region the exports will carry. Beside the list on wide terminals, a
//! rule and two lines under it on narrow ones.

use std::time::{Duration, SystemTime};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::ViewCtx;
use super::catalog_screen::ROLES_LOADING;
use super::layout::Detail;
use super::text;
use crate::core::app::AppState;
use crate::core::app::state::{CHAIN_MARK, Focus};
use crate::core::chain::{ChainSpec, duration};
use crate::core::countdown;

/// What the pane shows for one row.
struct Facts {
    name: String,
    id: String,
    email: Option<String>,
    role: Option<String>,
    arn: Option<String>,
    unavailable: Option<String>,
    last_used: Option<String>,
    /// More label → value lines (a chain's source and duration, a session's "who am I").
    extra: Vec<(&'static str, String)>,
}

fn facts(state: &AppState, ctx: &ViewCtx) -> Option<Facts> {
    if state.focus == Focus::Sessions {
        return session_facts(state, ctx);
    }
    let index = state.selected_row()?;
    let row = state.row(index)?;
    let meta = state.list.meta(index);
    let unavailable = meta.and_then(|m| m.unavailable.clone());
    let loading = state.list.is_loading(index);
    let last_used = state
        .frecency
        .last_use(&row.role_ref())
        .map(|u| ago(u.last_used, ctx.now));
    Some(Facts {
        name: row.account_name.clone(),
        id: row.account_id.clone(),
        email: meta.and_then(|m| m.email.clone()),
        role: if loading {
            Some(ROLES_LOADING.to_owned())
        } else {
            unavailable.is_none().then(|| row.role_name.clone())
        },
        arn: (unavailable.is_none() && !loading)
            .then(|| state.role_arn_of_row(index))
            .flatten(),
        unavailable,
        last_used,
        extra: state
            .chain_of_row(index)
            .map(chain_facts)
            .unwrap_or_default(),
    })
}

/// What a chain row adds: where its credentials come from and what it asks for.
fn chain_facts(chain: &ChainSpec) -> Vec<(&'static str, String)> {
    let mut extra = vec![(
        "chain",
        format!("{CHAIN_MARK} via {}", chain.source.label()),
    )];
    if let Some(seconds) = chain.duration {
        let chained = chain.source.is_role_session() == Some(true);
        let text = match duration::plan_duration(Some(seconds), chained) {
            Ok(plan) if plan.capped_from.is_some() => {
                format!("{} → 1h (role chaining cap)", duration::span(seconds))
            }
            _ => duration::span(seconds),
        };
        extra.push(("duration", text));
    }
    if let Some(serial) = &chain.mfa_serial {
        extra.push(("MFA", serial.clone()));
    }
    if chain.external_id.is_some() {
        extra.push(("external ID", "set".to_owned()));
    }
    extra
}

/// The selected held session: who it is, when it ends, why it is short.
fn session_facts(state: &AppState, ctx: &ViewCtx) -> Option<Facts> {
    let held = state.sessions.held.get(state.sessions.selected)?;
    let mut extra = vec![(
        "who am I",
        held.caller_arn
            .clone()
            .unwrap_or_else(|| "(asking STS…)".to_owned()),
    )];
    if let Some(t) = held.credentials.expires_at {
        extra.push(("expires", countdown::left(t, ctx.now)));
    }
    if let Some(note) = &held.note {
        extra.push(("note", note.clone()));
    }
    Some(Facts {
        name: held.label(),
        id: held.account_id.clone(),
        email: None,
        role: Some(held.role.clone()),
        arn: None,
        unavailable: None,
        last_used: None,
        extra,
    })
}

/// `3h 12m ago`, `just now`.
fn ago(unix: i64, now: SystemTime) -> String {
    let then = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    match now.duration_since(then) {
        Ok(d) if d.as_secs() >= 60 => format!("{} ago", countdown::human(d)),
        _ => "just now".to_owned(),
    }
}

pub(crate) fn draw(frame: &mut Frame, detail: Detail, state: &AppState, ctx: &ViewCtx) {
    match detail {
        Detail::Beside(area) => beside(frame, area, state, ctx),
        Detail::Below(area) => below(frame, area, state, ctx),
    }
}

fn beside(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" details ", theme.dim));
    let Some(f) = facts(state, ctx) else {
        return;
    };
    let width = usize::from(area.width).saturating_sub(4);
    let label_w = 10;
    let value_w = width.saturating_sub(label_w);
    let field = |label: &str, value: &str| {
        Line::from(vec![
            Span::raw(" "),
            Span::styled(format!("{label:<label_w$}"), theme.dim),
            Span::raw(text::fit(value, value_w)),
        ])
    };
    let mut lines = vec![
        Line::from(vec![
            Span::raw(" "),
            Span::styled(text::fit(&f.name, width), theme.strong),
        ]),
        Line::raw(""),
        field("account", &f.id),
    ];
    if let Some(email) = &f.email {
        lines.push(field("email", email));
    }
    if let Some(role) = &f.role {
        lines.push(field("role", role));
    }
    if let Some(why) = &f.unavailable {
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(text::fit("roles unavailable:", width), theme.warn),
        ]));
        for part in text::wrap_hard(why, width).into_iter().take(3) {
            lines.push(Line::from(vec![
                Span::raw(" "),
                Span::styled(part, theme.dim),
            ]));
        }
    }
    lines.push(field("region", &state.settings.region));
    if let Some(last) = &f.last_used {
        lines.push(field("last used", last));
    }
    for (label, value) in &f.extra {
        let parts = text::wrap_words(value, value_w.max(8));
        for (i, part) in parts.into_iter().take(4).enumerate() {
            lines.push(field(if i == 0 { label } else { "" }, &part));
        }
    }
    if let Some(arn) = &f.arn {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled("role ARN", theme.dim),
        ]));
        for part in text::wrap_hard(arn, width) {
            lines.push(Line::from(vec![Span::raw(" "), Span::raw(part)]));
        }
    }
    // The box is as tall as what it holds.
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect { height, ..area };
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn below(frame: &mut Frame, area: Rect, state: &AppState, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let width = usize::from(area.width);
    let rule_w = width.saturating_sub(2);
    let Some(f) = facts(state, ctx) else {
        let rule = Line::styled(format!(" {}", "─".repeat(rule_w)), theme.border);
        frame.render_widget(Paragraph::new(rule), area);
        return;
    };
    let title = format!(" {} ", text::fit(&f.name, rule_w.saturating_sub(4)));
    let rest = rule_w.saturating_sub(text::width(&title) + 1);
    let rule = Line::from(vec![
        Span::styled(" ─", theme.border),
        Span::styled(title, theme.strong),
        Span::styled("─".repeat(rest), theme.border),
    ]);
    let sep = Span::styled(" · ", theme.dim);
    let mut facts_line = vec![Span::raw(" "), Span::raw(text::escape(&f.id))];
    if let Some(email) = &f.email {
        facts_line.push(sep.clone());
        facts_line.push(Span::raw(text::escape(email)));
    }
    facts_line.push(sep.clone());
    facts_line.push(Span::raw(text::escape(&state.settings.region)));
    if let Some(last) = &f.last_used {
        facts_line.push(sep);
        facts_line.push(Span::styled(format!("last used {last}"), theme.dim));
    }
    let second = match (&f.arn, &f.unavailable) {
        _ if !f.extra.is_empty() => {
            let joined: Vec<String> = f.extra.iter().map(|(l, v)| format!("{l}: {v}")).collect();
            Line::from(vec![
                Span::raw(" "),
                Span::raw(text::fit(&joined.join(" · "), rule_w)),
            ])
        }
        (Some(arn), _) => Line::from(vec![Span::raw(" "), Span::raw(text::fit(arn, rule_w))]),
        (None, Some(why)) => Line::from(vec![
            Span::raw(" "),
            Span::styled(
                text::fit(&format!("roles unavailable: {why}"), rule_w),
                theme.warn,
            ),
        ]),
        // An account whose roles are still loading says so.
        (None, None) => Line::styled(
            format!(
                " {}",
                text::fit(f.role.as_deref().unwrap_or_default(), rule_w)
            ),
            theme.dim,
        ),
    };
    let lines = vec![rule, fit_line(facts_line, rule_w + 1), second];
    frame.render_widget(Paragraph::new(lines), area);
}

/// A line cut to `width` columns (the spans are already escaped).
fn fit_line(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let w = text::width(&span.content);
        if used + w <= width {
            used += w;
            out.push(span);
        } else {
            let cut = text::fit(&span.content, width - used);
            out.push(Span::styled(cut, span.style));
            break;
        }
    }
    Line::from(out)
}
