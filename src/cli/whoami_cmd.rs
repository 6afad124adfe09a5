//! `rolecall whoami TARGET`: who a role's (or chain's) credentials act as, by GetCallerIdentity.
//! The ARN goes to stdout; the time left and any duration note to stderr. With `--json`, one
//! object ([`WhoamiJson`]) on stdout, never a secret.

use std::time::SystemTime;

use super::context::Context;
use super::{CliError, block_on};
use crate::core::countdown;
use crate::core::exports::iso8601;
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
    /// One JSON object: {arn, account_id, target, chain, expires_at}.
    #[arg(long)]
    pub json: bool,
}

/// `rolecall whoami --json` (field names are a promise: the README documents them).
#[derive(Debug, serde::Serialize)]
struct WhoamiJson {
    /// GetCallerIdentity's ARN.
    arn: String,
    /// The account the credentials act in.
    account_id: String,
    /// `account-name/role` (for a chain, its role's).
    target: String,
    /// The chain's name, when the TARGET is one.
    chain: Option<String>,
    /// When the credentials end (RFC 3339).
    expires_at: Option<String>,
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
        if args.json {
            let json = WhoamiJson {
                arn,
                account_id: obtained.target.account.id.to_string(),
                target: obtained.target.label(),
                chain: obtained.chain.clone(),
                expires_at: obtained.credentials.expires_at.and_then(iso8601),
            };
            return super::write_json(&json);
        }
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
