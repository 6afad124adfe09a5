//! rolecall's own `config.toml`. Every key is optional; unknown keys are an error with the
//! file and line, so a typo never silently does nothing. `config.example.toml` documents them.

use serde::Deserialize;

use std::collections::BTreeMap;

use crate::adapters::store_select::Backend;
use crate::core::app::state::{CustomAction, DefaultAction};
use crate::core::app::{Command, Key};
use crate::core::sso::{ACCOUNT_ACCESS_SCOPE, SsoSession};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The identity center `rolecall login` and the app use when several are configured.
    pub default_session: Option<String>,
    /// Also read the identity centers in `~/.aws/config` (on by default).
    #[serde(default = "yes")]
    pub import_aws_config: bool,
    #[serde(default)]
    pub sso_sessions: Vec<SessionEntry>,
    #[serde(default)]
    pub sign_in: SignInSection,
    #[serde(default)]
    pub storage: StorageSection,
    #[serde(default)]
    pub catalog: CatalogSection,
    #[serde(default)]
    pub app: AppSection,
    #[serde(default)]
    pub sessions: SessionsSection,
    #[serde(default)]
    pub aws_files: AwsFilesSection,
    /// Key bindings: `"ctrl-g" = "refresh-catalog"`; each replaces what its key did. Key
    /// names are parsed here: one that does not parse is an error at its line.
    #[serde(default)]
    pub keys: BTreeMap<Key, Command>,
    /// Short names for roles on the command line: `prod = "payments-prod/AdministratorAccess"`.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Commands offered in the app's hand-over menu, run with the chosen credentials.
    #[serde(default)]
    pub actions: Vec<CustomAction>,
    /// Roles assumed with STS from a source (an SSO role, a profile, another chain).
    #[serde(default)]
    pub chains: Vec<super::chains::ChainEntry>,
    /// Environments marked by a pattern over account names and ids (badge, colour, confirm).
    #[serde(default)]
    pub environments: Vec<crate::core::marks::Mark>,
    /// The region of the roles of matching accounts (see [`crate::core::region`]).
    #[serde(default)]
    pub regions: Vec<crate::core::region::RegionRule>,
}

/// `[app]`: the full-screen app.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppSection {
    /// Warn when a held session has less than this many minutes left.
    pub warn_minutes: u64,
    /// Show it as critical below this many minutes.
    pub critical_minutes: u64,
    /// What Enter does once credentials arrive: "menu" or "print-exports".
    pub default_action: DefaultAction,
    /// Region for the exported credentials; the identity center's region when absent.
    pub region: Option<String>,
    /// Come back to the app when a subshell or custom action started from it ends (else exit).
    pub return_after_run: bool,
    /// Quitting while sessions are held asks first (press the quit key again).
    pub confirm_quit: bool,
    /// The shell `exec` and the app's subshell start; `$SHELL` when absent.
    pub shell: Option<String>,
    /// The app's subshell gets its credentials from the local endpoint, renewed before they
    /// expire (false: fixed keys, as `exec --static`).
    pub serve_subshell: bool,
}

impl Default for AppSection {
    fn default() -> Self {
        Self {
            warn_minutes: 15,
            critical_minutes: 5,
            default_action: DefaultAction::Menu,
            region: None,
            return_after_run: true,
            confirm_quit: true,
            shell: None,
            serve_subshell: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// `[sessions]`: the sessions the app holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionsSection {
    /// Renew the sessions in use (obtained or selected in this run) before they expire.
    pub auto_renew: bool,
    /// How long before expiry: `600`, `"10m"`, `"1h"` (parsed here, once).
    #[serde(deserialize_with = "lead_time")]
    pub renew_before: std::time::Duration,
}

impl Default for SessionsSection {
    fn default() -> Self {
        Self {
            auto_renew: true,
            renew_before: std::time::Duration::from_secs(10 * 60),
        }
    }
}

/// A lead time as config writes it (`600`, `"10m"`), at most 12 hours (the longest session).
fn lead_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
    let seconds = super::chains::DurationValue::deserialize(d)?
        .seconds()
        .map_err(serde::de::Error::custom)?;
    if seconds > crate::core::chain::duration::MAX_SECONDS {
        return Err(serde::de::Error::custom(format!(
            "renew_before {seconds}s is longer than any session (12h)"
        )));
    }
    Ok(std::time::Duration::from_secs(u64::from(seconds)))
}

/// `[aws_files]`: how rolecall treats the AWS CLI's files it writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AwsFilesSection {
    /// Make `~/.aws/config` 0600 when writing it finds it open to group or others (it is only
    /// reported otherwise). `~/.aws/credentials` is always made 0600: it holds secrets.
    pub tighten_permissions: bool,
}

/// `[[sso_sessions]]`: an identity center to sign in to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionEntry {
    pub name: String,
    pub start_url: String,
    pub region: String,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Where SSO OIDC and the SSO portal are reached (the emulator); AWS when absent.
    pub endpoint_url: Option<String>,
}

fn default_scopes() -> Vec<String> {
    vec![ACCOUNT_ACCESS_SCOPE.to_owned()]
}

impl SessionEntry {
    pub fn to_session(&self) -> SsoSession {
        SsoSession {
            name: self.name.clone(),
            start_url: self.start_url.clone(),
            region: self.region.clone(),
            scopes: self.scopes.clone(),
            legacy: false,
        }
    }
}

/// How sign-in asks for approval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignInMethod {
    /// PKCE when a browser can be opened here, else the device code.
    #[default]
    Auto,
    Pkce,
    DeviceCode,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignInSection {
    pub method: SignInMethod,
    /// Open the browser when signing in (never over SSH or without a display).
    pub open_browser: bool,
    /// Let `credential-process` start a sign-in when the session has expired.
    pub from_credential_process: bool,
}

impl Default for SignInSection {
    fn default() -> Self {
        Self {
            method: SignInMethod::Auto,
            open_browser: true,
            from_credential_process: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageSection {
    /// Where tokens are kept: the OS keyring, a 0600 file, or `auto` (keyring, else file).
    pub backend: Backend,
    /// Share the AWS CLI's token cache (`~/.aws/sso/cache`).
    pub aws_cli_cache: bool,
}

impl Default for StorageSection {
    fn default() -> Self {
        Self {
            backend: Backend::Auto,
            aws_cli_cache: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogSection {
    /// Refresh the cached catalog in the background when older than this many minutes.
    pub refresh_after_minutes: u64,
    /// Requests per second to start listing at (raised while AWS allows, halved on 429).
    pub initial_rate: f64,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// How long one account's roles are retried before it is shown as unavailable.
    pub account_deadline_seconds: u64,
}

impl Default for CatalogSection {
    fn default() -> Self {
        Self {
            refresh_after_minutes: 60,
            initial_rate: 10.0,
            concurrency: 16,
            account_deadline_seconds: 60,
        }
    }
}

impl ConfigFile {
    /// Parses config text; errors are `(line, cause)`.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let config: ConfigFile =
            toml::from_str(text).map_err(|e| crate::toml_error::locate(text, &e))?;
        config.validate(text)?;
        Ok(config)
    }

    fn validate(&self, text: &str) -> Result<(), (usize, String)> {
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1)
        };
        for (i, s) in self.sso_sessions.iter().enumerate() {
            if self.sso_sessions[..i].iter().any(|o| o.name == s.name) {
                return Err((
                    line_of(&format!("\"{}\"", s.name)),
                    format!("two [[sso_sessions]] are named {:?}", s.name),
                ));
            }
            if !s.start_url.starts_with("https://") && !s.start_url.starts_with("http://") {
                return Err((
                    line_of(&s.start_url),
                    format!("start_url {:?} is not a URL", s.start_url),
                ));
            }
        }
        if let Some(region) = &self.app.region {
            crate::core::ids::Region::parse(region).map_err(|e| {
                (
                    line_of(&format!("\"{region}\"")),
                    format!("app.region: {e}"),
                )
            })?;
        }
        if self.app.critical_minutes > self.app.warn_minutes {
            return Err((
                line_of("critical_minutes"),
                "app.critical_minutes must not exceed app.warn_minutes".into(),
            ));
        }
        let c = &self.catalog;
        if !(c.initial_rate > 0.0 && c.initial_rate.is_finite()) {
            return Err((
                line_of("initial_rate"),
                "catalog.initial_rate must be positive".into(),
            ));
        }
        if c.concurrency == 0 {
            return Err((
                line_of("concurrency"),
                "catalog.concurrency must be at least 1".into(),
            ));
        }
        let mut chains = crate::core::chain::Chains::default();
        for entry in &self.chains {
            let spec = entry
                .to_spec()
                .map_err(|e| (line_of(&format!("\"{}\"", entry.name)), e.to_string()))?;
            if !chains.push_unless_named(spec) {
                return Err((
                    line_of(&format!("\"{}\"", entry.name)),
                    format!("two [[chains]] are named {:?}", entry.name),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_all_defaults() {
        let c = ConfigFile::parse("").unwrap();
        assert!(c.import_aws_config);
        assert_eq!(c.sign_in.method, SignInMethod::Auto);
        assert_eq!(c.storage.backend, Backend::Auto);
        assert!(c.storage.aws_cli_cache);
        assert!(!c.aws_files.tighten_permissions);
    }

    #[test]
    fn aws_files_tighten_permissions_is_read() {
        let c = ConfigFile::parse("[aws_files]\ntighten_permissions = true\n").unwrap();
        assert!(c.aws_files.tighten_permissions);
        let (line, cause) = ConfigFile::parse("[aws_files]\ntighten = true\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(cause.contains("tighten"), "{cause}");
    }

    #[test]
    fn sessions_renewal_is_read_with_its_lead_time() {
        let c = ConfigFile::parse("").unwrap();
        assert!(c.sessions.auto_renew);
        assert_eq!(c.sessions.renew_before.as_secs(), 600);
        let c =
            ConfigFile::parse("[sessions]\nauto_renew = false\nrenew_before = \"15m\"\n").unwrap();
        assert!(!c.sessions.auto_renew);
        assert_eq!(c.sessions.renew_before.as_secs(), 900);
        let (line, cause) =
            ConfigFile::parse("[sessions]\n\nrenew_before = \"soon\"\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(cause.contains("\"soon\" is not a duration"), "{cause}");
        let (_, cause) = ConfigFile::parse("[sessions]\nrenew_before = \"13h\"\n").unwrap_err();
        assert!(cause.contains("longer than any session"), "{cause}");
    }

    #[test]
    fn unknown_keys_name_their_line() {
        let (line, cause) =
            ConfigFile::parse("[sign_in]\nmethod = \"pkce\"\nopen_browsr = false\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(cause.contains("open_browsr"), "{cause}");
    }

    #[test]
    fn keys_unknown_commands_and_keys_name_their_line() {
        let (line, cause) = ConfigFile::parse(
            "[keys]\n\"ctrl-g\" = \"refresh-catalog\"\n\"ctrl-x\" = \"launch-rockets\"\n",
        )
        .unwrap_err();
        assert_eq!(line, 3, "{cause}");
        assert!(cause.contains("launch-rockets"), "{cause}");
        let (line, cause) = ConfigFile::parse("[keys]\n\n\"hyper-x\" = \"quit\"\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(cause.contains("unknown key"), "{cause}");
        let ok = ConfigFile::parse("[keys]\n\"ctrl-g\" = \"refresh-catalog\"\n").unwrap();
        assert_eq!(ok.keys.len(), 1);
    }

    #[test]
    fn action_keys_are_parsed_at_load_and_a_bad_one_names_its_line() {
        let action = |key: &str| {
            format!("[[actions]]\nname = \"ECR\"\nkey = \"{key}\"\ncommand = \"true\"\n")
        };
        let ok = ConfigFile::parse(&action("ctrl-e")).unwrap();
        assert_eq!(ok.actions[0].key, Some(Key::Ctrl('e')));
        let (line, cause) = ConfigFile::parse(&action("hyper-e")).unwrap_err();
        assert_eq!(line, 3, "{cause}");
        assert!(cause.contains("unknown key \"hyper-e\""), "{cause}");
    }

    #[test]
    fn environments_are_parsed_at_load_and_a_bad_one_names_its_line() {
        let env = |name: &str, colour: &str| {
            format!(
                "[[environments]]\nname = \"{name}\"\npattern = \"*-prod*\"\ncolour = \"{colour}\"\nconfirm = true\n"
            )
        };
        let ok = ConfigFile::parse(&env("prod", "red")).unwrap();
        let mark = &ok.environments[0];
        assert_eq!(mark.name.as_str(), "prod");
        assert!(mark.confirm && mark.pattern.matches("payments-prod"));
        assert_eq!(mark.colour, crate::core::marks::MarkColour::Red);
        let american = "[[environments]]\nname = \"dev\"\npattern = \"*dev*\"\ncolor = \"green\"\n";
        assert!(!ConfigFile::parse(american).unwrap().environments[0].confirm);
        let (line, cause) = ConfigFile::parse(&env("prod", "mauve")).unwrap_err();
        assert_eq!(line, 4, "{cause}");
        assert!(cause.contains("mauve"), "{cause}");
        let (line, cause) = ConfigFile::parse(&env("p r o d", "red")).unwrap_err();
        assert_eq!(line, 2, "{cause}");
        assert!(cause.contains("visible ASCII"), "{cause}");
    }

    #[test]
    fn bad_values_name_their_line() {
        let (line, _) = ConfigFile::parse("[sign_in]\nmethod = \"carrier-pigeon\"\n").unwrap_err();
        assert_eq!(line, 2);
        let text = "[[sso_sessions]]\nname = \"a\"\nstart_url = \"acme\"\nregion = \"us-east-1\"\n";
        let (line, cause) = ConfigFile::parse(text).unwrap_err();
        assert_eq!(
            (line, cause.as_str()),
            (3, "start_url \"acme\" is not a URL")
        );
    }

    #[test]
    fn region_rules_are_read_and_bad_regions_name_their_line() {
        let text = "[[regions]]\naccount = \"prod-*\"\nrole = \"Admin\"\nregion = \"eu-west-1\"\n";
        let c = ConfigFile::parse(text).unwrap();
        assert_eq!(c.regions[0].account, "prod-*");
        assert_eq!(c.regions[0].role.as_deref(), Some("Admin"));
        assert_eq!(c.regions[0].region.as_str(), "eu-west-1");
        let (line, cause) =
            ConfigFile::parse("[[regions]]\naccount = \"x\"\nregion = \"EU west\"\n").unwrap_err();
        assert_eq!(line, 3, "{cause}");
        assert!(cause.contains("not a region name"), "{cause}");
        let (line, _) =
            ConfigFile::parse("[[regions]]\naccount = \"x\"\nzone = \"a\"\n").unwrap_err();
        assert_eq!(line, 3);
        let (line, cause) =
            ConfigFile::parse("[app]\nwarn_minutes = 20\nregion = \"eu west\"\n").unwrap_err();
        assert_eq!(
            (line, cause.as_str()),
            (
                3,
                "app.region: \"eu west\" is not a region name (such as eu-west-1)"
            )
        );
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    #[test]
    fn the_shipped_example_is_valid_and_documents_every_key() {
        let text = include_str!("../../config.example.toml");
        let config = ConfigFile::parse(text).unwrap();
        assert_eq!(config.sso_sessions.len(), 1);
        assert_eq!(
            config.chain_specs().len(),
            2,
            "both example chains are valid"
        );
        assert_eq!(
            config.regions.len(),
            2,
            "both [[regions]] examples are read"
        );
        for command in Command::ALL {
            assert!(
                text.contains(&format!(" {},", command.name()))
                    || text.contains(&format!(" {};", command.name()))
                    || text.contains(&format!(" {}.", command.name())),
                "the command {} is not documented",
                command.name()
            );
        }
        for key in [
            "default_session",
            "import_aws_config",
            "name",
            "start_url",
            "region",
            "scopes",
            "endpoint_url",
            "method",
            "open_browser",
            "from_credential_process",
            "backend",
            "aws_cli_cache",
            "refresh_after_minutes",
            "initial_rate",
            "concurrency",
            "account_deadline_seconds",
            "warn_minutes",
            "critical_minutes",
            "default_action",
            "region",
            "prod",
            "return_after_run",
            "confirm_quit",
            "serve_subshell",
            "pause",
            "shell",
            "command",
            "source",
            "source_profile",
            "role_arn",
            "external_id",
            "mfa_serial",
            "mfa_process",
            "duration",
            "session_name",
            "tags",
            "transitive_tag_keys",
            "source_identity",
            "policy_arns",
            "policy",
            "tighten_permissions",
            "auto_renew",
            "renew_before",
            "pattern",
            "colour",
            "confirm",
            "account",
            "role",
        ] {
            assert!(
                text.contains(&format!("{key} =")),
                "{key} is not documented"
            );
        }
    }
}
