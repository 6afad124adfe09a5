//! `SecretStore` as one JSON file, for machines with no working OS keyring (headless Linux):
//! `<state dir>/secrets.json`, mode 0600 in a 0700 directory, shaped
//! `{"version": 1, "secrets": {"key": "value", …}}`.
//!
//! Every change is a read-modify-write under the file's lock (`secrets.json.lock`), written
//! atomically. A file that cannot be parsed is never overwritten: it is moved aside to
//! `secrets.json.corrupt-<unix time>` with a warning, and the store starts empty.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::adapters::atomic_file::{FileLock, write_atomic};
use crate::ports::secret_store::{SecretStore, StoreError};
use crate::secret::Secret;

/// The file's name inside the state directory.
pub const FILE_NAME: &str = "secrets.json";

const BACKEND: &str = "file store";
const VERSION: u32 = 1;

/// Secrets in a 0600 JSON file.
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// The store at `<state_dir>/secrets.json`. Nothing is created until a secret is set.
    pub fn new(state_dir: &Path) -> Self {
        Self::at(state_dir.join(FILE_NAME))
    }

    /// The store in exactly this file.
    pub fn at(path: PathBuf) -> Self {
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> Result<FileLock, StoreError> {
        FileLock::acquire(&self.path).map_err(|e| self.failed("lock", &e))
    }

    fn failed(&self, doing: &str, error: &io::Error) -> StoreError {
        StoreError::Failed {
            backend: BACKEND,
            reason: format!("cannot {doing} {}: {error}", self.path.display()),
        }
    }

    /// Reads the file (the caller holds the lock). A missing file is empty; a damaged one is
    /// moved aside and reads as empty.
    fn load(&self, _lock: &FileLock) -> Result<Entries, StoreError> {
        let bytes = match super::read_file::read(&self.path, super::read_file::CONFIG_LIMIT) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Entries::default()),
            Err(e) => return Err(self.failed("read", &e)),
        };
        match serde_json::from_slice::<FileDto>(&bytes) {
            Ok(dto) if dto.version == VERSION => Ok(Entries::from_dto(dto)),
            Ok(dto) => Err(StoreError::Failed {
                backend: BACKEND,
                reason: format!(
                    "{} is version {}, newer than this rolecall understands ({VERSION})",
                    self.path.display(),
                    dto.version
                ),
            }),
            Err(e) => {
                let aside = self.move_aside()?;
                // The parse error's category and position only: its text may quote a secret.
                tracing::warn!(
                    file = %self.path.display(),
                    moved_to = %aside.display(),
                    error = ?e.classify(),
                    line = e.line(),
                    column = e.column(),
                    "the secrets file could not be read; moved it aside and starting empty"
                );
                Ok(Entries::default())
            }
        }
    }

    fn move_aside(&self) -> Result<PathBuf, StoreError> {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".corrupt-{secs}"));
        let aside = self.path.with_file_name(name);
        std::fs::rename(&self.path, &aside).map_err(|e| self.failed("move aside", &e))?;
        Ok(aside)
    }

    fn save(&self, _lock: &FileLock, entries: &Entries) -> Result<(), StoreError> {
        let bytes = Zeroizing::new(serde_json::to_vec_pretty(&entries.to_dto()).map_err(|e| {
            StoreError::Failed {
                backend: BACKEND,
                reason: format!("cannot encode {}: {e}", self.path.display()),
            }
        })?);
        write_atomic(&self.path, &bytes, 0o600).map_err(|e| self.failed("write", &e))
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, StoreError> {
        let lock = self.lock()?;
        Ok(self.load(&lock)?.0.remove(key))
    }

    fn set(&self, key: &str, value: &Secret<String>) -> Result<(), StoreError> {
        let lock = self.lock()?;
        let mut entries = self.load(&lock)?;
        entries.0.insert(key.to_owned(), value.clone());
        self.save(&lock, &entries)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        let lock = self.lock()?;
        let mut entries = self.load(&lock)?;
        if entries.0.remove(key).is_some() {
            self.save(&lock, &entries)?;
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!("file store ({})", self.path.display())
    }
}

/// The file's contents in memory; values are wiped when dropped.
#[derive(Default)]
struct Entries(BTreeMap<String, Secret<String>>);

impl Entries {
    fn from_dto(dto: FileDto) -> Self {
        Self(
            dto.secrets
                .into_iter()
                .map(|(k, v)| (k, Secret::new(v)))
                .collect(),
        )
    }

    fn to_dto(&self) -> FileDtoRef<'_> {
        FileDtoRef {
            version: VERSION,
            secrets: self
                .0
                .iter()
                .map(|(k, v)| (k.as_str(), v.expose().as_str()))
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct FileDto {
    version: u32,
    #[serde(default)]
    secrets: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct FileDtoRef<'a> {
    version: u32,
    secrets: BTreeMap<&'a str, &'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> Secret<String> {
        Secret::new(s.to_owned())
    }

    #[test]
    fn round_trip_overwrite_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(&dir.path().join("state"));
        assert!(store.get("a").unwrap().is_none());
        store.set("a", &secret("one")).unwrap();
        store.set("b", &secret(&"x".repeat(10_000))).unwrap();
        store.set("a", &secret("two")).unwrap();
        assert_eq!(store.get("a").unwrap().unwrap().expose(), "two");
        assert_eq!(store.get("b").unwrap().unwrap().expose().len(), 10_000);
        store.delete("a").unwrap();
        store.delete("a").unwrap();
        assert!(store.get("a").unwrap().is_none());
        assert!(store.get("b").unwrap().is_some());
        // A second handle on the same file sees the same secrets.
        let again = FileStore::new(&dir.path().join("state"));
        assert!(again.get("b").unwrap().is_some());
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_0600_in_a_0700_directory() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state").join("rolecall");
        let store = FileStore::new(&state);
        store.set("k", &secret("v")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(store.path()), 0o600);
        assert_eq!(mode(&state), 0o700);
    }

    #[test]
    fn the_format_is_versioned_json() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        store.set("sso/acme", &secret("v")).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(store.path()).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"version": 1, "secrets": {"sso/acme": "v"}})
        );
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_the_store_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        std::fs::write(
            store.path(),
            b"{\"version\": 1, \"secrets\": {\"k\": \"hunter2\"",
        )
        .unwrap();
        assert!(store.get("k").unwrap().is_none());
        assert!(!store.path().exists());
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("secrets.json.corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        let kept = std::fs::read(dir.path().join(&aside[0])).unwrap();
        assert!(
            kept.ends_with(b"hunter2\""),
            "the damaged file is kept as it was"
        );
        store.set("k", &secret("fresh")).unwrap();
        assert_eq!(store.get("k").unwrap().unwrap().expose(), "fresh");
    }

    #[test]
    fn a_newer_version_is_an_error_naming_the_file_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        std::fs::write(store.path(), br#"{"version": 2, "secrets": {}}"#).unwrap();
        let err = store.set("k", &secret("v")).unwrap_err().to_string();
        assert!(err.contains("secrets.json is version 2"), "{err}");
        assert_eq!(
            std::fs::read(store.path()).unwrap(),
            br#"{"version": 2, "secrets": {}}"#
        );
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let store = FileStore::new(&path);
                    for i in 0..10 {
                        store.set(&format!("k{t}-{i}"), &secret("v")).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let store = FileStore::new(&path);
        for t in 0..8 {
            for i in 0..10 {
                assert!(store.get(&format!("k{t}-{i}")).unwrap().is_some());
            }
        }
    }
}
