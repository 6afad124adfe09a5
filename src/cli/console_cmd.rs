//! `rolecall console TARGET [--print]`: the AWS console signed in as a role, through the
//! federation endpoint (see [`crate::engine::console`]).
//!
//! The login URL carries a sign-in token that is as good as the credentials for 15 minutes:
//! it goes to the browser (through a private page, never on its command line), or to stdout
//! with `--print`, and nowhere else (never the log).

use super::context::Context;
use super::handover::Obtained;
use super::handover::obtain;
use super::{CliError, block_on};
use crate::adapters::browser::SystemBrowser;
use crate::core::chain::RoleArn;
use crate::core::countdown;
use crate::core::partition::Partition;
use crate::engine::console::{self, ConsoleSession};
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
        let now = SystemClock.now();
        let session = console::console_session(None, credentials, now, obtained.role_chained(&ctx));
        if session == ConsoleSession::FollowsCredentials {
            note!(
                "rolecall: these credentials come from role chaining: the console session lasts as long as the credentials."
            );
        }
        let lasts = session
            .length(credentials, now)
            .map_or_else(|| "as long as the credentials".to_owned(), countdown::human);
        let (hosts_partition, session_endpoint) = where_to_sign_in(&ctx, &obtained);
        let hosts = console::hosts(
            std::env::var(FEDERATION_URL_ENV).ok().as_deref(),
            session_endpoint.as_deref(),
            hosts_partition,
            &obtained.region,
        )
        .map_err(CliError::Console)?;
        let url = console::signin_url(credentials, session, &hosts.federation, &hosts.console)
            .await
            .map_err(CliError::Console)?;
        let label = obtained.label();
        if args.print {
            super::write_stdout(&format!("{}\n", url.expose()))?;
            note!(
                "rolecall: console sign-in URL for {label} (usable for 15 minutes; the session lasts {lasts})."
            );
            return Ok(());
        }
        opener
            .open_secret(&url)
            .map_err(|e| CliError::Other(e.to_string()))?;
        tracing::info!(target = %label, "opened the console");
        note!("rolecall: opened the AWS console as {label} (the session lasts {lasts}).");
        Ok(())
    })
}

/// The partition of the credentials (a chain's role ARN says it; an SSO role's is its identity
/// center's region's) and the identity center's `endpoint_url` (the emulator), when set.
fn where_to_sign_in(ctx: &Context, obtained: &Obtained) -> (Partition, Option<String>) {
    let spec = obtained
        .chain
        .as_ref()
        .and_then(|chain| ctx.config.chains.get(chain));
    let session = match spec {
        Some(spec) => super::handover::root_session(ctx, &ctx.config.chains, spec),
        None => ctx
            .config
            .session(Some(&obtained.session_name))
            .ok()
            .cloned(),
    };
    let partition = spec
        .and_then(|spec| RoleArn::parse(&spec.role_arn).ok())
        .and_then(|arn| Partition::from_id(arn.partition()))
        .or_else(|| session.as_ref().map(|s| Partition::of_region(&s.region)))
        .unwrap_or_else(|| Partition::of_region(&obtained.region));
    let endpoint = session
        .as_ref()
        .and_then(|s| ctx.config.endpoint(&s.name))
        .map(str::to_owned);
    (partition, endpoint)
}
