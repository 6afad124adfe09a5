//! What the person signing in is shown (the subcommands print it; the app draws its own
//! screen from the sign-in machine).

use crate::core::signin::DeviceWait;

/// What the person signing in is shown.
pub trait SignInView: Send {
    /// The device flow's user code and URL; called again when the browser state is known.
    fn device_code(&mut self, wait: &DeviceWait);
    /// The PKCE authorize URL, and whether the browser was opened with it.
    fn browser_url(&mut self, url: &str, opened: bool);
}
