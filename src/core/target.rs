//! Naming a role on the command line: `account-name/role`, `account-id/role`, or an alias from
//! config.toml; exact (case-insensitive) first, else fuzzy, listing the candidates when more
//! than one fits.

use std::collections::BTreeMap;

use crate::core::catalog::{Account, Catalog};
use crate::core::search::{SearchIndex, SearchRow};

/// One account × role the target names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub account: Account,
    pub role: String,
}

impl Target {
    pub fn label(&self) -> String {
        format!("{}/{}", self.account.name, self.role)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("no role matches {0:?}; `rolecall list` shows them all")]
    NoMatch(String),
    #[error("{target:?} matches several roles; say which:\n{}", .candidates.iter().map(|c| format!("  {}", crate::core::terminal_text::Shown(&c.label()))).collect::<Vec<_>>().join("\n"))]
    Ambiguous {
        target: String,
        candidates: Vec<Target>,
    },
}

/// How many candidates an ambiguity lists.
const SHOWN: usize = 10;

/// Finds the role `target` names in `catalog`; `aliases` map a name to `account/role`.
pub fn resolve(
    catalog: &Catalog,
    target: &str,
    aliases: &BTreeMap<String, String>,
) -> Result<Target, TargetError> {
    let wanted = aliases.get(target).map_or(target, String::as_str).trim();
    let (account_part, role_part) = match wanted.rsplit_once('/') {
        Some((a, r)) => (a.trim(), Some(r.trim())),
        None => (wanted, None),
    };
    let exact: Vec<Target> = catalog
        .rows()
        .filter(|(a, r)| {
            let account_fits = a.id == account_part || a.name.eq_ignore_ascii_case(account_part);
            account_fits && role_part.is_none_or(|role| r.eq_ignore_ascii_case(role))
        })
        .map(|(a, r)| Target {
            account: a.clone(),
            role: r.to_owned(),
        })
        .collect();
    match exact.len() {
        1 => return Ok(exact.into_iter().next().unwrap_or_else(|| unreachable!())),
        n if n > 1 => {
            return Err(TargetError::Ambiguous {
                target: target.to_owned(),
                candidates: exact.into_iter().take(SHOWN).collect(),
            });
        }
        _ => {}
    }
    // Fuzzy: every part of the target is a search word.
    let rows = SearchRow::from_catalog(catalog);
    let mut index = SearchIndex::new(rows);
    let query = wanted.replace('/', " ");
    let hits: Vec<usize> = index.filter(&query, &|_| 0).iter().map(|h| h.row).collect();
    let found: Vec<Target> = hits
        .iter()
        .filter_map(|&i| index.row(i))
        .map(|r| Target {
            account: Account {
                id: r.account_id.clone(),
                name: r.account_name.clone(),
                email: None,
            },
            role: r.role_name.clone(),
        })
        .collect();
    // Among fuzzy matches, ones whose name contains the account part and whose role starts
    // with the role part are what people mean by an abbreviation.
    let strong: Vec<Target> = found
        .iter()
        .filter(|t| {
            let a = account_part.to_ascii_lowercase();
            let account_fits =
                t.account.name.to_ascii_lowercase().contains(&a) || t.account.id.starts_with(&a);
            let role_fits = role_part.is_none_or(|r| {
                t.role
                    .to_ascii_lowercase()
                    .starts_with(&r.to_ascii_lowercase())
            });
            account_fits && role_fits
        })
        .cloned()
        .collect();
    let found = if strong.is_empty() { found } else { strong };
    match found.len() {
        0 => Err(TargetError::NoMatch(target.to_owned())),
        1 => {
            let only = &found[0];
            let account = catalog
                .accounts
                .iter()
                .find(|e| e.account.id == only.account.id)
                .map_or_else(|| only.account.clone(), |e| e.account.clone());
            Ok(Target {
                account,
                role: only.role.clone(),
            })
        }
        _ => Err(TargetError::Ambiguous {
            target: target.to_owned(),
            candidates: found.into_iter().take(SHOWN).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::{AccountEntry, Roles};

    fn catalog() -> Catalog {
        let entry = |id: &str, name: &str, roles: &[&str]| AccountEntry {
            account: Account {
                id: id.into(),
                name: name.into(),
                email: None,
            },
            roles: Roles::Listed(roles.iter().map(|r| r.to_string()).collect()),
        };
        Catalog {
            session: "s".into(),
            listed_at: 0,
            accounts: vec![
                entry(
                    "111111111111",
                    "payments-prod",
                    &["AdministratorAccess", "ReadOnlyAccess"],
                ),
                entry("222222222222", "payments-dev", &["AdministratorAccess"]),
            ],
        }
    }

    #[test]
    fn exact_by_name_or_id_ignoring_case() {
        let none = BTreeMap::new();
        let t = resolve(&catalog(), "Payments-Prod/readonlyaccess", &none).unwrap();
        assert_eq!(t.label(), "payments-prod/ReadOnlyAccess");
        let t = resolve(&catalog(), "222222222222/AdministratorAccess", &none).unwrap();
        assert_eq!(t.label(), "payments-dev/AdministratorAccess");
        let t = resolve(&catalog(), "payments-dev", &none).unwrap();
        assert_eq!(
            t.role, "AdministratorAccess",
            "an account with one role needs no role"
        );
    }

    #[test]
    fn aliases_and_fuzzy() {
        let mut aliases = BTreeMap::new();
        aliases.insert(
            "prod".to_owned(),
            "payments-prod/AdministratorAccess".to_owned(),
        );
        assert_eq!(
            resolve(&catalog(), "prod", &aliases).unwrap().label(),
            "payments-prod/AdministratorAccess"
        );
        let none = BTreeMap::new();
        assert_eq!(
            resolve(&catalog(), "prod/read", &none).unwrap().label(),
            "payments-prod/ReadOnlyAccess"
        );
    }

    #[test]
    fn ambiguity_lists_the_candidates_and_nothing_is_no_match() {
        let none = BTreeMap::new();
        let err = resolve(&catalog(), "payments/admin", &none).unwrap_err();
        let TargetError::Ambiguous { candidates, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(candidates.len(), 2);
        assert!(
            err.to_string()
                .contains("  payments-dev/AdministratorAccess")
        );
        assert_eq!(
            resolve(&catalog(), "zzz", &none).unwrap_err(),
            TargetError::NoMatch("zzz".into())
        );
    }
}
