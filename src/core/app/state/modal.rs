//! The one box over the screen, if any: the hand-over menu, a question (the MFA code, the
//! "assume another role" form), `?` help or the exports. One field holds it, so two can never
//! be open at once.

use crate::core::app::command::{Command, Context};
use crate::core::app::prompt::Prompt;

/// What is open over the screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Modal {
    #[default]
    None,
    /// The hand-over menu for fresh credentials.
    Menu(Handover),
    /// A question the app is asking; it takes every key.
    Prompt(Box<Prompt>),
    /// `?` help, scrolled down by `scroll` rows (the screen clamps it to what fits).
    Help { scroll: usize },
    /// The export lines of a held session.
    Exports { held_id: u64 },
    /// What can be copied of a held session or a row of the list.
    Copy(CopyFrom),
    /// Asks before credentials of an environment marked `confirm` are handed over.
    Confirm {
        held_id: u64,
        action: HandoverAction,
    },
}

/// What the copy box copies from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyFrom {
    /// A held session: its account, its role, its credentials.
    Held(u64),
    /// A row of the list (by row index): its account and role, no credentials yet.
    Row(usize),
}

impl CopyFrom {
    /// The copy box's entries that apply, in order.
    pub fn commands(self) -> &'static [Command] {
        match self {
            CopyFrom::Held(_) => &[
                Command::CopyAccountId,
                Command::CopyRoleArn,
                Command::CopyExports,
                Command::CopyConsoleUrl,
            ],
            CopyFrom::Row(_) => &[Command::CopyAccountId, Command::CopyRoleArn],
        }
    }
}

impl Modal {
    /// The keymap layer that reads keys while this is open (`None`: the screen's).
    pub fn context(&self) -> Option<Context> {
        match self {
            Modal::None => None,
            Modal::Menu(_) => Some(Context::Menu),
            Modal::Prompt(prompt) => Some(match **prompt {
                Prompt::Mfa(_) => Context::Prompt,
                Prompt::Assume(_) | Prompt::Setup(_) => Context::Form,
            }),
            Modal::Help { .. } | Modal::Exports { .. } => Some(Context::Overlay),
            Modal::Copy(_) => Some(Context::Copy),
            Modal::Confirm { .. } => Some(Context::Confirm),
        }
    }

    /// The hand-over menu, when it is open.
    pub fn menu(&self) -> Option<Handover> {
        match self {
            Modal::Menu(menu) => Some(*menu),
            _ => None,
        }
    }

    /// Asks `prompt`.
    pub fn prompt_of(prompt: Prompt) -> Self {
        Modal::Prompt(Box::new(prompt))
    }

    /// The question, when one is asked.
    pub fn prompt(&self) -> Option<&Prompt> {
        match self {
            Modal::Prompt(prompt) => Some(prompt),
            _ => None,
        }
    }

    pub fn is_open(&self) -> bool {
        *self != Modal::None
    }

    /// Whether the list stops taking the mouse and showing the search cursor: the menu and the
    /// overlays. A question leaves both to the list, as before the modals were one field.
    pub fn holds_the_list(&self) -> bool {
        matches!(
            self,
            Modal::Menu(_)
                | Modal::Help { .. }
                | Modal::Exports { .. }
                | Modal::Copy(_)
                | Modal::Confirm { .. }
        )
    }
}

/// The hand-over menu: for which held session, and the selected entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handover {
    pub held_id: u64,
    pub selected: usize,
}

/// The hand-over menu's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverAction {
    PrintExports,
    Subshell,
    WriteProfile,
    Console,
    ShowExports,
    /// Assume another role with these credentials as the source.
    AssumeAnother,
    /// Open the copy box for these credentials.
    Copy,
    /// Copy the export lines (from the copy box).
    CopyExports,
    /// Copy a console sign-in URL (from the copy box).
    CopyConsoleUrl,
    /// `[[actions]]` entry number n of config.toml.
    Custom(usize),
    Close,
}

impl HandoverAction {
    /// The built-in entries, in menu order (custom actions go before `Close`).
    pub const BUILT_IN: [HandoverAction; 7] = [
        HandoverAction::PrintExports,
        HandoverAction::Subshell,
        HandoverAction::WriteProfile,
        HandoverAction::Console,
        HandoverAction::ShowExports,
        HandoverAction::AssumeAnother,
        HandoverAction::Copy,
    ];

    /// Whether it gives the credentials away (an environment marked `confirm` asks first).
    pub fn hands_over(self) -> bool {
        matches!(
            self,
            HandoverAction::PrintExports
                | HandoverAction::Subshell
                | HandoverAction::WriteProfile
                | HandoverAction::Console
                | HandoverAction::CopyExports
                | HandoverAction::CopyConsoleUrl
                | HandoverAction::Custom(_)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            HandoverAction::PrintExports => "Quit and print the exports (for eval)",
            HandoverAction::Subshell => "Open a subshell with these credentials",
            HandoverAction::WriteProfile => "Write a profile to ~/.aws/credentials",
            HandoverAction::Console => "Open the AWS console",
            HandoverAction::ShowExports => "Show the exports",
            HandoverAction::AssumeAnother => "Assume another role from here…",
            HandoverAction::Copy => "Copy the id, ARN, exports or URL…",
            HandoverAction::CopyExports => "Copy the exports",
            HandoverAction::CopyConsoleUrl => "Copy a console sign-in URL",
            HandoverAction::Custom(_) => "custom action",
            HandoverAction::Close => "Close",
        }
    }
}
