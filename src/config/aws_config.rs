//! Zero-config start: the identity centers the AWS CLI already knows, from `~/.aws/config`.
//!
//! Every `[sso-session NAME]` (`sso_start_url`, `sso_region`, `sso_registration_scopes`) and
//! every legacy `[profile X]` with its own `sso_start_url` becomes an identity center. Legacy
//! profiles that share a start URL are one identity center.

use std::path::Path;

use super::ini::{self, Section};
use crate::core::sso::{ACCOUNT_ACCESS_SCOPE, SsoSession};

/// Why `~/.aws/config` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AwsConfigError {
    #[error("{path}:{line}: {cause}")]
    Malformed {
        path: String,
        line: usize,
        cause: String,
    },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// Reads the identity centers from an AWS config file; a missing file is no identity centers.
pub fn load(path: &Path) -> Result<Vec<SsoSession>, AwsConfigError> {
    let shown = path.display().to_string();
    let text =
        match crate::adapters::read_file::read_text(path, crate::adapters::read_file::CONFIG_LIMIT)
        {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(AwsConfigError::Read {
                    path: shown,
                    source,
                });
            }
        };
    from_text(&text, &shown)
}

/// Reads the identity centers and the assume-role profiles (as chains) from an AWS config
/// file; a missing file has neither.
pub fn load_all(
    path: &Path,
) -> Result<(Vec<SsoSession>, Vec<crate::core::chain::ChainSpec>), AwsConfigError> {
    let shown = path.display().to_string();
    let text =
        match crate::adapters::read_file::read_text(path, crate::adapters::read_file::CONFIG_LIMIT)
        {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()));
            }
            Err(source) => {
                return Err(AwsConfigError::Read {
                    path: shown,
                    source,
                });
            }
        };
    let sections = sections(&text, &shown)?;
    Ok((
        sessions_of(&sections, &shown)?,
        super::chains::from_aws_profiles(&sections),
    ))
}

fn sections(text: &str, origin: &str) -> Result<Vec<Section>, AwsConfigError> {
    ini::parse(text).map_err(|e| AwsConfigError::Malformed {
        path: origin.to_owned(),
        line: e.line,
        cause: e.cause,
    })
}

/// Reads the identity centers from AWS config text; `origin` names it in messages.
pub fn from_text(text: &str, origin: &str) -> Result<Vec<SsoSession>, AwsConfigError> {
    sessions_of(&sections(text, origin)?, origin)
}

fn sessions_of(sections: &[Section], origin: &str) -> Result<Vec<SsoSession>, AwsConfigError> {
    let mut sessions = Vec::new();
    for section in sections {
        if let Some(name) = section.name.strip_prefix("sso-session") {
            let name = name.trim();
            if let Some(session) = sso_session(name, section, origin)? {
                sessions.push(session);
            }
        }
    }
    for section in sections {
        let Some(profile) = profile_name(&section.name) else {
            continue;
        };
        if section.get("sso_session").is_some() {
            continue;
        }
        let (Some(start_url), Some(region)) =
            (section.get("sso_start_url"), section.get("sso_region"))
        else {
            continue;
        };
        if sessions
            .iter()
            .any(|s: &SsoSession| s.legacy && s.start_url == start_url)
        {
            continue;
        }
        sessions.push(SsoSession {
            name: profile.to_owned(),
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes: Vec::new(),
            legacy: true,
        });
    }
    Ok(sessions)
}

pub fn profile_name(header: &str) -> Option<&str> {
    if header == "default" {
        return Some("default");
    }
    header
        .strip_prefix("profile")
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

fn sso_session(
    name: &str,
    section: &Section,
    origin: &str,
) -> Result<Option<SsoSession>, AwsConfigError> {
    let missing = |key: &str| AwsConfigError::Malformed {
        path: origin.to_owned(),
        line: section.line,
        cause: format!("[sso-session {name}] has no {key}"),
    };
    if name.is_empty() {
        return Err(AwsConfigError::Malformed {
            path: origin.to_owned(),
            line: section.line,
            cause: "an [sso-session] header needs a name".into(),
        });
    }
    let start_url = section
        .get("sso_start_url")
        .ok_or_else(|| missing("sso_start_url"))?;
    let region = section
        .get("sso_region")
        .ok_or_else(|| missing("sso_region"))?;
    let scopes: Vec<String> = section
        .get("sso_registration_scopes")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_else(|| vec![ACCOUNT_ACCESS_SCOPE.to_owned()]);
    Ok(Some(SsoSession {
        name: name.to_owned(),
        start_url: start_url.to_owned(),
        region: region.to_owned(),
        scopes,
        legacy: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn sso_sessions_and_legacy_profiles() {
        let text = "\
[default]
region = us-east-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 111111111111

[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 2
sso_role_name = R

[profile old2]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
";
        let sessions = from_text(text, "config").unwrap();
        assert_eq!(
            sessions,
            vec![
                SsoSession {
                    name: "acme".into(),
                    start_url: "https://acme.awsapps.com/start".into(),
                    region: "eu-west-1".into(),
                    scopes: vec!["sso:account:access".into()],
                    legacy: false,
                },
                SsoSession {
                    name: "old".into(),
                    start_url: "https://old.awsapps.com/start".into(),
                    region: "us-west-2".into(),
                    scopes: vec![],
                    legacy: true,
                },
            ]
        );
    }

    #[test]
    fn an_incomplete_sso_session_names_its_line() {
        let err = from_text(
            "[sso-session x]\nsso_region = us-east-1\n",
            "/h/.aws/config",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "/h/.aws/config:1: [sso-session x] has no sso_start_url"
        );
    }

    #[test]
    fn a_malformed_line_names_its_line() {
        let err = from_text("[profile a]\nregion us-east-1\n", "cfg")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cfg:2: "), "{err}");
    }

    #[test]
    fn a_missing_file_is_no_sessions() {
        assert!(
            load(Path::new("/nonexistent/aws/config"))
                .unwrap()
                .is_empty()
        );
    }
}
