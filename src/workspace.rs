//! The one home of "TARGET → credentials → hand-over", for the subcommands and the app alike:
//! resolve a target, obtain, keep and refresh the credentials of an SSO role or a chain, the
//! region rule, write a profile, the console URL. `cli/` parses and prints around it;
//! `runtime/` runs the app's loop and calls it for the effects; neither decides anything about
//! credentials.
//!
//! | module | holds |
//! |---|---|
//! | [`target`] | what a TARGET names: a chain, or a role of a (cached or listed) catalog |
//! | [`sso`] | an SSO role's credentials: kept ones, else GetRoleCredentials with the token |
//! | [`chain`] | a chain's credentials (the region rule included), for both callers |
//! | [`console`] | the console sign-in URL |
//! | [`profile`] | writing a profile to the AWS CLI's files |
//! | [`kept`] | the credentials an earlier run kept, which the app shows held at its start |
//! | [`obtain`] | a TARGET's credentials for a subcommand (`Obtained`) |
//! | [`setup`] | the first run: an `[sso-session]` written into `~/.aws/config` |
//! | [`serve`] | a TARGET's credentials on the local container-credentials endpoint, renewed before expiry |
//! | [`sign_in`] | how every caller asks to sign in to an identity center |
//!
//! A new hand-over is added here (a module, or a function of [`Workspace`]) and called by its
//! subcommand and by the app's effect runner.

use std::sync::Arc;

use crate::adapters::aws_identity_center::AwsIdentityCenter;
use crate::adapters::aws_sts::AwsSts;
use crate::adapters::endpoints::Endpoints;
use crate::config::Config;
use crate::core::sso::SsoSession;
use crate::environment::Environment;
use crate::paths::Paths;
use crate::ports::clock::Clock;
use crate::session_store::SessionStore;

pub(crate) mod chain;
pub(crate) mod console;
pub(crate) mod error;
pub(crate) mod kept;
pub(crate) mod obtain;
pub(crate) mod profile;
pub(crate) mod serve;
pub(crate) mod setup;
pub(crate) mod sign_in;
pub(crate) mod sso;
pub(crate) mod target;

pub use crate::ports::reporter::Reporter;
pub use error::WorkspaceError;
pub use obtain::Obtained;

/// What every use case works with: where files are, the configuration, the kept sign-ins and
/// credentials, the environment read at start, the clock, and who is told what happens.
#[derive(Clone)]
pub struct Workspace {
    pub paths: Paths,
    pub config: Config,
    pub store: Arc<SessionStore>,
    pub env: Arc<Environment>,
    pub clock: Arc<dyn Clock>,
    pub reporter: Arc<dyn Reporter>,
}

impl Workspace {
    /// The identity center `wanted` names, or the default one.
    pub fn session(&self, wanted: Option<&str>) -> Result<SsoSession, WorkspaceError> {
        self.config
            .session(wanted)
            .cloned()
            .map_err(WorkspaceError::Session)
    }

    /// The sessions a command without `--session` works on: the default, else all of them.
    pub fn sessions(&self, wanted: Option<&str>) -> Result<Vec<SsoSession>, WorkspaceError> {
        if wanted.is_some() || self.config.file.default_session.is_some() {
            return Ok(vec![self.session(wanted)?]);
        }
        if self.config.sessions.is_empty() {
            return Err(WorkspaceError::Usage(
                self.config
                    .session(None)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
            ));
        }
        Ok(self.config.sessions.clone())
    }

    /// Where the services of the identity center named `session` are reached: its
    /// `endpoint_url`, else the environment's `AWS_ENDPOINT_URL*`, else AWS.
    pub fn endpoints(&self, session: Option<&str>) -> Endpoints {
        let explicit = session.and_then(|name| self.config.endpoint(name));
        Endpoints::resolve(explicit, &self.env)
    }

    /// The SDK clients of an identity center.
    pub fn identity_center(&self, session: &SsoSession) -> AwsIdentityCenter {
        AwsIdentityCenter::at(&session.region, &self.endpoints(Some(&session.name)))
            .with_clock(self.clock.clone())
    }

    /// STS as reached for the identity center named `session` (none: the environment's, or
    /// AWS's).
    pub fn sts(&self, session: Option<&str>) -> AwsSts {
        AwsSts::at(&self.endpoints(session))
    }

    /// The local user name, for `{user}` in session names: `$USER`, `$LOGNAME` or `$USERNAME`,
    /// else the login name the system gives for our uid (`id -un`, which asks NSS as `whoami`
    /// does, so LDAP and sssd users are found too), else `user`.
    pub fn local_user(&self) -> String {
        self.env
            .user()
            .or_else(crate::adapters::login_name::login_name)
            .unwrap_or_else(|| "user".to_owned())
    }
}
