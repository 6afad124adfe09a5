//! `SessionStore` over an in-memory secret store and a temporary AWS CLI cache directory.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;

/// A secret store in memory that can be switched off.
#[derive(Default, Clone)]
struct Memory {
    map: Arc<Mutex<BTreeMap<String, String>>>,
    broken: Arc<Mutex<bool>>,
}

impl Memory {
    fn keys(&self) -> Vec<String> {
        self.map.lock().unwrap().keys().cloned().collect()
    }

    fn check(&self) -> Result<(), StoreError> {
        if *self.broken.lock().unwrap() {
            return Err(StoreError::Unavailable {
                backend: "memory",
                reason: "switched off".into(),
            });
        }
        Ok(())
    }
}

impl SecretStore for Memory {
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, StoreError> {
        self.check()?;
        Ok(self.map.lock().unwrap().get(key).cloned().map(Secret::new))
    }
    fn set(&self, key: &str, value: &Secret<String>) -> Result<(), StoreError> {
        self.check()?;
        self.map
            .lock()
            .unwrap()
            .insert(key.into(), value.expose().clone());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.check()?;
        self.map.lock().unwrap().remove(key);
        Ok(())
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn session() -> SsoSession {
    SsoSession {
        name: "acme".into(),
        start_url: "https://acme.awsapps.com/start".into(),
        region: "us-east-1".into(),
        scopes: vec!["sso:account:access".into()],
        legacy: false,
    }
}

fn signed_in(client: &str, access: &str, expires: u64) -> SignedIn {
    SignedIn {
        registration: Registration {
            client_id: client.into(),
            client_secret: Secret::new(format!("{client}-secret")),
            expires_at: at(1_900_000_000) + Duration::from_nanos(123),
            grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        },
        token: SsoToken {
            access_token: Secret::new(access.into()),
            expires_at: at(expires) + Duration::from_millis(250),
            refresh_token: Some(Secret::new(format!("{access}-refresh"))),
        },
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    memory: Memory,
    cache: AwsSsoCache,
    store: SessionStore,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let memory = Memory::default();
    let cache = AwsSsoCache::new(dir.path().join("sso").join("cache"));
    let store = SessionStore::new(Box::new(memory.clone()), cache.clone());
    Fixture {
        _dir: dir,
        memory,
        cache,
        store,
    }
}

#[test]
fn save_then_load_round_trips_exactly() {
    let f = fixture();
    assert_eq!(f.store.load(&session()).unwrap(), None);
    let ours = signed_in("c1", "tok", 1_800_000_000);
    f.store.save(&session(), &ours).unwrap();
    assert_eq!(f.memory.keys(), ["sso/acme"]);
    assert!(f.cache.path_for(&session()).is_file());
    let login = f.store.load_login(&session()).unwrap().unwrap();
    assert_eq!(login.source, Source::SecretStore, "a tie goes to our copy");
    assert_eq!(f.store.load(&session()).unwrap(), Some(ours));
}

#[test]
fn the_stored_value_is_json_with_every_field() {
    let f = fixture();
    f.store
        .save(&session(), &signed_in("c1", "tok", 1_800_000_000))
        .unwrap();
    let raw = f.memory.map.lock().unwrap()["sso/acme"].clone();
    let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        value,
        json!({
            "version": 1,
            "startUrl": "https://acme.awsapps.com/start",
            "registration": {
                "clientId": "c1",
                "clientSecret": "c1-secret",
                "expiresAt": "2030-03-17T17:46:40.000000123Z",
                "grantTypes": ["authorization_code", "refresh_token"],
            },
            "token": {
                "accessToken": "tok",
                "expiresAt": "2027-01-15T08:00:00.25Z",
                "refreshToken": "tok-refresh",
            },
        })
    );
}

#[test]
fn a_later_aws_cli_token_wins_and_keeps_our_registration_details() {
    let f = fixture();
    let ours = signed_in("c1", "ours", 1_800_000_000);
    f.store.save(&session(), &ours).unwrap();
    // The AWS CLI refreshed the token with the same client.
    let newer = signed_in("c1", "theirs", 1_800_003_600);
    f.cache.write(&session(), &newer).unwrap();
    let login = f.store.load_login(&session()).unwrap().unwrap();
    assert_eq!(login.source, Source::AwsCli);
    assert_eq!(login.token.access_token.expose(), "theirs");
    assert_eq!(login.registration, Some(ours.registration.clone()));
    // An older AWS CLI token loses.
    f.cache
        .write(&session(), &signed_in("c1", "older", 1_700_000_000))
        .unwrap();
    let loaded = f.store.load(&session()).unwrap().unwrap();
    assert_eq!(loaded.token.access_token.expose(), "ours");
}

#[test]
fn an_aws_cli_login_alone_is_used_with_its_own_client() {
    let f = fixture();
    f.cache
        .write(&session(), &signed_in("cli-client", "cli", 1_800_000_000))
        .unwrap();
    let loaded = f.store.load(&session()).unwrap().unwrap();
    assert_eq!(loaded.token.access_token.expose(), "cli");
    assert_eq!(loaded.registration.client_id, "cli-client");
    assert_eq!(loaded.registration.grant_types, ["refresh_token"]);
}

#[test]
fn a_legacy_cli_token_pairs_with_our_registration_or_stands_alone() {
    let f = fixture();
    let mut legacy = session();
    legacy.legacy = true;
    legacy.name = "dev-profile".into();
    let write_cli = |token: &str, expires: &str| {
        let path = f.cache.path_for(&legacy);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            json!({
                "startUrl": legacy.start_url,
                "region": "us-east-1",
                "accessToken": token,
                "expiresAt": expires,
            })
            .to_string(),
        )
        .unwrap();
    };
    write_cli("legacy-cli", "2027-01-15T09:00:00Z");
    let login = f.store.load_login(&legacy).unwrap().unwrap();
    assert_eq!(login.registration, None);
    // Used as it is, with no client to refresh with; keeping it writes nothing anywhere.
    let alone = f.store.load(&legacy).unwrap().unwrap();
    assert_eq!(alone.token.access_token.expose(), "legacy-cli");
    assert!(is_no_client(&alone.registration));
    assert!(!alone.registration.is_valid_at(UNIX_EPOCH, Duration::ZERO));
    let file = std::fs::read(f.cache.path_for(&legacy)).unwrap();
    f.store.save(&legacy, &alone).unwrap();
    assert!(f.memory.keys().is_empty());
    assert_eq!(std::fs::read(f.cache.path_for(&legacy)).unwrap(), file);

    let ours = signed_in("c1", "ours", 1_800_000_000);
    f.store.save(&legacy, &ours).unwrap();
    assert_eq!(f.memory.keys(), ["sso-profile/dev-profile"]);
    write_cli("legacy-cli", "2027-01-15T09:00:00Z");
    let loaded = f.store.load(&legacy).unwrap().unwrap();
    assert_eq!(loaded.token.access_token.expose(), "legacy-cli");
    assert_eq!(loaded.registration, ours.registration);
    assert_eq!(
        loaded.token.refresh_token.unwrap().expose(),
        "ours-refresh",
        "our refresh token still belongs to our registration"
    );
}

#[test]
fn tokens_for_another_start_url_are_ignored() {
    let f = fixture();
    f.store
        .save(&session(), &signed_in("c1", "tok", 1_800_000_000))
        .unwrap();
    let mut moved = session();
    moved.start_url = "https://elsewhere.awsapps.com/start".into();
    assert_eq!(f.store.load(&moved).unwrap(), None);
}

#[test]
fn interop_off_neither_reads_nor_writes_the_cli_cache() {
    let f = fixture();
    let store =
        SessionStore::new(Box::new(f.memory.clone()), f.cache.clone()).with_aws_cli_interop(false);
    store
        .save(&session(), &signed_in("c1", "tok", 1_800_000_000))
        .unwrap();
    assert!(!f.cache.path_for(&session()).exists());
    f.cache
        .write(&session(), &signed_in("c1", "cli", 1_900_000_000))
        .unwrap();
    let loaded = store.load(&session()).unwrap().unwrap();
    assert_eq!(loaded.token.access_token.expose(), "tok");
    store.forget(&session()).unwrap();
    assert!(f.cache.path_for(&session()).exists());
}

#[test]
fn a_broken_secret_store_falls_back_to_the_cli_token_or_reports_its_error() {
    let f = fixture();
    *f.memory.broken.lock().unwrap() = true;
    let err = f.store.load(&session()).unwrap_err().to_string();
    assert_eq!(err, "the memory is not available: switched off");
    f.cache
        .write(&session(), &signed_in("c1", "cli", 1_800_000_000))
        .unwrap();
    assert!(f.store.load(&session()).unwrap().is_some());
}

#[test]
fn damaged_entries_read_as_absent() {
    let f = fixture();
    f.memory
        .map
        .lock()
        .unwrap()
        .insert("sso/acme".into(), "{not json".into());
    assert_eq!(f.store.load(&session()).unwrap(), None);
    std::fs::create_dir_all(f.cache.dir()).unwrap();
    std::fs::write(f.cache.path_for(&session()), "{}").unwrap();
    assert_eq!(f.store.load(&session()).unwrap(), None);
}

fn credentials(secret: &str) -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: Secret::new(secret.into()),
        session_token: Some(Secret::new("session".into())),
        expires_at: Some(at(1_800_000_000)),
    }
}

#[test]
fn role_credentials_round_trip_and_are_forgotten() {
    let f = fixture();
    let s = session();
    assert_eq!(
        f.store
            .load_credentials(&s, "111111111111", "Admin")
            .unwrap(),
        None
    );
    f.store
        .save_credentials(&s, "111111111111", "Admin", &credentials("a"))
        .unwrap();
    f.store
        .save_credentials(&s, "222222222222", "ReadOnly", &credentials("b"))
        .unwrap();
    f.store
        .save_credentials(&s, "111111111111", "Admin", &credentials("c"))
        .unwrap();
    assert_eq!(
        f.store
            .load_credentials(&s, "111111111111", "Admin")
            .unwrap(),
        Some(credentials("c"))
    );
    assert_eq!(
        f.memory.keys(),
        [
            "creds-index/acme",
            "creds/acme/111111111111/Admin",
            "creds/acme/222222222222/ReadOnly",
        ]
    );
    f.store
        .forget_credentials(&s, "222222222222", "ReadOnly")
        .unwrap();
    assert_eq!(
        f.memory.keys(),
        ["creds-index/acme", "creds/acme/111111111111/Admin"]
    );
    let no_expiry = Credentials {
        expires_at: None,
        session_token: None,
        ..credentials("d")
    };
    f.store
        .save_credentials(&s, "333333333333", "Dev", &no_expiry)
        .unwrap();
    assert_eq!(
        f.store.load_credentials(&s, "333333333333", "Dev").unwrap(),
        Some(no_expiry)
    );

    f.store
        .save(&s, &signed_in("c1", "tok", 1_800_000_000))
        .unwrap();
    f.store.forget(&s).unwrap();
    assert!(f.memory.keys().is_empty(), "{:?}", f.memory.keys());
    assert!(!f.cache.path_for(&s).exists());
}

#[test]
fn errors_never_carry_a_value() {
    let f = fixture();
    let s = session();
    f.store
        .save(&s, &signed_in("c1", "hunter2", 1_800_000_000))
        .unwrap();
    *f.memory.broken.lock().unwrap() = true;
    std::fs::remove_file(f.cache.path_for(&s)).unwrap();
    let err = f.store.load(&s).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

#[test]
fn only_fresh_credentials_are_handed_out_and_stale_ones_are_dropped() {
    let f = fixture();
    let s = session();
    f.store
        .save_credentials(&s, "111111111111", "Admin", &credentials("a"))
        .unwrap();
    let margin = Duration::from_secs(300);
    let early = at(1_800_000_000 - 600);
    assert_eq!(
        f.store
            .load_fresh_credentials(&s, "111111111111", "Admin", early, margin)
            .unwrap(),
        Some(credentials("a"))
    );
    let late = at(1_800_000_000 - 200);
    assert_eq!(
        f.store
            .load_fresh_credentials(&s, "111111111111", "Admin", late, margin)
            .unwrap(),
        None
    );
    assert!(f.memory.keys().is_empty(), "{:?}", f.memory.keys());
}

/// One registration per sign-in flow: saving a sign-in made with a device registration keeps
/// the browser (PKCE) one beside it, a newer registration of a flow replaces the older one,
/// and a record written before other registrations existed still reads.
#[test]
fn one_registration_is_kept_per_sign_in_flow() {
    let f = fixture();
    let with_grants = |client: &str, method: Method| {
        let mut s = signed_in(client, &format!("{client}-token"), 1_800_000_000);
        s.registration.grant_types = method.grant_types().iter().map(|g| g.to_string()).collect();
        s
    };
    let ids = |store: &SessionStore| -> Vec<String> {
        store
            .registrations(&session())
            .into_iter()
            .map(|r| r.client_id)
            .collect()
    };
    assert!(ids(&f.store).is_empty());
    f.store
        .save(&session(), &with_grants("browser-1", Method::Pkce))
        .unwrap();
    assert_eq!(ids(&f.store), ["browser-1"]);
    f.store
        .save(&session(), &with_grants("device-1", Method::DeviceCode))
        .unwrap();
    assert_eq!(ids(&f.store), ["device-1", "browser-1"]);
    // A refresh saves the same registration again: nothing changes.
    f.store
        .save(&session(), &with_grants("device-1", Method::DeviceCode))
        .unwrap();
    assert_eq!(ids(&f.store), ["device-1", "browser-1"]);
    f.store
        .save(&session(), &with_grants("device-2", Method::DeviceCode))
        .unwrap();
    assert_eq!(ids(&f.store), ["device-2", "browser-1"]);
    f.store
        .save(&session(), &with_grants("browser-2", Method::Pkce))
        .unwrap();
    assert_eq!(ids(&f.store), ["browser-2", "device-2"]);
    let kept = f.store.registrations(&session());
    assert_eq!(kept[1].client_secret.expose(), "device-2-secret");
    assert!(Method::DeviceCode.fits(&kept[1]));

    // The token still loads with its own registration; forgetting removes them all.
    let loaded = f.store.load(&session()).unwrap().unwrap();
    assert_eq!(loaded.registration.client_id, "browser-2");
    f.store.forget(&session()).unwrap();
    assert!(ids(&f.store).is_empty());

    // A record without `otherRegistrations` (older rolecall) reads as before.
    let old = dto::encode_signed_in(&session(), &signed_in("c", "t", 1_800_000_000), &[]).unwrap();
    assert!(!old.expose().contains("otherRegistrations"));
    let (_, decoded, others) = dto::decode_signed_in(&old).unwrap();
    assert_eq!(decoded, signed_in("c", "t", 1_800_000_000));
    assert!(others.is_empty());
}

/// An [`ExpiringCache`] in memory, remembering each entry's `until`.
#[derive(Default, Clone)]
struct MemoryCache {
    map: Arc<Mutex<BTreeMap<String, (String, SystemTime)>>>,
}

impl ExpiringCache for MemoryCache {
    fn get(&self, key: &str) -> Option<Secret<String>> {
        let map = self.map.lock().unwrap();
        map.get(key).map(|(value, _)| Secret::new(value.clone()))
    }
    fn put(&self, key: &str, value: &Secret<String>, until: SystemTime) {
        let mut map = self.map.lock().unwrap();
        map.insert(key.into(), (value.expose().clone(), until));
    }
    fn remove(&self, key: &str) {
        self.map.lock().unwrap().remove(key);
    }
}

fn cached_fixture() -> (Fixture, MemoryCache) {
    let mut f = fixture();
    let cache = MemoryCache::default();
    f.store = SessionStore::new(Box::new(f.memory.clone()), f.cache.clone())
        .with_cache(Some(Box::new(cache.clone())));
    (f, cache)
}

#[test]
fn credentials_are_cached_until_they_expire_and_read_without_the_secret_store() {
    let (f, cache) = cached_fixture();
    let s = session();
    f.store
        .save_credentials(&s, "111111111111", "Admin", &credentials("a"))
        .unwrap();
    f.store
        .save_chain_credentials("chain/deploy/f1", &credentials("b"))
        .unwrap();
    let until = |key: &str| cache.map.lock().unwrap().get(key).map(|(_, t)| *t);
    assert_eq!(
        until("creds/acme/111111111111/Admin"),
        Some(at(1_800_000_000))
    );
    assert_eq!(until("chain/deploy/f1"), Some(at(1_800_000_000)));
    // Sign-ins, the index and long-term keys never go to the cache.
    f.store
        .save(&s, &signed_in("c1", "tok", 1_800_000_000))
        .unwrap();
    let long_term = Credentials {
        expires_at: None,
        session_token: None,
        ..credentials("k")
    };
    f.store
        .save_chain_credentials("chain/keys/f2", &long_term)
        .unwrap();
    assert_eq!(
        cache
            .map
            .lock()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        ["chain/deploy/f1", "creds/acme/111111111111/Admin"]
    );

    // With the secret store switched off, the cache still answers.
    *f.memory.broken.lock().unwrap() = true;
    let margin = Duration::from_secs(300);
    let now = at(1_800_000_000 - 600);
    assert_eq!(
        f.store
            .load_fresh_credentials(&s, "111111111111", "Admin", now, margin)
            .unwrap(),
        Some(credentials("a"))
    );
    assert_eq!(
        f.store
            .load_fresh_chain_credentials("chain/deploy/f1", now, margin)
            .unwrap(),
        Some(credentials("b"))
    );
    *f.memory.broken.lock().unwrap() = false;

    // Forgetting drops the cached copy too.
    f.store.forget(&s).unwrap();
    f.store.forget_chain_credentials("chain/deploy/f1").unwrap();
    assert!(cache.map.lock().unwrap().is_empty());
}

#[test]
fn a_cached_copy_too_old_gives_way_to_the_secret_stores_and_a_miss_fills_the_cache() {
    let (f, cache) = cached_fixture();
    let s = session();
    let key = "creds/acme/111111111111/Admin";
    // Another login session renewed them: the secret store has newer ones than this cache.
    f.store
        .save_credentials(&s, "111111111111", "Admin", &credentials("old"))
        .unwrap();
    let newer = Credentials {
        expires_at: Some(at(1_800_003_600)),
        ..credentials("new")
    };
    f.memory
        .set(key, &dto::encode_credentials(&newer).unwrap())
        .unwrap();
    let margin = Duration::from_secs(1200);
    let now = at(1_800_000_000 - 900);
    assert_eq!(
        f.store
            .load_fresh_credentials(&s, "111111111111", "Admin", now, margin)
            .unwrap(),
        Some(newer.clone())
    );
    assert_eq!(
        cache.map.lock().unwrap().get(key).map(|(_, t)| *t),
        Some(at(1_800_003_600)),
        "the newer ones replace the cached copy"
    );

    // A new login session: nothing cached, the first read fills it.
    cache.map.lock().unwrap().clear();
    assert_eq!(
        f.store
            .load_credentials(&s, "111111111111", "Admin")
            .unwrap(),
        Some(newer)
    );
    assert!(cache.map.lock().unwrap().contains_key(key));
}
