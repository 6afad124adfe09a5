//! TARGET completion as a shell runs it: the real release binary, started anew for every Tab
//! (`COMPLETE=bash rolecall -- rolecall exec PREFIX`, as the bash script calls it), answering
//! from a cached catalog of `COMPLETION_BENCH_ROLES` roles (10,000 by default) with no network
//! and no token store. Goal: ≤ 20 ms for the whole process.
//!
//! `cargo bench --bench completion` (`COMPLETION_BENCH_RUNS` for another count, 200 by
//! default). Prints a markdown table and `bench-summary` lines.

use std::error::Error;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use rolecall::catalog::CatalogCache;
use rolecall::core::catalog::{Account, AccountEntry, AccountId, Catalog, Roles};

#[path = "summary.rs"]
mod summary;

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

type Res<T> = Result<T, Box<dyn Error>>;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `roles` roles, four per account, over accounts named `team-N-env`.
fn catalog(roles: usize) -> Res<Catalog> {
    const ENVS: [&str; 4] = ["prod", "staging", "dev", "sandbox"];
    const ROLES: [&str; 4] = [
        "AdministratorAccess",
        "ReadOnlyAccess",
        "PowerUser",
        "Billing",
    ];
    let accounts = (0..roles.div_ceil(ROLES.len()))
        .map(|i| -> Res<AccountEntry> {
            Ok(AccountEntry {
                account: Account {
                    id: AccountId::parse(&format!("{:012}", 100_000_000_000u64 + i as u64))?,
                    name: format!("team{}-{}", i / 4, ENVS[i % ENVS.len()]),
                    email: None,
                },
                roles: Roles::Listed(ROLES.iter().map(|r| (*r).to_owned()).collect()),
            })
        })
        .collect::<Res<Vec<_>>>()?;
    Ok(Catalog {
        session: "bench".into(),
        listed_at: 1_795_457_000,
        accounts,
    })
}

fn home(roles: usize) -> Res<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join(".aws"))?;
    std::fs::write(
        dir.path().join(".aws/config"),
        "[sso-session bench]\nsso_start_url = https://bench.awsapps.com/start\nsso_region = us-east-1\n",
    )?;
    std::fs::write(
        dir.path().join("rolecall.toml"),
        "[storage]\nbackend = \"file\"\n",
    )?;
    let paths = rolecall::paths::Paths::from_lookup(|k| {
        (k == "HOME").then(|| dir.path().as_os_str().to_owned())
    })?;
    CatalogCache::for_session(&paths, "bench").save(&catalog(roles)?)?;
    Ok(dir)
}

fn ask(home: &Path, prefix: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["--", "rolecall", "exec", prefix])
        .env_clear()
        .env("HOME", home)
        .env("ROLECALL_CONFIG", home.join("rolecall.toml"))
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_IFS", "\n")
        .stdin(Stdio::null());
    cmd
}

fn main() -> Res<()> {
    let roles = env_number("COMPLETION_BENCH_ROLES", 10_000);
    let runs = env_number("COMPLETION_BENCH_RUNS", 200);
    let dir = home(roles)?;
    println!("| prefix | candidates | p50 ms | p99 ms |\n|---|---|---|---|");
    for (key, prefix) in [("narrow", "team12-prod/"), ("wide", "team1")] {
        let mut times = Vec::with_capacity(runs);
        let mut candidates = 0;
        for _ in 0..runs {
            let mut cmd = ask(dir.path(), prefix);
            let start = Instant::now();
            let out = cmd.output()?;
            times.push(start.elapsed());
            candidates = out
                .stdout
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count();
            if !out.status.success() || candidates == 0 {
                return Err(format!(
                    "completion of {prefix:?} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
                .into());
            }
        }
        times.sort();
        let p50 = summary::percentile(&times, 50.0).as_secs_f64() * 1000.0;
        let p99 = summary::percentile(&times, 99.0).as_secs_f64() * 1000.0;
        println!("| `{prefix}` | {candidates} | {p50:.2} | {p99:.2} |");
        summary::report(&format!("completion.{key}.p50_ms"), p50);
        summary::report(&format!("completion.{key}.p99_ms"), p99);
    }
    summary::report("completion.roles", roles as f64);
    Ok(())
}
