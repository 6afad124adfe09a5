//! Chains from configuration: `[[chains]]` in config.toml, and the AWS CLI's own assume-role
//! profiles (`role_arn` with `source_profile` or `credential_source`) in `~/.aws/config`, so an
//! existing setup appears with no new config.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ini::Section;
use crate::core::chain::duration;
use crate::core::chain::{ChainOrigin, ChainSource, ChainSpec};

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
    pub fn seconds(&self) -> Result<u32, String> {
        match self {
            DurationValue::Seconds(s) => Ok(*s),
            DurationValue::Text(t) => duration::parse(t),
        }
    }
}

impl ChainEntry {
    /// The chain this entry defines; the error says what is wrong with it.
    pub fn to_spec(&self) -> Result<ChainSpec, String> {
        let sources = [
            self.source.is_some(),
            self.source_profile.is_some(),
            self.source_chain.is_some(),
            self.credential_source.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(format!(
                "chain {:?} needs exactly one of source, source_profile, source_chain or credential_source",
                self.name
            ));
        }
        let source = if let Some(sso) = &self.source {
            let (account, role) = sso.rsplit_once('/').ok_or_else(|| {
                format!(
                    "chain {:?}: source {sso:?} must be \"account/role\"",
                    self.name
                )
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
            credential_source(self.credential_source.as_deref().unwrap_or_default())
                .map_err(|e| format!("chain {:?}: {e}", self.name))?
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
            .map_err(|e| format!("chain {:?}: {e}", self.name))?;
        spec.session_name = self.session_name.clone();
        spec.tags = self.tags.clone();
        spec.transitive_tag_keys = self.transitive_tag_keys.clone();
        spec.source_identity = self.source_identity.clone();
        spec.policy_arns = self.policy_arns.clone();
        spec.region = self.region.clone();
        spec.validate()
            .map_err(|e| format!("chain {:?}: {e}", self.name))?;
        Ok(spec)
    }
}

fn credential_source(value: &str) -> Result<ChainSource, String> {
    match value {
        "Environment" => Ok(ChainSource::Environment),
        "Ec2InstanceMetadata" | "EcsContainer" => Err(format!(
            "credential_source = {value} is not supported by rolecall (it never calls the instance metadata service); use Environment or a source profile"
        )),
        other => Err(format!(
            "credential_source {other:?} is not one of Environment, Ec2InstanceMetadata, EcsContainer"
        )),
    }
}

/// The assume-role profiles of `~/.aws/config` as chains. A profile that cannot be one (an
/// unsupported `credential_source`, a bad ARN) is skipped with a log line: the AWS CLI file
/// is not ours to reject.
pub fn from_aws_profiles(sections: &[Section]) -> Vec<ChainSpec> {
    let profiles: BTreeMap<&str, &Section> = sections
        .iter()
        .filter_map(|s| Some((super::aws_config::profile_name(&s.name)?, s)))
        .collect();
    let mut chains = Vec::new();
    for (name, section) in &profiles {
        let Some(role_arn) = section.get("role_arn") else {
            continue;
        };
        match profile_chain(name, section, role_arn, &profiles) {
            Ok(spec) => chains.push(spec),
            Err(e) => tracing::info!(profile = name, reason = %e, "assume-role profile skipped"),
        }
    }
    chains
}

fn profile_chain(
    name: &str,
    section: &Section,
    role_arn: &str,
    profiles: &BTreeMap<&str, &Section>,
) -> Result<ChainSpec, String> {
    let source = match (
        section.get("source_profile"),
        section.get("credential_source"),
    ) {
        (Some(source), None) => {
            let parent = profiles.get(source).copied();
            let has_role = parent.is_some_and(|p| p.get("role_arn").is_some());
            match parent {
                Some(_) if source != name && has_role => ChainSource::Chain(source.to_owned()),
                Some(p) if p.get("sso_account_id").is_some() => ChainSource::Sso {
                    session: p
                        .get("sso_session")
                        .map(str::to_owned)
                        .or_else(|| Some(source.to_owned())),
                    account: p.get("sso_account_id").unwrap_or_default().to_owned(),
                    role: p.get("sso_role_name").unwrap_or_default().to_owned(),
                },
                _ => ChainSource::Profile(source.to_owned()),
            }
        }
        (None, Some(value)) => credential_source(value)?,
        _ => return Err("needs exactly one of source_profile or credential_source".into()),
    };
    let mut spec = ChainSpec::new(name, source, role_arn);
    spec.origin = ChainOrigin::AwsProfile;
    spec.external_id = section.get("external_id").map(str::to_owned);
    spec.mfa_serial = section.get("mfa_serial").map(str::to_owned);
    spec.duration = section
        .get("duration_seconds")
        .map(|d| {
            d.parse::<u32>()
                .map_err(|_| format!("duration_seconds {d:?}"))
        })
        .transpose()?;
    // The AWS CLI takes role_session_name literally; braces would read as a placeholder.
    spec.session_name = section
        .get("role_session_name")
        .map(|n| n.replace(['{', '}'], "-"));
    spec.region = section.get("region").map(str::to_owned);
    spec.validate()?;
    Ok(spec)
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
    fn aws_cli_profiles_become_chains() {
        let text = "\
[profile jenkins]
aws_access_key_id = AKIA
[profile sso-tools]
sso_session = acme
sso_account_id = 764289909412
sso_role_name = DevOps
[profile deploy]
role_arn = arn:aws:iam::406881644574:role/etl-deployer
source_profile = sso-tools
duration_seconds = 3600
[profile push]
role_arn = arn:aws:iam::909061163445:role/ecr-push
source_profile = deploy
role_session_name = ci
[profile reader]
role_arn = arn:aws:iam::295922081140:role/s3-reader
source_profile = jenkins
mfa_serial = arn:aws:iam::764289909412:mfa/jenkins
[profile env]
role_arn = arn:aws:iam::295922081140:role/s3-reader
credential_source = Environment
[profile imds]
role_arn = arn:aws:iam::295922081140:role/s3-reader
credential_source = Ec2InstanceMetadata
";
        let sections = crate::config::ini::parse(text).unwrap();
        let chains = from_aws_profiles(&sections);
        let by_name = |n: &str| chains.iter().find(|c| c.name == n).unwrap();
        assert_eq!(chains.len(), 4, "{chains:?}");
        assert!(matches!(
            &by_name("deploy").source,
            ChainSource::Sso { session: Some(s), account, role }
                if s == "acme" && account == "764289909412" && role == "DevOps"
        ));
        assert_eq!(by_name("push").source, ChainSource::Chain("deploy".into()));
        assert_eq!(by_name("push").session_name.as_deref(), Some("ci"));
        assert_eq!(
            by_name("reader").source,
            ChainSource::Profile("jenkins".into())
        );
        assert!(by_name("reader").mfa_serial.is_some());
        assert_eq!(by_name("env").source, ChainSource::Environment);
        assert!(chains.iter().all(|c| c.origin == ChainOrigin::AwsProfile));
    }
}
