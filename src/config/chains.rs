//! Chains from configuration: `[[chains]]` in config.toml, and the AWS CLI's own assume-role
//! profiles (`role_arn` with `source_profile` or `credential_source`) in `~/.aws/config`, so an
//! existing setup appears with no new config.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::ini::Section;
use super::profile_map;
use crate::core::chain::duration;
use crate::core::chain::{ChainOrigin, ChainSource, ChainSpec, DurationError, InvalidChain};
use crate::core::sso::SsoSession;

/// `[[chains]]`: a role assumed with STS from a source.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainEntry {
    pub name: String,
    /// An SSO role as `account/role` (account by name or id).
    pub source: Option<String>,
    /// The identity center of `source` (the default one when absent).
    pub source_session: Option<String>,
    /// An AWS CLI profile with keys in `~/.aws/credentials`.
    pub source_profile: Option<String>,
    /// Another chain.
    pub source_chain: Option<String>,
    /// `"Environment"`: the keys in rolecall's environment.
    pub credential_source: Option<String>,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    pub mfa_process: Option<String>,
    /// Seconds (`3600`) or text (`"4h"`, `"90m"`).
    pub duration: Option<DurationValue>,
    pub session_name: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    #[serde(default)]
    pub policy_arns: Vec<String>,
    /// An inline session policy (a JSON document).
    pub policy: Option<String>,
    pub region: Option<String>,
}

/// A duration as config writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum DurationValue {
    Seconds(u32),
    Text(String),
}

impl DurationValue {
    pub fn seconds(&self) -> Result<u32, DurationError> {
        match self {
            DurationValue::Seconds(s) => Ok(*s),
            DurationValue::Text(t) => duration::parse(t),
        }
    }
}

/// What is wrong with a `[[chains]]` entry; the message names the chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainEntryError {
    #[error(
        "chain {chain:?} needs exactly one of source, source_profile, source_chain or credential_source"
    )]
    SourceCount { chain: String },
    #[error("chain {chain:?}: source {sso:?} must be \"account/role\"")]
    SsoSource { chain: String, sso: String },
    #[error("chain {chain:?}: {cause}")]
    CredentialSource {
        chain: String,
        cause: CredentialSourceError,
    },
    #[error("chain {chain:?}: {cause}")]
    Duration { chain: String, cause: DurationError },
    #[error("chain {chain:?}: {cause}")]
    Invalid { chain: String, cause: InvalidChain },
}

/// A `credential_source` rolecall does not take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialSourceError {
    #[error(
        "credential_source = {0} is not supported by rolecall (it never calls the instance metadata service); use Environment or a source profile"
    )]
    Unsupported(String),
    #[error("credential_source {0:?} is not one of Environment, Ec2InstanceMetadata, EcsContainer")]
    Unknown(String),
}

impl ChainEntry {
    /// The chain this entry defines; the error says what is wrong with it.
    pub fn to_spec(&self) -> Result<ChainSpec, ChainEntryError> {
        let chain = || self.name.clone();
        let sources = [
            self.source.is_some(),
            self.source_profile.is_some(),
            self.source_chain.is_some(),
            self.credential_source.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(ChainEntryError::SourceCount { chain: chain() });
        }
        let source = if let Some(sso) = &self.source {
            let (account, role) =
                sso.rsplit_once('/')
                    .ok_or_else(|| ChainEntryError::SsoSource {
                        chain: chain(),
                        sso: sso.clone(),
                    })?;
            ChainSource::Sso {
                session: self.source_session.clone(),
                account: account.trim().to_owned(),
                role: role.trim().to_owned(),
            }
        } else if let Some(profile) = &self.source_profile {
            ChainSource::Profile(profile.clone())
        } else if let Some(chain) = &self.source_chain {
            ChainSource::Chain(chain.clone())
        } else {
            credential_source(self.credential_source.as_deref().unwrap_or_default()).map_err(
                |cause| ChainEntryError::CredentialSource {
                    chain: chain(),
                    cause,
                },
            )?
        };
        let mut spec = ChainSpec::new(&self.name, source, &self.role_arn);
        spec.external_id = self.external_id.clone();
        spec.mfa_serial = self.mfa_serial.clone();
        spec.mfa_process = self.mfa_process.clone();
        spec.duration = self
            .duration
            .as_ref()
            .map(DurationValue::seconds)
            .transpose()
            .map_err(|cause| ChainEntryError::Duration {
                chain: chain(),
                cause,
            })?;
        spec.session_name = self.session_name.clone();
        spec.tags = self.tags.clone();
        spec.transitive_tag_keys = self.transitive_tag_keys.clone();
        spec.source_identity = self.source_identity.clone();
        spec.policy_arns = self.policy_arns.clone();
        spec.policy = self.policy.clone();
        spec.region = self.region.clone();
        spec.validate().map_err(|cause| ChainEntryError::Invalid {
            chain: chain(),
            cause,
        })?;
        Ok(spec)
    }
}

fn credential_source(value: &str) -> Result<ChainSource, CredentialSourceError> {
    match value {
        "Environment" => Ok(ChainSource::Environment),
        "Ec2InstanceMetadata" | "EcsContainer" => {
            Err(CredentialSourceError::Unsupported(value.to_owned()))
        }
        other => Err(CredentialSourceError::Unknown(other.to_owned())),
    }
}

/// What the assume-role profiles may point at, besides each other.
pub(crate) struct Known<'a> {
    /// The config file, as notices name it.
    pub origin: &'a str,
    /// The identity centers found in the file.
    pub sessions: &'a [SsoSession],
    /// Other names of those identity centers (legacy profiles sharing a start URL).
    pub aliases: &'a BTreeMap<String, String>,
    /// The sections of `~/.aws/credentials`.
    pub credential_profiles: &'a BTreeSet<String>,
}

/// Why a profile cannot be a chain, at which line.
struct Skip {
    line: usize,
    why: String,
}

/// The assume-role profiles of `~/.aws/config` as chains. A profile rolecall cannot use (web
/// identity, instance metadata, a duration STS refuses, a `source_profile` pointing nowhere or
/// in a circle, a bad ARN) is skipped with a notice `file:line: profile "x" is skipped: why`,
/// and so is every profile chained from it: the AWS CLI file is not ours to reject.
pub(crate) fn from_aws_profiles(
    sections: &[Section],
    known: &Known<'_>,
    notices: &mut Vec<String>,
) -> Vec<ChainSpec> {
    let profiles = profile_map::profiles(sections);
    let mut order: Vec<(&str, usize)> = profiles
        .iter()
        .filter(|(_, s)| s.get("role_arn").is_some())
        .map(|(name, s)| (name.as_str(), s.line))
        .collect();
    order.sort_by_key(|(_, line)| *line);
    let mut resolver = Resolver {
        profiles: &profiles,
        known,
        done: BTreeMap::new(),
        visiting: Vec::new(),
    };
    for (name, _) in &order {
        resolver.resolve(name);
    }
    let mut chains = Vec::new();
    for (name, _) in order {
        match resolver.done.remove(name) {
            Some(Ok(spec)) => chains.push(spec),
            Some(Err(skip)) => notices.push(format!(
                "{}:{}: profile {name:?} is skipped: {}",
                known.origin, skip.line, skip.why
            )),
            None => {}
        }
    }
    chains
}

struct Resolver<'a, 'k> {
    profiles: &'a BTreeMap<String, &'a Section>,
    known: &'a Known<'k>,
    done: BTreeMap<String, Result<ChainSpec, Skip>>,
    visiting: Vec<String>,
}

impl Resolver<'_, '_> {
    /// Resolves an assume-role profile (once); whether it is usable.
    fn resolve(&mut self, name: &str) -> bool {
        if let Some(done) = self.done.get(name) {
            return done.is_ok();
        }
        self.visiting.push(name.to_owned());
        let result = self.chain(name);
        self.visiting.pop();
        let usable = result.is_ok();
        self.done.insert(name.to_owned(), result);
        usable
    }

    fn chain(&mut self, name: &str) -> Result<ChainSpec, Skip> {
        let Some(section) = self.profiles.get(name).copied() else {
            return Err(Skip {
                line: 1,
                why: "it is not a profile".into(),
            });
        };
        let at = |key: &str| section.entry(key).map_or(section.line, |e| e.line);
        let skip = |key: &str, why: String| Skip { line: at(key), why };
        if section.get("web_identity_token_file").is_some() {
            return Err(skip(
                "web_identity_token_file",
                "it assumes its role with a web identity token (web_identity_token_file), which rolecall does not support".into(),
            ));
        }
        let source = match (
            section.get("source_profile"),
            section.get("credential_source"),
        ) {
            (Some(source), None) => self.source(name, source, at("source_profile"))?,
            (None, Some(value)) => {
                credential_source(value).map_err(|e| skip("credential_source", e.to_string()))?
            }
            (Some(_), Some(_)) => {
                return Err(skip(
                    "credential_source",
                    "it has both source_profile and credential_source".into(),
                ));
            }
            (None, None) => {
                return Err(skip(
                    "role_arn",
                    "it has role_arn but neither source_profile nor credential_source".into(),
                ));
            }
        };
        let role_arn = section.get("role_arn").unwrap_or_default();
        let mut spec = ChainSpec::new(name, source, role_arn);
        spec.origin = ChainOrigin::AwsProfile;
        spec.external_id = section.get("external_id").map(str::to_owned);
        spec.mfa_serial = section.get("mfa_serial").map(str::to_owned);
        if let Some(d) = section.get("duration_seconds") {
            let seconds = d
                .parse::<u32>()
                .map_err(|_| format!("duration_seconds {d:?} is not a number of seconds"))
                .and_then(|s| {
                    duration::check_range(s)
                        .map(|()| s)
                        .map_err(|e| format!("duration_seconds = {s}: {e}"))
                })
                .map_err(|why| skip("duration_seconds", why))?;
            spec.duration = Some(seconds);
        }
        // The AWS CLI takes role_session_name literally; braces would read as a placeholder.
        spec.session_name = section
            .get("role_session_name")
            .map(|n| n.replace(['{', '}'], "-"));
        spec.region = section.get("region").map(str::to_owned);
        spec.validate()
            .map_err(|e| skip("role_arn", e.to_string()))?;
        Ok(spec)
    }

    /// What `source_profile = source` of profile `name` is.
    fn source(&mut self, name: &str, source: &str, line: usize) -> Result<ChainSource, Skip> {
        let skip = |why: String| Skip { line, why };
        if source == name {
            // Its own keys (botocore allows a profile to be its own source).
            return Ok(ChainSource::Profile(source.to_owned()));
        }
        let Some(parent) = self.profiles.get(source).copied() else {
            return if self.known.credential_profiles.contains(source) {
                Ok(ChainSource::Profile(source.to_owned()))
            } else {
                Err(skip(format!(
                    "its source_profile {source:?} is in neither the config nor the credentials file"
                )))
            };
        };
        if parent.get("role_arn").is_some() {
            if self.visiting.iter().any(|v| v == source) {
                let mut circle = self.visiting.clone();
                circle.push(source.to_owned());
                return Err(skip(format!(
                    "its source_profile leads round in a circle ({})",
                    circle.join(" -> ")
                )));
            }
            if !self.resolve(source) {
                return Err(skip(format!("its source_profile {source:?} is skipped")));
            }
            return Ok(ChainSource::Chain(source.to_owned()));
        }
        if let Some(account) = parent.get("sso_account_id") {
            let session = parent.get("sso_session").unwrap_or(source);
            let session = self
                .known
                .aliases
                .get(session)
                .map_or(session, String::as_str);
            if !self.known.sessions.iter().any(|s| s.name == session) {
                return Err(skip(format!(
                    "its source_profile {source:?} names no identity center rolecall can use"
                )));
            }
            return Ok(ChainSource::Sso {
                session: Some(session.to_owned()),
                account: account.to_owned(),
                role: parent.get("sso_role_name").unwrap_or_default().to_owned(),
            });
        }
        Ok(ChainSource::Profile(source.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(extra: &str) -> Result<ChainSpec, String> {
        let text =
            format!("name = \"c\"\nrole_arn = \"arn:aws:iam::123456789012:role/r\"\n{extra}");
        toml::from_str::<ChainEntry>(&text)
            .map_err(|e| e.to_string())?
            .to_spec()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn entries_need_one_source_and_a_sane_duration() {
        let spec = entry("source = \"tools-ci/DevOps\"\nduration = \"4h\"").unwrap();
        assert_eq!(
            spec.source,
            ChainSource::Sso {
                session: None,
                account: "tools-ci".into(),
                role: "DevOps".into()
            }
        );
        assert_eq!(spec.duration, Some(14_400));
        assert!(entry("").unwrap_err().contains("exactly one"));
        assert!(
            entry("source_profile = \"a\"\nsource_chain = \"b\"")
                .unwrap_err()
                .contains("exactly one")
        );
        let err = entry("source_profile = \"a\"\nduration = 600").unwrap_err();
        assert!(err.contains("15 min to 12 h"), "{err}");
        assert!(
            entry("credential_source = \"Ec2InstanceMetadata\"")
                .unwrap_err()
                .contains("not supported")
        );
    }

    #[test]
    fn entry_errors_name_the_chain_word_for_word() {
        assert_eq!(
            entry("").unwrap_err(),
            "chain \"c\" needs exactly one of source, source_profile, source_chain or credential_source"
        );
        assert_eq!(
            entry("source = \"tools-ci\"").unwrap_err(),
            "chain \"c\": source \"tools-ci\" must be \"account/role\""
        );
        assert_eq!(
            entry("credential_source = \"EcsContainer\"").unwrap_err(),
            "chain \"c\": credential_source = EcsContainer is not supported by rolecall (it never calls the instance metadata service); use Environment or a source profile"
        );
        assert_eq!(
            entry("credential_source = \"Imds\"").unwrap_err(),
            "chain \"c\": credential_source \"Imds\" is not one of Environment, Ec2InstanceMetadata, EcsContainer"
        );
        assert_eq!(
            entry("source_profile = \"a\"\nduration = \"4d\"").unwrap_err(),
            "chain \"c\": \"4d\" is not a duration (examples: 3600, 90m, 4h, 1h30m)"
        );
        assert_eq!(
            entry("source_profile = \"a\"\nduration = 600").unwrap_err(),
            "chain \"c\": a session of 10m cannot be asked for: STS sessions last 15 min to 12 h (900 to 43200 seconds)"
        );
        assert_eq!(
            entry("source_profile = \"a\"\ntransitive_tag_keys = [\"t\"]").unwrap_err(),
            "chain \"c\": transitive tag key \"t\" is not one of the chain's tags"
        );
        let bad_arn = "name = \"c\"\nrole_arn = \"arn:aws:iam::1:role/r\"\nsource_profile = \"a\"";
        assert_eq!(
            toml::from_str::<ChainEntry>(bad_arn)
                .unwrap()
                .to_spec()
                .unwrap_err()
                .to_string(),
            "chain \"c\": \"arn:aws:iam::1:role/r\" is not a role ARN (arn:aws:iam::123456789012:role/NAME)"
        );
    }
}
