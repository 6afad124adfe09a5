//! The ambient environment, read once: the process's variables rolecall looks at (the shell,
//! the user, the terminal, endpoint and federation overrides, the subshell marker, a browser,
//! source credentials, `NO_COLOR`), taken at the composition root and passed down, so nothing
//! below reads `std::env` and every rule is a plain test with a map (as [`Paths::from_lookup`]).
//!
//! [`Paths::from_lookup`]: crate::paths::Paths::from_lookup

use std::collections::BTreeMap;
use std::ffi::OsString;

use crate::core::credentials::Credentials;
use crate::core::exports::Shell;
use crate::secret::Secret;

/// Set by the `rolecall init` wrappers to the shell they run in; wins over `$SHELL` (which
/// names the login shell, not necessarily the one typing the command).
pub const SHELL_OVERRIDE: &str = "ROLECALL_SHELL";

/// Overrides the federation endpoint (the emulator's `…/federation`).
pub const FEDERATION_URL_ENV: &str = "ROLECALL_FEDERATION_URL";

/// Set in a subshell rolecall starts to `account/role`; its presence means "inside a rolecall
/// session".
pub const MARKER: &str = "ROLECALL_SESSION";

/// Every variable rolecall reads (nothing else is kept).
const NAMES: &[&str] = &[
    SHELL_OVERRIDE,
    "SHELL",
    "USER",
    "LOGNAME",
    "USERNAME",
    "TERM",
    "TMUX",
    "STY",
    "NO_COLOR",
    FEDERATION_URL_ENV,
    MARKER,
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "BROWSER",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "SSH_CONNECTION",
    "SSH_TTY",
];

/// The variables rolecall reads, taken once. Its `Debug` names the variables, never their
/// values (source credentials are among them).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Environment {
    vars: BTreeMap<String, OsString>,
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.vars.keys()).finish()
    }
}

impl Environment {
    /// The process's variables (the composition root and `main` call this, nothing else).
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// From any lookup (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Self {
        let vars = NAMES
            .iter()
            .filter_map(|name| lookup(name).map(|v| ((*name).to_owned(), v)))
            .collect();
        Self { vars }
    }

    /// From `(name, value)` pairs (tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let map: BTreeMap<&str, &str> = pairs.into_iter().collect();
        Self::from_lookup(|name| map.get(name).map(OsString::from))
    }

    /// A variable as text (`None` when unset or not UTF-8).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).and_then(|v| v.to_str())
    }

    /// A variable set to something non-empty.
    fn set(&self, name: &str) -> Option<&str> {
        self.var(name).filter(|v| !v.is_empty())
    }

    /// The shell whose syntax exports are printed in when none is named: `$ROLECALL_SHELL`,
    /// else `$SHELL`, else POSIX.
    pub fn export_shell(&self) -> Shell {
        self.set(SHELL_OVERRIDE)
            .or_else(|| self.set("SHELL"))
            .map(Shell::from_path)
            .unwrap_or_default()
    }

    /// The shell to start when no command is given: `$SHELL`, else `/bin/sh`.
    pub fn login_shell(&self) -> OsString {
        self.vars
            .get("SHELL")
            .filter(|s| !s.is_empty())
            .cloned()
            .unwrap_or_else(|| OsString::from("/bin/sh"))
    }

    /// The user name the environment gives: `$USER`, `$LOGNAME` or `$USERNAME` (blank ones
    /// skipped).
    pub fn user(&self) -> Option<String> {
        ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|k| self.var(k).filter(|v| !v.trim().is_empty()))
            .map(str::to_owned)
    }

    /// `NO_COLOR` set and non-empty (<https://no-color.org>): the one rule, for the app and
    /// the subcommands alike.
    pub fn no_color(&self) -> bool {
        self.vars.get("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    /// `$TERM`.
    pub fn term(&self) -> Option<&str> {
        self.var("TERM")
    }

    /// Inside GNU screen (`$STY` present).
    pub fn in_screen(&self) -> bool {
        self.vars.contains_key("STY")
    }

    /// Inside tmux (`$TMUX` present).
    pub fn in_tmux(&self) -> bool {
        self.vars.contains_key("TMUX")
    }

    /// The federation endpoint override.
    pub fn federation_url(&self) -> Option<&str> {
        self.var(FEDERATION_URL_ENV)
    }

    /// The session this process runs inside (the subshell marker), if any.
    pub fn rolecall_session(&self) -> Option<&str> {
        self.set(MARKER)
    }

    /// A browser can be opened: never over SSH; else `$BROWSER`, macOS and Windows, or a
    /// display.
    pub fn browser_available(&self) -> bool {
        browser_available(|name| self.var(name).map(str::to_owned))
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (a chain's
    /// `credential_source = Environment`).
    pub fn credentials(&self) -> Option<Credentials> {
        let key = self.set("AWS_ACCESS_KEY_ID")?;
        let secret = self.set("AWS_SECRET_ACCESS_KEY")?;
        Some(Credentials {
            access_key_id: key.to_owned(),
            secret_access_key: Secret::new(secret.to_owned()),
            session_token: self
                .set("AWS_SESSION_TOKEN")
                .map(|t| Secret::new(t.to_owned())),
            expires_at: None,
        })
    }
}

/// Whether this environment can show a browser: not over SSH, and on Linux/BSD only with a
/// display or an explicit `$BROWSER`.
pub fn browser_available(env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("SSH_CONNECTION") || set("SSH_TTY") {
        return false;
    }
    if set("BROWSER") {
        return true;
    }
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_the_named_variables_are_kept_and_debug_shows_no_value() {
        let env =
            Environment::from_pairs([("AWS_SECRET_ACCESS_KEY", "very-secret"), ("PATH", "/bin")]);
        assert_eq!(env.var("PATH"), None);
        let shown = format!("{env:?}");
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY") && !shown.contains("very-secret"));
    }

    #[test]
    fn the_user_comes_from_user_logname_or_username() {
        let env = Environment::from_pairs([("USER", " "), ("LOGNAME", "lee")]);
        assert_eq!(env.user().as_deref(), Some("lee"));
        assert_eq!(Environment::default().user(), None);
    }

    #[test]
    fn no_color_is_set_and_non_empty() {
        assert!(Environment::from_pairs([("NO_COLOR", "1")]).no_color());
        assert!(!Environment::from_pairs([("NO_COLOR", "")]).no_color());
        assert!(!Environment::default().no_color());
    }

    #[test]
    fn the_export_shell_is_the_wrappers_then_shell() {
        let env = Environment::from_pairs([("SHELL", "/bin/bash"), (SHELL_OVERRIDE, "fish")]);
        assert_eq!(env.export_shell(), Shell::Fish);
        assert_eq!(Environment::default().export_shell(), Shell::Posix);
        assert_eq!(
            Environment::default().login_shell(),
            OsString::from("/bin/sh")
        );
    }

    #[test]
    fn environment_credentials_need_both_keys() {
        let env = Environment::from_pairs([("AWS_ACCESS_KEY_ID", "AKIA")]);
        assert!(env.credentials().is_none());
        let env = Environment::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKIA"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_SESSION_TOKEN", ""),
        ]);
        assert!(env.credentials().unwrap().session_token.is_none());
    }
}
