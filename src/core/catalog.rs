//! The catalog: every account and role the signed-in user can reach, and what changed.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use crate::core::ids::AccountId;

/// An account from ListAccounts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub email: Option<String>,
}

/// An account as ListAccounts sent it, its id not yet checked: the portal's data, made an
/// [`Account`] by [`PortalAccount::checked`] or left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAccount {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

impl PortalAccount {
    /// This account, if its id is an account id; else itself, to be reported and left out.
    pub fn checked(self) -> Result<Account, PortalAccount> {
        match AccountId::parse(&self.id) {
            Ok(id) => Ok(Account {
                id,
                name: self.name,
                email: self.email,
            }),
            Err(_) => Err(self),
        }
    }
}

/// What is said of an account left out because its id is not an account id. Raw: the name and
/// id are the portal's, so escape the line before it reaches a terminal.
pub fn rejected_account_notice(name: &str, id: &str) -> String {
    format!("account {name} dropped: its id {id} is not an AWS account id (12 digits)")
}

/// The roles of one account, or why they are missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Roles {
    Listed(Vec<String>),
    /// ListAccountRoles kept failing until the deadline; retry this account alone.
    Unavailable {
        reason: String,
    },
    /// ListAccountRoles failed this time (`reason`), and these are the roles an earlier
    /// listing found: still offered (kept credentials for them are still good), retried like
    /// an unavailable account.
    Stale {
        roles: Vec<String>,
        reason: String,
    },
}

impl Roles {
    /// The roles known, listed now or earlier.
    pub fn known(&self) -> &[String] {
        match self {
            Roles::Listed(roles) | Roles::Stale { roles, .. } => roles,
            Roles::Unavailable { .. } => &[],
        }
    }

    /// These roles, from a new listing, after `last` (what was known before): a failure
    /// keeps the roles known before, marked stale, instead of forgetting them.
    pub fn after(self, last: &Roles) -> Roles {
        match (self, last) {
            (Roles::Unavailable { reason }, Roles::Listed(roles) | Roles::Stale { roles, .. }) => {
                Roles::Stale {
                    roles: roles.clone(),
                    reason,
                }
            }
            (new, _) => new,
        }
    }
}

/// One account and its roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    pub account: Account,
    pub roles: Roles,
}

/// The catalog of one identity center.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// The identity center's session name.
    pub session: String,
    /// Unix seconds when the listing finished.
    pub listed_at: i64,
    /// Accounts sorted by name, then id.
    pub accounts: Vec<AccountEntry>,
}

/// One account × role row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleRef {
    pub account_id: String,
    pub role_name: String,
}

impl Catalog {
    /// Every account × role pair, in catalog order.
    pub fn rows(&self) -> impl Iterator<Item = (&Account, &str)> {
        self.accounts.iter().flat_map(|entry| {
            entry
                .roles
                .known()
                .iter()
                .map(move |r| (&entry.account, r.as_str()))
        })
    }

    pub fn role_count(&self) -> usize {
        self.rows().count()
    }

    /// Accounts whose roles could not be listed (this time: stale ones too).
    pub fn unavailable(&self) -> impl Iterator<Item = &AccountEntry> {
        self.accounts
            .iter()
            .filter(|e| matches!(e.roles, Roles::Unavailable { .. } | Roles::Stale { .. }))
    }

    /// Accounts that failed in this listing keep the roles `previous` knew for them, marked
    /// stale (see [`Roles::after`]). Returns how many did.
    pub fn keep_last_known_roles(&mut self, previous: &Catalog) -> usize {
        let mut kept = 0;
        for entry in &mut self.accounts {
            let Some(last) = previous
                .accounts
                .iter()
                .find(|e| e.account.id == entry.account.id)
            else {
                continue;
            };
            let roles = std::mem::replace(&mut entry.roles, Roles::Listed(Vec::new()));
            entry.roles = roles.after(&last.roles);
            kept += usize::from(matches!(entry.roles, Roles::Stale { .. }));
        }
        kept
    }

    fn role_set(&self) -> BTreeSet<RoleRef> {
        self.rows()
            .map(|(a, r)| RoleRef {
                account_id: a.id.to_string(),
                role_name: r.to_owned(),
            })
            .collect()
    }

    fn account_set(&self) -> BTreeSet<&str> {
        self.accounts
            .iter()
            .map(|e| e.account.id.as_str())
            .collect()
    }
}

/// What a refresh changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogDiff {
    pub accounts_added: Vec<String>,
    pub accounts_removed: Vec<String>,
    pub roles_added: Vec<RoleRef>,
    pub roles_removed: Vec<RoleRef>,
}

impl CatalogDiff {
    /// Compares two listings. Roles of accounts that were unavailable in either listing are
    /// not counted as removed or added: nobody knows.
    pub fn between(old: &Catalog, new: &Catalog) -> Self {
        let unknown: BTreeSet<&str> = old
            .unavailable()
            .chain(new.unavailable())
            .map(|e| e.account.id.as_str())
            .collect();
        let (old_accounts, new_accounts) = (old.account_set(), new.account_set());
        let (old_roles, new_roles) = (old.role_set(), new.role_set());
        let known = |r: &&RoleRef| !unknown.contains(r.account_id.as_str());
        Self {
            accounts_added: new_accounts
                .difference(&old_accounts)
                .map(|s| s.to_string())
                .collect(),
            accounts_removed: old_accounts
                .difference(&new_accounts)
                .map(|s| s.to_string())
                .collect(),
            roles_added: new_roles
                .difference(&old_roles)
                .filter(known)
                .cloned()
                .collect(),
            roles_removed: old_roles
                .difference(&new_roles)
                .filter(known)
                .cloned()
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.accounts_added.is_empty()
            && self.accounts_removed.is_empty()
            && self.roles_added.is_empty()
            && self.roles_removed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_portal_account_becomes_an_account_only_with_an_account_id() {
        let portal = |id: &str| PortalAccount {
            id: id.into(),
            name: "prod".into(),
            email: Some("ops@acme.example".into()),
        };
        let account = portal("111122223333").checked().unwrap();
        assert_eq!(account.id, "111122223333");
        assert_eq!(
            (account.name.as_str(), account.email.as_deref()),
            ("prod", Some("ops@acme.example"))
        );
        for bad in ["", "1111", "11112222333$", " 111122223333"] {
            assert_eq!(portal(bad).checked(), Err(portal(bad)), "{bad:?}");
        }
    }

    #[test]
    fn a_failure_keeps_the_roles_known_before_as_stale() {
        let listed = Roles::Listed(vec!["Admin".into()]);
        let failed = || Roles::Unavailable {
            reason: "throttled".into(),
        };
        let stale = failed().after(&listed);
        assert_eq!(
            stale,
            Roles::Stale {
                roles: vec!["Admin".into()],
                reason: "throttled".into()
            }
        );
        // Failing again keeps them; nothing known before stays unavailable; a listing wins.
        assert_eq!(failed().after(&stale).known(), ["Admin"]);
        assert_eq!(failed().after(&failed()), failed());
        assert_eq!(Roles::Listed(vec![]).after(&listed), Roles::Listed(vec![]));
    }

    fn entry(id: &str, roles: &[&str]) -> AccountEntry {
        AccountEntry {
            account: Account {
                id: AccountId::parse(id).unwrap(),
                name: format!("n{id}"),
                email: None,
            },
            roles: Roles::Listed(roles.iter().map(|r| r.to_string()).collect()),
        }
    }

    #[test]
    fn rows_flatten_accounts_and_skip_unavailable() {
        let mut c = Catalog {
            accounts: vec![
                entry("111111111111", &["A", "B"]),
                entry("222222222222", &["C"]),
            ],
            ..Catalog::default()
        };
        c.accounts[1].roles = Roles::Unavailable {
            reason: "throttled".into(),
        };
        let rows: Vec<_> = c.rows().map(|(a, r)| (a.id.as_str(), r)).collect();
        assert_eq!(rows, [("111111111111", "A"), ("111111111111", "B")]);
        assert_eq!(c.unavailable().count(), 1);
    }

    #[test]
    fn diff_reports_added_and_removed_but_not_unknown() {
        let old = Catalog {
            accounts: vec![
                entry("111111111111", &["A", "B"]),
                entry("222222222222", &["C"]),
                entry("333333333333", &["D"]),
            ],
            ..Catalog::default()
        };
        let mut new = Catalog {
            accounts: vec![
                entry("111111111111", &["A", "E"]),
                entry("333333333333", &[]),
                entry("444444444444", &["F"]),
            ],
            ..Catalog::default()
        };
        new.accounts[1].roles = Roles::Unavailable { reason: "x".into() };
        let d = CatalogDiff::between(&old, &new);
        assert_eq!(d.accounts_added, ["444444444444"]);
        assert_eq!(d.accounts_removed, ["222222222222"]);
        let names = |v: &[RoleRef]| {
            v.iter()
                .map(|r| format!("{}/{}", r.account_id, r.role_name))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&d.roles_added), ["111111111111/E", "444444444444/F"]);
        assert_eq!(
            names(&d.roles_removed),
            ["111111111111/B", "222222222222/C"]
        );
        assert!(CatalogDiff::between(&old, &old).is_empty());
    }
}
