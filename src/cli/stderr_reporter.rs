//! The subcommands' [`Reporter`]: notes on stderr (escaped), a listing's progress drawn there
//! (redrawn in place on a terminal), MFA codes asked on the terminal ([`TtyPrompt`]).

use std::io::{IsTerminal, Write};

use crate::adapters::tty_prompt::TtyPrompt;
use crate::catalog::render_progress;
use crate::core::terminal_text::Shown;
use crate::ports::mfa_prompt::MfaPrompt;
use crate::ports::reporter::{ListingProgress, Reporter};

pub(crate) struct StderrReporter;

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
