//! What every hand-over subcommand starts with, for SSO roles and chains alike: the thing a
//! TARGET names (a chain by name, else an account × role of an identity center) and its
//! credentials, region and "who am I".

use super::chain::ChainRequest;
use super::{Workspace, WorkspaceError};
use crate::core::catalog::{Account, AccountId};
use crate::core::chain::{ChainSource, ChainSpec, RoleArn};
use crate::core::credentials::Credentials;
use crate::core::ids::Region;
use crate::core::region::{RegionContext, RegionTarget};
use crate::core::target::{Matching, Target};
use crate::engine::chain::{Assumption, MfaCodes, MfaPrompt, NoPrompt};
use crate::engine::role_credentials::FRESHNESS_MARGIN;
use crate::ports::sts::{Sts, StsError};
use crate::session_store::chain_key;

/// Credentials ready to hand over.
#[derive(Debug, Clone)]
pub struct Obtained {
    /// The role (for a chain: the role's account and name).
    pub target: Target,
    /// The chain, when the target is one.
    pub chain: Option<String>,
    /// The identity center of an SSO role (templates' `{session}`); a chain's name otherwise.
    pub session_name: String,
    pub credentials: Credentials,
    /// The region to export.
    pub region: String,
    /// Who the credentials are (GetCallerIdentity), when known.
    pub caller_arn: Option<String>,
    /// Why the session is shorter than asked.
    pub note: Option<String>,
    /// What the region rule read besides the configuration: a chain's own region and where
    /// the credentials come from (for [`Obtained::in_region`]).
    pub(crate) chain_region: Option<String>,
    pub(crate) origin_region: String,
}

impl Obtained {
    pub fn label(&self) -> String {
        match &self.chain {
            Some(chain) => format!("{chain} ({})", self.target.label()),
            None => self.target.label(),
        }
    }

    /// The TARGET naming exactly where these credentials came from, to renew them
    /// ([`crate::core::target::exact_target`]).
    pub fn exact_target(&self) -> String {
        let id = self.target.account.id.as_str();
        crate::core::target::exact_target(id, &self.target.role, self.chain.as_deref())
    }

    /// The region rule for these credentials in `context`, `chosen` (`--region`) first.
    pub fn region_in(&self, context: &RegionContext, chosen: Option<&str>) -> String {
        context.region(&RegionTarget {
            account_id: self.target.account.id.as_str(),
            account_name: &self.target.account.name,
            role: &self.target.role,
            chosen,
            chain: self.chain_region.as_deref(),
            origin: &self.origin_region,
        })
    }

    /// The same credentials handed over in the region `--region` names, when given.
    pub fn in_region(mut self, workspace: &Workspace, chosen: Option<&Region>) -> Self {
        if let Some(chosen) = chosen {
            self.region = self.region_in(&workspace.region_context(), Some(chosen.as_str()));
        }
        self
    }

    /// A role assumed with role credentials (role chaining, see
    /// [`ChainSpec::is_role_chained`]); a chain from an IAM user's keys is not.
    pub fn role_chained(&self, workspace: &Workspace) -> bool {
        self.chain
            .as_ref()
            .and_then(|name| workspace.config.chains.get(name))
            .is_some_and(ChainSpec::is_role_chained)
    }
}

impl Workspace {
    /// What the region rule reads that is the same for every target: `[[regions]]`, the
    /// user's AWS CLI profiles, the shell's region (the user's own) and `[app] region`.
    pub fn region_context(&self) -> RegionContext {
        RegionContext {
            rules: self.config.file.regions.clone(),
            profiles: self.config.profile_regions.clone(),
            shell: self.env.shell_region().user_region().map(str::to_owned),
            app: self.config.file.app.region.clone(),
        }
    }

    /// The credentials `target` names: a chain (assumed, or kept ones), else an SSO role, with
    /// the role matched as `matching` allows. `fresh` asks AWS anew even when kept credentials
    /// are still good.
    pub async fn obtain(
        &self,
        session: Option<&str>,
        target: &str,
        fresh: bool,
        matching: Matching,
    ) -> Result<Obtained, WorkspaceError> {
        self.obtain_asking(session, target, fresh, matching, self.reporter.mfa_prompt())
            .await
    }

    /// New credentials for the role `target` names exactly, asking nobody: a chain whose
    /// source needs an MFA code that was not kept fails instead of prompting
    /// (`credential-process` renewing kept credentials that still work).
    pub async fn renew(
        &self,
        session: Option<&str>,
        target: &str,
    ) -> Result<Obtained, WorkspaceError> {
        self.obtain_asking(session, target, true, Matching::Exact, &NoPrompt)
            .await
    }

    pub(super) async fn obtain_asking(
        &self,
        session: Option<&str>,
        target: &str,
        fresh: bool,
        matching: Matching,
        prompt: &dyn MfaPrompt,
    ) -> Result<Obtained, WorkspaceError> {
        if let Some(spec) = self.chain_named(target) {
            self.ensure_catalog(spec).await?;
            let assumption = self
                .assume_chain(ChainRequest {
                    spec,
                    extra: Vec::new(),
                    codes: MfaCodes::new(),
                    fresh,
                    working_session: session,
                    prompt,
                })
                .await
                .map_err(WorkspaceError::Chain)?;
            return self.chain_obtained(spec, assumption);
        }
        let session = self.session(session)?;
        let (target, credentials) = self
            .credentials_for(&session, target, matching, fresh)
            .await?;
        let mut obtained = Obtained {
            target,
            chain: None,
            session_name: session.name.clone(),
            credentials,
            region: String::new(),
            caller_arn: None,
            note: None,
            chain_region: None,
            origin_region: session.region.clone(),
        };
        obtained.region = obtained.region_in(&self.region_context(), None);
        Ok(obtained)
    }

    /// Kept credentials good for a few more minutes, without any network (credential-process's
    /// fast path): a chain's, or those of the SSO role the cached catalog has under exactly
    /// that name (never another role's).
    pub fn kept(&self, session: Option<&str>, target: &str) -> Option<Credentials> {
        if let Some(spec) = self.chain_named(target) {
            return self
                .store
                .load_fresh_chain_credentials(
                    &chain_key(&spec.name, &spec.fingerprint()),
                    self.clock.now(),
                    FRESHNESS_MARGIN,
                )
                .ok()
                .flatten();
        }
        let session = self.session(session).ok()?;
        let catalog = self.cached_catalog(&session)?;
        let target = crate::core::target::resolve(
            &catalog,
            target,
            &self.config.file.aliases,
            Matching::Exact,
        )
        .ok()?;
        self.kept_credentials(&session, &target)
    }

    /// Who `obtained` are (GetCallerIdentity), asked of the STS endpoint of their identity
    /// center (a chain's root one).
    pub async fn caller_arn(&self, obtained: &Obtained) -> Result<String, StsError> {
        let session = match &obtained.chain {
            Some(chain) => self
                .config
                .chains
                .get(chain)
                .and_then(|spec| self.root_session(&self.config.chains, spec))
                .map(|s| s.name),
            None => Some(obtained.session_name.clone()),
        };
        self.sts(session.as_deref())
            .get_caller_identity(&obtained.region, &obtained.credentials)
            .await
            .map(|identity| identity.arn)
    }

    /// A chain whose SSO source names its account by name needs the catalog to find the id:
    /// list it once when nothing is cached.
    async fn ensure_catalog(&self, spec: &ChainSpec) -> Result<(), WorkspaceError> {
        let Some(session) = self.root_session(&self.config.chains, spec) else {
            return Ok(());
        };
        let by_name = self
            .config
            .chains
            .path(&spec.name)
            .ok()
            .is_some_and(|path| {
                path.iter().any(|s| {
                matches!(&s.source, ChainSource::Sso { account, .. } if !AccountId::is_valid(account))
            })
            });
        if by_name && self.cached_catalog(&session).is_none() {
            self.catalog(&session, false).await?;
        }
        Ok(())
    }

    fn chain_obtained(
        &self,
        spec: &ChainSpec,
        assumption: Assumption,
    ) -> Result<Obtained, WorkspaceError> {
        // Checked when the chain was loaded and again when it was assumed.
        let role = RoleArn::parse(&spec.role_arn)
            .map_err(|e| WorkspaceError::Usage(format!("chain {}: {e}", spec.name)))?;
        let account_id = role.account_id().clone();
        let account_name = self
            .account_name(&account_id)
            .unwrap_or_else(|| account_id.to_string());
        if let Some(note) = &assumption.note {
            self.reporter
                .note(&format!("rolecall: {}: {note}", spec.name));
        }
        let mut obtained = Obtained {
            target: Target {
                account: Account {
                    id: account_id,
                    name: account_name,
                    email: None,
                },
                role: role.name().to_owned(),
            },
            chain: Some(spec.name.clone()),
            session_name: spec.name.clone(),
            region: String::new(),
            caller_arn: assumption.caller_arn,
            note: assumption.note,
            credentials: assumption.credentials,
            chain_region: self.config.chains.own_region(spec).map(str::to_owned),
            // Where STS assumed it (its own region, `[app] region` or its source's).
            origin_region: assumption.region,
        };
        obtained.region = obtained.region_in(&self.region_context(), None);
        Ok(obtained)
    }
}
