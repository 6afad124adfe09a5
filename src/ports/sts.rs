//! STS: AssumeRole, GetSessionToken and GetCallerIdentity, signed with given credentials.

use std::future::Future;

use crate::core::credentials::Credentials;
use crate::secret::Secret;

pub(crate) use crate::core::chain::advice::StsError;

/// An MFA device's serial and the code it shows now.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MfaCode {
    pub serial: String,
    pub code: Secret<String>,
}

/// What AssumeRole is asked for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AssumeRoleRequest {
    pub role_arn: String,
    pub session_name: String,
    pub duration_seconds: Option<u32>,
    pub external_id: Option<String>,
    pub mfa: Option<MfaCode>,
    pub tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub policy_arns: Vec<String>,
    /// An inline session policy (JSON).
    pub policy: Option<String>,
}

/// AssumeRole's answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Assumed {
    pub credentials: Credentials,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub assumed_role_arn: String,
}

/// GetCallerIdentity's answer: who a set of credentials acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallerIdentity {
    pub arn: String,
    pub account: String,
    pub user_id: String,
}

/// STS in one region, signing each call with the credentials it is given.
pub(crate) trait Sts: Send + Sync {
    fn assume_role(
        &self,
        region: &str,
        source: &Credentials,
        request: &AssumeRoleRequest,
    ) -> impl Future<Output = Result<Assumed, StsError>> + Send;

    fn get_session_token(
        &self,
        region: &str,
        source: &Credentials,
        duration_seconds: Option<u32>,
        mfa: Option<&MfaCode>,
    ) -> impl Future<Output = Result<Credentials, StsError>> + Send;

    fn get_caller_identity(
        &self,
        region: &str,
        credentials: &Credentials,
    ) -> impl Future<Output = Result<CallerIdentity, StsError>> + Send;
}
