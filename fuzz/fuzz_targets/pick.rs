//! A string the fuzzer either picks from a list of meaningful ones or makes up (shared by the
//! targets: `mod pick;`).

use libfuzzer_sys::arbitrary::{self, Arbitrary};

#[derive(Debug, Arbitrary)]
pub enum Pick {
    Known(u8),
    Any(String),
}

impl Pick {
    pub fn resolve(&self, known: &[&str]) -> String {
        match self {
            Pick::Known(i) => known[usize::from(*i) % known.len()].to_owned(),
            Pick::Any(s) => s.clone(),
        }
    }
}
