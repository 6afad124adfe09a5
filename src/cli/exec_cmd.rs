//! `rolecall exec TARGET [-- CMD ARGS…]`: a command (or your shell) with a role's credentials in
//! its environment; exits with the command's exit code (128 + the signal when one ended it).
//!
//! Your shell gets them from the local credentials endpoint (renewed before they run out, for
//! as long as the shell lives); a command gets fixed keys unless `--server`; `--static` gives
//! the shell fixed keys too.

use std::ffi::OsString;

use super::{CliError, block_on};
use crate::core::target::Matching;
use crate::engine::subshell::{MARKER, ServedBy, command, exit_code, run_command, served_command};
use crate::workspace::serve::ServeRequest;

/// Arguments of `rolecall exec`.
#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias (close names are suggested, not taken).
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: String,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// The region to hand over in (AWS_REGION, the console's); beats every other source of the region rule.
    #[arg(long, value_name = "REGION")]
    pub region: Option<crate::core::ids::Region>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
    /// Hand over fixed keys (AWS_ACCESS_KEY_ID…), which expire, instead of the local
    /// credentials endpoint your shell gets by default.
    #[arg(long = "static", conflicts_with = "server")]
    pub static_keys: bool,
    /// Serve CMD its credentials from the local endpoint too, renewed before they expire.
    #[arg(long)]
    pub server: bool,
    /// Allow starting inside another rolecall session.
    #[arg(long)]
    pub nest: bool,
    /// The command and its arguments, after `--`; your $SHELL when absent.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

pub(crate) fn run(args: ExecArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    if let Some(inside) = ctx.env.rolecall_session().filter(|_| !args.nest) {
        return Err(CliError::Usage(format!(
            "already inside a rolecall session ({inside}, {MARKER} is set): exit it first, or pass --nest"
        )));
    }
    block_on(async move {
        let obtained = ctx
            .obtain(
                args.session.as_deref(),
                &args.target,
                args.fresh,
                Matching::Suggest,
            )
            .await?
            .in_region(&ctx, args.region.as_ref());
        let (label, credentials, region) =
            (obtained.label(), &obtained.credentials, &obtained.region);
        // No command: the configured shell ([app] shell), else $SHELL.
        let configured: Option<std::ffi::OsString> =
            ctx.config.file.app.shell.clone().map(Into::into);
        let command_given = args
            .command
            .split_first()
            .map(|(program, rest)| (program.as_os_str(), rest));
        let chosen = command_given.or_else(|| configured.as_deref().map(|shell| (shell, &[][..])));
        let shell = ctx.env.login_shell();
        let program = chosen.unwrap_or((shell.as_os_str(), &[]));
        let found = ctx.env.shell_region();
        let served = !args.static_keys && (args.server || command_given.is_none());
        let (status, endpoint) = if served {
            let request = ServeRequest {
                session: args.session.clone(),
                target: obtained.exact_target(),
                ask_mfa: false,
            };
            let endpoint = ctx
                .serve(request, &obtained.credentials, &obtained.label())
                .await?;
            let uri = endpoint.uri();
            let served_by = ServedBy {
                uri: &uri,
                token: endpoint.token(),
            };
            let cmd = served_command(credentials, &served_by, region, &label, &found, program);
            (run_command(cmd).await, Some(endpoint))
        } else {
            (
                run_command(command(credentials, region, &label, &found, program)).await,
                None,
            )
        };
        // The endpoint lives exactly as long as the child.
        if let Some(endpoint) = endpoint {
            endpoint.stop().await;
        }
        let status = status.map_err(|e| cannot_run(chosen.map(|(p, _)| p), &shell, &e))?;
        match exit_code(status) {
            0 => Ok(()),
            code => Err(CliError::Reported(code)),
        }
    })
}

/// Reports a command that did not start, with the shell's codes: 127 not found, 126 otherwise.
fn cannot_run(
    program: Option<&std::ffi::OsStr>,
    shell: &std::ffi::OsStr,
    e: &std::io::Error,
) -> CliError {
    let what = program.map_or_else(
        || format!("the shell {}", shell.to_string_lossy()),
        |p| p.to_string_lossy().into_owned(),
    );
    note!("rolecall: cannot run {what}: {e}");
    CliError::Reported(if e.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    })
}
