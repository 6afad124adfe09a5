//! What every subcommand that talks to IAM Identity Center needs: paths, configuration, the
//! token store and the SDK clients of a session.

use crate::adapters::aws_identity_center::AwsIdentityCenter;
use crate::adapters::aws_sso_cache::AwsSsoCache;
use crate::adapters::store_select::{notice_is_new, open_store};
use crate::config::Config;
use crate::core::sso::SsoSession;
use crate::paths::Paths;
use crate::session_store::SessionStore;

use super::CliError;

pub struct Context {
    pub paths: Paths,
    pub config: Config,
    pub store: SessionStore,
    /// Why tokens are kept in the file store (no OS keyring works here), for `status`.
    pub store_notice: Option<String>,
    /// Whether loading already printed that notice (the first time it came up).
    pub announced_store: bool,
}

impl Context {
    /// Loads configuration and opens the token store; a fallback notice goes to stderr the
    /// first time (`status` says it every time).
    pub fn load() -> Result<Self, CliError> {
        let paths = Paths::from_env().map_err(|e| CliError::Other(e.to_string()))?;
        let config = Config::load(&paths)?;
        Ok(Self::with(paths, config))
    }

    /// A context for given paths and configuration (the demo's throwaway home).
    pub fn with(paths: Paths, config: Config) -> Self {
        let (secrets, notice) = open_store(config.file.storage.backend, &paths);
        let announced_store = notice.is_some() && notice_is_new(&paths);
        if let Some(notice) = notice.as_ref().filter(|_| announced_store) {
            note!("rolecall: {notice}");
        }
        let store = SessionStore::new(secrets, AwsSsoCache::new(paths.sso_cache_dir.clone()))
            .with_aws_cli_interop(config.file.storage.aws_cli_cache);
        Self {
            paths,
            config,
            store,
            store_notice: notice,
            announced_store,
        }
    }

    /// The session `--session` names, or the default one.
    pub fn session(&self, wanted: Option<&str>) -> Result<SsoSession, CliError> {
        self.config
            .session(wanted)
            .cloned()
            .map_err(|e| CliError::Usage(e.to_string()))
    }

    /// The sessions a command without `--session` works on: the default, else all of them.
    pub fn sessions(&self, wanted: Option<&str>) -> Result<Vec<SsoSession>, CliError> {
        if wanted.is_some() || self.config.file.default_session.is_some() {
            return Ok(vec![self.session(wanted)?]);
        }
        if self.config.sessions.is_empty() {
            return Err(CliError::Usage(
                self.config
                    .session(None)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
            ));
        }
        Ok(self.config.sessions.clone())
    }

    /// The SDK clients for a session's region and endpoint.
    pub fn identity_center(&self, session: &SsoSession) -> AwsIdentityCenter {
        AwsIdentityCenter::new(&session.region, self.config.endpoint(&session.name))
    }
}
