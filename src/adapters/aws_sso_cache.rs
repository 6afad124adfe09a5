//! The AWS CLI v2 SSO token cache: `~/.aws/sso/cache/<sha1 hex>.json`, where the hash is of the
//! `[sso-session]` name, or of the start URL for a legacy SSO profile. A token that
//! `aws sso login` wrote is reused from here, and ours is written here so `aws --profile X`
//! works after `rolecall login`.
//!
//! The fields are the AWS CLI's own: `startUrl`, `region`, `accessToken`, `expiresAt`
//! (`2026-11-23T18:04:05Z`), `clientId`, `clientSecret`, `registrationExpiresAt`, `refreshToken`.
//! A legacy login has no client fields. When we rewrite a file the CLI wrote, fields we do not
//! know are kept.

use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::{Zeroize, Zeroizing};

use crate::adapters::atomic_file::{FileLock, write_atomic};
use crate::core::sso::{Registration, SignedIn, SsoSession, SsoToken};
use crate::secret::Secret;

/// The grant type a registration read from the AWS CLI cache is known to support: the cache
/// does not say what the CLI registered the client for (`aws sso login` registers a browser
/// client, `--use-device-code` a device one), only that its tokens can be refreshed. So such a
/// registration refreshes, but no new sign-in of either flow takes it (`Method::fits`).
pub const REFRESH_GRANT: &str = "refresh_token";

/// A file in the cache could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SsoCacheError {
    #[error("cannot {doing} the AWS CLI SSO cache file {}: {source}", path.display())]
    Io {
        doing: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("the AWS CLI SSO cache file {} is not a usable token: {reason}", path.display())]
    Invalid {
        path: PathBuf,
        reason: CacheFileProblem,
    },
}

/// Why a cache file's contents are not a login. Never quotes the file (it holds tokens).
#[derive(Debug, thiserror::Error)]
pub enum CacheFileProblem {
    /// Category and position only: serde's message may quote the file's contents.
    #[error("not JSON ({category:?} error at line {line} column {column})")]
    NotJson {
        category: serde_json::error::Category,
        line: usize,
        column: usize,
    },
    #[error("not a JSON object")]
    NotAnObject,
    #[error("it has no {0}")]
    Missing(&'static str),
    #[error("{0} is not a date")]
    NotADate(&'static str),
    #[error("cannot encode it: {0}")]
    Encode(#[source] serde_json::Error),
}

impl CacheFileProblem {
    fn not_json(e: &serde_json::Error) -> Self {
        Self::NotJson {
            category: e.classify(),
            line: e.line(),
            column: e.column(),
        }
    }
}

/// A login read from the cache. `registration` is `None` for a legacy login, which the AWS CLI
/// stores without its client.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedLogin {
    pub start_url: Option<String>,
    pub region: Option<String>,
    pub token: SsoToken,
    /// Its `grant_types` are `[REFRESH_GRANT]`: all the cache tells about the client.
    pub registration: Option<Registration>,
}

impl CachedLogin {
    /// The login as a full [`SignedIn`], when the file carried the client registration.
    pub fn signed_in(&self) -> Option<SignedIn> {
        self.registration.clone().map(|registration| SignedIn {
            registration,
            token: self.token.clone(),
        })
    }

    /// Whether this login belongs to `session` (same start URL, ignoring a trailing `/`).
    /// A file without a start URL is taken to belong to it.
    pub fn is_for(&self, session: &SsoSession) -> bool {
        self.start_url
            .as_deref()
            .is_none_or(|url| same_start_url(url, &session.start_url))
    }
}

/// The AWS CLI's SSO token cache directory.
#[derive(Debug, Clone)]
pub struct AwsSsoCache {
    dir: PathBuf,
}

impl AwsSsoCache {
    /// The cache in `dir` (normally [`crate::paths::Paths::sso_cache_dir`]).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file the AWS CLI keeps `session`'s token in.
    pub fn path_for(&self, session: &SsoSession) -> PathBuf {
        self.dir.join(format!("{}.json", cache_key(session)))
    }

    /// The login cached for `session`, if there is a file.
    pub fn read(&self, session: &SsoSession) -> Result<Option<CachedLogin>, SsoCacheError> {
        let path = self.path_for(session);
        let Some(json) = read_json(&path)? else {
            return Ok(None);
        };
        parse_login(&json.0)
            .map(Some)
            .map_err(|reason| SsoCacheError::Invalid {
                path: path.clone(),
                reason,
            })
    }

    /// Writes `signed_in` as the AWS CLI would (atomic, 0600, under the file's lock), keeping
    /// the fields we do not know of a file already there.
    pub fn write(&self, session: &SsoSession, signed_in: &SignedIn) -> Result<(), SsoCacheError> {
        let path = self.path_for(session);
        let _lock = lock(&path)?;
        let mut json = match read_json(&path) {
            Ok(Some(existing)) if existing.0.is_object() => existing,
            Ok(_) => Wiped(Value::Object(Map::new())),
            Err(SsoCacheError::Invalid { .. }) => {
                tracing::warn!(
                    file = %path.display(),
                    "replacing an AWS CLI SSO cache file that is not JSON"
                );
                Wiped(Value::Object(Map::new()))
            }
            Err(e) => return Err(e),
        };
        if let Value::Object(map) = &mut json.0 {
            fill(map, session, signed_in);
        }
        let bytes =
            Zeroizing::new(
                serde_json::to_vec(&json.0).map_err(|e| SsoCacheError::Invalid {
                    path: path.clone(),
                    reason: CacheFileProblem::Encode(e),
                })?,
            );
        write_atomic(&path, &bytes, 0o600).map_err(|source| SsoCacheError::Io {
            doing: "write",
            path,
            source,
        })
    }

    /// Removes `session`'s file; a missing file is fine.
    pub fn delete(&self, session: &SsoSession) -> Result<(), SsoCacheError> {
        let path = self.path_for(session);
        let _lock = lock(&path)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(SsoCacheError::Io {
                doing: "delete",
                path,
                source,
            }),
        }
    }
}

/// The cache file's name without `.json`: sha1 hex of the session name, or of the start URL
/// for a legacy profile.
pub fn cache_key(session: &SsoSession) -> String {
    let input = if session.legacy {
        &session.start_url
    } else {
        &session.name
    };
    hex::encode(Sha1::digest(input.as_bytes()))
}

/// `expiresAt` as the AWS CLI writes it: UTC, whole seconds, `Z`.
pub fn format_expiry(at: SystemTime) -> String {
    let at = crate::core::time_bounds::to_date_time(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Reads the timestamp forms AWS CLI versions have written: `…Z`, fractional seconds, a
/// `+00:00` offset, or a `UTC` suffix.
pub fn parse_expiry(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let text = match text.strip_suffix("UTC") {
        Some(rest) => format!("{}Z", rest.trim_end()),
        None => text.to_owned(),
    };
    let text = text.replacen(' ', "T", 1);
    OffsetDateTime::parse(&text, &Rfc3339)
        .ok()
        .map(SystemTime::from)
}

fn same_start_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

fn lock(path: &Path) -> Result<FileLock, SsoCacheError> {
    FileLock::acquire(path).map_err(|source| SsoCacheError::Io {
        doing: "lock",
        path: path.to_owned(),
        source,
    })
}

/// A JSON value whose strings are wiped when dropped.
struct Wiped(Value);

impl Drop for Wiped {
    fn drop(&mut self) {
        fn wipe(value: &mut Value) {
            match value {
                Value::String(s) => s.zeroize(),
                Value::Array(items) => items.iter_mut().for_each(wipe),
                Value::Object(map) => map.values_mut().for_each(wipe),
                _ => {}
            }
        }
        wipe(&mut self.0);
    }
}

fn read_json(path: &Path) -> Result<Option<Wiped>, SsoCacheError> {
    let bytes = match super::read_file::read(path, super::read_file::CONFIG_LIMIT) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SsoCacheError::Io {
                doing: "read",
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_json::from_slice(&bytes)
        .map(|v| Some(Wiped(v)))
        .map_err(|e| SsoCacheError::Invalid {
            path: path.to_owned(),
            reason: CacheFileProblem::not_json(&e),
        })
}

/// A cache file's bytes as a login, or why they are not one: what [`AwsSsoCache::read`] does
/// once it has read the file.
pub fn parse_cache_file(bytes: &[u8]) -> Result<CachedLogin, CacheFileProblem> {
    let json = Wiped(serde_json::from_slice(bytes).map_err(|e| CacheFileProblem::not_json(&e))?);
    parse_login(&json.0)
}

fn parse_login(json: &Value) -> Result<CachedLogin, CacheFileProblem> {
    let text = |field: &str| json.get(field).and_then(Value::as_str);
    let date = |field: &'static str| -> Result<Option<SystemTime>, CacheFileProblem> {
        text(field)
            .map(|t| parse_expiry(t).ok_or(CacheFileProblem::NotADate(field)))
            .transpose()
    };
    if !json.is_object() {
        return Err(CacheFileProblem::NotAnObject);
    }
    let access_token = text("accessToken").ok_or(CacheFileProblem::Missing("accessToken"))?;
    let expires_at = date("expiresAt")?.ok_or(CacheFileProblem::Missing("expiresAt"))?;
    let token = SsoToken {
        access_token: Secret::new(access_token.to_owned()),
        expires_at,
        refresh_token: text("refreshToken").map(|t| Secret::new(t.to_owned())),
    };
    let registration = match (
        text("clientId"),
        text("clientSecret"),
        date("registrationExpiresAt")?,
    ) {
        (Some(client_id), Some(secret), Some(expires_at)) => Some(Registration {
            client_id: client_id.to_owned(),
            client_secret: Secret::new(secret.to_owned()),
            expires_at,
            grant_types: vec![REFRESH_GRANT.to_owned()],
        }),
        _ => None,
    };
    Ok(CachedLogin {
        start_url: text("startUrl").map(str::to_owned),
        region: text("region").map(str::to_owned),
        token,
        registration,
    })
}

/// Sets our fields in `map`, leaving every other field as it was.
fn fill(map: &mut Map<String, Value>, session: &SsoSession, signed_in: &SignedIn) {
    let (registration, token) = (&signed_in.registration, &signed_in.token);
    let mut put = |key: &str, value: String| {
        map.insert(key.to_owned(), Value::String(value));
    };
    put("startUrl", session.start_url.clone());
    put("region", session.region.clone());
    put("accessToken", token.access_token.expose().clone());
    put("expiresAt", format_expiry(token.expires_at));
    put("clientId", registration.client_id.clone());
    put("clientSecret", registration.client_secret.expose().clone());
    put(
        "registrationExpiresAt",
        format_expiry(registration.expires_at),
    );
    match &token.refresh_token {
        Some(refresh) => put("refreshToken", refresh.expose().clone()),
        None => {
            map.remove("refreshToken");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    fn session(legacy: bool) -> SsoSession {
        SsoSession {
            name: "acme".into(),
            start_url: "https://acme.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            scopes: vec!["sso:account:access".into()],
            legacy,
        }
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn signed_in(refresh: Option<&str>) -> SignedIn {
        SignedIn {
            registration: Registration {
                client_id: "client-1".into(),
                client_secret: Secret::new("client-secret".into()),
                expires_at: at(1_800_000_000),
                grant_types: vec![REFRESH_GRANT.into()],
            },
            token: SsoToken {
                access_token: Secret::new("access".into()),
                // 2026-11-23T18:04:05Z
                expires_at: at(1_795_457_045),
                refresh_token: refresh.map(|r| Secret::new(r.to_owned())),
            },
        }
    }

    #[test]
    fn the_file_name_is_the_sha1_of_the_session_name_or_legacy_start_url() {
        // `printf acme | sha1sum`, `printf https://acme.awsapps.com/start | sha1sum`.
        assert_eq!(
            cache_key(&session(false)),
            "293abb6b76d7791c0732cc517d38c4b5c734b87f"
        );
        assert_eq!(
            cache_key(&session(true)),
            "40169cea58ca6cbf23fb27b2542923fb5f524af0"
        );
        let cache = AwsSsoCache::new(PathBuf::from("/h/.aws/sso/cache"));
        assert_eq!(
            cache.path_for(&session(false)),
            PathBuf::from("/h/.aws/sso/cache/293abb6b76d7791c0732cc517d38c4b5c734b87f.json")
        );
    }

    #[test]
    fn timestamps_in_every_form_the_cli_has_written() {
        let want = at(1_795_457_045);
        for text in [
            "2026-11-23T18:04:05Z",
            "2026-11-23T18:04:05+00:00",
            "2026-11-23T18:04:05UTC",
            "2026-11-23T18:04:05 UTC",
            "2026-11-23T19:04:05+01:00",
        ] {
            assert_eq!(parse_expiry(text), Some(want), "{text}");
        }
        assert_eq!(
            parse_expiry("2026-11-23T18:04:05.250Z"),
            Some(want + Duration::from_millis(250))
        );
        assert_eq!(parse_expiry("tomorrow"), None);
        assert_eq!(format_expiry(want), "2026-11-23T18:04:05Z");
        assert_eq!(
            format_expiry(want + Duration::from_millis(999)),
            "2026-11-23T18:04:05Z"
        );
    }

    #[test]
    fn write_then_read_round_trips_with_the_cli_fields() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AwsSsoCache::new(dir.path().join("sso").join("cache"));
        cache
            .write(&session(false), &signed_in(Some("refresh")))
            .unwrap();
        let path = cache.path_for(&session(false));
        let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            json,
            json!({
                "startUrl": "https://acme.awsapps.com/start",
                "region": "eu-west-1",
                "accessToken": "access",
                "expiresAt": "2026-11-23T18:04:05Z",
                "clientId": "client-1",
                "clientSecret": "client-secret",
                "registrationExpiresAt": "2027-01-15T08:00:00Z",
                "refreshToken": "refresh",
            })
        );
        let login = cache.read(&session(false)).unwrap().unwrap();
        assert_eq!(login.signed_in(), Some(signed_in(Some("refresh"))));
        assert!(login.is_for(&session(false)));
        assert_eq!(login.region.as_deref(), Some("eu-west-1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn a_missing_refresh_token_is_omitted_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AwsSsoCache::new(dir.path().to_owned());
        cache.write(&session(false), &signed_in(Some("r"))).unwrap();
        cache.write(&session(false), &signed_in(None)).unwrap();
        let json: Value =
            serde_json::from_slice(&std::fs::read(cache.path_for(&session(false))).unwrap())
                .unwrap();
        assert!(json.get("refreshToken").is_none(), "{json}");
    }

    #[test]
    fn a_legacy_login_has_no_registration() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AwsSsoCache::new(dir.path().to_owned());
        std::fs::write(
            cache.path_for(&session(true)),
            json!({
                "startUrl": "https://acme.awsapps.com/start/",
                "region": "eu-west-1",
                "accessToken": "legacy-token",
                "expiresAt": "2026-11-23T18:04:05UTC",
            })
            .to_string(),
        )
        .unwrap();
        let login = cache.read(&session(true)).unwrap().unwrap();
        assert_eq!(login.registration, None);
        assert_eq!(login.signed_in(), None);
        assert_eq!(login.token.access_token.expose(), "legacy-token");
        assert_eq!(login.token.expires_at, at(1_795_457_045));
        assert!(
            login.is_for(&session(true)),
            "a trailing slash does not matter"
        );
        let mut other = session(true);
        other.start_url = "https://other.awsapps.com/start".into();
        assert!(!login.is_for(&other));
        // The sso-session file is a different one.
        assert!(cache.read(&session(false)).unwrap().is_none());
    }

    #[test]
    fn rewriting_keeps_fields_we_do_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AwsSsoCache::new(dir.path().to_owned());
        let path = cache.path_for(&session(false));
        std::fs::write(
            &path,
            json!({"accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z", "futureField": {"x": 1}})
                .to_string(),
        )
        .unwrap();
        cache.write(&session(false), &signed_in(None)).unwrap();
        let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["futureField"], json!({"x": 1}));
        assert_eq!(json["accessToken"], "access");
    }

    #[test]
    fn unusable_files_are_errors_that_quote_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AwsSsoCache::new(dir.path().to_owned());
        let path = cache.path_for(&session(false));
        for (contents, want) in [
            (
                r#"{"accessToken": "hunter2""#.to_owned(),
                "not JSON (Eof error at line 1 column 25)",
            ),
            (
                json!({"expiresAt": "2026-11-23T18:04:05Z"}).to_string(),
                "it has no accessToken",
            ),
            (
                json!({"accessToken": "hunter2"}).to_string(),
                "it has no expiresAt",
            ),
            (json!(["hunter2"]).to_string(), "not a JSON object"),
            (
                json!({"accessToken": "hunter2", "expiresAt": "hunter2"}).to_string(),
                "expiresAt is not a date",
            ),
        ] {
            std::fs::write(&path, contents).unwrap();
            let err = cache.read(&session(false)).unwrap_err().to_string();
            assert!(
                err.ends_with(&format!(" is not a usable token: {want}")),
                "{err}"
            );
            assert!(err.contains(&path.display().to_string()), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
        // Writing over a file that is not JSON replaces it.
        std::fs::write(&path, "garbage").unwrap();
        cache.write(&session(false), &signed_in(None)).unwrap();
        assert!(cache.read(&session(false)).unwrap().is_some());
    }

    #[test]
    fn delete_removes_the_file_and_tolerates_absence() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AwsSsoCache::new(dir.path().to_owned());
        cache.write(&session(false), &signed_in(None)).unwrap();
        cache.delete(&session(false)).unwrap();
        assert!(!cache.path_for(&session(false)).exists());
        cache.delete(&session(false)).unwrap();
    }
}
