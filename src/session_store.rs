//! Where sign-ins and role credentials are kept between runs: a [`SecretStore`] (the OS keyring
//! or the 0600 file store) and, unless turned off, the AWS CLI's SSO token cache.
//!
//! | key in the secret store | value (JSON) |
//! |---|---|
//! | `sso/<session>` (legacy profile: `sso-profile/<profile>`) | registration + token + start URL |
//! | `creds/<session>/<account>/<role>` | role credentials, kept until close to expiry |
//! | `creds-index/<session>` | which `account/role` credentials are kept, so `forget` finds them |
//! | `chain/<name>/<fingerprint>` | a chain's credentials (`chain/session-token/<profile>`: GetSessionToken's) |
//! | `signed-out/<session>` | a mark left by `logout`, so messages say "signed out", not "expired" |
//!
//! Role and chain credentials may also go to an [`ExpiringCache`] in front of the secret store
//! (the kernel keyring in front of the Secret Service): written with the secret store, read
//! before it, dropped with it, each entry until its credentials expire.
//!
//! Loading reads both places and takes the token that lasts longer, so a token from
//! `aws sso login` is used without signing in again. Saving writes both, so `aws --profile X`
//! works after `rolecall login`. Every call may block (keyring IPC, file IO): async callers use
//! `spawn_blocking`. No value is ever logged or put in an error message.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::adapters::aws_sso_cache::{AwsSsoCache, SsoCacheError};
use crate::core::credentials::Credentials;
use crate::core::signin::Method;
use crate::core::sso::{Registration, SignedIn, SsoSession, SsoToken};
use crate::ports::secret_store::{ExpiringCache, SecretStore, StoreError};
use crate::secret::Secret;

const VERSION: u32 = 1;

/// Why a sign-in or credentials could not be kept or found.
#[derive(Debug, thiserror::Error)]
pub enum SessionStoreError {
    /// The secret store failed; its message names the backend.
    #[error(transparent)]
    Secrets(#[from] StoreError),
    /// The AWS CLI cache file could not be written or removed; its message names the file.
    #[error(transparent)]
    AwsCli(#[from] SsoCacheError),
    /// A time could not be written down (a year outside 0..=9999).
    #[error("cannot store the entry {key} in the {backend}: a time in it is out of range")]
    Encode { key: String, backend: String },
}

/// Where a loaded sign-in came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// rolecall's secret store.
    SecretStore,
    /// The AWS CLI's SSO cache (`aws sso login`, or a refresh by the AWS CLI).
    AwsCli,
}

/// A token with the registration that can refresh it, when one is known. A legacy login the
/// AWS CLI made carries no registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    pub token: SsoToken,
    pub registration: Option<Registration>,
    pub source: Source,
}

/// Sign-ins and role credentials, in a secret store and the AWS CLI cache.
pub struct SessionStore {
    secrets: Box<dyn SecretStore>,
    aws_cli: AwsSsoCache,
    interop: bool,
    cache: Option<Box<dyn ExpiringCache>>,
}

impl SessionStore {
    /// A store over `secrets`, with AWS CLI interop on.
    pub fn new(secrets: Box<dyn SecretStore>, aws_cli: AwsSsoCache) -> Self {
        Self {
            secrets,
            aws_cli,
            interop: true,
            cache: None,
        }
    }

    /// Keeps role and chain credentials in `cache` too, read before the secret store.
    pub(crate) fn with_cache(mut self, cache: Option<Box<dyn ExpiringCache>>) -> Self {
        self.cache = cache;
        self
    }

    /// Turns reading and writing the AWS CLI's SSO cache on or off.
    pub fn with_aws_cli_interop(mut self, on: bool) -> Self {
        self.interop = on;
        self
    }

    /// The secret store's name for messages.
    pub fn describe(&self) -> String {
        self.secrets.describe()
    }

    /// The best sign-in for `session`, or `None` to sign in again. A legacy `aws sso login`
    /// token that no registration of ours can refresh comes with [`no_client`]: it is used
    /// while it lasts, and a sign-in after it registers anew.
    pub fn load(&self, session: &SsoSession) -> Result<Option<SignedIn>, SessionStoreError> {
        Ok(self.load_login(session)?.map(|login| SignedIn {
            registration: login.registration.unwrap_or_else(no_client),
            token: login.token,
        }))
    }

    /// The token that lasts longest for `session`, from either place; on a tie, ours. A legacy
    /// AWS CLI login (no client) is paired with our registration when we have one.
    pub fn load_login(&self, session: &SsoSession) -> Result<Option<Login>, SessionStoreError> {
        let ours = self.load_ours(session);
        let theirs = self.load_aws_cli(session);
        let ours = match ours {
            Ok(ours) => ours,
            Err(e) if theirs.is_some() => {
                tracing::warn!(error = %e, "cannot read the secret store; using the AWS CLI's token");
                None
            }
            Err(e) => return Err(e.into()),
        };
        let theirs = theirs.map(|cli| {
            let registration = match (&cli.registration, &ours) {
                (Some(cli_reg), Some(ours)) if cli_reg.client_id == ours.registration.client_id => {
                    Some(ours.registration.clone())
                }
                (Some(cli_reg), _) => Some(cli_reg.clone()),
                (None, Some(ours)) => Some(ours.registration.clone()),
                (None, None) => None,
            };
            let mut token = cli.token;
            if cli.registration.is_none() && token.refresh_token.is_none() {
                token.refresh_token = ours.as_ref().and_then(|o| o.token.refresh_token.clone());
            }
            Login {
                token,
                registration,
                source: Source::AwsCli,
            }
        });
        let ours = ours.map(|s| Login {
            token: s.token,
            registration: Some(s.registration),
            source: Source::SecretStore,
        });
        Ok(match (ours, theirs) {
            (Some(ours), Some(theirs)) if theirs.token.expires_at > ours.token.expires_at => {
                Some(theirs)
            }
            (Some(ours), _) => Some(ours),
            (None, theirs) => theirs,
        })
    }

    /// Whether a sign-in could be kept: writes and removes a probe in the secret store. Run
    /// before a sign-in, so that nobody approves one that cannot be kept.
    pub fn check_writable(&self) -> Result<(), SessionStoreError> {
        const PROBE: &str = "rolecall-write-probe";
        self.secrets.set(PROBE, &Secret::new("probe".to_owned()))?;
        self.secrets.delete(PROBE)?;
        Ok(())
    }

    /// Keeps `signed_in` in the secret store and, with interop on, the AWS CLI cache. An error
    /// from the AWS CLI cache comes after the secret store was written.
    pub fn save(
        &self,
        session: &SsoSession,
        signed_in: &SignedIn,
    ) -> Result<(), SessionStoreError> {
        if is_no_client(&signed_in.registration) {
            // A legacy AWS CLI login, reused as it is: its file already holds all there is.
            return Ok(());
        }
        let key = session_key(session);
        let others = match self.load_record(session) {
            Ok(Some((before, kept))) => other_flows(&signed_in.registration, before, kept),
            _ => Vec::new(),
        };
        let value = dto::encode_signed_in(session, signed_in, &others)
            .ok_or_else(|| self.encode_error(&key))?;
        self.secrets.set(&key, &value)?;
        if let Err(e) = self.secrets.delete(&signed_out_key(session)) {
            tracing::warn!(error = %e, "cannot drop the signed-out mark");
        }
        if self.interop {
            self.aws_cli.write(session, signed_in)?;
        }
        Ok(())
    }

    /// Removes the sign-in from both places, and every role credential kept for `session`.
    pub fn forget(&self, session: &SsoSession) -> Result<(), SessionStoreError> {
        for (account, role) in self.credentials_index(session)? {
            self.delete_credentials(&credentials_key(session, &account, &role))?;
        }
        self.secrets.delete(&index_key(session))?;
        self.secrets.delete(&session_key(session))?;
        if self.interop {
            self.aws_cli.delete(session)?;
        }
        Ok(())
    }

    /// Forgets `session` as [`Self::forget`] does and remembers that the user signed out, until
    /// the next sign-in is saved.
    pub fn sign_out(&self, session: &SsoSession) -> Result<(), SessionStoreError> {
        self.forget(session)?;
        Ok(self
            .secrets
            .set(&signed_out_key(session), &Secret::new("1".to_owned()))?)
    }

    /// Whether the last thing done with `session` was `logout` (no sign-in since).
    pub fn signed_out(&self, session: &SsoSession) -> bool {
        self.secrets
            .get(&signed_out_key(session))
            .is_ok_and(|mark| mark.is_some())
    }

    /// Keeps role credentials for `account_id`/`role` until they are replaced or forgotten.
    pub fn save_credentials(
        &self,
        session: &SsoSession,
        account_id: &str,
        role: &str,
        credentials: &Credentials,
    ) -> Result<(), SessionStoreError> {
        self.save_credentials_under(&credentials_key(session, account_id, role), credentials)?;
        let mut index = self.credentials_index(session)?;
        let entry = (account_id.to_owned(), role.to_owned());
        if !index.contains(&entry) {
            index.push(entry);
            self.save_index(session, &index)?;
        }
        Ok(())
    }

    /// The role credentials kept for `account_id`/`role`, expired or not: callers check
    /// [`Credentials::is_fresh_at`].
    pub fn load_credentials(
        &self,
        session: &SsoSession,
        account_id: &str,
        role: &str,
    ) -> Result<Option<Credentials>, SessionStoreError> {
        Ok(self.read_credentials(&credentials_key(session, account_id, role), |_| true)?)
    }

    /// The kept role credentials if they are good for at least `margin` after `now`; stale
    /// ones are dropped so the next request goes to AWS.
    pub fn load_fresh_credentials(
        &self,
        session: &SsoSession,
        account_id: &str,
        role: &str,
        now: SystemTime,
        margin: std::time::Duration,
    ) -> Result<Option<Credentials>, SessionStoreError> {
        let key = credentials_key(session, account_id, role);
        match self.read_credentials(&key, |c| c.is_fresh_at(now, margin))? {
            Some(c) if c.is_fresh_at(now, margin) => Ok(Some(c)),
            Some(_) => {
                self.forget_credentials(session, account_id, role)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Keeps a chain's credentials under `key` (see [`chain_key`]).
    pub fn save_chain_credentials(
        &self,
        key: &str,
        credentials: &Credentials,
    ) -> Result<(), SessionStoreError> {
        self.save_credentials_under(key, credentials)
    }

    /// A chain's kept credentials if good for `margin` after `now`; stale ones are dropped.
    pub fn load_fresh_chain_credentials(
        &self,
        key: &str,
        now: SystemTime,
        margin: std::time::Duration,
    ) -> Result<Option<Credentials>, SessionStoreError> {
        match self.read_credentials(key, |c| c.is_fresh_at(now, margin))? {
            Some(c) if c.is_fresh_at(now, margin) => Ok(Some(c)),
            Some(_) => {
                self.delete_credentials(key)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// A chain's kept credentials as they are (expired or not), without dropping anything.
    pub fn load_chain_credentials(
        &self,
        key: &str,
    ) -> Result<Option<Credentials>, SessionStoreError> {
        Ok(self.read_credentials(key, |_| true)?)
    }

    /// Drops a chain's kept credentials.
    pub fn forget_chain_credentials(&self, key: &str) -> Result<(), SessionStoreError> {
        Ok(self.delete_credentials(key)?)
    }

    /// Every role credential kept for `session`, as (account id, role, credentials).
    pub fn held_credentials(
        &self,
        session: &SsoSession,
    ) -> Result<Vec<(String, String, Credentials)>, SessionStoreError> {
        let mut held = Vec::new();
        for (account, role) in self.credentials_index(session)? {
            if let Some(c) = self.load_credentials(session, &account, &role)? {
                held.push((account, role, c));
            }
        }
        Ok(held)
    }

    /// Drops the role credentials kept for `account_id`/`role`.
    pub fn forget_credentials(
        &self,
        session: &SsoSession,
        account_id: &str,
        role: &str,
    ) -> Result<(), SessionStoreError> {
        self.delete_credentials(&credentials_key(session, account_id, role))?;
        let mut index = self.credentials_index(session)?;
        let before = index.len();
        index.retain(|(a, r)| !(a == account_id && r == role));
        if index.len() != before {
            self.save_index(session, &index)?;
        }
        Ok(())
    }

    /// Every registration we keep for `session`: the one of its token, then those kept for
    /// the other sign-in flows. A sign-in takes one made for its flow instead of registering.
    pub fn registrations(&self, session: &SsoSession) -> Vec<Registration> {
        match self.load_record(session) {
            Ok(Some((signed_in, mut others))) => {
                others.insert(0, signed_in.registration);
                others
            }
            Ok(None) => Vec::new(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the kept registrations");
                Vec::new()
            }
        }
    }

    /// Credentials kept under `key`: the cache's when `wanted` takes them, else the secret
    /// store's (put in the cache for next time). Damaged ones are absent, with a warning.
    fn read_credentials(
        &self,
        key: &str,
        wanted: impl Fn(&Credentials) -> bool,
    ) -> Result<Option<Credentials>, StoreError> {
        if let Some(cached) = self
            .cache
            .as_ref()
            .and_then(|cache| cache.get(key))
            .and_then(|value| dto::decode_credentials(&value))
            .filter(|c| wanted(c))
        {
            return Ok(Some(cached));
        }
        let Some(value) = self.secrets.get(key)? else {
            return Ok(None);
        };
        let Some(credentials) = dto::decode_credentials(&value) else {
            self.warn_damaged(key);
            return Ok(None);
        };
        self.cache_put(key, &value, &credentials);
        Ok(Some(credentials))
    }

    fn save_credentials_under(
        &self,
        key: &str,
        credentials: &Credentials,
    ) -> Result<(), SessionStoreError> {
        let value = dto::encode_credentials(credentials).ok_or_else(|| self.encode_error(key))?;
        self.secrets.set(key, &value)?;
        self.cache_put(key, &value, credentials);
        Ok(())
    }

    /// Credentials that expire go to the cache until then; others (long-term keys) never.
    fn cache_put(&self, key: &str, value: &Secret<String>, credentials: &Credentials) {
        if let (Some(cache), Some(until)) = (&self.cache, credentials.expires_at) {
            cache.put(key, value, until);
        }
    }

    fn delete_credentials(&self, key: &str) -> Result<(), StoreError> {
        if let Some(cache) = &self.cache {
            cache.remove(key);
        }
        self.secrets.delete(key)
    }

    fn load_ours(&self, session: &SsoSession) -> Result<Option<SignedIn>, StoreError> {
        Ok(self.load_record(session)?.map(|(signed_in, _)| signed_in))
    }

    fn load_record(
        &self,
        session: &SsoSession,
    ) -> Result<Option<(SignedIn, Vec<Registration>)>, StoreError> {
        let key = session_key(session);
        let Some(value) = self.secrets.get(&key)? else {
            return Ok(None);
        };
        match dto::decode_signed_in(&value) {
            Some((start_url, signed_in, others)) if start_url == session.start_url => {
                Ok(Some((signed_in, others)))
            }
            Some(_) => {
                tracing::info!(
                    key,
                    "the stored sign-in is for another start URL; ignoring it"
                );
                Ok(None)
            }
            None => {
                self.warn_damaged(&key);
                Ok(None)
            }
        }
    }

    fn load_aws_cli(
        &self,
        session: &SsoSession,
    ) -> Option<crate::adapters::aws_sso_cache::CachedLogin> {
        if !self.interop {
            return None;
        }
        // `aws sso login` with a legacy profile of the same start URL keeps its token under the
        // start URL's name: the same identity center's sign-in (one per start URL).
        let legacy_twin = (!session.legacy).then(|| SsoSession {
            legacy: true,
            ..session.clone()
        });
        std::iter::once(session)
            .chain(legacy_twin.as_ref())
            .find_map(|s| self.read_aws_cli_file(s))
    }

    /// The AWS CLI's cache file of `session`, when it holds a login for its start URL.
    fn read_aws_cli_file(
        &self,
        session: &SsoSession,
    ) -> Option<crate::adapters::aws_sso_cache::CachedLogin> {
        match self.aws_cli.read(session) {
            Ok(Some(login)) if login.is_for(session) => Some(login),
            Ok(Some(_)) => {
                tracing::info!(
                    file = %self.aws_cli.path_for(session).display(),
                    "the AWS CLI's cached token is for another start URL; ignoring it"
                );
                None
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "ignoring the AWS CLI's SSO cache file");
                None
            }
        }
    }

    fn credentials_index(&self, session: &SsoSession) -> Result<Vec<(String, String)>, StoreError> {
        let key = index_key(session);
        let Some(value) = self.secrets.get(&key)? else {
            return Ok(Vec::new());
        };
        Ok(serde_json::from_str(value.expose()).unwrap_or_else(|_| {
            self.warn_damaged(&key);
            Vec::new()
        }))
    }

    fn save_index(
        &self,
        session: &SsoSession,
        index: &[(String, String)],
    ) -> Result<(), SessionStoreError> {
        let key = index_key(session);
        if index.is_empty() {
            self.secrets.delete(&key)?;
            return Ok(());
        }
        let value = serde_json::to_string(index).map_err(|_| self.encode_error(&key))?;
        self.secrets.set(&key, &Secret::new(value))?;
        Ok(())
    }

    fn warn_damaged(&self, key: &str) {
        tracing::warn!(
            key,
            store = %self.secrets.describe(),
            "a stored entry could not be read; ignoring it"
        );
    }

    fn encode_error(&self, key: &str) -> SessionStoreError {
        SessionStoreError::Encode {
            key: key.to_owned(),
            backend: self.secrets.describe(),
        }
    }
}

/// What a new record keeps besides `new`: for each sign-in flow `new` is not made for, the
/// first registration of the old record made for it (its token's, else one kept before).
fn other_flows(new: &Registration, before: SignedIn, kept: Vec<Registration>) -> Vec<Registration> {
    let mut candidates = vec![before.registration];
    candidates.extend(kept);
    [Method::DeviceCode, Method::Pkce]
        .into_iter()
        .filter(|method| !method.fits(new))
        .filter_map(|method| {
            candidates
                .iter()
                .find(|r| r.client_id != new.client_id && method.fits(r))
                .cloned()
        })
        .collect()
}

/// The registration of a token that came without one (a legacy `aws sso login`): no client,
/// expired since 1970, no grant types. Nothing refreshes with it, no sign-in reuses it, and
/// [`SessionStore::save`] keeps nothing for it.
pub fn no_client() -> Registration {
    Registration {
        client_id: String::new(),
        client_secret: Secret::new(String::new()),
        expires_at: SystemTime::UNIX_EPOCH,
        grant_types: Vec::new(),
    }
}

/// Whether `registration` is [`no_client`].
pub fn is_no_client(registration: &Registration) -> bool {
    registration.client_id.is_empty()
}

/// The secret-store key of `session`'s sign-in.
pub fn session_key(session: &SsoSession) -> String {
    if session.legacy {
        format!("sso-profile/{}", session.name)
    } else {
        format!("sso/{}", session.name)
    }
}

/// The secret-store key of the mark `logout` leaves.
fn signed_out_key(session: &SsoSession) -> String {
    format!("signed-out/{}", session_key(session))
}

/// The secret-store key of role credentials.
pub fn credentials_key(session: &SsoSession, account_id: &str, role: &str) -> String {
    format!("creds/{}/{account_id}/{role}", session.name)
}

/// The secret-store key of a chain's credentials: its name and the fingerprint of its
/// definition, so an edited chain never reuses credentials of the old one.
pub fn chain_key(name: &str, fingerprint: &str) -> String {
    format!("chain/{name}/{fingerprint}")
}

/// The secret-store key of a profile's GetSessionToken (MFA) credentials.
pub fn session_token_key(profile: &str) -> String {
    format!("chain/session-token/{profile}")
}

fn index_key(session: &SsoSession) -> String {
    format!("creds-index/{}", session.name)
}

/// The JSON kept in the secret store. `Secret` has no `Serialize`, so values go through these
/// private shapes, borrowed when writing and moved straight into `Secret`s when reading.
mod dto {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct SignedInOut<'a> {
        version: u32,
        start_url: &'a str,
        registration: RegistrationOut<'a>,
        token: TokenOut<'a>,
        /// Registrations for the other sign-in flows, kept so switching flows reuses them.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        other_registrations: Vec<RegistrationOut<'a>>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct RegistrationOut<'a> {
        client_id: &'a str,
        client_secret: &'a str,
        expires_at: String,
        grant_types: &'a [String],
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct TokenOut<'a> {
        access_token: &'a str,
        expires_at: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        refresh_token: Option<&'a str>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SignedInIn {
        version: u32,
        start_url: String,
        registration: RegistrationIn,
        token: TokenIn,
        #[serde(default)]
        other_registrations: Vec<RegistrationIn>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct RegistrationIn {
        client_id: String,
        client_secret: String,
        expires_at: String,
        #[serde(default)]
        grant_types: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct TokenIn {
        access_token: String,
        expires_at: String,
        refresh_token: Option<String>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct CredentialsOut<'a> {
        version: u32,
        access_key_id: &'a str,
        secret_access_key: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        session_token: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_at: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct CredentialsIn {
        version: u32,
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        expires_at: Option<String>,
    }

    fn time_out(t: SystemTime) -> Option<String> {
        crate::core::time_bounds::to_date_time(t)
            .format(&Rfc3339)
            .ok()
    }

    fn time_in(text: &str) -> Option<SystemTime> {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(SystemTime::from)
    }

    fn registration_out(r: &Registration) -> Option<RegistrationOut<'_>> {
        Some(RegistrationOut {
            client_id: &r.client_id,
            client_secret: r.client_secret.expose(),
            expires_at: time_out(r.expires_at)?,
            grant_types: &r.grant_types,
        })
    }

    /// The secret is moved into a `Secret` before anything can fail.
    fn registration_in(r: RegistrationIn) -> Option<Registration> {
        let client_secret = Secret::new(r.client_secret);
        Some(Registration {
            expires_at: time_in(&r.expires_at)?,
            client_id: r.client_id,
            client_secret,
            grant_types: r.grant_types,
        })
    }

    pub(super) fn encode_signed_in(
        session: &SsoSession,
        s: &SignedIn,
        others: &[Registration],
    ) -> Option<Secret<String>> {
        let out = SignedInOut {
            version: VERSION,
            start_url: &session.start_url,
            registration: registration_out(&s.registration)?,
            token: TokenOut {
                access_token: s.token.access_token.expose(),
                expires_at: time_out(s.token.expires_at)?,
                refresh_token: s.token.refresh_token.as_ref().map(|r| r.expose().as_str()),
            },
            other_registrations: others.iter().map(registration_out).collect::<Option<_>>()?,
        };
        serde_json::to_string(&out).ok().map(Secret::new)
    }

    /// The start URL it was saved for, and the sign-in; `None` if damaged or from a newer
    /// rolecall.
    /// The start URL it was saved for, the sign-in and the registrations kept for other
    /// flows; `None` if damaged or from a newer rolecall.
    pub(super) fn decode_signed_in(
        value: &Secret<String>,
    ) -> Option<(String, SignedIn, Vec<Registration>)> {
        let dto: SignedInIn = serde_json::from_str(value.expose()).ok()?;
        let version = dto.version;
        // Every secret is moved into a `Secret` before anything can fail, so none is dropped
        // unwiped.
        let token_expires = time_in(&dto.token.expires_at);
        let access_token = Secret::new(dto.token.access_token);
        let refresh_token = dto.token.refresh_token.map(Secret::new);
        let registration = registration_in(dto.registration);
        let others: Vec<Registration> = dto
            .other_registrations
            .into_iter()
            .filter_map(registration_in)
            .collect();
        let token = SsoToken {
            access_token,
            expires_at: token_expires?,
            refresh_token,
        };
        let registration = registration?;
        (version == VERSION).then(|| {
            (
                dto.start_url,
                SignedIn {
                    registration,
                    token,
                },
                others,
            )
        })
    }

    pub(super) fn encode_credentials(c: &Credentials) -> Option<Secret<String>> {
        let out = CredentialsOut {
            version: VERSION,
            access_key_id: &c.access_key_id,
            secret_access_key: c.secret_access_key.expose(),
            session_token: c.session_token.as_ref().map(|t| t.expose().as_str()),
            expires_at: match c.expires_at {
                Some(t) => Some(time_out(t)?),
                None => None,
            },
        };
        serde_json::to_string(&out).ok().map(Secret::new)
    }

    pub(super) fn decode_credentials(value: &Secret<String>) -> Option<Credentials> {
        let dto: CredentialsIn = serde_json::from_str(value.expose()).ok()?;
        let secret_access_key = Secret::new(dto.secret_access_key);
        let session_token = dto.session_token.map(Secret::new);
        if dto.version != VERSION {
            return None;
        }
        Some(Credentials {
            access_key_id: dto.access_key_id,
            secret_access_key,
            session_token,
            expires_at: match dto.expires_at {
                Some(t) => Some(time_in(&t)?),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests;
