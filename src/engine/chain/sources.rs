//! Where a chain's first credentials come from: an SSO role (through the identity center's
//! stored or silently refreshed token), an AWS CLI profile's keys, or the environment. Also
//! `mfa_process`, the command that prints an MFA code.
//!
//! The identity center is reached through the [`IdentityCenter`] port (the sources are given a
//! way to build one per identity center), so they run against a fake as well as against AWS.

use std::future::Future;
use std::path::{Path, PathBuf};

use crate::catalog::CatalogCache;
use crate::config::Config;
use crate::config::ini;
use crate::core::catalog::AccountId;
use crate::core::chain::ChainError;
use crate::core::credentials::Credentials;
use crate::core::sso::SsoSession;
use crate::engine::role_credentials::{FRESHNESS_MARGIN, role_credentials};
use crate::engine::tokens::{TokenError, usable_token};
use crate::environment::Environment;
use crate::paths::Paths;
use crate::ports::clock::Clock;
use crate::ports::identity_center::{IdcError, IdentityCenter};
use crate::secret::Secret;
use crate::session_store::SessionStore;

/// A profile's long-term keys, and what else the profile says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProfileKeys {
    pub credentials: Credentials,
    /// `mfa_serial`: GetSessionToken with MFA before AssumeRole.
    pub mfa_serial: Option<String>,
    pub region: Option<String>,
}

/// Finds source credentials. `chain` names the chain asking, for messages.
pub(crate) trait SourceResolver: Send + Sync {
    /// An SSO role's credentials, its identity center's region, and whether they were kept
    /// (not fetched now). `fresh` skips kept credentials.
    fn sso(
        &self,
        session: Option<&str>,
        account: &str,
        role: &str,
        fresh: bool,
    ) -> impl Future<Output = Result<(Credentials, String, bool), ChainError>> + Send;

    fn profile(&self, chain: &str, profile: &str) -> Result<ProfileKeys, ChainError>;

    fn environment(&self, chain: &str) -> Result<Credentials, ChainError>;
}

/// The real sources: config, the token store, `~/.aws/credentials` and `~/.aws/config`, the
/// environment read at start, and an identity center per session (`identity_center`).
pub(crate) struct StandardSources<'a, F> {
    pub config: &'a Config,
    pub paths: &'a Paths,
    pub store: &'a SessionStore,
    pub clock: &'a dyn Clock,
    pub environment: &'a Environment,
    /// The identity center of a session (the real SDK adapter, or a fake in tests).
    pub identity_center: F,
}

impl<I: IdentityCenter, F: Fn(&SsoSession) -> I + Send + Sync> StandardSources<'_, F> {
    fn session(&self, wanted: Option<&str>) -> Result<SsoSession, ChainError> {
        self.config
            .session(wanted)
            .cloned()
            .map_err(|e| ChainError::Failed {
                chain: "source".into(),
                message: e.to_string(),
            })
    }

    /// The id of `account` without asking AWS: it is one, or the catalog cache knows the name
    /// (a listing still running does not yet).
    fn cached_account_id(&self, session: &SsoSession, account: &str) -> Option<String> {
        if AccountId::is_valid(account) {
            return Some(account.to_owned());
        }
        CatalogCache::for_session(self.paths, &session.name)
            .load()
            .catalog?
            .accounts
            .into_iter()
            .find(|e| e.account.name.eq_ignore_ascii_case(account))
            .map(|e| String::from(e.account.id))
    }

    /// The role's kept credentials, when good for a few more minutes.
    fn kept(&self, session: &SsoSession, account_id: &str, role: &str) -> Option<Credentials> {
        let kept = self
            .store
            .load_fresh_credentials(
                session,
                account_id,
                role,
                self.clock.now(),
                FRESHNESS_MARGIN,
            )
            .ok()
            .flatten()?;
        tracing::debug!(account = %account_id, role, "source: kept SSO role credentials");
        Some(kept)
    }

    /// The id of the account named `account`, by ListAccounts (when the catalog is not
    /// cached yet, or a listing is still running).
    async fn listed_account_id(
        &self,
        idc: &I,
        token: &Secret<String>,
        session: &SsoSession,
        account: &str,
    ) -> Result<String, ChainError> {
        let mut next = None;
        loop {
            let page = idc.list_accounts(token, next, 100).await.map_err(|e| {
                let doing = format!("cannot list the accounts of {}", session.name);
                idc_failure("source".into(), &session.name, &doing, e)
            })?;
            if let Some(found) = page
                .items
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(account) && AccountId::is_valid(&a.id))
            {
                return Ok(found.id.clone());
            }
            match page.next_token {
                Some(token) => next = Some(token),
                None => {
                    return Err(ChainError::Failed {
                        chain: "source".into(),
                        message: format!("no account of {} is named {account:?}", session.name),
                    });
                }
            }
        }
    }
}

/// A sign-in that cannot be used as a chain's failure: one to do, AWS not there, or why.
fn token_failure(e: TokenError, session: &SsoSession, account: &str, role: &str) -> ChainError {
    match e {
        e @ (TokenError::NotSignedIn { .. }
        | TokenError::SignedOut { .. }
        | TokenError::Expired { .. }) => ChainError::NeedsSignIn {
            message: e.to_string(),
        },
        TokenError::Aws(e) => idc_failure(
            format!("{account}/{role}"),
            &session.name,
            "cannot refresh the sign-in",
            e,
        ),
        other => ChainError::Failed {
            chain: format!("{account}/{role}"),
            message: other.to_string(),
        },
    }
}

/// The identity center's refusal as a chain's failure: a sign-in to do, AWS not there for now
/// (no answer, 5xx, throttling), or what it said.
fn idc_failure(chain: String, session: &str, doing: &str, e: IdcError) -> ChainError {
    match e {
        IdcError::Unauthorized => needs_sign_in(session),
        e if e.is_transient() => ChainError::Unreachable {
            chain,
            message: format!("{doing}: {e}"),
        },
        e => ChainError::Failed {
            chain,
            message: format!("{doing}: {e}"),
        },
    }
}

fn needs_sign_in(session: &str) -> ChainError {
    ChainError::NeedsSignIn {
        message: format!(
            "the sign-in to {session} has expired or was revoked: run `rolecall login --session {session}`"
        ),
    }
}

impl<I: IdentityCenter, F: Fn(&SsoSession) -> I + Send + Sync> SourceResolver
    for StandardSources<'_, F>
{
    async fn sso(
        &self,
        session: Option<&str>,
        account: &str,
        role: &str,
        fresh: bool,
    ) -> Result<(Credentials, String, bool), ChainError> {
        let session = self.session(session)?;
        let idc = (self.identity_center)(&session);
        let cached_id = self.cached_account_id(&session, account);
        if !fresh
            && let Some(kept) = cached_id
                .as_deref()
                .and_then(|id| self.kept(&session, id, role))
        {
            return Ok((kept, session.region.clone(), true));
        }
        let signed_in = usable_token(&idc, self.store, &session, self.clock)
            .await
            .map_err(|e| token_failure(e, &session, account, role))?;
        let account_id = match cached_id {
            Some(id) => id,
            None => {
                self.listed_account_id(&idc, &signed_in.token.access_token, &session, account)
                    .await?
            }
        };
        if !fresh && let Some(kept) = self.kept(&session, &account_id, role) {
            return Ok((kept, session.region.clone(), true));
        }
        let credentials = role_credentials(
            &idc,
            self.store,
            &session,
            &signed_in.token.access_token,
            &account_id,
            role,
            self.clock,
            fresh,
        )
        .await
        .map_err(|e| {
            idc_failure(
                format!("{account}/{role}"),
                &session.name,
                "cannot get the source credentials",
                e,
            )
        })?;
        tracing::debug!(account = %account_id, role, "source: SSO role credentials fetched");
        Ok((credentials, session.region.clone(), false))
    }

    fn profile(&self, chain: &str, profile: &str) -> Result<ProfileKeys, ChainError> {
        profile_keys(&self.paths.aws_credentials, &self.paths.aws_config, profile).map_err(|e| {
            ChainError::Failed {
                chain: chain.to_owned(),
                message: e.to_string(),
            }
        })
    }

    fn environment(&self, chain: &str) -> Result<Credentials, ChainError> {
        self.environment.credentials().ok_or_else(|| {
            ChainError::Failed {
                chain: chain.to_owned(),
                message: "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into(),
            }
        })
    }
}

/// Why a profile's keys cannot be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProfileError {
    #[error("no profile {profile:?} in {} or {}", .credentials_file.display(), .config_file.display())]
    Missing {
        profile: String,
        credentials_file: PathBuf,
        config_file: PathBuf,
    },
    #[error("profile {profile:?} has no aws_access_key_id and aws_secret_access_key")]
    NoKeys { profile: String },
    #[error("{}: cannot read: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reads a profile's keys from the credentials file (else the config file, as botocore does)
/// and its `mfa_serial` and `region` from either.
pub(crate) fn profile_keys(
    credentials_file: &Path,
    config_file: &Path,
    profile: &str,
) -> Result<ProfileKeys, ProfileError> {
    // Read as botocore reads them; a line it would refuse is skipped (`status` names it).
    let creds = read_sections(credentials_file)?;
    let config = read_sections(config_file)?;
    let in_creds = creds.iter().find(|s| s.name == profile);
    let in_config = crate::config::profile_map::profiles(&config)
        .get(profile)
        .copied();
    let get = |key: &str| {
        in_creds
            .and_then(|s| s.get(key))
            .or_else(|| in_config.and_then(|s| s.get(key)))
            .map(str::to_owned)
    };
    if in_creds.is_none() && in_config.is_none() {
        return Err(ProfileError::Missing {
            profile: profile.to_owned(),
            credentials_file: credentials_file.to_owned(),
            config_file: config_file.to_owned(),
        });
    }
    let (Some(key), Some(secret)) = (get("aws_access_key_id"), get("aws_secret_access_key")) else {
        return Err(ProfileError::NoKeys {
            profile: profile.to_owned(),
        });
    };
    Ok(ProfileKeys {
        credentials: Credentials {
            access_key_id: key,
            secret_access_key: Secret::new(secret),
            session_token: get("aws_session_token").map(Secret::new),
            expires_at: None,
        },
        mfa_serial: get("mfa_serial"),
        region: in_config.and_then(|s| s.get("region")).map(str::to_owned),
    })
}

fn read_sections(path: &Path) -> Result<Vec<ini::Section>, ProfileError> {
    match crate::adapters::read_file::read(path, crate::adapters::read_file::CONFIG_LIMIT) {
        Ok(bytes) => Ok(ini::read(&String::from_utf8_lossy(&bytes)).sections),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(ProfileError::Unreadable {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Runs `mfa_process` with `sh -c` and takes the code it prints (6 digits, surrounding
/// whitespace ignored). Its stderr is kept (never drawn over the app's screen) and its last
/// line is told when it fails.
pub(crate) async fn run_mfa_process(
    chain: &str,
    command: &str,
) -> Result<Secret<String>, ChainError> {
    let fail = |message: String| ChainError::Failed {
        chain: chain.to_owned(),
        message,
    };
    let output = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .await
        .map_err(|e| fail(format!("cannot run mfa_process: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(": {}", l.trim()))
            .unwrap_or_default();
        return Err(fail(format!(
            "mfa_process failed ({}){said}",
            output.status
        )));
    }
    let code = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    check_code(&code).map_err(|e| fail(format!("mfa_process printed {e}")))?;
    Ok(Secret::new(code))
}

pub(crate) use crate::ports::mfa_prompt::check_code;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_keys_come_from_credentials_then_config() {
        let dir = tempfile::tempdir().unwrap();
        let creds = dir.path().join("credentials");
        let config = dir.path().join("config");
        std::fs::write(
            &creds,
            "[ci]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\n",
        )
        .unwrap();
        std::fs::write(
            &config,
            "[profile ci]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::1:mfa/ci\n[profile only-config]\naws_access_key_id = AKIA2\naws_secret_access_key = s2\n",
        )
        .unwrap();
        let keys = profile_keys(&creds, &config, "ci").unwrap();
        assert_eq!(keys.credentials.access_key_id, "AKIA1");
        assert_eq!(keys.region.as_deref(), Some("eu-west-1"));
        assert_eq!(keys.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/ci"));
        assert_eq!(
            profile_keys(&creds, &config, "only-config")
                .unwrap()
                .credentials
                .access_key_id,
            "AKIA2"
        );
        assert!(
            profile_keys(&creds, &config, "nope")
                .unwrap_err()
                .to_string()
                .contains("no profile")
        );
    }

    /// Keys are found as botocore finds them: in a file it would refuse (a repeated section),
    /// under a header with a comment and odd spacing, with indented keys.
    #[test]
    fn profile_keys_are_read_as_botocore_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let creds = dir.path().join("credentials");
        let config = dir.path().join("config");
        std::fs::write(
            &creds,
            "[ci] # the build\n  aws_access_key_id = AKIA1\n  aws_secret_access_key = s1\n[other]\nk = v\n[other]\nk = w\n",
        )
        .unwrap();
        std::fs::write(&config, "[profile  ci ]\t; spaced\nRegion = eu-west-1\n").unwrap();
        let keys = profile_keys(&creds, &config, "ci").unwrap();
        assert_eq!(keys.credentials.access_key_id, "AKIA1");
        assert_eq!(keys.region.as_deref(), Some("eu-west-1"));
    }

    mod fake_identity_center {
        use std::collections::BTreeMap;
        use std::sync::Mutex;
        use std::time::{Duration, SystemTime};

        use super::super::*;
        use crate::adapters::aws_sso_cache::AwsSsoCache;
        use crate::adapters::file_store::FileStore;
        use crate::core::catalog::PortalAccount;
        use crate::core::sso::{DeviceAuthorization, Registration, SignedIn, SsoToken};
        use crate::ports::clock::SystemClock;
        use crate::ports::identity_center::{Page, RegisterRequest, TokenGrant};

        /// An identity center with one account, `payments` (two pages of accounts), that
        /// hands out credentials for any role there to the token `good`.
        #[derive(Default, Clone)]
        struct FakeIdc {
            calls: std::sync::Arc<Mutex<Vec<String>>>,
        }

        impl FakeIdc {
            fn called(&self, what: String) {
                self.calls.lock().unwrap().push(what);
            }
        }

        impl IdentityCenter for FakeIdc {
            async fn register_client(&self, _: &RegisterRequest) -> Result<Registration, IdcError> {
                Err(IdcError::Other("not in this test".into()))
            }

            async fn start_device_authorization(
                &self,
                _: &Registration,
                _: &str,
            ) -> Result<DeviceAuthorization, IdcError> {
                Err(IdcError::Other("not in this test".into()))
            }

            async fn create_token(
                &self,
                _: &Registration,
                _: TokenGrant<'_>,
            ) -> Result<SsoToken, IdcError> {
                Err(IdcError::Other("not in this test".into()))
            }

            async fn list_accounts(
                &self,
                token: &Secret<String>,
                next_token: Option<String>,
                _: i32,
            ) -> Result<Page<PortalAccount>, IdcError> {
                self.called(format!("list_accounts {next_token:?}"));
                if token.expose() != "good" {
                    return Err(IdcError::Unauthorized);
                }
                let account = |id: &str, name: &str| PortalAccount {
                    id: id.into(),
                    name: name.into(),
                    email: None,
                };
                Ok(match next_token {
                    None => Page {
                        items: vec![account("111111111111", "tools")],
                        next_token: Some("2".into()),
                    },
                    Some(_) => Page {
                        items: vec![account("222222222222", "payments")],
                        next_token: None,
                    },
                })
            }

            async fn list_account_roles(
                &self,
                _: &Secret<String>,
                _: &str,
                _: Option<String>,
                _: i32,
            ) -> Result<Page<String>, IdcError> {
                Err(IdcError::Other("not in this test".into()))
            }

            async fn get_role_credentials(
                &self,
                token: &Secret<String>,
                account_id: &str,
                role_name: &str,
            ) -> Result<Credentials, IdcError> {
                self.called(format!("get_role_credentials {account_id}/{role_name}"));
                if token.expose() != "good" {
                    return Err(IdcError::Unauthorized);
                }
                Ok(Credentials {
                    access_key_id: format!("ASIA{account_id}"),
                    secret_access_key: Secret::new("s".into()),
                    session_token: Some(Secret::new("t".into())),
                    expires_at: Some(SystemTime::now() + Duration::from_secs(3600)),
                })
            }

            async fn logout(&self, _: &Secret<String>) -> Result<(), IdcError> {
                Ok(())
            }
        }

        fn session() -> SsoSession {
            SsoSession {
                name: "acme".into(),
                start_url: "https://acme.awsapps.com/start".into(),
                region: "eu-west-1".into(),
                scopes: vec!["sso:account:access".into()],
                legacy: false,
            }
        }

        fn config() -> Config {
            Config {
                file: Default::default(),
                source: None,
                sessions: vec![session()],
                endpoints: BTreeMap::new(),
                chains: Default::default(),
                aliases: BTreeMap::new(),
                notices: Vec::new(),
                profile_regions: Vec::new(),
            }
        }

        fn signed_in(token: &str) -> SignedIn {
            let later = SystemTime::now() + Duration::from_secs(8 * 3600);
            SignedIn {
                registration: Registration {
                    client_id: "c".into(),
                    client_secret: Secret::new("cs".into()),
                    expires_at: later,
                    grant_types: Vec::new(),
                },
                token: SsoToken {
                    access_token: Secret::new(token.into()),
                    expires_at: later,
                    refresh_token: None,
                },
            }
        }

        /// The chain sources run against a fake identity center: an account named by name is
        /// found by listing, the role's credentials come from the fake and are kept (asked
        /// once), and a refused token asks for a sign-in.
        #[tokio::test]
        async fn an_sso_source_runs_against_a_fake_identity_center() {
            let dir = tempfile::tempdir().unwrap();
            let paths = Paths::from_lookup(|k| (k == "HOME").then(|| dir.path().into())).unwrap();
            let store = SessionStore::new(
                Box::new(FileStore::new(&paths.state_dir)),
                AwsSsoCache::new(paths.sso_cache_dir.clone()),
            );
            store.save(&session(), &signed_in("good")).unwrap();
            let (config, env) = (config(), Environment::default());
            let idc = FakeIdc::default();
            let sources = StandardSources {
                config: &config,
                paths: &paths,
                store: &store,
                clock: &SystemClock,
                environment: &env,
                identity_center: |_: &SsoSession| idc.clone(),
            };
            let (credentials, region, kept) =
                sources.sso(None, "payments", "Admin", false).await.unwrap();
            assert_eq!(credentials.access_key_id, "ASIA222222222222");
            assert_eq!((region.as_str(), kept), ("eu-west-1", false));
            let (again, _, kept) = sources
                .sso(None, "222222222222", "Admin", false)
                .await
                .unwrap();
            assert_eq!(
                (again.access_key_id.as_str(), kept),
                ("ASIA222222222222", true)
            );
            assert_eq!(
                *idc.calls.lock().unwrap(),
                [
                    "list_accounts None",
                    "list_accounts Some(\"2\")",
                    "get_role_credentials 222222222222/Admin"
                ]
            );

            store.save(&session(), &signed_in("revoked")).unwrap();
            let refused = sources.sso(None, "222222222222", "Admin", true).await;
            assert!(
                matches!(refused, Err(ChainError::NeedsSignIn { .. })),
                "{refused:?}"
            );
        }
    }

    #[tokio::test]
    async fn mfa_process_prints_the_code() {
        assert_eq!(
            run_mfa_process("c", "echo ' 123456 '")
                .await
                .unwrap()
                .expose(),
            "123456"
        );
        let err = run_mfa_process("c", "echo nope")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("6-digit"), "{err}");
        let err = run_mfa_process("c", "echo 'not unlocked' >&2; exit 3")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("exit status: 3): not unlocked"), "{err}");
    }
}
