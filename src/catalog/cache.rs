//! The catalog on disk, so start-up is instant: `<cache dir>/catalog-<session>.json`,
//! written atomically with mode 0600. The file is versioned; a damaged, foreign or
//! old-format file is ignored with a notice (returned, never printed) and rebuilt by the next
//! listing.
//!
//! ```json
//! {"format":"rolecall-catalog","version":1,"catalog":{"session":"acme","listed_at":…,"accounts":[…]}}
//! ```

use std::io;
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::adapters::atomic_file::write_atomic;
use crate::core::catalog::{AccountId, Catalog};
use crate::paths::Paths;

/// What the `format` field says.
pub(crate) const FORMAT: &str = "rolecall-catalog";
/// The version this build reads and writes.
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    format: &'static str,
    version: u32,
    catalog: &'a Catalog,
}

/// The envelope without the catalog, to check the version before reading the rest.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default, rename = "catalog")]
    _catalog: IgnoredAny,
}

#[derive(Deserialize)]
struct Body {
    catalog: Catalog,
}

/// What is read of a body the typed read refused: its session and its account ids as text,
/// to say why.
#[derive(Deserialize)]
struct Probe {
    catalog: ProbeCatalog,
}

#[derive(Deserialize)]
struct ProbeCatalog {
    session: String,
    accounts: Vec<ProbeEntry>,
}

#[derive(Deserialize)]
struct ProbeEntry {
    account: ProbeAccount,
}

#[derive(Deserialize)]
struct ProbeAccount {
    id: String,
}

/// The cache file of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogCache {
    path: PathBuf,
    session: String,
}

/// What loading found: a catalog, or `None` and maybe a notice saying why the file was
/// ignored (no file at all is not worth a notice).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheLoad {
    pub catalog: Option<Catalog>,
    pub notice: Option<String>,
}

impl CatalogCache {
    /// The cache of `session` in `cache_dir`.
    pub fn new(cache_dir: &Path, session: &str) -> Self {
        Self {
            path: cache_dir.join(file_name(session)),
            session: session.to_owned(),
        }
    }

    /// The cache of `session` in the XDG cache dir (`Paths::cache_dir`).
    pub fn for_session(paths: &Paths, session: &str) -> Self {
        Self::new(&paths.cache_dir, session)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the cached catalog.
    pub fn load(&self) -> CacheLoad {
        let shown = self.path.display();
        let ignored = |why: String| CacheLoad {
            catalog: None,
            notice: Some(format!(
                "ignoring the catalog cache {shown}: {why}; it will be rebuilt"
            )),
        };
        let bytes = match crate::adapters::read_file::read(
            &self.path,
            crate::adapters::read_file::CACHE_LIMIT,
        ) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return CacheLoad::default(),
            Err(e) => return ignored(format!("cannot read it ({e})")),
        };
        let header: Header = match serde_json::from_slice(&bytes) {
            Ok(header) => header,
            Err(e) => return ignored(format!("it is damaged ({e})")),
        };
        if header.format.as_deref() != Some(FORMAT) {
            return ignored("it is in an old or unknown format".into());
        }
        match header.version {
            Some(VERSION) => {}
            Some(v) => {
                return ignored(format!(
                    "it has format version {v}, this rolecall reads {VERSION}"
                ));
            }
            None => return ignored("it is in an old or unknown format".into()),
        }
        let catalog = match serde_json::from_slice::<Body>(&bytes) {
            Ok(body) => body.catalog,
            Err(e) => return ignored(self.refused(&bytes, e)),
        };
        if catalog.session != self.session {
            return ignored(format!("it belongs to session {:?}", catalog.session));
        }
        tracing::debug!(accounts = catalog.accounts.len(), "catalog cache loaded");
        CacheLoad {
            catalog: Some(catalog),
            notice: None,
        }
    }

    /// Why a body the typed read refused is ignored: another session's, or (written before ids
    /// were checked at the intake) holding an id that is not an account id, never passed on;
    /// else damaged.
    fn refused(&self, bytes: &[u8], error: serde_json::Error) -> String {
        let Ok(probe) = serde_json::from_slice::<Probe>(bytes) else {
            return format!("it is damaged ({error})");
        };
        if probe.catalog.session != self.session {
            format!("it belongs to session {:?}", probe.catalog.session)
        } else if !probe
            .catalog
            .accounts
            .iter()
            .all(|e| AccountId::is_valid(&e.account.id))
        {
            "it holds an account id that is not 12 digits".into()
        } else {
            format!("it is damaged ({error})")
        }
    }

    /// Replaces the cached catalog (atomically, mode 0600).
    pub fn save(&self, catalog: &Catalog) -> io::Result<()> {
        let bytes = serde_json::to_vec(&Envelope {
            format: FORMAT,
            version: VERSION,
            catalog,
        })
        .map_err(io::Error::other)?;
        write_atomic(&self.path, &bytes, 0o600)?;
        tracing::debug!(
            accounts = catalog.accounts.len(),
            bytes = bytes.len(),
            "catalog cache saved"
        );
        Ok(())
    }
}

/// `catalog-<session>.json`, the session name reduced to `[A-Za-z0-9._-]`; when that changed
/// it, a short hash of the real name keeps two sessions apart.
pub(crate) fn file_name(session: &str) -> String {
    let clean: String = session
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .collect();
    if clean == session && !session.is_empty() && !session.starts_with('.') {
        format!("catalog-{clean}.json")
    } else {
        let hash = hex::encode(&Sha256::digest(session.as_bytes())[..4]);
        format!("catalog-{clean}-{hash}.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_name("acme-prod"), "catalog-acme-prod.json");
        let slash = file_name("acme/prod");
        assert!(
            slash.starts_with("catalog-acme_prod-") && slash.ends_with(".json"),
            "{slash}"
        );
        assert_ne!(slash, file_name("acme_prod"));
        assert_ne!(file_name("a b"), file_name("a?b"));
        assert!(!file_name("../x").contains('/'));
        assert!(file_name("").starts_with("catalog--"));
    }

    /// A cache file as rolecall wrote it before account ids were typed.
    const OLD_FILE: &str = r#"{"format":"rolecall-catalog","version":1,"catalog":{"session":"acme","listed_at":1700000000,"accounts":[{"account":{"id":"111111111111","name":"prod","email":"ops@acme.example"},"roles":{"Listed":["Admin","ReadOnly"]}},{"account":{"id":"222222222222","name":"dev","email":null},"roles":{"Stale":{"roles":["Dev"],"reason":"throttled"}}},{"account":{"id":"333333333333","name":"sandbox","email":null},"roles":{"Unavailable":{"reason":"throttled"}}}]}}"#;

    #[test]
    fn a_cache_written_before_ids_were_typed_loads_and_is_written_back_the_same() {
        use crate::core::catalog::{Account, AccountEntry, Roles};
        let dir = tempfile::tempdir().unwrap();
        let cache = CatalogCache::new(dir.path(), "acme");
        std::fs::write(cache.path(), OLD_FILE).unwrap();
        let loaded = cache.load();
        assert_eq!(loaded.notice, None);
        let catalog = loaded.catalog.unwrap();
        let id = |text: &str| AccountId::parse(text).unwrap();
        assert_eq!(
            catalog.accounts[0],
            AccountEntry {
                account: Account {
                    id: id("111111111111"),
                    name: "prod".into(),
                    email: Some("ops@acme.example".into()),
                },
                roles: Roles::Listed(vec!["Admin".into(), "ReadOnly".into()]),
            }
        );
        assert_eq!(catalog.accounts[2].account.id, "333333333333");
        cache.save(&catalog).unwrap();
        assert_eq!(std::fs::read_to_string(cache.path()).unwrap(), OLD_FILE);
    }

    #[test]
    fn a_cache_holding_a_malformed_account_id_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CatalogCache::new(dir.path(), "acme");
        std::fs::write(cache.path(), OLD_FILE.replace("222222222222", "1$(id)")).unwrap();
        let loaded = cache.load();
        assert_eq!(loaded.catalog, None);
        assert!(
            loaded.notice.unwrap().contains("not 12 digits"),
            "the notice says why"
        );
        // Another session's file says so first, as before ids were typed.
        let other = CatalogCache::new(dir.path(), "other");
        std::fs::write(other.path(), OLD_FILE.replace("222222222222", "1$(id)")).unwrap();
        let notice = other.load().notice.unwrap();
        assert!(
            notice.contains(r#"it belongs to session "acme""#),
            "{notice}"
        );
        std::fs::write(cache.path(), OLD_FILE.replace(r#""name":"prod","#, "")).unwrap();
        let notice = cache.load().notice.unwrap();
        assert!(
            notice.contains("it is damaged (missing field `name`"),
            "{notice}"
        );
    }
}
