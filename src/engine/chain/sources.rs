//! Where a chain's first credentials come from: an SSO role (through the identity center's
//! stored or silently refreshed token), an AWS CLI profile's keys, or the environment. Also
//! `mfa_process`, the command that prints an MFA code.

use std::future::Future;
use std::path::Path;

use crate::adapters::aws_identity_center::AwsIdentityCenter;
use crate::catalog::CatalogCache;
use crate::config::Config;
use crate::config::ini;
use crate::core::catalog::AccountId;
use crate::core::chain::ChainError;
use crate::core::credentials::Credentials;
use crate::core::sso::SsoSession;
use crate::engine::role_credentials::{FRESHNESS_MARGIN, role_credentials};
use crate::engine::tokens::{TokenError, usable_token};
use crate::paths::Paths;
use crate::ports::clock::Clock;
use crate::ports::identity_center::{IdcError, IdentityCenter};
use crate::secret::Secret;
use crate::session_store::SessionStore;

/// A profile's long-term keys, and what else the profile says.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileKeys {
    pub credentials: Credentials,
    /// `mfa_serial`: GetSessionToken with MFA before AssumeRole.
    pub mfa_serial: Option<String>,
    pub region: Option<String>,
}

/// Finds source credentials. `chain` names the chain asking, for messages.
pub trait SourceResolver: Send + Sync {
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
/// process environment.
pub struct StandardSources<'a> {
    pub config: &'a Config,
    pub paths: &'a Paths,
    pub store: &'a SessionStore,
    pub clock: &'a dyn Clock,
}

impl StandardSources<'_> {
    fn session(&self, wanted: Option<&str>) -> Result<SsoSession, ChainError> {
        self.config
            .session(wanted)
            .cloned()
            .map_err(|e| ChainError::Failed {
                chain: "source".into(),
                message: e.to_string(),
            })
    }

    /// The id of the account named `account`, by ListAccounts (when the catalog is not
    /// cached yet, or a listing is still running).
    async fn listed_account_id(
        &self,
        idc: &AwsIdentityCenter,
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

impl SourceResolver for StandardSources<'_> {
    async fn sso(
        &self,
        session: Option<&str>,
        account: &str,
        role: &str,
        fresh: bool,
    ) -> Result<(Credentials, String, bool), ChainError> {
        let session = self.session(session)?;
        let idc = AwsIdentityCenter::new(&session.region, self.config.endpoint(&session.name));
        let numeric = AccountId::is_valid(account);
        // The catalog cache knows account names; a listing still running does not yet.
        let cached_id = numeric.then(|| account.to_owned()).or_else(|| {
            CatalogCache::for_session(self.paths, &session.name)
                .load()
                .catalog?
                .accounts
                .into_iter()
                .find(|e| e.account.name.eq_ignore_ascii_case(account))
                .map(|e| String::from(e.account.id))
        });
        if !fresh
            && let Some(account_id) = &cached_id
            && let Ok(Some(kept)) = self.store.load_fresh_credentials(
                &session,
                account_id,
                role,
                self.clock.now(),
                FRESHNESS_MARGIN,
            )
        {
            tracing::debug!(account = %account_id, role, "source: kept SSO role credentials");
            return Ok((kept, session.region.clone(), true));
        }
        let signed_in = usable_token(&idc, self.store, &session, self.clock)
            .await
            .map_err(|e| match e {
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
            })?;
        let account_id = match cached_id {
            Some(id) => id,
            None => {
                self.listed_account_id(&idc, &signed_in.token.access_token, &session, account)
                    .await?
            }
        };
        if !fresh
            && let Ok(Some(kept)) = self.store.load_fresh_credentials(
                &session,
                &account_id,
                role,
                self.clock.now(),
                FRESHNESS_MARGIN,
            )
        {
            tracing::debug!(account = %account_id, role, "source: kept SSO role credentials");
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
        profile_keys(&self.paths.aws_credentials, &self.paths.aws_config, profile).map_err(
            |message| ChainError::Failed {
                chain: chain.to_owned(),
                message,
            },
        )
    }

    fn environment(&self, chain: &str) -> Result<Credentials, ChainError> {
        environment_credentials(|name| std::env::var(name).ok()).ok_or_else(|| {
            ChainError::Failed {
                chain: chain.to_owned(),
                message: "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into(),
            }
        })
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from `env`.
pub fn environment_credentials(env: impl Fn(&str) -> Option<String>) -> Option<Credentials> {
    let key = env("AWS_ACCESS_KEY_ID").filter(|v| !v.is_empty())?;
    let secret = env("AWS_SECRET_ACCESS_KEY").filter(|v| !v.is_empty())?;
    Some(Credentials {
        access_key_id: key,
        secret_access_key: Secret::new(secret),
        session_token: env("AWS_SESSION_TOKEN")
            .filter(|v| !v.is_empty())
            .map(Secret::new),
        expires_at: None,
    })
}

/// Reads a profile's keys from the credentials file (else the config file, as botocore does)
/// and its `mfa_serial` and `region` from either.
pub fn profile_keys(
    credentials_file: &Path,
    config_file: &Path,
    profile: &str,
) -> Result<ProfileKeys, String> {
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
        return Err(format!(
            "no profile {profile:?} in {} or {}",
            credentials_file.display(),
            config_file.display()
        ));
    }
    let (Some(key), Some(secret)) = (get("aws_access_key_id"), get("aws_secret_access_key")) else {
        return Err(format!(
            "profile {profile:?} has no aws_access_key_id and aws_secret_access_key"
        ));
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

fn read_sections(path: &Path) -> Result<Vec<ini::Section>, String> {
    match crate::adapters::read_file::read(path, crate::adapters::read_file::CONFIG_LIMIT) {
        Ok(bytes) => Ok(ini::read(&String::from_utf8_lossy(&bytes)).sections),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: cannot read: {e}", path.display())),
    }
}

/// Runs `mfa_process` with `sh -c` and takes the code it prints (6 digits, surrounding
/// whitespace ignored). Its stderr is kept (never drawn over the app's screen) and its last
/// line is told when it fails.
pub async fn run_mfa_process(chain: &str, command: &str) -> Result<Secret<String>, ChainError> {
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
    check_code(&code).map_err(|m| fail(format!("mfa_process printed {m}")))?;
    Ok(Secret::new(code))
}

/// An MFA code is six digits.
pub fn check_code(code: &str) -> Result<(), String> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("something that is not a 6-digit MFA code".to_owned())
    }
}

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

    #[test]
    fn environment_needs_both_keys() {
        let env = |k: &str| (k == "AWS_ACCESS_KEY_ID").then(|| "AKIA".to_owned());
        assert!(environment_credentials(env).is_none());
        let env = |k: &str| match k {
            "AWS_ACCESS_KEY_ID" => Some("AKIA".to_owned()),
            "AWS_SECRET_ACCESS_KEY" => Some("s".to_owned()),
            _ => None,
        };
        assert!(
            environment_credentials(env)
                .unwrap()
                .session_token
                .is_none()
        );
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
