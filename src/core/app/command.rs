//! What keys do. Every command carries the description the help screen shows, and the screen
//! it applies to; config.toml names them in kebab-case (`refresh-catalog`).

use serde::Deserialize;

/// Where a command applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere.
    Global,
    /// The sign-in screen.
    SignIn,
    /// The catalog (list and sessions panel).
    Catalog,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Get credentials for the selected role and open the hand-over menu.
    Assume,
    ToggleFavorite,
    RefreshCatalog,
    RetryAccount,
    /// Switch between the role list and the sessions panel.
    SwitchFocus,
    RefreshCredentials,
    /// Clear the query, close an overlay, or go back.
    Back,
    Help,
    Quit,
    OpenBrowser,
    CopyCode,
    RetrySignIn,
}

impl Command {
    pub const ALL: [Command; 18] = [
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::Assume,
        Command::ToggleFavorite,
        Command::RefreshCatalog,
        Command::RetryAccount,
        Command::SwitchFocus,
        Command::RefreshCredentials,
        Command::Back,
        Command::Help,
        Command::Quit,
        Command::OpenBrowser,
        Command::CopyCode,
        Command::RetrySignIn,
    ];

    pub fn description(self) -> &'static str {
        match self {
            Command::Up => "move up",
            Command::Down => "move down",
            Command::PageUp => "page up",
            Command::PageDown => "page down",
            Command::Top => "first row",
            Command::Bottom => "last row",
            Command::Assume => "assume the selected role",
            Command::ToggleFavorite => "pin or unpin as favorite",
            Command::RefreshCatalog => "list accounts and roles again",
            Command::RetryAccount => "retry an account whose roles are unavailable",
            Command::SwitchFocus => "switch between roles and sessions",
            Command::RefreshCredentials => "refresh the selected session's credentials",
            Command::Back => "clear the search / close / back (never quits)",
            Command::Help => "show this help",
            Command::Quit => "quit (q: when the search is empty)",
            Command::OpenBrowser => "open the sign-in page in the browser",
            Command::CopyCode => "copy the code to the clipboard",
            Command::RetrySignIn => "sign in again",
        }
    }

    /// The name used in config.toml.
    pub fn name(self) -> &'static str {
        match self {
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page-up",
            Command::PageDown => "page-down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Assume => "assume",
            Command::ToggleFavorite => "toggle-favorite",
            Command::RefreshCatalog => "refresh-catalog",
            Command::RetryAccount => "retry-account",
            Command::SwitchFocus => "switch-focus",
            Command::RefreshCredentials => "refresh-credentials",
            Command::Back => "back",
            Command::Help => "help",
            Command::Quit => "quit",
            Command::OpenBrowser => "open-browser",
            Command::CopyCode => "copy-code",
            Command::RetrySignIn => "retry-sign-in",
        }
    }

    pub fn context(self) -> Context {
        match self {
            Command::Help | Command::Quit | Command::Back => Context::Global,
            Command::OpenBrowser | Command::CopyCode | Command::RetrySignIn => Context::SignIn,
            _ => Context::Catalog,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for c in Command::ALL {
            let parsed: Command = serde_json::from_str(&format!("\"{}\"", c.name())).unwrap();
            assert_eq!(parsed, c);
            assert!(!c.description().is_empty());
        }
    }
}
