//! Where secrets are kept between runs: the OS keyring, or a 0600 file where none works.

use crate::secret::Secret;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend is not usable here (no Secret Service, locked keychain, …).
    #[error("the {backend} is not available: {reason}")]
    Unavailable {
        backend: &'static str,
        reason: String,
    },
    #[error("the {backend} failed: {reason}")]
    Failed {
        backend: &'static str,
        reason: String,
    },
}

/// A key → secret map. Calls may block (keyring IPC, file IO): async callers use
/// `spawn_blocking`.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, StoreError>;
    fn set(&self, key: &str, value: &Secret<String>) -> Result<(), StoreError>;
    /// Removes the key; removing a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// A short name for messages: "OS keyring", "file store".
    fn describe(&self) -> String;
}

/// A fast cache of short-lived secrets in front of a slow [`SecretStore`] (the kernel keyring
/// in front of the Secret Service): never the only copy, so every failure is a miss. An entry
/// forgets itself at the time it was kept until.
pub trait ExpiringCache: Send + Sync {
    /// `None` when absent, expired, or the cache cannot answer.
    fn get(&self, key: &str) -> Option<Secret<String>>;
    /// Keeps `value` under `key` until `until`; a time already past keeps nothing.
    fn put(&self, key: &str, value: &Secret<String>, until: std::time::SystemTime);
    /// Forgets `key`; a missing key is not an error.
    fn remove(&self, key: &str);
}
