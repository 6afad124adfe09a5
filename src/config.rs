//! Configuration: rolecall's `config.toml` plus the identity centers the AWS CLI already knows.
//!
//! | module | holds |
//! |---|---|
//! | [`file`] | the `config.toml` schema (documented in `config.example.toml`) |
//! | [`aws_config`] | `[sso-session]` and legacy SSO profiles from `~/.aws/config` |
//! | [`chains`] | `[[chains]]` and the AWS CLI's assume-role profiles, as chains |
//! | [`ini`] | a line-numbered reader for the AWS CLI's INI files |

pub mod aws_config;
pub mod chains;
pub mod file;
pub mod ini;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::core::chain::Chains;
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
}

impl Config {
    /// Loads `paths.config_file` if it exists, then the AWS CLI's config.
    pub fn load(paths: &Paths) -> Result<Self, ConfigError> {
        let (file, source) = match read_optional(&paths.config_file)? {
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
        if file.import_aws_config {
            let (aws_sessions, aws_chains) = aws_config::load_all(&paths.aws_config)?;
            for session in aws_sessions {
                if !sessions.iter().any(|s| s.name == session.name) {
                    sessions.push(session);
                }
            }
            for spec in aws_chains {
                chains.push_unless_named(spec);
            }
        }
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
        })
    }

    /// The identity center to use: `wanted` by name, else the configured default, else the only
    /// one. The error says what to do.
    pub fn session(&self, wanted: Option<&str>) -> Result<&SsoSession, String> {
        let name = wanted.or(self.file.default_session.as_deref());
        match name {
            Some(name) => self
                .sessions
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| {
                    format!(
                        "no identity center is named {name:?}; known: {}",
                        self.names().unwrap_or_else(|| "none".into())
                    )
                }),
            None => match self.sessions.as_slice() {
                [only] => Ok(only),
                [] => Err(
                    "no identity center is configured: add an [[sso_sessions]] entry to \
                           config.toml or an [sso-session] to ~/.aws/config, or try `rolecall demo`"
                        .into(),
                ),
                _ => Err(format!(
                    "several identity centers are configured ({}); pick one with --session or set default_session",
                    self.names().unwrap_or_default()
                )),
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
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::create_dir_all(p.config_file.parent().unwrap()).unwrap();
        std::fs::write(
            &p.config_file,
            "[[sso_sessions]]\nname = \"emu\"\nstart_url = \"https://x/start\"\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:1\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(p.aws_config.parent().unwrap()).unwrap();
        std::fs::write(
            &p.aws_config,
            "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n",
        )
        .unwrap();
        let c = Config::load(&p).unwrap();
        assert_eq!(c.sessions.len(), 2);
        assert!(c.session(None).unwrap_err().contains("--session"));
        assert_eq!(c.session(Some("emu")).unwrap().name, "emu");
        assert_eq!(c.endpoint("emu"), Some("http://127.0.0.1:1"));
        assert!(c.session(Some("nope")).unwrap_err().contains("emu, acme"));
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
}
