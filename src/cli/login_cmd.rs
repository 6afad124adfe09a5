//! `rolecall login`: sign in to an identity center (PKCE or device code), keep the token.

use std::io::{IsTerminal, Write};

use super::context::Context;
use super::{CliError, LoginArgs};
use crate::adapters::browser::SystemBrowser;
use crate::config::file::SignInMethod;
use crate::core::countdown;
use crate::core::signin::{DeviceWait, Method, TOKEN_MARGIN};
use crate::core::terminal_text::{Shown, shown};
use crate::engine::signin::{SignInRequest, SignInView, run};
use crate::engine::tokens::is_revoked;
use crate::ports::clock::{Clock, SystemClock};
use crate::ports::opener::Opener;

/// Prints the code and URL on stderr, where a person reads them.
struct StderrView {
    bold: bool,
    shown_code: bool,
}

impl SignInView for StderrView {
    fn device_code(&mut self, wait: &DeviceWait) {
        let mut err = std::io::stderr().lock();
        if !self.shown_code {
            self.shown_code = true;
            let left = countdown::left(wait.expires_at, SystemClock.now());
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

/// Chooses the method: `--device-code`, the config, else PKCE where a browser can be opened.
pub fn choose_method(args: &LoginArgs, configured: SignInMethod, can_open: bool) -> Method {
    if args.device_code {
        return Method::DeviceCode;
    }
    match configured {
        SignInMethod::Pkce => Method::Pkce,
        SignInMethod::DeviceCode => Method::DeviceCode,
        SignInMethod::Auto if can_open && !args.no_browser => Method::Pkce,
        SignInMethod::Auto => Method::DeviceCode,
    }
}

pub async fn run_login(args: LoginArgs) -> Result<(), CliError> {
    let ctx = Context::load()?;
    let session = ctx.session(args.session.as_deref())?;
    let opener = SystemBrowser;
    let can_open = opener.can_open();
    let method = choose_method(&args, ctx.config.file.sign_in.method, can_open);
    let open_browser = can_open && !args.no_browser && ctx.config.file.sign_in.open_browser;
    let idc = ctx.identity_center(&session);
    let mut stored = if args.force {
        None
    } else {
        ctx.store.load(&session).unwrap_or_else(|e| {
            note!("rolecall: ignoring the stored sign-in: {e}");
            None
        })
    };
    // A token that would be reused as it is must still be good at AWS: after a revocation,
    // `rolecall login` is what the other commands tell people to run.
    if let Some(s) = &stored
        && s.token.is_valid_at(SystemClock.now(), TOKEN_MARGIN)
        && is_revoked(&idc, s).await
    {
        note!("rolecall: the stored sign-in was revoked; signing in again");
        stored = None;
    }
    let request = SignInRequest {
        session: session.clone(),
        method,
        open_browser,
        endpoint: ctx.config.endpoint(&session.name).map(str::to_owned),
        client_name: "rolecall".into(),
        registrations: ctx.store.registrations(&session),
    };
    // Found now, not after the user approved a sign-in that cannot be kept.
    ctx.store
        .check_writable()
        .map_err(|e| CliError::Other(format!("cannot keep the sign-in: {e}")))?;
    let mut view = StderrView {
        bold: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        shown_code: false,
    };
    let signed_in = run(&idc, &opener, &SystemClock, &request, stored, &mut view)
        .await
        .map_err(CliError::SignIn)?;
    ctx.store.save(&session, &signed_in)?;
    let until = signed_in.token.expires_at;
    note!(
        "Signed in to {} ({}); the session lasts until {} ({}).",
        session.name,
        session.start_url,
        countdown::utc(until),
        countdown::left(until, SystemClock.now())
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(device_code: bool, no_browser: bool) -> LoginArgs {
        LoginArgs {
            session: None,
            device_code,
            no_browser,
            force: false,
        }
    }

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

    #[test]
    fn pkce_only_where_a_browser_can_open() {
        assert_eq!(
            choose_method(&args(false, false), SignInMethod::Auto, true),
            Method::Pkce
        );
        assert_eq!(
            choose_method(&args(false, false), SignInMethod::Auto, false),
            Method::DeviceCode
        );
        assert_eq!(
            choose_method(&args(false, true), SignInMethod::Auto, true),
            Method::DeviceCode
        );
        assert_eq!(
            choose_method(&args(true, false), SignInMethod::Pkce, true),
            Method::DeviceCode
        );
        assert_eq!(
            choose_method(&args(false, false), SignInMethod::DeviceCode, true),
            Method::DeviceCode
        );
    }
}
