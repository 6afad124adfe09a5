//! What a listing of the catalog reports, as the core sees it: progress events (the app folds
//! them into its state, the CLI renders them as one progress line, `catalog::progress`), the
//! summary of a finished listing, and folding one account's retried roles into a catalog.

use std::time::Duration;

use super::catalog::{Account, Catalog, Roles};

/// One step of a listing, in the order things happen.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogEvent {
    /// A ListAccounts page arrived with `accounts` (those not seen before): `count` accounts
    /// so far; `complete` after the last page.
    AccountsListed {
        accounts: Vec<Account>,
        count: usize,
        complete: bool,
    },
    /// The roles of `account_id` are in (or it was given up on): `done` of `total` accounts
    /// so far. `total` grows while ListAccounts pages arrive. `roles` as listed (the app shows
    /// them at once; the listing's result is what the cache keeps).
    RolesFetched {
        account_id: String,
        roles: Roles,
        done: usize,
        total: usize,
    },
    /// The shared request rate changed noticeably.
    Rate { per_sec: f64 },
    /// An account's roles could not be listed before its deadline; retry it alone with
    /// `Lister::fetch_roles`.
    AccountUnavailable { account_id: String, reason: String },
    /// ListAccounts returned an account whose id is not an account id (12 digits): it is left
    /// out of the catalog. `name` and `id` are as received: escape them before showing them.
    AccountRejected { name: String, id: String },
    /// The listing finished; the catalog is the `Ok` value of `Lister::list`.
    Done(ListSummary),
}

/// What a finished listing did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListSummary {
    pub accounts: usize,
    pub roles: usize,
    /// Accounts reported as `Roles::Unavailable`.
    pub unavailable: usize,
    /// Requests sent to the portal, retries included.
    pub requests: u64,
    /// Of those, answered with a 429.
    pub throttled: u64,
    /// Of those, answered with a 5xx or not answered.
    pub failed: u64,
    /// The request rate at the end, per second.
    pub final_rate: f64,
    pub elapsed: Duration,
}

/// Puts `roles` (from `catalog::Lister::fetch_roles`) in place of an account's roles (a failure keeps
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
