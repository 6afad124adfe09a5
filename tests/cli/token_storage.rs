//! The real OS keyring backend: on Linux, the Secret Service that `tests/run.sh` starts inside
//! `dbus-run-session` with `gnome-keyring-daemon --unlock --components=secrets`.
//!
//! With no Secret Service reachable these tests FAIL, saying how to get one, unless
//! `ROLECALL_TEST_NO_KEYRING=1` is set: then they check that no keyring works and that
//! `open_store(Auto)` falls back to the file store with its notice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use rolecall::adapters::aws_sso_cache::AwsSsoCache;
use rolecall::adapters::keyring_store::{KeyringStore, MAX_ENTRY_BYTES, SERVICE};
use rolecall::adapters::store_select::{Backend, open_store};
use rolecall::core::sso::{Registration, SignedIn, SsoSession, SsoToken};
use rolecall::paths::Paths;
use rolecall::ports::secret_store::SecretStore;
use rolecall::secret::Secret;
use rolecall::session_store::SessionStore;

/// True when the environment says there is no keyring to test here.
fn no_keyring_expected() -> bool {
    std::env::var("ROLECALL_TEST_NO_KEYRING").as_deref() == Ok("1")
}

/// The keyring store, or a failure explaining how to get a Secret Service.
fn keyring() -> KeyringStore {
    let store = KeyringStore::new();
    if let Err(e) = store.probe() {
        panic!(
            "no OS keyring is reachable here ({e}).\n\
             Run the tests through tests/run.sh, which starts a Secret Service:\n  \
             dbus-run-session -- bash -c 'echo -n test | gnome-keyring-daemon --unlock \
             --components=secrets >/dev/null; cargo test --test cli token_storage::'\n\
             (Debian packages: dbus, gnome-keyring), or set ROLECALL_TEST_NO_KEYRING=1 to \
             test the fallback to the file store instead."
        );
    }
    store
}

/// A key no other test run uses.
fn unique(name: &str) -> String {
    format!("test/{:016x}/{name}", rand_u64())
}

fn rand_u64() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    nanos ^ (u64::from(std::process::id()) << 32)
}

/// An entry read directly through the `keyring` crate, bypassing our store.
fn raw_entry(key: &str) -> Option<String> {
    match keyring::Entry::new(SERVICE, key).unwrap().get_password() {
        Ok(v) => Some(v),
        Err(keyring::Error::NoEntry) => None,
        Err(e) => panic!("reading {key} directly: {e}"),
    }
}

fn long_value(len: usize) -> String {
    (0..len)
        .map(|i| char::from(b'A' + (i % 26) as u8))
        .collect()
}

fn temp_paths(dir: &std::path::Path) -> Paths {
    let home = dir.to_owned();
    Paths::from_lookup(move |k| (k == "HOME").then(|| home.clone().into_os_string())).unwrap()
}

#[test]
fn keyring_round_trip_long_values_overwrite_and_delete() {
    if no_keyring_expected() {
        assert!(
            KeyringStore::new().probe().is_err(),
            "ROLECALL_TEST_NO_KEYRING=1 is set but an OS keyring works here"
        );
        return;
    }
    let store = keyring();
    let key = unique("round-trip");

    // Short value: one plain entry.
    store.set(&key, &Secret::new("short".into())).unwrap();
    assert_eq!(store.get(&key).unwrap().unwrap().expose(), "short");
    assert_eq!(raw_entry(&key).as_deref(), Some("short"));

    // Longer than one Windows Credential Manager entry: split, and read back whole by a new
    // handle (nothing is cached in memory).
    let long = long_value(3 * MAX_ENTRY_BYTES);
    store.set(&key, &Secret::new(long.clone())).unwrap();
    let again = KeyringStore::new();
    assert_eq!(again.get(&key).unwrap().unwrap().expose(), &long);
    assert!(raw_entry(&key).unwrap().starts_with("rolecall-chunks:"));
    assert!(raw_entry(&format!("{key}#1")).is_some());
    let parts = (1..)
        .take_while(|i| raw_entry(&format!("{key}#{i}")).is_some())
        .count()
        + 1;
    assert!(parts >= 4, "{parts} parts");

    // Overwrite with a short value: the extra parts go.
    store.set(&key, &Secret::new("short again".into())).unwrap();
    assert_eq!(store.get(&key).unwrap().unwrap().expose(), "short again");
    assert_eq!(raw_entry(&format!("{key}#1")), None);

    // Delete removes every part, and deleting twice is fine.
    store.set(&key, &Secret::new(long.clone())).unwrap();
    store.delete(&key).unwrap();
    store.delete(&key).unwrap();
    assert!(store.get(&key).unwrap().is_none());
    for i in 0..parts {
        let name = if i == 0 {
            key.clone()
        } else {
            format!("{key}#{i}")
        };
        assert_eq!(raw_entry(&name), None, "{name} was left behind");
    }
}

#[test]
fn auto_picks_the_keyring_where_one_works_and_the_file_store_where_none_does() {
    let dir = tempfile::tempdir().unwrap();
    let paths = temp_paths(dir.path());
    if no_keyring_expected() {
        assert!(
            KeyringStore::new().probe().is_err(),
            "ROLECALL_TEST_NO_KEYRING=1 is set but an OS keyring works here"
        );
        let (store, notice) = open_store(Backend::Auto, &paths);
        let file = paths.state_dir.join("secrets.json");
        assert_eq!(
            notice,
            Some(format!(
                "no OS keyring is available here; keeping tokens in {} (mode 0600)",
                file.display()
            ))
        );
        assert!(store.describe().starts_with("file store"));
        store.set("k", &Secret::new("v".into())).unwrap();
        assert!(file.is_file());
        return;
    }
    keyring();
    let (store, notice) = open_store(Backend::Auto, &paths);
    assert_eq!(notice, None);
    assert_eq!(store.describe(), "OS keyring");
    // Nothing went to the file store.
    let key = unique("auto");
    store.set(&key, &Secret::new("v".into())).unwrap();
    assert!(!paths.state_dir.join("secrets.json").exists());
    assert_eq!(raw_entry(&key).as_deref(), Some("v"));
    store.delete(&key).unwrap();
}

#[test]
fn a_sign_in_round_trips_through_the_store_auto_picks() {
    if !no_keyring_expected() {
        keyring();
    }
    let dir = tempfile::tempdir().unwrap();
    let (secrets, _) = open_store(Backend::Auto, &temp_paths(dir.path()));
    let want = if no_keyring_expected() {
        "file store"
    } else {
        "OS keyring"
    };
    assert!(
        secrets.describe().starts_with(want),
        "{}",
        secrets.describe()
    );
    let store = SessionStore::new(secrets, AwsSsoCache::new(dir.path().join("cache")))
        .with_aws_cli_interop(false);
    let session = SsoSession {
        name: unique("session"),
        start_url: "https://test.awsapps.com/start".into(),
        region: "us-east-1".into(),
        scopes: vec!["sso:account:access".into()],
        legacy: false,
    };
    let now = SystemTime::now();
    // Real access tokens are long; this one makes the stored value span several parts.
    let signed_in = SignedIn {
        registration: Registration {
            client_id: "client".into(),
            client_secret: Secret::new(long_value(1500)),
            expires_at: now + Duration::from_secs(90 * 24 * 3600),
            grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        },
        token: SsoToken {
            access_token: Secret::new(long_value(2000)),
            expires_at: now + Duration::from_secs(8 * 3600),
            refresh_token: Some(Secret::new(long_value(900))),
        },
    };
    store.save(&session, &signed_in).unwrap();
    assert_eq!(store.load(&session).unwrap(), Some(signed_in));
    store.forget(&session).unwrap();
    assert_eq!(store.load(&session).unwrap(), None);
}
