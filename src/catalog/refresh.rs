//! A refresh: list, compare with the catalog shown so far, save to the cache.

use tokio::sync::mpsc::UnboundedSender;

use super::cache::CatalogCache;
use super::error::CatalogError;
use super::lister::Lister;
use crate::core::catalog::{Catalog, CatalogDiff};
use crate::core::listing::CatalogEvent;
use crate::ports::identity_center::IdentityCenter;

/// A refreshed catalog and what changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Refreshed {
    pub catalog: Catalog,
    /// Accounts and roles added or removed since `previous`; `None` without one.
    pub diff: Option<CatalogDiff>,
    /// The catalog could not be saved (it is still good to use).
    pub cache_error: Option<String>,
}

impl<I: IdentityCenter + 'static> Lister<I> {
    /// Lists the catalog, diffs it with `previous` (usually what the cache held at start-up)
    /// and saves it to `cache`. On `Err` nothing is written.
    pub async fn refresh(
        &self,
        cache: &CatalogCache,
        previous: Option<&Catalog>,
        events: Option<UnboundedSender<CatalogEvent>>,
    ) -> Result<Refreshed, CatalogError> {
        let mut catalog = self.list(events).await?;
        if let Some(old) = previous {
            let kept = catalog.keep_last_known_roles(old);
            if kept > 0 {
                tracing::info!(
                    accounts = kept,
                    "roles not listed this time; the last known ones are kept, marked stale"
                );
            }
        }
        let diff = previous.map(|old| CatalogDiff::between(old, &catalog));
        if let Some(d) = &diff {
            tracing::debug!(
                accounts_added = d.accounts_added.len(),
                accounts_removed = d.accounts_removed.len(),
                roles_added = d.roles_added.len(),
                roles_removed = d.roles_removed.len(),
                "catalog changed"
            );
        }
        let cache_error = cache.save(&catalog).err().map(|e| {
            format!(
                "cannot save the catalog cache {}: {e}",
                cache.path().display()
            )
        });
        Ok(Refreshed {
            catalog,
            diff,
            cache_error,
        })
    }
}
