//! `rolecall exec TARGET [-- CMD ARGS…]`: a command (or your shell) with a role's credentials in
//! its environment; exits with the command's exit code (128 + the signal when one ended it).

use std::ffi::OsString;

use super::{CliError, block_on};
use crate::core::target::Matching;
use crate::engine::subshell::{MARKER, exit_code, run_with_credentials};

/// Arguments of `rolecall exec`.
#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias (close names are suggested, not taken).
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: String,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
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
            .await?;
        let (label, credentials, region) =
            (obtained.label(), obtained.credentials, obtained.region);
        // No command: the configured shell ([app] shell), else $SHELL.
        let configured: Option<std::ffi::OsString> =
            ctx.config.file.app.shell.clone().map(Into::into);
        let command = args
            .command
            .split_first()
            .map(|(program, rest)| (program.as_os_str(), rest))
            .or_else(|| configured.as_deref().map(|shell| (shell, &[][..])));
        let shell = ctx.env.login_shell();
        let program = command.unwrap_or((shell.as_os_str(), &[]));
        let status = run_with_credentials(&credentials, &region, &label, program)
            .await
            .map_err(|e| cannot_run(command.map(|(p, _)| p), &shell, &e))?;
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
