//! The real binary in tmux, as a person uses it: a tmux server of our own (`-L`) per test, keys
//! sent with `send-keys`, screens read with `capture-pane`, and the terminal's settings compared
//! with `stty -a` before and after. tests/run.sh installs tmux when it is missing; without it
//! these tests fail, never skip.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    name: String,
    /// Where the pid of the program started with [`Tmux::run_app`] is written.
    pid_file: PathBuf,
    /// The throwaway HOME of [`Tmux::start`], kept until the end.
    _home: Option<tempfile::TempDir>,
}

impl Tmux {
    /// A detached 120×40 session running a shell in a throwaway HOME (logging to
    /// `HOME/rolecall.log`), with the caller's environment.
    pub fn start(tag: &str) -> Self {
        let home = tempfile::tempdir().unwrap();
        let env = vec![
            ("HOME", home.path().as_os_str().to_owned()),
            (
                "ROLECALL_LOG_FILE",
                home.path().join("rolecall.log").into_os_string(),
            ),
        ];
        let mut tmux = Self::launch(tag, home.path(), env, false);
        tmux._home = Some(home);
        tmux
    }

    /// A detached 120×40 session running a shell with exactly `env` (plus `TERM`): for a HOME
    /// the test prepared (see `cli_home::Home::environment`).
    pub fn start_with(tag: &str, home: &Path, env: Vec<(&'static str, OsString)>) -> Self {
        Self::launch(tag, home, env, true)
    }

    fn launch(tag: &str, home: &Path, env: Vec<(&'static str, OsString)>, clear: bool) -> Self {
        let name = format!("rolecall-e2e-{tag}-{}", std::process::id());
        let mut cmd = Command::new("tmux");
        cmd.args([
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
        ]);
        if clear {
            cmd.env_clear();
        }
        let status = cmd
            .envs(env)
            .env("TERM", "xterm-256color")
            .env_remove("TMUX")
            .status()
            .expect("tmux is installed (tests/run.sh installs it)");
        assert!(status.success());
        Self {
            name,
            pid_file: home.join("app.pid"),
            _home: None,
        }
    }

    pub fn send(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.name, "send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["-L", &self.name, "send-keys", "-t", &self.name, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// What the pane shows now.
    pub fn screen(&self) -> String {
        self.capture(&[])
    }

    /// What the pane shows now with the SGR escape sequences of its cells' colours and
    /// attributes (`capture-pane -e`), to be read with [`pens`].
    pub fn screen_with_escapes(&self) -> String {
        self.capture(&["-e"])
    }

    /// The pane's whole history and what it shows now.
    pub fn history(&self) -> String {
        self.capture(&["-S", "-"])
    }

    fn capture(&self, extra: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.name, "capture-pane", "-p", "-t", &self.name])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `pred` holds; panics with the screen after `limit`.
    pub fn wait_for(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        self.poll(what, limit, Self::screen, pred)
    }

    /// [`Tmux::wait_for`] on [`Tmux::screen_with_escapes`].
    pub fn wait_for_escapes(
        &self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        self.poll(what, limit, Self::screen_with_escapes, pred)
    }

    fn poll(
        &self,
        what: &str,
        limit: Duration,
        capture: impl Fn(&Self) -> String,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = capture(self);
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

    pub fn wait_text(&self, text: &str, limit: Duration) -> String {
        self.wait_for(text, limit, |s| s.contains(text))
    }

    /// Waits until the list's selected row is a role showing `text` (its roles listed, so
    /// Enter assumes it rather than saying they are still loading).
    /// Waits for a shell started from rolecall to be ready: a line (its prompt) after the
    /// one holding `note`. Keys typed before the shell reads its terminal can be lost.
    pub fn wait_shell_after(&self, note: &str, limit: Duration) -> String {
        self.wait_for(&format!("a prompt after {note}"), limit, |s| {
            let mut lines = s.lines().skip_while(|l| !l.contains(note));
            lines.next().is_some() && lines.any(|l| !l.trim().is_empty())
        })
    }

    pub fn wait_selected(&self, text: &str, limit: Duration) -> String {
        self.wait_for(&format!("{text} selected"), limit, |s| {
            super::selected_role_shows(s, text)
        })
    }

    /// Runs `stty -a` in the pane and returns its output.
    pub fn stty(&self) -> String {
        self.send(&["clear", "Enter"]);
        // The marker is computed so the typed command line cannot match it.
        self.send(&["stty -a; echo STTY-$((40+2))-DONE", "Enter"]);
        self.wait_text("STTY-42-DONE", Duration::from_secs(10))
    }

    /// Clears the pane and runs `program args` so that its pid can be signalled (`exec` keeps
    /// the pid the shell wrote) and its exit code is echoed as `EXITED=N`.
    pub fn run_app(&self, program: &str, args: &str) {
        let _ = std::fs::remove_file(&self.pid_file);
        self.send(&["clear", "Enter"]);
        self.send(&[
            &format!(
                "sh -c 'echo $$ > {}; exec {program} {args}'; echo EXITED=$?",
                self.pid_file.display()
            ),
            "Enter",
        ]);
    }

    /// The pid of the program [`Tmux::run_app`] started.
    pub fn app_pid(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(pid) = std::fs::read_to_string(&self.pid_file)
                && !pid.trim().is_empty()
            {
                return pid.trim().to_owned();
            }
            assert!(Instant::now() < deadline, "no pid in {:?}", self.pid_file);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends `signal` (`TERM`, `HUP`, …) to the program [`Tmux::run_app`] started.
    pub fn signal_app(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.app_pid()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.name, "kill-server"])
            .status();
    }
}

/// A colour as the terminal was told it: one of its 256 (0–15 being its 16 named colours,
/// whichever SGR form set it), or a 24-bit one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// What a cell was drawn with: colours (`None`: the terminal's default), bold and reverse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pen {
    pub fg: Option<Colour>,
    pub bg: Option<Colour>,
    pub bold: bool,
    pub reverse: bool,
}

/// Each character of a line of [`Tmux::screen_with_escapes`] with the pen it was drawn with,
/// the SGR sequences (`ESC [ … m`) read as a terminal reads them.
pub fn pens(line: &str) -> Vec<(char, Pen)> {
    let mut pen = Pen::default();
    let mut cells = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            cells.push((c, pen));
            continue;
        }
        assert_eq!(chars.next(), Some('['), "not an SGR sequence in {line:?}");
        let mut params = String::new();
        for c in chars.by_ref() {
            if c == 'm' {
                break;
            }
            assert!(
                c.is_ascii_digit() || c == ';',
                "not an SGR sequence in {line:?}"
            );
            params.push(c);
        }
        apply_sgr(&mut pen, &params);
    }
    cells
}

fn apply_sgr(pen: &mut Pen, params: &str) {
    let mut ps = params.split(';').map(|p| {
        if p.is_empty() {
            0
        } else {
            p.parse::<u16>().unwrap()
        }
    });
    while let Some(p) = ps.next() {
        let extended = |ps: &mut dyn Iterator<Item = u16>| match ps.next() {
            Some(5) => Colour::Indexed(ps.next().unwrap() as u8),
            Some(2) => {
                let mut c = || ps.next().unwrap() as u8;
                Colour::Rgb(c(), c(), c())
            }
            other => panic!("SGR {params}: colour form {other:?}"),
        };
        match p {
            0 => *pen = Pen::default(),
            1 => pen.bold = true,
            22 => pen.bold = false,
            7 => pen.reverse = true,
            27 => pen.reverse = false,
            30..=37 => pen.fg = Some(Colour::Indexed((p - 30) as u8)),
            90..=97 => pen.fg = Some(Colour::Indexed((p - 90 + 8) as u8)),
            38 => pen.fg = Some(extended(&mut ps)),
            39 => pen.fg = None,
            40..=47 => pen.bg = Some(Colour::Indexed((p - 40) as u8)),
            100..=107 => pen.bg = Some(Colour::Indexed((p - 100 + 8) as u8)),
            48 => pen.bg = Some(extended(&mut ps)),
            49 => pen.bg = None,
            _ => {}
        }
    }
}

/// The pens of the characters of the first `text` on `line`, `None` when it is not there.
pub fn pens_of(line: &str, text: &str) -> Option<Vec<Pen>> {
    let cells = pens(line);
    let want: Vec<char> = text.chars().collect();
    (0..cells.len().saturating_sub(want.len() - 1))
        .find(|&i| {
            cells[i..i + want.len()]
                .iter()
                .map(|c| c.0)
                .eq(want.iter().copied())
        })
        .map(|i| cells[i..i + want.len()].iter().map(|c| c.1).collect())
}

/// The stty settings as a set of words (`icanon`, `-echonl`, …), without the size line.
pub fn stty_words(stty: &str) -> BTreeSet<String> {
    stty.lines()
        .filter(|l| !l.contains("rows") && !l.contains("STTY") && !l.starts_with('#'))
        .flat_map(|l| l.split([' ', ';']))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Cooked mode: line editing, echo and signals on, as a shell expects.
pub fn assert_restored(stty: &str) {
    let words = stty_words(stty);
    for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(
            words.contains(flag),
            "terminal not restored ({flag} missing):\n{stty}"
        );
    }
}

/// Checks the terminal is back as it was: cooked, and `stty -a` as `before`.
pub fn assert_same_as(tmux: &Tmux, before: &BTreeSet<String>) -> String {
    let after = tmux.stty();
    assert_restored(&after);
    assert_eq!(
        &stty_words(&after),
        before,
        "stty -a differs from before the run"
    );
    after
}
