//! The AWS console signed in with credentials, through the federation endpoint (see
//! [`crate::engine::console`]). The URL is a credential: it goes back to the caller only.

use crate::core::chain::RoleArn;
use crate::core::console_destination::{Destination, DestinationError};
use crate::core::credentials::Credentials;
use crate::core::partition::{ConsoleHosts, Partition};
use crate::engine::console::{self, ConsoleError, ConsoleSession};
use crate::secret::Secret;

use super::Workspace;

/// Where credentials sign in to the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInPlace {
    pub partition: Partition,
    /// The identity center's `endpoint_url` (the emulator), when set.
    pub endpoint: Option<String>,
    /// The region the console opens in.
    pub region: String,
}

/// Why a console sign-in URL for a destination was not made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConsoleTo {
    #[error(transparent)]
    Console(#[from] ConsoleError),
    #[error(transparent)]
    Destination(#[from] DestinationError),
}

/// A console sign-in URL and how long its session lasts.
pub struct ConsoleUrl {
    pub url: Secret<String>,
    pub session: ConsoleSession,
}

impl Workspace {
    /// Where credentials from `chain` (else from the identity center `session_name`) sign in:
    /// the partition of the credentials (a chain's role ARN says it; an SSO role's is its
    /// identity center's region's) and that identity center's `endpoint_url`.
    pub fn sign_in_place(
        &self,
        chain: Option<&str>,
        session_name: &str,
        region: &str,
    ) -> SignInPlace {
        let spec = chain.and_then(|chain| self.config.chains.get(chain));
        let session = match spec {
            Some(spec) => self.root_session(&self.config.chains, spec),
            None => self.config.session(Some(session_name)).ok().cloned(),
        };
        let partition = spec
            .and_then(|spec| RoleArn::parse(&spec.role_arn).ok())
            .and_then(|arn| Partition::from_id(arn.partition()))
            .or_else(|| session.as_ref().map(|s| Partition::of_region(&s.region)))
            .unwrap_or_else(|| Partition::of_region(region));
        let endpoint = session
            .as_ref()
            .and_then(|s| self.config.endpoint(&s.name))
            .map(str::to_owned);
        SignInPlace {
            partition,
            endpoint,
            region: region.to_owned(),
        }
    }

    /// The console sign-in URL for `credentials` (role-chained ones get a session that
    /// follows the credentials).
    pub async fn console_url(
        &self,
        credentials: &Credentials,
        role_chained: bool,
        place: &SignInPlace,
    ) -> Result<ConsoleUrl, ConsoleError> {
        let hosts = self.console_hosts(place)?;
        self.signin(credentials, role_chained, &hosts.federation, &hosts.console)
            .await
    }

    /// [`Workspace::console_url`] opening `destination`, checked to be on the partition's
    /// console before anything is asked of the federation endpoint.
    pub(crate) async fn console_url_to(
        &self,
        credentials: &Credentials,
        role_chained: bool,
        place: &SignInPlace,
        destination: &Destination,
    ) -> Result<ConsoleUrl, ConsoleTo> {
        let hosts = self.console_hosts(place)?;
        let page = destination.resolve(&hosts.console, &place.region)?;
        Ok(self
            .signin(credentials, role_chained, &hosts.federation, &page)
            .await?)
    }

    fn console_hosts(&self, place: &SignInPlace) -> Result<ConsoleHosts, ConsoleError> {
        console::hosts(
            self.env.federation_url(),
            place.endpoint.as_deref(),
            place.partition,
            &place.region,
        )
    }

    async fn signin(
        &self,
        credentials: &Credentials,
        role_chained: bool,
        federation: &str,
        page: &str,
    ) -> Result<ConsoleUrl, ConsoleError> {
        let session = console::console_session(None, credentials, self.clock.now(), role_chained);
        let url = console::signin_url(credentials, session, federation, page).await?;
        Ok(ConsoleUrl { url, session })
    }
}
