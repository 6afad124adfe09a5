//! `export` lines for handing credentials to a shell: POSIX shells (bash, zsh) and fish.

use crate::core::credentials::Credentials;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shell {
    #[default]
    Posix,
    Fish,
}

impl Shell {
    /// The shell a `$SHELL` path names (fish, else POSIX).
    pub fn from_path(shell: &str) -> Shell {
        if shell.rsplit('/').next() == Some("fish") {
            Shell::Fish
        } else {
            Shell::Posix
        }
    }
}

/// Single-quotes a value for either shell.
fn quote(value: &str, shell: Shell) -> String {
    match shell {
        Shell::Posix => format!("'{}'", value.replace('\'', "'\\''")),
        Shell::Fish => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
    }
}

fn iso8601(t: std::time::SystemTime) -> Option<String> {
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).ok()?)
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// The variables, in order. With `masked`, the secret values are replaced by `********`
/// (for the screen).
pub fn variables(
    credentials: &Credentials,
    region: &str,
    masked: bool,
) -> Vec<(&'static str, String)> {
    let secret = |s: &str| {
        if masked {
            "********".to_owned()
        } else {
            s.to_owned()
        }
    };
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY",
            secret(credentials.secret_access_key.expose()),
        ),
    ];
    if let Some(token) = &credentials.session_token {
        vars.push(("AWS_SESSION_TOKEN", secret(token.expose())));
    }
    vars.push(("AWS_REGION", region.to_owned()));
    vars.push(("AWS_DEFAULT_REGION", region.to_owned()));
    if let Some(exp) = credentials.expires_at.and_then(iso8601) {
        vars.push(("AWS_CREDENTIAL_EXPIRATION", exp.clone()));
        vars.push(("AWS_SESSION_EXPIRATION", exp));
    }
    vars
}

/// One line per variable in the shell's syntax, plus unsetting `AWS_PROFILE` (it would win).
pub fn export_lines(
    credentials: &Credentials,
    region: &str,
    shell: Shell,
    masked: bool,
) -> Vec<String> {
    let mut lines: Vec<String> = variables(credentials, region, masked)
        .into_iter()
        .map(|(name, value)| match shell {
            Shell::Posix => format!("export {name}={}", quote(&value, shell)),
            Shell::Fish => format!("set -gx {name} {}", quote(&value, shell)),
        })
        .collect();
    lines.push(match shell {
        Shell::Posix => "unset AWS_PROFILE".to_owned(),
        Shell::Fish => "set -e AWS_PROFILE".to_owned(),
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use std::time::{Duration, UNIX_EPOCH};

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("se'cret".into()),
            session_token: Some(Secret::new("tok".into())),
            expires_at: Some(UNIX_EPOCH + Duration::from_secs(1_795_457_045)),
        }
    }

    #[test]
    fn posix_lines_quote_and_unset_profile() {
        let lines = export_lines(&creds(), "eu-west-1", Shell::Posix, false);
        assert_eq!(lines[0], "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'");
        assert_eq!(lines[1], "export AWS_SECRET_ACCESS_KEY='se'\\''cret'");
        assert!(
            lines.contains(&"export AWS_CREDENTIAL_EXPIRATION='2026-11-23T18:04:05Z'".to_owned())
        );
        assert_eq!(lines.last().unwrap(), "unset AWS_PROFILE");
    }

    #[test]
    fn fish_and_masking() {
        let lines = export_lines(&creds(), "eu-west-1", Shell::Fish, true);
        assert_eq!(lines[1], "set -gx AWS_SECRET_ACCESS_KEY '********'");
        assert!(!lines.iter().any(|l| l.contains("tok")));
        assert_eq!(Shell::from_path("/usr/bin/fish"), Shell::Fish);
        assert_eq!(Shell::from_path("/bin/zsh"), Shell::Posix);
    }
}
