//! AWS credentials and how long they have left.

use std::time::{Duration, SystemTime};

use crate::secret::Secret;

/// A set of temporary AWS credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret<String>,
    pub session_token: Option<Secret<String>>,
    pub expires_at: Option<SystemTime>,
}

impl Credentials {
    /// Time left at `now`; `None` for credentials that do not expire.
    pub fn remaining(&self, now: SystemTime) -> Option<Duration> {
        self.expires_at
            .map(|t| t.duration_since(now).unwrap_or(Duration::ZERO))
    }

    /// Good for at least `margin` more.
    pub fn is_fresh_at(&self, now: SystemTime, margin: Duration) -> bool {
        self.expires_at.is_none_or(|t| now + margin < t)
    }
}
