//! [`Lister`]: lists the whole catalog (ListAccounts, then ListAccountRoles for every
//! account on a pool of workers behind one pacer), and retries single accounts.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinSet;
use tokio::time::{Duration, Instant};

use super::error::CatalogError;
use super::fetch::{self, Ctx, Report};
use super::options::ListOptions;
use super::pacer::{Lane, Pacer};
use super::queue::{PriorityHandle, RoleQueue};
use crate::core::catalog::{Account, AccountEntry, Catalog, Roles};
use crate::core::listing::{CatalogEvent, ListSummary};
use crate::ports::identity_center::IdentityCenter;
use crate::secret::Secret;

/// Lists the catalog of one identity center session. One listing runs at a time; the
/// learned request rate carries over from one listing to the next.
#[derive(Debug)]
pub struct Lister<I> {
    idc: Arc<I>,
    session: String,
    token: RwLock<Arc<Secret<String>>>,
    options: ListOptions,
    pacer: Arc<Pacer>,
    queue: Arc<RoleQueue>,
    running: tokio::sync::Mutex<()>,
}

impl<I: IdentityCenter + 'static> Lister<I> {
    /// A lister for `session` (the name the catalog and its cache file carry), calling `idc`
    /// with the access `token`.
    pub fn new(
        idc: Arc<I>,
        session: impl Into<String>,
        token: Secret<String>,
        options: ListOptions,
    ) -> Self {
        let options = options.sanitized();
        Self {
            pacer: Arc::new(Pacer::from_options(&options)),
            idc,
            session: session.into(),
            token: RwLock::new(Arc::new(token)),
            options,
            queue: Arc::new(RoleQueue::default()),
            running: tokio::sync::Mutex::new(()),
        }
    }

    /// The access token in use (empty: not signed in).
    pub fn token(&self) -> Arc<Secret<String>> {
        self.token.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Uses a new access token from the next listing or retry on (after signing in again).
    pub fn set_token(&self, token: Secret<String>) {
        *self.token.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(token);
    }

    /// The handle the UI uses to have the account it shows fetched first.
    pub fn priority(&self) -> PriorityHandle {
        PriorityHandle::new(self.queue.clone())
    }

    fn ctx(&self) -> Arc<Ctx<I>> {
        Arc::new(Ctx {
            idc: self.idc.clone(),
            token: self.token.read().unwrap_or_else(|e| e.into_inner()).clone(),
            pacer: self.pacer.clone(),
            options: self.options.clone(),
        })
    }

    /// Lists every account and its roles, reporting progress on `events` (dropped when the
    /// listing ends, so a renderer sees the channel close). An account whose roles kept
    /// failing is in the catalog as `Roles::Unavailable`; `Err` means no catalog at all
    /// (`Unauthorized`: sign in again; `Unreachable`: the network went away). Dropping the
    /// future stops every task.
    pub async fn list(
        &self,
        events: Option<UnboundedSender<CatalogEvent>>,
    ) -> Result<Catalog, CatalogError> {
        let _one_at_a_time = self.running.lock().await;
        let started = Instant::now();
        let before = self.pacer.stats();
        let events = Events::new(events);
        self.queue.reset();
        let ctx = self.ctx();
        let (reports_tx, mut reports) = unbounded_channel();
        let mut tasks = JoinSet::new();
        {
            let (ctx, queue, reports) = (ctx.clone(), self.queue.clone(), reports_tx.clone());
            tasks.spawn(async move { fetch::page_accounts(&ctx, &queue, &reports).await });
        }
        for _ in 0..self.options.concurrency {
            tasks.spawn(fetch::role_worker(
                ctx.clone(),
                self.queue.clone(),
                reports_tx.clone(),
            ));
        }
        drop(reports_tx);

        let mut accounts: Vec<Account> = Vec::new();
        let mut roles: HashMap<String, Roles> = HashMap::new();
        let mut rate = RateReport::default();
        loop {
            let report = tokio::select! {
                report = reports.recv() => match report {
                    Some(report) => report,
                    None => break,
                },
                // A task that panicked would leave the others waiting for its accounts
                // forever: the panic goes on here (and ends the command or the app).
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    reraise(joined);
                    continue;
                }
            };
            match report {
                Report::Accounts {
                    accounts: page,
                    rejected,
                    complete,
                } => {
                    for account in rejected {
                        events.send(CatalogEvent::AccountRejected {
                            name: account.name,
                            id: account.id,
                        });
                    }
                    accounts.extend(page.iter().cloned());
                    events.send(CatalogEvent::AccountsListed {
                        accounts: page,
                        count: accounts.len(),
                        complete,
                    });
                }
                Report::Roles {
                    account_id,
                    roles: found,
                } => {
                    if let Roles::Unavailable { reason } = &found {
                        events.send(CatalogEvent::AccountUnavailable {
                            account_id: account_id.clone(),
                            reason: reason.clone(),
                        });
                    }
                    roles.insert(account_id.clone(), found.clone());
                    events.send(CatalogEvent::RolesFetched {
                        account_id,
                        roles: found,
                        done: roles.len(),
                        total: accounts.len(),
                    });
                }
                Report::Fatal(error) => {
                    tracing::debug!(%error, "listing stopped");
                    tasks.abort_all();
                    return Err(error);
                }
            }
            if let Some(per_sec) = rate.changed(self.pacer.rate()) {
                events.send(CatalogEvent::Rate { per_sec });
            }
        }
        while let Some(joined) = tasks.join_next().await {
            reraise(joined);
        }

        let catalog = assemble(&self.session, accounts, roles);
        let after = self.pacer.stats();
        let summary = ListSummary {
            accounts: catalog.accounts.len(),
            roles: catalog.role_count(),
            unavailable: catalog.unavailable().count(),
            requests: after.requests - before.requests,
            throttled: after.throttled - before.throttled,
            failed: after.failed - before.failed,
            final_rate: self.pacer.rate(),
            elapsed: started.elapsed(),
        };
        tracing::debug!(
            accounts = summary.accounts,
            roles = summary.roles,
            unavailable = summary.unavailable,
            requests = summary.requests,
            throttled = summary.throttled,
            rate = summary.final_rate,
            elapsed_ms = summary.elapsed.as_millis() as u64,
            "catalog listed"
        );
        events.send(CatalogEvent::Done(summary));
        Ok(catalog)
    }

    /// Lists the roles of one account again (an account that was unavailable), ahead of
    /// any listing in progress. Still failing at the deadline gives `Roles::Unavailable`;
    /// only `Unauthorized` and `Unreachable` are errors.
    pub async fn fetch_roles(&self, account_id: &str) -> Result<Roles, CatalogError> {
        tracing::debug!(account = account_id, "fetching roles of one account");
        fetch::account_roles(&self.ctx(), account_id, Lane::Urgent, None).await
    }
}

/// The catalog from what the tasks reported: accounts sorted by name then id, roles in the
/// order AWS returned them.
fn assemble(session: &str, accounts: Vec<Account>, mut roles: HashMap<String, Roles>) -> Catalog {
    let mut entries: Vec<AccountEntry> = accounts
        .into_iter()
        .map(|account| {
            let roles = roles
                .remove(account.id.as_str())
                .unwrap_or(Roles::Unavailable {
                    reason: "the roles were not fetched".into(),
                });
            AccountEntry { account, roles }
        })
        .collect();
    entries.sort_by(|a, b| (&a.account.name, &a.account.id).cmp(&(&b.account.name, &b.account.id)));
    Catalog {
        session: session.to_owned(),
        listed_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        accounts: entries,
    }
}

/// The event channel, if anyone listens; a receiver that went away is not an error.
struct Events(Option<UnboundedSender<CatalogEvent>>);

impl Events {
    fn new(sender: Option<UnboundedSender<CatalogEvent>>) -> Self {
        Self(sender)
    }

    fn send(&self, event: CatalogEvent) {
        if let Some(sender) = &self.0 {
            let _ = sender.send(event);
        }
    }
}

/// Decides when the rate is worth an event: a change of 10 % or more, or any change after a
/// second of quiet.
#[derive(Debug, Default)]
struct RateReport {
    last: Option<(f64, Instant)>,
}

impl RateReport {
    fn changed(&mut self, rate: f64) -> Option<f64> {
        let now = Instant::now();
        let report = match self.last {
            None => true,
            Some((last, at)) => {
                (rate - last).abs() >= last * 0.1
                    || (rate != last && now.duration_since(at) >= Duration::from_secs(1))
            }
        };
        if report {
            self.last = Some((rate, now));
            return Some(rate);
        }
        None
    }
}

/// A listing task's end: a panic there goes on in the caller.
fn reraise<T>(joined: Result<T, tokio::task::JoinError>) {
    if let Err(e) = joined
        && let Ok(payload) = e.try_into_panic()
    {
        std::panic::resume_unwind(payload);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, name: &str) -> Account {
        Account {
            id: crate::core::catalog::AccountId::parse(id).unwrap(),
            name: name.into(),
            email: None,
        }
    }

    #[test]
    fn accounts_sort_by_name_then_id_and_missing_roles_are_unavailable() {
        let accounts = vec![
            account("333333333333", "b"),
            account("222222222222", "a"),
            account("111111111111", "b"),
        ];
        let mut roles = HashMap::new();
        roles.insert(
            "222222222222".to_owned(),
            Roles::Listed(vec!["Z".into(), "A".into()]),
        );
        roles.insert("333333333333".to_owned(), Roles::Listed(vec![]));
        let c = assemble("s", accounts, roles);
        let order: Vec<_> = c.accounts.iter().map(|e| e.account.id.as_str()).collect();
        assert_eq!(order, ["222222222222", "111111111111", "333333333333"]);
        assert_eq!(
            c.accounts[0].roles,
            Roles::Listed(vec!["Z".into(), "A".into()])
        );
        assert!(matches!(c.accounts[1].roles, Roles::Unavailable { .. }));
    }

    #[tokio::test(start_paused = true)]
    async fn rate_events_are_not_chatty() {
        let mut r = RateReport::default();
        assert_eq!(r.changed(10.0), Some(10.0));
        assert_eq!(r.changed(10.5), None);
        assert_eq!(r.changed(11.0), Some(11.0));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(r.changed(11.2), Some(11.2));
        assert_eq!(r.changed(5.6), Some(5.6));
    }
}
