//! What can go wrong talking to IAM Identity Center, in the terms the core decides on (poll
//! again, slow down, sign in again, retry later). The identity center port returns it; the
//! sign-in state machine and the app's update read it.

/// The kinds of failure that decide what happens next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdcError {
    /// Device flow: the user has not answered yet; poll again after the interval.
    #[error("authorization is pending")]
    AuthorizationPending,
    /// Device flow: polled too fast; add 5 s to the interval.
    #[error("polling too fast")]
    SlowDown,
    /// Device flow: the code expired before the user approved.
    #[error("the sign-in code expired")]
    ExpiredCode,
    /// The user denied the sign-in.
    #[error("the sign-in was denied")]
    AccessDenied,
    /// A code, refresh token or device code is no longer valid.
    #[error("the grant is no longer valid: {0}")]
    InvalidGrant(String),
    /// The client registration is unknown or expired: register again.
    #[error("the client registration is no longer valid: {0}")]
    InvalidClient(String),
    /// The access token is expired, revoked or logged out: sign in again.
    #[error("the sign-in session has expired or was revoked")]
    Unauthorized,
    /// HTTP 429: slow down and retry.
    #[error("throttled by AWS (too many requests)")]
    Throttled,
    /// The user has no access to that account or role.
    #[error("no access: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A 5xx answer: retry later.
    #[error("AWS had an internal error: {0}")]
    Server(String),
    /// No answer: connection refused, DNS, timeout.
    #[error("cannot reach IAM Identity Center: {0}")]
    Network(String),
    #[error("{0}")]
    Other(String),
}

impl IdcError {
    /// Worth retrying the same call after a pause.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            IdcError::Throttled | IdcError::Server(_) | IdcError::Network(_)
        )
    }
}
