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
    #[error("mfa_process is set but mfa_serial is not")]
    MfaProcessWithoutSerial,
    /// A source chain that is not defined.
    #[error("no chain is named {0:?}")]
    NoSuchChain(String),
    /// Chains that source each other, in the order followed.
    #[error("chains {} source each other in a cycle", .0.join(" -> "))]
    Cycle(Vec<String>),
}
