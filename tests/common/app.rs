//! The whole app on ratatui's `TestBackend`: the real runtime and the real SDK adapter against
//! the emulator, a scripted key stream in, every drawn frame out as text. Tokens, the catalog
//! cache and the AWS files live where the binary keeps them under a throwaway HOME; the session
//! is "test" unless the options name another (and chains are offered when given).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
use rolecall::adapters::aws_sso_cache::AwsSsoCache;
use rolecall::adapters::file_store::FileStore;
use rolecall::catalog::{CatalogCache, ListOptions};
use rolecall::compose::{self, AppSetup};
use rolecall::config::Config;
use rolecall::core::app::state::AppSettings;
use rolecall::core::app::urgency::Thresholds;
use rolecall::core::app::{ExitPlan, Keymap};
use rolecall::core::catalog::Catalog;
use rolecall::core::sso::SsoSession;
use rolecall::emulator::Emulator;
use rolecall::environment::Environment;
use rolecall::paths::Paths;
use rolecall::ports::clock::Clock;
use rolecall::ports::identity_center::IdentityCenter;
use rolecall::ports::opener::{OpenError, Opener};
use rolecall::ports::reporter::Quiet;
use rolecall::runtime::{RunOptions, run};
use rolecall::session_store::SessionStore;
use rolecall::ui::theme::Theme;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{REGION, START_URL};

/// The session name the app runs on.
pub const SESSION: &str = "test";

/// No browser here: the device flow shows the code only.
pub struct NoBrowser;

impl Opener for NoBrowser {
    fn can_open(&self) -> bool {
        false
    }

    fn open(&self, _: &str) -> Result<(), OpenError> {
        Err(OpenError::NoBrowser)
    }
}

/// The system clock moved forward by what a test says, so the app sees credentials age without
/// anyone waiting. (The emulator's own clock is moved with `Emulator::advance`; the adapters
/// correct the service's times by its `Date` header against the system clock, so the two are
/// moved apart, each for what it decides.)
#[derive(Debug, Clone, Default)]
pub struct Shifted(Arc<std::sync::atomic::AtomicU64>);

impl Shifted {
    /// Moves the app's time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap();
        self.0.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for Shifted {
    fn now(&self) -> std::time::SystemTime {
        let ms = self.0.load(std::sync::atomic::Ordering::SeqCst);
        std::time::SystemTime::now() + Duration::from_millis(ms)
    }
}

/// How the app starts.
pub struct AppOptions {
    pub session: SsoSession,
    pub list: ListOptions,
    pub settings: AppSettings,
    /// A catalog already in the cache (and shown at once); the app still lists anew after
    /// signing in.
    pub cached: Option<Catalog>,
    /// The configuration (none: one naming only `session`, at the emulator). Chains are
    /// offered when `settings.chains` lists them.
    pub config: Option<Config>,
    pub size: (u16, u16),
    /// The app's clock (none: the system's).
    pub clock: Option<Arc<dyn Clock>>,
    /// Start with the sign-in the store holds, as the binary does (else with none: a device
    /// sign-in).
    pub stored: bool,
    /// Where the app's clipboard sequences (OSC 52) go: the bytes the terminal would get.
    pub clipboard: Option<Arc<std::sync::Mutex<Vec<u8>>>>,
}

/// A writer into a shared buffer (the terminal's side of the clipboard, in tests).
struct Shared(Arc<std::sync::Mutex<Vec<u8>>>);

impl io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            session: session(),
            list: ListOptions {
                initial_rate: 100.0,
                ..ListOptions::default()
            },
            settings: AppSettings::default(),
            cached: None,
            config: None,
            size: (110, 32),
            clock: None,
            stored: false,
            clipboard: None,
        }
    }
}

impl AppOptions {
    /// Warns about a one-hour credential as soon as it has lost two seconds, so a test sees
    /// the expiry warning (and its countdown) at once.
    pub fn warning_at_once() -> Self {
        let settings = AppSettings {
            thresholds: Thresholds {
                warn: Duration::from_secs(3598),
                critical: Duration::from_secs(60),
            },
            ..AppSettings::default()
        };
        Self {
            settings,
            ..Self::default()
        }
    }
}

pub fn session() -> SsoSession {
    SsoSession {
        name: SESSION.into(),
        start_url: START_URL.into(),
        region: REGION.into(),
        scopes: vec!["sso:account:access".into()],
        legacy: false,
    }
}

/// rolecall's paths under `home`.
pub fn paths(home: &Path) -> Paths {
    let home = home.to_owned();
    Paths::from_lookup(move |k| (k == "HOME").then(|| home.clone().into_os_string())).unwrap()
}

/// The catalog cache of the default session in `home`.
pub fn cache(home: &Path) -> CatalogCache {
    CatalogCache::for_session(&paths(home), SESSION)
}

/// A running app.
pub struct App {
    keys: UnboundedSender<io::Result<Event>>,
    frames: mpsc::UnboundedReceiver<String>,
    task: JoinHandle<io::Result<ExitPlan>>,
    /// The last frame read.
    pub last: String,
}

/// Starts the app with nothing signed in: it signs in with the device code, then lists.
pub fn start_app(emu: &Emulator, home: &Path, options: AppOptions) -> App {
    let mut idc = AwsIdentityCenter::new(&options.session.region, Some(&emu.url()));
    if let Some(clock) = &options.clock {
        idc = idc.with_clock(clock.clone());
    }
    start_app_on(emu, home, options, Arc::new(idc))
}

/// [`start_app`] on the identity center `idc` (a wrapper of the real adapter, say).
pub fn start_app_on<I: IdentityCenter + 'static>(
    emu: &Emulator,
    home: &Path,
    options: AppOptions,
    idc: Arc<I>,
) -> App {
    let paths = paths(home);
    let session = options.session;
    let start_stored = options.stored;
    let store = SessionStore::new(
        Box::new(FileStore::new(&paths.state_dir)),
        AwsSsoCache::new(paths.sso_cache_dir.clone()),
    );
    if let Some(cached) = &options.cached {
        CatalogCache::for_session(&paths, &session.name)
            .save(cached)
            .unwrap();
    }
    let config = options.config.unwrap_or_else(|| Config {
        file: Default::default(),
        source: None,
        sessions: vec![session.clone()],
        endpoints: BTreeMap::from([(session.name.clone(), emu.url())]),
        chains: Default::default(),
        aliases: BTreeMap::new(),
        notices: Vec::new(),
        profile_regions: Vec::new(),
    });
    // Only the emulator is ever reached, whatever the config names.
    let env =
        Environment::from_pairs([("AWS_ENDPOINT_URL", emu.url().as_str()), ("USER", "alice")]);
    let mut workspace = compose::workspace(paths.clone(), config, env, store, Arc::new(Quiet));
    if let Some(clock) = options.clock {
        workspace.clock = clock;
    }
    let setup = AppSetup {
        session,
        settings: options.settings,
        keymap: Keymap::default(),
        list: options.list,
        client_name: "rolecall-test".into(),
        frecency_file: Some(paths.state_dir.join("frecency.json")),
        history_file: Some(paths.state_dir.join("role-history.json")),
    };
    let compose::App {
        services,
        mut state,
        stored,
    } = compose::app(Arc::new(workspace), setup, idc, Arc::new(NoBrowser));
    // The app lists anew after signing in, whatever the cache holds.
    state.list.stale = true;
    let (keys, input) = unbounded::<io::Result<Event>>();
    let (frames_tx, frames) = mpsc::unbounded_channel();
    let (width, height) = options.size;
    let clipboard = options
        .clipboard
        .map(|b| Box::new(Shared(b)) as Box<dyn io::Write + Send>);
    let task = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        run(
            &mut terminal,
            input,
            services,
            &mut state,
            Some(stored.filter(|_| start_stored)),
            RunOptions {
                tick: Duration::from_millis(250),
                theme: Theme::plain(),
                frames: Some(frames_tx),
                handle_signals: false,
                clipboard,
            },
        )
        .await
    });
    App {
        keys,
        frames,
        task,
        last: String::new(),
    }
}

/// The app's first run in `home` with no identity center configured (the AWS CLI's config as
/// the test wrote it, only the emulator reachable): the first-run form is open; it ends with
/// `ExitPlan::Configured` once the `[sso-session]` is written.
pub fn start_first_run(emu: &Emulator, home: &Path) -> App {
    let paths = paths(home);
    let store = SessionStore::new(
        Box::new(FileStore::new(&paths.state_dir)),
        AwsSsoCache::new(paths.sso_cache_dir.clone()),
    );
    let config = Config::load(&paths).unwrap();
    assert!(config.sessions.is_empty(), "{:?}", config.sessions);
    let env =
        Environment::from_pairs([("AWS_ENDPOINT_URL", emu.url().as_str()), ("USER", "alice")]);
    let workspace = compose::workspace(paths, config, env, store, Arc::new(Quiet));
    let idc = Arc::new(AwsIdentityCenter::new(REGION, Some(&emu.url())));
    let compose::App {
        services,
        mut state,
        ..
    } = compose::first_run(Arc::new(workspace), idc, Arc::new(NoBrowser));
    let (keys, input) = unbounded::<io::Result<Event>>();
    let (frames_tx, frames) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(100, 24)).unwrap();
        run(
            &mut terminal,
            input,
            services,
            &mut state,
            None,
            RunOptions {
                tick: Duration::from_millis(250),
                theme: Theme::plain(),
                frames: Some(frames_tx),
                handle_signals: false,
                clipboard: None,
            },
        )
        .await
    });
    App {
        keys,
        frames,
        task,
        last: String::new(),
    }
}

impl App {
    pub fn key(&self, code: KeyCode) {
        self.keys
            .unbounded_send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))))
            .unwrap();
    }

    pub fn ctrl(&self, c: char) {
        self.keys
            .unbounded_send(Ok(Event::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::CONTROL,
            ))))
            .unwrap();
    }

    /// `code` pressed `n` times.
    pub fn keys(&self, code: KeyCode, n: usize) {
        for _ in 0..n {
            self.key(code);
        }
    }

    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Reads drawn frames until one satisfies `pred` (panics with the last one after 30 s).
    pub async fn frame_where(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let limit = Duration::from_secs(30);
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.frames.recv()).await {
                Ok(Some(frame)) => {
                    let found = pred(&frame);
                    self.last = frame;
                    if found {
                        return self.last.clone();
                    }
                }
                _ => panic!(
                    "no frame with {what} within {limit:?}; last:\n{}",
                    self.last
                ),
            }
        }
    }

    /// Waits for a frame containing `text`.
    pub async fn frame_with(&mut self, text: &str) -> String {
        self.frame_where(text, |f| f.contains(text)).await
    }

    /// Searches for `query` and assumes the first hit: waits for the hand-over menu.
    pub async fn assume(&mut self, query: &str) -> String {
        self.type_text(query);
        self.frame_where(query, |f| {
            f.contains(query) && super::selected_role_shows(f, "")
        })
        .await;
        self.key(KeyCode::Enter);
        self.frame_with("Quit and print the exports").await
    }

    /// How the app ended on its own (panics after 30 s when it is still running).
    pub async fn ended(self) -> io::Result<ExitPlan> {
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the app ends on its own within 30 s")
            .unwrap()
    }

    /// Quits with ctrl-c (twice: while sessions are held the first one asks) and returns the
    /// exit plan.
    pub async fn quit(self) -> ExitPlan {
        for _ in 0..2 {
            // The app may be gone after the first.
            let _ = self.keys.unbounded_send(Ok(Event::Key(KeyEvent::new(
                KeyCode::Char('c'),
                KeyModifiers::CONTROL,
            ))));
        }
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the app quits")
            .unwrap()
            .unwrap()
    }
}
