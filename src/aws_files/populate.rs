//! The managed block of `~/.aws/config` for one identity center (pure): one `[profile NAME]`
//! per account × role of its catalog, as a native AWS CLI SSO profile (`sso_session`, or the
//! legacy `sso_start_url` form) or as a `credential_process` profile, plus its
//! `[sso-session NAME]` when the file has none outside the block.
//!
//! The block may hold other identity centers' profiles; they stay. This one's profiles for
//! roles that are gone stay too unless `prune`; roles of accounts that could not be listed are
//! unknown, so theirs always stay. A name already used outside the block is skipped (a second
//! `[profile X]` would break the AWS CLI), and one used inside it by another identity center
//! gets `-ACCOUNT_ID` appended.

use std::collections::{BTreeSet, HashSet};

use super::command_line::{Platform, QuoteError, command_line};
use super::ini_edit::{self, EditError, NewSection};
use super::profile_name::{NameFields, ProfileTemplateError, render};
use crate::config::ini::{self, IniError, Section};
use crate::core::catalog::Catalog;
use crate::core::sso::{ACCOUNT_ACCESS_SCOPE, SsoSession};

/// What kind of profiles to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileKind {
    /// Native AWS CLI SSO profiles that use the cached SSO token.
    Sso,
    /// `credential_process = PROGRAM credential-process ACCOUNT/ROLE --session NAME`, quoted
    /// for `platform`.
    CredentialProcess { program: String, platform: Platform },
}

/// What to populate.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub session: &'a SsoSession,
    pub catalog: &'a Catalog,
    pub template: &'a str,
    /// The `region` of every profile.
    pub region: &'a str,
    pub kind: ProfileKind,
    pub prune: bool,
}

/// The new file text and what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Populated {
    pub text: String,
    /// This identity center's profiles written from the catalog, in catalog order.
    pub profiles: Vec<String>,
    pub added: usize,
    pub removed: usize,
    /// Profiles of roles no longer listed that were kept (no `prune`).
    pub kept: usize,
    /// One line per profile not written, saying why.
    pub skipped: Vec<String>,
}

/// Why the managed block could not be populated (the file is left as it was).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PopulateError {
    /// The file's block markers, or a section that cannot be written.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The managed block is not INI botocore reads.
    #[error("the rolecall managed block, its line {}: {}", .0.line, .0.cause)]
    Block(IniError),
    #[error(transparent)]
    Template(#[from] ProfileTemplateError),
}

/// Why one role's profile is not written (the rest are).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Quote(#[from] QuoteError),
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// A section of the old block that cannot be written again, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{}] dropped from the managed block: {cause}", .name.escape_debug())]
pub struct DroppedSection {
    pub name: String,
    pub cause: EditError,
}

pub(super) fn normalize(header: &str) -> String {
    header.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `credential_process` line's value, quoted for `platform`.
pub fn credential_process_command(
    program: &str,
    session: &str,
    account_id: &str,
    role: &str,
    platform: Platform,
) -> Result<String, QuoteError> {
    let target = format!("{account_id}/{role}");
    command_line(
        &[program, "credential-process", &target, "--session", session],
        platform,
    )
}

/// The words of a `credential_process` value (single and double quotes as shlex reads them).
pub(super) fn split_words(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote = None;
    for c in value.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// A block section's identity center and role, as far as it says.
struct Owner {
    session: Option<String>,
    start_url: Option<String>,
    role: Option<(String, String)>,
}

fn owner(section: &Section) -> Owner {
    if let Some(cp) = section.get("credential_process") {
        let words = split_words(cp);
        let after = |flag: &str| {
            words
                .iter()
                .position(|w| w == flag)
                .and_then(|i| words.get(i + 1))
                .cloned()
        };
        let role = after("credential-process")
            .and_then(|t| t.split_once('/').map(|(a, r)| (a.to_owned(), r.to_owned())));
        return Owner {
            session: after("--session"),
            start_url: None,
            role,
        };
    }
    let role = section
        .get("sso_account_id")
        .zip(section.get("sso_role_name"))
        .map(|(a, r)| (a.to_owned(), r.to_owned()));
    Owner {
        session: section.get("sso_session").map(str::to_owned),
        start_url: section.get("sso_start_url").map(str::to_owned),
        role,
    }
}

fn is_this_session(o: &Owner, session: &SsoSession) -> bool {
    match (&o.session, &o.start_url) {
        (Some(name), _) => *name == session.name,
        (None, Some(url)) => session.legacy && *url == session.start_url,
        (None, None) => false,
    }
}

pub(super) fn new_section(name: String, entries: Vec<(&str, String)>) -> NewSection {
    NewSection {
        name,
        settings: entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    }
}

/// A section of the old block, as it is, when it can be written again; else why not.
fn kept(section: &Section) -> Result<NewSection, DroppedSection> {
    let kept = NewSection {
        name: section.name.clone(),
        settings: section
            .entries
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect(),
    };
    kept.check().map(|()| kept).map_err(|cause| DroppedSection {
        name: section.name.clone(),
        cause,
    })
}

/// The sections of the old block that can be written again; why the others cannot goes to
/// `dropped`.
pub(super) fn keep_all(sections: Vec<&Section>, dropped: &mut Vec<String>) -> Vec<NewSection> {
    sections
        .into_iter()
        .filter_map(|s| kept(s).map_err(|why| dropped.push(why.to_string())).ok())
        .collect()
}

/// The settings of one role's profile.
fn profile_entries(
    plan: &Plan<'_>,
    account_id: &str,
    role: &str,
) -> Result<Vec<(&'static str, String)>, QuoteError> {
    let s = plan.session;
    let mut entries = match &plan.kind {
        ProfileKind::CredentialProcess { program, platform } => vec![(
            "credential_process",
            credential_process_command(program, &s.name, account_id, role, *platform)?,
        )],
        ProfileKind::Sso if s.legacy => vec![
            ("sso_start_url", s.start_url.clone()),
            ("sso_region", s.region.clone()),
        ],
        ProfileKind::Sso => vec![("sso_session", s.name.clone())],
    };
    if plan.kind == ProfileKind::Sso {
        entries.push(("sso_account_id", account_id.to_owned()));
        entries.push(("sso_role_name", role.to_owned()));
    }
    entries.push(("region", plan.region.to_owned()));
    Ok(entries)
}

/// One role's profile, checked; an error says why it cannot be written.
fn role_profile(
    plan: &Plan<'_>,
    name: &str,
    account_id: &str,
    role: &str,
) -> Result<NewSection, ProfileError> {
    let section = new_section(
        format!("profile {name}"),
        profile_entries(plan, account_id, role)?,
    );
    section.check()?;
    Ok(section)
}

/// The file `text` with its managed block holding this identity center's profiles.
pub fn populate(text: &str, plan: &Plan<'_>) -> Result<Populated, PopulateError> {
    let session = plan.session;
    let outside = ini_edit::outside_block(text)?;
    let old_body = ini_edit::managed_block(text)?.unwrap_or_default();
    let old = ini::parse(&old_body).map_err(PopulateError::Block)?;
    let outside_headers: HashSet<String> = ini_edit::section_names(&outside)
        .iter()
        .map(|h| normalize(h))
        .collect();
    let ours = |s: &Section| {
        let header = normalize(&s.name);
        (header == "default" || header.starts_with("profile "))
            && is_this_session(&owner(s), session)
    };
    let this_sso_session = format!("sso-session {}", session.name);

    // Other identity centers' sections stay and keep their names.
    let others: Vec<&Section> = old
        .iter()
        .filter(|s| !ours(s) && normalize(&s.name) != this_sso_session)
        .collect();
    let mut used: HashSet<String> = others.iter().map(|s| normalize(&s.name)).collect();

    let mut result = Populated::default();
    let mut new_profiles: Vec<(String, NewSection)> = Vec::new();
    for (account, role) in plan.catalog.rows() {
        let who = format!("{}/{}", account.name.escape_debug(), role.escape_debug());
        let fields = NameFields {
            account_name: &account.name,
            account_id: &account.id,
            role_name: role,
            session: &session.name,
        };
        let name = render(plan.template, &fields)?;
        let header = |n: &str| format!("profile {n}");
        if outside_headers.contains(&header(&name)) {
            result.skipped.push(format!(
                "[profile {name}] is already in the file outside the managed block; {who} skipped"
            ));
            continue;
        }
        let name = if used.contains(&header(&name)) {
            format!("{name}-{}", account.id)
        } else {
            name
        };
        if used.contains(&header(&name)) || outside_headers.contains(&header(&name)) {
            result
                .skipped
                .push(format!("[profile {name}] is taken; {who} skipped"));
            continue;
        }
        match role_profile(plan, &name, &account.id, role) {
            Ok(section) => {
                used.insert(header(&name));
                new_profiles.push((name, section));
            }
            Err(why) => result.skipped.push(format!("{who} skipped: {why}")),
        }
    }

    let listed: BTreeSet<(&str, &str)> = plan
        .catalog
        .rows()
        .map(|(a, r)| (a.id.as_str(), r))
        .collect();
    let unknown: BTreeSet<&str> = plan
        .catalog
        .unavailable()
        .map(|e| e.account.id.as_str())
        .collect();
    let new_headers: HashSet<String> = new_profiles
        .iter()
        .map(|(n, ..)| format!("profile {n}"))
        .collect();
    let old_ours: Vec<&Section> = old
        .iter()
        .filter(|s| ours(s) && normalize(&s.name) != this_sso_session)
        .collect();
    let mut stale: Vec<&Section> = Vec::new();
    for section in &old_ours {
        let header = normalize(&section.name);
        let role = owner(section).role;
        let still_listed = role
            .as_ref()
            .is_some_and(|(a, r)| listed.contains(&(a.as_str(), r.as_str())));
        let unknowable = role
            .as_ref()
            .is_some_and(|(a, _)| unknown.contains(a.as_str()));
        if new_headers.contains(&header) || still_listed {
            if !new_headers.contains(&header) {
                result.removed += 1; // renamed: the template changed
            }
        } else if unknowable || !plan.prune {
            if !used.contains(&header) {
                used.insert(header);
                stale.push(section);
            }
        } else {
            result.removed += 1;
        }
    }
    let old_headers: HashSet<String> = old_ours.iter().map(|s| normalize(&s.name)).collect();
    result.added = new_headers
        .iter()
        .filter(|h| !old_headers.contains(*h))
        .count();

    let mut body = keep_all(others, &mut result.skipped);
    if plan.kind == ProfileKind::Sso
        && !session.legacy
        && !outside_headers.contains(&this_sso_session)
    {
        let scopes = if session.scopes.is_empty() {
            ACCOUNT_ACCESS_SCOPE.to_owned()
        } else {
            session.scopes.join(", ")
        };
        let sso_session = new_section(
            this_sso_session.clone(),
            vec![
                ("sso_start_url", session.start_url.clone()),
                ("sso_region", session.region.clone()),
                ("sso_registration_scopes", scopes),
            ],
        );
        sso_session.check()?;
        body.push(sso_session);
    }
    let stale = keep_all(stale, &mut result.skipped);
    result.kept = stale.len();
    let (names, profiles): (Vec<String>, Vec<NewSection>) = new_profiles.into_iter().unzip();
    body.extend(profiles);
    body.extend(stale);
    result.text = ini_edit::replace_block(text, &body)?;
    result.profiles = names;
    Ok(result)
}

#[cfg(test)]
#[path = "populate_tests.rs"]
mod tests;
