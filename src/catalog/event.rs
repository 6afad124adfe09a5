//! Progress of a listing as events on a channel: the TUI folds them into its state, the CLI
//! renders them as one progress line ([`super::progress`]).

use std::time::Duration;

/// One step of a listing, in the order things happen.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogEvent {
    /// A ListAccounts page arrived: `count` accounts so far; `complete` after the last page.
    AccountsListed { count: usize, complete: bool },
    /// The roles of `account_id` are in (or it was given up on): `done` of `total` accounts
    /// so far. `total` grows while ListAccounts pages arrive.
    RolesFetched {
        account_id: String,
        done: usize,
        total: usize,
    },
    /// The shared request rate changed noticeably.
    Rate { per_sec: f64 },
    /// An account's roles could not be listed before its deadline; retry it alone with
    /// `Lister::fetch_roles`.
    AccountUnavailable { account_id: String, reason: String },
    /// ListAccounts returned an account whose id is not an account id (12 digits): it is left
    /// out of the catalog. `name` and `id` are as received: escape them before showing them.
    AccountRejected { name: String, id: String },
    /// The listing finished; the catalog is the `Ok` value of `Lister::list`.
    Done(ListSummary),
}

/// What a finished listing did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListSummary {
    pub accounts: usize,
    pub roles: usize,
    /// Accounts reported as `Roles::Unavailable`.
    pub unavailable: usize,
    /// Requests sent to the portal, retries included.
    pub requests: u64,
    /// Of those, answered with a 429.
    pub throttled: u64,
    /// Of those, answered with a 5xx or not answered.
    pub failed: u64,
    /// The request rate at the end, per second.
    pub final_rate: f64,
    pub elapsed: Duration,
}
