//! Listing a large catalog under an AWS-like rate limit, and loading a big catalog cache.
//!
//! `cargo bench --bench catalog_listing` (set `CATALOG_BENCH_ACCOUNTS` for another size,
//! `CATALOG_BENCH_BURST` for another bucket size, `CATALOG_BENCH_APP_ACCOUNTS` for the size of
//! the org the app fills its list from, 10,000 by default, 0 to leave that part out).
//! The emulator runs in-process with a generated org of 1000 accounts × 3 roles, a token
//! bucket of 20 req/s (burst 20) and 20 ms latency on the portal APIs. A listing needs one
//! ListAccounts call per 100 accounts and one ListAccountRoles call per account, so at
//! 20 req/s it cannot finish sooner than `needed ÷ 20` seconds (the *floor*); the ratio of
//! the elapsed time to that floor shows how well the pacer learned the limit (goal ≤ 1.1).
//! Then the whole app (the real runtime on `TestBackend`, the real SDK adapter) signs in to an
//! org of `CATALOG_BENCH_APP_ACCOUNTS` at the same limit, with a query typed the moment the list
//! shows: the time from signed in to the first role row, and to the first row matching it.
//! Prints markdown tables.

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
use rolecall::catalog::{CatalogCache, CatalogEvent, ListOptions, ListSummary, Lister};
use rolecall::core::catalog::{Account, AccountEntry, Catalog, Roles};
use rolecall::emulator::org_generate::{self, PERMISSION_SETS};
use rolecall::emulator::{Api, Emulator, Faults, Org};
use rolecall::ports::identity_center::{IdentityCenter, RegisterRequest, TokenGrant};
use rolecall::secret::Secret;
use tokio::sync::mpsc::unbounded_channel;

#[path = "summary.rs"]
mod summary;

#[path = "../common/mod.rs"]
#[allow(clippy::all, unreachable_pub)]
mod common;

const RATE_LIMIT: f64 = 20.0;
const LATENCY_MS: u64 = 20;
const PORTAL_APIS: [&str; 4] = [
    "ListAccounts",
    "ListAccountRoles",
    "GetRoleCredentials",
    "Logout",
];

/// The generated org with exactly three roles per account and the benchmark's faults.
fn org(accounts: usize, burst: f64) -> Org {
    let mut org = org_generate::generate(accounts, 42);
    for (i, account) in org.accounts.iter_mut().enumerate() {
        account.permission_sets = (0..3)
            .map(|k| {
                PERMISSION_SETS[(i + k) % PERMISSION_SETS.len()]
                    .0
                    .to_owned()
            })
            .collect();
    }
    org.faults = Faults {
        latency_ms: PORTAL_APIS
            .iter()
            .map(|api| ((*api).to_owned(), LATENCY_MS))
            .collect(),
        rate_limit_rps: Some(RATE_LIMIT),
        rate_limit_burst: Some(burst),
        ..Faults::default()
    };
    org
}

/// The query typed at once: it names role rows of the generated org (no account row matches).
const QUERY: &str = "prod admin";

/// Runs the app against an org of `accounts` at the bench's limit: signs in with the device
/// code (approved at once), types `query` (if any) as soon as the catalog screen shows, and
/// returns the time from then to the first role row on screen (with a query: one matching it).
async fn app_fills_in(accounts: usize, query: Option<&str>) -> Result<Duration, Box<dyn Error>> {
    use common::app::{AppOptions, start_app};
    let mut org = org(accounts, RATE_LIMIT);
    org.settings.approve_after_seconds = Some(0.0);
    let emu = Emulator::start(org, 0).await?;
    let home = tempfile::tempdir()?;
    let options = AppOptions {
        session: rolecall::core::sso::SsoSession {
            name: common::app::SESSION.into(),
            start_url: emu.start_url().ok_or("no start URL")?.to_owned(),
            region: emu.region().to_owned(),
            scopes: vec!["sso:account:access".into()],
            legacy: false,
        },
        list: ListOptions::default(),
        ..AppOptions::default()
    };
    let mut app = start_app(&emu, home.path(), options);
    app.frame_with("listing accounts").await;
    let signed_in = Instant::now();
    if let Some(query) = query {
        app.type_text(query);
    }
    // A role row: a line naming one of the permission sets (an account row whose roles are
    // loading names none); with the query typed, every row on screen matches it.
    let found = app
        .frame_where("a role row", |f| {
            f.lines().skip(2).any(|l| {
                PERMISSION_SETS
                    .iter()
                    .any(|(name, _)| l.contains(&format!("  {name}")))
            }) && query.is_none_or(|q| f.contains(q))
        })
        .await;
    let elapsed = signed_in.elapsed();
    let listing = found.contains("listing");
    let _ = app.quit().await;
    if !listing {
        eprintln!("(the listing had ended by the time the row showed)");
    }
    Ok(elapsed)
}

/// Signs in with the device flow through the real adapter, approving on the emulator.
async fn sign_in(
    emu: &Emulator,
    idc: &AwsIdentityCenter,
) -> Result<Secret<String>, Box<dyn Error>> {
    let registration = idc
        .register_client(&RegisterRequest {
            client_name: "rolecall-bench".into(),
            scopes: vec!["sso:account:access".into()],
            grant_types: Vec::new(),
            redirect_uris: Vec::new(),
            issuer_url: None,
        })
        .await?;
    let start_url = emu.start_url().ok_or("the org has no identity center")?;
    let auth = idc
        .start_device_authorization(&registration, start_url)
        .await?;
    emu.approve_devices();
    let token = idc
        .create_token(&registration, TokenGrant::DeviceCode(&auth.device_code))
        .await?;
    Ok(token.access_token)
}

struct Listed {
    summary: ListSummary,
    elapsed: Duration,
    /// (seconds since start, rate) at every rate event.
    rates: Vec<(f64, f64)>,
}

async fn list(emu: &Emulator) -> Result<Listed, Box<dyn Error>> {
    let idc = Arc::new(AwsIdentityCenter::new(emu.region(), Some(&emu.url())));
    let token = sign_in(emu, &idc).await?;
    let lister = Lister::new(idc, "bench", token, ListOptions::default());
    let (tx, mut rx) = unbounded_channel();
    let started = Instant::now();
    let watch = async {
        let mut rates = Vec::new();
        let mut summary = None;
        while let Some(event) = rx.recv().await {
            match event {
                CatalogEvent::Rate { per_sec } => {
                    rates.push((started.elapsed().as_secs_f64(), per_sec))
                }
                CatalogEvent::Done(s) => summary = Some(s),
                _ => {}
            }
        }
        (rates, summary)
    };
    let (catalog, (rates, summary)) = tokio::join!(lister.list(Some(tx)), watch);
    let elapsed = started.elapsed();
    let catalog = catalog?;
    let summary = summary.ok_or("the listing sent no Done event")?;
    assert_eq!(
        catalog.accounts.len(),
        emu.org().accounts.len(),
        "every account listed"
    );
    Ok(Listed {
        summary,
        elapsed,
        rates,
    })
}

/// A catalog of `roles` roles, four per account.
fn big_catalog(roles: usize) -> Catalog {
    let accounts = roles.div_ceil(4);
    Catalog {
        session: "bench".into(),
        listed_at: 1_700_000_000,
        accounts: (0..accounts)
            .map(|i| AccountEntry {
                account: Account {
                    id: format!("{:012}", 100_000_000_000u64 + i as u64)
                        .parse()
                        .unwrap_or_else(|e| panic!("{e}")),
                    name: format!("team-{:03}-env-{i:05}", i % 97),
                    email: Some(format!("aws+account-{i:05}@example.com")),
                },
                roles: Roles::Listed(
                    [
                        "AdministratorAccess",
                        "PowerUserAccess",
                        "ReadOnlyAccess",
                        "ViewOnlyAccess",
                    ]
                    .iter()
                    .take(roles - i * 4)
                    .map(|r| (*r).to_owned())
                    .collect(),
                ),
            })
            .collect(),
    }
}

/// Saves a 10 000-role catalog and loads it `runs` times: (file size, median, slowest).
fn cache_load(runs: usize) -> Result<(u64, Duration, Duration), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let cache = CatalogCache::new(dir.path(), "bench");
    let catalog = big_catalog(10_000);
    assert_eq!(catalog.role_count(), 10_000);
    cache.save(&catalog)?;
    let size = std::fs::metadata(cache.path())?.len();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let loaded = cache.load();
        times.push(started.elapsed());
        if loaded.catalog.as_ref() != Some(&catalog) {
            return Err(format!("the cache did not round-trip: {:?}", loaded.notice).into());
        }
    }
    times.sort();
    Ok((size, times[runs / 2], times[runs - 1]))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let accounts: usize = std::env::var("CATALOG_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let burst: f64 = std::env::var("CATALOG_BENCH_BURST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RATE_LIMIT);
    let emu = Emulator::start(org(accounts, burst), 0).await?;
    eprintln!(
        "listing {accounts} accounts × 3 roles at {RATE_LIMIT} req/s (burst {burst}, {LATENCY_MS} ms latency)…"
    );
    let listed = list(&emu).await?;

    let (a, r) = (
        emu.stats(Api::ListAccounts),
        emu.stats(Api::ListAccountRoles),
    );
    let requests = a.requests + r.requests;
    let throttled = a.throttled + r.throttled;
    let needed = requests - throttled - a.server_errors - r.server_errors;
    let elapsed = listed.elapsed.as_secs_f64();
    let floor = needed as f64 / RATE_LIMIT;
    let floor_all = requests as f64 / RATE_LIMIT;
    let s = &listed.summary;

    println!(
        "## Catalog listing: {accounts} accounts × 3 roles, {RATE_LIMIT} req/s bucket (burst {burst}), {LATENCY_MS} ms latency\n"
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| requests made (server count) | {requests} ({} ListAccounts, {} ListAccountRoles) |",
        a.requests, r.requests
    );
    println!(
        "| of which throttled (429) | {throttled} ({:.1} %) |",
        100.0 * throttled as f64 / requests as f64
    );
    println!("| requests needed (went through) | {needed} |");
    println!("| elapsed | {elapsed:.1} s |");
    println!("| floor = needed ÷ {RATE_LIMIT} req/s | {floor:.1} s |");
    println!(
        "| **ratio to floor** (goal ≤ 1.1) | **{:.3}** |",
        elapsed / floor
    );
    println!(
        "| floor = all requests ÷ {RATE_LIMIT} req/s | {floor_all:.1} s (ratio {:.3}) |",
        elapsed / floor_all
    );
    println!("| failed accounts (goal 0) | {} |", s.unavailable);
    println!("| roles listed | {} |", s.roles);
    println!(
        "| client count: requests / throttled / 5xx | {} / {} / {} |",
        s.requests, s.throttled, s.failed
    );
    println!("| final rate | {:.2} req/s |", s.final_rate);
    summary::report("listing.accounts", accounts as f64);
    summary::report("listing.requests_needed", needed as f64);
    summary::report("listing.elapsed_s", elapsed);
    summary::report("listing.floor_s", floor);
    summary::report("listing.ratio", elapsed / floor);
    summary::report("listing.failed_accounts", s.unavailable as f64);

    println!("\n### Learned rate over time\n");
    println!("| t (s) | rate (req/s) |");
    println!("|---|---|");
    let mut next_mark = 0.0;
    for (t, rate) in &listed.rates {
        if *t >= next_mark {
            println!("| {t:.1} | {rate:.2} |");
            next_mark = (t / 5.0).floor() * 5.0 + 5.0;
        }
    }

    let app_accounts: usize = std::env::var("CATALOG_BENCH_APP_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    if app_accounts > 0 {
        eprintln!("the app filling its list from {app_accounts} accounts at {RATE_LIMIT} req/s…");
        let first_row = app_fills_in(app_accounts, None).await?;
        let first_match = app_fills_in(app_accounts, Some(QUERY)).await?;
        println!(
            "\n## The app's list filling in: {app_accounts} accounts × 3 roles, {RATE_LIMIT} req/s, “{QUERY}” typed at once\n"
        );
        println!("| measure | value |");
        println!("|---|---|");
        println!(
            "| signed in → first role row | {:.2} s |",
            first_row.as_secs_f64()
        );
        println!(
            "| signed in → first row matching the query | {:.2} s |",
            first_match.as_secs_f64()
        );
        summary::report("fill.accounts", app_accounts as f64);
        summary::report("fill.first_row_s", first_row.as_secs_f64());
        summary::report("fill.first_match_s", first_match.as_secs_f64());
    }

    let runs = 30;
    let (size, median, slowest) = cache_load(runs)?;
    println!("\n## Catalog cache: load 10 000 roles (2 500 accounts)\n");
    println!("| measure | value |");
    println!("|---|---|");
    println!("| file size | {:.0} KiB |", size as f64 / 1024.0);
    println!(
        "| load, median of {runs} | {:.2} ms |",
        median.as_secs_f64() * 1e3
    );
    println!(
        "| load, slowest of {runs} | {:.2} ms |",
        slowest.as_secs_f64() * 1e3
    );
    summary::report("cache.load_10k_ms", median.as_secs_f64() * 1e3);
    Ok(())
}
