//! The composition root: the one place the real adapters are chosen and wired. The binary's
//! subcommands get a [`Workspace`] from [`for_subcommands`]; the app gets its services and
//! first state from [`app`], and so do the integration tests and the benches (with their own
//! identity center, opener and settings), so nothing re-types the wiring.
//!
//! The process environment is read here, once ([`Environment::from_process`]), and passed
//! down.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::adapters::aws_sso_cache::AwsSsoCache;
use crate::adapters::store_select::{
    credentials_cache, notice_is_new, open_store, open_store_to_read,
};
use crate::catalog::{CacheLoad, CatalogCache, ListOptions, Lister};
use crate::config::Config;
use crate::core::app::state::{AppSettings, Clipboard, Level, SessionInfo, TmuxOptions, Toast};
use crate::core::app::urgency::Thresholds;
use crate::core::app::{AppState, Keymap};
use crate::core::catalog::Catalog;
use crate::core::frecency::Frecency;
use crate::core::signin::Method;
use crate::core::sso::{SignedIn, SsoSession};
use crate::environment::Environment;
use crate::paths::{NoHome, Paths};
use crate::ports::clock::SystemClock;
use crate::ports::identity_center::IdentityCenter;
use crate::ports::opener::Opener;
use crate::ports::secret_store::SecretStore;
use crate::runtime::Services;
use crate::runtime::services::load_json;
use crate::secret::Secret;
use crate::session_store::SessionStore;
use crate::workspace::sign_in::CLIENT_NAME;
use crate::workspace::target::list_options;
use crate::workspace::{Reporter, Workspace};

/// Why the subcommands' workspace cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error(transparent)]
    NoHome(#[from] NoHome),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// The token store the configuration names, over the AWS CLI's SSO cache; a notice when it
/// fell back to another backend.
pub fn session_store(paths: &Paths, config: &Config) -> (SessionStore, Option<String>) {
    let (secrets, notice) = open_store(config.file.storage.backend, paths);
    (store_over(secrets, paths, config), notice)
}

/// The token store over `secrets`: the AWS CLI's SSO cache as configured, and the cache of role
/// credentials in front of the OS keyring.
fn store_over(secrets: Box<dyn SecretStore>, paths: &Paths, config: &Config) -> SessionStore {
    SessionStore::new(secrets, AwsSsoCache::new(paths.sso_cache_dir.clone()))
        .with_aws_cli_interop(config.file.storage.aws_cli_cache)
        .with_cache(credentials_cache(config.file.storage.backend))
}

/// A workspace on given parts, with the system clock.
pub fn workspace(
    paths: Paths,
    config: Config,
    env: Environment,
    store: SessionStore,
    reporter: Arc<dyn Reporter>,
) -> Workspace {
    Workspace {
        paths,
        config,
        store: Arc::new(store),
        env: Arc::new(env),
        clock: Arc::new(SystemClock),
        reporter,
    }
}

/// The subcommands' workspace: the process environment, paths and configuration, the token
/// store (a fallback notice goes to `reporter` the first time: see [`notice_is_new`]), notes
/// and questions to `reporter`.
pub fn for_subcommands(reporter: Arc<dyn Reporter>) -> Result<Workspace, ComposeError> {
    let paths = Paths::from_env()?;
    let config = Config::load(&paths)?;
    Ok(for_subcommands_with(paths, config, reporter))
}

/// [`for_subcommands`] for `status`, which says the fallback notice every time.
pub fn for_status(reporter: Arc<dyn Reporter>) -> Result<Workspace, ComposeError> {
    let paths = Paths::from_env()?;
    let config = Config::load(&paths)?;
    Ok(with_store_notice(paths, config, reporter, true))
}

/// [`for_subcommands`] for given paths and configuration (the demo's throwaway home).
pub fn for_subcommands_with(
    paths: Paths,
    config: Config,
    reporter: Arc<dyn Reporter>,
) -> Workspace {
    with_store_notice(paths, config, reporter, false)
}

/// The subcommands' workspace; the fallback notice is said `always`, or the first time.
fn with_store_notice(
    paths: Paths,
    config: Config,
    reporter: Arc<dyn Reporter>,
    always: bool,
) -> Workspace {
    let (store, notice) = session_store(&paths, &config);
    if let Some(notice) = notice {
        // Both are asked, so a first `status` also remembers that the notice was shown.
        let new = notice_is_new(&paths);
        if new || always {
            reporter.note(&format!("rolecall: {notice}"));
        }
    }
    workspace(paths, config, Environment::from_process(), store, reporter)
}

/// [`for_subcommands`] for reading only (credential-process's fast path): the keyring is not
/// probed first ([`open_store_to_read`]).
pub fn for_reading(reporter: Arc<dyn Reporter>) -> Result<Workspace, ComposeError> {
    let paths = Paths::from_env()?;
    let config = Config::load(&paths)?;
    let secrets = open_store_to_read(config.file.storage.backend, &paths);
    let store = store_over(secrets, &paths, &config);
    Ok(workspace(
        paths,
        config,
        Environment::from_process(),
        store,
        reporter,
    ))
}

/// How the app is set up beyond the workspace.
pub struct AppSetup {
    /// The identity center the app runs on.
    pub session: SsoSession,
    pub settings: AppSettings,
    pub keymap: Keymap,
    pub list: ListOptions,
    /// The name the app registers its OIDC client with.
    pub client_name: String,
    pub frecency_file: Option<PathBuf>,
    /// Where the ad-hoc role ARN history is kept.
    pub history_file: Option<PathBuf>,
}

impl AppSetup {
    /// What the configuration, the environment and the terminal say (the binary's app).
    /// `can_open`: a browser can be opened here.
    pub fn configured(workspace: &Workspace, session: SsoSession, can_open: bool) -> Self {
        let file = &workspace.config.file;
        let keymap = Keymap::with_overrides(&file.keys);
        let settings = AppSettings {
            thresholds: Thresholds {
                warn: Duration::from_secs(file.app.warn_minutes * 60),
                critical: Duration::from_secs(file.app.critical_minutes * 60),
            },
            default_action: file.app.default_action,
            region: workspace.sso_region(&session),
            open_browser: file.sign_in.open_browser && can_open,
            actions: file.actions.clone(),
            chains: workspace.config.chains.iter().cloned().collect(),
            confirm_quit: file.app.confirm_quit,
            clipboard: clipboard_here(&workspace.env),
            aliases: file.aliases.clone(),
            auto_renew: file.sessions.auto_renew,
            renew_before: file.sessions.renew_before,
            marks: crate::core::marks::Marks(file.environments.clone()),
            ..AppSettings::default()
        };
        Self {
            frecency_file: Some(frecency_file(&workspace.paths, &session.name)),
            history_file: Some(workspace.paths.state_dir.join("role-history.json")),
            session,
            settings,
            keymap,
            list: list_options(&file.catalog),
            client_name: CLIENT_NAME.into(),
        }
    }
}

/// Whether OSC 52 can reach a clipboard here: from `TERM` and, inside tmux, its
/// `set-clipboard` option.
fn clipboard_here(env: &Environment) -> Clipboard {
    let option = |name: &str| {
        std::process::Command::new("tmux")
            .args(["show-options", "-gv", name])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let tmux = env
        .in_tmux()
        .then(|| (option("set-clipboard"), option("allow-passthrough")));
    let tmux = tmux.as_ref().map(|(set, pass)| TmuxOptions {
        set_clipboard: set.as_deref(),
        allow_passthrough: pass.as_deref(),
    });
    Clipboard::from_terminal(env.term(), tmux, env.in_screen())
}

/// Favorites and recents of a session (its name made safe for a file name).
fn frecency_file(paths: &Paths, session: &str) -> PathBuf {
    let safe: String = session
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    paths.state_dir.join(format!("frecency-{safe}.json"))
}

fn is_stale(catalog: &Catalog, max_age: Duration, now: SystemTime) -> bool {
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    catalog.accounts.is_empty() || now - catalog.listed_at >= max_age.as_secs() as i64
}

/// What was skipped in the AWS CLI's files, as one toast: the first notice, and how many more
/// `rolecall status` lists.
fn config_notice(notices: &[String]) -> Option<String> {
    let first = notices.first()?;
    Some(match notices.len() - 1 {
        0 => first.clone(),
        more => format!("{first} (and {more} more: see `rolecall status`)"),
    })
}

/// The app's first state: the cached catalog, favorites, the role history, a notice (the
/// cache ignored, or what was skipped in the AWS CLI's files) as a toast, and whether the
/// catalog is to be listed anew.
fn first_state(
    workspace: &Workspace,
    session: &SsoSession,
    (settings, keymap): (AppSettings, Keymap),
    loaded: CacheLoad,
    (frecency_file, history_file): (Option<&Path>, Option<&Path>),
) -> AppState {
    let now = workspace.clock.now();
    let frecency: Frecency = load_json(frecency_file);
    let mut state = AppState::new(
        SessionInfo {
            name: session.name.clone(),
            start_url: session.start_url.clone(),
            region: session.region.clone(),
            token_expires_at: None,
        },
        loaded.catalog.unwrap_or_default(),
        frecency,
        settings,
        keymap,
    );
    if let Some(notice) = loaded
        .notice
        .or_else(|| config_notice(&workspace.config.notices))
    {
        state.toast = Some(Toast {
            text: notice,
            level: Level::Warn,
            until: now + state.settings.toast_for,
            countdown: None,
        });
    }
    state.list.stale = is_stale(
        &state.list.catalog,
        Duration::from_secs(workspace.config.file.catalog.refresh_after_minutes * 60),
        now,
    );
    state.role_history = load_json(history_file);
    let kept = workspace.kept_sessions(session, &state.settings.chains);
    state.hold_kept(kept, now);
    state
}

/// The app, ready to run: its services, its first state, and the sign-in the store holds.
pub struct App<I> {
    pub services: Services<I>,
    pub state: AppState,
    pub stored: Option<SignedIn>,
}

/// Builds the app on `workspace` with `idc` and `opener`, as `setup` says: the cached catalog
/// (a notice when it was ignored), the kept sign-in, favorites and the role history.
pub fn app<I: IdentityCenter + 'static>(
    workspace: Arc<Workspace>,
    setup: AppSetup,
    idc: Arc<I>,
    opener: Arc<dyn Opener>,
) -> App<I> {
    let AppSetup {
        session,
        settings,
        keymap,
        list,
        client_name,
        frecency_file,
        history_file,
    } = setup;
    let cache = CatalogCache::for_session(&workspace.paths, &session.name);
    let loaded = cache.load();
    if let Some(notice) = &loaded.notice {
        tracing::info!(notice = %notice, "catalog cache ignored");
    }
    let stored = workspace.store.load(&session).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the stored sign-in");
        None
    });
    let token = stored
        .as_ref()
        .map(|s| s.token.access_token.clone())
        .unwrap_or_else(|| Secret::new(String::new()));
    let lister = Arc::new(Lister::new(idc.clone(), session.name.clone(), token, list));
    let state = first_state(
        &workspace,
        &session,
        (settings, keymap),
        loaded,
        (frecency_file.as_deref(), history_file.as_deref()),
    );
    let request = workspace.sign_in_request(
        &session,
        Method::DeviceCode,
        state.settings.open_browser,
        &client_name,
    );
    let services = Services {
        idc,
        opener,
        request: Arc::new(request),
        cache: Arc::new(cache),
        lister,
        frecency_file,
        history_file,
        session,
        workspace,
    };
    App {
        services,
        state,
        stored,
    }
}

/// The app for the first run, with no identity center configured: the form asking which one
/// (`Prompt::Setup`) is open, nothing signs in; it ends with `ExitPlan::Configured` once the
/// `[sso-session]` is written, and the caller starts [`app`] on it. `idc` is not reached.
pub fn first_run<I: IdentityCenter + 'static>(
    workspace: Arc<Workspace>,
    idc: Arc<I>,
    opener: Arc<dyn Opener>,
) -> App<I> {
    let nowhere = SsoSession {
        name: String::new(),
        start_url: String::new(),
        region: crate::core::sso_setup::DEFAULT_REGION.to_owned(),
        scopes: Vec::new(),
        legacy: false,
    };
    let setup = AppSetup {
        frecency_file: None,
        history_file: None,
        ..AppSetup::configured(&workspace, nowhere, false)
    };
    let mut app = app(workspace, setup, idc, opener);
    app.stored = None;
    app.state.modal = crate::core::app::state::Modal::prompt_of(
        crate::core::app::prompt::Prompt::Setup(Default::default()),
    );
    app
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn config_notices_make_one_toast() {
        assert_eq!(config_notice(&[]), None);
        let one = vec!["cfg:3: profile \"web\" is skipped: why".to_owned()];
        assert_eq!(config_notice(&one).as_deref(), Some(one[0].as_str()));
        let three = vec![one[0].clone(), "b".into(), "c".into()];
        assert_eq!(
            config_notice(&three).unwrap(),
            format!("{} (and 2 more: see `rolecall status`)", one[0])
        );
    }
}
