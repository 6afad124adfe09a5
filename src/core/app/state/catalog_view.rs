//! The catalog as the list shows it: the catalog, its search rows with what each stands for,
//! the query, the selection and scroll, where the list is on screen, and a listing's progress
//! (the accounts and roles a listing streams in as they arrive).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::core::catalog::{Account, AccountEntry, Catalog, RoleRef, Roles};
use crate::core::chain::ChainSpec;
use crate::core::frecency::Frecency;
use crate::core::search::{Hit, SearchIndex, SearchRow};
use crate::core::target::{Matching, resolve};

use crate::core::natural::natural_cmp;

/// What a search row stands for besides its text (kept with it in [`CatalogView`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowMeta {
    /// This row stands for an account whose roles could not be listed.
    pub unavailable: Option<String>,
    pub email: Option<String>,
    /// This row is a chain: its index in `AppSettings::chains`.
    pub chain: Option<usize>,
    /// This row stands for an account a listing in progress found, whose roles are not in yet.
    pub loading: bool,
    /// Favorites/recents boost (from [`Frecency`]).
    pub boost: i64,
}

/// The search rows for a catalog: one per account × role (with the `[aliases]` that name it),
/// one per account whose roles are unavailable or still `loading`, then one per chain (named by
/// the chain, in the role's account).
fn rows_of(
    catalog: &Catalog,
    loading: &HashSet<String>,
    chains: &[ChainSpec],
    aliases: &BTreeMap<String, String>,
) -> (Vec<SearchRow>, Vec<RowMeta>) {
    let mut rows = Vec::new();
    let mut meta = Vec::new();
    push_sso_rows(
        catalog,
        loading,
        &aliases_by_role(catalog, aliases),
        &mut rows,
        &mut meta,
    );
    for (i, chain) in chains.iter().enumerate() {
        let Some(role) = chain.role() else {
            continue;
        };
        rows.push(SearchRow {
            account_id: role.account_id().to_string(),
            account_name: chain.name.clone(),
            role_name: role.name().to_owned(),
            alias: None,
            tags: vec!["chain".to_owned(), chain.source.label()],
            arn: chain.role_arn.clone(),
        });
        meta.push(RowMeta {
            unavailable: None,
            email: None,
            chain: Some(i),
            loading: false,
            boost: 0,
        });
    }
    (rows, meta)
}

/// The alias names of each `(account id, role)` the aliases name exactly, space-separated.
fn aliases_by_role(
    catalog: &Catalog,
    aliases: &BTreeMap<String, String>,
) -> HashMap<(String, String), String> {
    let mut by_role: HashMap<(String, String), String> = HashMap::new();
    for name in aliases.keys() {
        let Ok(target) = resolve(catalog, name, aliases, Matching::Exact) else {
            continue;
        };
        let names = by_role
            .entry((target.account.id.to_string(), target.role))
            .or_default();
        if !names.is_empty() {
            names.push(' ');
        }
        names.push_str(name);
    }
    by_role
}

/// One row per account × role, in natural order of account name then role (`dev-2` before
/// `dev-10`): the order of the list past favorites and recents when nothing is typed.
fn push_sso_rows(
    catalog: &Catalog,
    loading: &HashSet<String>,
    aliases: &HashMap<(String, String), String>,
    rows: &mut Vec<SearchRow>,
    meta: &mut Vec<RowMeta>,
) {
    let mut entries: Vec<_> = catalog.accounts.iter().collect();
    entries.sort_by(|a, b| {
        natural_cmp(&a.account.name, &b.account.name).then_with(|| a.account.id.cmp(&b.account.id))
    });
    for entry in entries {
        let a = &entry.account;
        let still_loading = loading.contains(a.id.as_str());
        let mut push = |role: &str, unavailable: Option<String>| {
            rows.push(SearchRow {
                account_id: a.id.to_string(),
                account_name: a.name.clone(),
                role_name: role.to_owned(),
                alias: aliases.get(&(a.id.to_string(), role.to_owned())).cloned(),
                tags: Vec::new(),
                arn: format!("arn:aws:iam::{}:role/{role}", a.id),
            });
            meta.push(RowMeta {
                unavailable,
                email: a.email.clone(),
                chain: None,
                loading: still_loading,
                boost: 0,
            });
        };
        if still_loading {
            push("", None);
            continue;
        }
        match &entry.roles {
            Roles::Listed(roles) | Roles::Stale { roles, .. } => {
                let mut roles: Vec<&String> = roles.iter().collect();
                roles.sort_by(|a, b| natural_cmp(a, b));
                roles.into_iter().for_each(|r| push(r, None));
            }
            Roles::Unavailable { reason } => push("", Some(reason.clone())),
        }
    }
}

/// A background listing's progress.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Refresh {
    pub accounts: usize,
    pub done: usize,
    pub total: usize,
    pub rate: f64,
}

/// The list on the catalog screen.
#[derive(Debug)]
pub struct CatalogView {
    pub catalog: Catalog,
    /// The rows searched; `meta[i]` is what row `i` stands for (built together, never apart).
    search: SearchIndex,
    meta: Vec<RowMeta>,
    pub query: String,
    /// The selected hit, and the first hit on screen.
    pub selected: usize,
    pub offset: usize,
    /// The person moved the selection since the query last changed: a new listing keeps
    /// that role selected (otherwise the list starts at the top).
    pub chosen: bool,
    /// The list's first screen row and how many rows it has (from `Msg::Resize`).
    pub top: u16,
    pub height: usize,
    /// A listing in progress.
    pub refresh: Option<Refresh>,
    /// The catalog is missing or old: list it once signed in.
    pub stale: bool,
    /// Roles the last listing found that the one before did not.
    pub new_roles: BTreeSet<RoleRef>,
    pub gone_roles: usize,
    /// Accounts a listing in progress found whose roles are not in yet (shown as one row each).
    loading: HashSet<String>,
    /// Those of `loading` whose rows were on screen and asked for first (never twice).
    asked: HashSet<String>,
    /// The catalog changed since the rows were built (a listing streams in): rebuild them.
    pub behind: bool,
    /// When the rows were last rebuilt while a listing streamed in.
    pub rebuilt_at: Option<std::time::SystemTime>,
}

impl CatalogView {
    pub fn new(catalog: Catalog, chains: &[ChainSpec], aliases: &BTreeMap<String, String>) -> Self {
        let loading = HashSet::new();
        let (rows, meta) = rows_of(&catalog, &loading, chains, aliases);
        Self {
            catalog,
            search: SearchIndex::new(rows),
            meta,
            query: String::new(),
            selected: 0,
            offset: 0,
            chosen: false,
            top: 0,
            height: 10,
            refresh: None,
            stale: true,
            new_roles: BTreeSet::new(),
            gone_roles: 0,
            loading,
            asked: HashSet::new(),
            behind: false,
            rebuilt_at: None,
        }
    }

    /// Replaces the catalog and its rows (boosts and hits are stale until recomputed); no
    /// account is loading any more.
    pub fn set_catalog(
        &mut self,
        catalog: Catalog,
        chains: &[ChainSpec],
        aliases: &BTreeMap<String, String>,
    ) {
        self.catalog = catalog;
        self.loading.clear();
        self.asked.clear();
        self.rebuild_rows(chains, aliases);
    }

    /// Builds the rows again from the catalog (boosts and hits are stale until recomputed).
    pub fn rebuild_rows(&mut self, chains: &[ChainSpec], aliases: &BTreeMap<String, String>) {
        let (rows, meta) = rows_of(&self.catalog, &self.loading, chains, aliases);
        self.search = SearchIndex::new(rows);
        self.meta = meta;
        self.behind = false;
    }

    /// Accounts a listing found: those not in the catalog join it, loading (one row each until
    /// their roles arrive); those already in keep their roles until the listing says otherwise.
    pub fn accounts_arrived(&mut self, accounts: &[Account]) {
        let known: HashSet<&str> = self
            .catalog
            .accounts
            .iter()
            .map(|e| e.account.id.as_str())
            .collect();
        let fresh: Vec<Account> = accounts
            .iter()
            .filter(|a| !known.contains(a.id.as_str()))
            .cloned()
            .collect();
        for account in fresh {
            self.loading.insert(account.id.to_string());
            self.catalog.accounts.push(AccountEntry {
                account,
                roles: Roles::Listed(Vec::new()),
            });
            self.behind = true;
        }
    }

    /// An account's roles arrived from a listing: in place of what the row showed (a failure
    /// keeps roles known before, stale). Rows are behind only when something changed.
    pub fn roles_arrived(&mut self, account_id: &str, roles: Roles) {
        let was_loading = self.loading.remove(account_id);
        self.asked.remove(account_id);
        let Some(entry) = self
            .catalog
            .accounts
            .iter_mut()
            .find(|e| e.account.id == account_id)
        else {
            return;
        };
        let roles = if was_loading {
            roles
        } else {
            roles.after(&entry.roles)
        };
        if was_loading || roles != entry.roles {
            entry.roles = roles;
            self.behind = true;
        }
    }

    /// A listing ended without a catalog: the accounts still loading leave the list.
    pub fn abandon_loading(&mut self) {
        if self.loading.is_empty() {
            return;
        }
        let loading = std::mem::take(&mut self.loading);
        self.asked.clear();
        self.catalog
            .accounts
            .retain(|e| !loading.contains(e.account.id.as_str()));
        self.behind = true;
    }

    /// The accounts loading whose rows are on screen (the `height` hits from `offset`) and
    /// were not asked for yet, top first; from now on they count as asked. Looks at the rows
    /// on screen only, however long the list.
    pub fn ask_for_loading_on_screen(&mut self) -> Vec<String> {
        let hits = self.search.hits();
        let end = self
            .offset
            .saturating_add(self.height.max(1))
            .min(hits.len());
        let mut fresh = Vec::new();
        for hit in hits.get(self.offset..end).unwrap_or_default() {
            if !self.meta.get(hit.row).is_some_and(|m| m.loading) {
                continue;
            }
            if let Some(row) = self.search.row(hit.row)
                && !self.asked.contains(&row.account_id)
            {
                fresh.push(row.account_id.clone());
            }
        }
        self.asked.extend(fresh.iter().cloned());
        fresh
    }

    /// Where in the hits the row standing for `role` is; for an account row that was loading,
    /// the first of that account's rows.
    pub fn position_of(&self, role: &RoleRef) -> Option<usize> {
        let hits = self.hits();
        let same_account = |h: &&Hit| {
            self.row(h.row)
                .is_some_and(|r| r.account_id == role.account_id)
        };
        hits.iter()
            .position(|h| {
                self.row(h.row).is_some_and(|r| {
                    r.account_id == role.account_id && r.role_name == role.role_name
                })
            })
            .or_else(|| {
                let account_row = role.role_name.is_empty();
                account_row
                    .then(|| hits.iter().position(|h| same_account(&h)))
                    .flatten()
            })
    }

    /// The rows matching the query, best first.
    pub fn hits(&self) -> &[Hit] {
        self.search.hits()
    }

    /// The search index (for highlighting).
    pub fn search(&self) -> &SearchIndex {
        &self.search
    }

    /// The selected hit's row index.
    pub fn selected_row(&self) -> Option<usize> {
        self.hits().get(self.selected).map(|h| h.row)
    }

    pub fn row(&self, index: usize) -> Option<&SearchRow> {
        self.search.row(index)
    }

    /// What row `index` stands for.
    pub fn meta(&self, index: usize) -> Option<&RowMeta> {
        self.meta.get(index)
    }

    pub fn role_ref(&self, index: usize) -> Option<RoleRef> {
        self.row(index).map(|r| RoleRef {
            account_id: r.account_id.clone(),
            role_name: r.role_name.clone(),
        })
    }

    /// The role a hit stands for.
    pub fn role_at(&self, hit: usize) -> Option<RoleRef> {
        self.hits().get(hit).and_then(|h| self.role_ref(h.row))
    }

    /// Whether row `index` is an account whose roles are still loading.
    pub fn is_loading(&self, index: usize) -> bool {
        self.meta(index).is_some_and(|m| m.loading)
    }

    /// Whether a hit is an account whose roles are unavailable.
    pub fn is_unavailable(&self, hit: usize) -> bool {
        self.hits()
            .get(hit)
            .and_then(|h| self.meta(h.row))
            .is_some_and(|m| m.unavailable.is_some())
    }

    /// An account's name from the catalog; its id when the catalog does not know it.
    pub fn account_name(&self, account_id: &str) -> String {
        self.catalog
            .accounts
            .iter()
            .find(|e| e.account.id == account_id)
            .map_or_else(|| account_id.to_owned(), |e| e.account.name.clone())
    }

    /// Recomputes every row's favorites/recents boost (after the catalog or frecency changed).
    pub fn recompute_boosts(&mut self, frecency: &Frecency, now_unix: i64) {
        let boosts = frecency.boost_table(
            self.search
                .rows()
                .iter()
                .map(|r| (r.account_id.as_str(), r.role_name.as_str())),
            now_unix,
        );
        for (meta, boost) in self.meta.iter_mut().zip(boosts) {
            meta.boost = boost;
        }
        self.search.invalidate();
    }

    /// Re-runs the search for the current query, keeping favorites and recents first.
    pub fn refilter(&mut self) {
        let meta = &self.meta;
        let boost = |i: usize| meta.get(i).map_or(0, |m| m.boost);
        let count = self.search.filter(&self.query, &boost).len();
        self.selected = self.selected.min(count.saturating_sub(1));
        self.clamp_offset();
    }

    /// A new query: the selection goes back to the top.
    pub fn query_changed(&mut self) {
        self.selected = 0;
        self.offset = 0;
        self.chosen = false;
        self.refilter();
    }

    /// Keeps the selection on screen.
    pub fn clamp_offset(&mut self) {
        let height = self.height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.hits().len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }
}
