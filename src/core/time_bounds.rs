//! Sane times: how far ahead an expiry from the service is believed, and time arithmetic that
//! cannot overflow. A time from the network is data like any other: a portal (or a proxy) can
//! say a credential lasts until the year 10001, which no date formatter takes (the `time`
//! crate panics converting it). Expiries are clamped where they enter, to the longest lifetime
//! AWS gives such a thing, and every conversion to a calendar date here is checked.

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

/// Role credentials (GetRoleCredentials, AssumeRole) last at most 12 hours.
pub const ROLE_CREDENTIALS_LONGEST: Duration = Duration::from_secs(12 * 3600);

/// A client registration lasts 90 days at AWS; a year leaves room for a change of policy.
pub const REGISTRATION_LONGEST: Duration = Duration::from_secs(366 * 24 * 3600);

/// An access token (`expiresIn`): AWS allows sessions of up to 90 days; beyond a year is
/// not believed.
pub const TOKEN_LONGEST: Duration = REGISTRATION_LONGEST;

/// 9999-12-31T23:59:59Z, the latest instant every formatter we use takes.
pub const LATEST_SECS: u64 = 253_402_300_799;

/// The latest instant kept anywhere (see [`LATEST_SECS`]).
pub fn latest() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(LATEST_SECS)
}

/// `t + d`, or [`latest`] when that would pass it (or overflow).
pub fn add(t: SystemTime, d: Duration) -> SystemTime {
    t.checked_add(d)
        .map_or_else(latest, |sum| sum.min(latest()))
}

/// An expiry the service stated, as far as it is believed: no later than `longest` from `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounded {
    pub expires_at: SystemTime,
    /// The service's value was further ahead and was cut back.
    pub clamped: bool,
}

/// `expires_at` no later than `longest` after `now`.
pub fn bound_expiry(expires_at: SystemTime, now: SystemTime, longest: Duration) -> Bounded {
    let limit = add(now, longest);
    if expires_at > limit {
        Bounded {
            expires_at: limit,
            clamped: true,
        }
    } else {
        Bounded {
            expires_at,
            clamped: false,
        }
    }
}

/// Seconds since the epoch as a time, clamped to [epoch, [`latest`]].
pub fn from_epoch_secs(secs: i64) -> SystemTime {
    add(
        SystemTime::UNIX_EPOCH,
        Duration::from_secs(secs.max(0).unsigned_abs()),
    )
}

/// Milliseconds since the epoch as a time, clamped to [epoch, [`latest`]].
pub fn from_epoch_millis(ms: i64) -> SystemTime {
    add(
        SystemTime::UNIX_EPOCH,
        Duration::from_millis(ms.max(0).unsigned_abs()),
    )
}

/// `t` as a calendar date in UTC, nanoseconds kept, clamped to [epoch, [`latest`]]. Never
/// panics, unlike `OffsetDateTime::from(SystemTime)` past the year 9999.
pub fn to_date_time(t: SystemTime) -> OffsetDateTime {
    let since = t
        .min(latest())
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    i128::try_from(since.as_nanos())
        .ok()
        .and_then(|nanos| OffsetDateTime::from_unix_timestamp_nanos(nanos).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAR: i64 = 253_433_923_200; // 10001-01-01T00:00:00Z

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn a_far_future_expiry_is_cut_back_to_the_longest_lifetime() {
        let now = at(1_800_000_000);
        let far = from_epoch_secs(FAR);
        assert_eq!(far, latest());
        let bounded = bound_expiry(far, now, ROLE_CREDENTIALS_LONGEST);
        assert!(bounded.clamped);
        assert_eq!(bounded.expires_at, at(1_800_000_000 + 12 * 3600));
        let sane = at(1_800_003_600);
        assert_eq!(
            bound_expiry(sane, now, ROLE_CREDENTIALS_LONGEST),
            Bounded {
                expires_at: sane,
                clamped: false
            }
        );
    }

    #[test]
    fn arithmetic_saturates_at_the_latest_instant() {
        assert_eq!(add(latest(), Duration::from_secs(1)), latest());
        assert_eq!(add(at(0), Duration::MAX), latest());
        assert_eq!(from_epoch_millis(i64::MAX), latest());
        assert_eq!(from_epoch_secs(-5), at(0));
        // Near `latest`, a lifetime cannot push the bound past it.
        let bounded = bound_expiry(from_epoch_secs(FAR), latest(), TOKEN_LONGEST);
        assert_eq!(bounded.expires_at, latest());
    }

    #[test]
    fn dates_are_converted_without_panicking() {
        assert_eq!(to_date_time(latest()).year(), 9999);
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(FAR.unsigned_abs());
        assert_eq!(to_date_time(far), to_date_time(latest()));
        let t = at(1_795_457_045) + Duration::from_millis(250);
        assert_eq!(SystemTime::from(to_date_time(t)), t);
    }
}
