//! IAM role ARNs: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`.

use serde::{Deserialize, Serialize};

use super::AccountId;

/// A role ARN and its parts. The text is kept as given, less surrounding spaces. Equal and
/// hashed as its text (the parts follow from it), so it can stand for a `str` key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoleArn {
    text: String,
    partition: String,
    account_id: AccountId,
    /// The role name (the last path segment).
    name: String,
}

/// Text that is not a role ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a role ARN (arn:aws:iam::123456789012:role/NAME)")]
pub struct RoleArnError {
    pub text: String,
}

impl RoleArn {
    /// Parses `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME` (surrounding spaces ignored).
    pub fn parse(arn: &str) -> Result<Self, RoleArnError> {
        let bad = || RoleArnError {
            text: arn.to_owned(),
        };
        let text = arn.trim();
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
            return Err(bad());
        };
        let name = resource
            .strip_prefix("role/")
            .and_then(|r| r.rsplit('/').next())
            .filter(|n| !n.is_empty());
        let account_id = AccountId::parse(account).ok();
        match (name, account_id) {
            (Some(name), Some(account_id))
                if *prefix == "arn"
                    && !partition.is_empty()
                    && *service == "iam"
                    && region.is_empty() =>
            {
                Ok(Self {
                    text: text.to_owned(),
                    partition: (*partition).to_owned(),
                    account_id,
                    name: name.to_owned(),
                })
            }
            _ => Err(bad()),
        }
    }

    /// The partition's id (`aws`, `aws-cn`, …).
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The account the role is in.
    pub fn account_id(&self) -> &AccountId {
        &self.account_id
    }

    /// The role name (the last path segment).
    pub fn name(&self) -> &str {
        &self.name
    }

    fn text(&self) -> &str {
        &self.text
    }
}

super::text_id!(RoleArn, RoleArnError);

impl std::hash::Hash for RoleArn {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn role_arns_parse_with_paths_and_partitions() {
        let arn = RoleArn::parse(" arn:aws:iam::123456789012:role/team/deploy ").unwrap();
        assert_eq!(arn.as_str(), "arn:aws:iam::123456789012:role/team/deploy");
        assert_eq!(arn.account_id(), "123456789012");
        assert_eq!(arn.name(), "deploy");
        assert_eq!(arn.partition(), "aws");
        assert_eq!(
            RoleArn::parse("arn:aws-cn:iam::123456789012:role/x")
                .unwrap()
                .partition(),
            "aws-cn"
        );
        for bad in [
            "",
            "arn:aws:iam::12345:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:sts::123456789012:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn::iam::123456789012:role/x",
            "arn:aws:iam:eu-west-1:123456789012:role/x",
            "nra:aws:iam::123456789012:role/x",
        ] {
            assert_eq!(RoleArn::parse(bad).unwrap_err().text, bad, "{bad}");
        }
        assert_eq!(
            RoleArn::parse("x").unwrap_err().to_string(),
            r#""x" is not a role ARN (arn:aws:iam::123456789012:role/NAME)"#
        );
    }

    #[test]
    fn reads_and_writes_as_its_text() {
        let text = r#""arn:aws:iam::123456789012:role/a/b""#;
        let arn: RoleArn = serde_json::from_str(text).unwrap();
        assert_eq!(arn.name(), "b");
        assert_eq!(serde_json::to_string(&arn).unwrap(), text);
        assert!(serde_json::from_str::<RoleArn>(r#""arn:aws:iam::1:role/b""#).is_err());
    }

    #[test]
    fn a_set_of_arns_is_looked_up_by_text() {
        let text = "arn:aws:iam::123456789012:role/a";
        let set = std::collections::HashSet::from([RoleArn::parse(text).unwrap()]);
        assert!(set.contains(text));
        assert!(!set.contains("arn:aws:iam::123456789012:role/b"));
    }
}
