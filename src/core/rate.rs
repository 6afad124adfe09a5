//! The adaptive request rate shared by every catalog call: start near 10 req/s, raise it while
//! calls succeed, halve it on a 429 (AIMD), within bounds.
//!
//! Plain AIMD against a token bucket (which is how AWS and the emulator throttle) spends much
//! of its time well under the limit. So the rate also remembers where the last 429 happened
//! (the *ceiling*): after halving it climbs back quickly to [`CRUISE`] × ceiling and then
//! probes above it slowly ([`PROBE`]), so it settles just under the server's limit. A ceiling
//! the rate has outgrown by [`FORGET`] × is forgotten (the server allows more now).
//!
//! Every decrease starts a new *epoch*: a 429 answering a call sent in an older epoch was
//! caused by the old, higher rate and does not halve again, so a burst of 429s from calls
//! already in flight counts once.

use std::time::Duration;

/// After a 429, the rate climbs quickly back to this share of the ceiling.
pub(crate) const CRUISE: f64 = 0.9;
/// Above [`CRUISE`] × ceiling the rate grows by this share of the ceiling per second of
/// successes (0.2 req/s per second under a 20 req/s limit).
pub(crate) const PROBE: f64 = 0.01;
/// A rate this many times above the ceiling without a 429 forgets the ceiling.
pub(crate) const FORGET: f64 = 1.5;

#[derive(Debug, Clone, PartialEq)]
pub struct AdaptiveRate {
    rate: f64,
    min: f64,
    max: f64,
    /// Added per success, as a share of the current rate.
    step: f64,
    /// The rate at the last 429, while it is believed.
    ceiling: Option<f64>,
    /// Bumped on every decrease.
    epoch: u64,
}

impl Default for AdaptiveRate {
    fn default() -> Self {
        Self::new(10.0, 0.5, 200.0)
    }
}

impl AdaptiveRate {
    pub fn new(start: f64, min: f64, max: f64) -> Self {
        Self {
            rate: start.clamp(min, max),
            min,
            max,
            step: 0.05,
            ceiling: None,
            epoch: 0,
        }
    }

    /// Requests per second allowed now.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The gap between two requests at the current rate.
    pub fn gap(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.rate)
    }

    /// The rate at the last 429, if it still holds.
    #[cfg(test)]
    pub fn ceiling(&self) -> Option<f64> {
        self.ceiling
    }

    /// The current epoch: stamp each call with it and hand it back to [`Self::on_throttle_of`].
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// A call went through: raise the rate. Multiplicative (`step` per success) up to
    /// [`CRUISE`] × ceiling, then additive and slow above it.
    pub fn on_success(&mut self) {
        let next = match self.ceiling {
            None => self.rate * (1.0 + self.step),
            Some(ceiling) if self.rate < ceiling * CRUISE => {
                (self.rate * (1.0 + self.step)).min(ceiling * CRUISE)
            }
            Some(ceiling) => {
                // `rate` successes a second, each adding PROBE × ceiling / rate.
                let next = self.rate + PROBE * ceiling / self.rate;
                if next > ceiling * FORGET {
                    self.ceiling = None;
                }
                next
            }
        };
        self.rate = next.min(self.max);
    }

    /// A call was throttled: remember the rate as the ceiling, halve it, start a new epoch.
    pub fn on_throttle(&mut self) {
        self.ceiling = Some(self.rate);
        self.rate = (self.rate / 2.0).max(self.min);
        self.epoch += 1;
    }

    /// A call sent in `epoch` was throttled: [`Self::on_throttle`] unless the rate was already
    /// cut since that call was sent. Returns whether it was cut now.
    pub fn on_throttle_of(&mut self, epoch: u64) -> bool {
        if epoch != self.epoch {
            return false;
        }
        self.on_throttle();
        true
    }
}

/// Exponential backoff with full jitter for the `attempt`-th retry (0-based): a random share
/// (`jitter` in 0..=1, from the caller) of `base × 2^attempt`, capped at `cap`.
pub(crate) fn backoff(attempt: u32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exp = base.saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX));
    exp.min(cap).mul_f64(jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_on_throttle_and_grows_on_success() {
        let mut r = AdaptiveRate::new(10.0, 1.0, 100.0);
        r.on_throttle();
        assert_eq!(r.rate(), 5.0);
        for _ in 0..5 {
            r.on_throttle();
        }
        assert_eq!(r.rate(), 1.0);
        for _ in 0..200 {
            r.on_success();
        }
        assert_eq!(r.rate(), 100.0);
        assert_eq!(r.gap(), Duration::from_millis(10));
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(5);
        assert_eq!(backoff(0, base, cap, 1.0), base);
        assert_eq!(backoff(3, base, cap, 1.0), Duration::from_millis(800));
        assert_eq!(backoff(30, base, cap, 1.0), cap);
        assert_eq!(backoff(3, base, cap, 0.5), Duration::from_millis(400));
    }

    #[test]
    fn climbs_fast_to_cruise_then_probes_slowly() {
        let mut r = AdaptiveRate::new(40.0, 0.5, 200.0);
        r.on_throttle();
        assert_eq!((r.rate(), r.ceiling()), (20.0, Some(40.0)));
        // 5 % per success up to 36 = 0.9 × 40: 13 successes (1.05^12 < 1.8 < 1.05^13).
        for _ in 0..13 {
            r.on_success();
        }
        assert_eq!(r.rate(), 36.0);
        // Then 0.01 × 40 = 0.4 req/s per second of successes: about 36 successes a second.
        for _ in 0..36 {
            r.on_success();
        }
        assert!((r.rate() - 36.4).abs() < 0.01, "{}", r.rate());
    }

    #[test]
    fn a_burst_of_late_429s_halves_once() {
        let mut r = AdaptiveRate::new(16.0, 0.5, 200.0);
        let sent_in = r.epoch();
        assert!(r.on_throttle_of(sent_in));
        assert!(!r.on_throttle_of(sent_in));
        assert!(!r.on_throttle_of(sent_in));
        assert_eq!(r.rate(), 8.0);
        // A call sent after the cut that is throttled again cuts again.
        assert!(r.on_throttle_of(r.epoch()));
        assert_eq!(r.rate(), 4.0);
        assert_eq!(r.ceiling(), Some(8.0));
    }

    #[test]
    fn a_ceiling_that_no_longer_holds_is_forgotten() {
        let mut r = AdaptiveRate::new(2.0, 0.5, 200.0);
        r.on_throttle();
        let mut successes = 0;
        while r.ceiling().is_some() {
            r.on_success();
            successes += 1;
            assert!(successes < 1000);
        }
        assert!(r.rate() > 3.0);
        r.on_success();
        assert!(r.rate() > 3.0 * 1.05);
    }

    /// A token bucket of `rps` with room for `burst`, fed at the adaptive rate for
    /// `seconds`, with each answer arriving `latency` after its call: how many calls went
    /// through, and how many were throttled.
    fn against_bucket(rps: f64, burst: f64, seconds: f64, latency: f64) -> (f64, u32) {
        let mut r = AdaptiveRate::default();
        let (mut tokens, mut t, mut ok, mut throttled) = (burst, 0.0_f64, 0.0, 0);
        let mut answers: std::collections::VecDeque<(f64, bool, u64)> = Default::default();
        while t < seconds {
            while let Some(&(at, went_through, epoch)) = answers.front() {
                if at > t {
                    break;
                }
                answers.pop_front();
                if went_through {
                    r.on_success();
                } else {
                    r.on_throttle_of(epoch);
                }
            }
            let gap = 1.0 / r.rate();
            tokens = (tokens + gap * rps).min(burst);
            t += gap;
            let through = tokens >= 1.0;
            if through {
                tokens -= 1.0;
                ok += 1.0;
            } else {
                throttled += 1;
            }
            answers.push_back((t + latency, through, r.epoch()));
        }
        (ok / seconds, throttled)
    }

    #[test]
    fn settles_just_under_a_token_bucket() {
        // A 20 req/s bucket with a burst of 20 (the benchmark's server): close to the limit.
        let (per_sec, throttled) = against_bucket(20.0, 20.0, 120.0, 0.02);
        assert!(per_sec > 19.0, "{per_sec}");
        assert!(throttled < 60, "{throttled}");
        // A bucket with no burst at all still gets most of its capacity.
        let (per_sec, _) = against_bucket(20.0, 1.0, 120.0, 0.02);
        assert!(per_sec > 17.0, "{per_sec}");
    }
}
