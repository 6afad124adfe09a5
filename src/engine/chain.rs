//! Assuming a chain: the source's credentials (an SSO role, a profile's keys with or without
//! GetSessionToken + MFA, the environment, another chain), then AssumeRole with everything the
//! chain asks for, then GetCallerIdentity to say who the credentials are.
//!
//! Kept credentials are reused while fresh. When STS says the source's credentials expired
//! (`ExpiredToken`), the source is fetched anew once and the call retried, so a held chain
//! whose source lapsed refreshes without the user seeing STS's error.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use crate::core::chain::advice::{Attempt, advise};
use crate::core::chain::duration::{CHAINED_CAP_SECONDS, capped_note};
use crate::core::chain::session_name::{self, SessionFields};
use crate::core::chain::{ChainError, ChainSource, ChainSpec, Chains, RoleArn, plan_duration};
use crate::core::credentials::Credentials;
use crate::core::region::credentials_region;
use crate::engine::role_credentials::FRESHNESS_MARGIN;
use crate::ports::clock::Clock;
use crate::ports::sts::{AssumeRoleRequest, MfaCode, Sts, StsError};
use crate::secret::Secret;
use crate::session_store::{SessionStore, chain_key, session_token_key};

pub(crate) mod sources;

pub(crate) use sources::SourceResolver;

/// MFA codes the user already typed, by device serial. Each is used once.
pub(crate) type MfaCodes = BTreeMap<String, Secret<String>>;

pub(crate) use crate::ports::mfa_prompt::{MfaPrompt, NoCode, NoPrompt};

/// Everything assuming a chain needs.
pub(crate) struct ChainEnv<'a, S, R> {
    pub sts: &'a S,
    pub sources: &'a R,
    pub chains: &'a Chains,
    pub store: &'a SessionStore,
    pub clock: &'a dyn Clock,
    pub prompt: &'a dyn MfaPrompt,
    /// The local user name, for `{user}` in session names.
    pub user: String,
    /// `[app] region` (see [`credentials_region`]).
    pub app_region: Option<String>,
    /// The region of the credentials' origin when the source names none (the identity
    /// center's).
    pub default_region: String,
}

/// A chain's credentials and what is known about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    pub credentials: Credentials,
    /// Who the credentials are (GetCallerIdentity), when STS answered.
    pub caller_arn: Option<String>,
    /// Why the session is shorter than asked (role chaining's 1 h).
    pub note: Option<String>,
    /// The region STS was called in (and the one to export).
    pub region: String,
}

/// Source credentials and what they mean for the next hop.
struct Source {
    credentials: Credentials,
    region: Option<String>,
    /// The source is a role session (AssumeRole is then role chaining); `None`: unknown.
    role_session: Option<bool>,
    /// The credentials were kept, not fetched now: an `ExpiredToken` may be stale.
    kept: bool,
}

type BoxFuture<'f, T> = Pin<Box<dyn Future<Output = T> + Send + 'f>>;

impl<S: Sts, R: SourceResolver> ChainEnv<'_, S, R> {
    /// The chain's credentials: kept ones when `fresh` is false and they are good for a few more
    /// minutes, else assumed now. `codes` holds MFA codes the user typed.
    pub(crate) async fn assume(
        &self,
        spec: &ChainSpec,
        codes: &mut MfaCodes,
        fresh: bool,
    ) -> Result<Assumption, ChainError> {
        self.assume_boxed(spec, codes, fresh).await
    }

    fn assume_boxed<'s>(
        &'s self,
        spec: &'s ChainSpec,
        codes: &'s mut MfaCodes,
        fresh: bool,
    ) -> BoxFuture<'s, Result<Assumption, ChainError>>
    where
        S: Sts,
        R: SourceResolver,
    {
        Box::pin(async move {
            let invalid = |message: String| ChainError::Invalid {
                chain: spec.name.clone(),
                message,
            };
            spec.validate().map_err(|e| invalid(e.to_string()))?;
            let key = chain_key(&spec.name, &spec.fingerprint());
            if !fresh && let Some(kept) = self.kept(&key) {
                let region = self.region_for(spec, self.origin_region(spec).as_deref());
                let caller_arn = self.whoami(&region, &kept).await;
                return Ok(Assumption {
                    credentials: kept,
                    caller_arn,
                    note: spec
                        .duration
                        .filter(|d| {
                            *d > CHAINED_CAP_SECONDS && spec.source.is_role_session() == Some(true)
                        })
                        .map(capped_note),
                    region,
                });
            }
            let mut source = self.source(spec, codes, false).await?;
            let region = self.region_for(spec, source.region.as_deref());
            let plan = plan_duration(spec.duration, source.role_session == Some(true))
                .map_err(|e| invalid(e.to_string()))?;
            let mut request = self.request(spec, codes, plan.send).await?;
            let mut note = plan.note();
            let mut retried_source = false;
            let assumed = loop {
                match self
                    .sts
                    .assume_role(&region, &source.credentials, &request)
                    .await
                {
                    Ok(assumed) => break assumed,
                    Err(StsError::ExpiredToken) if source.kept && !retried_source => {
                        tracing::info!(chain = %spec.name, "source credentials expired; fetching them anew");
                        retried_source = true;
                        source = self.source(spec, codes, true).await?;
                    }
                    Err(e)
                        if e.is_chaining_limit()
                            && request.duration_seconds > Some(CHAINED_CAP_SECONDS) =>
                    {
                        note = request.duration_seconds.map(capped_note);
                        request.duration_seconds = Some(CHAINED_CAP_SECONDS);
                    }
                    Err(e) => {
                        return Err(self
                            .advise(spec, &region, &source, request.mfa.as_ref(), e)
                            .await);
                    }
                }
            };
            if let Err(e) = self
                .store
                .save_chain_credentials(&key, &assumed.credentials)
            {
                tracing::warn!(error = %e, "cannot keep the chain's credentials");
            }
            let caller_arn = self
                .whoami(&region, &assumed.credentials)
                .await
                .or(Some(assumed.assumed_role_arn));
            tracing::info!(chain = %spec.name, "assumed");
            Ok(Assumption {
                credentials: assumed.credentials,
                caller_arn,
                note,
                region,
            })
        })
    }

    fn kept(&self, key: &str) -> Option<Credentials> {
        self.store
            .load_fresh_chain_credentials(key, self.clock.now(), FRESHNESS_MARGIN)
            .map_err(|e| tracing::warn!(error = %e, "cannot read kept chain credentials"))
            .ok()
            .flatten()
    }

    /// GetCallerIdentity; a failure only costs the "who am I".
    pub(crate) async fn whoami(&self, region: &str, credentials: &Credentials) -> Option<String> {
        match self.sts.get_caller_identity(region, credentials).await {
            Ok(identity) => Some(identity.arn),
            Err(e) => {
                tracing::warn!(error = %e, "GetCallerIdentity failed");
                None
            }
        }
    }

    /// The region rule ([`credentials_region`]) for `spec`, whose source's credentials come from
    /// `origin`.
    fn region_for(&self, spec: &ChainSpec, origin: Option<&str>) -> String {
        credentials_region(
            self.own_region(spec),
            self.app_region.as_deref(),
            origin.or(Some(self.default_region.as_str())),
        )
    }

    /// The chain's `region`, else the nearest source chain's.
    fn own_region<'s>(&'s self, spec: &'s ChainSpec) -> Option<&'s str> {
        self.chains.own_region(spec)
    }

    /// Where the credentials at the root of `spec` come from, when that names a region without
    /// asking anyone (a source profile's `region`); the default region otherwise.
    fn origin_region(&self, spec: &ChainSpec) -> Option<String> {
        let mut at = spec;
        for _ in 0..=self.chains.iter().count() {
            match &at.source {
                ChainSource::Chain(parent) => at = self.chains.get(parent)?,
                ChainSource::Profile(profile) => {
                    return self.sources.profile(&spec.name, profile).ok()?.region;
                }
                _ => return None,
            }
        }
        None
    }

    /// The source's credentials; `fresh` skips kept ones.
    async fn source(
        &self,
        spec: &ChainSpec,
        codes: &mut MfaCodes,
        fresh: bool,
    ) -> Result<Source, ChainError> {
        match &spec.source {
            ChainSource::Sso {
                session,
                account,
                role,
            } => {
                let (credentials, region, kept) = self
                    .sources
                    .sso(session.as_deref(), account, role, fresh)
                    .await?;
                Ok(Source {
                    credentials,
                    region: Some(region),
                    role_session: Some(true),
                    kept,
                })
            }
            ChainSource::Chain(name) => {
                let parent = self.chains.get(name).ok_or_else(|| ChainError::Invalid {
                    chain: spec.name.clone(),
                    message: format!("its source chain {name:?} is not defined"),
                })?;
                let assumed = self.assume_boxed(parent, codes, fresh).await?;
                Ok(Source {
                    credentials: assumed.credentials,
                    region: Some(assumed.region),
                    role_session: Some(true),
                    kept: !fresh,
                })
            }
            ChainSource::Environment => Ok(Source {
                credentials: self.sources.environment(&spec.name)?,
                region: None,
                role_session: None,
                kept: false,
            }),
            ChainSource::Profile(profile) => self.profile_source(spec, profile, codes, fresh).await,
        }
    }

    /// A profile's long-term keys, or with `mfa_serial` the GetSessionToken credentials made
    /// from them (kept like a chain's).
    async fn profile_source(
        &self,
        spec: &ChainSpec,
        profile: &str,
        codes: &mut MfaCodes,
        fresh: bool,
    ) -> Result<Source, ChainError> {
        let keys = self.sources.profile(&spec.name, profile)?;
        let Some(serial) = keys.mfa_serial.clone() else {
            return Ok(Source {
                credentials: keys.credentials,
                region: keys.region,
                role_session: Some(false),
                kept: false,
            });
        };
        let key = session_token_key(profile);
        if !fresh && let Some(kept) = self.kept(&key) {
            return Ok(Source {
                credentials: kept,
                region: keys.region,
                role_session: Some(false),
                kept: true,
            });
        }
        let code = self.mfa_code(&spec.name, &serial, None, codes).await?;
        let region = self.region_for(spec, keys.region.as_deref());
        let credentials = self
            .sts
            .get_session_token(&region, &keys.credentials, None, Some(&code))
            .await
            .map_err(|e| {
                let attempt = Attempt {
                    chain: &spec.name,
                    role_arn: &spec.role_arn,
                    region: &region,
                    caller: None,
                    source_label: &spec.source.label(),
                    mfa_serial: Some(&serial),
                    sends_tags: false,
                    sends_source_identity: false,
                };
                advise(&attempt, e)
            })?;
        if let Err(e) = self.store.save_chain_credentials(&key, &credentials) {
            tracing::warn!(error = %e, "cannot keep the session token");
        }
        Ok(Source {
            credentials,
            region: keys.region,
            role_session: Some(false),
            kept: false,
        })
    }

    /// The code for `serial`: typed already, else from `mfa_process`, else asked, else the
    /// caller must ask (`NeedsMfa`).
    async fn mfa_code(
        &self,
        chain: &str,
        serial: &str,
        process: Option<&str>,
        codes: &mut MfaCodes,
    ) -> Result<MfaCode, ChainError> {
        let code = match codes.remove(serial) {
            Some(code) => code,
            None => match process {
                Some(command) => sources::run_mfa_process(chain, command).await?,
                None => self.prompt.ask(chain, serial).map_err(|why| {
                    let (chain, serial) = (chain.to_owned(), serial.to_owned());
                    match why {
                        NoCode::Nobody => ChainError::NeedsMfa { chain, serial },
                        NoCode::NotACode => ChainError::NotACode { chain, serial },
                    }
                })?,
            },
        };
        Ok(MfaCode {
            serial: serial.to_owned(),
            code,
        })
    }

    /// The AssumeRole request for `spec`.
    async fn request(
        &self,
        spec: &ChainSpec,
        codes: &mut MfaCodes,
        duration_seconds: Option<u32>,
    ) -> Result<AssumeRoleRequest, ChainError> {
        let role = RoleArn::parse(&spec.role_arn).map_err(|e| ChainError::Invalid {
            chain: spec.name.clone(),
            message: e.to_string(),
        })?;
        let template = spec
            .session_name
            .as_deref()
            .unwrap_or(session_name::DEFAULT_TEMPLATE);
        let session_name = session_name::render(
            template,
            &SessionFields {
                user: &self.user,
                chain: &spec.name,
                account_id: role.account_id(),
                role_name: role.name(),
            },
        )
        .map_err(|e| ChainError::Invalid {
            chain: spec.name.clone(),
            message: e.to_string(),
        })?;
        let mfa = match &spec.mfa_serial {
            Some(serial) => Some(
                self.mfa_code(&spec.name, serial, spec.mfa_process.as_deref(), codes)
                    .await?,
            ),
            None => None,
        };
        Ok(AssumeRoleRequest {
            role_arn: spec.role_arn.clone(),
            session_name,
            duration_seconds,
            external_id: spec.external_id.clone(),
            mfa,
            tags: spec
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            transitive_tag_keys: spec.transitive_tag_keys.clone(),
            source_identity: spec.source_identity.clone(),
            policy_arns: spec.policy_arns.clone(),
            policy: spec.policy.clone(),
        })
    }

    /// Advice for a refused AssumeRole; for a denial, who the source is (GetCallerIdentity).
    async fn advise(
        &self,
        spec: &ChainSpec,
        region: &str,
        source: &Source,
        mfa: Option<&MfaCode>,
        error: StsError,
    ) -> ChainError {
        let caller = match &error {
            StsError::AccessDenied(_) => self.whoami(region, &source.credentials).await,
            _ => None,
        };
        let label = spec.source.label();
        advise(
            &Attempt {
                chain: &spec.name,
                role_arn: &spec.role_arn,
                region,
                caller: caller.as_deref(),
                source_label: &label,
                mfa_serial: mfa
                    .map(|m| m.serial.as_str())
                    .or(spec.mfa_serial.as_deref()),
                sends_tags: !spec.tags.is_empty(),
                sends_source_identity: spec.source_identity.is_some(),
            },
            error,
        )
    }
}

#[cfg(test)]
mod tests;
