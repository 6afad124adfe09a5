//! The emulator's notion of time: the system clock plus an adjustable offset (the clock-skew
//! knob, and how tests move time forward without sleeping), and a time scale that shortens every
//! lifetime it hands out; and the two ways the wire writes a time (ISO 8601, the HTTP `Date`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

#[derive(Debug)]
pub struct EmuClock {
    offset_ms: AtomicI64,
    scale: f64,
}

impl EmuClock {
    pub fn new(offset_seconds: i64, scale: f64) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_seconds.saturating_mul(1000)),
            scale: if scale > 0.0 { scale } else { 1.0 },
        }
    }

    /// The emulator's current time.
    pub fn now(&self) -> SystemTime {
        let offset = self.offset_ms.load(Ordering::Relaxed);
        let base = SystemTime::now();
        if offset >= 0 {
            base + Duration::from_millis(offset.unsigned_abs())
        } else {
            base - Duration::from_millis(offset.unsigned_abs())
        }
    }

    /// Moves the emulator's time forward (or back, with a negative amount).
    pub fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    pub fn set_offset_seconds(&self, seconds: i64) {
        self.offset_ms
            .store(seconds.saturating_mul(1000), Ordering::Relaxed);
    }

    pub fn offset_seconds(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed) / 1000
    }

    /// A nominal lifetime after the time scale: `3600` at scale 60 lasts one minute.
    pub fn lifetime(&self, nominal_seconds: u64) -> Duration {
        Duration::from_secs_f64(nominal_seconds as f64 / self.scale)
    }

    /// `lifetime` rounded up to whole seconds, at least one: what `expiresIn` fields report.
    pub fn lifetime_secs(&self, nominal_seconds: u64) -> u64 {
        (self.lifetime(nominal_seconds).as_secs_f64().ceil() as u64).max(1)
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn epoch_secs(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn epoch_millis(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

/// ISO 8601 / RFC 3339 in UTC with whole seconds, as STS writes `Expiration`.
pub(crate) fn iso8601(t: SystemTime) -> String {
    let secs = epoch_secs(t);
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|dt| {
            dt.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// RFC 7231 `Date`: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(t: SystemTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(epoch_secs(t))
        .ok()
        .and_then(|dt| dt.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_shortens_lifetimes() {
        let clock = EmuClock::new(0, 60.0);
        assert_eq!(clock.lifetime(3600), Duration::from_secs(60));
        assert_eq!(clock.lifetime_secs(1), 1);
    }

    #[test]
    fn advancing_moves_now() {
        let clock = EmuClock::new(0, 1.0);
        let before = clock.now();
        clock.advance_ms(3_600_000);
        let moved = clock.now().duration_since(before).unwrap();
        assert!(moved >= Duration::from_secs(3600) && moved < Duration::from_secs(3700));
    }

    #[test]
    fn iso8601_has_whole_seconds_and_z() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_573_306_481_500);
        assert_eq!(iso8601(t), "2019-11-09T13:34:41Z");
    }

    #[test]
    fn http_dates_have_the_rfc_7231_shape() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
