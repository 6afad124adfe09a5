//! Finding secrets where they must not be: every value the emulator issued, matched whole or by
//! any 16-byte piece of it, so a secret cut by the edge of a screen, wrapped, or truncated in a
//! message is found too. Failures name where and which secret (its first characters only).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};

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
