//! `rolecall status`: each identity center's session and each kept credential's time left,
//! the chains' included. One line each, tab-separated; every field escaped ([`Shown`]), so only
//! our tabs separate. With `--json`, one object ([`StatusJson`]) with the same facts, never a
//! secret (the access key id is not one; the secret key and the session token never appear).

use std::io::Write;

use super::CliError;
use super::context::Context;
use std::time::SystemTime;

use crate::core::countdown;
use crate::core::credentials::Credentials;
use crate::core::exports::iso8601;
use crate::core::terminal_text::Shown;
use crate::ports::clock::{Clock, SystemClock};
use crate::session_store::chain_key;

/// Arguments of `rolecall status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// One JSON object: {sessions: [{name, start_url, state, expires_at, credentials}], chains}.
    #[arg(long)]
    pub json: bool,
}

/// `rolecall status --json` (field names are a promise: the README documents them).
#[derive(Debug, serde::Serialize)]
struct StatusJson {
    sessions: Vec<SessionJson>,
    chains: Vec<KeptJson>,
}

#[derive(Debug, serde::Serialize)]
struct SessionJson {
    name: String,
    start_url: String,
    /// `signed_in`, `refreshable`, `expired`, `signed_out`, `not_signed_in` or `unknown`.
    state: &'static str,
    /// When the sign-in ends (RFC 3339), while signed in.
    expires_at: Option<String>,
    credentials: Vec<KeptJson>,
}

/// A kept credential: whose, its access key id (not a secret) and when it ends.
#[derive(Debug, serde::Serialize)]
struct KeptJson {
    /// `account/role` for an SSO role, the chain's name for a chain.
    name: String,
    access_key_id: String,
    expires_at: Option<String>,
}

impl KeptJson {
    fn new(name: String, creds: &Credentials) -> Self {
        Self {
            name,
            access_key_id: creds.access_key_id.clone(),
            expires_at: creds.expires_at.and_then(iso8601),
        }
    }
}

pub(crate) fn run_status(args: StatusArgs) -> Result<(), CliError> {
    // Where tokens are kept when no keyring works is said here every time (elsewhere once).
    let ctx =
        crate::compose::for_status(std::sync::Arc::new(super::stderr_reporter::StderrReporter))?;
    // What was skipped in the AWS CLI's files: said here, once.
    for notice in &ctx.config.notices {
        note!("rolecall: {notice}");
    }
    let now = SystemClock.now();
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
    let mut json = StatusJson {
        sessions: Vec::new(),
        chains: Vec::new(),
    };
    for session in &sessions {
        let (code, state, expires_at) = match ctx.store.load(session) {
            Ok(Some(s)) if s.token.is_valid_at(now, std::time::Duration::ZERO) => (
                "signed_in",
                format!(
                    "signed in, expires {} ({})",
                    countdown::left(s.token.expires_at, now),
                    countdown::utc(s.token.expires_at)
                ),
                iso8601(s.token.expires_at),
            ),
            Ok(Some(s)) if s.token.refresh_token.is_some() => (
                "refreshable",
                "token expired; renews on next use (refresh token held)".to_owned(),
                None,
            ),
            Ok(Some(_)) => ("expired", "expired: run `rolecall login`".to_owned(), None),
            Ok(None) if ctx.store.signed_out(session) => {
                ("signed_out", "signed out".to_owned(), None)
            }
            Ok(None) => ("not_signed_in", "not signed in".to_owned(), None),
            Err(e) => ("unknown", format!("unknown: {e}"), None),
        };
        lines.push(format!(
            "{}\t{}\t{}",
            Shown(&session.name),
            Shown(&session.start_url),
            Shown(&state)
        ));
        let mut credentials = Vec::new();
        for (account, role, creds) in ctx.store.held_credentials(session).unwrap_or_default() {
            lines.push(kept_line(
                &format!("{}/{}", Shown(&account), Shown(&role)),
                &creds,
                now,
            ));
            credentials.push(KeptJson::new(format!("{account}/{role}"), &creds));
        }
        json.sessions.push(SessionJson {
            name: session.name.clone(),
            start_url: session.start_url.clone(),
            state: code,
            expires_at,
            credentials,
        });
    }
    let chains = kept_chains(&ctx);
    if args.json {
        json.chains = chains
            .iter()
            .map(|(name, creds)| KeptJson::new(name.clone(), creds))
            .collect();
        return super::write_json(&json);
    }
    lines.extend(chain_lines(&chains, now));
    let mut out = std::io::stdout().lock();
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

/// The chains with kept credentials.
fn kept_chains(ctx: &Context) -> Vec<(String, Credentials)> {
    ctx.config
        .chains
        .iter()
        .filter_map(|spec| {
            let key = chain_key(&spec.name, &spec.fingerprint());
            let creds = ctx.store.load_chain_credentials(&key).ok().flatten()?;
            Some((spec.name.clone(), creds))
        })
        .collect()
}

/// The chains with kept credentials, under a `chains` heading (nothing when none are kept).
fn chain_lines(chains: &[(String, Credentials)], now: SystemTime) -> Vec<String> {
    let kept: Vec<String> = chains
        .iter()
        .map(|(name, creds)| kept_line(&Shown(name).to_string(), creds, now))
        .collect();
    if kept.is_empty() {
        return kept;
    }
    std::iter::once("chains".to_owned()).chain(kept).collect()
}
