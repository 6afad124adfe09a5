//! `rolecall status`: each identity center's session and each kept credential's time left,
//! the chains' included. One line each, tab-separated; every field escaped ([`Shown`]), so only
//! our tabs separate.

use std::io::Write;

use super::context::Context;
use super::{CliError, SessionArgs};
use std::time::SystemTime;

use crate::core::countdown;
use crate::core::credentials::Credentials;
use crate::core::terminal_text::Shown;
use crate::ports::clock::{Clock, SystemClock};
use crate::session_store::chain_key;

pub(crate) fn run_status(args: SessionArgs) -> Result<(), CliError> {
    // Where tokens are kept when no keyring works is said here every time (elsewhere once).
    let ctx =
        crate::compose::for_status(std::sync::Arc::new(super::stderr_reporter::StderrReporter))?;
    // What was skipped in the AWS CLI's files: said here, once.
    for notice in &ctx.config.notices {
        note!("rolecall: {notice}");
    }
    let now = SystemClock.now();
    let mut out = std::io::stdout().lock();
    let sessions = if args.session.is_some() {
        vec![ctx.session(args.session.as_deref())?]
    } else {
        ctx.config.sessions.clone()
    };
    if sessions.is_empty() {
        return Err(CliError::Usage(
            ctx.config
                .session(None)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
        ));
    }
    let mut lines = Vec::new();
    for session in &sessions {
        let state = match ctx.store.load(session) {
            Ok(Some(s)) if s.token.is_valid_at(now, std::time::Duration::ZERO) => format!(
                "signed in, expires {} ({})",
                countdown::left(s.token.expires_at, now),
                countdown::utc(s.token.expires_at)
            ),
            Ok(Some(s)) if s.token.refresh_token.is_some() => {
                "token expired; renews on next use (refresh token held)".to_owned()
            }
            Ok(Some(_)) => "expired: run `rolecall login`".to_owned(),
            Ok(None) if ctx.store.signed_out(session) => "signed out".to_owned(),
            Ok(None) => "not signed in".to_owned(),
            Err(e) => format!("unknown: {e}"),
        };
        lines.push(format!(
            "{}\t{}\t{}",
            Shown(&session.name),
            Shown(&session.start_url),
            Shown(&state)
        ));
        for (account, role, creds) in ctx.store.held_credentials(session).unwrap_or_default() {
            lines.push(kept_line(
                &format!("{}/{}", Shown(&account), Shown(&role)),
                &creds,
                now,
            ));
        }
    }
    lines.extend(chain_lines(&ctx, now));
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(())
}

/// One kept credential: its name (already escaped), key id and time left.
fn kept_line(name: &str, creds: &Credentials, now: SystemTime) -> String {
    let left = creds
        .expires_at
        .map_or_else(|| "no expiry".to_owned(), |t| countdown::left(t, now));
    format!("  {name}\t{}\t{left}", Shown(&creds.access_key_id))
}

/// The chains with kept credentials, under a `chains` heading (nothing when none are kept).
fn chain_lines(ctx: &Context, now: SystemTime) -> Vec<String> {
    let kept: Vec<String> = ctx
        .config
        .chains
        .iter()
        .filter_map(|spec| {
            let key = chain_key(&spec.name, &spec.fingerprint());
            let creds = ctx.store.load_chain_credentials(&key).ok().flatten()?;
            Some(kept_line(&Shown(&spec.name).to_string(), &creds, now))
        })
        .collect();
    if kept.is_empty() {
        return kept;
    }
    std::iter::once("chains".to_owned()).chain(kept).collect()
}
