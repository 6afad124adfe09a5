//! The ports behind the app's effects, and running one effect on a task that reports back.
//! What an effect means for credentials is the workspace's business
//! ([`crate::workspace::Workspace`]); here each domain's effects are only carried out and
//! answered:
//!
//! | module | effects |
//! |---|---|
//! | [`signin`] | the sign-in machine's effects, keeping a new sign-in |
//! | [`listing`] | listing the catalog, prioritizing an account, retrying its roles |
//! | [`handover`] | credentials (SSO role, chain), who am I, the browser, the console, a profile |
//! | [`persist`] | favorites and recents, the role ARN history |

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::catalog::{CatalogCache, Lister};
use crate::core::app::{Effect, Msg};
use crate::core::sso::SsoSession;
use crate::engine::signin::SignInRequest;
use crate::ports::identity_center::IdentityCenter;
use crate::ports::opener::Opener;
use crate::workspace::Workspace;

mod handover;
mod listing;
mod persist;
mod signin;

pub(crate) use persist::load_json;

/// Everything effects need. Cheap to clone (all shared).
pub struct Services<I> {
    /// The use cases (credentials, chains, console, profiles) and what they work with.
    pub workspace: Arc<Workspace>,
    pub idc: Arc<I>,
    pub opener: Arc<dyn Opener>,
    /// The identity center the app runs on.
    pub session: SsoSession,
    pub request: Arc<SignInRequest>,
    pub cache: Arc<CatalogCache>,
    /// Lists the catalog; it also holds the current sign-in's access token, the runtime's one
    /// copy of it (set when a sign-in is kept).
    pub lister: Arc<Lister<I>>,
    pub frecency_file: Option<PathBuf>,
    /// Where the ad-hoc role ARN history is kept.
    pub history_file: Option<PathBuf>,
    /// Where the regions picked with `r` are kept.
    pub regions_file: Option<PathBuf>,
}

impl<I> Clone for Services<I> {
    fn clone(&self) -> Self {
        Self {
            workspace: self.workspace.clone(),
            idc: self.idc.clone(),
            opener: self.opener.clone(),
            session: self.session.clone(),
            request: self.request.clone(),
            cache: self.cache.clone(),
            lister: self.lister.clone(),
            frecency_file: self.frecency_file.clone(),
            history_file: self.history_file.clone(),
            regions_file: self.regions_file.clone(),
        }
    }
}

impl<I: IdentityCenter + 'static> Services<I> {
    /// Runs `effect` on a task; its answer comes back on `tx`. `Exit` and `Copy` are the
    /// loop's business (nothing to do here). A panic on the task is told on `panics` (the loop ends the app: never
    /// a headless process whose work silently stopped).
    pub fn spawn(
        &self,
        effect: Effect,
        tx: UnboundedSender<Msg>,
        panics: &UnboundedSender<String>,
    ) {
        // A new sign-in is in force before anything after it runs (the listing that follows
        // in the same batch, a chain that reads the token from the store): done here, in order.
        if let Effect::SignIn(crate::core::signin::Effect::Save(signed_in)) = effect {
            self.save_sign_in(signed_in);
            return;
        }
        let this = self.clone();
        let name = effect_name(&effect);
        let task = tokio::spawn(async move {
            if let Some(msg) = this.run(effect, &tx).await {
                let _ = tx.send(msg);
            }
        });
        let panics = panics.clone();
        tokio::spawn(async move {
            if let Err(e) = task.await
                && e.is_panic()
            {
                let _ = panics.send(format!("the {name} task panicked"));
            }
        });
    }

    /// One effect, by domain.
    async fn run(&self, effect: Effect, tx: &UnboundedSender<Msg>) -> Option<Msg> {
        tracing::trace!(effect = effect_name(&effect), "running an effect");
        match effect {
            Effect::SignIn(effect) => self.sign_in(effect).await,
            Effect::RenewSignIn => Some(self.stored_sign_in().await),
            Effect::ListCatalog => Some(self.list_catalog(tx).await),
            Effect::Prioritize { account_ids } => {
                self.lister.priority().prioritize_all(&account_ids);
                None
            }
            Effect::RetryRoles { account_id } => Some(self.retry_roles(account_id).await),
            Effect::GetCredentials {
                request,
                account_id,
                role,
                fresh,
            } => Some(self.get_credentials(request, account_id, role, fresh).await),
            Effect::AssumeChain {
                request,
                spec,
                chains,
                codes,
                fresh,
            } => Some(self.assume_chain(request, spec, chains, codes, fresh).await),
            Effect::WhoAmI {
                held_id,
                credentials,
            } => Some(self.whoami(held_id, credentials).await),
            Effect::OpenUrl(url) => Some(self.open_url(&url)),
            Effect::WriteProfile {
                profile,
                credentials,
                region,
            } => Some(Msg::HandedOver(
                self.write_profile(profile, credentials, region)
                    .await
                    .map_err(|e| e.to_string().into()),
            )),
            Effect::OpenConsole {
                credentials,
                chained,
                copy: true,
                region,
            } => Some(
                self.console_url_to_copy(credentials, chained, &region)
                    .await,
            ),
            Effect::OpenConsole {
                credentials,
                chained,
                copy: false,
                region,
            } => Some(Msg::HandedOver(
                self.open_console(credentials, chained, &region)
                    .await
                    .map_err(|e| e.to_string().into()),
            )),
            Effect::SaveRoleHistory(history) => {
                self.save_role_history(history).await;
                None
            }
            Effect::SaveRegions(regions) => {
                self.save_regions(regions).await;
                None
            }
            Effect::SaveFrecency(frecency) => {
                self.save_frecency(frecency).await;
                None
            }
            Effect::WriteSsoSession(session) => Some(Msg::SsoSessionWritten(
                self.write_sso_session(*session).await,
            )),
            Effect::Copy(_) | Effect::Exit => None,
        }
    }
}

/// What a task this one awaited returned (`None`: it was cancelled). A panic there goes on
/// here, so that it reaches the loop (see `Services::spawn`) instead of being swallowed.
fn rethrow<T>(joined: Result<T, tokio::task::JoinError>) -> Option<T> {
    match joined {
        Ok(value) => Some(value),
        Err(e) => match e.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            Err(_) => None,
        },
    }
}

/// An effect's name for the log (effects carry credentials: never log them whole).
fn effect_name(effect: &Effect) -> &'static str {
    match effect {
        Effect::SignIn(_) => "sign-in",
        Effect::RenewSignIn => "renew-sign-in",
        Effect::ListCatalog => "list-catalog",
        Effect::Prioritize { .. } => "prioritize",
        Effect::RetryRoles { .. } => "retry-roles",
        Effect::GetCredentials { .. } => "get-credentials",
        Effect::AssumeChain { .. } => "assume-chain",
        Effect::WhoAmI { .. } => "who-am-i",
        Effect::SaveRoleHistory(_) => "save-role-history",
        Effect::OpenUrl(_) => "open-url",
        Effect::Copy(_) => "copy",
        Effect::SaveFrecency(_) => "save-frecency",
        Effect::SaveRegions(_) => "save-regions",
        Effect::WriteProfile { .. } => "write-profile",
        Effect::OpenConsole { .. } => "open-console",
        Effect::WriteSsoSession(_) => "write-sso-session",
        Effect::Exit => "exit",
    }
}
