//! One portal call, paced and retried: transient failures (429, 5xx) are retried with
//! jittered exponential backoff until a deadline, with no fixed attempt cap. No answer at all
//! (a refused connection, DNS, a timeout) is retried [`NETWORK_ATTEMPTS`] times at most, so an
//! unreachable service is reported in seconds, not at the deadline. Anything else ends the call
//! at once.

use std::future::Future;

use tokio::time::{Duration, Instant, sleep};

use super::options::ListOptions;
use super::pacer::{Lane, Pacer, Permit};
use crate::core::rate::backoff;
use crate::ports::identity_center::IdcError;

/// How many times a call that got no answer at all is tried.
pub(crate) const NETWORK_ATTEMPTS: u32 = 4;

/// Why a call ended without a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallError {
    /// Not worth retrying (`Unauthorized`, `NotFound`, …).
    Fatal(IdcError),
    /// Still failing with transient errors when the deadline came.
    GaveUp {
        last: IdcError,
        attempts: u32,
        waited: Duration,
    },
}

impl CallError {
    /// A one-line reason for a person: the last error and how long it was retried.
    pub(crate) fn reason(&self) -> String {
        match self {
            CallError::Fatal(e) => e.to_string(),
            CallError::GaveUp {
                last,
                attempts,
                waited,
            } => format!(
                "{last} (gave up after {attempts} attempts in {:.1}s)",
                waited.as_secs_f64()
            ),
        }
    }
}

/// Where a call waits and how long it may keep trying.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempts<'a> {
    pub pacer: &'a Pacer,
    pub lane: Lane,
    /// Measured from the first attempt of the account (or page).
    pub started: Instant,
    pub deadline: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl<'a> Attempts<'a> {
    /// Attempts starting now, with the options' deadline and backoff.
    pub(crate) fn new(pacer: &'a Pacer, lane: Lane, options: &ListOptions) -> Self {
        Self {
            pacer,
            lane,
            started: Instant::now(),
            deadline: options.deadline,
            backoff_base: options.backoff_base,
            backoff_cap: options.backoff_cap,
        }
    }
}

/// Runs `op` in pacer slots until it succeeds, fails for good, or the deadline passes.
/// `first` is a slot the caller already holds for the first attempt.
pub(crate) async fn call<T, F, Fut>(
    attempts: &Attempts<'_>,
    mut first: Option<Permit>,
    mut op: F,
) -> Result<T, CallError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, IdcError>>,
{
    let pacer = attempts.pacer;
    let mut attempt: u32 = 0;
    loop {
        let permit = match first.take() {
            Some(permit) => permit,
            None => pacer.acquire(attempts.lane).await,
        };
        attempt += 1;
        let error = match op().await {
            Ok(value) => {
                pacer.on_success(&permit);
                return Ok(value);
            }
            Err(error) => error,
        };
        match error {
            IdcError::Throttled => {
                pacer.on_throttle(&permit);
            }
            ref e if e.is_transient() => pacer.on_failure(&permit),
            other => return Err(CallError::Fatal(other)),
        }
        let wait = backoff(
            attempt - 1,
            attempts.backoff_base,
            attempts.backoff_cap,
            rand::random::<f64>(),
        );
        let waited = attempts.started.elapsed();
        let no_answer = matches!(error, IdcError::Network(_)) && attempt >= NETWORK_ATTEMPTS;
        if no_answer || waited + wait >= attempts.deadline {
            return Err(CallError::GaveUp {
                last: error,
                attempts: attempt,
                waited,
            });
        }
        sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::core::rate::AdaptiveRate;

    fn options(deadline: Duration) -> ListOptions {
        ListOptions {
            deadline,
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_secs(1),
            ..ListOptions::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_retried_until_success() {
        let pacer = Pacer::new(AdaptiveRate::new(100.0, 1.0, 100.0));
        let calls = AtomicU32::new(0);
        let attempts = Attempts::new(&pacer, Lane::Normal, &options(Duration::from_secs(60)));
        let out = call(&attempts, None, || async {
            match calls.fetch_add(1, Ordering::SeqCst) {
                0 => Err(IdcError::Throttled),
                1 => Err(IdcError::Server("503".into())),
                2 => Err(IdcError::Network("reset".into())),
                _ => Ok(7),
            }
        })
        .await;
        assert_eq!(out, Ok(7));
        let stats = pacer.stats();
        assert_eq!((stats.requests, stats.throttled, stats.failed), (4, 1, 2));
    }

    /// A call failing with `error` every time, within a deadline of `deadline_secs`: how many
    /// attempts it made and how long it waited.
    async fn always_failing(error: IdcError, deadline_secs: u64) -> (u32, Duration) {
        let pacer = Pacer::new(AdaptiveRate::new(100.0, 1.0, 100.0));
        let options = options(Duration::from_secs(deadline_secs));
        let attempts = Attempts::new(&pacer, Lane::Normal, &options);
        let out: Result<(), _> = call(&attempts, None, || async { Err(error.clone()) }).await;
        match out {
            Err(CallError::GaveUp {
                attempts, waited, ..
            }) => (attempts, waited),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_lasting_failure_gives_up_at_the_deadline_not_after_n_tries() {
        let (n, waited) = always_failing(IdcError::Server("500".into()), 30).await;
        assert!(n > 20, "{n}");
        assert!(waited <= Duration::from_secs(30), "{waited:?}");
        assert!(waited >= Duration::from_secs(25), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn no_answer_at_all_gives_up_after_a_few_tries() {
        let (n, waited) =
            always_failing(IdcError::Network("the connection failed".into()), 60).await;
        assert_eq!(n, NETWORK_ATTEMPTS);
        assert!(waited < Duration::from_secs(5), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn unauthorized_is_not_retried() {
        let pacer = Pacer::new(AdaptiveRate::default());
        let attempts = Attempts::new(&pacer, Lane::Normal, &options(Duration::from_secs(30)));
        let out: Result<(), _> =
            call(&attempts, None, || async { Err(IdcError::Unauthorized) }).await;
        assert_eq!(out, Err(CallError::Fatal(IdcError::Unauthorized)));
        assert_eq!(pacer.stats().requests, 1);
    }
}
