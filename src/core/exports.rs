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

/// Every credential variable the export lines set, so `--unset` clears exactly what `env` set
/// (the region variables are cleared only when rolecall set them: [`ShellRegion::take_back`]).
pub(crate) const EXPORTED: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
];

/// Names the role in the shell (`account/role`, or the chain): set by `env`, `exec` and the
/// app's hand-overs, for prompts; cleared by `env --unset`.
pub(crate) const SESSION: &str = "ROLECALL_SESSION";

/// The region rolecall last set `AWS_REGION`/`AWS_DEFAULT_REGION` to in this shell: a region
/// variable holding it is rolecall's, any other value is the user's own.
pub(crate) const SET_REGION: &str = "ROLECALL_SET_REGION";

/// The region variables, each with where the user's own value is kept while rolecall's is set.
pub(crate) const REGION_VARS: [(&str, &str); 2] = [
    ("AWS_REGION", "ROLECALL_SAVED_AWS_REGION"),
    ("AWS_DEFAULT_REGION", "ROLECALL_SAVED_AWS_DEFAULT_REGION"),
];

/// A variable to set (`Some`) or remove (`None`).
pub(crate) type Setting = (&'static str, Option<String>);

/// The shell's region variables as rolecall finds them: whose they are, and what the user had.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShellRegion {
    vars: std::collections::BTreeMap<String, String>,
}

impl ShellRegion {
    /// The names [`ShellRegion::from_lookup`] reads.
    pub(crate) const NAMES: [&str; 6] = [
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        SET_REGION,
        "ROLECALL_SAVED_AWS_REGION",
        "ROLECALL_SAVED_AWS_DEFAULT_REGION",
        SESSION,
    ];

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let vars = Self::NAMES
            .iter()
            .filter_map(|n| Some(((*n).to_owned(), lookup(n).filter(|v| !v.is_empty())?)))
            .collect();
        Self { vars }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// `var` holds the region rolecall set.
    fn ours(&self, var: &str) -> bool {
        self.get(var).is_some() && self.get(var) == self.get(SET_REGION)
    }

    /// The user's own value of `var` (kept aside while rolecall's is set).
    fn users(&self, (var, saved): (&str, &str)) -> Option<&str> {
        if self.ours(var) {
            self.get(saved)
        } else {
            self.get(var)
        }
    }

    /// The region the user set (`AWS_REGION`, else `AWS_DEFAULT_REGION`), never one rolecall
    /// set: a source of the region rule.
    pub fn user_region(&self) -> Option<&str> {
        REGION_VARS.iter().find_map(|pair| self.users(*pair))
    }

    /// What a hand-over sets besides the credentials: the region variables (the user's own
    /// values kept aside), whose they are, and [`SESSION`] naming `label`.
    pub(crate) fn hand_over(&self, region: &str, label: &str) -> Vec<Setting> {
        let mut out: Vec<Setting> = Vec::new();
        for pair in REGION_VARS {
            out.push((pair.0, Some(region.to_owned())));
            out.push((pair.1, self.users(pair).map(str::to_owned)));
        }
        out.push((SET_REGION, Some(region.to_owned())));
        out.push((SESSION, Some(crate::core::terminal_text::shown(label))));
        out
    }

    /// What `env --unset` does besides removing the credentials: a region variable rolecall set
    /// gets the user's own value back (or goes); one the user set since is left alone.
    pub(crate) fn take_back(&self) -> Vec<Setting> {
        let mut out: Vec<Setting> = Vec::new();
        for pair in REGION_VARS {
            if self.ours(pair.0) {
                out.push((pair.0, self.get(pair.1).map(str::to_owned)));
            }
            out.push((pair.1, None));
        }
        out.push((SET_REGION, None));
        out.push((SESSION, None));
        out
    }
}

/// The lines for `settings` in the shell's syntax.
pub(crate) fn setting_lines(settings: &[Setting], shell: Shell) -> Vec<String> {
    settings
        .iter()
        .map(|(name, value)| match value {
            Some(value) => set_line(shell, name, value),
            None => unset_line(shell, name),
        })
        .collect()
}

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

/// The lines that clear everything [`export_lines`] sets (`rolecall env --unset`), the region
/// variables only where rolecall set them (`found`: the shell's as they are now).
pub(crate) fn unset_lines(shell: Shell, found: &ShellRegion) -> Vec<String> {
    EXPORTED
        .iter()
        .map(|name| unset_line(shell, name))
        .chain(setting_lines(&found.take_back(), shell))
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

/// One line per variable in the shell's syntax, then `extra` (a hand-over's
/// [`ShellRegion::hand_over`], which wins for the variables it names), plus unsetting
/// `AWS_PROFILE` (it would win).
pub(crate) fn export_lines(
    credentials: &Credentials,
    region: &str,
    shell: Shell,
    masked: bool,
    extra: &[Setting],
) -> Vec<String> {
    let vars = variables(credentials, region, masked);
    let settings: Vec<Setting> = vars
        .iter()
        .map(|(name, value)| {
            extra
                .iter()
                .find(|(n, _)| n == name)
                .cloned()
                .unwrap_or_else(|| (*name, Some(value.clone())))
        })
        .chain(
            extra
                .iter()
                .filter(|(n, _)| !vars.iter().any(|(name, _)| name == n))
                .cloned(),
        )
        .collect();
    setting_lines(&settings, shell)
        .into_iter()
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
        let lines = export_lines(&creds(), "eu-west-1", Shell::Posix, false, &[]);
        assert_eq!(lines[0], "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'");
        assert_eq!(lines[1], "export AWS_SECRET_ACCESS_KEY='se'\\''cret'");
        assert!(
            lines.contains(&"export AWS_CREDENTIAL_EXPIRATION='2026-11-23T18:04:05Z'".to_owned())
        );
        assert_eq!(lines.last().unwrap(), "unset AWS_PROFILE");
    }

    #[test]
    fn fish_and_masking() {
        let lines = export_lines(&creds(), "eu-west-1", Shell::Fish, true, &[]);
        assert_eq!(lines[1], "set -gx AWS_SECRET_ACCESS_KEY '********'");
        assert!(!lines.iter().any(|l| l.contains("tok")));
        assert_eq!(Shell::from_path("/usr/bin/fish"), Shell::Fish);
        assert_eq!(Shell::from_path("/bin/zsh"), Shell::Posix);
    }

    #[test]
    fn powershell_quotes_every_single_quote_kind() {
        let mut c = creds();
        c.secret_access_key = Secret::new("a'b\u{2019}c$d".into());
        let lines = export_lines(&c, "eu-west-1", Shell::PowerShell, false, &[]);
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

    fn shell(pairs: &[(&str, &str)]) -> ShellRegion {
        let map: std::collections::BTreeMap<&str, &str> = pairs.iter().copied().collect();
        ShellRegion::from_lookup(|n| map.get(n).map(|v| (*v).to_owned()))
    }

    /// Applies `settings` to `env` as a shell would.
    fn apply(
        env: &mut std::collections::BTreeMap<String, String>,
        step: impl Fn(&ShellRegion) -> Vec<Setting>,
    ) {
        for (name, value) in step(&found(env)) {
            match value {
                Some(v) => env.insert(name.to_owned(), v),
                None => env.remove(name),
            };
        }
    }

    fn found(env: &std::collections::BTreeMap<String, String>) -> ShellRegion {
        ShellRegion::from_lookup(|n| env.get(n).cloned())
    }

    #[test]
    fn unset_lines_clear_what_the_exports_set() {
        let found = shell(&[]);
        let extra = found.hand_over("eu-west-1", "acct/Role");
        let set: Vec<String> = export_lines(&creds(), "eu-west-1", Shell::Posix, false, &extra)
            .iter()
            .filter_map(|l| l.strip_prefix("export "))
            .map(|l| l.split('=').next().unwrap().to_owned())
            .collect();
        assert_eq!(
            set,
            [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
                "AWS_CREDENTIAL_EXPIRATION",
                "AWS_SESSION_EXPIRATION",
                SET_REGION,
                SESSION,
            ]
        );
        let unset = unset_lines(Shell::Posix, &found);
        assert_eq!(unset[0], "unset AWS_ACCESS_KEY_ID");
        assert!(unset.contains(&format!("unset {SESSION}")));
        assert!(!unset.contains(&"unset AWS_REGION".to_owned()), "not ours");
        assert_eq!(
            unset_lines(Shell::Fish, &found)[4],
            "set -e AWS_SESSION_EXPIRATION"
        );
        assert_eq!(
            unset_lines(Shell::PowerShell, &found)[2],
            "Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue"
        );
    }

    #[test]
    fn unset_gives_the_user_their_region_back_and_clears_only_rolecalls() {
        // The user's own region, overridden by a hand-over, comes back.
        let mut env: std::collections::BTreeMap<String, String> =
            [("AWS_REGION".to_owned(), "eu-west-1".to_owned())].into();
        assert_eq!(found(&env).user_region(), Some("eu-west-1"));
        apply(&mut env, |f| f.hand_over("us-east-2", "a/R"));
        assert_eq!(env["AWS_REGION"], "us-east-2");
        assert_eq!(env[SESSION], "a/R");
        assert_eq!(
            found(&env).user_region(),
            Some("eu-west-1"),
            "still the user's"
        );
        // A second hand-over in the same shell keeps the user's value aside.
        apply(&mut env, |f| f.hand_over("ap-south-1", "b/R"));
        assert_eq!(env[SESSION], "b/R");
        apply(&mut env, |f| f.take_back());
        assert_eq!(
            env,
            [("AWS_REGION".to_owned(), "eu-west-1".to_owned())].into(),
            "the user's region back, nothing of ours left"
        );
        // No region of the user's: rolecall's goes.
        let mut env = std::collections::BTreeMap::new();
        apply(&mut env, |f| f.hand_over("us-east-2", "a/R"));
        apply(&mut env, |f| f.take_back());
        assert!(env.is_empty(), "{env:?}");
        // A region the user set after the hand-over is theirs: left alone.
        apply(&mut env, |f| f.hand_over("us-east-2", "a/R"));
        env.insert("AWS_DEFAULT_REGION".into(), "sa-east-1".into());
        assert_eq!(found(&env).user_region(), Some("sa-east-1"));
        apply(&mut env, |f| f.take_back());
        assert_eq!(
            env,
            [("AWS_DEFAULT_REGION".to_owned(), "sa-east-1".to_owned())].into()
        );
    }
}
