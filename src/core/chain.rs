//! Role chains: STS AssumeRole from a source (an SSO role, an AWS CLI profile's keys, the
//! environment, or another chain). What a chain is, how long it may last, what its session is
//! called, and what a failure means for the person who asked. No IO.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) mod advice;
pub mod duration;
pub(crate) mod invalid;
pub(crate) mod session_name;

pub use crate::core::ids::{RoleArn, RoleArnError};
pub use advice::ChainError;
pub use duration::{DurationError, DurationPlan, plan_duration};
pub use invalid::InvalidChain;

/// Where a chain's first credentials come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChainSource {
    /// An account × role of an identity center's catalog (account by name or id).
    Sso {
        session: Option<String>,
        account: String,
        role: String,
    },
    /// An AWS CLI profile with long-term keys in `~/.aws/credentials` (an IAM user); with an
    /// `mfa_serial`, GetSessionToken with MFA first.
    Profile(String),
    /// Another chain, by name.
    Chain(String),
    /// `AWS_ACCESS_KEY_ID` and friends of rolecall's own environment (`credential_source =
    /// Environment`).
    Environment,
}

impl ChainSource {
    /// How the source is shown: `sso:payments/Admin`, `profile:jenkins`, `chain:x`, `environment`.
    pub fn label(&self) -> String {
        match self {
            ChainSource::Sso { account, role, .. } => format!("{account}/{role}"),
            ChainSource::Profile(p) => format!("profile {p}"),
            ChainSource::Chain(c) => format!("chain {c}"),
            ChainSource::Environment => "the environment's credentials".to_owned(),
        }
    }

    /// Whether the source's credentials are a role session, which makes AssumeRole role
    /// chaining (capped at 1 h by AWS; no `SessionDuration` for the console). Environment
    /// credentials are unknown: `None`.
    pub fn is_role_session(&self) -> Option<bool> {
        match self {
            ChainSource::Sso { .. } | ChainSource::Chain(_) => Some(true),
            ChainSource::Profile(_) => Some(false),
            ChainSource::Environment => None,
        }
    }
}

/// Where a chain was defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ChainOrigin {
    /// `[[chains]]` in config.toml.
    #[default]
    Config,
    /// A `[profile]` of `~/.aws/config` with `role_arn`.
    AwsProfile,
    /// "Assume another role…" in the app.
    AdHoc,
}

/// One chain: everything AssumeRole is asked with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChainSpec {
    pub name: String,
    pub source: ChainSource,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    /// A shell command that prints the MFA code (instead of asking).
    pub mfa_process: Option<String>,
    /// Asked session length in seconds (900..=43200); STS's default (1 h) when absent.
    pub duration: Option<u32>,
    /// `RoleSessionName` template (see [`session_name`]).
    pub session_name: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub policy_arns: Vec<String>,
    /// An inline session policy (JSON, at most 2,048 characters).
    #[serde(default)]
    pub policy: Option<String>,
    /// The STS region; the source's region when absent.
    pub region: Option<String>,
    pub origin: ChainOrigin,
}

impl ChainSpec {
    /// Whether this chain's credentials come from role chaining: its source is a role session
    /// (an SSO role, another chain). A chain from an IAM user's long-term keys (with or without
    /// an MFA session token) is not. An unknown source (the environment) counts as role
    /// chaining, where the safe choice works either way (the console request without a
    /// `SessionDuration`).
    pub fn is_role_chained(&self) -> bool {
        self.source.is_role_session() != Some(false)
    }

    /// A chain with only a name, a source and a role (the rest absent).
    pub fn new(name: &str, source: ChainSource, role_arn: &str) -> Self {
        Self {
            name: name.to_owned(),
            source,
            role_arn: role_arn.to_owned(),
            external_id: None,
            mfa_serial: None,
            mfa_process: None,
            duration: None,
            session_name: None,
            tags: BTreeMap::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
            policy_arns: Vec::new(),
            policy: None,
            region: None,
            origin: ChainOrigin::Config,
        }
    }

    /// The role's account and name (checked when the chain was loaded).
    pub fn role(&self) -> Option<RoleArn> {
        RoleArn::parse(&self.role_arn).ok()
    }

    /// A short fingerprint of everything that changes what AssumeRole returns: kept
    /// credentials of an edited chain are not reused.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(&(
            &self.source,
            &self.role_arn,
            &self.external_id,
            &self.mfa_serial,
            self.duration,
            &self.session_name,
            &self.tags,
            &self.transitive_tag_keys,
            &self.source_identity,
            &self.policy_arns,
            &self.region,
            &self.policy,
        ))
        .unwrap_or_default();
        hex::encode(&Sha256::digest(&json)[..6])
    }

    /// Checks what can be checked before asking AWS: the role ARN, the duration's range, tags.
    pub fn validate(&self) -> Result<(), InvalidChain> {
        RoleArn::parse(&self.role_arn)?;
        if let Some(seconds) = self.duration {
            duration::check_range(seconds)?;
        }
        if self.tags.len() > 50 {
            return Err(InvalidChain::TooManyTags(self.tags.len()));
        }
        if let Some(key) = self
            .transitive_tag_keys
            .iter()
            .find(|k| !self.tags.contains_key(*k))
        {
            return Err(InvalidChain::TransitiveKeyNotATag(key.clone()));
        }
        if let Some(policy) = &self.policy {
            invalid::check_session_policy(policy)?;
        }
        if self.mfa_process.is_some() && self.mfa_serial.is_none() {
            return Err(InvalidChain::MfaProcessWithoutSerial);
        }
        Ok(())
    }
}

/// Every chain known: config.toml's, then the AWS CLI profiles', by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chains {
    specs: Vec<ChainSpec>,
}

impl Chains {
    pub fn new(specs: Vec<ChainSpec>) -> Self {
        Self { specs }
    }

    pub fn get(&self, name: &str) -> Option<&ChainSpec> {
        self.specs.iter().find(|c| c.name == name)
    }

    /// `spec`'s own `region`, else the nearest source chain's (where the role lives).
    pub fn own_region<'s>(&'s self, spec: &'s ChainSpec) -> Option<&'s str> {
        let mut at = spec;
        for _ in 0..=self.specs.len() {
            if let Some(region) = at.region.as_deref() {
                return Some(region);
            }
            let ChainSource::Chain(parent) = &at.source else {
                return None;
            };
            at = self.get(parent)?;
        }
        None
    }

    pub fn iter(&self) -> impl Iterator<Item = &ChainSpec> {
        self.specs.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// Adds `spec` unless a chain of that name exists (the first definition wins).
    pub fn push_unless_named(&mut self, spec: ChainSpec) -> bool {
        if self.get(&spec.name).is_some() {
            return false;
        }
        self.specs.push(spec);
        true
    }

    /// The sources of `name`, nearest first, ending at a non-chain source. A cycle or an
    /// unknown chain is an error naming it.
    pub fn path(&self, name: &str) -> Result<Vec<&ChainSpec>, InvalidChain> {
        let mut path: Vec<&ChainSpec> = Vec::new();
        let mut next = name;
        loop {
            let spec = self
                .get(next)
                .ok_or_else(|| InvalidChain::NoSuchChain(next.to_owned()))?;
            if path.iter().any(|p| p.name == spec.name) {
                let names = path.iter().map(|p| p.name.clone()).collect();
                return Err(InvalidChain::Cycle(names));
            }
            path.push(spec);
            match &spec.source {
                ChainSource::Chain(source) => next = source,
                _ => return Ok(path),
            }
        }
    }

    /// Checks every chain: its own fields and that its sources resolve without a cycle.
    pub fn validate(&self) -> Result<(), (String, InvalidChain)> {
        for spec in &self.specs {
            spec.validate()
                .and_then(|()| self.path(&spec.name).map(|_| ()))
                .map_err(|e| (spec.name.clone(), e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_sources_and_catch_cycles() {
        let role = "arn:aws:iam::123456789012:role/r";
        let chains = Chains::new(vec![
            ChainSpec::new("a", ChainSource::Chain("b".into()), role),
            ChainSpec::new("b", ChainSource::Profile("p".into()), role),
            ChainSpec::new("c", ChainSource::Chain("d".into()), role),
            ChainSpec::new("d", ChainSource::Chain("c".into()), role),
            ChainSpec::new("e", ChainSource::Chain("nope".into()), role),
        ]);
        let names: Vec<&str> = chains
            .path("a")
            .unwrap()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert!(chains.path("c").unwrap_err().to_string().contains("cycle"));
        assert!(
            chains
                .path("e")
                .unwrap_err()
                .to_string()
                .contains("\"nope\"")
        );
        assert_eq!(
            chains.path("c").unwrap_err().to_string(),
            "chains c -> d source each other in a cycle"
        );
        assert_eq!(
            chains.validate().unwrap_err(),
            (
                "c".to_owned(),
                InvalidChain::Cycle(vec!["c".into(), "d".into()])
            )
        );
    }

    #[test]
    fn validation_and_fingerprints() {
        let mut spec = ChainSpec::new(
            "x",
            ChainSource::Environment,
            "arn:aws:iam::123456789012:role/r",
        );
        assert!(spec.validate().is_ok());
        let before = spec.fingerprint();
        spec.external_id = Some("abc".into());
        assert_ne!(spec.fingerprint(), before, "an edited chain is a new chain");
        spec.duration = Some(600);
        assert!(spec.validate().unwrap_err().to_string().contains("15 min"));
        spec.duration = None;
        spec.transitive_tag_keys = vec!["team".into()];
        assert!(spec.validate().unwrap_err().to_string().contains("team"));
        spec.transitive_tag_keys.clear();
        spec.mfa_process = Some("echo 1".into());
        assert_eq!(
            spec.validate().unwrap_err().to_string(),
            "mfa_process is set but mfa_serial is not"
        );
        spec.mfa_process = None;
        spec.tags = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
        assert_eq!(
            spec.validate().unwrap_err().to_string(),
            "51 session tags; STS takes at most 50"
        );
        spec.tags.clear();
        spec.role_arn = "arn:aws:iam::1:role/r".into();
        assert_eq!(
            spec.validate().unwrap_err(),
            InvalidChain::RoleArn(RoleArnError {
                text: "arn:aws:iam::1:role/r".into()
            })
        );
    }
}
