//! Configuration: rolecall's `config.toml` plus the identity centers the AWS CLI already knows.
//!
//! | module | holds |
//! |---|---|
//! | [`file`] | the `config.toml` schema (documented in `config.example.toml`) |
//! | [`aws_config`] | `[sso-session]` and legacy SSO profiles from `~/.aws/config` |
//! | [`chains`] | `[[chains]]` and the AWS CLI's assume-role profiles, as chains |
//! | [`ini`] | a line-numbered reader for the AWS CLI's INI files |
//! | [`profile_map`] | which profile or sso-session a section is, as botocore names them |
//! | [`profile_regions`] | the `region` of the user's SSO profiles, for the region rule |

pub mod aws_config;
pub(crate) mod chains;
pub mod file;
pub mod ini;
pub mod profile_map;
pub mod profile_regions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::core::chain::{ChainSource, Chains};
use crate::core::sso::SsoSession;
use crate::paths::Paths;
pub use file::ConfigFile;

/// Why configuration could not be loaded. Each is one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
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
    #[error(transparent)]
    AwsConfig(#[from] aws_config::AwsConfigError),
    #[error("{path}: no such file (ROLECALL_CONFIG names it)")]
    Missing { path: String },
}

/// Why no identity center could be picked; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionChoiceError {
    #[error("no identity center is named {name:?}; known: {known}")]
    Unknown { name: String, known: String },
    #[error(
        "no identity center is configured: run `rolecall setup --start-url URL` (it writes an [sso-session] to ~/.aws/config), or try `rolecall demo`"
    )]
    NoneConfigured,
    #[error(
        "several identity centers are configured ({names}); pick one with --session or set default_session"
    )]
    Several { names: String },
}

/// The configuration in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub file: ConfigFile,
    /// Where it came from; `None` when there is no config file (zero-config start).
    pub source: Option<PathBuf>,
    /// Every identity center, rolecall's own first, then the AWS CLI's.
    pub sessions: Vec<SsoSession>,
    /// Endpoint overrides per session name (the emulator).
    pub endpoints: BTreeMap<String, String>,
    /// Role chains: config.toml's `[[chains]]`, then the AWS CLI's assume-role profiles.
    pub chains: Chains,
    /// Other names of an identity center (an AWS CLI name for the same start URL) → its name.
    pub aliases: BTreeMap<String, String>,
    /// What was skipped in the AWS CLI's files, one line each (`file:line: why`).
    pub notices: Vec<String>,
    /// The `region` of the user's SSO profiles in `~/.aws/config` (the region rule).
    pub profile_regions: Vec<profile_regions::ProfileRegion>,
}

impl Config {
    /// Loads `paths.config_file` if it exists, then the AWS CLI's config. A config file named
    /// by `ROLECALL_CONFIG` must exist.
    pub fn load(paths: &Paths) -> Result<Self, ConfigError> {
        let named = paths.config_file_named;
        let text = match read_optional(&paths.config_file)? {
            None if named => {
                return Err(ConfigError::Missing {
                    path: paths.config_file.display().to_string(),
                });
            }
            text => text,
        };
        let (file, source) = match text {
            Some(text) => {
                let shown = paths.config_file.display().to_string();
                let file =
                    ConfigFile::parse(&text).map_err(|(line, cause)| ConfigError::Malformed {
                        path: shown,
                        line,
                        cause,
                    })?;
                (file, Some(paths.config_file.clone()))
            }
            None => (ConfigFile::default_enabled(), None),
        };
        let mut sessions: Vec<SsoSession> =
            file.sso_sessions.iter().map(|s| s.to_session()).collect();
        let endpoints = file
            .sso_sessions
            .iter()
            .filter_map(|s| Some((s.name.clone(), s.endpoint_url.clone()?)))
            .collect();
        let mut chains = file.chain_specs();
        let mut aliases = BTreeMap::new();
        let mut notices = Vec::new();
        let mut profile_regions = Vec::new();
        if file.import_aws_config {
            let aws = aws_config::load_all(&paths.aws_config, &paths.aws_credentials)?;
            profile_regions = aws.profile_regions;
            aliases = aws.aliases;
            for session in aws.sessions {
                let key = aws_config::start_url_key(&session.start_url);
                let same_url = sessions
                    .iter()
                    .find(|s| aws_config::start_url_key(&s.start_url) == key);
                if let Some(same) = same_url {
                    aliases.insert(session.name, same.name.clone());
                } else if !sessions.iter().any(|s| s.name == session.name) {
                    sessions.push(session);
                }
            }
            // An alias of an alias names the identity center kept.
            let resolved: Vec<(String, String)> = aliases
                .iter()
                .map(|(from, to)| (from.clone(), aliases.get(to).unwrap_or(to).clone()))
                .collect();
            // A name that is an identity center's own is never another's alias.
            aliases = resolved
                .into_iter()
                .filter(|(from, _)| !sessions.iter().any(|s| s.name == *from))
                .collect();
            for spec in aws.chains {
                chains.push_unless_named(spec);
            }
            notices = aws.notices;
            for notice in &notices {
                tracing::info!(%notice, "skipped in the AWS CLI's files");
            }
        }
        let chains = Chains::new(
            chains
                .iter()
                .cloned()
                .map(|mut spec| {
                    if let ChainSource::Sso {
                        session: Some(name),
                        ..
                    } = &mut spec.source
                        && let Some(kept) = aliases.get(name.as_str())
                    {
                        *name = kept.clone();
                    }
                    spec
                })
                .collect(),
        );
        if let Err((name, cause)) = chains.validate() {
            let (path, line) = match (&source, file.chains.iter().any(|c| c.name == name)) {
                (Some(path), true) => {
                    let text = crate::adapters::read_file::read_text(
                        path,
                        crate::adapters::read_file::CONFIG_LIMIT,
                    )
                    .unwrap_or_default();
                    let needle = format!("\"{name}\"");
                    let line = text
                        .lines()
                        .position(|l| l.contains(&needle))
                        .map_or(1, |i| i + 1);
                    (path.display().to_string(), line)
                }
                _ => (paths.aws_config.display().to_string(), 1),
            };
            return Err(ConfigError::Malformed {
                path,
                line,
                cause: format!("chain {name:?}: {cause}"),
            });
        }
        Ok(Self {
            file,
            source,
            sessions,
            endpoints,
            chains,
            aliases,
            notices,
            profile_regions,
        })
    }

    /// The identity center to use: `wanted` by name, else the configured default, else the only
    /// one. The error says what to do.
    pub fn session(&self, wanted: Option<&str>) -> Result<&SsoSession, SessionChoiceError> {
        let name = wanted
            .or(self.file.default_session.as_deref())
            .map(|n| self.aliases.get(n).map_or(n, String::as_str));
        match name {
            Some(name) => self
                .sessions
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| SessionChoiceError::Unknown {
                    name: name.to_owned(),
                    known: self.names().unwrap_or_else(|| "none".into()),
                }),
            None => match self.sessions.as_slice() {
                [only] => Ok(only),
                [] => Err(SessionChoiceError::NoneConfigured),
                _ => Err(SessionChoiceError::Several {
                    names: self.names().unwrap_or_default(),
                }),
            },
        }
    }

    fn names(&self) -> Option<String> {
        (!self.sessions.is_empty()).then(|| {
            self.sessions
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    /// The endpoint override for a session, if any.
    pub fn endpoint(&self, session: &str) -> Option<&str> {
        self.endpoints.get(session).map(String::as_str)
    }
}

impl ConfigFile {
    /// The `[[chains]]` (checked when the file was parsed; a bad one is left out).
    pub fn chain_specs(&self) -> Chains {
        let mut chains = Chains::default();
        for entry in &self.chains {
            if let Ok(spec) = entry.to_spec() {
                chains.push_unless_named(spec);
            }
        }
        chains
    }

    /// The configuration when there is no file: every default.
    pub fn default_enabled() -> Self {
        // An empty document is valid and yields the serde defaults.
        Self::parse("").unwrap_or_default()
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match crate::adapters::read_file::read_text(path, crate::adapters::read_file::CONFIG_LIMIT) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConfigError::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &Path) -> Paths {
        let home = dir.to_path_buf();
        Paths::from_lookup(move |k| (k == "HOME").then(|| home.clone().into_os_string())).unwrap()
    }

    #[test]
    fn a_config_file_named_by_the_environment_must_exist_a_default_one_need_not() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_path_buf();
        let named = dir.path().join("missing.toml");
        let p = Paths::from_lookup(|k| match k {
            "HOME" => Some(home.clone().into_os_string()),
            "ROLECALL_CONFIG" => Some(named.clone().into_os_string()),
            _ => None,
        })
        .unwrap();
        assert!(matches!(Config::load(&p), Err(ConfigError::Missing { .. })));
        assert!(Config::load(&paths(dir.path())).is_ok());
    }

    /// Loads the configuration of a HOME with this config.toml and ~/.aws/config.
    fn load_with(config_toml: &str, aws_config: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        for (path, text) in [(&p.config_file, config_toml), (&p.aws_config, aws_config)] {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Config::load(&p).unwrap()
    }

    #[test]
    fn zero_config_reads_the_aws_cli_config() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::create_dir_all(p.aws_config.parent().unwrap()).unwrap();
        std::fs::write(
            &p.aws_config,
            "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n",
        )
        .unwrap();
        let c = Config::load(&p).unwrap();
        assert_eq!(c.source, None);
        assert_eq!(c.session(None).unwrap().name, "acme");
    }

    #[test]
    fn own_sessions_come_first_and_several_need_a_choice() {
        let c = load_with(
            "[[sso_sessions]]\nname = \"emu\"\nstart_url = \"https://x/start\"\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:1\"\n",
            "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n",
        );
        assert_eq!(c.sessions.len(), 2);
        assert!(
            c.session(None)
                .unwrap_err()
                .to_string()
                .contains("--session")
        );
        assert_eq!(c.session(Some("emu")).unwrap().name, "emu");
        assert_eq!(c.endpoint("emu"), Some("http://127.0.0.1:1"));
        assert!(
            c.session(Some("nope"))
                .unwrap_err()
                .to_string()
                .contains("emu, acme")
        );
    }

    #[test]
    fn a_session_that_cannot_be_picked_says_what_to_do_word_for_word() {
        let two = load_with(
            "[[sso_sessions]]\nname = \"emu\"\nstart_url = \"https://x/start\"\nregion = \"us-east-1\"\n",
            "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n",
        );
        assert_eq!(
            two.session(None).unwrap_err().to_string(),
            "several identity centers are configured (emu, acme); pick one with --session or set default_session"
        );
        assert_eq!(
            two.session(Some("nope")).unwrap_err().to_string(),
            "no identity center is named \"nope\"; known: emu, acme"
        );
        let none = load_with("", "");
        assert_eq!(
            none.session(None).unwrap_err().to_string(),
            "no identity center is configured: run `rolecall setup --start-url URL` (it writes an [sso-session] to ~/.aws/config), or try `rolecall demo`"
        );
        assert_eq!(
            none.session(Some("x")).unwrap_err().to_string(),
            "no identity center is named \"x\"; known: none"
        );
    }

    #[test]
    fn an_aws_identity_center_with_our_start_url_is_ours() {
        let c = load_with(
            "[[sso_sessions]]\nname = \"corp\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"us-east-1\"\n",
            "[sso-session acme]\nsso_start_url = https://ACME.awsapps.com/start/\nsso_region = us-east-1\n[profile old]\nsso_start_url = https://acme.awsapps.com/start#/\nsso_region = us-east-1\nsso_account_id = 111111111111\nsso_role_name = R\n[profile x]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = old\n",
        );
        assert_eq!(c.sessions.len(), 1);
        assert_eq!(c.session(None).unwrap().name, "corp");
        assert_eq!(c.session(Some("acme")).unwrap().name, "corp");
        assert_eq!(c.session(Some("old")).unwrap().name, "corp");
        assert!(matches!(
            &c.chains.get("x").unwrap().source,
            ChainSource::Sso { session: Some(s), .. } if s == "corp"
        ));
    }

    #[test]
    fn a_malformed_file_is_one_line_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::create_dir_all(p.config_file.parent().unwrap()).unwrap();
        std::fs::write(&p.config_file, "default_session = \"a\"\n[sign_in\n").unwrap();
        let err = Config::load(&p).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}:2: ", p.config_file.display())),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1);
    }

    #[test]
    fn a_key_that_does_not_parse_is_an_error_at_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::create_dir_all(p.config_file.parent().unwrap()).unwrap();
        for (text, line) in [
            (
                "[keys]\n\"ctrl-g\" = \"refresh-catalog\"\n\"hyper-x\" = \"quit\"\n",
                3,
            ),
            (
                "[[actions]]\nname = \"a\"\ncommand = \"true\"\nkey = \"ctrl-\"\n",
                4,
            ),
        ] {
            std::fs::write(&p.config_file, text).unwrap();
            let err = Config::load(&p).unwrap_err().to_string();
            let at = format!("{}:{line}: ", p.config_file.display());
            assert!(err.starts_with(&at), "{err}");
            assert!(err.contains("unknown key"), "{err}");
        }
    }
}
