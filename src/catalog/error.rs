//! Why a whole listing failed. A single account's failure is not an error: it becomes
//! `Roles::Unavailable` in the catalog.

use std::time::Duration;

use crate::ports::identity_center::IdcError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The access token is expired or revoked: the user must sign in again. Nothing was
    /// written to the cache.
    #[error("the sign-in session has expired or was revoked: sign in again")]
    Unauthorized,
    /// ListAccounts kept failing with transient errors until the deadline.
    #[error(
        "could not list the accounts: {last} (gave up after {attempts} attempts in {}s)",
        waited.as_secs()
    )]
    AccountsUnavailable {
        last: IdcError,
        attempts: u32,
        waited: Duration,
    },
    /// IAM Identity Center stopped answering while the roles were being listed (the network
    /// went away): the listing cannot be completed. Nothing was written to the cache.
    #[error(
        "{last}; the last complete catalog is kept (gave up after {attempts} attempts in {}s)",
        waited.as_secs()
    )]
    Unreachable {
        last: IdcError,
        attempts: u32,
        waited: Duration,
    },
    /// ListAccounts failed in a way retrying does not fix.
    #[error("could not list the accounts: {0}")]
    Accounts(IdcError),
    /// ListAccounts still gave a next page after the bound (`ListOptions::max_account_pages`).
    #[error(
        "could not list the accounts: ListAccounts still gave a next page after {pages} pages, \
         far more than any organization has; the portal is misbehaving"
    )]
    EndlessPages { pages: usize },
    /// A worker stopped without reporting (a bug).
    #[error("the listing stopped unexpectedly: {0}")]
    Internal(String),
}
