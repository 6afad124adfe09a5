//! The request pacer every catalog task shares: one adaptive rate (`core::rate`) turned into
//! slots in time.
//!
//! Each caller asks for the next slot, `last grant + 1/rate`, and sleeps until it with
//! `tokio::time::sleep_until` (no fixed-rate tick). The slot is recomputed from the current
//! rate each time a waiter wakes, so a halving after a 429 delays everyone at once, and
//! slots never pile up after an idle spell. The [`Lane::Urgent`] lane (ListAccounts pages,
//! a single account the user retries) goes before the role workers.
//!
//! The state sits behind a `std` mutex held only for a few arithmetic steps, never across
//! an `.await`.

use std::sync::{Mutex, MutexGuard};

use tokio::time::{Instant, sleep_until};

use super::options::ListOptions;
use crate::core::rate::AdaptiveRate;

/// Which queue a caller waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Role workers.
    Normal,
    /// Goes first: ListAccounts pages and single-account retries.
    Urgent,
}

/// The right to send one request now; hand it back to [`Pacer::on_success`],
/// [`Pacer::on_throttle`] or [`Pacer::on_failure`] with the outcome.
#[derive(Debug)]
pub struct Permit {
    epoch: u64,
    slot: Instant,
    previous: Option<Instant>,
}

/// Requests the pacer granted, and how they ended, since it was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PacerStats {
    pub requests: u64,
    pub throttled: u64,
    pub failed: u64,
}

#[derive(Debug)]
struct State {
    rate: AdaptiveRate,
    last: Option<Instant>,
    urgent_waiting: usize,
    stats: PacerStats,
}

/// The shared pacer. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Pacer {
    state: Mutex<State>,
}

impl Pacer {
    pub fn new(rate: AdaptiveRate) -> Self {
        Self {
            state: Mutex::new(State {
                rate,
                last: None,
                urgent_waiting: 0,
                stats: PacerStats::default(),
            }),
        }
    }

    /// A pacer starting at `options.initial_rate` within `min_rate..=max_rate`.
    pub fn from_options(options: &ListOptions) -> Self {
        Self::new(AdaptiveRate::new(
            options.initial_rate,
            options.min_rate,
            options.max_rate,
        ))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Requests per second allowed now.
    pub fn rate(&self) -> f64 {
        self.lock().rate.rate()
    }

    pub fn stats(&self) -> PacerStats {
        self.lock().stats
    }

    /// Waits for the next free slot in `lane`.
    pub async fn acquire(&self, lane: Lane) -> Permit {
        let _urgent = (lane == Lane::Urgent).then(|| UrgentGuard::enter(self));
        loop {
            let wake = {
                let mut state = self.lock();
                let now = Instant::now();
                let gap = state.rate.gap();
                let due = state.last.map_or(now, |last| last + gap);
                let give_way = lane == Lane::Normal && state.urgent_waiting > 0;
                if due <= now && !give_way {
                    // A waiter woken a little late keeps the schedule exact; after an idle
                    // spell the schedule restarts from now instead of bursting to catch up.
                    let slot = if now.duration_since(due) < gap {
                        due
                    } else {
                        now
                    };
                    let previous = state.last.replace(slot);
                    state.stats.requests += 1;
                    return Permit {
                        epoch: state.rate.epoch(),
                        slot,
                        previous,
                    };
                }
                if give_way { due.max(now) + gap } else { due }
            };
            sleep_until(wake).await;
        }
    }

    /// The request went through: the rate may rise.
    pub fn on_success(&self, _permit: &Permit) {
        self.lock().rate.on_success();
    }

    /// The request got a 429: halve the rate, unless it was already cut since the request
    /// was sent. Returns the rate now.
    pub fn on_throttle(&self, permit: &Permit) -> f64 {
        let mut state = self.lock();
        state.stats.throttled += 1;
        if state.rate.on_throttle_of(permit.epoch) {
            tracing::debug!(rate = state.rate.rate(), "throttled: request rate halved");
        }
        state.rate.rate()
    }

    /// The request failed for another reason (5xx, network): the rate stays.
    pub fn on_failure(&self, _permit: &Permit) {
        self.lock().stats.failed += 1;
    }

    /// The permit was not used: free its slot when nobody took a later one.
    pub fn give_back(&self, permit: Permit) {
        let mut state = self.lock();
        state.stats.requests = state.stats.requests.saturating_sub(1);
        if state.last == Some(permit.slot) {
            state.last = permit.previous;
        }
    }
}

/// Counts an urgent waiter for as long as it waits, even if its future is dropped.
struct UrgentGuard<'a>(&'a Pacer);

impl<'a> UrgentGuard<'a> {
    fn enter(pacer: &'a Pacer) -> Self {
        pacer.lock().urgent_waiting += 1;
        Self(pacer)
    }
}

impl Drop for UrgentGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.urgent_waiting = state.urgent_waiting.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use tokio::time::Duration;

    /// How long `n` slots take at `rate` requests per second.
    fn slots(n: u32, rate: f64) -> Duration {
        Duration::from_secs_f64(f64::from(n) / rate)
    }

    fn pinned(rate: f64) -> Pacer {
        Pacer::new(AdaptiveRate::new(rate, rate, rate))
    }

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_by_the_rate() {
        let pacer = pinned(10.0);
        let start = Instant::now();
        for _ in 0..5 {
            let permit = pacer.acquire(Lane::Normal).await;
            pacer.on_success(&permit);
        }
        // The first slot is now, then one every 100 ms.
        assert_eq!(start.elapsed(), slots(4, 10.0));
        assert_eq!(pacer.stats().requests, 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_slows_every_waiter_at_once() {
        let pacer = Arc::new(Pacer::new(AdaptiveRate::new(10.0, 1.0, 10.0)));
        let first = pacer.acquire(Lane::Normal).await;
        assert_eq!(pacer.on_throttle(&first), 5.0);
        // A second 429 from the same epoch does not halve again.
        assert_eq!(pacer.on_throttle(&first), 5.0);
        let start = Instant::now();
        pacer.acquire(Lane::Normal).await;
        assert_eq!(start.elapsed(), slots(1, 5.0));
        assert_eq!(pacer.stats().throttled, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn urgent_callers_go_first() {
        let pacer = Arc::new(pinned(10.0));
        pacer.acquire(Lane::Normal).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = tokio::task::JoinSet::new();
        for (name, lane) in [
            ("n1", Lane::Normal),
            ("n2", Lane::Normal),
            ("u", Lane::Urgent),
        ] {
            let (pacer, order) = (pacer.clone(), order.clone());
            tasks.spawn(async move {
                pacer.acquire(lane).await;
                order.lock().unwrap().push(name);
            });
            tokio::task::yield_now().await;
        }
        tasks.join_all().await;
        assert_eq!(order.lock().unwrap()[0], "u");
    }

    #[tokio::test(start_paused = true)]
    async fn an_unused_permit_frees_its_slot() {
        let pacer = pinned(1.0);
        pacer.acquire(Lane::Normal).await;
        let unused = pacer.acquire(Lane::Normal).await;
        let start = Instant::now();
        pacer.give_back(unused);
        pacer.acquire(Lane::Normal).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(pacer.stats().requests, 2);
    }
}
