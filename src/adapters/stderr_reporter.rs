//! The subcommands' [`Reporter`]: notes on stderr (escaped), a listing's progress drawn there
//! (redrawn in place on a terminal), MFA codes asked on the terminal.

use std::io::{IsTerminal, Write};

use crate::catalog::render_progress;
use crate::core::terminal_text::Shown;
use crate::engine::chain::MfaPrompt;
use crate::workspace::reporter::{ListingProgress, Reporter};

use super::tty_prompt::TtyPrompt;

pub struct StderrReporter;

impl Reporter for StderrReporter {
    fn note(&self, line: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{}", Shown(line));
    }

    fn listing(&self) -> Option<ListingProgress> {
        let (events, rx) = tokio::sync::mpsc::unbounded_channel();
        let redraw = std::io::stderr().is_terminal();
        let drawn = tokio::spawn(async move {
            render_progress(rx, std::io::stderr(), redraw).await;
        });
        Some(ListingProgress { events, drawn })
    }

    fn mfa_prompt(&self) -> &dyn MfaPrompt {
        &TtyPrompt
    }
}
