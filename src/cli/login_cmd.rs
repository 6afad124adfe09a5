//! `rolecall login`: sign in to an identity center (PKCE or device code), keep the token.

use std::io::IsTerminal;

use super::{CliError, LoginArgs};
use crate::adapters::browser::SystemBrowser;
use crate::adapters::stderr_signin_view::TerminalSignInView;
use crate::config::SessionChoiceError;
use crate::config::file::SignInMethod;
use crate::core::countdown;
use crate::core::signin::{Method, TOKEN_MARGIN};
use crate::core::sso::SsoSession;
use crate::core::sso_setup::NewSsoSession;
use crate::engine::signin::run;
use crate::engine::tokens::is_revoked;
use crate::ports::clock::{Clock, SystemClock};
use crate::ports::opener::Opener;
use crate::workspace::WorkspaceError;
use crate::workspace::setup::to_sso_session;
use crate::workspace::sign_in::CLIENT_NAME;

/// Chooses the method: `--device-code`, the config, else PKCE where a browser can be opened.
pub(crate) fn choose_method(args: &LoginArgs, configured: SignInMethod, can_open: bool) -> Method {
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

pub(crate) async fn run_login(args: LoginArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    let (session, first_run) = session_or_ask(&ctx, args.session.as_deref())?;
    let opener = SystemBrowser::new(&ctx.env, &ctx.paths);
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
    let request = ctx.sign_in_request(&session, method, open_browser, CLIENT_NAME);
    // Found now, not after the user approved a sign-in that cannot be kept.
    ctx.store
        .check_writable()
        .map_err(|e| CliError::Other(format!("cannot keep the sign-in: {e}")))?;
    let mut view = TerminalSignInView::new(std::io::stderr().is_terminal() && !ctx.env.no_color());
    let signed_in = run(&idc, &opener, &SystemClock, &request, stored, &mut view)
        .await
        .map_err(|e| {
            // The identity center's answer checks what was typed: nothing wrong is written.
            if first_run.is_some() {
                note!(
                    "rolecall: nothing was written to {}: check the access portal URL and the region ({})",
                    ctx.paths.aws_config.display(),
                    session.region
                );
            }
            CliError::SignIn(e)
        })?;
    if let Some(new) = &first_run {
        super::first_run::write(&ctx, new, false)?;
    }
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

/// The identity center to sign in to. With none configured and a person at the terminal, it
/// is asked for (as `aws configure sso` does) and returned with the `[sso-session]` to write
/// once the identity center accepted it; elsewhere the error says to run `rolecall setup`.
fn session_or_ask(
    ctx: &super::context::Context,
    wanted: Option<&str>,
) -> Result<(SsoSession, Option<NewSsoSession>), CliError> {
    match ctx.session(wanted) {
        Ok(session) => Ok((session, None)),
        Err(WorkspaceError::Session(SessionChoiceError::NoneConfigured))
            if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() =>
        {
            note!(
                "rolecall: no identity center is configured yet; it is written to {} as [sso-session NAME] (the AWS CLI shares it)",
                ctx.paths.aws_config.display()
            );
            let new = super::first_run::ask_new_session(super::first_run::ask)?;
            Ok((to_sso_session(&new), Some(new)))
        }
        Err(e) => Err(e.into()),
    }
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
