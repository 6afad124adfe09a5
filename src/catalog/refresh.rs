//! A refresh: list, compare with the catalog shown so far, save to the cache. Also the
//! helper that puts one account's retried roles into a catalog.

use tokio::sync::mpsc::UnboundedSender;

use super::cache::CatalogCache;
use super::error::CatalogError;
use super::event::CatalogEvent;
use super::lister::Lister;
use crate::core::catalog::{Catalog, CatalogDiff, Roles};
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

/// Puts `roles` (from `Lister::fetch_roles`) in place of an account's roles (a failure keeps
/// the roles known before, stale). Returns whether the account is in the catalog.
pub fn replace_roles(catalog: &mut Catalog, account_id: &str, roles: Roles) -> bool {
    match catalog
        .accounts
        .iter_mut()
        .find(|e| e.account.id == account_id)
    {
        Some(entry) => {
            entry.roles = roles.after(&entry.roles);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::{Account, AccountEntry};

    #[test]
    fn replacing_roles_touches_only_that_account() {
        let entry = |id: &str| AccountEntry {
            account: Account {
                id: crate::core::catalog::AccountId::parse(id).unwrap(),
                name: id.into(),
                email: None,
            },
            roles: Roles::Unavailable { reason: "x".into() },
        };
        let mut c = Catalog {
            accounts: vec![entry("111111111111"), entry("222222222222")],
            ..Catalog::default()
        };
        assert!(replace_roles(
            &mut c,
            "222222222222",
            Roles::Listed(vec!["A".into()])
        ));
        assert!(!replace_roles(
            &mut c,
            "333333333333",
            Roles::Listed(vec![])
        ));
        assert_eq!(c.unavailable().count(), 1);
        assert_eq!(c.role_count(), 1);
    }
}
