//! Opening a URL in the user's browser, and the one rule for what may be opened.

use crate::secret::Secret;

/// Why a URL was not opened; each says it in a few words.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The policy ([`check_web_url`]) refused the URL.
    #[error(transparent)]
    Refused(#[from] RefusedUrl),
    /// No browser can be shown here.
    #[error("no browser can be opened here")]
    NoBrowser,
    #[error("this opener cannot open a private page")]
    NoPrivatePage,
    /// Where the private page would go is not known (no home directory).
    #[error("{0}")]
    NoPageDir(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("cannot write the page that opens the console: {0}")]
    Page(#[source] std::io::Error),
    #[error("the page that opens the console has no absolute path")]
    PagePath,
    /// The browser did not start.
    #[error("could not open a browser: {0}")]
    Launch(#[source] std::io::Error),
}

pub trait Opener: Send + Sync {
    /// Whether a browser can be opened here at all (not over SSH, a display on Linux).
    fn can_open(&self) -> bool;
    /// Opens `url`; the error is a short human reason. Implementations open only what
    /// [`check_web_url`] allows (a URL from the network is data: `file:`, `javascript:` or a
    /// command-line option must never reach the browser).
    fn open(&self, url: &str) -> Result<(), OpenError>;
    /// Opens `url`, which is a credential (the console's sign-in URL), without putting it on
    /// any command line: through a private local page that redirects to it. The same policy
    /// as [`Opener::open`] applies. Not every opener can.
    fn open_secret(&self, url: &Secret<String>) -> Result<(), OpenError> {
        let _ = url;
        Err(OpenError::NoPrivatePage)
    }
}

/// Why a URL is not opened. One line, the URL escaped (it came from the network).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not opening {shown} in a browser: only https links (or http on this machine) are opened")]
pub struct RefusedUrl {
    shown: String,
}

/// The policy every open follows: `https:` URLs with a host, and `http:` only to this machine
/// (`127.0.0.1`, `localhost`, `[::1]`: the emulator and the sign-in redirect). Anything else —
/// `file:`, `javascript:`, `data:`, other hosts over `http:`, text with spaces or control
/// characters, something that is not a URL at all — is refused. Returns the URL to hand over
/// (as parsed, so the browser gets exactly what was checked).
pub fn check_web_url(url: &str) -> Result<String, RefusedUrl> {
    let refuse = || RefusedUrl {
        shown: url.escape_default().take(200).collect(),
    };
    // The URL parser drops tabs and newlines silently; refuse them (and spaces) first.
    if url.is_empty() || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refuse());
    }
    let parsed = url::Url::parse(url).map_err(|_| refuse())?;
    let allowed = match (parsed.scheme(), parsed.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        ("http", Some(url::Host::Ipv4(ip))) => ip == std::net::Ipv4Addr::LOCALHOST,
        ("http", Some(url::Host::Ipv6(ip))) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    if allowed && parsed.username().is_empty() && parsed.password().is_none() {
        Ok(parsed.into())
    } else {
        Err(refuse())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_opened() {
        for url in [
            "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
            "https://oidc.cn-north-1.amazonaws.com.cn/authorize?client_id=x",
            "http://127.0.0.1:8080/device?user_code=ABCD-EFGH",
            "http://localhost:9/x",
            "http://[::1]:9/x",
        ] {
            assert!(check_web_url(url).is_ok(), "{url}");
        }
        assert_eq!(
            check_web_url("HTTPS://Example.COM/a b").map_err(|_| ()),
            Err(())
        );
        assert_eq!(
            check_web_url("HTTPS://Example.COM/x").unwrap(),
            "https://example.com/x"
        );
    }

    #[test]
    fn everything_else_is_shown_not_opened() {
        for url in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<script>x</script>",
            "http://evil.example/device",
            "http://127.0.0.2/",
            "http://127.0.0.1.evil.example/",
            "--new-window=file:///etc/passwd",
            "/etc/passwd",
            "ftp://host/x",
            "https://user:pw@host/x",
            "https://host/\nx",
            "https://host/\tx",
            "",
        ] {
            assert!(check_web_url(url).is_err(), "{url:?}");
        }
    }

    #[test]
    fn the_refusal_is_one_escaped_line() {
        let e = check_web_url("file:///etc/passwd\n\u{1b}]52;c;x\u{7}").unwrap_err();
        let text = e.to_string();
        assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
        assert!(
            text.starts_with("not opening file:///etc/passwd\\n\\u{1b}]52"),
            "{text}"
        );
    }
}
