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
