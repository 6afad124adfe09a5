//! What signing in to IAM Identity Center is about: the identity center itself, the OIDC client
//! registration and the token.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The scope that makes Identity Center hand out refresh tokens.
pub const ACCOUNT_ACCESS_SCOPE: &str = "sso:account:access";

/// An identity center to sign in to: an AWS CLI `[sso-session NAME]`, a legacy SSO profile, or
/// a `[[sso_sessions]]` entry of rolecall's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSession {
    /// The session name (`[sso-session NAME]`); for a legacy profile, the profile name.
    pub name: String,
    pub start_url: String,
    /// The identity center's region (`sso_region`).
    pub region: String,
    /// Registration scopes; refresh tokens need `sso:account:access`.
    pub scopes: Vec<String>,
    /// True for a legacy profile (no `sso_session`): the AWS CLI keys its cache by start URL.
    pub legacy: bool,
}

/// An OIDC client registration (RegisterClient), reused until it expires.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: Secret<String>,
    pub expires_at: SystemTime,
    /// The grant types it was registered for (`authorization_code` needs a redirect URI).
    pub grant_types: Vec<String>,
}

impl Registration {
    /// Usable for at least `margin` more.
    pub fn is_valid_at(&self, now: SystemTime, margin: std::time::Duration) -> bool {
        now + margin < self.expires_at
    }

    pub fn supports(&self, grant_type: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant_type)
    }
}

/// An access token (and maybe a refresh token) for the SSO portal.
#[derive(Debug, Clone, PartialEq)]
pub struct SsoToken {
    pub access_token: Secret<String>,
    pub expires_at: SystemTime,
    pub refresh_token: Option<Secret<String>>,
}

impl SsoToken {
    pub fn is_valid_at(&self, now: SystemTime, margin: std::time::Duration) -> bool {
        now + margin < self.expires_at
    }
}

/// Everything stored for one identity center: registration and token.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub registration: Registration,
    pub token: SsoToken,
}

/// The answer to StartDeviceAuthorization.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceAuthorization {
    pub device_code: Secret<String>,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    /// Seconds the code stays valid.
    pub expires_in: u64,
    /// Seconds to wait between polls.
    pub interval: u64,
}
