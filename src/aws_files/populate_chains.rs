//! The managed block's profiles for config.toml's `[[chains]]` (pure): `[profile CHAIN]` with
//! `credential_process = PROGRAM credential-process CHAIN` (and the chain's `region`, else the
//! plan's), next to the identity centers' profiles [`super::populate`] writes.
//!
//! A chain's profile is known again by its command (`credential-process NAME`, a NAME without
//! `/` and no `--session`): a chain's is rewritten from the configuration each time; one of a
//! chain no longer configured stays unless `prune`. A name already used outside the block, or by
//! another section of the block, is skipped with a line saying why.

use std::collections::HashSet;

use super::command_line::{Platform, command_line};
use super::ini_edit;
use super::populate::{PopulateError, keep_all, new_section, normalize, split_words};
use crate::config::ini::{self, Section};

/// The chains to write.
#[derive(Debug, Clone)]
pub struct ChainPlan<'a> {
    /// Each chain's name and its region, if it has one.
    pub chains: Vec<(&'a str, Option<&'a str>)>,
    /// The `region` of a chain without one.
    pub region: &'a str,
    pub program: &'a str,
    pub platform: Platform,
    pub prune: bool,
}

/// The new text and what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainsPopulated {
    pub text: String,
    pub profiles: Vec<String>,
    pub removed: usize,
    pub skipped: Vec<String>,
}

/// The chain a block section's `credential_process` answers for, if it is a chain's.
fn chain_of(section: &Section) -> Option<String> {
    let words = split_words(section.get("credential_process")?);
    let at = words.iter().position(|w| w == "credential-process")?;
    let target = words.get(at + 1)?;
    (!target.contains('/') && !words.iter().any(|w| w == "--session")).then(|| target.clone())
}

/// The file `text` with its managed block holding a profile per chain of `plan`.
pub fn populate_chains(text: &str, plan: &ChainPlan<'_>) -> Result<ChainsPopulated, PopulateError> {
    let outside: HashSet<String> = ini_edit::section_names(&ini_edit::outside_block(text)?)
        .iter()
        .map(|h| normalize(h))
        .collect();
    let old_body = ini_edit::managed_block(text)?.unwrap_or_default();
    let old = ini::parse(&old_body).map_err(PopulateError::Block)?;
    let configured: HashSet<&str> = plan.chains.iter().map(|(name, _)| *name).collect();
    let mut result = ChainsPopulated::default();
    let mut others = Vec::new();
    for section in &old {
        match chain_of(section) {
            Some(chain) if configured.contains(chain.as_str()) => {}
            Some(_) if plan.prune => result.removed += 1,
            _ => others.push(section),
        }
    }
    let mut used: HashSet<String> = others.iter().map(|s| normalize(&s.name)).collect();
    let mut body = keep_all(others, &mut result.skipped);
    for (name, region) in &plan.chains {
        let header = format!("profile {name}");
        let shown = name.escape_debug();
        if outside.contains(&header) || used.contains(&header) {
            result.skipped.push(format!(
                "[profile {shown}] is already in the file; chain {shown} skipped"
            ));
            continue;
        }
        let command = match command_line(&[plan.program, "credential-process", name], plan.platform)
        {
            Ok(command) => command,
            Err(why) => {
                result.skipped.push(format!("chain {shown} skipped: {why}"));
                continue;
            }
        };
        let section = new_section(
            header.clone(),
            vec![
                ("credential_process", command),
                ("region", region.unwrap_or(plan.region).to_owned()),
            ],
        );
        if let Err(why) = section.check() {
            result.skipped.push(format!("chain {shown} skipped: {why}"));
            continue;
        }
        used.insert(header);
        body.push(section);
        result.profiles.push((*name).to_owned());
    }
    result.text = ini_edit::replace_block(text, &body)?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan<'a>(chains: Vec<(&'a str, Option<&'a str>)>, prune: bool) -> ChainPlan<'a> {
        ChainPlan {
            chains,
            region: "us-east-2",
            program: "/usr/bin/rolecall",
            platform: Platform::Posix,
            prune,
        }
    }

    #[test]
    fn chains_get_credential_process_profiles_rewritten_in_place() {
        let head = "# mine\n[profile taken]\nregion = eu-west-1\n";
        let chains = vec![
            ("deploy", Some("eu-central-1")),
            ("audit", None),
            ("taken", None),
        ];
        let once = populate_chains(head, &plan(chains.clone(), false)).unwrap();
        assert!(once.text.starts_with(head), "{}", once.text);
        assert!(once.text.contains(
            "[profile deploy]\ncredential_process = /usr/bin/rolecall credential-process deploy\nregion = eu-central-1\n"
        ), "{}", once.text);
        assert!(once.text.contains("[profile audit]\ncredential_process = /usr/bin/rolecall credential-process audit\nregion = us-east-2\n"));
        assert_eq!(once.profiles, ["deploy", "audit"]);
        assert_eq!(once.skipped.len(), 1, "{:?}", once.skipped);
        // Again: the same file, not a second profile.
        let twice = populate_chains(&once.text, &plan(chains, false)).unwrap();
        assert_eq!(twice.text, once.text);
        // A chain no longer configured stays, unless pruned.
        let kept = populate_chains(&once.text, &plan(vec![("audit", None)], false)).unwrap();
        assert!(kept.text.contains("[profile deploy]"));
        let pruned = populate_chains(&once.text, &plan(vec![("audit", None)], true)).unwrap();
        assert!(!pruned.text.contains("[profile deploy]"));
        assert_eq!(pruned.removed, 1);
    }

    #[test]
    fn a_name_with_a_control_character_is_skipped_not_written() {
        let out = populate_chains("", &plan(vec![("bad\nname", None)], false)).unwrap();
        assert!(out.profiles.is_empty());
        assert!(!out.text.contains("bad"), "{}", out.text);
        assert_eq!(out.skipped.len(), 1);
    }
}
