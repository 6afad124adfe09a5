//! The two kinds of task a listing runs: the ListAccounts pager (one) and the
//! ListAccountRoles workers (`concurrency` of them). They report on a channel to the
//! listing, which owns the results.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::error::CatalogError;
use super::options::ListOptions;
use super::pacer::{Lane, Pacer, Permit};
use super::queue::RoleQueue;
use super::retry::{Attempts, CallError, call};
use crate::core::catalog::{Account, PortalAccount, Roles};
use crate::ports::identity_center::{IdcError, IdentityCenter};
use crate::secret::Secret;

/// What the tasks of one listing share.
#[derive(Debug)]
pub(crate) struct Ctx<I> {
    pub idc: Arc<I>,
    pub token: Arc<Secret<String>>,
    pub pacer: Arc<Pacer>,
    pub options: ListOptions,
}

/// What a task tells the listing.
#[derive(Debug)]
pub(crate) enum Report {
    /// Accounts from one ListAccounts page not seen before; `complete` after the last page.
    /// `rejected`: those of the page whose id is not an account id, left out.
    Accounts {
        accounts: Vec<Account>,
        rejected: Vec<PortalAccount>,
        complete: bool,
    },
    /// One account's roles (or why they are missing).
    Roles { account_id: String, roles: Roles },
    /// The listing cannot go on.
    Fatal(CatalogError),
}

/// Pages through ListAccounts, queueing every new account for its roles as soon as its page
/// arrives. Closes the queue after the last page; reports `Fatal` and stops on failure.
pub(crate) async fn page_accounts<I: IdentityCenter>(
    ctx: &Ctx<I>,
    queue: &RoleQueue,
    reports: &UnboundedSender<Report>,
) {
    let mut next_token: Option<String> = None;
    let mut seen_ids = HashSet::new();
    let mut seen_tokens = HashSet::new();
    for _page in 0..ctx.options.max_account_pages {
        let attempts = Attempts::new(&ctx.pacer, Lane::Urgent, &ctx.options);
        let page = call(&attempts, None, || {
            ctx.idc
                .list_accounts(&ctx.token, next_token.clone(), ctx.options.page_size)
        })
        .await;
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                let _ = reports.send(Report::Fatal(accounts_error(e)));
                return;
            }
        };
        let (fresh, rejected) = well_formed(page.items);
        let fresh: Vec<Account> = fresh
            .into_iter()
            .filter(|a| seen_ids.insert(a.id.clone()))
            .collect();
        let complete = match page.next_token {
            None => true,
            // A token seen before would page forever.
            Some(token) if !seen_tokens.insert(token.clone()) => {
                tracing::debug!("ListAccounts repeated a page token; stopping there");
                true
            }
            Some(token) => {
                next_token = Some(token);
                false
            }
        };
        tracing::debug!(
            accounts = fresh.len(),
            total = seen_ids.len(),
            complete,
            "accounts page"
        );
        queue.push(fresh.iter().map(|a| a.id.to_string()));
        let _ = reports.send(Report::Accounts {
            accounts: fresh,
            rejected,
            complete,
        });
        if complete {
            queue.close();
            return;
        }
    }
    tracing::warn!(
        pages = ctx.options.max_account_pages,
        "ListAccounts kept giving page tokens; stopping"
    );
    let _ = reports.send(Report::Fatal(CatalogError::EndlessPages {
        pages: ctx.options.max_account_pages,
    }));
}

/// The accounts whose id is an account id (12 digits), and the others. What the portal sends
/// is data: an id that is not one is never passed on (to a shell, a file name, a URL).
fn well_formed(accounts: Vec<PortalAccount>) -> (Vec<Account>, Vec<PortalAccount>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for account in accounts {
        match account.checked() {
            Ok(account) => good.push(account),
            Err(account) => bad.push(account),
        }
    }
    for account in &bad {
        tracing::warn!(name = ?account.name, id = ?account.id, "ListAccounts: not an account id; dropped");
    }
    (good, bad)
}

fn accounts_error(error: CallError) -> CatalogError {
    match error {
        CallError::Fatal(IdcError::Unauthorized) => CatalogError::Unauthorized,
        CallError::Fatal(e) => CatalogError::Accounts(e),
        CallError::GaveUp {
            last,
            attempts,
            waited,
        } => CatalogError::AccountsUnavailable {
            last,
            attempts,
            waited,
        },
    }
}

/// Takes accounts from the queue and fetches their roles until the queue is closed and
/// empty. Each account is taken only once it has a pacer slot, so an account prioritized
/// meanwhile goes next. Stops after reporting `Fatal`.
pub(crate) async fn role_worker<I: IdentityCenter>(
    ctx: Arc<Ctx<I>>,
    queue: Arc<RoleQueue>,
    reports: UnboundedSender<Report>,
) {
    while queue.wait_ready().await {
        let permit = ctx.pacer.acquire(Lane::Normal).await;
        let Some(account_id) = queue.pop() else {
            ctx.pacer.give_back(permit);
            continue;
        };
        match account_roles(&ctx, &account_id, Lane::Normal, Some(permit)).await {
            Ok(roles) => {
                let _ = reports.send(Report::Roles { account_id, roles });
            }
            Err(e) => {
                let _ = reports.send(Report::Fatal(e));
                return;
            }
        }
    }
}

/// Every page of one account's roles, in the order AWS returns them. A failure of this
/// account alone becomes `Roles::Unavailable`; `Unauthorized` and no answer at all until the
/// deadline (`Unreachable`) are errors.
pub(crate) async fn account_roles<I: IdentityCenter>(
    ctx: &Ctx<I>,
    account_id: &str,
    lane: Lane,
    first: Option<Permit>,
) -> Result<Roles, CatalogError> {
    let attempts = Attempts::new(&ctx.pacer, lane, &ctx.options);
    let mut first = first;
    let mut roles = Vec::new();
    let mut next_token: Option<String> = None;
    let mut seen_tokens = HashSet::new();
    for _page in 0..ctx.options.max_account_pages {
        let page = call(&attempts, first.take(), || {
            ctx.idc.list_account_roles(
                &ctx.token,
                account_id,
                next_token.clone(),
                ctx.options.page_size,
            )
        })
        .await;
        match page {
            Ok(page) => {
                roles.extend(page.items);
                match page.next_token {
                    Some(token) if seen_tokens.insert(token.clone()) => next_token = Some(token),
                    _ => return Ok(Roles::Listed(roles)),
                }
            }
            Err(CallError::Fatal(IdcError::Unauthorized)) => {
                return Err(CatalogError::Unauthorized);
            }
            // No answer at all is not this account's problem: the service is gone.
            Err(CallError::GaveUp {
                last: last @ IdcError::Network(_),
                attempts,
                waited,
            }) => {
                return Err(CatalogError::Unreachable {
                    last,
                    attempts,
                    waited,
                });
            }
            Err(e) => {
                let reason = e.reason();
                tracing::debug!(account = account_id, %reason, "roles unavailable");
                return Ok(Roles::Unavailable { reason });
            }
        }
    }
    Ok(Roles::Unavailable {
        reason: format!(
            "ListAccountRoles still gave a next page after {} pages",
            ctx.options.max_account_pages
        ),
    })
}
