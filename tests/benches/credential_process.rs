//! `rolecall credential-process` as the AWS CLI runs it: the real release binary, started anew
//! for every call, answering from kept credentials (the fast path: no network, no async
//! runtime). Goal: ≤ 10 ms for the whole process.
//!
//! `cargo bench --bench credential_process` (`CREDPROC_BENCH_RUNS` for another count, 300 by
//! default). The emulator runs in-process; each case gets a throwaway HOME, signs in with the
//! device code (auto-approved), asks once so the credentials are kept, then times `RUNS`
//! calls. It checks that no timed call reached GetRoleCredentials.
//!
//! Cases: the file store with a 3-account and a 1000-account catalog; `rolecall --version`
//! (the floor: starting the process at all); and, only with `CREDPROC_BENCH_KEYRING=1` (run it
//! inside a throwaway Secret Service, e.g. `dbus-run-session` + `gnome-keyring-daemon
//! --unlock`, never your own keyring), the keyring backend and `auto` (whose fast path reads the
//! keyring without probing it first), each with the kernel keyring cache in front of the
//! Secret Service as it comes, and the keyring once more with that cache emptied before every
//! call (a new login session's first call: the Secret Service read plus filling the cache).
//! Prints a markdown table.

use std::error::Error;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rolecall::emulator::{Api, Emulator, Org, org_generate};

#[path = "summary.rs"]
mod summary;

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

const SMALL_ORG: &str = r#"
[settings]
device_poll_interval = 1
approve_after_seconds = 0

[[identity_centers]]
id = "d-1111111111"
start_url = "https://bench.awsapps.com/start"
region = "us-east-1"

[[accounts]]
id = "111111111111"
name = "payments-prod"
permission_sets = ["AdministratorAccess", "ReadOnlyAccess"]

[[accounts]]
id = "222222222222"
name = "payments-dev"
permission_sets = ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"]

[[accounts]]
id = "333333333333"
name = "security-audit"
permission_sets = ["SecurityAudit"]

[[users]]
name = "alice"
accounts = ["payments-prod", "222222222222", "security-audit"]
"#;

type Res<T> = Result<T, Box<dyn Error>>;

/// A throwaway HOME pointing rolecall at the emulator with one `[sso-session]`.
struct Home {
    dir: tempfile::TempDir,
    url: String,
    /// Its `[sso-session]`'s name.
    session: String,
}

impl Home {
    fn new(emu: &Emulator, backend: &str) -> Res<Self> {
        let dir = tempfile::tempdir()?;
        let aws = dir.path().join(".aws");
        std::fs::create_dir_all(&aws)?;
        // A name of its own, so a keyring run never touches a real session's entries.
        let name = format!("rolecall-bench-{}", std::process::id());
        std::fs::write(
            aws.join("config"),
            format!(
                "[sso-session {name}]\nsso_start_url = {}\nsso_region = {}\n\
                 sso_registration_scopes = sso:account:access\n",
                emu.start_url().ok_or("the org has no identity center")?,
                emu.region()
            ),
        )?;
        std::fs::write(
            dir.path().join("rolecall.toml"),
            format!("[storage]\nbackend = \"{backend}\"\n"),
        )?;
        Ok(Self {
            dir,
            url: emu.url(),
            session: name,
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("ROLECALL_CONFIG", self.dir.path().join("rolecall.toml"))
            .env("ROLECALL_LOG_FILE", self.dir.path().join("rolecall.log"))
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null());
        for var in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
            if let Some(v) = std::env::var_os(var) {
                cmd.env(var, v);
            }
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> Res<String> {
        let out = self.command(args).output()?;
        if !out.status.success() {
            return Err(format!(
                "rolecall {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )
            .into());
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    /// Signs in, picks the first listed role, and asks once so its credentials are kept.
    /// Returns the target and the key its credentials are kept under.
    fn prepare(&self) -> Res<(String, String)> {
        self.run(&["login", "--device-code"])?;
        let rows: serde_json::Value = serde_json::from_str(&self.run(&["list", "--json"])?)?;
        let first = rows.get(0).ok_or("nothing listed")?;
        let target = format!(
            "{}/{}",
            first["account_name"].as_str().ok_or("no account name")?,
            first["role_name"].as_str().ok_or("no role name")?
        );
        self.run(&["credential-process", &target])?;
        let key = format!(
            "creds/{}/{}/{}",
            self.session,
            first["account_id"].as_str().ok_or("no account id")?,
            first["role_name"].as_str().ok_or("no role name")?
        );
        Ok((target, key))
    }
}

struct Row {
    /// The key of its `bench-summary` lines.
    key: &'static str,
    case: String,
    times: Vec<Duration>,
    network_calls: u64,
}

fn time_runs(
    home: &Home,
    args: &[&str],
    runs: usize,
    check_json: bool,
    before_each: &dyn Fn(),
) -> Res<Vec<Duration>> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        before_each();
        let mut cmd = home.command(args);
        let start = Instant::now();
        let out = cmd.output()?;
        times.push(start.elapsed());
        if !out.status.success()
            || (check_json && !out.stdout.starts_with(br#"{"Version":1,"AccessKeyId""#))
        {
            return Err(format!(
                "rolecall {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )
            .into());
        }
    }
    times.sort();
    Ok(times)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// How a case treats the kernel keyring cache in front of the OS keyring.
#[derive(Clone, Copy, PartialEq)]
enum KernelCache {
    /// As it comes: filled by the first call, read by every later one.
    Warm,
    /// Emptied before every call: the first call of a new login session.
    Cold,
}

/// Drops the entry `key` from the kernel keyring this process and its children share.
fn drop_kernel_entry(key: &str) {
    #[cfg(target_os = "linux")]
    if let Ok(ring) =
        linux_keyutils::KeyRing::from_special_id(linux_keyutils::KeyRingIdentifier::Session, false)
        && let Ok(entry) = ring.search(&format!("rolecall:{key}"))
    {
        let _ = entry.invalidate();
    }
    #[cfg(not(target_os = "linux"))]
    let _ = key;
}

/// Times the fast path with `backend` against `emu`.
fn bench_case(
    emu: &Emulator,
    key: &'static str,
    case: &str,
    backend: &str,
    runs: usize,
    kernel: KernelCache,
) -> Res<Row> {
    let home = Home::new(emu, backend)?;
    let (target, kept_key) = home.prepare()?;
    let before = emu.stats(Api::GetRoleCredentials).requests;
    let before_each = || {
        if kernel == KernelCache::Cold {
            drop_kernel_entry(&kept_key);
        }
    };
    let times = time_runs(
        &home,
        &["credential-process", &target],
        runs,
        true,
        &before_each,
    )?;
    let network_calls = emu.stats(Api::GetRoleCredentials).requests - before;
    // Leaves nothing behind in a keyring.
    let _ = home.run(&["logout"]);
    Ok(Row {
        key,
        case: case.to_owned(),
        times,
        network_calls,
    })
}

fn main() -> Res<()> {
    let runs: usize = std::env::var("CREDPROC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let keyring = std::env::var("CREDPROC_BENCH_KEYRING").is_ok_and(|v| v == "1");
    let rt = tokio::runtime::Runtime::new()?;
    let small = rt.block_on(Emulator::start(Org::parse(SMALL_ORG, "bench-org.toml")?, 0))?;
    let mut large_org = org_generate::generate(1000, 42);
    large_org.settings.approve_after_seconds = Some(0.0);
    large_org.settings.device_poll_interval = 1;
    let large = rt.block_on(Emulator::start(large_org, 0))?;

    let mut rows = Vec::new();
    let floor_home = Home::new(&small, "file")?;
    rows.push(Row {
        key: "version",
        case: "`rolecall --version` (process start, the floor)".into(),
        times: time_runs(&floor_home, &["--version"], runs, false, &|| ())?,
        network_calls: 0,
    });
    rows.push(bench_case(
        &small,
        "file_small",
        "file store, 3-account catalog",
        "file",
        runs,
        KernelCache::Warm,
    )?);
    rows.push(bench_case(
        &large,
        "file_large",
        "file store, 1000-account catalog",
        "file",
        runs,
        KernelCache::Warm,
    )?);
    let mut skipped = Vec::new();
    if keyring {
        for (key, case, backend, kernel) in [
            (
                "keyring_small",
                "keyring (Secret Service) + kernel keyring cache, 3-account catalog",
                "keyring",
                KernelCache::Warm,
            ),
            (
                "keyring_cold",
                "keyring, kernel cache emptied before each call (a new login's first call)",
                "keyring",
                KernelCache::Cold,
            ),
            (
                "auto_small",
                "auto (no probe on the fast path) + kernel cache, 3-account catalog",
                "auto",
                KernelCache::Warm,
            ),
        ] {
            match bench_case(&small, key, case, backend, runs, kernel) {
                Ok(row) => rows.push(row),
                Err(e) => skipped.push(format!("{case}: {e}")),
            }
        }
    } else {
        skipped.push(
            "keyring and auto: set CREDPROC_BENCH_KEYRING=1 inside a throwaway Secret Service"
                .into(),
        );
    }

    println!("\n`rolecall credential-process`, {runs} runs each (release build, whole process)\n");
    println!("| case | p50 ms | p99 ms | min ms | max ms | GetRoleCredentials calls |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            row.case,
            ms(percentile(&row.times, 50.0)),
            ms(percentile(&row.times, 99.0)),
            ms(percentile(&row.times, 0.0)),
            ms(percentile(&row.times, 100.0)),
            row.network_calls
        );
        let key = row.key;
        for (name, p) in [("p50", 50.0), ("p99", 99.0)] {
            let value = percentile(&row.times, p).as_secs_f64() * 1000.0;
            summary::report(&format!("credproc.{key}.{name}_ms"), value);
        }
    }
    for s in &skipped {
        println!("\nskipped: {s}");
    }
    if rows.iter().any(|r| r.network_calls > 0) {
        return Err("a timed call went to the network: the fast path was missed".into());
    }
    Ok(())
}
