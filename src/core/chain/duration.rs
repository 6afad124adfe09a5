//! Session lengths: what STS accepts (15 min to 12 h), what role chaining allows (1 h), and
//! how a length is written in config (`3600`, `"90m"`, `"4h"`, `"1h30m"`).

/// The shortest session STS issues.
pub const MIN_SECONDS: u32 = 900;
/// The longest session AssumeRole issues.
pub const MAX_SECONDS: u32 = 43_200;
/// AWS's limit for a role assumed with role credentials.
pub const CHAINED_CAP_SECONDS: u32 = 3_600;

/// What is sent to STS, and why it differs from what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationPlan {
    /// `DurationSeconds` (absent: STS's default of 1 h).
    pub send: Option<u32>,
    /// The asked length when it was capped for role chaining.
    pub capped_from: Option<u32>,
}

impl DurationPlan {
    /// Says why the session is shorter than asked, for where the duration is shown.
    pub fn note(&self) -> Option<String> {
        self.capped_from.map(capped_note)
    }
}

/// The note shown when a chained session was capped.
pub fn capped_note(asked: u32) -> String {
    format!(
        "capped at 1h (asked {}): AWS limits a role assumed with role credentials (role chaining) to 1 hour",
        span(asked)
    )
}

/// Why a session length is refused: its message says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// A length STS would refuse.
    #[error(
        "a session of {} cannot be asked for: STS sessions last 15 min to 12 h (900 to 43200 seconds)",
        span(*.seconds)
    )]
    OutOfRange { seconds: u32 },
    /// Text that is not a duration.
    #[error("{text:?} is not a duration (examples: 3600, 90m, 4h, 1h30m)")]
    NotADuration { text: String },
}

/// Refuses lengths STS would refuse, with a message that says what is allowed.
pub fn check_range(seconds: u32) -> Result<(), DurationError> {
    if (MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
        Ok(())
    } else {
        Err(DurationError::OutOfRange { seconds })
    }
}

/// Plans the `DurationSeconds` of an AssumeRole: checked, and capped at 1 h when the source is
/// a role session (`chained`).
pub fn plan_duration(asked: Option<u32>, chained: bool) -> Result<DurationPlan, DurationError> {
    let Some(asked) = asked else {
        return Ok(DurationPlan {
            send: None,
            capped_from: None,
        });
    };
    check_range(asked)?;
    if chained && asked > CHAINED_CAP_SECONDS {
        return Ok(DurationPlan {
            send: Some(CHAINED_CAP_SECONDS),
            capped_from: Some(asked),
        });
    }
    Ok(DurationPlan {
        send: Some(asked),
        capped_from: None,
    })
}

/// `4h`, `1h30m`, `10m`, `45s`: how durations are written back to people.
pub fn span(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// Reads `3600`, `"3600s"`, `"90m"`, `"4h"`, `"1h30m"` as seconds.
pub fn parse(text: &str) -> Result<u32, DurationError> {
    let text = text.trim();
    let bad = || DurationError::NotADuration {
        text: text.to_owned(),
    };
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text.parse::<u32>() {
        return Ok(seconds);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit: u64 = match c.to_ascii_lowercase() {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        total = total.saturating_add(n.saturating_mul(unit));
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    u32::try_from(total).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_ways_people_write_durations() {
        assert_eq!(parse("3600"), Ok(3600));
        assert_eq!(parse("90m"), Ok(5400));
        assert_eq!(parse("4h"), Ok(14_400));
        assert_eq!(parse("1h30m"), Ok(5400));
        assert_eq!(parse(" 15m "), Ok(900));
        for bad in ["", "h", "4d", "1h30", "-5m"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn range_is_fifteen_minutes_to_twelve_hours() {
        assert!(
            check_range(899)
                .unwrap_err()
                .to_string()
                .contains("15 min to 12 h")
        );
        assert!(check_range(600).unwrap_err().to_string().contains("10m"));
        assert!(check_range(43_201).is_err());
        assert!(check_range(900).is_ok() && check_range(43_200).is_ok());
    }

    #[test]
    fn chained_sessions_are_capped_at_an_hour_and_say_so() {
        let plan = plan_duration(Some(4 * 3600), true).unwrap();
        assert_eq!(plan.send, Some(3600));
        let note = plan.note().unwrap();
        assert!(
            note.contains("capped at 1h") && note.contains("4h"),
            "{note}"
        );
        let plan = plan_duration(Some(4 * 3600), false).unwrap();
        assert_eq!((plan.send, plan.note()), (Some(14_400), None));
        assert_eq!(plan_duration(None, true).unwrap().send, None);
        assert!(plan_duration(Some(600), true).is_err());
    }
}
