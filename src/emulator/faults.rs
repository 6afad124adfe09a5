//! Fault injection: per-API latency, a token-bucket rate limit on the SSO portal, a 5xx ratio,
//! a clock offset, the network going away (see `network`), and hostile answers (far-future
//! expiries, endless page tokens). Set in the org file's `[faults]` and changeable while running.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::api::Api;

/// The fault knobs. Every field has a harmless default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// Extra latency per API name (`"ListAccounts"`, …) or `"*"` for every API, in ms.
    pub latency_ms: BTreeMap<String, u64>,
    /// Requests per second the SSO portal allows before answering HTTP 429.
    pub rate_limit_rps: Option<f64>,
    /// Bucket size; defaults to one second's worth of requests.
    pub rate_limit_burst: Option<f64>,
    /// Share of requests (0.0..=1.0) answered with a 5xx.
    pub error_5xx_ratio: f64,
    /// Seconds added to the emulator's clock (clock skew).
    pub clock_offset_seconds: i64,
    /// Answer `slow_down` to the first N device-code polls of every authorization, however
    /// patient the client was (a server under load).
    pub slow_down_polls: u32,
    /// The network is gone: open connections fail and new ones are closed at once, for every
    /// API and route, until this is false again (the server keeps its state).
    pub network_down: bool,
    /// Answer StartDeviceAuthorization with this as `verificationUri` and
    /// `verificationUriComplete` (a hostile or broken service).
    pub verification_uri_override: Option<String>,
    /// Hostile times: role credentials expire and client registrations lapse in the year
    /// 10001 (see [`FAR_FUTURE_EPOCH_SECS`]), beyond what a date formatter takes.
    pub far_future_expiry: bool,
    /// A broken portal: every page of `ListAccounts` carries a `nextToken`, past the last
    /// account too (the pages after it are empty), so a client that trusts it never stops.
    pub endless_page_tokens: bool,
}

/// 10001-01-01T00:00:00Z in seconds since the epoch: the far-future time the
/// `far_future_expiry` knob serves.
pub(crate) const FAR_FUTURE_EPOCH_SECS: i64 = 253_433_923_200;

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Proceed,
    Throttle,
    ServerError,
}

/// The knobs plus the state they need (bucket level, dice).
#[derive(Debug)]
pub(crate) struct FaultState {
    faults: Faults,
    tokens: f64,
    refilled: Instant,
    rng: StdRng,
}

impl FaultState {
    pub(crate) fn new(faults: Faults, seed: u64) -> Self {
        let mut state = Self {
            faults: Faults::default(),
            tokens: 0.0,
            refilled: now(),
            rng: StdRng::seed_from_u64(seed),
        };
        state.set(faults);
        state
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Replaces the knobs; the bucket starts full.
    pub(crate) fn set(&mut self, faults: Faults) {
        self.tokens = burst(&faults);
        self.refilled = now();
        self.faults = faults;
    }

    pub(crate) fn latency(&self, api: Api) -> Duration {
        let ms = self
            .faults
            .latency_ms
            .get(api.name())
            .or_else(|| self.faults.latency_ms.get("*"))
            .copied()
            .unwrap_or(0);
        Duration::from_millis(ms)
    }

    /// Decides one request's fate: rate limit first (portal only), then the 5xx dice.
    pub(crate) fn judge(&mut self, api: Api, now: Instant) -> Verdict {
        if api.is_portal()
            && let Some(rps) = self.faults.rate_limit_rps
        {
            let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
            self.refilled = now;
            self.tokens = (self.tokens + elapsed * rps).min(burst(&self.faults));
            if self.tokens < 1.0 {
                return Verdict::Throttle;
            }
            self.tokens -= 1.0;
        }
        let ratio = self.faults.error_5xx_ratio;
        if ratio > 0.0 && self.rng.random_bool(ratio.min(1.0)) {
            return Verdict::ServerError;
        }
        Verdict::Proceed
    }
}

/// Now on the runtime's clock: the monotonic clock, or a test's paused tokio clock, so a test
/// that drives time drives the rate limit's bucket with it (as it drives the client's pacing).
pub(crate) fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

fn burst(faults: &Faults) -> f64 {
    faults
        .rate_limit_burst
        .or(faults.rate_limit_rps)
        .unwrap_or(0.0)
        .max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_empties_and_refills() {
        let faults = Faults {
            rate_limit_rps: Some(10.0),
            rate_limit_burst: Some(2.0),
            ..Faults::default()
        };
        let mut state = FaultState::new(faults, 1);
        let t0 = Instant::now();
        assert_eq!(state.judge(Api::ListAccounts, t0), Verdict::Proceed);
        assert_eq!(state.judge(Api::ListAccounts, t0), Verdict::Proceed);
        assert_eq!(state.judge(Api::ListAccounts, t0), Verdict::Throttle);
        // OIDC and STS are not rate limited.
        assert_eq!(state.judge(Api::CreateToken, t0), Verdict::Proceed);
        // 100 ms at 10 rps is one more token.
        let t1 = t0 + Duration::from_millis(100);
        assert_eq!(state.judge(Api::ListAccountRoles, t1), Verdict::Proceed);
        assert_eq!(state.judge(Api::ListAccountRoles, t1), Verdict::Throttle);
    }

    #[test]
    fn the_5xx_ratio_is_roughly_honoured_and_seeded() {
        let faults = Faults {
            error_5xx_ratio: 0.5,
            ..Faults::default()
        };
        let count = |seed| {
            let mut state = FaultState::new(faults.clone(), seed);
            (0..1000)
                .filter(|_| state.judge(Api::AssumeRole, Instant::now()) == Verdict::ServerError)
                .count()
        };
        let errors = count(7);
        assert!((400..600).contains(&errors), "{errors}");
        assert_eq!(errors, count(7));
    }

    #[test]
    fn latency_per_api_or_star() {
        let mut latency_ms = BTreeMap::new();
        latency_ms.insert("*".to_owned(), 5);
        latency_ms.insert("ListAccounts".to_owned(), 20);
        let state = FaultState::new(
            Faults {
                latency_ms,
                ..Faults::default()
            },
            0,
        );
        assert_eq!(state.latency(Api::ListAccounts), Duration::from_millis(20));
        assert_eq!(state.latency(Api::AssumeRole), Duration::from_millis(5));
    }
}
