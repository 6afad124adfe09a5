//! The ports behind the app's effects, and running one effect on a task that reports back.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tokio::sync::mpsc::UnboundedSender;

use crate::catalog::{CatalogCache, CatalogError, Lister};
use crate::core::app::{Effect, Msg, msg::Failed};
use crate::core::frecency::Frecency;
use crate::core::sso::{SignedIn, SsoSession};
use crate::engine::role_credentials::role_credentials;
use crate::engine::signin::{SignInRequest, execute};
use crate::ports::clock::Clock;
use crate::ports::identity_center::{IdcError, IdentityCenter};
use crate::ports::opener::Opener;
use crate::secret::Secret;
use crate::session_store::SessionStore;

/// Everything effects need. Cheap to clone (all shared).
pub struct Services<I> {
    pub idc: Arc<I>,
    pub store: Arc<SessionStore>,
    pub opener: Arc<dyn Opener>,
    pub clock: Arc<dyn Clock>,
    pub session: SsoSession,
    pub request: Arc<SignInRequest>,
    pub cache: Arc<CatalogCache>,
    pub lister: Arc<Lister<I>>,
    pub frecency_file: Option<PathBuf>,
    /// `~/.aws/credentials` and `~/.aws/config`, for writing profiles.
    pub aws_credentials: PathBuf,
    pub aws_config: PathBuf,
    /// The mode `~/.aws/config` is written with (`[aws_files] tighten_permissions`).
    pub aws_config_mode: crate::aws_files::FileMode,
    /// The current sign-in (set by `Save`).
    pub current: Arc<RwLock<Option<SignedIn>>>,
    /// Chains and "who am I" (absent: chains are not offered).
    pub chains: Option<Arc<super::chain_services::ChainServices>>,
}

impl<I> Clone for Services<I> {
    fn clone(&self) -> Self {
        Self {
            idc: self.idc.clone(),
            store: self.store.clone(),
            opener: self.opener.clone(),
            clock: self.clock.clone(),
            session: self.session.clone(),
            request: self.request.clone(),
            cache: self.cache.clone(),
            lister: self.lister.clone(),
            frecency_file: self.frecency_file.clone(),
            aws_credentials: self.aws_credentials.clone(),
            aws_config: self.aws_config.clone(),
            aws_config_mode: self.aws_config_mode,
            current: self.current.clone(),
            chains: self.chains.clone(),
        }
    }
}

fn failed(e: &IdcError) -> Failed {
    Failed {
        message: e.to_string(),
        needs_sign_in: matches!(e, IdcError::Unauthorized),
    }
}

fn catalog_failed(e: &CatalogError) -> Failed {
    Failed {
        message: e.to_string(),
        needs_sign_in: matches!(e, CatalogError::Unauthorized),
    }
}

impl<I: IdentityCenter + 'static> Services<I> {
    /// Opens the AWS console signed in with `credentials` (the federation endpoint, then the
    /// browser). The URL is a credential: it goes only to the browser.
    async fn open_console(
        &self,
        credentials: crate::core::credentials::Credentials,
        chained: bool,
    ) -> Result<String, String> {
        use crate::core::partition::Partition;
        use crate::engine::console::{console_session, hosts, signin_url};
        let region = &self.session.region;
        let hosts = hosts(
            std::env::var(crate::cli::console_cmd::FEDERATION_URL_ENV)
                .ok()
                .as_deref(),
            self.request.endpoint.as_deref(),
            Partition::of_region(region),
            region,
        )
        .map_err(|e| e.to_string())?;
        let session = console_session(None, &credentials, self.clock.now(), chained);
        let url = signin_url(&credentials, session, &hosts.federation, &hosts.console)
            .await
            .map_err(|e| e.to_string())?;
        self.opener
            .open_secret(&url)
            .map(|()| "opened the AWS console in your browser".to_owned())
            .map_err(|e| format!("{e}; `rolecall console TARGET --print` prints the URL"))
    }

    /// Writes the profile (credentials, then region) on a blocking task: the file lock may wait.
    async fn write_profile(
        &self,
        profile: String,
        credentials: crate::core::credentials::Credentials,
        region: String,
    ) -> Result<String, String> {
        let (creds_path, config_path) = (self.aws_credentials.clone(), self.aws_config.clone());
        let config_mode = self.aws_config_mode;
        let task = tokio::task::spawn_blocking(move || {
            let written = crate::aws_files::write_profile(&creds_path, &profile, &credentials)
                .map_err(|e| e.to_string())?;
            let config = crate::aws_files::write_profile_region(
                &config_path,
                &profile,
                &region,
                config_mode,
            )
            .map_err(|e| e.to_string())?;
            let mut text = format!("wrote profile {profile} to {}", written.path.display());
            for notice in [written.notice(), config.notice()].into_iter().flatten() {
                text = format!("{text}; {notice}");
            }
            Ok(text)
        });
        rethrow(task.await).unwrap_or_else(|| Err("writing the profile was cancelled".to_owned()))
    }

    /// Keeps a new sign-in (one store write, rare enough to do in line) and makes it current.
    fn save_sign_in(&self, signed_in: SignedIn) {
        if let Err(e) = self.store.save(&self.session, &signed_in) {
            tracing::warn!(error = %e, "cannot keep the sign-in");
        }
        self.lister.set_token(signed_in.token.access_token.clone());
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(signed_in);
    }

    fn token(&self) -> Option<Secret<String>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|s| s.token.access_token.clone())
    }

    /// Runs `effect` on a task; its answer comes back on `tx`. `Exit` is the loop's business.
    /// A panic on the task is told on `panics` (the loop ends the app: never a headless
    /// process whose work silently stopped).
    pub fn spawn(
        &self,
        effect: Effect,
        tx: UnboundedSender<Msg>,
        frecency: Option<Frecency>,
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
            if let Some(msg) = this.run(effect, &tx, frecency).await {
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

    async fn run(
        &self,
        effect: Effect,
        tx: &UnboundedSender<Msg>,
        frecency: Option<Frecency>,
    ) -> Option<Msg> {
        tracing::trace!(effect = effect_name(&effect), "running an effect");
        match effect {
            Effect::SignIn(crate::core::signin::Effect::Save(signed_in)) => {
                self.save_sign_in(signed_in);
                None
            }
            Effect::SignIn(effect) => {
                let mut ignore = |_: &str, _: bool| {};
                execute(
                    self.idc.as_ref(),
                    self.opener.as_ref(),
                    self.clock.as_ref(),
                    &self.request,
                    effect,
                    &mut ignore,
                )
                .await
                .map(Msg::SignIn)
            }
            Effect::ListCatalog => {
                let previous = self.cache.load().catalog;
                let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
                let forward = {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        while let Some(event) = events.recv().await {
                            let _ = tx.send(Msg::Catalog(event));
                        }
                    })
                };
                let result = self
                    .lister
                    .refresh(&self.cache, previous.as_ref(), Some(events_tx))
                    .await;
                rethrow(forward.await);
                Some(Msg::Listed(
                    result
                        .map(|r| (r.catalog, r.diff))
                        .map_err(|e| catalog_failed(&e)),
                ))
            }
            Effect::Prioritize { account_id } => {
                self.lister.priority().prioritize(&account_id);
                None
            }
            Effect::RetryRoles { account_id } => {
                let result = self.lister.fetch_roles(&account_id).await;
                Some(Msg::RolesRetried {
                    account_id,
                    result: result.map_err(|e| catalog_failed(&e)),
                })
            }
            Effect::GetCredentials {
                request,
                account_id,
                role,
                fresh,
            } => {
                let Some(token) = self.token() else {
                    return Some(Msg::Credentials {
                        request,
                        result: Err(failed(&IdcError::Unauthorized)),
                    });
                };
                let result = role_credentials(
                    self.idc.as_ref(),
                    &self.store,
                    &self.session,
                    &token,
                    &account_id,
                    &role,
                    self.clock.as_ref(),
                    fresh,
                )
                .await;
                Some(Msg::Credentials {
                    request,
                    result: result.map_err(|e| failed(&e)),
                })
            }
            Effect::OpenUrl(url) => Some(Msg::HandedOver(match self.opener.open(&url) {
                Ok(()) => Ok("opened the browser".into()),
                Err(e) => {
                    tracing::info!(reason = %e, "browser not opened");
                    Err(format!(
                        "cannot open a browser here ({e}): open the URL on screen yourself"
                    )
                    .into())
                }
            })),
            Effect::Copy(_) | Effect::Exit => None,
            Effect::WriteProfile {
                profile,
                credentials,
                region,
            } => Some(Msg::HandedOver(
                self.write_profile(profile, credentials, region)
                    .await
                    .map_err(Into::into),
            )),
            Effect::OpenConsole {
                credentials,
                chained,
            } => Some(Msg::HandedOver(
                self.open_console(credentials, chained)
                    .await
                    .map_err(Into::into),
            )),
            Effect::AssumeChain {
                request,
                spec,
                chains,
                codes,
                fresh,
            } => {
                let result = match &self.chains {
                    Some(services) => {
                        services
                            .assume(
                                &self.store,
                                self.clock.as_ref(),
                                &spec,
                                chains,
                                codes,
                                fresh,
                            )
                            .await
                    }
                    None => Err(crate::core::app::msg::ChainFailed::Failed(Failed {
                        message: "chains are not available here".into(),
                        needs_sign_in: false,
                    })),
                };
                Some(Msg::ChainAssumed { request, result })
            }
            Effect::WhoAmI {
                held_id,
                credentials,
            } => {
                let services = self.chains.as_ref()?;
                let arn = services.whoami(&credentials).await;
                Some(Msg::Identity { held_id, arn })
            }
            Effect::SaveRoleHistory(history) => {
                if let Some(services) = self.chains.clone() {
                    rethrow(
                        tokio::task::spawn_blocking(move || services.save_history(&history)).await,
                    );
                }
                None
            }
            Effect::SaveFrecency => {
                if let (Some(path), Some(frecency)) = (&self.frecency_file, frecency) {
                    let path = path.clone();
                    let saved = tokio::task::spawn_blocking(move || {
                        if let Ok(json) = serde_json::to_vec(&frecency)
                            && let Err(e) =
                                crate::adapters::atomic_file::write_atomic(&path, &json, 0o600)
                        {
                            tracing::warn!(error = %e, "cannot save favorites and recents");
                        }
                    })
                    .await;
                    rethrow(saved);
                }
                None
            }
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
        Effect::ListCatalog => "list-catalog",
        Effect::Prioritize { .. } => "prioritize",
        Effect::RetryRoles { .. } => "retry-roles",
        Effect::GetCredentials { .. } => "get-credentials",
        Effect::AssumeChain { .. } => "assume-chain",
        Effect::WhoAmI { .. } => "who-am-i",
        Effect::SaveRoleHistory(_) => "save-role-history",
        Effect::OpenUrl(_) => "open-url",
        Effect::Copy(_) => "copy",
        Effect::SaveFrecency => "save-frecency",
        Effect::WriteProfile { .. } => "write-profile",
        Effect::OpenConsole { .. } => "open-console",
        Effect::Exit => "exit",
    }
}
