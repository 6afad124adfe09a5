//! What is wrong with a chain before AWS is asked: its own fields, or where its sources lead.

use super::duration::DurationError;
use crate::core::ids::RoleArnError;

/// Why a chain cannot be assumed as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidChain {
    #[error(transparent)]
    RoleArn(#[from] RoleArnError),
    #[error(transparent)]
    Duration(#[from] DurationError),
    #[error("{0} session tags; STS takes at most 50")]
    TooManyTags(usize),
    #[error("transitive tag key {0:?} is not one of the chain's tags")]
    TransitiveKeyNotATag(String),
    #[error("policy: {0}")]
    Policy(&'static str),
    #[error("mfa_process is set but mfa_serial is not")]
    MfaProcessWithoutSerial,
    /// A source chain that is not defined.
    #[error("no chain is named {0:?}")]
    NoSuchChain(String),
    /// Chains that source each other, in the order followed.
    #[error("chains {} source each other in a cycle", .0.join(" -> "))]
    Cycle(Vec<String>),
}

/// The longest inline session policy STS takes, in characters.
pub(crate) const MAX_SESSION_POLICY: usize = 2048;

/// STS's rules for an inline session policy: a JSON object of 1 to 2,048 characters.
pub(crate) fn check_session_policy(policy: &str) -> Result<(), InvalidChain> {
    let chars = policy.chars().count();
    if chars == 0 || chars > MAX_SESSION_POLICY {
        return Err(InvalidChain::Policy(
            "an inline session policy has 1 to 2048 characters",
        ));
    }
    if !serde_json::from_str::<serde_json::Value>(policy).is_ok_and(|v| v.is_object()) {
        return Err(InvalidChain::Policy("not a JSON policy document"));
    }
    Ok(())
}

#[cfg(test)]
mod policy_tests {
    use super::*;

    #[test]
    fn session_policies_are_json_objects_of_at_most_2048_characters() {
        assert!(check_session_policy(r#"{"Version":"2012-10-17","Statement":[]}"#).is_ok());
        let long = format!("{{\"Version\":\"{}\"}}", "x".repeat(2048));
        for bad in ["", "not json", "[]", long.as_str()] {
            assert!(check_session_policy(bad).is_err(), "{bad}");
        }
    }
}
