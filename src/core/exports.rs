//! The lines that hand credentials to a shell, or take them back: POSIX shells (bash, zsh),
//! fish and PowerShell. `rolecall env`, the app's "print the exports" and the `rolecall init`
//! wrappers all use these; the wrappers eval only lines of exactly these shapes.

use crate::core::credentials::Credentials;

/// The shell whose syntax exports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[expect(
    clippy::enum_variant_names,
    reason = "PowerShell is the shell's own name"
)]
pub enum Shell {
    #[default]
    Posix,
    Fish,
    PowerShell,
}

impl Shell {
    /// The shell a `$SHELL` path (or a bare name) names: fish, PowerShell (`pwsh`,
    /// `powershell`), else POSIX.
    pub fn from_path(shell: &str) -> Shell {
        let name = shell.rsplit(['/', '\\']).next().unwrap_or_default();
        let name = name.strip_suffix(".exe").unwrap_or(name);
        match name {
            "fish" => Shell::Fish,
            "pwsh" | "powershell" => Shell::PowerShell,
            _ => Shell::Posix,
        }
    }
}

/// Every variable the export lines set, so `--unset` clears exactly what `env` set.
pub(crate) const EXPORTED: [&str; 7] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
];

/// Variables that would win over the exported keys, so they are cleared alongside.
pub(crate) const SHADOWING: [&str; 1] = ["AWS_PROFILE"];

/// Single-quotes a value for the shell.
pub(crate) fn quote(value: &str, shell: Shell) -> String {
    match shell {
        Shell::Posix => crate::core::template::shell_quote(value),
        Shell::Fish => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
        // PowerShell also ends a single-quoted string at the typographic single quotes.
        Shell::PowerShell => {
            let mut quoted = String::with_capacity(value.len() + 2);
            quoted.push('\'');
            for c in value.chars() {
                if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
                    quoted.push(c);
                }
                quoted.push(c);
            }
            quoted.push('\'');
            quoted
        }
    }
}

/// The line that sets and exports one variable.
pub(crate) fn set_line(shell: Shell, name: &str, value: &str) -> String {
    let value = quote(value, shell);
    match shell {
        Shell::Posix => format!("export {name}={value}"),
        Shell::Fish => format!("set -gx {name} {value}"),
        Shell::PowerShell => format!("$Env:{name} = {value}"),
    }
}

/// The line that removes one variable (quietly when it is not set).
pub(crate) fn unset_line(shell: Shell, name: &str) -> String {
    match shell {
        Shell::Posix => format!("unset {name}"),
        Shell::Fish => format!("set -e {name}"),
        Shell::PowerShell => format!("Remove-Item Env:{name} -ErrorAction SilentlyContinue"),
    }
}

/// The lines that clear everything [`export_lines`] sets (`rolecall env --unset`).
pub(crate) fn unset_lines(shell: Shell) -> Vec<String> {
    EXPORTED
        .iter()
        .map(|name| unset_line(shell, name))
        .collect()
}

/// A time as RFC 3339 UTC (`2026-01-02T03:04:05Z`), the form the SDKs read.
pub(crate) fn iso8601(t: std::time::SystemTime) -> Option<String> {
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).ok()?)
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// The variables, in order. With `masked`, the secret values are replaced by `********`
/// (for the screen).
pub(crate) fn variables(
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
pub(crate) fn export_lines(
    credentials: &Credentials,
    region: &str,
    shell: Shell,
    masked: bool,
) -> Vec<String> {
    variables(credentials, region, masked)
        .into_iter()
        .map(|(name, value)| set_line(shell, name, &value))
        .chain(SHADOWING.iter().map(|name| unset_line(shell, name)))
        .collect()
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

    #[test]
    fn powershell_quotes_every_single_quote_kind() {
        let mut c = creds();
        c.secret_access_key = Secret::new("a'b\u{2019}c$d".into());
        let lines = export_lines(&c, "eu-west-1", Shell::PowerShell, false);
        assert_eq!(lines[0], "$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'");
        assert_eq!(
            lines[1],
            "$Env:AWS_SECRET_ACCESS_KEY = 'a''b\u{2019}\u{2019}c$d'"
        );
        assert_eq!(
            lines.last().unwrap(),
            "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue"
        );
        assert_eq!(Shell::from_path("/usr/bin/pwsh"), Shell::PowerShell);
        assert_eq!(
            Shell::from_path("C:\\Windows\\powershell.exe"),
            Shell::PowerShell
        );
        assert_eq!(Shell::from_path("fish"), Shell::Fish);
    }

    #[test]
    fn unset_lines_clear_what_the_exports_set() {
        let set: Vec<String> = export_lines(&creds(), "eu-west-1", Shell::Posix, false)
            .iter()
            .filter_map(|l| l.strip_prefix("export "))
            .map(|l| l.split('=').next().unwrap().to_owned())
            .collect();
        assert_eq!(set, EXPORTED);
        let unset = unset_lines(Shell::Posix);
        assert_eq!(unset[0], "unset AWS_ACCESS_KEY_ID");
        assert_eq!(unset.len(), EXPORTED.len());
        assert_eq!(unset_lines(Shell::Fish)[6], "set -e AWS_SESSION_EXPIRATION");
        assert_eq!(
            unset_lines(Shell::PowerShell)[2],
            "Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue"
        );
    }
}
