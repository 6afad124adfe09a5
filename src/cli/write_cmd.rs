//! `rolecall write TARGET`: a role's credentials into a named profile of
//! `~/.aws/credentials` (`$AWS_SHARED_CREDENTIALS_FILE`), and with `--region` its region into
//! `~/.aws/config`. The profile's name goes to stdout; what was done to stderr.

use std::time::SystemTime;

use super::CliError;
use crate::aws_files::ini_check::{check_region, check_section};
use crate::aws_files::profile_name::{DEFAULT_TEMPLATE, NameFields, render, sanitize};
use crate::aws_files::{AwsFilesError, Overwrite, ensure_writable};
use crate::core::countdown;
use crate::core::target::Matching;
use crate::core::target::Target;
use crate::workspace::Obtained;

/// Arguments of `rolecall write`.
#[derive(Debug, clap::Args)]
pub struct WriteArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias (close names are suggested, not taken).
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: String,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
    /// The profile's name; from `--template` when absent.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Name template: {account_name}, {account_id}, {role_name}, {session}.
    #[arg(long, value_name = "TEMPLATE", default_value = DEFAULT_TEMPLATE)]
    pub template: String,
    /// Also set `region` in the profile's section of ~/.aws/config.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Replace a profile rolecall did not write (its keys all go).
    #[arg(long)]
    pub force: bool,
}

/// The profile's name: `--profile` (sanitised), a chain's own name (unless a template is
/// given), or the template filled in.
pub(crate) fn profile_name(args: &WriteArgs, obtained: &Obtained) -> Result<String, CliError> {
    let name = match obtained.chain.as_deref().filter(|_| args.profile.is_none()) {
        Some(chain) if args.template == DEFAULT_TEMPLATE => sanitize(chain),
        _ => name_from(args, &obtained.session_name, &obtained.target)?,
    };
    check_section(&name).map_err(|e| CliError::Usage(format!("profile name: {e}")))?;
    Ok(name)
}

fn name_from(args: &WriteArgs, session: &str, target: &Target) -> Result<String, CliError> {
    match &args.profile {
        Some(name) => {
            let clean = sanitize(name.trim());
            if clean.trim_matches('-').is_empty() || name.contains(char::is_control) {
                return Err(CliError::Usage(format!(
                    "{name:?} cannot be a profile name"
                )));
            }
            Ok(clean)
        }
        None => render(
            &args.template,
            &NameFields {
                account_name: &target.account.name,
                account_id: &target.account.id,
                role_name: &target.role,
                session,
            },
        )
        .map_err(|e| CliError::Usage(e.to_string())),
    }
}

fn file_error(e: AwsFilesError) -> CliError {
    match e {
        AwsFilesError::NotOurs { .. } => CliError::Usage(e.to_string()),
        _ => CliError::Other(e.to_string()),
    }
}

pub(crate) fn run(args: WriteArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    if let Some(region) = &args.region {
        check_region(region).map_err(|e| CliError::Usage(format!("--region: {e}")))?;
        // Both files or neither: a profile left without the region asked for is a surprise.
        ensure_writable(&ctx.paths.aws_config).map_err(file_error)?;
    }
    super::block_on(async move {
        let obtained = ctx
            .obtain(
                args.session.as_deref(),
                &args.target,
                args.fresh,
                Matching::Suggest,
            )
            .await?;
        let name = profile_name(&args, &obtained)?;
        let credentials = &obtained.credentials;
        let overwrite = if args.force {
            Overwrite::Force
        } else {
            Overwrite::OursOnly
        };
        let written = ctx
            .write_profile(&name, credentials, args.region.as_deref(), overwrite)
            .map_err(file_error)?;
        for notice in written.notices() {
            note!("rolecall: {notice}");
        }
        let expiry = credentials.expires_at.map_or_else(
            || "no expiry".to_owned(),
            |t| format!("expires {}", countdown::left(t, SystemTime::now())),
        );
        say!("{name}");
        note!(
            "rolecall: wrote profile {name} for {} ({expiry}) to {}",
            obtained.label(),
            written.credentials.path.display()
        );
        Ok(())
    })
}
