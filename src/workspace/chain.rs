//! A chain's credentials, for the subcommands and the app alike: the same sources, the same
//! STS endpoint, the same region rule ([`credentials_region`], applied by the engine with the
//! origin region decided here).
//!
//! [`credentials_region`]: crate::core::region::credentials_region

use crate::core::chain::{ChainError, ChainSource, ChainSpec, Chains};
use crate::core::credentials::Credentials;
use crate::core::region::FALLBACK_REGION;
use crate::core::sso::SsoSession;
use crate::engine::chain::sources::StandardSources;
use crate::engine::chain::{Assumption, ChainEnv, MfaCodes, MfaPrompt};
use crate::ports::sts::Sts;

use super::Workspace;

/// What assuming a chain is asked with.
pub struct ChainRequest<'a> {
    pub spec: &'a ChainSpec,
    /// Ad-hoc chains (the app's "assume another role…") `spec` may name as its source.
    pub extra: Vec<ChainSpec>,
    /// MFA codes the person typed already.
    pub codes: MfaCodes,
    /// Skip kept credentials.
    pub fresh: bool,
    /// The identity center the caller works in (`--session`, the app's): STS is reached as it
    /// says when the chain's root is not an identity center.
    pub working_session: Option<&'a str>,
    /// Who is asked for MFA codes that were not given.
    pub prompt: &'a dyn MfaPrompt,
}

impl Workspace {
    /// The identity center at the root of a chain, if its first source is an SSO role.
    pub fn root_session(&self, chains: &Chains, spec: &ChainSpec) -> Option<SsoSession> {
        let root = chains
            .path(&spec.name)
            .ok()
            .and_then(|p| p.last().map(|s| s.source.clone()))
            .unwrap_or_else(|| spec.source.clone());
        match root {
            ChainSource::Sso { session, .. } => {
                self.config.session(session.as_deref()).ok().cloned()
            }
            _ => None,
        }
    }

    /// The chains `extra` adds to the configured ones (a configured name wins).
    fn chains_with(&self, extra: Vec<ChainSpec>, spec: &ChainSpec) -> Chains {
        let mut chains: Chains = self.config.chains.clone();
        for adhoc in extra.into_iter().chain(std::iter::once(spec.clone())) {
            chains.push_unless_named(adhoc);
        }
        chains
    }

    /// Assumes a chain: kept credentials when fresh, else its source's then AssumeRole.
    pub async fn assume_chain(&self, request: ChainRequest<'_>) -> Result<Assumption, ChainError> {
        let ChainRequest {
            spec,
            extra,
            mut codes,
            fresh,
            working_session,
            prompt,
        } = request;
        let chains = self.chains_with(extra, spec);
        let root = self.root_session(&chains, spec);
        let sts = self.sts(root.as_ref().map(|s| s.name.as_str()).or(working_session));
        let sources = StandardSources {
            config: &self.config,
            paths: &self.paths,
            store: &self.store,
            clock: self.clock.as_ref(),
            environment: &self.env,
            identity_center: |session: &SsoSession| self.identity_center(session),
        };
        let env = ChainEnv {
            sts: &sts,
            sources: &sources,
            chains: &chains,
            store: &self.store,
            clock: self.clock.as_ref(),
            prompt,
            user: self.local_user(),
            app_region: self.config.file.app.region.clone(),
            // The region rule's origin when the source names none: the root identity
            // center's, else nowhere (us-east-1).
            default_region: root.map_or_else(|| FALLBACK_REGION.to_owned(), |s| s.region),
        };
        env.assume(spec, &mut codes, fresh).await
    }

    /// Who `credentials` of the identity center `session` are; `None` when STS cannot say.
    pub async fn whoami(&self, session: &SsoSession, credentials: &Credentials) -> Option<String> {
        match self
            .sts(Some(&session.name))
            .get_caller_identity(&session.region, credentials)
            .await
        {
            Ok(identity) => Some(identity.arn),
            Err(e) => {
                tracing::warn!(error = %e, "GetCallerIdentity failed");
                None
            }
        }
    }
}
