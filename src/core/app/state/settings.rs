//! Settings from config.toml's `[app]` and `[[actions]]`, as the app uses them.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::core::action::{ActionCommand, ActionFields};
use crate::core::app::key::Key;
use crate::core::app::urgency::Thresholds;
use crate::core::chain::ChainSpec;
use crate::secret::Secret;

/// Settings from config.toml's `[app]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    pub thresholds: Thresholds,
    pub default_action: DefaultAction,
    /// Region for the exports (`AWS_REGION`).
    pub region: String,
    /// How long a toast stays.
    pub toast_for: Duration,
    /// Open the browser for sign-in when one can be opened here.
    pub open_browser: bool,
    /// `[[actions]]` from config.toml, offered in the hand-over menu.
    pub actions: Vec<CustomAction>,
    /// Chains from config.toml and `~/.aws/config`, listed with the roles.
    pub chains: Vec<ChainSpec>,
    /// Quitting while sessions are held asks first (`[app] confirm_quit`).
    pub confirm_quit: bool,
    /// Whether copying (OSC 52) can work in this terminal.
    pub clipboard: Clipboard,
    /// `[aliases]` from config.toml (name → `account/role`), searchable in the list.
    pub aliases: BTreeMap<String, String>,
    /// Renew the sessions in use before they expire (`[sessions] auto_renew`).
    pub auto_renew: bool,
    /// How long before expiry they are renewed (`[sessions] renew_before`).
    pub renew_before: Duration,
    /// `[[environments]]` from config.toml: badges, colours, confirmation.
    pub marks: crate::core::marks::Marks,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            thresholds: Thresholds::default(),
            default_action: DefaultAction::Menu,
            region: "us-east-1".into(),
            toast_for: Duration::from_secs(6),
            open_browser: false,
            actions: Vec::new(),
            chains: Vec::new(),
            confirm_quit: true,
            clipboard: Clipboard::Unknown,
            aliases: BTreeMap::new(),
            auto_renew: true,
            renew_before: Duration::from_secs(10 * 60),
            marks: crate::core::marks::Marks::default(),
        }
    }
}

/// Whether the terminal can take text for its clipboard (OSC 52), and how to send it. Nobody
/// can know it does: a terminal may ignore the sequence and never says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Clipboard {
    /// OSC 52 straight to the terminal (or to tmux with `set-clipboard on`, which keeps it in
    /// its paste buffer and passes it on): it may work.
    #[default]
    Unknown,
    /// Inside tmux that ignores OSC 52 from programs (`set-clipboard` not `on`) but lets them
    /// pass sequences through to the outer terminal (`allow-passthrough on`): wrapped so.
    TmuxPassthrough,
    /// It cannot work here, and why.
    Unavailable(String),
}

/// What tmux's options say (`tmux show-options -gv NAME`; `None`: could not be read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TmuxOptions<'a> {
    pub set_clipboard: Option<&'a str>,
    pub allow_passthrough: Option<&'a str>,
}

impl Clipboard {
    /// Judged from `TERM`, tmux's options when inside tmux, and whether GNU screen runs us
    /// (`STY`, or a `screen` `TERM` outside tmux).
    ///
    /// tmux's `set-clipboard`: `on` takes OSC 52 from programs (its buffer, then the outer
    /// terminal); `external` (the default) and `off` drop it. `allow-passthrough` (`on`,
    /// `all`) passes `ESC P tmux; …` through to the outer terminal instead.
    pub fn from_terminal(term: Option<&str>, tmux: Option<TmuxOptions>, screen: bool) -> Self {
        match term {
            None | Some("" | "dumb") => {
                return Self::Unavailable("this terminal (TERM=dumb) has no clipboard".into());
            }
            Some("linux") => {
                return Self::Unavailable(
                    "the Linux console (TERM=linux) has no clipboard sequence".into(),
                );
            }
            Some(_) => {}
        }
        let Some(tmux) = tmux else {
            let screen = screen || term.is_some_and(|t| t.starts_with("screen"));
            return if screen {
                Self::Unavailable(
                    "GNU screen does not pass the clipboard sequence (OSC 52) on".into(),
                )
            } else {
                Self::Unknown
            };
        };
        let on = |v: Option<&str>, yes: &[&str]| v.is_some_and(|v| yes.contains(&v.trim()));
        match tmux.set_clipboard {
            None => Self::Unknown,
            Some(_) if on(tmux.set_clipboard, &["on"]) => Self::Unknown,
            Some(_) if on(tmux.allow_passthrough, &["on", "all"]) => Self::TmuxPassthrough,
            Some(_) => Self::Unavailable(
                "tmux drops the clipboard sequence (OSC 52) unless `set -g set-clipboard on` \
                 (or `set -g allow-passthrough on`)"
                    .into(),
            ),
        }
    }

    /// The bytes that put `text` on the clipboard: OSC 52 with `text` in base64 (nothing of it
    /// reaches the terminal otherwise), wrapped for tmux's passthrough where that is the way.
    pub fn sequence(&self, text: &str) -> Option<Secret<String>> {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        let osc = format!("\x1b]52;c;{encoded}\x07");
        match self {
            Self::Unknown => Some(Secret::new(osc)),
            Self::TmuxPassthrough => Some(Secret::new(format!("\x1bPtmux;\x1b{osc}\x1b\\"))),
            Self::Unavailable(_) => None,
        }
    }

    /// What was done, as the status line says it.
    pub fn sent(&self) -> &'static str {
        match self {
            Self::TmuxPassthrough => {
                "sent to the terminal's clipboard (OSC 52, through tmux's passthrough)"
            }
            _ => "sent to the terminal's clipboard (OSC 52)",
        }
    }
}

/// What Enter does with fresh credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefaultAction {
    /// Open the hand-over menu.
    #[default]
    Menu,
    /// Quit and print the exports for `eval`.
    PrintExports,
}

/// A `[[actions]]` entry: a command run with the chosen credentials in its environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAction {
    pub name: String,
    /// A key that runs it from the hand-over menu (`e`, `ctrl-e`, …), parsed when config.toml
    /// is read (a name that does not parse is an error at its line).
    #[serde(default)]
    pub key: Option<Key>,
    /// A shell command; `{account_id}`, `{account_name}`, `{role_name}`, `{region}` and
    /// `{profile}` are replaced by their values, shell-quoted, and the same values are in its
    /// environment as `ROLECALL_ACCOUNT_ID`, … (see [`crate::core::action`]).
    pub command: String,
    /// After the command, show its output and exit status and wait for a key before the app
    /// returns to full screen (`pause = false`: return at once).
    #[serde(default = "pause_by_default")]
    pub pause: bool,
}

fn pause_by_default() -> bool {
    true
}

impl CustomAction {
    /// The command with its placeholders filled in, and its variables.
    pub fn render(
        &self,
        account_id: &str,
        account_name: &str,
        role_name: &str,
        region: &str,
    ) -> ActionCommand {
        let profile = profile_name(account_name, role_name);
        ActionCommand::new(
            &self.command,
            &ActionFields {
                account_id,
                account_name,
                role_name,
                region,
                profile: &profile,
            },
        )
    }
}

/// The default profile name for a role: the default template, sanitised.
pub fn profile_name(account_name: &str, role_name: &str) -> String {
    crate::core::profile_name::sanitize(&format!("{account_name}-{role_name}"))
}
