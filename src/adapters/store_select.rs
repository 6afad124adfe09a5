//! Choosing where secrets are kept: the OS keyring when it works, else the 0600 file store,
//! with a one-line notice saying so; and the cache of role credentials in front of the OS
//! keyring (the kernel keyring on Linux).

use serde::{Deserialize, Serialize};

use crate::adapters::file_store::FileStore;
use crate::adapters::keyring_store::KeyringStore;
use crate::paths::Paths;
use crate::ports::secret_store::{ExpiringCache, SecretStore, StoreError};
use crate::secret::Secret;

/// The `[storage] backend` setting of rolecall's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The OS keyring if a probe shows it works, else the file store.
    #[default]
    Auto,
    /// The OS keyring, even if it does not seem to work (errors then say why).
    Keyring,
    /// `<state dir>/secrets.json`, mode 0600.
    File,
}

/// Opens the secret store `backend` asks for, to read only: `Auto` does not probe the keyring
/// first (a write, a read and a delete over D-Bus: about 70 ms on Linux, most of
/// `credential-process`'s time). The first read decides: a keyring that answers is where `Auto`
/// keeps things; one that fails sends the read to the file store, where `Auto` would have
/// fallen back.
pub fn open_store_to_read(backend: Backend, paths: &Paths) -> Box<dyn SecretStore> {
    match backend {
        Backend::Auto => Box::new(KeyringElseFile {
            keyring: KeyringStore::new(),
            file: FileStore::new(&paths.state_dir),
        }),
        backend => open_store(backend, paths).0,
    }
}

/// The OS keyring, and the file store for any call the keyring cannot answer.
struct KeyringElseFile {
    keyring: KeyringStore,
    file: FileStore,
}

impl SecretStore for KeyringElseFile {
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, StoreError> {
        self.keyring.get(key).or_else(|_| self.file.get(key))
    }

    fn set(&self, key: &str, value: &Secret<String>) -> Result<(), StoreError> {
        self.keyring
            .set(key, value)
            .or_else(|_| self.file.set(key, value))
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.keyring.delete(key).or_else(|_| self.file.delete(key))
    }

    fn describe(&self) -> String {
        format!(
            "{} (else the {})",
            self.keyring.describe(),
            self.file.describe()
        )
    }
}

/// Opens the secret store `backend` asks for. The second value is a one-line notice for the
/// user when `Auto` had to fall back to the file store.
pub fn open_store(backend: Backend, paths: &Paths) -> (Box<dyn SecretStore>, Option<String>) {
    match backend {
        Backend::Keyring => (Box::new(KeyringStore::new()), None),
        Backend::File => (Box::new(FileStore::new(&paths.state_dir)), None),
        Backend::Auto => {
            let keyring = KeyringStore::new();
            match keyring.probe() {
                Ok(()) => (Box::new(keyring), None),
                Err(e) => {
                    tracing::info!(error = %e, "falling back to the file store");
                    let file = FileStore::new(&paths.state_dir);
                    let notice = fallback_notice(&file);
                    (Box::new(file), Some(notice))
                }
            }
        }
    }
}

/// The cache of role credentials in front of the OS keyring: on Linux the kernel keyring of
/// this login session (see `adapters::kernel_keyring`), or none where it cannot be used
/// (docker's seccomp profile refuses `keyctl`: logged at debug level only). None for the file
/// store, which answers in microseconds itself, and none on macOS and Windows, whose keyrings
/// are local calls, not a D-Bus round trip.
pub fn credentials_cache(backend: Backend) -> Option<Box<dyn ExpiringCache>> {
    if backend == Backend::File {
        return None;
    }
    #[cfg(target_os = "linux")]
    {
        crate::adapters::kernel_keyring::KernelKeyring::open()
            .map(|ring| Box::new(ring) as Box<dyn ExpiringCache>)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The file in the state directory whose presence says the fallback notice was shown.
const NOTICE_SHOWN: &str = "keyring-notice-shown";

/// Whether the fallback notice is new to this user: true once, the first time it is asked
/// (which is then remembered in the state directory; if that cannot be written, the notice is
/// shown again next time rather than never).
pub fn notice_is_new(paths: &Paths) -> bool {
    let marker = paths.state_dir.join(NOTICE_SHOWN);
    if marker.exists() {
        return false;
    }
    if let Err(e) = crate::adapters::atomic_file::write_atomic(&marker, b"", 0o600) {
        tracing::info!(error = %e, "could not remember that the keyring notice was shown");
    }
    true
}

/// What the user is told when tokens go to the file store because no keyring works.
pub fn fallback_notice(file: &FileStore) -> String {
    format!(
        "no OS keyring is available here; keeping tokens in {} (mode 0600)",
        file.path().display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    #[test]
    fn config_names_are_lowercase() {
        #[derive(Deserialize)]
        struct C {
            secret_store: Backend,
        }
        for (text, want) in [
            ("auto", Backend::Auto),
            ("keyring", Backend::Keyring),
            ("file", Backend::File),
        ] {
            let c: C = toml::from_str(&format!("secret_store = \"{text}\"")).unwrap();
            assert_eq!(c.secret_store, want);
        }
        assert!(toml::from_str::<C>("secret_store = \"Keyring\"").is_err());
        assert_eq!(Backend::default(), Backend::Auto);
    }

    #[test]
    fn file_backend_uses_the_state_dir() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_owned();
        let paths = Paths::from_lookup(|k| (k == "HOME").then(|| home.clone().into())).unwrap();
        let (store, notice) = open_store(Backend::File, &paths);
        assert!(notice.is_none());
        store.set("k", &Secret::new("v".to_owned())).unwrap();
        assert!(paths.state_dir.join("secrets.json").is_file());
        assert!(store.describe().starts_with("file store ("));
    }

    #[test]
    fn the_notice_is_new_once() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_owned();
        let paths = Paths::from_lookup(|k| (k == "HOME").then(|| home.clone().into())).unwrap();
        assert!(notice_is_new(&paths));
        assert!(!notice_is_new(&paths));
        assert!(!notice_is_new(&paths));
    }

    #[test]
    fn the_notice_names_the_file() {
        let file = FileStore::new(std::path::Path::new("/h/.local/state/rolecall"));
        assert_eq!(
            fallback_notice(&file),
            "no OS keyring is available here; keeping tokens in /h/.local/state/rolecall/secrets.json (mode 0600)"
        );
    }
}
