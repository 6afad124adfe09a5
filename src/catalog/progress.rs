//! The CLI's progress line, built from the same [`CatalogEvent`]s the TUI gets:
//! `accounts 250 · roles 120/250 · 18.4 req/s · 1 unavailable`.

use std::io::Write;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::core::listing::{CatalogEvent, ListSummary};
use crate::core::terminal_text::Shown;

/// The state of the progress line: the events folded so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressLine {
    accounts: usize,
    accounts_complete: bool,
    done: usize,
    total: usize,
    rate: Option<f64>,
    unavailable: usize,
    summary: Option<ListSummary>,
}

impl ProgressLine {
    /// Folds one event in.
    pub fn apply(&mut self, event: &CatalogEvent) {
        match event {
            CatalogEvent::AccountsListed {
                count, complete, ..
            } => {
                self.accounts = *count;
                self.accounts_complete = *complete;
            }
            CatalogEvent::RolesFetched { done, total, .. } => {
                self.done = *done;
                self.total = *total;
            }
            CatalogEvent::Rate { per_sec } => self.rate = Some(*per_sec),
            CatalogEvent::AccountUnavailable { .. } => self.unavailable += 1,
            CatalogEvent::AccountRejected { .. } => {}
            CatalogEvent::Done(summary) => self.summary = Some(summary.clone()),
        }
    }

    /// The line as it reads now (no newline, no escape codes).
    pub fn line(&self) -> String {
        if let Some(s) = &self.summary {
            let mut line = format!(
                "listed {} accounts and {} roles in {:.1}s ({} requests, {} throttled)",
                s.accounts,
                s.roles,
                s.elapsed.as_secs_f64(),
                s.requests,
                s.throttled
            );
            if s.unavailable > 0 {
                line.push_str(&format!("; {} unavailable", s.unavailable));
            }
            return line;
        }
        let more = if self.accounts_complete { "" } else { "…" };
        let mut line = format!(
            "accounts {}{more} · roles {}/{}{more}",
            self.accounts, self.done, self.total
        );
        if let Some(rate) = self.rate {
            line.push_str(&format!(" · {rate:.1} req/s"));
        }
        if self.unavailable > 0 {
            line.push_str(&format!(" · {} unavailable", self.unavailable));
        }
        line
    }

    /// The summary, once `Done` arrived.
    pub fn summary(&self) -> Option<&ListSummary> {
        self.summary.as_ref()
    }
}

/// Renders an event stream to `out` (stderr) until the channel closes. On a terminal
/// (`redraw`) the line is redrawn in place and the final summary stays; otherwise only
/// unavailable accounts and the summary are printed, one line each. Returns the summary when
/// the listing finished.
pub async fn render_progress(
    mut events: UnboundedReceiver<CatalogEvent>,
    mut out: impl Write,
    redraw: bool,
) -> Option<ListSummary> {
    let mut progress = ProgressLine::default();
    let mut drawn = false;
    while let Some(event) = events.recv().await {
        progress.apply(&event);
        // Output errors (a closed stderr) must not stop the listing: ignore them.
        if let CatalogEvent::AccountUnavailable { account_id, reason } = &event {
            let clear = if redraw && drawn { "\r\x1b[2K" } else { "" };
            // The reason may quote the service: escaped, like the account id.
            let _ = writeln!(
                out,
                "{clear}account {}: roles unavailable: {}",
                Shown(account_id),
                Shown(reason)
            );
            drawn = false;
        }
        if let CatalogEvent::AccountRejected { name, id } = &event {
            let clear = if redraw && drawn { "\r\x1b[2K" } else { "" };
            let _ = writeln!(out, "{clear}{}", rejected_notice(name, id));
            drawn = false;
        }
        if redraw || matches!(event, CatalogEvent::Done(_)) {
            let clear = if redraw { "\r\x1b[2K" } else { "" };
            let _ = write!(out, "{clear}{}", progress.line());
            drawn = true;
        }
        let _ = out.flush();
    }
    if drawn {
        if progress.summary().is_some() {
            let _ = writeln!(out);
        } else if redraw {
            let _ = write!(out, "\r\x1b[2K");
        } else {
            let _ = writeln!(out);
        }
        let _ = out.flush();
    }
    progress.summary().cloned()
}

/// The line saying an account was left out, escaped as the app escapes it (its name and id are
/// the portal's): each unsafe character becomes its one-character stand-in.
fn rejected_notice(name: &str, id: &str) -> String {
    crate::core::catalog::rejected_account_notice(name, id)
        .chars()
        .map(crate::core::terminal_text::stand_in)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn fetched(done: usize, total: usize) -> CatalogEvent {
        CatalogEvent::RolesFetched {
            account_id: "1".into(),
            roles: crate::core::catalog::Roles::Listed(Vec::new()),
            done,
            total,
        }
    }

    #[test]
    fn the_line_follows_the_events() {
        let mut p = ProgressLine::default();
        p.apply(&CatalogEvent::AccountsListed {
            accounts: Vec::new(),
            count: 100,
            complete: false,
        });
        p.apply(&fetched(3, 100));
        assert_eq!(p.line(), "accounts 100… · roles 3/100…");
        p.apply(&CatalogEvent::AccountsListed {
            accounts: Vec::new(),
            count: 250,
            complete: true,
        });
        p.apply(&fetched(120, 250));
        p.apply(&CatalogEvent::Rate { per_sec: 18.44 });
        p.apply(&CatalogEvent::AccountUnavailable {
            account_id: "1".into(),
            reason: "x".into(),
        });
        assert_eq!(
            p.line(),
            "accounts 250 · roles 120/250 · 18.4 req/s · 1 unavailable"
        );
        p.apply(&CatalogEvent::Done(ListSummary {
            accounts: 250,
            roles: 500,
            unavailable: 1,
            requests: 260,
            throttled: 7,
            elapsed: Duration::from_millis(12_340),
            ..ListSummary::default()
        }));
        assert_eq!(
            p.line(),
            "listed 250 accounts and 500 roles in 12.3s (260 requests, 7 throttled); 1 unavailable"
        );
    }

    #[tokio::test]
    async fn a_pipe_gets_only_the_lines_that_matter() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tx.send(fetched(1, 2)).unwrap();
        tx.send(CatalogEvent::AccountUnavailable {
            account_id: "222222222222".into(),
            reason: "throttled".into(),
        })
        .unwrap();
        tx.send(CatalogEvent::AccountRejected {
            name: "odd\x1b]52;c;SGk=\x07".into(),
            id: "12345\n".into(),
        })
        .unwrap();
        tx.send(CatalogEvent::Done(ListSummary::default())).unwrap();
        drop(tx);
        let mut out = Vec::new();
        let summary = render_progress(rx, &mut out, false).await;
        assert!(summary.is_some());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "account 222222222222: roles unavailable: throttled\n\
             account odd\u{241b}]52;c;SGk=\u{2407} dropped: its id 12345\u{240a} is not an AWS account id (12 digits)\n\
             listed 0 accounts and 0 roles in 0.0s (0 requests, 0 throttled)\n"
        );
    }

    #[tokio::test]
    async fn an_error_from_the_service_is_shown_escaped() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tx.send(CatalogEvent::AccountUnavailable {
            account_id: "2222\x1b[2J".into(),
            reason: "denied\x1b]52;c;SGk=\x07\nnext\u{202e}".into(),
        })
        .unwrap();
        drop(tx);
        let mut out = Vec::new();
        render_progress(rx, &mut out, false).await;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "account 2222\\x1b[2J: roles unavailable: denied\\x1b]52;c;SGk=\\x07\\nnext\\u{202e}\n"
        );
    }

    #[tokio::test]
    async fn a_terminal_line_is_redrawn_and_cleared_when_the_listing_fails() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tx.send(fetched(1, 2)).unwrap();
        drop(tx);
        let mut out = Vec::new();
        assert!(render_progress(rx, &mut out, true).await.is_none());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\r\x1b[2Kaccounts 0… · roles 1/2…\r\x1b[2K"
        );
    }
}
