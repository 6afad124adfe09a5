//! `rolecall populate`: one AWS CLI profile per account × role of an identity center's catalog
//! (cached; listed when there is none) into the managed block of `~/.aws/config`
//! (`$AWS_CONFIG_FILE`), and one `credential_process` profile per config.toml `[[chains]]`.
//! Profile names go to stdout; a summary to stderr.

use super::CliError;
use crate::aws_files::command_line::Platform;
use crate::aws_files::ini_check::check_region;
use crate::aws_files::populate::{Plan, Populated, ProfileKind, populate};
use crate::aws_files::populate_chains::{ChainPlan, ChainsPopulated, populate_chains};
use crate::aws_files::profile_name::{DEFAULT_TEMPLATE, NameFields, render};
use crate::aws_files::{FileMode, update_file};
use crate::core::chain::ChainOrigin;

/// Arguments of `rolecall populate`.
#[derive(Debug, clap::Args)]
pub struct PopulateArgs {
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Name template: {account_name}, {account_id}, {role_name}, {session}.
    #[arg(long, value_name = "TEMPLATE", default_value = DEFAULT_TEMPLATE)]
    pub template: String,
    /// Remove this identity center's profiles whose roles are no longer listed.
    #[arg(long)]
    pub prune: bool,
    /// Write `credential_process` profiles (this rolecall answers) instead of SSO ones.
    #[arg(long)]
    pub credential_process: bool,
    /// The profiles' `region`; the configured one, else the identity center's, when absent.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

/// This binary's absolute path, for `credential_process` lines.
fn this_program() -> Result<String, CliError> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| CliError::Other(format!("cannot find the rolecall binary's path: {e}")))?;
    exe.to_str()
        .map(str::to_owned)
        .ok_or_else(|| CliError::Other(format!("{}: not a UTF-8 path", exe.display())))
}

/// Flag values that cannot be written are usage errors, found before anything is read.
fn check_flags(args: &PopulateArgs) -> Result<(), CliError> {
    if let Some(region) = &args.region {
        check_region(region).map_err(|e| CliError::Usage(format!("--region: {e}")))?;
    }
    let sample = NameFields {
        account_name: "a",
        account_id: "111111111111",
        role_name: "r",
        session: "s",
    };
    render(&args.template, &sample).map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(())
}

pub(crate) fn run(args: PopulateArgs) -> Result<(), CliError> {
    check_flags(&args)?;
    let ctx = super::context::load()?;
    let session = ctx.session(args.session.as_deref())?;
    let kind = if args.credential_process {
        ProfileKind::CredentialProcess {
            program: this_program()?,
            platform: Platform::current(),
        }
    } else {
        ProfileKind::Sso
    };
    let region = args
        .region
        .clone()
        .or_else(|| ctx.config.file.app.region.clone())
        .unwrap_or_else(|| session.region.clone());
    let program = this_program()?;
    super::block_on(async move {
        let catalog = match ctx.cached_catalog(&session) {
            Some(c) => c,
            None => ctx.catalog(&session, false).await?,
        };
        let plan = Plan {
            session: &session,
            catalog: &catalog,
            template: &args.template,
            region: &region,
            kind,
            prune: args.prune,
        };
        let chains = ChainPlan {
            chains: ctx
                .config
                .chains
                .iter()
                .filter(|c| c.origin == ChainOrigin::Config)
                .map(|c| (c.name.as_str(), c.region.as_deref()))
                .collect(),
            region: &region,
            program: &program,
            platform: Platform::current(),
            prune: args.prune,
        };
        let mut outcome: Option<Populated> = None;
        let mut chained: Option<ChainsPopulated> = None;
        let mode = FileMode::for_config(ctx.config.file.aws_files.tighten_permissions);
        let written = update_file(&ctx.paths.aws_config, mode, |old| {
            let populated = populate(old, &plan).map_err(|e| e.to_string())?;
            let with_chains =
                populate_chains(&populated.text, &chains).map_err(|e| e.to_string())?;
            let text = with_chains.text.clone();
            outcome = Some(populated);
            chained = Some(with_chains);
            Ok::<_, String>(text)
        })
        .map_err(|e| CliError::Other(e.to_string()))?;
        if let Some(notice) = written.notice() {
            note!("rolecall: {notice}");
        }
        let done = outcome.unwrap_or_default();
        let chained = chained.unwrap_or_default();
        for line in done.skipped.iter().chain(&chained.skipped) {
            note!("rolecall: {line}");
        }
        for name in done.profiles.iter().chain(&chained.profiles) {
            say!("{name}");
        }
        if !chained.profiles.is_empty() || chained.removed > 0 {
            note!(
                "rolecall: chains: {} profiles ({} removed)",
                chained.profiles.len(),
                chained.removed
            );
        }
        let kept = if done.kept > 0 {
            format!(
                ", {} kept for roles no longer listed (--prune removes them)",
                done.kept
            )
        } else {
            String::new()
        };
        note!(
            "rolecall: {}: {} profiles in {} ({} new, {} removed{kept})",
            session.name,
            done.profiles.len(),
            written.path.display(),
            done.added,
            done.removed
        );
        Ok(())
    })
}
