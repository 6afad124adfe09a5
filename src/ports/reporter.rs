//! How the use cases tell people what happens: notes, a listing's progress, MFA questions.
//! The subcommands tell stderr and the terminal (`cli::stderr_reporter`); the app draws its own
//! screen, so it only logs ([`Quiet`]).

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::mfa_prompt::{MfaPrompt, NoPrompt};
use crate::core::listing::CatalogEvent;

/// A listing's progress being drawn: its events go to `events`; `drawn` ends after the last.
pub struct ListingProgress {
    pub events: UnboundedSender<CatalogEvent>,
    pub drawn: JoinHandle<()>,
}

/// Who the use cases talk to.
pub trait Reporter: Send + Sync {
    /// A line for the person (`rolecall: …`).
    fn note(&self, line: &str);
    /// Where a listing's progress is drawn, if anywhere.
    fn listing(&self) -> Option<ListingProgress>;
    /// Who is asked for MFA codes.
    fn mfa_prompt(&self) -> &dyn MfaPrompt;
}

/// Tells nobody (the log only) and asks nobody: the app, whose screen shows everything.
pub struct Quiet;

impl Reporter for Quiet {
    fn note(&self, line: &str) {
        tracing::info!(note = %line, "note");
    }

    fn listing(&self) -> Option<ListingProgress> {
        None
    }

    fn mfa_prompt(&self) -> &dyn MfaPrompt {
        &NoPrompt
    }
}
