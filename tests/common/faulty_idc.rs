//! The real SDK adapter with faults the emulator cannot serve: one account's ListAccountRoles
//! failing with a 5xx while `failing` names it, and a bug (a panic) while listing the accounts.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Mutex;

use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
use rolecall::core::catalog::PortalAccount;
use rolecall::core::credentials::Credentials;
use rolecall::core::sso::{DeviceAuthorization, Registration, SsoToken};
use rolecall::emulator::Emulator;
use rolecall::ports::identity_center::{
    IdcError, IdentityCenter, Page, RegisterRequest, TokenGrant,
};
use rolecall::secret::Secret;

use super::REGION;

pub struct FaultyIdc {
    pub inner: AwsIdentityCenter,
    /// The account whose ListAccountRoles fails (a 5xx), if any.
    pub failing: Mutex<Option<String>>,
    /// ListAccountRoles calls per account.
    pub attempts: Mutex<BTreeMap<String, u32>>,
    /// ListAccounts panics.
    pub panic_listing: bool,
}

impl FaultyIdc {
    /// No fault yet.
    pub fn new(emu: &Emulator) -> Self {
        Self {
            inner: AwsIdentityCenter::new(REGION, Some(&emu.url())),
            failing: Mutex::default(),
            attempts: Mutex::default(),
            panic_listing: false,
        }
    }
}

impl IdentityCenter for FaultyIdc {
    async fn register_client(&self, request: &RegisterRequest) -> Result<Registration, IdcError> {
        self.inner.register_client(request).await
    }

    async fn start_device_authorization(
        &self,
        registration: &Registration,
        start_url: &str,
    ) -> Result<DeviceAuthorization, IdcError> {
        self.inner
            .start_device_authorization(registration, start_url)
            .await
    }

    async fn create_token(
        &self,
        registration: &Registration,
        grant: TokenGrant<'_>,
    ) -> Result<SsoToken, IdcError> {
        self.inner.create_token(registration, grant).await
    }

    async fn list_accounts(
        &self,
        token: &Secret<String>,
        next_token: Option<String>,
        page_size: i32,
    ) -> Result<Page<PortalAccount>, IdcError> {
        assert!(
            !self.panic_listing,
            "injected: a bug while listing the accounts"
        );
        self.inner.list_accounts(token, next_token, page_size).await
    }

    async fn list_account_roles(
        &self,
        token: &Secret<String>,
        account_id: &str,
        next_token: Option<String>,
        page_size: i32,
    ) -> Result<Page<String>, IdcError> {
        *self
            .attempts
            .lock()
            .unwrap()
            .entry(account_id.to_owned())
            .or_default() += 1;
        if self.failing.lock().unwrap().as_deref() == Some(account_id) {
            return Err(IdcError::Server(
                "InternalServerException (injected)".into(),
            ));
        }
        self.inner
            .list_account_roles(token, account_id, next_token, page_size)
            .await
    }

    async fn get_role_credentials(
        &self,
        token: &Secret<String>,
        account_id: &str,
        role_name: &str,
    ) -> Result<Credentials, IdcError> {
        self.inner
            .get_role_credentials(token, account_id, role_name)
            .await
    }

    async fn logout(&self, token: &Secret<String>) -> Result<(), IdcError> {
        self.inner.logout(token).await
    }
}
