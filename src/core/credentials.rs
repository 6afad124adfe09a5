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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_key_id_and_hides_the_secrets() {
        let creds = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("hunter2".into()),
            session_token: Some(Secret::new("tok3n".into())),
            expires_at: None,
        };
        for shown in [format!("{creds:?}"), format!("{creds:#?}")] {
            assert!(shown.contains("ASIAEXAMPLE"), "{shown}");
            assert!(
                !shown.contains("hunter2") && !shown.contains("tok3n"),
                "{shown}"
            );
        }
    }
}
