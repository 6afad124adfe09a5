//! `rolecall serve TARGET`: the local credentials endpoint on its own. Prints the lines that
//! point a shell at it (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, `AWS_CONTAINER_AUTHORIZATION_TOKEN`,
//! and unsetting what would win over them), then serves the target's credentials, renewed
//! before they expire, until interrupted (Ctrl-C, SIGTERM, SIGHUP: exit 0).

use super::env_cmd::{ShellName, print_lines};
use super::{CliError, block_on};
use crate::core::container_credentials::{AUTHORIZATION_TOKEN, FULL_URI, SHADOWING};
use crate::core::exports::{set_line, unset_line};
use crate::core::target::Matching;
use crate::workspace::serve::ServeRequest;

/// Arguments of `rolecall serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The role: `account-name/role`, `account-id/role`, an alias or a chain (exactly).
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: String,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
    /// The syntax to print; from $SHELL when absent.
    #[arg(long, value_enum)]
    pub shell: Option<ShellName>,
}

pub(crate) fn run(args: ServeArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    let shell = args
        .shell
        .map(ShellName::syntax)
        .unwrap_or_else(|| ctx.env.export_shell());
    block_on(async move {
        let obtained = ctx
            .obtain(
                args.session.as_deref(),
                &args.target,
                args.fresh,
                Matching::Exact,
            )
            .await?;
        let request = ServeRequest {
            session: args.session.clone(),
            target: obtained.exact_target(),
            ask_mfa: true,
        };
        let endpoint = ctx
            .serve(request, &obtained.credentials, &obtained.label())
            .await?;
        let mut lines: Vec<String> = SHADOWING
            .iter()
            .chain(&["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
            .map(|name| unset_line(shell, name))
            .collect();
        lines.push(set_line(shell, FULL_URI, &endpoint.uri()));
        lines.push(set_line(
            shell,
            AUTHORIZATION_TOKEN,
            endpoint.token().expose(),
        ));
        print_lines(&lines)?;
        note!(
            "rolecall: serving the credentials of {} until interrupted",
            obtained.label()
        );
        stopped().await;
        endpoint.stop().await;
        Ok(())
    })
}

/// Waits for Ctrl-C, SIGTERM or SIGHUP.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
