//! What the app's chain effects need beyond the identity center: the configuration (chains,
//! identity centers, endpoints), the paths of the AWS CLI's files, and STS.

use std::path::PathBuf;

use crate::adapters::aws_sts::AwsSts;
use crate::config::Config;
use crate::core::app::msg::{ChainDone, ChainFailed, Failed};
use crate::core::chain::{ChainError, ChainSpec, Chains};
use crate::core::credentials::Credentials;
use crate::engine::chain::sources::StandardSources;
use crate::engine::chain::{ChainEnv, MfaCodes, NoPrompt};
use crate::paths::Paths;
use crate::ports::clock::Clock;
use crate::ports::sts::Sts;
use crate::secret::Secret;
use crate::session_store::SessionStore;

pub struct ChainServices {
    pub config: Config,
    pub paths: Paths,
    pub sts: AwsSts,
    /// Where the ad-hoc role ARN history is kept.
    pub history_file: Option<PathBuf>,
    /// `[app] region`: the region rule is [`crate::core::region::credentials_region`].
    pub app_region: Option<String>,
    /// The region of the credentials' origin when a chain's source names none (the identity
    /// center's).
    pub default_region: String,
    /// `{user}` in session names.
    pub user: String,
}

impl ChainServices {
    /// Assumes `spec`; `extra` are ad-hoc chains it may name as its source.
    pub async fn assume(
        &self,
        store: &SessionStore,
        clock: &dyn Clock,
        spec: &ChainSpec,
        extra: Vec<ChainSpec>,
        codes: Vec<(String, Secret<String>)>,
        fresh: bool,
    ) -> Result<ChainDone, ChainFailed> {
        let mut chains: Chains = self.config.chains.clone();
        for adhoc in extra.into_iter().chain(std::iter::once(spec.clone())) {
            chains.push_unless_named(adhoc);
        }
        let sources = StandardSources {
            config: &self.config,
            paths: &self.paths,
            store,
            clock,
        };
        let env = ChainEnv {
            sts: &self.sts,
            sources: &sources,
            chains: &chains,
            store,
            clock,
            prompt: &NoPrompt,
            user: self.user.clone(),
            app_region: self.app_region.clone(),
            default_region: self.default_region.clone(),
        };
        let mut codes: MfaCodes = codes.into_iter().collect();
        env.assume(spec, &mut codes, fresh)
            .await
            .map(|a| ChainDone {
                credentials: a.credentials,
                caller_arn: a.caller_arn,
                note: a.note,
                region: a.region,
            })
            .map_err(|e| match e {
                ChainError::NeedsMfa { serial, .. } => ChainFailed::NeedsMfa { serial },
                ChainError::WrongMfa { serial, .. } => ChainFailed::WrongMfa { serial },
                ChainError::NeedsSignIn { message } => ChainFailed::Failed(Failed {
                    message,
                    needs_sign_in: true,
                }),
                other => ChainFailed::Failed(Failed {
                    message: other.to_string(),
                    needs_sign_in: false,
                }),
            })
    }

    /// Who `credentials` are; `None` when STS cannot say.
    pub async fn whoami(&self, credentials: &Credentials) -> Option<String> {
        match self
            .sts
            .get_caller_identity(&self.default_region, credentials)
            .await
        {
            Ok(identity) => Some(identity.arn),
            Err(e) => {
                tracing::warn!(error = %e, "GetCallerIdentity failed");
                None
            }
        }
    }

    /// Writes the role ARN history (no secrets in it).
    pub fn save_history(&self, history: &[String]) {
        let Some(path) = &self.history_file else {
            return;
        };
        if let Ok(json) = serde_json::to_vec(history)
            && let Err(e) = crate::adapters::atomic_file::write_atomic(path, &json, 0o600)
        {
            tracing::warn!(error = %e, "cannot save the role history");
        }
    }

    /// The history saved by an earlier run.
    pub fn load_history(&self) -> Vec<String> {
        self.history_file
            .as_ref()
            .and_then(|p| {
                crate::adapters::read_file::read(p, crate::adapters::read_file::CONFIG_LIMIT).ok()
            })
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }
}
