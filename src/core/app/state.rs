//! `AppState`: everything the screen shows, and nothing the screen computes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use crate::core::action::{ActionCommand, ActionFields};
use crate::core::catalog::{Catalog, RoleRef, Roles};
use crate::core::chain::ChainSpec;
use crate::core::credentials::Credentials;
use crate::core::frecency::Frecency;
use crate::core::search::{Hit, SearchIndex, SearchRow};
use crate::core::signin::SignIn;

use super::effect::ExitPlan;
use super::keymap::Keymap;
use super::urgency::Thresholds;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Catalog,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Roles,
    Sessions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A message at the bottom of the screen until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub level: Level,
    pub until: SystemTime,
}

/// The identity center this app is signed in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub name: String,
    pub start_url: String,
    pub region: String,
    /// When the access token expires (header countdown).
    pub token_expires_at: Option<SystemTime>,
}

/// Credentials obtained in this run.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub id: u64,
    pub account_id: String,
    pub account_name: String,
    pub role: String,
    pub credentials: Credentials,
    pub refreshing: bool,
    /// The pre-expiry warning was shown.
    pub warned: bool,
    /// The chain these credentials came from (refreshing re-assumes it from its source).
    pub chain: Option<ChainSpec>,
    /// Who the credentials are (GetCallerIdentity), once STS has said.
    pub caller_arn: Option<String>,
    /// Why the session is shorter than asked (role chaining's 1 h).
    pub note: Option<String>,
    /// The region to export for a chain (its STS region); the app's otherwise.
    pub region: Option<String>,
}

impl Held {
    /// An SSO role's credentials, before "who am I" is known.
    pub fn sso(
        id: u64,
        account_id: String,
        account_name: String,
        role: String,
        credentials: Credentials,
    ) -> Self {
        Self {
            id,
            account_id,
            account_name,
            role,
            credentials,
            refreshing: false,
            warned: false,
            chain: None,
            caller_arn: None,
            note: None,
            region: None,
        }
    }

    pub fn label(&self) -> String {
        match &self.chain {
            Some(chain) => format!("{CHAIN_MARK} {}", chain.name),
            None => format!("{}/{}", self.account_name, self.role),
        }
    }
}

/// How chained rows and sessions are marked.
pub const CHAIN_MARK: &str = "↪";

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

/// A `[[actions]]` entry: a command run with the chosen credentials in its environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAction {
    pub name: String,
    /// A key that runs it from the hand-over menu (`e`, `ctrl-e`, …), parsed when config.toml
    /// is read (a name that does not parse is an error at its line).
    #[serde(default)]
    pub key: Option<super::key::Key>,
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

/// A chain being assumed: the chain, the held session it refreshes (if any), and the MFA
/// codes typed so far.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChain {
    pub spec: ChainSpec,
    pub refreshing: Option<u64>,
    pub fresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handover {
    pub held_id: u64,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Exports { held_id: u64 },
}

/// A background listing's progress.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Refresh {
    pub accounts: usize,
    pub done: usize,
    pub total: usize,
    pub rate: f64,
}

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
        }
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

/// A role row's extra facts, parallel to the search rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowMeta {
    /// This row stands for an account whose roles could not be listed.
    pub unavailable: Option<String>,
    pub email: Option<String>,
    /// This row is a chain: its index in `AppSettings::chains`.
    pub chain: Option<usize>,
}

#[derive(Debug)]
pub struct AppState {
    pub session: SessionInfo,
    pub screen: Screen,
    pub signin: Option<SignIn>,
    pub catalog: Catalog,
    pub search: SearchIndex,
    pub meta: Vec<RowMeta>,
    /// Favorites/recents boost per search row.
    pub boosts: Vec<i64>,
    pub query: String,
    pub selected: usize,
    pub offset: usize,
    pub list_top: u16,
    pub list_height: usize,
    pub size: (u16, u16),
    pub refresh: Option<Refresh>,
    /// The catalog is missing or old: list it once signed in.
    pub catalog_stale: bool,
    pub new_roles: BTreeSet<RoleRef>,
    pub gone_roles: usize,
    pub frecency: Frecency,
    pub held: Vec<Held>,
    pub held_selected: usize,
    pub focus: Focus,
    /// Credentials requests in flight: request id → (account id, role, held id being refreshed).
    pub pending: BTreeMap<u64, (String, String, Option<u64>)>,
    pub handover: Option<Handover>,
    /// Chain requests in flight: request id → what was asked.
    pub pending_chains: BTreeMap<u64, PendingChain>,
    /// A question the app is asking (an MFA code, the "assume another role" form).
    pub prompt: Option<super::prompt::Prompt>,
    /// Role ARNs assumed ad hoc before, newest first.
    pub role_history: Vec<String>,
    pub overlay: Overlay,
    pub toast: Option<Toast>,
    pub settings: AppSettings,
    pub keymap: Keymap,
    pub exit: Option<ExitPlan>,
    /// Quit was asked for while sessions are held: the next quit key quits.
    pub quit_armed: bool,
    pub now_unix: i64,
    pub(super) next_id: u64,
}

/// The search rows for a catalog: one per account × role, one per account whose roles are
/// unavailable, then one per chain (named by the chain, in the role's account).
pub fn rows_of(catalog: &Catalog, chains: &[ChainSpec]) -> (Vec<SearchRow>, Vec<RowMeta>) {
    let mut rows = Vec::new();
    let mut meta = Vec::new();
    push_sso_rows(catalog, &mut rows, &mut meta);
    for (i, chain) in chains.iter().enumerate() {
        let Some(role) = chain.role() else {
            continue;
        };
        rows.push(SearchRow {
            account_id: role.account_id.clone(),
            account_name: chain.name.clone(),
            role_name: role.name.clone(),
            alias: None,
            tags: vec!["chain".to_owned(), chain.source.label()],
            arn: chain.role_arn.clone(),
        });
        meta.push(RowMeta {
            unavailable: None,
            email: None,
            chain: Some(i),
        });
    }
    (rows, meta)
}

fn push_sso_rows(catalog: &Catalog, rows: &mut Vec<SearchRow>, meta: &mut Vec<RowMeta>) {
    for entry in &catalog.accounts {
        let a = &entry.account;
        let mut push = |role: &str, unavailable: Option<String>| {
            rows.push(SearchRow {
                account_id: a.id.clone(),
                account_name: a.name.clone(),
                role_name: role.to_owned(),
                alias: None,
                tags: Vec::new(),
                arn: format!("arn:aws:iam::{}:role/{role}", a.id),
            });
            meta.push(RowMeta {
                unavailable,
                email: a.email.clone(),
                chain: None,
            });
        };
        match &entry.roles {
            Roles::Listed(roles) | Roles::Stale { roles, .. } => {
                roles.iter().for_each(|r| push(r, None));
            }
            Roles::Unavailable { reason } => push("", Some(reason.clone())),
        }
    }
}

impl AppState {
    pub fn new(
        session: SessionInfo,
        catalog: Catalog,
        frecency: Frecency,
        settings: AppSettings,
        keymap: Keymap,
    ) -> Self {
        let (rows, meta) = rows_of(&catalog, &settings.chains);
        let mut state = Self {
            session,
            screen: Screen::SignIn,
            signin: None,
            catalog,
            search: SearchIndex::new(rows),
            meta,
            boosts: Vec::new(),
            query: String::new(),
            selected: 0,
            offset: 0,
            list_top: 0,
            list_height: 10,
            size: (80, 24),
            refresh: None,
            catalog_stale: true,
            new_roles: BTreeSet::new(),
            gone_roles: 0,
            frecency,
            held: Vec::new(),
            held_selected: 0,
            focus: Focus::Roles,
            pending: BTreeMap::new(),
            handover: None,
            pending_chains: BTreeMap::new(),
            prompt: None,
            role_history: Vec::new(),
            overlay: Overlay::None,
            toast: None,
            settings,
            keymap,
            exit: None,
            quit_armed: false,
            now_unix: 0,
            next_id: 0,
        };
        state.recompute_boosts();
        state.refilter();
        state
    }

    /// The rows matching the query, best first.
    pub fn hits(&self) -> &[Hit] {
        self.search.hits()
    }

    /// The selected hit's row index in `search`.
    pub fn selected_row(&self) -> Option<usize> {
        self.hits().get(self.selected).map(|h| h.row)
    }

    pub fn row(&self, index: usize) -> Option<&SearchRow> {
        self.search.row(index)
    }

    /// An account's name from the catalog; its id when the catalog does not know it.
    pub fn account_name(&self, account_id: &str) -> String {
        self.catalog
            .accounts
            .iter()
            .find(|e| e.account.id == account_id)
            .map_or_else(|| account_id.to_owned(), |e| e.account.name.clone())
    }

    /// The chain a row stands for.
    pub fn chain_of_row(&self, index: usize) -> Option<&ChainSpec> {
        let i = self.meta.get(index)?.chain?;
        self.settings.chains.get(i)
    }

    pub fn role_ref(&self, index: usize) -> Option<RoleRef> {
        self.row(index).map(|r| RoleRef {
            account_id: r.account_id.clone(),
            role_name: r.role_name.clone(),
        })
    }

    /// The hand-over menu's entries: the built-in ones, the custom actions, Close.
    pub fn handover_actions(&self) -> Vec<HandoverAction> {
        let mut actions = HandoverAction::BUILT_IN.to_vec();
        actions.extend((0..self.settings.actions.len()).map(HandoverAction::Custom));
        actions.push(HandoverAction::Close);
        actions
    }

    /// What the menu shows for an entry.
    pub fn action_label(&self, action: HandoverAction) -> String {
        match action {
            HandoverAction::Custom(i) => self
                .settings
                .actions
                .get(i)
                .map_or_else(|| "custom action".to_owned(), |a| a.name.clone()),
            other => other.label().to_owned(),
        }
    }

    pub fn held(&self, id: u64) -> Option<&Held> {
        self.held.iter().find(|h| h.id == id)
    }

    /// Recomputes every row's favorites/recents boost (after the catalog or frecency changed).
    pub fn recompute_boosts(&mut self) {
        let now = self.now_unix;
        self.boosts = self.frecency.boost_table(
            self.search
                .rows()
                .iter()
                .map(|r| (r.account_id.as_str(), r.role_name.as_str())),
            now,
        );
        self.search.invalidate();
    }

    /// Re-runs the search for the current query, keeping favorites and recents first.
    pub fn refilter(&mut self) {
        let boosts = &self.boosts;
        let boost = |i: usize| boosts.get(i).copied().unwrap_or(0);
        let count = self.search.filter(&self.query, &boost).len();
        self.selected = self.selected.min(count.saturating_sub(1));
        self.clamp_offset();
    }

    /// Keeps the selection on screen.
    pub fn clamp_offset(&mut self) {
        let height = self.list_height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.hits().len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    pub(super) fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}
