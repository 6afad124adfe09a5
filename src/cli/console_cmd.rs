//! `rolecall console TARGET [--print]`: the AWS console signed in as a role, through the
//! federation endpoint (see [`crate::engine::console`]).
//!
//! The login URL carries a sign-in token that is as good as the credentials for 15 minutes:
//! it goes to the browser, or to stdout with `--print`, and nowhere else (never the log).

use super::context::Context;
use super::handover::obtain;
use super::{CliError, block_on};
use crate::adapters::browser::SystemBrowser;
use crate::core::countdown;
use crate::engine::console::{self, CONSOLE_URL, FEDERATION_URL};
use crate::ports::clock::{Clock, SystemClock};
use crate::ports::opener::Opener;

/// Overrides the federation endpoint (the emulator's `…/federation`).
pub const FEDERATION_URL_ENV: &str = "ROLECALL_FEDERATION_URL";

/// Arguments of `rolecall console`.
#[derive(Debug, clap::Args)]
pub struct ConsoleArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias.
    pub target: Option<String>,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
    /// Print the sign-in URL on stdout instead of opening it (it is a credential: keep it to
    /// yourself; it works for 15 minutes).
    #[arg(long)]
    pub print: bool,
}

/// Opens (or prints) the console sign-in URL for the target's role.
pub fn run(args: ConsoleArgs) -> Result<(), CliError> {
    let target = args.target.clone().ok_or_else(|| {
        CliError::Usage("console needs a TARGET (account/role or an alias)".into())
    })?;
    let opener = SystemBrowser;
    if !args.print && !opener.can_open() {
        return Err(CliError::Usage(
            "no browser can be opened here; `rolecall console --print TARGET` prints the sign-in URL instead".into(),
        ));
    }
    block_on(async move {
        let ctx = Context::load()?;
        let obtained = obtain(&ctx, args.session.as_deref(), &target, args.fresh).await?;
        let credentials = &obtained.credentials;
        let chained = obtained.chained();
        if chained {
            eprintln!("rolecall: AWS caps console sessions of chained roles at 1 hour.");
        }
        let duration = console::session_duration(None, credentials, SystemClock.now(), chained);
        let session_endpoint = match &obtained.chain {
            Some(chain) => ctx
                .config
                .chains
                .get(chain)
                .and_then(|spec| super::handover::root_session(&ctx, &ctx.config.chains, spec))
                .and_then(|s| ctx.config.endpoint(&s.name).map(str::to_owned)),
            None => ctx
                .config
                .endpoint(&obtained.session_name)
                .map(str::to_owned),
        };
        let endpoint = federation_endpoint_from(
            std::env::var(FEDERATION_URL_ENV).ok().as_deref(),
            session_endpoint.as_deref(),
        );
        let url = console::signin_url(credentials, duration, &endpoint, CONSOLE_URL, chained)
            .await
            .map_err(CliError::Console)?;
        let label = obtained.label();
        if args.print {
            super::write_stdout(&format!("{}\n", url.expose()))?;
            eprintln!(
                "rolecall: console sign-in URL for {label} (usable for 15 minutes; the session lasts {}).",
                countdown::human(duration)
            );
            return Ok(());
        }
        opener.open(url.expose()).map_err(CliError::Other)?;
        tracing::info!(target = %label, "opened the console");
        eprintln!(
            "rolecall: opened the AWS console as {label} (the session lasts {}).",
            countdown::human(duration)
        );
        Ok(())
    })
}

/// `$ROLECALL_FEDERATION_URL` (`env`), else the session's `endpoint_url` + `/federation` (the
/// emulator), else AWS's.
pub fn federation_endpoint_from(env: Option<&str>, session_endpoint: Option<&str>) -> String {
    if let Some(url) = env.filter(|u| !u.is_empty()) {
        return url.to_owned();
    }
    match session_endpoint {
        Some(base) => format!("{}/federation", base.trim_end_matches('/')),
        None => FEDERATION_URL.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_comes_from_env_then_session_then_aws() {
        assert_eq!(
            federation_endpoint_from(Some("http://127.0.0.1:9/federation"), Some("http://x")),
            "http://127.0.0.1:9/federation"
        );
        assert_eq!(
            federation_endpoint_from(None, Some("http://127.0.0.1:9/")),
            "http://127.0.0.1:9/federation"
        );
        assert_eq!(federation_endpoint_from(Some(""), None), FEDERATION_URL);
    }
}
