//! How close something is to expiry, for colours (always with a text form too) and warnings.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Ok,
    /// Inside the warning threshold.
    Warn,
    /// Inside the critical threshold.
    Critical,
    Expired,
}

/// Thresholds, from `[app]` in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub warn: Duration,
    pub critical: Duration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            warn: Duration::from_secs(15 * 60),
            critical: Duration::from_secs(5 * 60),
        }
    }
}

impl Urgency {
    pub fn of(expires_at: Option<SystemTime>, now: SystemTime, t: Thresholds) -> Urgency {
        let Some(at) = expires_at else {
            return Urgency::Ok;
        };
        match at.duration_since(now) {
            Err(_) => Urgency::Expired,
            Ok(d) if d.is_zero() => Urgency::Expired,
            Ok(d) if d <= t.critical => Urgency::Critical,
            Ok(d) if d <= t.warn => Urgency::Warn,
            Ok(_) => Urgency::Ok,
        }
    }

    /// The text that goes with the colour.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Ok => "ok",
            Urgency::Warn => "expiring",
            Urgency::Critical => "expiring soon",
            Urgency::Expired => "expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t = Thresholds::default();
        let at = |s: u64| Some(now + Duration::from_secs(s));
        assert_eq!(Urgency::of(at(3600), now, t), Urgency::Ok);
        assert_eq!(Urgency::of(at(900), now, t), Urgency::Warn);
        assert_eq!(Urgency::of(at(300), now, t), Urgency::Critical);
        assert_eq!(Urgency::of(Some(now), now, t), Urgency::Expired);
        assert_eq!(Urgency::of(None, now, t), Urgency::Ok);
    }
}
