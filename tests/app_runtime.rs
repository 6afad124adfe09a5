//! The whole app on ratatui's `TestBackend` with a scripted input stream, the real runtime and
//! the real SDK adapter against the emulator: sign in, search, assume, watch the countdown pass
//! the warning threshold, quit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
use rolecall::adapters::aws_sso_cache::AwsSsoCache;
use rolecall::adapters::file_store::FileStore;
use rolecall::catalog::{CatalogCache, ListOptions, Lister};
use rolecall::core::app::state::{AppSettings, SessionInfo};
use rolecall::core::app::urgency::Thresholds;
use rolecall::core::app::{AppState, ExitPlan, Keymap};
use rolecall::core::catalog::Catalog;
use rolecall::core::frecency::Frecency;
use rolecall::core::signin::Method;
use rolecall::core::sso::SsoSession;
use rolecall::engine::signin::SignInRequest;
use rolecall::ports::clock::SystemClock;
use rolecall::ports::opener::Opener;
use rolecall::runtime::{RunOptions, Services, run};
use rolecall::secret::Secret;
use rolecall::session_store::SessionStore;
use rolecall::ui::theme::Theme;
use tokio::sync::mpsc;

struct NoBrowser;
impl Opener for NoBrowser {
    fn can_open(&self) -> bool {
        false
    }
    fn open(&self, _: &str) -> Result<(), String> {
        Err("no browser in tests".into())
    }
}

fn key(tx: &UnboundedSender<io::Result<Event>>, code: KeyCode) {
    tx.unbounded_send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))))
        .unwrap();
}

fn ctrl(tx: &UnboundedSender<io::Result<Event>>, c: char) {
    tx.unbounded_send(Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    ))))
    .unwrap();
}

/// Reads drawn frames until one satisfies `pred`.
async fn frame_where(
    frames: &mut mpsc::UnboundedReceiver<String>,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    let mut last = String::new();
    let wait = async {
        while let Some(frame) = frames.recv().await {
            if pred(&frame) {
                return Some(frame);
            }
            last = frame;
        }
        None
    };
    match tokio::time::timeout(Duration::from_secs(30), wait).await {
        Ok(Some(frame)) => frame,
        _ => panic!("no frame with {what}; last:\n{last}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_search_assume_watch_the_countdown_and_quit() {
    let org = small_org_toml().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\napprove_after_seconds = 0",
    );
    let emu = start(&org).await;
    let home = tempfile::tempdir().unwrap();
    let session = SsoSession {
        name: "test".into(),
        start_url: START_URL.into(),
        region: REGION.into(),
        scopes: vec!["sso:account:access".into()],
        legacy: false,
    };
    let idc = Arc::new(AwsIdentityCenter::new(REGION, Some(&emu.url())));
    let store = SessionStore::new(
        Box::new(FileStore::new(&home.path().join("state"))),
        AwsSsoCache::new(home.path().join("sso-cache")),
    );
    let lister = Arc::new(Lister::new(
        idc.clone(),
        "test",
        Secret::new(String::new()),
        ListOptions {
            initial_rate: 100.0,
            ..ListOptions::default()
        },
    ));
    let services = Services {
        idc,
        store: Arc::new(store),
        opener: Arc::new(NoBrowser),
        clock: Arc::new(SystemClock),
        session: session.clone(),
        request: Arc::new(SignInRequest {
            session: session.clone(),
            method: Method::DeviceCode,
            open_browser: false,
            endpoint: Some(emu.url()),
            client_name: "rolecall-test".into(),
        }),
        cache: Arc::new(CatalogCache::new(home.path(), "test")),
        lister,
        frecency_file: Some(home.path().join("frecency.json")),
        aws_credentials: home.path().join(".aws/credentials"),
        aws_config: home.path().join(".aws/config"),
        current: Arc::new(RwLock::new(None)),
        chains: None,
    };
    // Warn as soon as a fresh one-hour credential has lost a couple of seconds.
    let settings = AppSettings {
        thresholds: Thresholds {
            warn: Duration::from_secs(3598),
            critical: Duration::from_secs(60),
        },
        ..AppSettings::default()
    };
    let state = AppState::new(
        SessionInfo {
            name: "test".into(),
            start_url: START_URL.into(),
            region: REGION.into(),
            token_expires_at: None,
        },
        Catalog::default(),
        Frecency::default(),
        settings,
        Keymap::default(),
    );
    let (keys, input) = unbounded::<io::Result<Event>>();
    let (frames_tx, mut frames) = mpsc::unbounded_channel();
    let app = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(110, 32)).unwrap();
        let mut state = state;
        run(
            &mut terminal,
            input,
            services,
            &mut state,
            Some(None),
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

    // Signing in shows the code, then the emulator approves and the catalog is listed.
    let device_url = format!("{}/device", emu.url());
    frame_where(&mut frames, "the verification URL", |f| {
        f.contains(&device_url)
    })
    .await;
    frame_where(&mut frames, "the catalog", |f| {
        f.contains("payments-dev") && f.contains("PowerUserAccess")
    })
    .await;

    // Search narrows the list as we type.
    for c in "dev power".chars() {
        key(&keys, KeyCode::Char(c));
    }
    let found = frame_where(&mut frames, "the filtered list", |f| {
        f.contains("dev power")
    })
    .await;
    assert!(!found.contains("ReadOnlyAccess"), "{found}");

    // Assume: credentials arrive and the hand-over menu opens.
    key(&keys, KeyCode::Enter);
    frame_where(&mut frames, "the hand-over menu", |f| {
        f.contains("Quit and print the exports")
    })
    .await;
    // Write a profile from the menu: the third entry.
    key(&keys, KeyCode::Down);
    key(&keys, KeyCode::Down);
    key(&keys, KeyCode::Enter);
    frame_where(&mut frames, "the profile written", |f| {
        f.contains("wrote profile payments-dev-PowerUserAccess")
    })
    .await;
    let written = std::fs::read_to_string(home.path().join(".aws/credentials")).unwrap();
    assert!(
        written.contains("[payments-dev-PowerUserAccess]\naws_access_key_id = ASIA"),
        "{written}"
    );

    // The countdown passes the warning threshold: a warning appears.
    let warned = frame_where(&mut frames, "the expiry warning", |f| {
        f.contains("expires in 59m")
    })
    .await;
    assert!(warned.contains("payments-dev/PowerUserAccess"), "{warned}");

    ctrl(&keys, 'c');
    let plan = tokio::time::timeout(Duration::from_secs(10), app)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(plan, ExitPlan::Nothing);
}
