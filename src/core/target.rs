//! Naming a role on the command line: `account-name/role`, `account-id/role`, or an alias from
//! config.toml. How far a TARGET may stray from a role's name is the caller's [`Matching`]:
//! a TARGET written into a file (credential_process) names one role exactly or fails; a TARGET
//! a person types may also get suggestions, but a guess is never taken.

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

/// The TARGET that names exactly one source of credentials, to obtain them anew (a renewal,
/// matched with [`Matching::Exact`]): a chain by its name, else `account-id/role` (an id,
/// never a name another account may share; the role as the catalog spells it).
pub(crate) fn exact_target(account_id: &str, role: &str, chain: Option<&str>) -> String {
    match chain {
        Some(chain) => chain.to_owned(),
        None => format!("{account_id}/{role}"),
    }
}

/// How a TARGET is matched against the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// `account/role` and nothing else: the account by id or name, names and roles ignoring
    /// ASCII case (a role that differs only in case from another needs the exact case). For a
    /// TARGET written into a file (a `credential_process` line): when its role is gone it fails,
    /// and never hands out another role's credentials.
    Exact,
    /// As [`Matching::Exact`], and an account alone names its only role; when nothing matches,
    /// the fuzzy candidates are listed ("did you mean"), never taken. For commands a person
    /// types (exec, env, console, whoami, action, write).
    Suggest,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TargetError {
    #[error("no role matches {0:?}; `rolecall list` shows them all")]
    NoMatch(String),
    #[error("{0:?} names no role: write ACCOUNT/ROLE")]
    NoRole(String),
    #[error("{target:?} matches several roles; say which:\n{}", lines(.candidates))]
    Ambiguous {
        target: String,
        candidates: Vec<Target>,
    },
    #[error("no role matches {target:?}; did you mean {}", suggestion(.candidates))]
    DidYouMean {
        target: String,
        candidates: Vec<Target>,
    },
}

/// Candidates one per line, indented.
fn lines(candidates: &[Target]) -> String {
    candidates
        .iter()
        .map(|c| format!("  {}", crate::core::terminal_text::Shown(&c.label())))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `X?` for one candidate, else a list.
fn suggestion(candidates: &[Target]) -> String {
    match candidates {
        [only] => format!("{}?", only.label()),
        _ => format!("one of these?\n{}", lines(candidates)),
    }
}

/// How many candidates an ambiguity lists.
const SHOWN: usize = 10;

/// Finds the role `target` names in `catalog`, as `matching` allows; `aliases` map a name to
/// `account/role`.
pub(crate) fn resolve(
    catalog: &Catalog,
    target: &str,
    aliases: &BTreeMap<String, String>,
    matching: Matching,
) -> Result<Target, TargetError> {
    let wanted = aliases.get(target).map_or(target, String::as_str).trim();
    let (account_part, role_part) = match wanted.rsplit_once('/') {
        Some((a, r)) => (a.trim(), Some(r.trim())),
        None => (wanted, None),
    };
    if matching == Matching::Exact && role_part.is_none() {
        return Err(TargetError::NoRole(target.to_owned()));
    }
    let mut exact: Vec<Target> = catalog
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
    if exact.len() > 1
        && let Some(role) = role_part
        && exact.iter().filter(|t| t.role == role).count() == 1
    {
        exact.retain(|t| t.role == role);
    }
    match (exact.len(), matching) {
        (1, _) => Ok(exact.swap_remove(0)),
        (n, _) if n > 1 => Err(TargetError::Ambiguous {
            target: target.to_owned(),
            candidates: exact.into_iter().take(SHOWN).collect(),
        }),
        (_, Matching::Exact) => Err(TargetError::NoMatch(target.to_owned())),
        (_, Matching::Suggest) => {
            let candidates = fuzzy(catalog, wanted, account_part, role_part);
            if candidates.is_empty() {
                Err(TargetError::NoMatch(target.to_owned()))
            } else {
                Err(TargetError::DidYouMean {
                    target: target.to_owned(),
                    candidates,
                })
            }
        }
    }
}

/// The roles a misspelt or abbreviated target may mean (at most [`SHOWN`]): fuzzy matches of
/// every part, and among them, when there are any, those whose account name contains the
/// account part (or id starts with it) and whose role starts with the role part.
fn fuzzy(
    catalog: &Catalog,
    wanted: &str,
    account_part: &str,
    role_part: Option<&str>,
) -> Vec<Target> {
    let rows = SearchRow::from_catalog(catalog);
    let mut index = SearchIndex::new(rows);
    let query = wanted.replace('/', " ");
    let hits: Vec<usize> = index.filter(&query, &|_| 0).iter().map(|h| h.row).collect();
    let found: Vec<Target> = hits
        .iter()
        .filter_map(|&i| index.row(i))
        .filter_map(|r| {
            let entry = catalog
                .accounts
                .iter()
                .find(|e| e.account.id == r.account_id)?;
            Some(Target {
                account: entry.account.clone(),
                role: r.role_name.clone(),
            })
        })
        .collect();
    let a = account_part.to_ascii_lowercase();
    let strong: Vec<Target> = found
        .iter()
        .filter(|t| {
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
    found.into_iter().take(SHOWN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::{AccountEntry, Roles};
    use Matching::{Exact, Suggest};

    fn entry(id: &str, name: &str, roles: &[&str]) -> AccountEntry {
        AccountEntry {
            account: Account {
                id: crate::core::catalog::AccountId::parse(id).unwrap(),
                name: name.into(),
                email: None,
            },
            roles: Roles::Listed(roles.iter().map(|r| r.to_string()).collect()),
        }
    }

    fn catalog() -> Catalog {
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
                entry("555555555555", "sandbox", &["ReadOnlyPlusAdmin"]),
                entry("666666666666", "cased", &["Admin", "admin"]),
            ],
        }
    }

    fn label(target: &str, matching: Matching) -> Result<String, TargetError> {
        resolve(&catalog(), target, &BTreeMap::new(), matching).map(|t| t.label())
    }

    #[test]
    fn exact_by_name_or_id_ignoring_case_in_both_modes() {
        for mode in [Exact, Suggest] {
            assert_eq!(
                label("Payments-Prod/readonlyaccess", mode).unwrap(),
                "payments-prod/ReadOnlyAccess"
            );
            assert_eq!(
                label("222222222222/AdministratorAccess", mode).unwrap(),
                "payments-dev/AdministratorAccess"
            );
            assert_eq!(
                label(" sandbox / ReadOnlyPlusAdmin ", mode).unwrap(),
                "sandbox/ReadOnlyPlusAdmin"
            );
        }
    }

    #[test]
    fn an_account_alone_names_its_only_role_when_typed_never_in_a_file() {
        assert_eq!(
            label("payments-dev", Suggest).unwrap(),
            "payments-dev/AdministratorAccess"
        );
        assert_eq!(
            label("payments-dev", Exact),
            Err(TargetError::NoRole("payments-dev".into()))
        );
    }

    /// A profile written for `555555555555/ReadOnly`, once `ReadOnly` is removed: never the
    /// broader `ReadOnlyPlusAdmin`.
    #[test]
    fn a_gone_role_is_never_a_broader_one() {
        for target in [
            "555555555555/ReadOnly",
            "sandbox/ReadOnly",
            "sandbox/readonly",
        ] {
            assert_eq!(
                label(target, Exact),
                Err(TargetError::NoMatch(target.into()))
            );
            let err = label(target, Suggest).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("no role matches {target:?}; did you mean sandbox/ReadOnlyPlusAdmin?")
            );
        }
    }

    #[test]
    fn a_single_fuzzy_candidate_is_offered_not_taken() {
        let err = label("prod/read", Suggest).unwrap_err();
        let TargetError::DidYouMean { candidates, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].label(), "payments-prod/ReadOnlyAccess");
        assert_eq!(
            label("prod/read", Exact),
            Err(TargetError::NoMatch("prod/read".into()))
        );
    }

    #[test]
    fn aliases_resolve_exactly() {
        let mut aliases = BTreeMap::new();
        aliases.insert(
            "prod".to_owned(),
            "payments-prod/AdministratorAccess".to_owned(),
        );
        aliases.insert("old".to_owned(), "sandbox/ReadOnly".to_owned());
        for mode in [Exact, Suggest] {
            assert_eq!(
                resolve(&catalog(), "prod", &aliases, mode).unwrap().label(),
                "payments-prod/AdministratorAccess"
            );
        }
        assert_eq!(
            resolve(&catalog(), "old", &aliases, Exact),
            Err(TargetError::NoMatch("old".into()))
        );
    }

    #[test]
    fn roles_differing_in_case_need_the_exact_case() {
        for mode in [Exact, Suggest] {
            assert_eq!(label("cased/admin", mode).unwrap(), "cased/admin");
            assert_eq!(label("cased/Admin", mode).unwrap(), "cased/Admin");
            assert!(matches!(
                label("cased/ADMIN", mode),
                Err(TargetError::Ambiguous { .. })
            ));
        }
    }

    #[test]
    fn ambiguity_lists_the_candidates_and_nothing_is_no_match() {
        let err = label("payments-prod", Suggest).unwrap_err();
        let TargetError::Ambiguous { candidates, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(candidates.len(), 2);
        let err = label("payments/admin", Suggest).unwrap_err();
        let TargetError::DidYouMean { candidates, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(candidates.len(), 2);
        assert!(err.to_string().contains("one of these?\n  payments-"));
        assert!(
            err.to_string()
                .contains("  payments-dev/AdministratorAccess")
        );
        for mode in [Exact, Suggest] {
            assert_eq!(
                label("zzz/zzz", mode),
                Err(TargetError::NoMatch("zzz/zzz".into()))
            );
        }
    }
}
