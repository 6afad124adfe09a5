//! The app's speed and memory (`cargo bench --bench app`): warm start to the first full frame
//! from a cached catalog, keystroke to filtered frame (p50/p99), an account's roles arriving
//! during a listing to the rows rebuilt and drawn, and resident memory, at 10,000 and 100,000
//! roles. Prints a markdown table. Not a test: nothing here asserts a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::sync::Arc;

use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
use rolecall::adapters::aws_sso_cache::AwsSsoCache;
use rolecall::adapters::file_store::FileStore;
use rolecall::catalog::{CatalogCache, CatalogEvent, ListOptions};
use rolecall::compose::{self, AppSetup};
use rolecall::config::Config;
use rolecall::core::app::state::AppSettings;
use rolecall::core::app::{Key, Keymap, Msg, update};
use rolecall::core::catalog::{Account, AccountEntry, Catalog, Roles};
use rolecall::core::sso::SsoSession;
use rolecall::core::sso::{Registration, SignedIn, SsoToken};
use rolecall::environment::Environment;
use rolecall::paths::Paths;
use rolecall::ports::opener::{OpenError, Opener};
use rolecall::ports::reporter::Quiet;
use rolecall::secret::Secret;
use rolecall::session_store::SessionStore;
use rolecall::ui::{Theme, ViewCtx, draw, layout::list_area};

#[path = "summary.rs"]
mod summary;

const TEAMS: &[&str] = &[
    "payments",
    "identity",
    "search",
    "data-platform",
    "mobile-api",
    "web-frontend",
    "ml-training",
    "observability",
    "billing",
    "checkout",
    "inventory",
    "logistics",
];
const ENVS: &[&str] = &["prod", "staging", "dev", "qa", "perf"];
const ROLES: &[&str] = &[
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "DataScientist",
    "ViewOnlyAccess",
];

fn catalog(roles: usize) -> Catalog {
    let mut accounts = Vec::new();
    let mut count = 0;
    let mut i = 0;
    while count < roles {
        let n = 3 + i % 3;
        let take = n.min(roles - count);
        accounts.push(AccountEntry {
            account: Account {
                id: format!("{:012}", 100_000_000_000u64 + i as u64 * 7919)
                    .parse()
                    .unwrap(),
                name: format!(
                    "{}-{}-{}",
                    TEAMS[i % TEAMS.len()],
                    ENVS[(i / TEAMS.len()) % ENVS.len()],
                    i
                ),
                email: Some(format!("aws+{i}@acme.example")),
            },
            roles: Roles::Listed(ROLES[..take].iter().map(|r| r.to_string()).collect()),
        });
        count += take;
        i += 1;
    }
    Catalog {
        session: "bench".into(),
        listed_at: 1_795_457_000,
        accounts,
    }
}

fn signed_in(now: SystemTime) -> SignedIn {
    SignedIn {
        registration: Registration {
            client_id: "c".into(),
            client_secret: Secret::new("s".into()),
            expires_at: now + Duration::from_secs(86_400),
            grant_types: vec![],
        },
        token: SsoToken {
            access_token: Secret::new("a".into()),
            expires_at: now + Duration::from_secs(28_800),
            refresh_token: None,
        },
    }
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

struct Row {
    roles: usize,
    start_ms: f64,
    p50: f64,
    p99: f64,
    max: f64,
    /// An account's roles arriving while listing → the rows rebuilt and a frame drawn.
    arrive_p50: f64,
    arrive_max: f64,
    rss_mib: f64,
}

/// No browser in a bench.
struct NoBrowser;

impl Opener for NoBrowser {
    fn can_open(&self) -> bool {
        false
    }

    fn open(&self, _: &str) -> Result<(), OpenError> {
        Err(OpenError::NoBrowser)
    }
}

fn measure(roles: usize) -> Row {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().to_owned();
    let paths = Paths::from_lookup(|k| (k == "HOME").then(|| home.clone().into_os_string()))
        .expect("paths");
    let session = SsoSession {
        name: "bench".into(),
        start_url: "https://bench.awsapps.com/start".into(),
        region: "us-east-1".into(),
        scopes: vec!["sso:account:access".into()],
        legacy: false,
    };
    CatalogCache::for_session(&paths, &session.name)
        .save(&catalog(roles))
        .expect("cache written");
    let config = Config {
        file: Default::default(),
        source: None,
        sessions: vec![session.clone()],
        endpoints: BTreeMap::from([(session.name.clone(), "http://127.0.0.1:9".to_owned())]),
        chains: Default::default(),
        aliases: BTreeMap::new(),
        notices: Vec::new(),
    };
    let store = SessionStore::new(
        Box::new(FileStore::new(&paths.state_dir)),
        AwsSsoCache::new(paths.sso_cache_dir.clone()),
    );
    let workspace = compose::workspace(
        paths.clone(),
        config,
        Environment::default(),
        store,
        Arc::new(Quiet),
    );
    let idc = Arc::new(AwsIdentityCenter::new(
        &session.region,
        Some("http://127.0.0.1:9"),
    ));
    let now = SystemTime::now();
    let ctx = ViewCtx {
        now,
        theme: Theme::colored(),
    };

    // Warm start: the app as the composition root builds it (the cache read, the state
    // built), signed in from the store, one frame drawn.
    let started = Instant::now();
    let setup = AppSetup {
        session,
        settings: AppSettings::default(),
        keymap: Keymap::default(),
        list: ListOptions::default(),
        client_name: "rolecall-bench".into(),
        frecency_file: None,
        history_file: None,
    };
    let mut state = compose::app(Arc::new(workspace), setup, idc, Arc::new(NoBrowser)).state;
    state.list.stale = false;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let (top, height) = list_area(120, 40, &state);
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 40,
            list_top: top,
            list_height: height,
        },
        now,
    );
    update(
        &mut state,
        Msg::Start {
            stored: Some(signed_in(now)),
        },
        now,
    );
    terminal.draw(|f| draw(f, &state, &ctx)).expect("draw");
    let start_ms = started.elapsed().as_secs_f64() * 1000.0;
    let rss_mib = rss_kib().unwrap_or(0) as f64 / 1024.0;

    // Keystrokes: type queries and backspace them, drawing a frame after each key.
    let mut times = Vec::new();
    for _ in 0..10 {
        for query in ["payments prod admin", "dtsci", "7919 read"] {
            let keys = query
                .chars()
                .map(Key::Char)
                .chain(std::iter::repeat_n(Key::Backspace, query.len()));
            for key in keys {
                let t = Instant::now();
                update(&mut state, Msg::Key(key), now);
                terminal.draw(|f| draw(f, &state, &ctx)).expect("draw");
                times.push(t.elapsed());
            }
        }
    }
    times.sort();

    // A listing streaming in: an account's roles arrive (changed, past the batching window, so
    // the rows are rebuilt), then a frame is drawn.
    update(&mut state, Msg::Key(Key::Ctrl('r')), now);
    let entries = state.list.catalog.accounts.clone();
    let mut arrivals = Vec::new();
    for (i, entry) in entries.iter().cycle().take(60).enumerate() {
        let mut roles = entry.roles.known().to_vec();
        if i % 2 == 0 {
            roles.push("BreakGlass".into());
        }
        let at = now + Duration::from_secs(i as u64 + 1);
        let t = Instant::now();
        update(
            &mut state,
            Msg::Catalog(CatalogEvent::RolesFetched {
                account_id: entry.account.id.to_string(),
                roles: Roles::Listed(roles),
                done: i,
                total: entries.len(),
            }),
            at,
        );
        terminal.draw(|f| draw(f, &state, &ctx)).expect("draw");
        arrivals.push(t.elapsed());
    }
    arrivals.sort();
    Row {
        roles,
        start_ms,
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        max: percentile(&times, 1.0),
        arrive_p50: percentile(&arrivals, 0.5),
        arrive_max: percentile(&arrivals, 1.0),
        rss_mib,
    }
}

fn main() {
    println!(
        "| roles | warm start → first frame | keystroke → frame p50 | p99 | max | roles arriving → rows rebuilt + frame, p50 / max | RSS after first frame |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for roles in [10_000, 100_000] {
        let r = measure(roles);
        println!(
            "| {} | {:.1} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} / {:.2} ms | {:.1} MiB |",
            r.roles, r.start_ms, r.p50, r.p99, r.max, r.arrive_p50, r.arrive_max, r.rss_mib
        );
        summary::report(&format!("app.arrive_p50_ms.{roles}"), r.arrive_p50);
        summary::report(&format!("app.start_ms.{roles}"), r.start_ms);
        summary::report(&format!("app.key_p50_ms.{roles}"), r.p50);
        summary::report(&format!("app.key_p99_ms.{roles}"), r.p99);
        summary::report(&format!("app.rss_mib.{roles}"), r.rss_mib);
    }
}
