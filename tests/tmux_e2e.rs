//! The release binary as a person uses it, in tmux: `rolecall demo`, sign in, search, assume,
//! watch the countdown, quit — and the terminal is restored afterwards, also after SIGTERM.
//! tests/run.sh installs tmux when it is missing; without it these tests fail, never skip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

/// A tmux server of our own (`-L`), so each test has its own environment.
struct Tmux {
    name: String,
    home: tempfile::TempDir,
}

impl Tmux {
    /// A detached 120×40 tmux session running a shell in a throwaway HOME.
    fn start(tag: &str) -> Self {
        let home = tempfile::tempdir().unwrap();
        let name = format!("rolecall-e2e-{tag}-{}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &name,
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "120",
                "-y",
                "40",
                "sh",
            ])
            .env("HOME", home.path())
            .env("ROLECALL_LOG_FILE", home.path().join("rolecall.log"))
            .env("TERM", "xterm-256color")
            .env_remove("TMUX")
            .status()
            .expect("tmux is installed (tests/run.sh installs it)");
        assert!(status.success());
        Self { name, home }
    }

    fn send(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.name, "send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["-L", &self.name, "send-keys", "-t", &self.name, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.name, "capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `pred` holds; panics with the screen after `limit`.
    fn wait_for(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_text(&self, text: &str, limit: Duration) -> String {
        self.wait_for(text, limit, |s| s.contains(text))
    }

    /// Runs `stty -a` in the pane and returns its output.
    fn stty(&self) -> String {
        self.send(&["clear", "Enter"]);
        // The marker is computed so the typed command line cannot match it.
        self.send(&["stty -a; echo STTY-$((40+2))-DONE", "Enter"]);
        self.wait_text("STTY-42-DONE", Duration::from_secs(10))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.name, "kill-server"])
            .status();
    }
}

/// The stty settings as a set of words (`icanon`, `-echonl`, …), without the size line.
fn stty_words(stty: &str) -> std::collections::BTreeSet<String> {
    stty.lines()
        .filter(|l| !l.contains("rows") && !l.contains("STTY") && !l.starts_with('#'))
        .flat_map(|l| l.split([' ', ';']))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Cooked mode: line editing, echo and signals on, as a shell expects.
fn assert_restored(stty: &str) {
    let words = stty_words(stty);
    for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(
            words.contains(flag),
            "terminal not restored ({flag} missing):\n{stty}"
        );
    }
}

/// Starts the demo; returns the terminal settings from before.
fn demo(tmux: &Tmux) -> std::collections::BTreeSet<String> {
    let before = tmux.stty();
    assert_restored(&before);
    tmux.send(&["clear", "Enter"]);
    // `exec` keeps the pid the shell printed, so a test can signal exactly this process.
    tmux.send(&[
        &format!(
            "sh -c 'echo $$ > {}; exec {BIN} demo'; echo EXITED=$?",
            tmux.home.path().join("demo.pid").display()
        ),
        "Enter",
    ]);
    stty_words(&before)
}

/// The pid the demo's shell wrote before `exec`.
fn pid_of(tmux: &Tmux, _screen: &str) -> String {
    std::fs::read_to_string(tmux.home.path().join("demo.pid"))
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn demo_sign_in_search_assume_countdown_quit() {
    let tmux = Tmux::start("flow");
    let before = demo(&tmux);
    // The sign-in screen shows the code and URL, then the emulator approves by itself.
    let signin = tmux.wait_text("/device", Duration::from_secs(30));
    assert!(signin.contains("http://127.0.0.1:"), "{signin}");
    tmux.wait_text("AdministratorAccess", Duration::from_secs(60));
    // Search.
    // An AdministratorAccess session lasts an hour, so its countdown shows seconds.
    tmux.type_text("payments dev admin");
    let found = tmux.wait_for("the query to filter", Duration::from_secs(10), |s| {
        s.contains("payments dev admin") && s.contains("AdministratorAccess")
    });
    assert!(!found.contains("ReadOnlyAccess"), "{found}");
    // Assume: the hand-over menu, then close it and watch the countdown tick.
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
    tmux.send(&["Escape"]);
    let first = tmux.wait_for("a countdown", Duration::from_secs(10), |s| {
        s.contains("59m")
    });
    let ticked = tmux.wait_for("the countdown to tick", Duration::from_secs(10), |s| {
        s.contains("59m") && *s != first
    });
    assert!(
        ticked.contains("payments-dev/AdministratorAccess"),
        "{ticked}"
    );
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
    let after = tmux.stty();
    assert_restored(&after);
    assert_eq!(
        stty_words(&after),
        before,
        "stty -a differs from before the run"
    );
}

#[test]
fn sigterm_mid_run_restores_the_terminal() {
    let tmux = Tmux::start("sigterm");
    let before = demo(&tmux);
    let screen = tmux.wait_text("/device", Duration::from_secs(30));
    let pid = pid_of(&tmux, &screen);
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    tmux.wait_text("EXITED=", Duration::from_secs(10));
    let stty = tmux.stty();
    assert_restored(&stty);
    assert_eq!(
        stty_words(&stty),
        before,
        "stty -a differs from before the run"
    );
    // Nothing of the app (and no secret) is left on the main screen.
    assert!(!stty.contains("/device"), "{stty}");
}
