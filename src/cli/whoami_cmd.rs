//! `rolecall whoami TARGET`: who a role's (or chain's) credentials act as, by GetCallerIdentity.
//! The ARN goes to stdout; the time left and any duration note to stderr.

use std::time::SystemTime;

use super::context::Context;
use super::{CliError, block_on};
use crate::core::countdown;
use crate::core::target::Matching;
use crate::workspace::Obtained;

/// Arguments of `rolecall whoami`.
#[derive(Debug, clap::Args)]
pub struct WhoamiArgs {
    /// The role: `account-name/role`, `account-id/role`, an alias or a chain.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: String,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
}

pub(crate) fn run(args: WhoamiArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    block_on(async move {
        let obtained = ctx
            .obtain(
                args.session.as_deref(),
                &args.target,
                args.fresh,
                Matching::Suggest,
            )
            .await?;
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
    ctx.caller_arn(obtained)
        .await
        .map_err(|error| CliError::Sts {
            doing: "GetCallerIdentity failed".into(),
            error,
        })
}
