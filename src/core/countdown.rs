//! Remaining lifetimes as people read them: `7h 59m`, `4m 05s`, `12s`, `expired`.

use std::time::{Duration, SystemTime};

/// Time left from `now` until `until`, `None` once it has passed.
pub(crate) fn remaining(until: SystemTime, now: SystemTime) -> Option<Duration> {
    until.duration_since(now).ok().filter(|d| !d.is_zero())
}

/// A short human form of a duration.
pub(crate) fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => "0s".into(),
        1..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        3600..=86_399 => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d {:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// `in 7h 59m` or `expired`.
pub(crate) fn left(until: SystemTime, now: SystemTime) -> String {
    match remaining(until, now) {
        Some(d) => format!("in {}", human(d)),
        None => "expired".into(),
    }
}

/// `2026-11-23 18:04 UTC`.
pub(crate) fn utc(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap_or(0))
        .ok()
        .and_then(|dt| {
            dt.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_forms() {
        assert_eq!(human(Duration::from_secs(12)), "12s");
        assert_eq!(human(Duration::from_secs(245)), "4m 05s");
        assert_eq!(
            human(Duration::from_secs(7 * 3600 + 59 * 60 + 30)),
            "7h 59m"
        );
        assert_eq!(human(Duration::from_secs(90 * 86_400)), "90d 00h");
    }

    #[test]
    fn left_and_utc() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_457_045);
        assert_eq!(left(t, t - Duration::from_secs(61)), "in 1m 01s");
        assert_eq!(left(t, t), "expired");
        assert_eq!(utc(t), "2026-11-23 18:04 UTC");
    }
}
