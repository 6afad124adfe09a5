//! A TARGET's credentials served on the local container-credentials endpoint (`rolecall exec`'s
//! subshell, `exec --server`, `rolecall serve`): the credentials of [`Workspace::obtain`], renewed
//! from their source before they run out.
//!
//! Renewal happens when an SDK asks and less than [`renewal_lead`] is left: an SSO role
//! silently, with the kept (or refreshed) sign-in token; a chain through its sources, with
//! `mfa_process` when it needs a code. `serve` asks its terminal for a code nothing else gives,
//! on a thread of its own, serving the credentials still good meanwhile. When nobody may be
//! asked (`exec`: the terminal belongs to the child; that renewal is not tried again) or
//! renewing fails, the credentials still good are served, the reason is said once on stderr,
//! and once they have run out (a second before the `Expiration` they were served with) the SDK
//! gets a 503 with it.
//!
//! [`renewal_lead`]: crate::core::container_credentials::renewal_lead

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::Mutex;

use super::{Obtained, Reporter, Workspace, WorkspaceError};
use crate::adapters::credentials_endpoint::{Endpoint, Served};
use crate::core::chain::ChainError;
use crate::core::container_credentials::{answer, renewal_due, servable};
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
    /// Someone is being asked for the MFA code a renewal needs (`serve`'s terminal).
    asking: bool,
    /// Renewing cannot succeed while the endpoint lives (an MFA code nobody may be asked for):
    /// not tried again on every request, each of which would fetch the sources anew.
    given_up: bool,
}

impl Held {
    fn renewed(&mut self, credentials: Credentials, now: SystemTime) {
        self.credentials = credentials;
        self.obtained_at = now;
        self.said = None;
    }
}

/// One endpoint's state: what it serves, for whom, renewed how.
struct Serving {
    workspace: Workspace,
    request: ServeRequest,
    label: String,
    held: Mutex<Held>,
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
        let serving = Arc::new(Serving {
            held: Mutex::new(Held {
                credentials: first.clone(),
                obtained_at: self.clock.now(),
                said: None,
                asking: false,
                given_up: false,
            }),
            workspace,
            request,
            label: label.to_owned(),
        });
        Endpoint::start(move || {
            let serving = serving.clone();
            async move { serving.serve_one().await }
        })
        .await
        .map_err(|e| WorkspaceError::Usage(format!("cannot start the credentials endpoint: {e}")))
    }
}

impl Serving {
    /// One request: the held credentials, renewed first when due. A renewal that needs an MFA
    /// code someone may type is asked for aside, the credentials still good served meanwhile.
    async fn serve_one(self: Arc<Self>) -> Served {
        let mut held = self.held.lock().await;
        let now = self.workspace.clock.now();
        if !held.asking && !held.given_up && renewal_due(&held.credentials, held.obtained_at, now) {
            match self.renew(&NoPrompt).await {
                Ok(obtained) => {
                    tracing::info!(target = %self.label, "served credentials renewed");
                    held.renewed(obtained.credentials, now);
                }
                Err(WorkspaceError::Chain(ChainError::NeedsMfa { .. })) if self.request.ask_mfa => {
                    match self.ask_aside() {
                        Ok(()) => held.asking = true,
                        Err(e) => {
                            self.failed(&mut held, &format!("cannot ask for the MFA code: {e}"))
                        }
                    }
                }
                Err(e) => self.renewal_failed(&mut held, &e),
            }
        }
        if !servable(&held.credentials, now) {
            let message = match (&held.said, held.asking) {
                (_, true) => format!(
                    "the credentials of {} have run out: type the MFA code where rolecall serve asks for it",
                    self.label
                ),
                (Some(said), false) => said.clone(),
                (None, false) => format!("the credentials of {} have run out", self.label),
            };
            return Served::Failed(message);
        }
        match answer(&held.credentials) {
            Ok(json) => Served::Credentials(Secret::new(json)),
            Err(e) => Served::Failed(format!("{}: {e}", self.label)),
        }
    }

    /// New credentials for the served target, MFA codes asked of `prompt`.
    async fn renew(&self, prompt: &dyn MfaPrompt) -> Result<Obtained, WorkspaceError> {
        let request = &self.request;
        self.workspace
            .obtain_asking(
                request.session.as_deref(),
                &request.target,
                true,
                Matching::Exact,
                prompt,
            )
            .await
    }

    /// Renews on a thread of its own, asking the terminal for the code: the prompt blocks while
    /// nobody types, which must stall neither the endpoint's runtime nor its end (a thread the
    /// runtime does not wait for).
    fn ask_aside(self: &Arc<Self>) -> std::io::Result<()> {
        let serving = self.clone();
        let runtime = tokio::runtime::Handle::current();
        std::thread::Builder::new()
            .name("serve-mfa-prompt".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let reporter = serving.workspace.reporter.clone();
                    reporter.note(&format!(
                        "rolecall: renewing the credentials of {}",
                        serving.label
                    ));
                    let renewed = serving.renew(reporter.mfa_prompt()).await;
                    let mut held = serving.held.lock().await;
                    held.asking = false;
                    match renewed {
                        Ok(obtained) => {
                            tracing::info!(target = %serving.label, "served credentials renewed");
                            let now = serving.workspace.clock.now();
                            held.renewed(obtained.credentials, now);
                        }
                        Err(e) => serving.renewal_failed(&mut held, &e),
                    }
                });
            })
            .map(drop)
    }

    /// Renewing failed with `e`; an MFA code nobody can be asked for is not tried again.
    fn renewal_failed(&self, held: &mut Held, e: &WorkspaceError) {
        held.given_up = matches!(e, WorkspaceError::Chain(ChainError::NeedsMfa { .. }));
        self.failed(held, &why(e));
    }

    /// A renewal failed because of `why`: said on stderr unless it was the last time.
    fn failed(&self, held: &mut Held, why: &str) {
        let message = format!("cannot renew the credentials of {}: {why}", self.label);
        if held.said.as_deref() != Some(message.as_str()) {
            self.workspace
                .reporter
                .note(&format!("rolecall: {message}"));
            held.said = Some(message);
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
