//! A hostile identity center: account and role names holding shell code (`$()`, backticks,
//! quotes), INI line breaks, `\r`, NUL, terminal escapes (OSC 52, OSC 8, CSI, C1), bidi and
//! zero-width characters, a 64 KB name and account ids that are not 12 digits, served by the
//! emulator as a compromised portal (or a proxy) could. Every subcommand and the app run against
//! it, and the suite asserts what issue 11 promises:
//! - no file is created by an injected command (every `MARK-*` name below is a command's target);
//! - `~/.aws/config` is still parsed by botocore, with exactly the intended profiles;
//! - no ESC, C1, other control, bidi or zero-width character on stdout or stderr outside `--json`
//!   (and the app's raw pane output carries no OSC and no such character);
//! - no panic (exit 101) and no hang: every command runs under a limit and is killed after it;
//! - no secret in the log at `ROLECALL_LOG=trace`.
//!
//! Far-future expiries, endless page tokens and a hostile verification URL are emulator knobs
//! (`[faults]`) of their own; each has its test, which fails with the org's parse error while
//! the knob does not exist.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::cli_home::{BIN, Home, text};
use common::leaks::Secrets;
use common::tmux::Tmux;
use common::{REGION, START_URL};
use rolecall::emulator::{Emulator, Org};

/// How long any one command may take before it counts as hung.
const LIMIT: Duration = Duration::from_secs(30);

/// The good account: its profile must survive every writer.
const GOOD_ID: &str = "111111111111";

/// (account id, account name, role names). Every `touch MARK-…` must never run.
fn accounts() -> Vec<(String, String, Vec<String>)> {
    let a = |id: &str, name: &str, roles: &[&str]| {
        (
            id.to_owned(),
            name.to_owned(),
            roles.iter().map(|r| (*r).to_owned()).collect(),
        )
    };
    vec![
        a(GOOD_ID, "good", &["ReadOnly"]),
        a(
            "222222222222",
            "sandbox$(touch MARK-dollar)",
            &["Ops'Role`touch MARK-tick`$(touch MARK-role)", "ReadOnly"],
        ),
        a(
            "333333333333",
            "tick`touch MARK-tick2`\"quote'; touch MARK-semi",
            &["ReadOnly"],
        ),
        a(
            "444444444444",
            "line\n[default]\ncredential_process = touch MARK-nl",
            &[
                "x\n[default]\ncredential_process = sh -c 'touch MARK-ini'",
                "ReadOnly",
            ],
        ),
        a("555555555555", "cr\rreturn", &["r\rcr", "ReadOnly"]),
        a("666666666666", "nul\0byte", &["nul\0role", "ReadOnly"]),
        a(
            "777777777777",
            "osc52 \u{1b}]52;c;SGFja2VkIQ==\u{7} osc8 \u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\",
            &["\u{1b}[2J\u{1b}[31mcsi\u{9b}31m", "ReadOnly"],
        ),
        a(
            "888888888888",
            "bidi \u{202e}gnp.exe\u{202c} zero\u{200b}width\u{2060}\u{feff}",
            &["ReadOnly\u{200b}", "ReadOnly"],
        ),
        a("999999999999", &"L".repeat(65_536), &["ReadOnly"]),
        a("12345", "short-id$(touch MARK-id)", &["ReadOnly"]),
        a("1234567890123;touch MARK-id2", "long-id", &["ReadOnly"]),
    ]
}

/// `value` as a TOML basic string: every control and non-ASCII character as `\u` escapes.
fn toml_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// The hostile org, with `extra` (a `[faults]` table, say) appended.
fn hostile_org(extra: &str) -> String {
    let accounts = accounts();
    let mut org = format!(
        "[settings]\ndevice_poll_interval = 1\napprove_after_seconds = 0\nhostile_account_ids = true\n\n\
         [[identity_centers]]\nid = \"d-1111111111\"\nstart_url = \"{START_URL}\"\nregion = \"{REGION}\"\n\n"
    );
    for (id, name, roles) in &accounts {
        let roles: Vec<String> = roles.iter().map(|r| toml_string(r)).collect();
        org.push_str(&format!(
            "[[accounts]]\nid = {}\nname = {}\npermission_sets = [{}]\n\n",
            toml_string(id),
            toml_string(name),
            roles.join(", ")
        ));
    }
    let ids: Vec<String> = accounts.iter().map(|(id, _, _)| toml_string(id)).collect();
    org.push_str(&format!(
        "[[users]]\nname = \"alice\"\naccounts = [{}]\n\n{extra}",
        ids.join(", ")
    ));
    org
}

/// The runtime the emulators of this file run on (they outlive any one test).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// An emulator serving `org`, or why it cannot (an unknown knob, say).
fn emulator(org: &str) -> Result<Emulator, String> {
    let org = Org::parse(org, "hostile-org.toml").map_err(|e| e.to_string())?;
    runtime()
        .block_on(Emulator::start(org, 0))
        .map_err(|e| e.to_string())
}

/// The hostile emulator, shared by the tests that need no knob.
fn shared() -> &'static Emulator {
    static EMU: OnceLock<Emulator> = OnceLock::new();
    EMU.get_or_init(|| emulator(&hostile_org("")).expect("the hostile org starts"))
}

/// Each placeholder context of an `[[actions]]` command: (action name, command). One action
/// per context, so that a syntax error in one cannot hide code run by another.
const ACTIONS: [(&str, &str); 5] = [
    (
        "bare",
        "printf '%s|' {account_name} {role_name} {account_id} >/dev/null",
    ),
    (
        "dq",
        "printf '%s|' \"in {account_name} as {role_name} of {account_id}\" >/dev/null",
    ),
    (
        "sq",
        "printf '%s|' 'in {account_name} as {role_name} of {account_id}' >/dev/null",
    ),
    (
        "subst",
        "printf '%s|' \"$(printf '%s' {account_name} {role_name})\" $(printf %s {account_id}) >/dev/null",
    ),
    (
        "backtick",
        "printf '%s|' \"`printf '%s' {account_name}`\" `printf %s {role_name}` >/dev/null",
    ),
];

/// The rolecall config of every HOME here: [`ACTIONS`].
fn rolecall_toml() -> String {
    ACTIONS
        .iter()
        .map(|(name, command)| {
            format!("[[actions]]\nname = \"{name}\"\ncommand = '''{command}'''\n\n")
        })
        .collect()
}

/// A signed-in HOME on `emu`, logging at trace level.
fn home_on(emu: &Emulator, seen: &mut Findings) -> Home {
    let home = Home::new(emu, "", &rolecall_toml());
    let login = seen.run(&home, &["login", "--device-code", "--no-browser"]);
    assert_eq!(login.code, Some(0), "login: {}", text(&login.stderr));
    home
}

/// What one command did.
struct Ran {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Everything found wrong so far, reported together at the end of a test; and the log level
/// commands run at (trace unless a test would write a huge log).
struct Findings(Vec<String>, &'static str);

impl Default for Findings {
    fn default() -> Self {
        Self(Vec::new(), "trace")
    }
}

impl Findings {
    /// Runs `rolecall args…` in `home` at trace level, bounded by [`LIMIT`]; records a hang or
    /// a panic. Its output is checked for terminal control unless `args` asks for JSON.
    fn run(&mut self, home: &Home, args: &[&str]) -> Ran {
        self.run_for(home, args, LIMIT)
    }

    /// [`Findings::run`] with its own limit.
    fn run_for(&mut self, home: &Home, args: &[&str], limit: Duration) -> Ran {
        let ran = self.run_raw(home, args, limit);
        let json = args.contains(&"--json") || args.first() == Some(&"credential-process");
        if !json {
            self.clean(&format!("stdout of {}", show(args)), &ran.stdout);
        }
        self.clean(&format!("stderr of {}", show(args)), &ran.stderr);
        ran
    }

    fn run_raw(&mut self, home: &Home, args: &[&str], limit: Duration) -> Ran {
        let mut child = home
            .command(BIN, args)
            .env("ROLECALL_LOG", self.1)
            .env("RUST_BACKTRACE", "0")
            .current_dir(home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = out.read_to_end(&mut v);
            v
        });
        let stderr = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = err.read_to_end(&mut v);
            v
        });
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let ran = Ran {
            code: status.and_then(|s| s.code()),
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
        };
        match status {
            None => self
                .0
                .push(format!("{}: hung (killed after {limit:?})", show(args))),
            Some(_) if ran.code == Some(101) || text(&ran.stderr).contains("panicked") => {
                self.0.push(format!(
                    "{}: panicked (exit {:?}): {}",
                    show(args),
                    ran.code,
                    first_line_with(&text(&ran.stderr), "panicked")
                ))
            }
            Some(_) => {}
        }
        ran
    }

    /// Records every character of `bytes` a terminal would act on or hide.
    fn clean(&mut self, what: &str, bytes: &[u8]) {
        let t = text(bytes);
        let bad: Vec<String> = t
            .char_indices()
            .filter(|(_, c)| forbidden(*c))
            .take(3)
            .map(|(i, c)| {
                let from = t.floor_char_boundary(i.saturating_sub(20));
                format!("{c:?} after {:?}", &t[from..i])
            })
            .collect();
        if !bad.is_empty() {
            self.0.push(format!("{what}: terminal control {bad:?}"));
        }
    }

    fn assert_none(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} finding(s):\n- {}",
            self.0.len(),
            self.0.join("\n- ")
        );
    }
}

/// A character no plain output may carry raw: controls but newline and tab (ESC, BEL, `\r`,
/// NUL, C1 such as CSI U+009B), bidi controls and zero-width characters.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A command line for a message (64 KB names cut).
fn show(args: &[&str]) -> String {
    let line = args.join(" ");
    let cut: String = line.chars().take(80).collect();
    format!("`rolecall {}`", cut.escape_debug())
}

fn first_line_with(text: &str, needle: &str) -> String {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_default()
        .to_owned()
}

/// Files named `MARK-*` anywhere under `dir`: each was made by a name run as code.
fn markers(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                todo.push(path);
            } else if entry.file_name().to_string_lossy().contains("MARK") {
                found.push(path);
            }
        }
    }
    found
}

/// The end of every test: nothing injected ran (here or in the working directory of the test
/// binary), no secret the emulator issued is in the log.
fn finish(mut seen: Findings, home: &Home, emu: &Emulator, what: &str) {
    let mut made = markers(home.path());
    made.extend(
        markers(&std::env::current_dir().unwrap())
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("MARK-"))
            }),
    );
    if !made.is_empty() {
        seen.0.push(format!("a name ran as code, it made {made:?}"));
    }
    let secrets = Secrets::new(emu.issued_secrets());
    let log = home.log();
    let found = secrets.found_in(&log);
    if !found.is_empty() {
        seen.0.push(format!(
            "{} issued secret(s) in the trace log ({} bytes)",
            found.len(),
            log.len()
        ));
    }
    seen.assert_none(what);
}

/// One target per account with a 12-digit id: its first role (the hostile one where there is
/// one) that a command line can carry (not one with a NUL).
fn hostile_targets() -> Vec<String> {
    accounts()
        .into_iter()
        .filter(|(id, _, _)| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|(id, _, roles)| {
            let role = roles.into_iter().find(|r| !r.contains('\0'))?;
            Some(format!("{id}/{role}"))
        })
        .collect()
}

/// The listing and the read-only commands: list (table, JSON, refresh), status, whoami.
#[test]
fn listing_and_status_print_hostile_names_as_inert_text() {
    let emu = shared();
    let mut seen = Findings::default();
    let home = home_on(emu, &mut seen);
    for args in [
        &["list"][..],
        &["list", "--refresh"],
        &["list"],
        &["status"],
        &["whoami"],
    ] {
        seen.run(&home, args);
    }
    let json = seen.run(&home, &["list", "--json"]);
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&json.stdout) {
        seen.0.push(format!("list --json is not JSON: {e}"));
    }
    for target in hostile_targets() {
        seen.run(&home, &["whoami", &target]);
    }
    seen.run(&home, &["status"]);
    finish(seen, &home, emu, "list/status/whoami");
}

/// The hand-overs: env, exec, credential-process, console --print and an action with
/// placeholders in every quoting context, for every hostile role.
#[test]
fn hand_overs_run_no_hostile_name() {
    let emu = shared();
    let mut seen = Findings::default();
    let home = home_on(emu, &mut seen);
    for target in hostile_targets() {
        let t = target.as_str();
        let env = seen.run(&home, &["env", t]);
        if env.code != Some(0) {
            seen.0.push(format!(
                "env {}: exit {:?}: {}",
                t.escape_debug(),
                env.code,
                text(&env.stderr)
                    .chars()
                    .take(300)
                    .collect::<String>()
                    .escape_debug()
            ));
        }
        seen.run(&home, &["exec", t, "--", "sh", "-c", "true"]);
        seen.run(&home, &["credential-process", t]);
        seen.run(&home, &["console", t, "--print"]);
        for (action, _) in ACTIONS {
            let ran = seen.run(&home, &["action", action, t]);
            // A NUL cannot be in an environment variable: that action fails (not as code).
            if ran.code != Some(0) && !t.starts_with("666666666666") {
                seen.0.push(format!(
                    "action {action} {}: exit {:?}: {}",
                    t.escape_debug(),
                    ran.code,
                    text(&ran.stderr)
                        .chars()
                        .take(300)
                        .collect::<String>()
                        .escape_debug()
                ));
            }
        }
        seen.run(&home, &["action", "dq", t, "--print"]);
    }
    // Whatever env printed is safe to eval.
    let env = seen.run_raw(&home, &["env", &hostile_targets()[1]], LIMIT);
    let eval = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{}\nprintf %s \"$ROLECALL_SESSION\"",
            text(&env.stdout)
        ))
        .current_dir(home.path())
        .output()
        .unwrap();
    seen.clean("ROLECALL_SESSION after eval", &eval.stdout);
    finish(seen, &home, emu, "hand-overs");
}

/// What botocore makes of `file`: section → key → value, or its error.
fn botocore_sections(
    file: &Path,
) -> Result<std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>, String>
{
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, json, botocore.configloader as c\n\
             print(json.dumps(c.raw_config_parse(sys.argv[1], parse_subsections=False)))",
        ])
        .arg(file)
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(text(&out.stderr)
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}

/// Checks `~/.aws/config` through botocore: it parses, it holds our `sso-session acme`, the
/// good account's profile and only profiles of the expected shape (no `default`, no
/// `credential_process` but ours, no control character anywhere, 12-digit account ids).
fn check_config(seen: &mut Findings, home: &Home, what: &str, credential_process: bool) {
    let file = home.path().join(".aws/config");
    let sections = match botocore_sections(&file) {
        Ok(s) => s,
        Err(e) => {
            seen.0
                .push(format!("{what}: botocore refuses ~/.aws/config: {e}"));
            return;
        }
    };
    let allowed = [
        "sso_session",
        "sso_account_id",
        "sso_role_name",
        "region",
        "output",
        "credential_process",
    ];
    let mut good = false;
    for (name, keys) in &sections {
        if name == "sso-session acme" {
            continue;
        }
        let Some(profile) = name.strip_prefix("profile ") else {
            seen.0
                .push(format!("{what}: unexpected section {:?}", name));
            continue;
        };
        if profile.chars().any(forbidden) {
            seen.0
                .push(format!("{what}: profile name {profile:?} has controls"));
        }
        for (key, value) in keys {
            if !allowed.contains(&key.as_str()) {
                seen.0
                    .push(format!("{what}: [{name:?}] has key {key:?} = {value:?}"));
            }
            if value.chars().any(|c| c.is_control()) {
                seen.0.push(format!("{what}: [{name:?}] {key} = {value:?}"));
            }
        }
        if let Some(cp) = keys.get("credential_process")
            && !(credential_process && cp.starts_with(BIN))
        {
            seen.0
                .push(format!("{what}: [{name:?}] credential_process = {cp:?}"));
        }
        match keys.get("sso_account_id") {
            Some(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => {
                good |= id == GOOD_ID;
                // Exactly a role the portal served, by its exact name.
                let role = keys.get("sso_role_name").map(String::as_str);
                let served = accounts().into_iter().any(|(a, _, roles)| {
                    a == *id && role.is_some_and(|r| roles.iter().any(|x| x == r))
                });
                if !served {
                    seen.0
                        .push(format!("{what}: [{name:?}] is no served role: {role:?}"));
                }
            }
            Some(id) => seen.0.push(format!("{what}: [{name:?}] account id {id:?}")),
            None if credential_process => {
                good |= keys
                    .get("credential_process")
                    .is_some_and(|c| c.contains(GOOD_ID))
            }
            None => seen
                .0
                .push(format!("{what}: [{name:?}] has no sso_account_id")),
        }
    }
    if !good {
        seen.0.push(format!(
            "{what}: the good account's profile is missing: {sections:?}"
        ));
    }
}

/// populate (both kinds) and write: botocore still reads `~/.aws/config` with exactly the
/// intended profiles, and the credentials file parses.
#[test]
fn file_writers_keep_the_aws_config_readable() {
    let emu = shared();
    let mut seen = Findings::default();
    let home = home_on(emu, &mut seen);
    seen.run(&home, &["populate"]);
    check_config(&mut seen, &home, "populate", false);
    let cp = home_on(emu, &mut seen);
    seen.run(&cp, &["populate", "--credential-process"]);
    check_config(&mut seen, &cp, "populate --credential-process", true);
    let written = home_on(emu, &mut seen);
    for target in hostile_targets() {
        seen.run(&written, &["write", &target]);
    }
    let credentials = written.path().join(".aws/credentials");
    if credentials.exists() {
        match botocore_sections(&credentials) {
            Err(e) => seen
                .0
                .push(format!("write: botocore refuses ~/.aws/credentials: {e}")),
            Ok(sections) => {
                for (name, keys) in sections {
                    if name.chars().any(forbidden)
                        || keys.values().any(|v| v.chars().any(char::is_control))
                    {
                        seen.0
                            .push(format!("write: section {name:?} holds controls"));
                    }
                }
            }
        }
    }
    for h in [&cp, &written] {
        if !markers(h.path()).is_empty() {
            seen.0
                .push(format!("a name ran as code: {:?}", markers(h.path())));
        }
    }
    finish(seen, &home, emu, "populate/write");
}

/// The app in tmux: search for a hostile name, open the details, assume, back, quit. The raw
/// bytes the app wrote to the pane (`pipe-pane`) hold no OSC, C1, bidi or zero-width
/// character, no clipboard was set, and it exits 0.
#[test]
fn the_app_shows_hostile_names_escaped() {
    let emu = shared();
    let mut seen = Findings::default();
    let home = home_on(emu, &mut seen);
    let mut env = home.environment();
    env.retain(|(k, _)| *k != "ROLECALL_LOG");
    env.push(("ROLECALL_LOG", "trace".into()));
    let tag = "hostile";
    let tmux = Tmux::start_with(tag, home.path(), env);
    let name = format!("rolecall-e2e-{tag}-{}", std::process::id());
    let raw = home.path().join("pane.raw");
    let tmux_cmd = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &name])
            .args(args)
            .output()
            .unwrap()
    };
    tmux_cmd(&["set-option", "-g", "set-clipboard", "on"]);
    tmux_cmd(&["set-option", "-g", "allow-passthrough", "on"]);
    tmux_cmd(&[
        "pipe-pane",
        "-o",
        "-t",
        &name,
        &format!("cat >> '{}'", raw.display()),
    ]);
    tmux.run_app(BIN, "");
    tmux.wait_text("good", Duration::from_secs(20));
    // Each query with a piece of the hostile name that shows only once its row is drawn.
    for (query, shown) in [
        ("sandbox", "touch MARK-dollar"),
        ("osc52", "SGFja2VkIQ=="),
        ("bidi", "gnp.exe"),
        ("line", "credential_process"),
        ("cr", "return"),
        ("nul", "byte"),
        ("csi", "31mcsi"),
    ] {
        tmux.send(&["C-u"]);
        tmux.type_text(query);
        tmux.wait_text(shown, Duration::from_secs(10));
        tmux.send(&["Tab"]);
        tmux.send(&["Tab"]);
    }
    tmux.send(&["C-u"]);
    tmux.type_text("sandbox");
    tmux.wait_text("sandbox", Duration::from_secs(10));
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
    tmux.send(&["Escape"]);
    // A session is held: the first ctrl-c asks, the second quits.
    tmux.send(&["C-c"]);
    tmux.wait_text("again to quit", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    // The shell's `echo EXITED=$?` (not the command line that asks for it).
    let exited = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("echo EXITED"))
            .find_map(|l| l.find("EXITED=").map(|i| l[i..].trim().to_owned()))
    };
    let end = tmux.wait_for("the app to exit", Duration::from_secs(20), |s| {
        exited(s).is_some()
    });
    if exited(&end).as_deref() != Some("EXITED=0") {
        seen.0
            .push(format!("the app did not exit 0: {:?}", exited(&end)));
    }
    tmux_cmd(&["pipe-pane", "-t", &name]);
    let bytes = std::fs::read(&raw).unwrap_or_default();
    if bytes.is_empty() {
        seen.0.push("pipe-pane recorded nothing".into());
    }
    let t = text(&bytes);
    if !t.contains("SGFja2VkIQ==") {
        seen.0
            .push("pipe-pane did not record the hostile rows".into());
    }
    for (what, needle) in [
        ("an OSC", "\u{1b}]"),
        ("a C1 CSI", "\u{9b}"),
        ("a NUL", "\0"),
    ] {
        if let Some(i) = t.find(needle) {
            let from = t.floor_char_boundary(i.saturating_sub(30));
            seen.0
                .push(format!("the app wrote {what} after {:?}", &t[from..i]));
        }
    }
    let bidi: Vec<char> = t
        .chars()
        .filter(|c| forbidden(*c) && !matches!(c, '\u{1b}' | '\r' | '\u{7}' | '\u{8}'))
        .take(5)
        .collect();
    if !bidi.is_empty() {
        seen.0.push(format!("the app wrote {bidi:?}"));
    }
    let buffers = tmux_cmd(&["list-buffers"]);
    if !buffers.stdout.is_empty() {
        seen.0
            .push(format!("the clipboard was set: {}", text(&buffers.stdout)));
    }
    drop(tmux);
    finish(seen, &home, emu, "the app");
}

/// An emulator with one `[faults]` knob of another branch, or the failure naming it.
fn knob(toml: &str, branch: &str) -> Emulator {
    emulator(&hostile_org(toml)).unwrap_or_else(|e| {
        panic!("the emulator has no such knob yet ({toml:?}, from branch `{branch}`): {e}")
    })
}

/// Credentials and registrations expiring in the year 10001: no command panics or hangs.
#[test]
fn far_future_expiries_neither_panic_nor_hang() {
    let emu = knob("[faults]\nfar_future_expiry = true\n", "robust");
    let mut seen = Findings::default();
    let home = home_on(&emu, &mut seen);
    let target = format!("{GOOD_ID}/ReadOnly");
    for args in [
        &["list", "--refresh"][..],
        &["env", &target],
        &["credential-process", &target],
        &["exec", &target, "--", "true"],
        &["status"],
    ] {
        seen.run(&home, args);
    }
    finish(seen, &home, &emu, "far-future expiries");
}

/// A portal whose every page has a next token: `list --refresh` ends, and says so.
#[test]
fn endless_page_tokens_end_in_a_bounded_listing() {
    let emu = knob("[faults]\nendless_page_tokens = true\n", "robust");
    let mut seen = Findings(Vec::new(), "info");
    let home = home_on(&emu, &mut seen);
    // The bound is 10,000 pages (far above any real org), read one request each.
    let out = seen.run_for(&home, &["list", "--refresh"], Duration::from_secs(120));
    if !text(&out.stderr).contains("page") {
        seen.0.push(format!(
            "list --refresh (exit {:?}) did not say the portal kept giving pages: {}",
            out.code,
            text(&out.stderr)
        ));
    }
    finish(seen, &home, &emu, "endless page tokens");
}

/// A service that answers with a `file:` verification URL: login does not open it, and says
/// so in one clean line.
#[test]
fn a_hostile_verification_url_is_not_opened() {
    let emu = knob(
        "[faults]\nverification_uri_override = \"file:///etc/passwd\\u001b]52;c;SGk=\\u0007\"\n",
        "secrets",
    );
    let mut seen = Findings::default();
    let home = Home::new(&emu, "", &rolecall_toml());
    seen.run(&home, &["login", "--device-code"]);
    if home.browser_opened() {
        seen.0
            .push("login opened a file: URL in the browser".into());
    }
    let _ = std::io::stdout().flush();
    finish(seen, &home, &emu, "hostile verification URL");
}

/// A 100 KB paste into the app's search (as a hostile clipboard, or a name copied from a
/// portal page): the app takes it as one edit and still answers Ctrl-C at once (it froze for
/// minutes, one key event per byte, before bracketed paste; branch `robust`).
#[test]
fn a_large_paste_does_not_freeze_the_app() {
    let emu = shared();
    let mut seen = Findings::default();
    let home = home_on(emu, &mut seen);
    let tag = "paste";
    let tmux = Tmux::start_with(tag, home.path(), home.environment());
    let name = format!("rolecall-e2e-{tag}-{}", std::process::id());
    let paste = home.path().join("paste.txt");
    std::fs::write(&paste, "sandbox".repeat(100_000 / 7)).unwrap();
    tmux.run_app(BIN, "");
    tmux.wait_text("good", Duration::from_secs(20));
    let tmux_cmd = |args: &[&str]| {
        let out = Command::new("tmux")
            .args(["-L", &name])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux {args:?}: {}", text(&out.stderr));
    };
    tmux_cmd(&["load-buffer", &paste.to_string_lossy()]);
    tmux_cmd(&["paste-buffer", "-p", "-t", &name]);
    tmux.send(&["C-c"]);
    let exited = tmux.wait_for(
        "the app to end after the paste",
        Duration::from_secs(15),
        |s| {
            s.lines()
                .any(|l| l.contains("EXITED=") && !l.contains("echo EXITED"))
        },
    );
    if !exited.lines().any(|l| l.trim_end().ends_with("EXITED=0")) {
        seen.0
            .push(format!("the app did not exit 0 after the paste:\n{exited}"));
    }
    drop(tmux);
    finish(seen, &home, emu, "a large paste");
}
