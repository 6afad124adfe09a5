//! `AppState`: everything the screen shows, and nothing the screen computes. It is made of
//! parts that say what they hold: the sign-in, the catalog list, the sessions held, the
//! requests in flight, and at most one modal over the screen.

use std::time::SystemTime;

use crate::core::catalog::{Catalog, RoleRef};
use crate::core::chain::ChainSpec;
use crate::core::frecency::Frecency;
use crate::core::marks::Mark;
use crate::core::search::{Hit, SearchRow};
use crate::core::signin::SignIn;

use super::command::{Command, Context};
use super::effect::ExitPlan;
use super::key::Key;
use super::keymap::Keymap;
use super::requests::Requests;

mod catalog_view;
mod modal;
mod sessions;
mod settings;
mod sso_role_arn;

pub use super::requests::{CredentialsRequest, PendingChain};
pub use catalog_view::{CatalogView, Refresh, RowMeta};
pub use modal::{CopyFrom, Handover, HandoverAction, Modal};
pub use sessions::{CHAIN_MARK, Held, Kept, Sessions};
pub use settings::{
    AppSettings, Clipboard, CustomAction, DefaultAction, TmuxOptions, profile_name,
};

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
    /// A countdown the message goes on with (`in 4m 59s`, then `then`), so a warning about an
    /// expiry ticks with it instead of freezing at the moment it was raised.
    pub countdown: Option<ToastCountdown>,
}

/// The live end of a toast: the time left until `to`, then `then`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToastCountdown {
    pub to: SystemTime,
    pub then: String,
}

impl Toast {
    /// The message as it reads at `now`.
    pub fn text_at(&self, now: SystemTime) -> String {
        match &self.countdown {
            None => self.text.clone(),
            Some(c) => format!(
                "{}{}{}",
                self.text,
                crate::core::countdown::left(c.to, now),
                c.then
            ),
        }
    }
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

/// Signing in: the identity center, and the sign-in machine while one runs.
#[derive(Debug)]
pub struct SignInState {
    pub session: SessionInfo,
    /// The machine signing in (`None` once signed in).
    pub machine: Option<SignIn>,
    /// Renewing the token ahead of its expiry is not tried again before this.
    pub next_ahead_at: Option<SystemTime>,
}

#[derive(Debug)]
pub struct AppState {
    /// The screen under any modal.
    pub screen: Screen,
    /// Which panel of the catalog screen has the keys.
    pub focus: Focus,
    /// What is open over the screen: one thing at most.
    pub modal: Modal,
    pub sign_in: SignInState,
    pub list: CatalogView,
    pub sessions: Sessions,
    pub requests: Requests,
    pub frecency: Frecency,
    /// Role ARNs assumed ad hoc before, newest first.
    pub role_history: Vec<String>,
    /// Regions picked with `r`, by [`region_key`] (kept between runs).
    pub chosen_regions: std::collections::BTreeMap<String, String>,
    pub toast: Option<Toast>,
    pub settings: AppSettings,
    pub keymap: Keymap,
    pub exit: Option<ExitPlan>,
    /// Quit was asked for while sessions are held: the next quit key quits.
    pub quit_armed: bool,
    pub now_unix: i64,
    /// The terminal's size.
    pub size: (u16, u16),
}

impl AppState {
    pub fn new(
        session: SessionInfo,
        catalog: Catalog,
        frecency: Frecency,
        settings: AppSettings,
        keymap: Keymap,
    ) -> Self {
        let list = CatalogView::new(catalog, &settings.chains, &settings.aliases);
        let mut state = Self {
            screen: Screen::SignIn,
            focus: Focus::Roles,
            modal: Modal::None,
            sign_in: SignInState {
                session,
                machine: None,
                next_ahead_at: None,
            },
            list,
            sessions: Sessions::default(),
            requests: Requests::default(),
            frecency,
            role_history: Vec::new(),
            chosen_regions: std::collections::BTreeMap::new(),
            toast: None,
            settings,
            keymap,
            exit: None,
            quit_armed: false,
            now_unix: 0,
            size: (80, 24),
        };
        state.recompute_boosts();
        state.list.refilter();
        state
    }

    /// Opens `modal` over the screen. A question being asked stays: what arrives while it
    /// is open (the menu for other credentials, held and selected meanwhile) gives way to it.
    pub fn open(&mut self, modal: Modal) {
        if self.modal.prompt().is_none() || matches!(modal, Modal::Prompt(_)) {
            self.modal = modal;
        }
    }

    /// The keymap layer reading keys now: the modal's, else the screen's.
    pub fn context(&self) -> Context {
        self.modal
            .context()
            .unwrap_or_else(|| self.screen_context())
    }

    /// The keymap layer of the screen on view.
    pub fn screen_context(&self) -> Context {
        match self.screen {
            Screen::SignIn => Context::SignIn,
            Screen::Catalog => Context::Catalog,
        }
    }

    /// The IAM ARN of row `index`'s role: a chain's as configured; an SSO role's exact one
    /// once a held session of it has said who it is (GetCallerIdentity), else what it is.
    pub fn role_arn_of_row(&self, index: usize) -> Option<String> {
        let row = self.row(index)?;
        if self.list.meta(index).is_some_and(|m| m.chain.is_some()) {
            return Some(row.arn.clone());
        }
        let caller = self
            .sessions
            .held
            .iter()
            .filter(|h| h.chain.is_none())
            .filter(|h| h.account_id == row.account_id && h.role == row.role_name)
            .find_map(|h| h.caller_arn.as_deref());
        Some(sso_role_arn::sso_role_arn(
            &row.account_id,
            &row.role_name,
            caller,
        ))
    }

    /// The environment row `index`'s account is marked as (its name or id; a chain's too).
    pub fn mark_of_row(&self, index: usize) -> Option<&Mark> {
        let row = self.row(index)?;
        // A chain's row is named for the chain: its account's name too (looked up only then,
        // the list draws this for every row).
        let chained = self.list.meta(index).is_some_and(|m| m.chain.is_some());
        let account = chained.then(|| self.list.account_name(&row.account_id));
        let names = [row.account_name.as_str(), account.as_deref().unwrap_or("")];
        self.settings.marks.of(names, &row.account_id)
    }

    /// The environment a held session's account is marked as.
    pub fn mark_of_held(&self, held: &Held) -> Option<&Mark> {
        let chain = held.chain.as_ref().map_or("", |c| c.name.as_str());
        let names = [held.account_name.as_str(), chain];
        self.settings.marks.of(names, &held.account_id)
    }

    /// The environment of what has the focus: the selected session in the sessions panel,
    /// else the selected row (the header shows it).
    pub fn mark_in_focus(&self) -> Option<&Mark> {
        if self.screen != Screen::Catalog {
            return None;
        }
        match self.focus {
            Focus::Sessions => self.sessions.selected().and_then(|h| self.mark_of_held(h)),
            Focus::Roles => self.selected_row().and_then(|i| self.mark_of_row(i)),
        }
    }

    /// The IAM ARN of a held session's role: a chain's as configured, an SSO role's exact
    /// once STS has said who the credentials are, else what it is.
    pub fn role_arn_of_held(&self, held: &Held) -> String {
        match &held.chain {
            Some(chain) => chain.role_arn.clone(),
            None => {
                sso_role_arn::sso_role_arn(&held.account_id, &held.role, held.caller_arn.as_deref())
            }
        }
    }

    /// `?` help's rows for the screen on view: every command with its keys.
    pub fn help_rows(&self) -> Vec<(Command, Vec<Key>)> {
        self.keymap.help(self.screen_context())
    }

    /// How far help can scroll: its rows less those a terminal of this height shows.
    pub fn help_max_scroll(&self) -> usize {
        let rows = self.help_rows().len();
        rows.saturating_sub(help_rows_shown(self.size.1, rows))
    }

    /// The rows matching the query, best first.
    pub fn hits(&self) -> &[Hit] {
        self.list.hits()
    }

    /// The selected hit's row index.
    pub fn selected_row(&self) -> Option<usize> {
        self.list.selected_row()
    }

    pub fn row(&self, index: usize) -> Option<&SearchRow> {
        self.list.row(index)
    }

    pub fn role_ref(&self, index: usize) -> Option<RoleRef> {
        self.list.role_ref(index)
    }

    /// The region a held session is handed over in (the one rule, the region picked with `r`
    /// first).
    pub fn region_of(&self, held: &Held) -> String {
        let key = region_key(&held.account_id, &held.role, held.chain.as_ref());
        self.settings
            .region_of(held, self.chosen_regions.get(&key).map(String::as_str))
    }

    /// The chain a row stands for.
    pub fn chain_of_row(&self, index: usize) -> Option<&ChainSpec> {
        let i = self.list.meta(index)?.chain?;
        self.settings.chains.get(i)
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
        self.sessions.get(id)
    }

    /// Recomputes every row's favorites/recents boost (after the catalog or frecency changed).
    pub fn recompute_boosts(&mut self) {
        self.list.recompute_boosts(&self.frecency, self.now_unix);
    }

    /// Holds what an earlier run kept and has not expired at `now`, oldest first, not in use
    /// (so not renewed unasked) until the user selects one. Nothing is asked of the network.
    pub fn hold_kept(&mut self, kept: Vec<Kept>, now: SystemTime) {
        for k in kept {
            if k.credentials.expires_at.is_none_or(|at| at <= now) {
                continue;
            }
            let id = self.fresh_id();
            let account_name = self.list.account_name(&k.account_id);
            let mut held = Held::sso(id, k.account_id, account_name, k.role, k.credentials);
            held.in_use = false;
            held.chain = k.chain;
            self.sessions.held.push(held);
        }
    }

    pub(super) fn fresh_id(&mut self) -> u64 {
        self.requests.fresh_id()
    }
}

/// How many of `rows` help rows a terminal `height` rows high shows: the box keeps a row above
/// and below it, its borders and a blank first line (the screen draws it so).
pub fn help_rows_shown(height: u16, rows: usize) -> usize {
    let box_height = (rows + 4).min(usize::from(height).saturating_sub(2));
    box_height.saturating_sub(3)
}

/// Whose a region picked with `r` is: a chain by name, else an account id and role.
pub fn region_key(account_id: &str, role: &str, chain: Option<&ChainSpec>) -> String {
    match chain {
        Some(chain) => format!("chain:{}", chain.name),
        None => format!("{account_id}/{role}"),
    }
}
