//! The subcommands' sign-in views: what a person signing in reads on stderr (the code and the
//! URL, escaped: they come from the service). `rolecall login` shows them large
//! ([`TerminalSignInView`]); `credential-process` in one line ([`OneLineSignInView`]), since
//! the AWS CLI shows its stderr.

use std::io::Write;
use std::time::SystemTime;

use crate::core::countdown;
use crate::core::signin::DeviceWait;
use crate::core::terminal_text::{Shown, shown};
use crate::ports::signin_view::SignInView;

/// Prints the code and URL on stderr, where a person reads them.
pub(crate) struct TerminalSignInView {
    bold: bool,
    shown_code: bool,
}

impl TerminalSignInView {
    /// `bold`: the code in bold (a terminal, colours allowed).
    pub(crate) fn new(bold: bool) -> Self {
        Self {
            bold,
            shown_code: false,
        }
    }
}

impl SignInView for TerminalSignInView {
    fn device_code(&mut self, wait: &DeviceWait) {
        let mut err = std::io::stderr().lock();
        if !self.shown_code {
            self.shown_code = true;
            let left = countdown::left(wait.expires_at, SystemTime::now());
            let text = device_code_text(
                &wait.verification_uri_complete,
                &wait.user_code,
                &left,
                self.bold,
            );
            let _ = writeln!(err, "{text}");
        }
        match wait.browser_opened {
            Some(true) => {
                let _ = writeln!(err, "Opened your browser. Waiting for approval…");
            }
            Some(false) => {
                if let Err(refused) =
                    crate::ports::opener::check_web_url(&wait.verification_uri_complete)
                {
                    let _ = writeln!(err, "rolecall: {refused}.");
                }
                let _ = writeln!(err, "Waiting for approval…");
            }
            None => {}
        }
    }

    fn browser_url(&mut self, url: &str, opened: bool) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", browser_text(url, opened));
        let _ = writeln!(err, "Waiting for the browser…");
    }
}

/// The device-code instructions. The URL and the code come from the service: escaped; only the
/// bold around the code is ours.
fn device_code_text(url: &str, code: &str, left: &str, bold: bool) -> String {
    let code = if bold {
        format!("\x1b[1m{}\x1b[0m", Shown(code))
    } else {
        shown(code)
    };
    format!(
        "To sign in, open this URL on any device and check that it shows the code:\n\n    {}\n\n    code: {code}   (expires {left})\n",
        Shown(url)
    )
}

/// Where to finish a browser sign-in; the URL escaped.
fn browser_text(url: &str, opened: bool) -> String {
    let url = Shown(url);
    if opened {
        format!("Opened your browser to sign in. If it did not appear, open:\n\n    {url}\n")
    } else {
        format!("To sign in, open this URL in a browser on this machine:\n\n    {url}\n")
    }
}

/// Shows the device code and URL on stderr, one escaped line each.
#[derive(Default)]
pub(crate) struct OneLineSignInView {
    shown_code: bool,
}

fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", Shown(line));
}

impl SignInView for OneLineSignInView {
    fn device_code(&mut self, wait: &DeviceWait) {
        if self.shown_code {
            return;
        }
        self.shown_code = true;
        note(&format!(
            "rolecall: to sign in, open {} and check that it shows the code {} (expires {}).",
            wait.verification_uri_complete,
            wait.user_code,
            countdown::left(wait.expires_at, SystemTime::now()),
        ));
    }

    fn browser_url(&mut self, url: &str, opened: bool) {
        if opened {
            note(&format!(
                "rolecall: opened your browser to sign in; if it did not appear, open {url}"
            ));
        } else {
            note(&format!("rolecall: to sign in, open {url}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_and_the_url_from_the_service_are_escaped() {
        let url = "https://x/device?user_code=A\x1b]52;c;SGk=\x07\n\u{202e}";
        let text = device_code_text(url, "WDJB\x1b[2J\r-MJHT", "in 10m", true);
        assert!(
            text.contains("    https://x/device?user_code=A\\x1b]52;c;SGk=\\x07\\n\\u{202e}\n"),
            "{text:?}"
        );
        // Our own bold stays; the code's ESC and CR are shown, not sent.
        assert!(
            text.contains("code: \x1b[1mWDJB\\x1b[2J\\r-MJHT\x1b[0m   (expires in 10m)"),
            "{text:?}"
        );
        assert_eq!(text.matches('\x1b').count(), 2, "{text:?}");
        let plain = device_code_text(url, "WDJB\x1b[2J", "in 10m", false);
        assert!(!plain.contains('\x1b'), "{plain:?}");
        for opened in [true, false] {
            let text = browser_text(url, opened);
            assert!(
                !text.contains('\x1b') && !text.contains('\u{202e}'),
                "{text:?}"
            );
            assert!(text.contains("user_code=A\\x1b]52"), "{text:?}");
        }
    }
}
