//! The one box over the screen, if any: the hand-over menu, a question (the MFA code, the
//! "assume another role" form), `?` help or the exports. One field holds it, so two can never
//! be open at once.

use crate::core::app::command::Context;
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
}

impl Modal {
    /// The keymap layer that reads keys while this is open (`None`: the screen's).
    pub fn context(&self) -> Option<Context> {
        match self {
            Modal::None => None,
            Modal::Menu(_) => Some(Context::Menu),
            Modal::Prompt(prompt) => Some(match **prompt {
                Prompt::Mfa(_) | Prompt::Region(_) => Context::Prompt,
                Prompt::Assume(_) => Context::Form,
            }),
            Modal::Help { .. } | Modal::Exports { .. } => Some(Context::Overlay),
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
            Modal::Menu(_) | Modal::Help { .. } | Modal::Exports { .. }
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
    /// `[[actions]]` entry number n of config.toml.
    Custom(usize),
    Close,
}

impl HandoverAction {
    /// The built-in entries, in menu order (custom actions go before `Close`).
    pub const BUILT_IN: [HandoverAction; 6] = [
        HandoverAction::PrintExports,
        HandoverAction::Subshell,
        HandoverAction::WriteProfile,
        HandoverAction::Console,
        HandoverAction::ShowExports,
        HandoverAction::AssumeAnother,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HandoverAction::PrintExports => "Quit and print the exports (for eval)",
            HandoverAction::Subshell => "Open a subshell with these credentials",
            HandoverAction::WriteProfile => "Write a profile to ~/.aws/credentials",
            HandoverAction::Console => "Open the AWS console",
            HandoverAction::ShowExports => "Show the exports",
            HandoverAction::AssumeAnother => "Assume another role from here…",
            HandoverAction::Custom(_) => "custom action",
            HandoverAction::Close => "Close",
        }
    }
}
