//! A TARGET's credentials served on the local container-credentials endpoint (`rolecall exec`'s
//! subshell, `exec --server`, `rolecall serve`): the credentials of [`Workspace::obtain`], renewed
//! from their source before they run out.
//!
//! Renewal happens when an SDK asks and less than [`renewal_lead`] is left: an SSO role
//! silently, with the kept (or refreshed) sign-in token; a chain through its sources, with
//! `mfa_process` when it needs a code. When nobody may be asked for an MFA code (`exec`: the
//! terminal belongs to the child) or renewing fails, the credentials still good are served,
//! the reason is said once on stderr, and once they have run out the SDK gets a 503 with it.
//!
//! [`renewal_lead`]: crate::core::container_credentials::renewal_lead

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::Mutex;

use super::{Reporter, Workspace, WorkspaceError};
use crate::adapters::credentials_endpoint::{Endpoint, Served};
use crate::core::chain::ChainError;
use crate::core::container_credentials::{answer, renewal_due};
use crate::core::credentials::Credentials;
use crate::core::target::Matching;
use crate::ports::mfa_prompt::{MfaPrompt, NoPrompt};
use crate::ports::reporter::ListingProgress;
use crate::secret::Secret;

/// What the endpoint serves: the TARGET naming exactly the source of the first credentials
/// ([`Obtained::exact_target`]: an account id and role, or a chain), renewed from it with
/// [`Matching::Exact`], so a renewal never lands on another role.
///
/// [`Obtained::exact_target`]: super::Obtained::exact_target
#[derive(Debug, Clone)]
pub(crate) struct ServeRequest {
    pub session: Option<String>,
    pub target: String,
    /// Whether an MFA code may be asked on the terminal when a chain's renewal needs one
    /// (`serve`: yes; `exec`, whose child owns the terminal: no).
    pub ask_mfa: bool,
}

/// The credentials being served and since when.
struct Held {
    credentials: Credentials,
    obtained_at: SystemTime,
    /// The last renewal failure said on stderr (each is said once).
    said: Option<String>,
}

impl Workspace {
    /// Starts the endpoint for `request`, serving `first` (credentials of `label`, from
    /// [`Workspace::obtain`] or the app's held session) until they are due for renewal.
    pub(crate) async fn serve(
        &self,
        request: ServeRequest,
        first: &Credentials,
        label: &str,
    ) -> Result<Endpoint, WorkspaceError> {
        let mut workspace = self.clone();
        if !request.ask_mfa {
            workspace.reporter = Arc::new(NotAsking(self.reporter.clone()));
        }
        let held = Arc::new(Mutex::new(Held {
            credentials: first.clone(),
            obtained_at: self.clock.now(),
            said: None,
        }));
        let label = label.to_owned();
        let (workspace, request) = (Arc::new(workspace), Arc::new(request));
        Endpoint::start(move || {
            let (workspace, request, held, label) = (
                workspace.clone(),
                request.clone(),
                held.clone(),
                label.clone(),
            );
            async move { workspace.serve_one(&request, &held, &label).await }
        })
        .await
        .map_err(|e| WorkspaceError::Usage(format!("cannot start the credentials endpoint: {e}")))
    }

    /// One request: the held credentials, renewed first when due.
    async fn serve_one(&self, request: &ServeRequest, held: &Mutex<Held>, label: &str) -> Served {
        let mut held = held.lock().await;
        let now = self.clock.now();
        if renewal_due(&held.credentials, held.obtained_at, now) {
            let renewed = self
                .obtain(
                    request.session.as_deref(),
                    &request.target,
                    true,
                    Matching::Exact,
                )
                .await;
            match renewed {
                Ok(obtained) => {
                    tracing::info!(target = %label, "served credentials renewed");
                    held.credentials = obtained.credentials;
                    held.obtained_at = now;
                    held.said = None;
                }
                Err(e) => {
                    let message = format!("cannot renew the credentials of {label}: {}", why(&e));
                    if held.said.as_deref() != Some(message.as_str()) {
                        self.reporter.note(&format!("rolecall: {message}"));
                        held.said = Some(message.clone());
                    }
                    if held
                        .credentials
                        .remaining(now)
                        .is_some_and(|left| left.is_zero())
                    {
                        return Served::Failed(message);
                    }
                }
            }
        }
        match answer(&held.credentials) {
            Ok(json) => Served::Credentials(Secret::new(json)),
            Err(e) => Served::Failed(format!("{label}: {e}")),
        }
    }
}

/// A renewal failure, with what to do where that is not said already.
fn why(e: &WorkspaceError) -> String {
    match e {
        WorkspaceError::Chain(ChainError::NeedsMfa { .. }) => format!(
            "{e}, and nobody can be asked while the command runs: set the chain's mfa_process, or start again"
        ),
        other => other.to_string(),
    }
}

/// The reporter of the command, asking nobody for MFA codes and drawing no listing.
struct NotAsking(Arc<dyn Reporter>);

impl Reporter for NotAsking {
    fn note(&self, line: &str) {
        self.0.note(line);
    }

    fn listing(&self) -> Option<ListingProgress> {
        None
    }

    fn mfa_prompt(&self) -> &dyn MfaPrompt {
        &NoPrompt
    }
}
