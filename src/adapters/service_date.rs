//! The service's clock as its answers state it: an SDK interceptor that keeps the `Date` header
//! of the answer to one call, and when it arrived here, to move the expiries the call returned
//! into our time (see `core::clock_skew`), and no further ahead than AWS allows (see
//! `core::time_bounds`). It fits any AWS SDK client's `customize()`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_sdk_sso::config::interceptors::BeforeDeserializationInterceptorContextRef;
use aws_sdk_sso::config::{ConfigBag, Intercept, RuntimeComponents};

use crate::core::{clock_skew, time_bounds};

/// The service's time and ours, read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClockReading {
    pub service: SystemTime,
    pub local: SystemTime,
}

/// Records the `Date` header of the last answer it saw. Clone it into a call's customization
/// and read it after the call.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceDate(Arc<Mutex<Option<ClockReading>>>);

impl ServiceDate {
    /// The reading of the last answer with a valid `Date` header.
    pub(crate) fn reading(&self) -> Option<ClockReading> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `expires_at`, stated in the service's time, in ours (as it is without a reading).
    pub(crate) fn to_local(&self, expires_at: SystemTime) -> SystemTime {
        let Some(reading) = self.reading() else {
            return expires_at;
        };
        let local = clock_skew::to_local_time(expires_at, reading.service, reading.local);
        if local != expires_at {
            tracing::info!(
                skew_seconds = clock_skew::skew_seconds(reading.service, reading.local),
                "the service's clock differs from ours; expiry moved to our time"
            );
        }
        local
    }

    /// An expiry the service stated, in our time and no further ahead than `longest` (see
    /// [`believed`]).
    pub(crate) fn expiry(
        &self,
        expires_at: SystemTime,
        longest: Duration,
        what: &str,
    ) -> SystemTime {
        believed(self.to_local(expires_at), longest, what)
    }
}

/// `expires_at` as far as it is believed: a service that says `what` lasts longer than
/// `longest` from now (the year 10001, say) is cut back to `longest`, with a warning in the log.
pub(crate) fn believed(expires_at: SystemTime, longest: Duration, what: &str) -> SystemTime {
    let bounded = time_bounds::bound_expiry(expires_at, SystemTime::now(), longest);
    if bounded.clamped {
        tracing::warn!(
            what,
            longest_seconds = longest.as_secs(),
            "the service said this lasts longer than AWS allows; its expiry is cut back"
        );
    }
    bounded.expires_at
}

impl Intercept for ServiceDate {
    fn name(&self) -> &'static str {
        "ServiceDate"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let local = SystemTime::now();
        if let Some(service) = context
            .response()
            .headers()
            .get("date")
            .and_then(parse_http_date)
        {
            *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(ClockReading { service, local });
        }
        Ok(())
    }
}

/// An RFC 7231 `Date` (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(crate) fn parse_http_date(text: &str) -> Option<SystemTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let parsed = time::PrimitiveDateTime::parse(text.trim(), &format).ok()?;
    Some(parsed.assume_utc().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_imf_fixdate_form() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777))
        );
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(parse_http_date(""), None);
    }
}
