//! TARGET completion: every way a TARGET may be written (a chain, an alias, `account-name/role`,
//! `account-id/role`), those starting with what was typed, each written as the asking shell
//! inserts it. Names come from the network and config files: data, never shell code. A name
//! with a control character is not offered at all.

use crate::core::catalog::Catalog;

/// The shell that asks, as it inserts a candidate. Bash, zsh and fish all pass the word being
/// completed as it was typed, quoting included (`payments\ d`, `'payments d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AskingShell {
    /// Inserts the candidate as it is (`COMPREPLY`): special characters escaped here.
    Bash,
    /// Quote what they insert themselves (`_describe`, `complete -a`), and match the candidate
    /// against the word unquoted.
    ZshOrFish,
    /// Inserts the candidate as it is: single-quoted here when needed.
    PowerShell,
}

impl AskingShell {
    /// From the name in `COMPLETE` (`bash`, `zsh`, `fish`, `powershell`, or a path to one).
    pub(crate) fn from_name(name: &str) -> AskingShell {
        let stem = name.rsplit('/').next().unwrap_or(name);
        match stem {
            "bash" => AskingShell::Bash,
            "powershell" | "pwsh" => AskingShell::PowerShell,
            _ => AskingShell::ZshOrFish,
        }
    }
}

/// Every TARGET the cached catalogs, the aliases and the chains name, in that order of
/// preference (chains and aliases first), without repeats.
pub(crate) fn target_names<'a>(
    catalogs: &[Catalog],
    aliases: impl IntoIterator<Item = &'a String>,
    chains: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut names = Vec::new();
    let mut push = |name: String| {
        if !seen.contains(&name) {
            seen.insert(name.clone());
            names.push(name);
        }
    };
    chains.into_iter().map(str::to_owned).for_each(&mut push);
    aliases.into_iter().cloned().for_each(&mut push);
    for catalog in catalogs {
        for (account, role) in catalog.rows() {
            push(format!("{}/{role}", account.name));
        }
    }
    for catalog in catalogs {
        for (account, role) in catalog.rows() {
            push(format!("{}/{role}", account.id));
        }
    }
    names
}

/// The candidates for the word `typed` (as the shell passed it), written for `shell`.
pub(crate) fn candidates(names: &[String], typed: &str, shell: AskingShell) -> Vec<String> {
    let prefix = match shell {
        AskingShell::Bash | AskingShell::ZshOrFish => unquote(typed),
        AskingShell::PowerShell => typed.to_owned(),
    };
    names
        .iter()
        .filter(|name| name.starts_with(&prefix) && !name.chars().any(char::is_control))
        .map(|name| match shell {
            AskingShell::Bash => escape_bash(name),
            AskingShell::ZshOrFish => name.clone(),
            AskingShell::PowerShell => quote_powershell(name),
        })
        .collect()
}

/// A character bash inserts as it is: anything else is escaped with a backslash.
fn plain(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | '+' | ',' | '%' | ':' | '=')
}

fn escape_bash(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if !plain(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The word as typed on a bash, zsh or fish line, its quoting undone (a leading quote,
/// backslashes).
fn unquote(typed: &str) -> String {
    let typed = typed.trim_start_matches(['\'', '"']);
    let mut out = String::with_capacity(typed.len());
    let mut chars = typed.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '\'' | '"' => {}
            c => out.push(c),
        }
    }
    out
}

fn quote_powershell(name: &str) -> String {
    if name.chars().all(plain) {
        return name.to_owned();
    }
    crate::core::exports::quote(name, crate::core::exports::Shell::PowerShell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::{Account, AccountEntry, AccountId, Roles};

    fn catalog() -> Catalog {
        let entry = |id: &str, name: &str, roles: &[&str]| AccountEntry {
            account: Account {
                id: AccountId::parse(id).unwrap(),
                name: name.into(),
                email: None,
            },
            roles: Roles::Listed(roles.iter().map(|r| (*r).to_owned()).collect()),
        };
        Catalog {
            session: "acme".into(),
            listed_at: 0,
            accounts: vec![
                entry("111111111111", "payments prod", &["Admin"]),
                entry("222222222222", "evil\u{1b}]0;x\u{7}", &["Admin"]),
                entry("333333333333", "o'brien", &["Dev"]),
            ],
        }
    }

    #[test]
    fn names_chains_aliases_then_roles_by_name_and_by_id() {
        let aliases = ["prod".to_owned()];
        let names = target_names(&[catalog()], &aliases, ["break-glass"]);
        assert_eq!(names[..3], ["break-glass", "prod", "payments prod/Admin"]);
        assert!(names.contains(&"111111111111/Admin".to_owned()));
    }

    #[test]
    fn control_characters_are_never_offered() {
        let names = target_names(&[catalog()], &[], []);
        for shell in [
            AskingShell::Bash,
            AskingShell::ZshOrFish,
            AskingShell::PowerShell,
        ] {
            let all = candidates(&names, "", shell);
            assert!(
                all.iter().all(|c| !c.chars().any(char::is_control)),
                "{all:?}"
            );
            assert_eq!(candidates(&names, "evil", shell), Vec::<String>::new());
        }
    }

    #[test]
    fn each_shell_gets_words_it_inserts_safely() {
        let names = target_names(&[catalog()], &[], []);
        assert_eq!(
            candidates(&names, "pay", AskingShell::Bash),
            ["payments\\ prod/Admin"]
        );
        assert_eq!(
            candidates(&names, "payments\\ p", AskingShell::Bash),
            ["payments\\ prod/Admin"]
        );
        assert_eq!(
            candidates(&names, "o", AskingShell::Bash),
            ["o\\'brien/Dev"]
        );
        assert_eq!(
            candidates(&names, "o\\'b", AskingShell::ZshOrFish),
            ["o'brien/Dev"]
        );
        for typed in ["payments\\ p", "'payments p", "\"payments p"] {
            assert_eq!(
                candidates(&names, typed, AskingShell::ZshOrFish),
                ["payments prod/Admin"],
                "{typed}"
            );
        }
        assert_eq!(
            candidates(&names, "o", AskingShell::PowerShell),
            ["'o''brien/Dev'"]
        );
        assert_eq!(
            candidates(&names, "3333", AskingShell::PowerShell),
            ["333333333333/Dev"]
        );
    }
}
