//! Chains in the full-screen app, on ratatui's `TestBackend` with the real runtime, the real SDK
//! clients and the emulator serving the demo organisation: a chain row is listed and marked,
//! assuming it shows who the credentials are and why the session is 1 h, an MFA-protected chain
//! asks for the code (a wrong one is explained), "assume another role…" chains from a held
//! session (a denial is advice), and a held chain refreshes from its source.
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
use rolecall::adapters::aws_sts::AwsSts;
use rolecall::adapters::file_store::FileStore;
use rolecall::catalog::{CatalogCache, ListOptions, Lister};
use rolecall::config::Config;
use rolecall::core::app::state::{AppSettings, SessionInfo};
use rolecall::core::app::{AppState, Keymap};
use rolecall::core::catalog::Catalog;
use rolecall::core::frecency::Frecency;
use rolecall::core::signin::Method;
use rolecall::engine::signin::SignInRequest;
use rolecall::paths::Paths;
use rolecall::ports::clock::SystemClock;
use rolecall::ports::opener::Opener;
use rolecall::runtime::chain_services::ChainServices;
use rolecall::runtime::{RunOptions, Services, run};
use rolecall::secret::Secret;
use rolecall::session_store::SessionStore;
use rolecall::ui::theme::Theme;
use tokio::sync::mpsc;

const MFA_SERIAL: &str = "arn:aws:iam::482167869816:mfa/demo";

struct NoBrowser;
impl Opener for NoBrowser {
    fn can_open(&self) -> bool {
        false
    }
    fn open(&self, _: &str) -> Result<(), String> {
        Err("no browser in tests".into())
    }
}

struct Keys(UnboundedSender<io::Result<Event>>);

impl Keys {
    fn key(&self, code: KeyCode) {
        self.0
            .unbounded_send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))))
            .unwrap();
    }
    fn ctrl(&self, c: char) {
        self.0
            .unbounded_send(Ok(Event::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::CONTROL,
            ))))
            .unwrap();
    }
    fn text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }
    fn times(&self, code: KeyCode, n: usize) {
        for _ in 0..n {
            self.key(code);
        }
    }
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

fn org() -> String {
    include_str!("../assets/demo-org.toml")
        .replace("https://acme-corp.awsapps.com/start", START_URL)
        .replace("approve_after_seconds = 3", "approve_after_seconds = 0")
}

#[tokio::test(flavor = "multi_thread")]
async fn chains_in_the_app() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("rolecall=debug")
        .with_writer(std::io::stderr)
        .try_init();
    let emu = start(&org()).await;
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();
    let paths =
        Paths::from_lookup(move |k| (k == "HOME").then(|| home_path.clone().into_os_string()))
            .unwrap();
    std::fs::create_dir_all(paths.config_file.parent().unwrap()).unwrap();
    std::fs::write(
        &paths.config_file,
        format!(
            r#"
default_session = "acme"
import_aws_config = false
[storage]
backend = "file"
[[sso_sessions]]
name = "acme"
start_url = "{START_URL}"
region = "{REGION}"
endpoint_url = "{url}"

[[chains]]
name = "pipeline"
source = "tools-ci/DevOps"
role_arn = "arn:aws:iam::011403187894:role/pipeline-service"
duration = "4h"

[[chains]]
name = "break-glass"
source = "security-audit/ReadOnlyAccess"
role_arn = "arn:aws:iam::482167869816:role/break-glass"
mfa_serial = "{MFA_SERIAL}"
"#,
            url = emu.url()
        ),
    )
    .unwrap();
    let config = Config::load(&paths).unwrap();
    let session = config.session(None).unwrap().clone();
    let idc = Arc::new(AwsIdentityCenter::new(REGION, Some(&emu.url())));
    let store = SessionStore::new(
        Box::new(FileStore::new(&paths.state_dir)),
        AwsSsoCache::new(paths.sso_cache_dir.clone()),
    );
    let lister = Arc::new(Lister::new(
        idc.clone(),
        "acme",
        Secret::new(String::new()),
        ListOptions {
            initial_rate: 100.0,
            ..ListOptions::default()
        },
    ));
    let chains = Arc::new(ChainServices {
        config: config.clone(),
        paths: paths.clone(),
        sts: AwsSts::new(Some(&emu.url())),
        history_file: Some(paths.state_dir.join("role-history.json")),
        default_region: REGION.into(),
        user: "alice".into(),
    });
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
        cache: Arc::new(CatalogCache::for_session(&paths, "acme")),
        lister,
        frecency_file: None,
        aws_credentials: paths.aws_credentials.clone(),
        aws_config: paths.aws_config.clone(),
        current: Arc::new(RwLock::new(None)),
        chains: Some(chains),
    };
    let settings = AppSettings {
        chains: config.chains.iter().cloned().collect(),
        ..AppSettings::default()
    };
    let state = AppState::new(
        SessionInfo {
            name: "acme".into(),
            start_url: START_URL.into(),
            region: REGION.into(),
            token_expires_at: None,
        },
        Catalog::default(),
        Frecency::default(),
        settings,
        Keymap::default(),
    );
    let (tx, input) = unbounded::<io::Result<Event>>();
    let keys = Keys(tx);
    let (frames_tx, mut frames) = mpsc::unbounded_channel();
    let app = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(130, 40)).unwrap();
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

    frame_where(&mut frames, "the catalog", |f| f.contains("tools-ci")).await;

    // A chain row, marked, with its source and the cap in the details.
    keys.text("pipeline");
    let row = frame_where(&mut frames, "the chain row", |f| {
        f.contains("› pipeline ") && f.contains("↪ pipeline") && f.contains("pipeline-service")
    })
    .await;
    assert!(row.contains("via tools-ci/DevOps"), "{row}");
    assert!(row.contains("4h → 1h (role chaining cap)"), "{row}");

    // Assume it: who the credentials are and why they last an hour.
    keys.key(KeyCode::Enter);
    let menu = frame_where(&mut frames, "the menu of the chain", |f| {
        f.contains("credentials ready") && f.contains("as arn:aws:sts::011403187894")
    })
    .await;
    assert!(
        menu.contains("as arn:aws:sts::011403187894:assumed-role/pipeline-service/rolecall-alice"),
        "{menu}"
    );
    assert!(menu.contains("capped at 1h (asked 4h)"), "{menu}");

    // "Assume another role…" from it: ecr-push does not trust payments-prod, and says so.
    keys.times(KeyCode::Down, 5);
    keys.key(KeyCode::Enter);
    frame_where(&mut frames, "the form", |f| {
        f.contains("assume another role")
    })
    .await;
    keys.text("arn:aws:iam::909061163445:role/ecr-push");
    keys.key(KeyCode::Enter);
    let denied = frame_where(&mut frames, "the advice", |f| {
        f.contains("trust policy does not allow")
    })
    .await;
    assert!(
        denied.contains("assumed-role/pipeline-service/rolecall-alice"),
        "{denied}"
    );

    // The MFA-protected chain asks for a code; a wrong one is explained, the right one works.
    keys.key(KeyCode::Esc);
    keys.text("break-glass");
    frame_where(&mut frames, "the break-glass row", |f| {
        f.contains("↪ break-glass")
    })
    .await;
    keys.key(KeyCode::Enter);
    frame_where(&mut frames, "the MFA question", |f| {
        f.contains("MFA code") && f.contains(MFA_SERIAL)
    })
    .await;
    let right = emu.mfa_code(MFA_SERIAL).unwrap();
    let wrong = wrong_code(&right);
    keys.text(&wrong);
    keys.key(KeyCode::Enter);
    frame_where(&mut frames, "the wrong-code message", |f| {
        f.contains("was not accepted")
    })
    .await;
    keys.key(KeyCode::Enter);
    frame_where(&mut frames, "the MFA question again", |f| {
        f.contains("code: _")
    })
    .await;
    keys.text(&emu.mfa_code(MFA_SERIAL).unwrap());
    keys.key(KeyCode::Enter);
    frame_where(&mut frames, "the break-glass menu", |f| {
        f.contains("as arn:aws:sts::482167869816:assumed-role/break-glass/rolecall-alice")
    })
    .await;
    assert!(emu.assumed().iter().any(|r| r.mfa));

    // The sessions panel: both chains, and the selected one's "who am I".
    keys.key(KeyCode::Esc);
    keys.key(KeyCode::Tab);
    let sessions = frame_where(&mut frames, "the sessions' details", |f| {
        f.contains("who am I")
    })
    .await;
    assert!(sessions.contains("↪ pipeline"), "{sessions}");
    assert!(sessions.contains("↪ break-glass"), "{sessions}");

    // A held chain refreshes from its source: new credentials, same role.
    let before = emu.assumed().len();
    keys.key(KeyCode::Home);
    keys.ctrl('e');
    frame_where(&mut frames, "the refresh", |f| {
        f.contains("↪ pipeline refreshed")
    })
    .await;
    assert_eq!(emu.assumed().len(), before + 1);

    keys.ctrl('c');
    tokio::time::timeout(Duration::from_secs(10), app)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let history: Vec<String> =
        serde_json::from_slice(&std::fs::read(paths.state_dir.join("role-history.json")).unwrap())
            .unwrap();
    assert_eq!(history, ["arn:aws:iam::909061163445:role/ecr-push"]);
}
