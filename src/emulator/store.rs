//! The emulator's mutable state: registered clients, device authorizations, authorization
//! codes, tokens and issued credentials. Everything secret here is a map key or field that is
//! never logged.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::SystemTime;

use serde::Serialize;

/// A client registered with RegisterClient.
#[derive(Debug, Clone)]
pub struct Client {
    pub secret: String,
    pub name: String,
    /// The identity center named by `issuerUrl`, if the registration gave one.
    pub identity_center: Option<String>,
    pub expires_at: SystemTime,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    /// A token was issued; the device code cannot be used again.
    Used,
}

/// One StartDeviceAuthorization.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub client_id: String,
    pub user_code: String,
    pub identity_center: String,
    pub created_at: SystemTime,
    pub expires_at: SystemTime,
    /// Seconds the client must wait between polls; grows by 5 with every `slow_down`.
    pub interval: u64,
    pub last_poll: Option<SystemTime>,
    /// How many times CreateToken asked about this code.
    pub polls: u32,
    pub status: DeviceStatus,
}

/// A browser arriving at /authorize, waiting for Approve or Deny.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub code_challenge: String,
    pub scopes: Vec<String>,
    pub identity_center: String,
    pub created_at: SystemTime,
}

/// An authorization code handed to the client's redirect URI.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Vec<String>,
    pub identity_center: String,
    pub expires_at: SystemTime,
}

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub identity_center: String,
    pub user: String,
    pub client_id: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub grant: Grant,
    pub expires_at: SystemTime,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub grant: Grant,
    pub expires_at: SystemTime,
    pub revoked: bool,
}

/// Who a set of AWS credentials acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    IamUser {
        account: String,
        name: String,
    },
    AssumedRole {
        account: String,
        /// Path of the role, `/` or `/aws-reserved/sso.amazonaws.com/`.
        role_path: String,
        role_name: String,
        session_name: String,
    },
}

impl Principal {
    pub fn account(&self) -> &str {
        match self {
            Principal::IamUser { account, .. } | Principal::AssumedRole { account, .. } => account,
        }
    }

    /// What GetCallerIdentity reports as `Arn`.
    pub fn arn(&self) -> String {
        match self {
            Principal::IamUser { account, name } => format!("arn:aws:iam::{account}:user/{name}"),
            Principal::AssumedRole {
                account,
                role_name,
                session_name,
                ..
            } => format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"),
        }
    }

    /// The IAM entity behind the caller, as `aws:PrincipalArn` sees it.
    pub fn principal_arn(&self) -> String {
        match self {
            Principal::IamUser { .. } => self.arn(),
            Principal::AssumedRole {
                account,
                role_path,
                role_name,
                ..
            } => format!("arn:aws:iam::{account}:role{role_path}{role_name}"),
        }
    }

    /// What GetCallerIdentity reports as `UserId`.
    pub fn user_id(&self) -> String {
        match self {
            Principal::IamUser { account, name } => {
                super::ids::principal_id("AIDA", &format!("{account}/{name}"))
            }
            Principal::AssumedRole {
                account,
                role_name,
                session_name,
                ..
            } => format!(
                "{}:{session_name}",
                super::ids::principal_id("AROA", &format!("{account}/{role_name}"))
            ),
        }
    }

    pub fn is_assumed_role(&self) -> bool {
        matches!(self, Principal::AssumedRole { .. })
    }
}

/// Credentials the emulator issued (or an IAM user's long-term keys, see `sts`).
#[derive(Debug, Clone)]
pub struct IssuedCredentials {
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expires_at: Option<SystemTime>,
    pub principal: Principal,
    pub mfa_present: bool,
    pub source_identity: Option<String>,
    /// Session tags that pass on to the next role in a chain.
    pub transitive_tags: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
}

/// Per-API counters, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ApiStats {
    pub requests: u64,
    pub throttled: u64,
    pub server_errors: u64,
}

#[derive(Debug, Default)]
pub struct Store {
    pub clients: HashMap<String, Client>,
    /// Keyed by device code.
    pub devices: HashMap<String, DeviceAuth>,
    /// Keyed by an opaque request id carried in the approval page.
    pub authorize_requests: HashMap<String, AuthorizeRequest>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    /// Keyed by access key id.
    pub credentials: HashMap<String, IssuedCredentials>,
    pub stats: BTreeMap<&'static str, ApiStats>,
    /// Every secret value handed out, so leak tests know what to look for.
    pub issued_secrets: Vec<String>,
    /// Every AssumeRole that succeeded, as received (tests assert on it).
    pub assumed: Vec<AssumeRecord>,
    /// Access key ids of credentials from role chaining (a role session assumed a role): the
    /// console federation endpoint refuses `SessionDuration` with them.
    pub role_chained: HashSet<String>,
}

/// What one successful AssumeRole asked for. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssumeRecord {
    /// The caller's ARN.
    pub caller: String,
    pub role_arn: String,
    pub session_name: String,
    /// Seconds granted (nominal).
    pub duration_seconds: u64,
    pub external_id: Option<String>,
    pub mfa: bool,
    /// The session's tags (inherited transitive ones included).
    pub tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
}

impl Store {
    /// Remembers a secret value for the leak tests and returns it.
    pub fn remember(&mut self, secret: String) -> String {
        self.issued_secrets.push(secret.clone());
        secret
    }

    /// Approves (or denies) pending device authorizations; `user_code` None means all of them.
    /// Returns how many changed.
    pub fn decide_devices(&mut self, user_code: Option<&str>, approve: bool) -> usize {
        let wanted = user_code.map(normalize_user_code);
        let mut changed = 0;
        for device in self.devices.values_mut() {
            let matches = wanted
                .as_deref()
                .is_none_or(|w| normalize_user_code(&device.user_code) == w);
            if matches && device.status == DeviceStatus::Pending {
                device.status = if approve {
                    DeviceStatus::Approved
                } else {
                    DeviceStatus::Denied
                };
                changed += 1;
            }
        }
        changed
    }

    pub fn device_by_user_code(&self, user_code: &str) -> Option<&DeviceAuth> {
        let wanted = normalize_user_code(user_code);
        self.devices
            .values()
            .find(|d| normalize_user_code(&d.user_code) == wanted)
    }

    /// Revokes every access and refresh token (of one user, or everyone's).
    pub fn revoke_tokens(&mut self, user: Option<&str>) -> usize {
        let mut n = 0;
        for t in self.access_tokens.values_mut() {
            if user.is_none_or(|u| t.grant.user == u) && !t.revoked {
                t.revoked = true;
                n += 1;
            }
        }
        for t in self.refresh_tokens.values_mut() {
            if user.is_none_or(|u| t.grant.user == u) {
                t.revoked = true;
            }
        }
        n
    }
}

/// User codes are compared without case or dash, as people type them.
pub fn normalize_user_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_role_arns_have_the_real_shape() {
        let p = Principal::AssumedRole {
            account: "111111111111".into(),
            role_path: "/aws-reserved/sso.amazonaws.com/".into(),
            role_name: "AWSReservedSSO_Admin_0123".into(),
            session_name: "alice".into(),
        };
        assert_eq!(
            p.arn(),
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123/alice"
        );
        assert_eq!(
            p.principal_arn(),
            "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123"
        );
        assert!(p.user_id().starts_with("AROA") && p.user_id().ends_with(":alice"));
    }

    #[test]
    fn user_codes_match_loosely() {
        assert_eq!(normalize_user_code("abcd-efgh"), "ABCDEFGH");
    }
}
