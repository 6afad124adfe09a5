//! `rolecall action NAME TARGET`: runs one of config.toml's `[[actions]]` with a role's (or
//! chain's) credentials in its environment, built and run as the app's hand-over menu does
//! ([`crate::core::action`], [`crate::engine::subshell::run_action`]): the names are in
//! `ROLECALL_*` variables, which the placeholders refer to. They are the destination's:
//! for a chain, the account id is the assumed role's account (an ECR registry id, say).
//! `--print` shows the command instead of running it.

use super::{CliError, block_on};
use crate::core::target::Matching;
use crate::engine::subshell::{exit_code, run_action};

/// Arguments of `rolecall action`.
#[derive(Debug, clap::Args)]
pub struct ActionArgs {
    /// The action's name in config.toml (case-insensitive).
    pub name: String,
    /// The role: `account-name/role`, `account-id/role`, an alias or a chain.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: String,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// The region to hand over in (AWS_REGION, the console's); beats every other source of the region rule.
    #[arg(long, value_name = "REGION")]
    pub region: Option<crate::core::ids::Region>,
    /// Print the command with its placeholders filled in (quoted, for reading) instead of running it.
    #[arg(long)]
    pub print: bool,
}

pub(crate) fn run(args: ActionArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    let actions = &ctx.config.file.actions;
    let Some(action) = actions
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(&args.name))
        .cloned()
    else {
        let known: Vec<&str> = actions.iter().map(|a| a.name.as_str()).collect();
        return Err(CliError::Usage(format!(
            "no [[actions]] entry is named {:?}; known: {}",
            args.name,
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )));
    };
    block_on(async move {
        let obtained = ctx
            .obtain(
                args.session.as_deref(),
                &args.target,
                false,
                Matching::Suggest,
            )
            .await?
            .in_region(&ctx, args.region.as_ref());
        let t = &obtained.target;
        let command = action.render(&t.account.id, &t.account.name, &t.role, &obtained.region);
        if args.print {
            super::output::say_lines(&command.shown);
            return Ok(());
        }
        note!(
            "rolecall: running {} for {}: {}",
            action.name,
            obtained.label(),
            command.shown
        );
        let status = run_action(
            &obtained.credentials,
            &obtained.region,
            &obtained.label(),
            &ctx.env.shell_region(),
            &command,
            false,
        )
        .await
        .map_err(|e| CliError::Other(format!("cannot run {}: {e}", action.name)))?;
        match exit_code(status) {
            0 => Ok(()),
            code => Err(CliError::Reported(code)),
        }
    })
}
