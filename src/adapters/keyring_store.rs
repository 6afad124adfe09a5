//! `SecretStore` on the OS keyring through the `keyring` crate: macOS Keychain, Windows
//! Credential Manager, the Secret Service on Linux and the BSDs. Entries live under the service
//! name `rolecall`, one entry per key.
//!
//! Windows Credential Manager holds at most 2,560 bytes per entry (the password as UTF-16), and
//! an SSO token with its registration is often longer. So a value that does not fit is split,
//! on every platform alike, into numbered entries: `key` holds a header saying how many parts
//! there are plus the first part, `key#1`, `key#2`, … the rest. Parts are written before the
//! head, so a reader never sees a head whose parts were not written yet.

use crate::ports::secret_store::{SecretStore, StoreError};
use crate::secret::Secret;

/// The keyring service name every entry is filed under.
pub const SERVICE: &str = "rolecall";

/// What Windows Credential Manager accepts per entry (`CRED_MAX_CREDENTIAL_BLOB_SIZE`).
pub const MAX_ENTRY_BYTES: usize = 2560;

/// Room kept in every entry for the header, so all parts can be cut to the same size.
const HEADER_RESERVE_BYTES: usize = 64;

/// Marks a head entry that is followed by numbered parts: `rolecall-chunks:N:` + first part.
const CHUNK_PREFIX: &str = "rolecall-chunks:";

/// No value we store comes near this; a larger count in a header means the entry is damaged.
const MAX_CHUNKS: usize = 256;

const BACKEND: &str = "OS keyring";

/// The secrets in the OS keyring.
pub struct KeyringStore {
    entries: Box<dyn Entries>,
}

impl KeyringStore {
    /// The OS keyring under the service name [`SERVICE`]. Nothing is contacted until used.
    pub fn new() -> Self {
        Self::with_entries(Box::new(OsEntries))
    }

    fn with_entries(entries: Box<dyn Entries>) -> Self {
        Self { entries }
    }

    /// Checks that the keyring works here by writing, reading back and deleting a throwaway
    /// entry. An error means callers should fall back to another store.
    pub fn probe(&self) -> Result<(), StoreError> {
        let key = format!("probe/{:016x}", rand::random::<u64>());
        let value = Secret::new(format!("probe-{:016x}", rand::random::<u64>()));
        self.set(&key, &value)?;
        let read = self.get(&key);
        let deleted = self.delete(&key);
        match read? {
            Some(back) if back == value => deleted,
            _ => Err(StoreError::Unavailable {
                backend: BACKEND,
                reason: "an entry written to it could not be read back".to_owned(),
            }),
        }
    }

    fn read_head(&self, key: &str) -> Result<Option<Head>, StoreError> {
        let Some(raw) = self.entries.get(key).map_err(|e| map_error(key, e))? else {
            return Ok(None);
        };
        Head::parse(key, raw).map(Some)
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, StoreError> {
        let Some(head) = self.read_head(key)? else {
            return Ok(None);
        };
        let mut value = head.first;
        for index in 1..head.count {
            let part_key = part_key(key, index);
            match self
                .entries
                .get(&part_key)
                .map_err(|e| map_error(&part_key, e))?
            {
                Some(part) => {
                    let mut joined = value.expose().clone();
                    joined.push_str(part.expose());
                    value = Secret::new(joined);
                }
                None => {
                    tracing::warn!(
                        key,
                        part = index,
                        parts = head.count,
                        "an OS keyring entry is missing one of its parts; treating it as absent"
                    );
                    return Ok(None);
                }
            }
        }
        Ok(Some(value))
    }

    fn set(&self, key: &str, value: &Secret<String>) -> Result<(), StoreError> {
        let old_count = self.read_head(key).ok().flatten().map_or(0, |h| h.count);
        let parts = split(value.expose());
        let count = parts.len();
        for (index, part) in parts.iter().enumerate().skip(1) {
            let part_key = part_key(key, index);
            self.entries
                .set(&part_key, part)
                .map_err(|e| map_error(&part_key, e))?;
        }
        let head = if count == 1 && !value.expose().starts_with(CHUNK_PREFIX) {
            value.clone()
        } else {
            let first = parts.first().map_or("", |p| p.expose().as_str());
            Secret::new(format!("{CHUNK_PREFIX}{count}:{first}"))
        };
        self.entries
            .set(key, &head)
            .map_err(|e| map_error(key, e))?;
        for index in count.max(1)..old_count {
            let part_key = part_key(key, index);
            self.entries
                .delete(&part_key)
                .map_err(|e| map_error(&part_key, e))?;
        }
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        let count = match self.read_head(key) {
            Ok(head) => head.map_or(0, |h| h.count),
            // A damaged head is still deleted; its parts cannot be found without it.
            Err(StoreError::Failed { .. }) => 1,
            Err(e) => return Err(e),
        };
        for index in 1..count {
            let part_key = part_key(key, index);
            self.entries
                .delete(&part_key)
                .map_err(|e| map_error(&part_key, e))?;
        }
        self.entries.delete(key).map_err(|e| map_error(key, e))
    }

    fn describe(&self) -> String {
        BACKEND.to_owned()
    }
}

/// A head entry: how many parts the value has, and the first of them.
struct Head {
    count: usize,
    first: Secret<String>,
}

impl Head {
    fn parse(key: &str, raw: Secret<String>) -> Result<Self, StoreError> {
        let Some(rest) = raw.expose().strip_prefix(CHUNK_PREFIX) else {
            return Ok(Self {
                count: 1,
                first: raw,
            });
        };
        let damaged = || StoreError::Failed {
            backend: BACKEND,
            reason: format!("the entry {key:?} has a damaged part header"),
        };
        let (count, first) = rest.split_once(':').ok_or_else(damaged)?;
        let count: usize = count.parse().map_err(|_| damaged())?;
        if count == 0 || count > MAX_CHUNKS {
            return Err(damaged());
        }
        Ok(Self {
            count,
            first: Secret::new(first.to_owned()),
        })
    }
}

fn part_key(key: &str, index: usize) -> String {
    format!("{key}#{index}")
}

/// Cuts `value` at character boundaries into parts that each fit an entry with its header.
fn split(value: &str) -> Vec<Secret<String>> {
    let limit = MAX_ENTRY_BYTES - HEADER_RESERVE_BYTES;
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_bytes = 0;
    for c in value.chars() {
        let bytes = c.len_utf16() * 2;
        if current_bytes + bytes > limit {
            parts.push(Secret::new(std::mem::take(&mut current)));
            current_bytes = 0;
        }
        current.push(c);
        current_bytes += bytes;
    }
    parts.push(Secret::new(current));
    parts
}

/// Turns a keyring error about the entry `key` into a store error. Keyring errors never carry
/// the secret itself, except `BadEncoding`, whose bytes are dropped here.
fn map_error(key: &str, error: keyring::Error) -> StoreError {
    match error {
        keyring::Error::NoStorageAccess(e) | keyring::Error::PlatformFailure(e) => {
            StoreError::Unavailable {
                backend: BACKEND,
                reason: e.to_string(),
            }
        }
        keyring::Error::NoEntry => StoreError::Failed {
            backend: BACKEND,
            reason: format!("the entry {key:?} disappeared while it was being used"),
        },
        keyring::Error::BadEncoding(_) => StoreError::Failed {
            backend: BACKEND,
            reason: format!("the entry {key:?} is not UTF-8 text"),
        },
        keyring::Error::TooLong(what, limit) => StoreError::Failed {
            backend: BACKEND,
            reason: format!("the {what} of the entry {key:?} is longer than {limit}"),
        },
        keyring::Error::Invalid(what, why) => StoreError::Failed {
            backend: BACKEND,
            reason: format!("the {what} of the entry {key:?} is invalid: {why}"),
        },
        keyring::Error::Ambiguous(found) => StoreError::Failed {
            backend: BACKEND,
            reason: format!("{} entries match {key:?}", found.len()),
        },
        other => StoreError::Failed {
            backend: BACKEND,
            reason: format!("the entry {key:?}: {other}"),
        },
    }
}

/// Single keyring entries by name: the OS keyring, or an in-memory map in unit tests.
trait Entries: Send + Sync {
    /// `Ok(None)` when there is no such entry.
    fn get(&self, name: &str) -> Result<Option<Secret<String>>, keyring::Error>;
    fn set(&self, name: &str, value: &Secret<String>) -> Result<(), keyring::Error>;
    /// Deleting a missing entry succeeds.
    fn delete(&self, name: &str) -> Result<(), keyring::Error>;
}

struct OsEntries;

impl Entries for OsEntries {
    fn get(&self, name: &str) -> Result<Option<Secret<String>>, keyring::Error> {
        match keyring::Entry::new(SERVICE, name)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn set(&self, name: &str, value: &Secret<String>) -> Result<(), keyring::Error> {
        keyring::Entry::new(SERVICE, name)?.set_password(value.expose())
    }

    fn delete(&self, name: &str) -> Result<(), keyring::Error> {
        match keyring::Entry::new(SERVICE, name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Entries in memory, with the same per-entry size limit as Windows .
    #[derive(Default)]
    struct MemoryEntries {
        map: Mutex<HashMap<String, String>>,
    }

    impl MemoryEntries {
        fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
            self.map.lock().unwrap_or_else(|e| e.into_inner())
        }
    }

    impl Entries for std::sync::Arc<MemoryEntries> {
        fn get(&self, name: &str) -> Result<Option<Secret<String>>, keyring::Error> {
            Ok(self.lock().get(name).cloned().map(Secret::new))
        }

        fn set(&self, name: &str, value: &Secret<String>) -> Result<(), keyring::Error> {
            if value.expose().encode_utf16().count() * 2 > MAX_ENTRY_BYTES {
                return Err(keyring::Error::TooLong(
                    "password".to_owned(),
                    MAX_ENTRY_BYTES as u32,
                ));
            }
            self.lock().insert(name.to_owned(), value.expose().clone());
            Ok(())
        }

        fn delete(&self, name: &str) -> Result<(), keyring::Error> {
            self.lock().remove(name);
            Ok(())
        }
    }

    fn store() -> (KeyringStore, Arc<MemoryEntries>) {
        let entries = Arc::new(MemoryEntries::default());
        (
            KeyringStore::with_entries(Box::new(entries.clone())),
            entries,
        )
    }

    fn names(entries: &MemoryEntries) -> Vec<String> {
        let mut names: Vec<_> = entries.lock().keys().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn a_short_value_is_one_plain_entry() {
        let (store, entries) = store();
        store
            .set("sso/acme", &Secret::new("{\"a\":1}".into()))
            .unwrap();
        assert_eq!(names(&entries), ["sso/acme"]);
        assert_eq!(entries.lock()["sso/acme"], "{\"a\":1}");
        assert_eq!(
            store.get("sso/acme").unwrap().unwrap().expose(),
            "{\"a\":1}"
        );
        assert!(store.get("sso/other").unwrap().is_none());
    }

    #[test]
    fn a_long_value_is_split_into_parts_that_each_fit() {
        let (store, entries) = store();
        let long: String = (0..3000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        store.set("k", &Secret::new(long.clone())).unwrap();
        // 1,248 UTF-16 characters per part: what fits in 2,560 bytes after the header.
        assert_eq!(names(&entries), ["k", "k#1", "k#2"]);
        assert!(entries.lock()["k"].starts_with("rolecall-chunks:3:"));
        assert_eq!(store.get("k").unwrap().unwrap().expose(), &long);
    }

    #[test]
    fn multibyte_text_is_cut_at_character_boundaries() {
        let (store, _) = store();
        let text: String = "é🔑x".repeat(1500);
        store.set("k", &Secret::new(text.clone())).unwrap();
        assert_eq!(store.get("k").unwrap().unwrap().expose(), &text);
    }

    #[test]
    fn overwriting_with_a_shorter_value_removes_the_extra_parts() {
        let (store, entries) = store();
        store.set("k", &Secret::new("x".repeat(6000))).unwrap();
        assert_eq!(names(&entries).len(), 5);
        store.set("k", &Secret::new("short".into())).unwrap();
        assert_eq!(names(&entries), ["k"]);
        assert_eq!(store.get("k").unwrap().unwrap().expose(), "short");
    }

    #[test]
    fn delete_removes_every_part_and_tolerates_absence() {
        let (store, entries) = store();
        store.set("k", &Secret::new("y".repeat(5000))).unwrap();
        store.set("other", &Secret::new("z".into())).unwrap();
        store.delete("k").unwrap();
        assert_eq!(names(&entries), ["other"]);
        store.delete("k").unwrap();
        assert!(store.get("k").unwrap().is_none());
    }

    #[test]
    fn a_value_that_looks_like_a_header_round_trips() {
        let (store, entries) = store();
        let tricky = Secret::new("rolecall-chunks:3:not really".to_owned());
        store.set("k", &tricky).unwrap();
        assert_eq!(names(&entries), ["k"]);
        assert_eq!(store.get("k").unwrap().unwrap(), tricky);
    }

    #[test]
    fn a_missing_part_reads_as_absent_and_a_bad_header_as_failed() {
        let (store, entries) = store();
        store.set("k", &Secret::new("q".repeat(5000))).unwrap();
        entries.lock().remove("k#1");
        assert!(store.get("k").unwrap().is_none());
        entries
            .lock()
            .insert("k".into(), "rolecall-chunks:zz:".into());
        let err = store.get("k").unwrap_err();
        assert!(matches!(err, StoreError::Failed { .. }), "{err}");
        store.delete("k").unwrap();
        assert!(!entries.lock().contains_key("k"));
    }

    #[test]
    fn probe_leaves_nothing_behind() {
        let (store, entries) = store();
        store.probe().unwrap();
        assert!(entries.lock().is_empty());
    }

    #[test]
    fn keyring_errors_map_to_store_errors_without_the_secret() {
        let io = || Box::new(std::io::Error::other("no bus")) as Box<_>;
        assert!(matches!(
            map_error("k", keyring::Error::NoStorageAccess(io())),
            StoreError::Unavailable { .. }
        ));
        assert!(matches!(
            map_error("k", keyring::Error::PlatformFailure(io())),
            StoreError::Unavailable { .. }
        ));
        let bad = map_error("k", keyring::Error::BadEncoding(b"hunter2".to_vec()));
        assert!(matches!(bad, StoreError::Failed { .. }));
        assert!(!bad.to_string().contains("hunter2"), "{bad}");
        assert_eq!(
            map_error("k", keyring::Error::TooLong("password".into(), 2560)).to_string(),
            "the OS keyring failed: the password of the entry \"k\" is longer than 2560"
        );
    }
}
