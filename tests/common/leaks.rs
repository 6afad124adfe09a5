//! Finding secrets where they must not be: every value the emulator issued, matched whole or by
//! any 16-byte piece of it, so a secret cut by the edge of a screen, wrapped, or truncated in a
//! message is found too. Failures name where and which secret (its first characters only).
//! Also what a sweep searches: every process's argv sampled from `/proc`, and the output of the
//! commands it ran.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::cli_home::{Home, text};

/// The length of the pieces looked for.
const PIECE: usize = 16;

pub struct Secrets {
    values: Vec<String>,
    pieces: HashMap<Vec<u8>, usize>,
}

impl Secrets {
    /// The secrets to look for; there must be some, or a search would prove nothing.
    pub fn new(values: Vec<String>) -> Self {
        assert!(!values.is_empty(), "no secrets to look for");
        let mut pieces = HashMap::new();
        for (i, value) in values.iter().enumerate() {
            let bytes = value.as_bytes();
            assert!(bytes.len() >= PIECE, "a secret shorter than {PIECE} bytes");
            for window in bytes.windows(PIECE) {
                pieces.insert(window.to_vec(), i);
            }
        }
        Self { values, pieces }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Which secrets (by index) appear in `text`, whole or in part.
    pub fn found_in(&self, text: &str) -> BTreeSet<usize> {
        text.as_bytes()
            .windows(PIECE)
            .filter_map(|w| self.pieces.get(w).copied())
            .collect()
    }

    /// Panics if any secret appears in `text`; `what` says where it was looked for.
    pub fn assert_none_in(&self, what: &str, text: &str) {
        let found: Vec<String> = self
            .found_in(text)
            .into_iter()
            .map(|i| format!("{}… ({} bytes)", &self.values[i][..6], self.values[i].len()))
            .collect();
        assert!(found.is_empty(), "secrets in {what}: {found:?}");
    }
}

/// Samples every process's command line from `/proc` until stopped.
pub struct ArgvSampler {
    seen: Arc<Mutex<BTreeSet<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<usize>>,
}

impl ArgvSampler {
    pub fn start() -> Self {
        let seen = Arc::new(Mutex::new(BTreeSet::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut rounds = 0;
                while !stop.load(Ordering::SeqCst) {
                    for line in command_lines() {
                        seen.lock().unwrap().insert(line);
                    }
                    rounds += 1;
                    std::thread::sleep(Duration::from_millis(2));
                }
                rounds
            })
        };
        Self {
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// Whether a command line containing `needle` has been seen so far.
    pub fn saw(&self, needle: &str) -> bool {
        self.seen.lock().unwrap().iter().any(|l| l.contains(needle))
    }

    /// Stops sampling; every distinct command line seen, and how many rounds were taken.
    pub fn finish(mut self) -> (BTreeSet<String>, usize) {
        self.stop.store(true, Ordering::SeqCst);
        let rounds = self.thread.take().unwrap().join().unwrap();
        let seen = std::mem::take(&mut *self.seen.lock().unwrap());
        (seen, rounds)
    }
}

/// The command line of every process now, arguments joined by spaces.
pub fn command_lines() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .filter(|bytes| !bytes.is_empty())
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
        .collect()
}

/// What the sweep collected: (where, text) pairs to search.
#[derive(Default)]
pub struct Collected {
    pub places: Vec<(String, String)>,
}

impl Collected {
    pub fn add(&mut self, what: impl Into<String>, text: impl Into<String>) {
        self.places.push((what.into(), text.into()));
    }

    /// Runs rolecall (or another program) in `home`; keeps its stderr, and its stdout unless
    /// the credentials are its product.
    pub fn run(
        &mut self,
        home: &Home,
        program: &str,
        args: &[&str],
        stdout_is_secret: bool,
    ) -> Output {
        let out = home.command(program, args).output().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            text(&out.stderr)
        );
        self.add(format!("stderr of {program} {args:?}"), text(&out.stderr));
        if !stdout_is_secret {
            self.add(format!("stdout of {program} {args:?}"), text(&out.stdout));
        }
        out
    }
}
