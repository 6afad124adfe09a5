//! The hand-over effects: an SSO role's or a chain's credentials, who they are, the browser,
//! the console, a profile. Each asks the workspace and turns its answer into the app's message.

use crate::aws_files::Overwrite;
use crate::core::app::Msg;
use crate::core::app::msg::{ChainDone, ChainFailed, Failed};
use crate::core::chain::{ChainError, ChainSpec};
use crate::core::credentials::Credentials;
use crate::engine::chain::NoPrompt;
use crate::ports::identity_center::{IdcError, IdentityCenter};
use crate::secret::Secret;
use crate::workspace::chain::ChainRequest;

use super::{Services, rethrow};

fn failed(e: &IdcError) -> Failed {
    Failed {
        message: e.to_string(),
        needs_sign_in: matches!(e, IdcError::Unauthorized),
    }
}

/// A chain's failure as the app shows it: an MFA question, or a message.
fn chain_failed(e: ChainError) -> ChainFailed {
    match e {
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
    }
}

/// Why the hand-over failed, as the app's status line says it.
#[derive(Debug, thiserror::Error)]
pub(super) enum HandoverError {
    #[error(transparent)]
    Console(#[from] crate::engine::console::ConsoleError),
    #[error("{0}; `rolecall console TARGET --print` prints the URL")]
    Browser(crate::ports::opener::OpenError),
    #[error(transparent)]
    Files(#[from] crate::aws_files::AwsFilesError),
    #[error("writing the profile was cancelled")]
    Cancelled,
}

impl<I: IdentityCenter + 'static> Services<I> {
    /// An SSO role's credentials with the current sign-in's token.
    pub(super) async fn get_credentials(
        &self,
        request: u64,
        account_id: String,
        role: String,
        fresh: bool,
    ) -> Msg {
        let token = self.lister.token();
        if token.expose().is_empty() {
            return Msg::Credentials {
                request,
                result: Err(failed(&IdcError::Unauthorized)),
            };
        }
        let result = self
            .workspace
            .role_credentials(
                self.idc.as_ref(),
                &self.session,
                &token,
                &account_id,
                &role,
                fresh,
            )
            .await;
        Msg::Credentials {
            request,
            result: result.map_err(|e| failed(&e)),
        }
    }

    /// A chain's credentials (`chains`: ad-hoc ones it may name; `codes`: typed MFA codes).
    pub(super) async fn assume_chain(
        &self,
        request: u64,
        spec: Box<ChainSpec>,
        chains: Vec<ChainSpec>,
        codes: Vec<(String, Secret<String>)>,
        fresh: bool,
    ) -> Msg {
        let result = self
            .workspace
            .assume_chain(ChainRequest {
                spec: &spec,
                extra: chains,
                codes: codes.into_iter().collect(),
                fresh,
                working_session: Some(&self.session.name),
                prompt: &NoPrompt,
            })
            .await
            .map(|a| ChainDone {
                credentials: a.credentials,
                caller_arn: a.caller_arn,
                note: a.note,
                region: a.region,
            })
            .map_err(chain_failed);
        Msg::ChainAssumed { request, result }
    }

    /// Who a held session's credentials are.
    pub(super) async fn whoami(&self, held_id: u64, credentials: Credentials) -> Msg {
        let arn = self.workspace.whoami(&self.session, &credentials).await;
        Msg::Identity { held_id, arn }
    }

    pub(super) fn open_url(&self, url: &str) -> Msg {
        Msg::HandedOver(match self.opener.open(url) {
            Ok(()) => Ok("opened the browser".into()),
            Err(e) => {
                tracing::info!(reason = %e, "browser not opened");
                Err(
                    format!("cannot open a browser here ({e}): open the URL on screen yourself")
                        .into(),
                )
            }
        })
    }

    /// Opens the AWS console signed in with `credentials` (the federation endpoint, then the
    /// browser). The URL is a credential: it goes only to the browser.
    pub(super) async fn open_console(
        &self,
        credentials: Credentials,
        chained: bool,
    ) -> Result<String, HandoverError> {
        let opened = async {
            let console = self.console_url(&credentials, chained).await?;
            self.opener
                .open_secret(&console.url)
                .map_err(HandoverError::Browser)
        };
        opened
            .await
            .map(|()| "opened the AWS console in your browser".to_owned())
    }

    /// The console sign-in URL for `credentials`, through the app's identity center's place.
    async fn console_url(
        &self,
        credentials: &Credentials,
        chained: bool,
    ) -> Result<crate::workspace::console::ConsoleUrl, crate::engine::console::ConsoleError> {
        let place = self
            .workspace
            .sign_in_place(None, &self.session.name, &self.session.region);
        self.workspace
            .console_url(credentials, chained, &place)
            .await
    }

    /// A console sign-in URL for the clipboard (the app sends it with OSC 52, never the log).
    pub(super) async fn console_url_to_copy(&self, credentials: Credentials, chained: bool) -> Msg {
        match self.console_url(&credentials, chained).await {
            Ok(console) => Msg::Copy {
                what: "a console sign-in URL (good for 15 minutes)".into(),
                text: console.url,
            },
            Err(e) => Msg::HandedOver(Err(HandoverError::from(e).to_string().into())),
        }
    }

    /// Writes the profile (credentials, then region) on a blocking task: the file lock may wait.
    pub(super) async fn write_profile(
        &self,
        profile: String,
        credentials: Credentials,
        region: String,
    ) -> Result<String, HandoverError> {
        let workspace = self.workspace.clone();
        let task = tokio::task::spawn_blocking(move || {
            let written = workspace
                .write_profile(&profile, &credentials, Some(&region), Overwrite::OursOnly)
                .map_err(HandoverError::from)?;
            let mut text = format!(
                "wrote profile {profile} to {}",
                written.credentials.path.display()
            );
            for notice in written.notices() {
                text = format!("{text}; {notice}");
            }
            Ok(text)
        });
        rethrow(task.await).unwrap_or(Err(HandoverError::Cancelled))
    }
}
