//! IAM Identity Center: SSO OIDC (registration, device and PKCE sign-in, refresh) and the SSO
//! portal (accounts, roles, role credentials, logout).

use std::future::Future;

use crate::core::catalog::Account;
use crate::core::credentials::Credentials;
use crate::core::sso::{DeviceAuthorization, Registration, SsoToken};
use crate::secret::Secret;

pub use crate::core::idc_error::IdcError;

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
    ) -> impl Future<Output = Result<Page<Account>, IdcError>> + Send;

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
