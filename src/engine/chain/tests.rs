//! The engine with a fake STS and fake sources: the retries and the order of things, without
//! a network.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::sources::ProfileKeys;
use super::*;
use crate::adapters::aws_sso_cache::AwsSsoCache;
use crate::adapters::file_store::FileStore;
use crate::ports::clock::SystemClock;
use crate::ports::sts::{Assumed, CallerIdentity};

fn creds(key: &str, token: bool) -> Credentials {
    Credentials {
        access_key_id: key.into(),
        secret_access_key: Secret::new(format!("{key}-secret")),
        session_token: token.then(|| Secret::new(format!("{key}-token"))),
        expires_at: Some(SystemTime::now() + Duration::from_secs(3600)),
    }
}

/// STS that refuses what AWS refuses: more than an hour from a role session, and (once) the
/// credentials named `stale`.
#[derive(Default)]
struct FakeSts {
    calls: Mutex<Vec<(String, Option<u32>)>>,
}

impl Sts for FakeSts {
    async fn assume_role(
        &self,
        _region: &str,
        source: &Credentials,
        request: &AssumeRoleRequest,
    ) -> Result<Assumed, StsError> {
        self.calls
            .lock()
            .unwrap()
            .push((source.access_key_id.clone(), request.duration_seconds));
        if source.access_key_id == "stale" {
            return Err(StsError::ExpiredToken);
        }
        if source.session_token.is_some() && request.duration_seconds > Some(3600) {
            return Err(StsError::Invalid(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".into(),
            ));
        }
        Ok(Assumed {
            credentials: creds("ASIAASSUMED", true),
            assumed_role_arn: "arn:aws:sts::123456789012:assumed-role/r/s".into(),
        })
    }

    async fn get_session_token(
        &self,
        _region: &str,
        _source: &Credentials,
        _duration: Option<u32>,
        _mfa: Option<&MfaCode>,
    ) -> Result<Credentials, StsError> {
        Ok(creds("ASIASESSION", true))
    }

    async fn get_caller_identity(
        &self,
        _region: &str,
        _credentials: &Credentials,
    ) -> Result<CallerIdentity, StsError> {
        Ok(CallerIdentity {
            arn: "arn:aws:sts::123456789012:assumed-role/r/s".into(),
            account: "123456789012".into(),
            user_id: "AROA:s".into(),
        })
    }
}

/// An SSO source whose kept credentials are stale until fetched anew; env keys with a token.
struct FakeSources {
    fetched: Mutex<u32>,
}

impl SourceResolver for FakeSources {
    async fn sso(
        &self,
        _session: Option<&str>,
        _account: &str,
        _role: &str,
        fresh: bool,
    ) -> Result<(Credentials, String, bool), ChainError> {
        if fresh {
            *self.fetched.lock().unwrap() += 1;
            Ok((creds("ASIAFRESH", true), "eu-west-1".into(), false))
        } else {
            Ok((creds("stale", true), "eu-west-1".into(), true))
        }
    }

    fn profile(&self, chain: &str, _profile: &str) -> Result<ProfileKeys, ChainError> {
        Err(ChainError::Failed {
            chain: chain.into(),
            message: "no profiles here".into(),
        })
    }

    fn environment(&self, _chain: &str) -> Result<Credentials, ChainError> {
        Ok(creds("ASIAENV", true))
    }
}

fn store(dir: &std::path::Path) -> SessionStore {
    SessionStore::new(
        Box::new(FileStore::new(&dir.join("state"))),
        AwsSsoCache::new(dir.join("cache")),
    )
}

async fn assume(
    spec: &ChainSpec,
    sts: &FakeSts,
    sources: &FakeSources,
) -> Result<Assumption, ChainError> {
    assume_with_app_region(spec, sts, sources, None).await
}

async fn assume_with_app_region(
    spec: &ChainSpec,
    sts: &FakeSts,
    sources: &FakeSources,
    app_region: Option<&str>,
) -> Result<Assumption, ChainError> {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let chains = Chains::new(vec![spec.clone()]);
    let env = ChainEnv {
        sts,
        sources,
        chains: &chains,
        store: &store,
        clock: &SystemClock,
        prompt: &NoPrompt,
        user: "alice".into(),
        app_region: app_region.map(str::to_owned),
        default_region: "us-east-1".into(),
    };
    env.assume(spec, &mut MfaCodes::new(), false).await
}

#[tokio::test]
async fn an_expired_kept_source_is_fetched_anew_once() {
    let spec = ChainSpec::new(
        "c",
        ChainSource::Sso {
            session: None,
            account: "123456789012".into(),
            role: "Admin".into(),
        },
        "arn:aws:iam::123456789012:role/r",
    );
    let (sts, sources) = (
        FakeSts::default(),
        FakeSources {
            fetched: Mutex::new(0),
        },
    );
    let done = assume(&spec, &sts, &sources).await.unwrap();
    assert_eq!(done.credentials.access_key_id, "ASIAASSUMED");
    assert_eq!(done.region, "eu-west-1", "the source's region");
    assert_eq!(*sources.fetched.lock().unwrap(), 1);
    let calls = sts.calls.lock().unwrap().clone();
    assert_eq!(
        calls.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["stale", "ASIAFRESH"]
    );
}

#[tokio::test]
async fn the_chaining_limit_is_retried_at_an_hour_and_said() {
    // Environment keys with a session token may be a role session: nobody knows until STS says.
    let mut spec = ChainSpec::new(
        "c",
        ChainSource::Environment,
        "arn:aws:iam::123456789012:role/r",
    );
    spec.duration = Some(4 * 3600);
    let (sts, sources) = (
        FakeSts::default(),
        FakeSources {
            fetched: Mutex::new(0),
        },
    );
    let done = assume(&spec, &sts, &sources).await.unwrap();
    let durations: Vec<Option<u32>> = sts.calls.lock().unwrap().iter().map(|c| c.1).collect();
    assert_eq!(durations, [Some(14_400), Some(3600)]);
    assert!(done.note.unwrap().contains("capped at 1h (asked 4h)"));
    assert_eq!(
        done.caller_arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/r/s")
    );
}

#[tokio::test]
async fn an_mfa_role_without_a_code_or_anyone_to_ask_needs_one() {
    let mut spec = ChainSpec::new(
        "c",
        ChainSource::Environment,
        "arn:aws:iam::123456789012:role/r",
    );
    spec.mfa_serial = Some("arn:aws:iam::123456789012:mfa/me".into());
    let (sts, sources) = (
        FakeSts::default(),
        FakeSources {
            fetched: Mutex::new(0),
        },
    );
    let err = assume(&spec, &sts, &sources).await.unwrap_err();
    assert_eq!(
        err,
        ChainError::NeedsMfa {
            chain: "c".into(),
            serial: "arn:aws:iam::123456789012:mfa/me".into()
        }
    );
    assert!(
        sts.calls.lock().unwrap().is_empty(),
        "STS was not asked without a code"
    );
}

#[tokio::test]
async fn the_region_rule_a_chains_own_then_the_apps_then_the_sources() {
    let sources = FakeSources {
        fetched: Mutex::new(0),
    };
    let sts = FakeSts::default();
    let mut spec = ChainSpec::new(
        "c",
        ChainSource::Environment,
        "arn:aws:iam::123456789012:role/r",
    );
    let mut regions = Vec::new();
    for own in [None, Some("ap-south-1")] {
        spec.region = own.map(str::to_owned);
        let done = assume_with_app_region(&spec, &sts, &sources, Some("eu-west-1")).await;
        regions.push(done.unwrap().region);
    }
    assert_eq!(regions, ["eu-west-1", "ap-south-1"]);
}
