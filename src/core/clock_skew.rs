//! Clock skew: AWS states expiries in its own time (GetRoleCredentials' `expiration`), so a
//! local clock that is off would misplace them. The service's time comes with every answer (its
//! `Date` header); an expiry is moved by the difference before anything counts down to it.

use std::time::{Duration, SystemTime};

/// Differences below this are the `Date` header's one-second resolution and the time the
/// answer took to arrive, not skew: such expiries are left as they are.
pub(crate) const TOLERANCE: Duration = Duration::from_secs(30);

/// How far our clock is behind the service's (negative: ahead), in seconds, when the service
/// said `service_now` and our clock read `local_now` on receiving it.
pub(crate) fn skew_seconds(service_now: SystemTime, local_now: SystemTime) -> i64 {
    match service_now.duration_since(local_now) {
        Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// `expires_at`, stated in the service's time, in ours.
pub(crate) fn to_local_time(
    expires_at: SystemTime,
    service_now: SystemTime,
    local_now: SystemTime,
) -> SystemTime {
    match service_now.duration_since(local_now) {
        Ok(ahead) if ahead >= TOLERANCE => expires_at.checked_sub(ahead).unwrap_or(expires_at),
        Err(behind) if behind.duration() >= TOLERANCE => expires_at
            .checked_add(behind.duration())
            .unwrap_or(expires_at),
        _ => expires_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    #[test]
    fn a_service_ahead_of_us_means_the_expiry_comes_sooner_here() {
        // The service says 12:10 when we say 12:00; its credentials last one hour.
        let local_now = at(0);
        let service_now = at(600);
        let expires = service_now + Duration::from_secs(3600);
        assert_eq!(to_local_time(expires, service_now, local_now), at(3600));
        assert_eq!(skew_seconds(service_now, local_now), 600);
    }

    #[test]
    fn a_service_behind_us_means_the_expiry_comes_later_here() {
        let local_now = at(600);
        let service_now = at(0);
        let expires = service_now + Duration::from_secs(3600);
        assert_eq!(to_local_time(expires, service_now, local_now), at(4200));
        assert_eq!(skew_seconds(service_now, local_now), -600);
    }

    #[test]
    fn small_differences_are_not_skew() {
        let expires = at(3600);
        assert_eq!(to_local_time(expires, at(29), at(0)), expires);
        assert_eq!(to_local_time(expires, at(0), at(29)), expires);
        assert_eq!(to_local_time(expires, at(30), at(0)), at(3570));
    }
}
