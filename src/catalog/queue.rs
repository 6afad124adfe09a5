//! The accounts waiting for their roles, in ListAccounts order, and the handle that moves
//! the account the user looks at to the front.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

/// How many accounts prioritized before ListAccounts returned them are remembered.
const WANTED_MAX: usize = 32;

#[derive(Debug, Default)]
struct Inner {
    pending: VecDeque<String>,
    /// Prioritized before they were listed, most recent last.
    wanted: Vec<String>,
    /// No more accounts will be pushed.
    closed: bool,
}

/// The queue the role workers take accounts from.
#[derive(Debug, Default)]
pub(crate) struct RoleQueue {
    inner: Mutex<Inner>,
    changed: Notify,
}

impl RoleQueue {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Empties the queue for a new listing (wanted accounts are kept).
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        inner.pending.clear();
        inner.closed = false;
    }

    /// Appends newly listed accounts; any the user already asked for go to the front.
    pub(crate) fn push(&self, ids: impl IntoIterator<Item = String>) {
        let mut inner = self.lock();
        let wanted = std::mem::take(&mut inner.wanted);
        let mut urgent = Vec::new();
        for id in ids {
            match wanted.iter().position(|w| *w == id) {
                Some(recency) => urgent.push((recency, id)),
                None => inner.pending.push_back(id),
            }
        }
        inner.wanted = wanted
            .into_iter()
            .filter(|w| !urgent.iter().any(|(_, id)| id == w))
            .collect();
        // Pushed to the front oldest first, so the most recently wanted ends up first.
        urgent.sort_by_key(|(recency, _)| *recency);
        for (_, id) in urgent {
            inner.pending.push_front(id);
        }
        drop(inner);
        self.changed.notify_waiters();
    }

    /// No more accounts are coming: idle workers may stop.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_waiters();
    }

    /// The next account, if one is waiting.
    pub(crate) fn pop(&self) -> Option<String> {
        self.lock().pending.pop_front()
    }

    /// Waits until an account is waiting (`true`) or the queue is closed and empty (`false`).
    pub(crate) async fn wait_ready(&self) -> bool {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before looking, so a push between the look and the wait is not lost.
            changed.as_mut().enable();
            {
                let inner = self.lock();
                if !inner.pending.is_empty() {
                    return true;
                }
                if inner.closed {
                    return false;
                }
            }
            changed.await;
        }
    }

    /// Moves `account_ids` to the front, the first first. One that is not waiting (not listed
    /// yet, or this listing is over) is remembered and goes first when it is next queued.
    pub(crate) fn prioritize<S: AsRef<str>>(&self, account_ids: &[S]) {
        let mut inner = self.lock();
        // The last moved goes first: moved from the last to the first.
        for account_id in account_ids.iter().rev().map(AsRef::as_ref) {
            if let Some(i) = inner.pending.iter().position(|id| id == account_id) {
                if let Some(id) = inner.pending.remove(i) {
                    inner.pending.push_front(id);
                }
            } else {
                inner.wanted.retain(|w| w != account_id);
                inner.wanted.push(account_id.to_owned());
                if inner.wanted.len() > WANTED_MAX {
                    inner.wanted.remove(0);
                }
            }
        }
    }

    /// Accounts waiting, in the order they will be fetched.
    #[cfg(test)]
    pub(crate) fn snapshot(&self) -> Vec<String> {
        self.lock().pending.iter().cloned().collect()
    }
}

/// Lets the UI say which account it shows, so its roles are fetched next. Cheap to clone;
/// stays valid across listings of the same [`Lister`](super::Lister).
#[derive(Debug, Clone)]
pub struct PriorityHandle {
    queue: Arc<RoleQueue>,
}

impl PriorityHandle {
    pub(crate) fn new(queue: Arc<RoleQueue>) -> Self {
        Self { queue }
    }

    /// Fetch the roles of `account_id` before any other waiting account. An account not
    /// listed yet is fetched as soon as ListAccounts returns it; one already fetched goes
    /// first in the next listing.
    pub fn prioritize(&self, account_id: &str) {
        self.prioritize_all(&[account_id]);
    }

    /// [`prioritize`](Self::prioritize) for several accounts, the first fetched first (the
    /// accounts on screen, top first).
    pub fn prioritize_all<S: AsRef<str>>(&self, account_ids: &[S]) {
        let ids: Vec<&str> = account_ids.iter().map(AsRef::as_ref).collect();
        tracing::debug!(accounts = %ids.join(","), "accounts prioritized");
        self.queue.prioritize(account_ids);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prioritize_moves_a_waiting_account_to_the_front() {
        let q = RoleQueue::default();
        q.push(ids(&["a", "b", "c", "d"]));
        q.prioritize(&["c"]);
        assert_eq!(q.snapshot(), ids(&["c", "a", "b", "d"]));
        q.prioritize(&["d"]);
        assert_eq!(q.pop().as_deref(), Some("d"));
        assert_eq!(q.pop().as_deref(), Some("c"));
    }

    #[test]
    fn an_account_wanted_before_it_is_listed_jumps_the_queue_when_it_arrives() {
        let q = RoleQueue::default();
        q.push(ids(&["a", "b"]));
        q.prioritize(&["y"]);
        q.prioritize(&["x"]);
        q.push(ids(&["w", "x", "y", "z"]));
        assert_eq!(q.snapshot(), ids(&["x", "y", "a", "b", "w", "z"]));
        // Once listed, it is no longer wanted.
        q.push(ids(&["x2"]));
        assert_eq!(q.snapshot().last().map(String::as_str), Some("x2"));
    }

    #[test]
    fn an_account_looked_at_between_listings_goes_first_in_the_next() {
        let q = RoleQueue::default();
        q.push(ids(&["a", "b"]));
        q.close();
        assert_eq!(q.pop().as_deref(), Some("a"));
        // Already fetched in this listing: remembered for the next one.
        q.prioritize(&["a"]);
        q.reset();
        assert!(q.snapshot().is_empty());
        q.push(ids(&["b", "a", "c"]));
        assert_eq!(q.snapshot(), ids(&["a", "b", "c"]));
    }

    #[test]
    fn several_accounts_go_to_the_front_in_the_order_given() {
        let q = RoleQueue::default();
        q.push(ids(&["a", "b", "c", "d", "e"]));
        // "x" is not listed yet: it goes first when it is.
        q.prioritize(&ids(&["d", "x", "b"]));
        assert_eq!(q.snapshot(), ids(&["d", "b", "a", "c", "e"]));
        q.push(ids(&["w", "x"]));
        assert_eq!(q.snapshot(), ids(&["x", "d", "b", "a", "c", "e", "w"]));
    }

    #[tokio::test]
    async fn waiters_wake_for_work_and_for_the_end() {
        let q = Arc::new(RoleQueue::default());
        let waiter = tokio::spawn({
            let q = q.clone();
            async move { (q.wait_ready().await, q.pop()) }
        });
        tokio::task::yield_now().await;
        q.push(ids(&["a"]));
        assert_eq!(waiter.await.unwrap(), (true, Some("a".to_owned())));
        let waiter = tokio::spawn({
            let q = q.clone();
            async move { q.wait_ready().await }
        });
        tokio::task::yield_now().await;
        q.close();
        assert!(!waiter.await.unwrap());
    }
}
