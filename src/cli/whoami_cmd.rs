//! `rolecall whoami TARGET`: who a role's (or chain's) credentials act as, by GetCallerIdentity.
//! The ARN goes to stdout; the time left and any duration note to stderr.

use std::time::SystemTime;

use super::context::Context;
use super::handover::{Obtained, obtain, root_session};
use super::{CliError, block_on};
use crate::adapters::aws_sts::AwsSts;
use crate::core::countdown;
use crate::ports::sts::Sts;

/// Arguments of `rolecall whoami`.
#[derive(Debug, clap::Args)]
pub struct WhoamiArgs {
    /// The role: `account-name/role`, `account-id/role`, an alias or a chain.
    pub target: String,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
}

pub fn run(args: WhoamiArgs) -> Result<(), CliError> {
    let ctx = Context::load()?;
    block_on(async move {
        let obtained = obtain(&ctx, args.session.as_deref(), &args.target, args.fresh).await?;
        let arn = match &obtained.caller_arn {
            Some(arn) => arn.clone(),
            None => caller_arn(&ctx, &obtained).await?,
        };
        say!("{arn}");
        let left = obtained.credentials.expires_at.map_or_else(
            || "no expiry".to_owned(),
            |t| format!("expires {}", countdown::left(t, SystemTime::now())),
        );
        note!("rolecall: {} ({left})", obtained.label());
        Ok(())
    })
}

/// GetCallerIdentity with the STS endpoint of the credentials' identity center.
async fn caller_arn(ctx: &Context, obtained: &Obtained) -> Result<String, CliError> {
    let endpoint = match &obtained.chain {
        Some(chain) => ctx
            .config
            .chains
            .get(chain)
            .and_then(|spec| root_session(ctx, &ctx.config.chains, spec))
            .and_then(|s| ctx.config.endpoint(&s.name).map(str::to_owned)),
        None => ctx
            .config
            .endpoint(&obtained.session_name)
            .map(str::to_owned),
    };
    AwsSts::new(endpoint.as_deref())
        .get_caller_identity(&obtained.region, &obtained.credentials)
        .await
        .map(|identity| identity.arn)
        .map_err(|e| CliError::Other(format!("GetCallerIdentity failed: {e}")))
}
