//! Asking the person for an MFA code (a chain's `mfa_serial`), and what a code looks like.

use crate::secret::Secret;

/// Why a prompt gave no MFA code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCode {
    /// Nobody can be asked here.
    Nobody,
    /// The answer is not a 6-digit code.
    NotACode,
}

/// Asks the person for an MFA code (a tty prompt).
pub trait MfaPrompt: Send + Sync {
    fn ask(&self, chain: &str, serial: &str) -> Result<Secret<String>, NoCode>;
}

/// Never asks: the caller turns `NeedsMfa` into its own prompt (the app).
pub(crate) struct NoPrompt;

impl MfaPrompt for NoPrompt {
    fn ask(&self, _chain: &str, _serial: &str) -> Result<Secret<String>, NoCode> {
        Err(NoCode::Nobody)
    }
}

/// Something that is not an MFA code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("something that is not a 6-digit MFA code")]
pub(crate) struct NotACode;

/// An MFA code is six digits.
pub(crate) fn check_code(code: &str) -> Result<(), NotACode> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(NotACode)
    }
}
