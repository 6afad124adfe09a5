//! How a listing behaves: page size, workers, the per-account deadline, rates and backoff.

use std::time::Duration;

/// The knobs of a [`Lister`](super::Lister). [`Default`] suits AWS.
#[derive(Debug, Clone, PartialEq)]
pub struct ListOptions {
    /// `max_result` of every page (AWS allows at most 100).
    pub page_size: i32,
    /// Accounts whose roles are fetched at the same time.
    pub concurrency: usize,
    /// How long one account (or one ListAccounts page) is retried before giving up.
    pub deadline: Duration,
    /// Requests per second to start with.
    pub initial_rate: f64,
    /// The rate never drops below this…
    pub min_rate: f64,
    /// …nor rises above this.
    pub max_rate: f64,
    /// The first retry waits up to this long (full jitter)…
    pub backoff_base: Duration,
    /// …and no retry waits longer than this.
    pub backoff_cap: Duration,
    /// ListAccounts pages (and one account's ListAccountRoles pages) read at most: a portal
    /// that always gives a next page would otherwise be paged forever (10,000 pages of 100 is
    /// far above any real organization).
    pub max_account_pages: usize,
}

impl Default for ListOptions {
    fn default() -> Self {
        Self {
            page_size: 100,
            concurrency: 16,
            deadline: Duration::from_secs(60),
            initial_rate: 10.0,
            min_rate: 0.5,
            max_rate: 200.0,
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_secs(5),
            max_account_pages: 10_000,
        }
    }
}

impl ListOptions {
    /// The options with values that cannot work replaced (page size 1..=100, at least one
    /// worker, positive rates in order).
    pub fn sanitized(mut self) -> Self {
        self.page_size = self.page_size.clamp(1, 100);
        self.concurrency = self.concurrency.max(1);
        self.max_account_pages = self.max_account_pages.max(1);
        if !(self.min_rate > 0.0 && self.min_rate.is_finite()) {
            self.min_rate = 0.5;
        }
        if !(self.max_rate >= self.min_rate && self.max_rate.is_finite()) {
            self.max_rate = self.min_rate.max(200.0);
        }
        if !self.initial_rate.is_finite() {
            self.initial_rate = 10.0;
        }
        self.initial_rate = self.initial_rate.clamp(self.min_rate, self.max_rate);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_values_are_replaced() {
        let o = ListOptions {
            page_size: 500,
            concurrency: 0,
            initial_rate: f64::NAN,
            min_rate: -1.0,
            max_rate: 0.1,
            ..ListOptions::default()
        }
        .sanitized();
        assert_eq!((o.page_size, o.concurrency), (100, 1));
        assert_eq!((o.min_rate, o.max_rate, o.initial_rate), (0.5, 200.0, 10.0));
        assert_eq!(ListOptions::default().sanitized(), ListOptions::default());
    }
}
