//! Opening a URL in the user's browser.

pub trait Opener: Send + Sync {
    /// Whether a browser can be opened here at all (not over SSH, a display on Linux).
    fn can_open(&self) -> bool;
    /// Opens `url`; the error is a short human reason.
    fn open(&self, url: &str) -> Result<(), String>;
}
