//! Writing an `[sso-session NAME]` to `~/.aws/config`, as `aws configure sso` does, so the AWS
//! CLI and rolecall share one identity center and its sign-in.

use std::path::Path;

use super::AwsFilesError;
use super::ini_edit::{self, Remove};
use super::write::{FileMode, Refusal, Written, update_file};
use crate::core::sso::ACCOUNT_ACCESS_SCOPE;
pub(crate) use crate::core::sso_setup::NewSsoSession;

/// Whether the file already said the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionWritten {
    /// The section was added or changed.
    Written(Written),
    /// It already named this start URL and region; the file was left alone.
    Unchanged,
}

/// Writes `session` into the config file at `path`, keeping every other byte. An existing
/// `[sso-session NAME]` naming another start URL or region is refused unless `force`.
pub(crate) fn write_sso_session(
    path: &Path,
    session: &NewSsoSession,
    force: bool,
    mode: FileMode,
) -> Result<SessionWritten, AwsFilesError> {
    let section = format!("sso-session {}", session.name);
    let same = |text: &str| {
        ini_edit::section_value(text, &section, "sso_start_url").as_deref()
            == Some(session.start_url.as_str())
            && ini_edit::section_value(text, &section, "sso_region").as_deref()
                == Some(session.region.as_str())
    };
    let mut unchanged = false;
    let written = update_file(path, mode, |old| {
        if same(old) {
            unchanged = true;
            return Ok(old.to_owned());
        }
        if !force && ini_edit::has_section(old, &section) {
            let had = |key| ini_edit::section_value(old, &section, key).unwrap_or_default();
            return Err(Refusal::NotOurs(format!(
                "[{section}] already names {:?} in {:?}; pass --force to replace it, or --name for another",
                had("sso_start_url"),
                had("sso_region"),
            )));
        }
        ini_edit::set_section(
            old,
            &section,
            &[
                ("sso_start_url", session.start_url.as_str()),
                ("sso_region", session.region.as_str()),
                ("sso_registration_scopes", ACCOUNT_ACCESS_SCOPE),
            ],
            Remove::Keys(&[]),
        )
        .map_err(Refusal::from)
    })?;
    Ok(if unchanged {
        SessionWritten::Unchanged
    } else {
        SessionWritten::Written(written)
    })
}
