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
use crate::core::catalog::Catalog;
use crate::paths::Paths;

/// What the `format` field says.
pub const FORMAT: &str = "rolecall-catalog";
/// The version this build reads and writes.
pub const VERSION: u32 = 1;

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
            Err(e) => return ignored(format!("it is damaged ({e})")),
        };
        if catalog.session != self.session {
            return ignored(format!("it belongs to session {:?}", catalog.session));
        }
        // Written before ids were checked at the intake: never pass such an id on.
        if !catalog
            .accounts
            .iter()
            .all(|e| crate::core::catalog::is_account_id(&e.account.id))
        {
            return ignored("it holds an account id that is not 12 digits".into());
        }
        tracing::debug!(accounts = catalog.accounts.len(), "catalog cache loaded");
        CacheLoad {
            catalog: Some(catalog),
            notice: None,
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
pub fn file_name(session: &str) -> String {
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

    #[test]
    fn a_cache_holding_a_malformed_account_id_is_rebuilt() {
        use crate::core::catalog::{Account, AccountEntry, Roles};
        let dir = tempfile::tempdir().unwrap();
        let cache = CatalogCache::new(dir.path(), "acme");
        let entry = |id: &str| AccountEntry {
            account: Account {
                id: id.into(),
                name: "n".into(),
                email: None,
            },
            roles: Roles::Listed(vec!["r".into()]),
        };
        let mut catalog = Catalog {
            session: "acme".into(),
            listed_at: 0,
            accounts: vec![entry("111111111111")],
        };
        cache.save(&catalog).unwrap();
        assert_eq!(cache.load().catalog, Some(catalog.clone()));
        catalog.accounts.push(entry("1$(id)"));
        cache.save(&catalog).unwrap();
        let loaded = cache.load();
        assert_eq!(loaded.catalog, None);
        assert!(
            loaded.notice.unwrap().contains("not 12 digits"),
            "the notice says why"
        );
    }
}
