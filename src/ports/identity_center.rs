//! IAM Identity Center: SSO OIDC (registration, device and PKCE sign-in, refresh) and the SSO
//! portal (accounts, roles, role credentials, logout).

use std::future::Future;

use crate::core::catalog::PortalAccount;
use crate::core::credentials::Credentials;
use crate::core::sso::{DeviceAuthorization, Registration, SsoToken};
use crate::secret::Secret;

/// What RegisterClient is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRequest {
    pub client_name: String,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub issuer_url: Option<String>,
}

/// How CreateToken is asked for a token.
#[derive(Debug, Clone, Copy)]
pub enum TokenGrant<'a> {
    DeviceCode(&'a Secret<String>),
    AuthorizationCode {
        code: &'a Secret<String>,
        redirect_uri: &'a str,
        code_verifier: &'a Secret<String>,
    },
    Refresh(&'a Secret<String>),
}

/// One page of a paginated listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// The kinds of failure that decide what happens next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdcError {
    /// Device flow: the user has not answered yet; poll again after the interval.
    #[error("authorization is pending")]
    AuthorizationPending,
    /// Device flow: polled too fast; add 5 s to the interval.
    #[error("polling too fast")]
    SlowDown,
    /// Device flow: the code expired before the user approved.
    #[error("the sign-in code expired")]
    ExpiredCode,
    /// The user denied the sign-in.
    #[error("the sign-in was denied")]
    AccessDenied,
    /// A code, refresh token or device code is no longer valid.
    #[error("the grant is no longer valid: {0}")]
    InvalidGrant(String),
    /// The client registration is unknown or expired: register again.
    #[error("the client registration is no longer valid: {0}")]
    InvalidClient(String),
    /// The access token is expired, revoked or logged out: sign in again.
    #[error("the sign-in session has expired or was revoked")]
    Unauthorized,
    /// HTTP 429: slow down and retry.
    #[error("throttled by AWS (too many requests)")]
    Throttled,
    /// The user has no access to that account or role.
    #[error("no access: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A 5xx answer: retry later.
    #[error("AWS had an internal error: {0}")]
    Server(String),
    /// No answer: connection refused, DNS, timeout.
    #[error("cannot reach IAM Identity Center: {0}")]
    Network(String),
    #[error("{0}")]
    Other(String),
}

impl IdcError {
    /// Worth retrying the same call after a pause.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            IdcError::Throttled | IdcError::Server(_) | IdcError::Network(_)
        )
    }
}

/// SSO OIDC and the SSO portal of one identity center region.
pub trait IdentityCenter: Send + Sync {
    fn register_client(
        &self,
        request: &RegisterRequest,
    ) -> impl Future<Output = Result<Registration, IdcError>> + Send;

    fn start_device_authorization(
        &self,
        registration: &Registration,
        start_url: &str,
    ) -> impl Future<Output = Result<DeviceAuthorization, IdcError>> + Send;

    fn create_token(
        &self,
        registration: &Registration,
        grant: TokenGrant<'_>,
    ) -> impl Future<Output = Result<SsoToken, IdcError>> + Send;

    fn list_accounts(
        &self,
        token: &Secret<String>,
        next_token: Option<String>,
        page_size: i32,
    ) -> impl Future<Output = Result<Page<PortalAccount>, IdcError>> + Send;

    fn list_account_roles(
        &self,
        token: &Secret<String>,
        account_id: &str,
        next_token: Option<String>,
        page_size: i32,
    ) -> impl Future<Output = Result<Page<String>, IdcError>> + Send;

    fn get_role_credentials(
        &self,
        token: &Secret<String>,
        account_id: &str,
        role_name: &str,
    ) -> impl Future<Output = Result<Credentials, IdcError>> + Send;

    fn logout(&self, token: &Secret<String>) -> impl Future<Output = Result<(), IdcError>> + Send;
}
