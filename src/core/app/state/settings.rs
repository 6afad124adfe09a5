//! Settings from config.toml's `[app]` and `[[actions]]`, as the app uses them.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::core::action::{ActionCommand, ActionFields};
use crate::core::app::key::Key;
use crate::core::app::urgency::Thresholds;
use crate::core::chain::ChainSpec;

/// Settings from config.toml's `[app]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    pub thresholds: Thresholds,
    pub default_action: DefaultAction,
    /// The identity center's region: where SSO roles' credentials come from (the region
    /// rule's last word; the rule itself is [`AppSettings::regions`]).
    pub region: String,
    /// What the region rule reads besides each session ([`crate::core::region`]).
    pub regions: crate::core::region::RegionContext,
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
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            thresholds: Thresholds::default(),
            default_action: DefaultAction::Menu,
            region: "us-east-1".into(),
            regions: crate::core::region::RegionContext::default(),
            toast_for: Duration::from_secs(6),
            open_browser: false,
            actions: Vec::new(),
            chains: Vec::new(),
            confirm_quit: true,
            clipboard: Clipboard::Unknown,
            aliases: BTreeMap::new(),
        }
    }
}

impl AppSettings {
    /// The region a held session is handed over in: the one region rule
    /// ([`crate::core::region::hand_over_region`]), as the subcommands apply it; `chosen`: the
    /// region picked for it with `r`.
    pub fn region_of(&self, held: &super::Held, chosen: Option<&str>) -> String {
        self.region_for(
            (&held.account_id, &held.account_name, &held.role),
            held.chain.as_ref(),
            // A chain's STS region, else the identity center's.
            held.region.as_deref(),
            chosen,
        )
    }

    /// The rule for a role (a row of the list, a held session): `origin` is where its
    /// credentials come from when known (a chain's STS region), else the identity center's.
    pub fn region_for(
        &self,
        (account_id, account_name, role): (&str, &str, &str),
        chain: Option<&ChainSpec>,
        origin: Option<&str>,
        chosen: Option<&str>,
    ) -> String {
        let chains = crate::core::chain::Chains::new(self.chains.clone());
        self.regions.region(&crate::core::region::RegionTarget {
            account_id,
            account_name,
            role,
            chosen,
            chain: chain.and_then(|c| chains.own_region(c)),
            origin: origin.unwrap_or(&self.region),
        })
    }
}

/// Whether the terminal can take text for its clipboard (OSC 52). Nobody can know it does:
/// a terminal may ignore the sequence and never says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Clipboard {
    /// It may work.
    #[default]
    Unknown,
    /// It cannot work here, and why.
    Unavailable(String),
}

impl Clipboard {
    /// Judged from `TERM` and, inside tmux, tmux's `set-clipboard` option (`Some(None)`: in
    /// tmux but the option could not be read).
    pub fn from_terminal(term: Option<&str>, tmux_set_clipboard: Option<Option<&str>>) -> Self {
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
        match tmux_set_clipboard {
            Some(Some(setting)) if setting.trim() != "on" => Self::Unavailable(
                "tmux drops the clipboard sequence (OSC 52) unless `set -g set-clipboard on`"
                    .into(),
            ),
            _ => Self::Unknown,
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
