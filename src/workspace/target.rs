//! What a TARGET names: a chain by name (or an alias of one), else a role of an identity
//! center's catalog (the cached one, listed first when nothing is cached).

use std::time::{Duration, SystemTime};

use super::error::sign_in_again;
use super::{Workspace, WorkspaceError};
use crate::catalog::{CatalogCache, CatalogError, ListOptions, Lister};
use crate::config::file::CatalogSection;
use crate::core::catalog::{Catalog, CatalogDiff};
use crate::core::chain::ChainSpec;
use crate::core::sso::SsoSession;
use crate::core::target::{Matching, Target, resolve};
use crate::engine::tokens::usable_token;

/// How the catalog is listed, from `[catalog]`.
pub(crate) fn list_options(section: &CatalogSection) -> ListOptions {
    ListOptions {
        concurrency: section.concurrency,
        initial_rate: section.initial_rate,
        deadline: Duration::from_secs(section.account_deadline_seconds),
        ..ListOptions::default()
    }
}

fn is_fresh(catalog: &Catalog, max_age: Duration, now: SystemTime) -> bool {
    let age = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|now| now.as_secs() as i64 - catalog.listed_at)
        .unwrap_or(i64::MAX);
    age >= 0 && (age as u64) < max_age.as_secs()
}

/// A one-line summary of what changed since the last listing.
pub(crate) fn describe_diff(diff: &CatalogDiff) -> Option<String> {
    if diff.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    let mut push = |n: usize, what: &str| {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    };
    push(diff.accounts_added.len(), "accounts added");
    push(diff.accounts_removed.len(), "accounts gone");
    push(diff.roles_added.len(), "roles added");
    push(diff.roles_removed.len(), "roles gone");
    Some(format!("since the last listing: {}", parts.join(", ")))
}

impl Workspace {
    /// The chain a target names: a chain's name, or an alias of one.
    pub fn chain_named(&self, target: &str) -> Option<&ChainSpec> {
        let name = self
            .config
            .file
            .aliases
            .get(target)
            .map_or(target, String::as_str);
        self.config.chains.get(name.trim())
    }

    /// The cached catalog of a session, without any network.
    pub fn cached_catalog(&self, session: &SsoSession) -> Option<Catalog> {
        CatalogCache::for_session(&self.paths, &session.name)
            .load()
            .catalog
    }

    /// The catalog of one session: cached if fresh (and not `refresh`), else listed (its
    /// progress drawn by the reporter) and saved.
    pub async fn catalog(
        &self,
        session: &SsoSession,
        refresh: bool,
    ) -> Result<Catalog, WorkspaceError> {
        let cache = CatalogCache::for_session(&self.paths, &session.name);
        let loaded = cache.load();
        if let Some(notice) = &loaded.notice {
            self.reporter.note(&format!("rolecall: {notice}"));
        }
        let max_age = Duration::from_secs(self.config.file.catalog.refresh_after_minutes * 60);
        if !refresh
            && let Some(catalog) = &loaded.catalog
            && is_fresh(catalog, max_age, self.clock.now())
        {
            return Ok(catalog.clone());
        }
        let idc = self.identity_center(session);
        let signed_in = usable_token(&idc, &self.store, session, self.clock.as_ref()).await?;
        let lister = Lister::new(
            std::sync::Arc::new(idc),
            session.name.clone(),
            signed_in.token.access_token.clone(),
            list_options(&self.config.file.catalog),
        );
        let progress = self.reporter.listing();
        let (events, drawn) = match progress {
            Some(p) => (Some(p.events), Some(p.drawn)),
            None => (None, None),
        };
        let result = lister
            .refresh(&cache, loaded.catalog.as_ref(), events)
            .await;
        if let Some(drawn) = drawn {
            let _ = drawn.await;
        }
        let refreshed = result.map_err(|e| match e {
            CatalogError::Unauthorized => WorkspaceError::NeedsSignIn(sign_in_again(&session.name)),
            other => WorkspaceError::Catalog(other),
        })?;
        if let Some(e) = &refreshed.cache_error {
            self.reporter.note(&format!("rolecall: {e}"));
        }
        if let Some(line) = refreshed.diff.as_ref().and_then(describe_diff) {
            self.reporter
                .note(&format!("rolecall: {}: {line}", session.name));
        }
        let unavailable = refreshed.catalog.unavailable().count();
        if unavailable > 0 {
            self.reporter.note(&format!(
                "rolecall: {}: roles of {unavailable} accounts could not be listed; `rolecall list --refresh` retries",
                session.name
            ));
        }
        Ok(refreshed.catalog)
    }

    /// Resolves `target` in the catalog of `session` (listing it first when nothing is
    /// cached), as `matching` allows. A target that names no role is a usage error.
    pub async fn resolve_target(
        &self,
        session: &SsoSession,
        target: &str,
        matching: Matching,
    ) -> Result<Target, WorkspaceError> {
        let catalog = match self.cached_catalog(session) {
            Some(c) => c,
            None => self.catalog(session, false).await?,
        };
        resolve(&catalog, target, &self.config.file.aliases, matching)
            .map_err(|e| WorkspaceError::Usage(e.to_string()))
    }

    /// An account's name from any cached catalog.
    pub fn account_name(&self, account_id: &str) -> Option<String> {
        self.config.sessions.iter().find_map(|session| {
            self.cached_catalog(session)?
                .accounts
                .into_iter()
                .find(|e| e.account.id == account_id)
                .map(|e| e.account.name)
        })
    }
}

/// Every TARGET the cached catalogs, `[aliases]` and the chains name (for completion): read
/// from the configuration and the catalog caches only, without network or the token store.
pub(crate) fn cached_target_names(
    paths: &crate::paths::Paths,
    config: &crate::config::Config,
) -> Vec<String> {
    let catalogs: Vec<Catalog> = config
        .sessions
        .iter()
        .filter_map(|session| {
            CatalogCache::for_session(paths, &session.name)
                .load()
                .catalog
        })
        .collect();
    crate::core::completion::target_names(
        &catalogs,
        config.file.aliases.keys(),
        config.chains.iter().map(|c| c.name.as_str()),
    )
}
