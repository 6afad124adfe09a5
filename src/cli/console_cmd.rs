//! `rolecall console TARGET [--print] [--destination URL | --service NAME]`: the AWS console signed in as a role, through the
//! federation endpoint (see [`crate::engine::console`]).
//!
//! The login URL carries a sign-in token that is as good as the credentials for 15 minutes:
//! it goes to the browser (through a private page, never on its command line), or to stdout
//! with `--print`, and nowhere else (never the log).

use super::{CliError, block_on};
use crate::adapters::browser::SystemBrowser;
use crate::core::console_destination::Destination;
use crate::core::countdown;
use crate::core::target::Matching;
use crate::engine::console::ConsoleSession;
use crate::ports::opener::Opener;
use crate::workspace::console::ConsoleTo;

/// Arguments of `rolecall console`.
#[derive(Debug, clap::Args)]
pub struct ConsoleArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: Option<String>,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// The region to hand over in (AWS_REGION, the console's); beats every other source of the region rule.
    #[arg(long, value_name = "REGION")]
    pub region: Option<crate::core::ids::Region>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
    /// Print the sign-in URL on stdout instead of opening it (it is a credential: keep it to
    /// yourself; it works for 15 minutes).
    #[arg(long)]
    pub print: bool,
    /// Open this page of the console (an https URL on the console's host) instead of its front page.
    #[arg(long, value_name = "URL", conflicts_with = "service")]
    pub destination: Option<String>,
    /// Open this service's home page (`s3` → the console's /s3/home), in the role's region.
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
}

/// Opens (or prints) the console sign-in URL for the target's role.
pub(crate) fn run(args: ConsoleArgs) -> Result<(), CliError> {
    let target = args.target.clone().ok_or_else(|| {
        CliError::Usage("console needs a TARGET (account/role or an alias)".into())
    })?;
    let destination = match (&args.destination, &args.service) {
        (Some(url), _) => Destination::url(url),
        (None, Some(name)) => Destination::service(name),
        (None, None) => Ok(Destination::Home),
    }
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let ctx = super::context::load()?;
    let opener = SystemBrowser::new(&ctx.env, &ctx.paths);
    if !args.print && !opener.can_open() {
        return Err(CliError::Usage(
            "no browser can be opened here; `rolecall console --print TARGET` prints the sign-in URL instead".into(),
        ));
    }
    block_on(async move {
        let obtained = ctx
            .obtain(
                args.session.as_deref(),
                &target,
                args.fresh,
                Matching::Suggest,
            )
            .await?
            .in_region(&ctx, args.region.as_ref());
        let credentials = &obtained.credentials;
        let now = ctx.clock.now();
        let place = ctx.sign_in_place(
            obtained.chain.as_deref(),
            &obtained.session_name,
            &obtained.region,
        );
        let console = ctx
            .console_url_to(
                credentials,
                obtained.role_chained(&ctx),
                &place,
                &destination,
            )
            .await
            .map_err(|e| match e {
                ConsoleTo::Console(e) => CliError::Console(e),
                ConsoleTo::Destination(e) => CliError::Usage(e.to_string()),
            })?;
        let session = console.session;
        if session == ConsoleSession::FollowsCredentials {
            note!(
                "rolecall: these credentials come from role chaining: the console session lasts as long as the credentials."
            );
        }
        let lasts = session
            .length(credentials, now)
            .map_or_else(|| "as long as the credentials".to_owned(), countdown::human);
        let url = console.url;
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
