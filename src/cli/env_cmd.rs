//! `rolecall env TARGET [--shell …]`: the lines that set a role's credentials in a shell (for
//! `eval`), or with `--unset` the lines that clear them again.

use super::context::Context;
use super::handover::obtain;
use super::{CliError, block_on};
use crate::core::exports::{Shell, export_lines, unset_lines};

/// The shells `--shell` and `rolecall init` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShellName {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
}

impl ShellName {
    /// The syntax this shell reads.
    pub fn syntax(self) -> Shell {
        match self {
            ShellName::Bash | ShellName::Zsh => Shell::Posix,
            ShellName::Fish => Shell::Fish,
            ShellName::Powershell => Shell::PowerShell,
        }
    }
}

/// Set by the `rolecall init` wrappers to the shell they run in; wins over `$SHELL` (which
/// names the login shell, not necessarily the one typing the command).
pub const SHELL_OVERRIDE: &str = "ROLECALL_SHELL";

/// The shell whose syntax exports are printed in when none is named: `$ROLECALL_SHELL`, else
/// `$SHELL`, else POSIX.
pub fn shell_from_env() -> Shell {
    let named = |var: &str| std::env::var(var).ok().filter(|v| !v.is_empty());
    named(SHELL_OVERRIDE)
        .or_else(|| named("SHELL"))
        .map(|s| Shell::from_path(&s))
        .unwrap_or_default()
}

/// Arguments of `rolecall env`.
#[derive(Debug, clap::Args)]
pub struct EnvArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias (close names are suggested, not taken).
    #[arg(required_unless_present = "unset")]
    pub target: Option<String>,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
    /// The syntax to print; from $SHELL when absent.
    #[arg(long, value_enum)]
    pub shell: Option<ShellName>,
    /// Print the lines that clear the variables instead (no target needed).
    #[arg(long, conflicts_with = "target")]
    pub unset: bool,
}

pub fn run(args: EnvArgs) -> Result<(), CliError> {
    let shell = args
        .shell
        .map(ShellName::syntax)
        .unwrap_or_else(shell_from_env);
    if args.unset {
        return print_lines(&unset_lines(shell));
    }
    let Some(target) = args.target else {
        return Err(CliError::Usage("a target is needed (or --unset)".into()));
    };
    let ctx = Context::load()?;
    block_on(async move {
        let obtained = obtain(&ctx, args.session.as_deref(), &target, args.fresh).await?;
        print_lines(&export_lines(
            &obtained.credentials,
            &obtained.region,
            shell,
            false,
        ))
    })
}

/// Writes the lines to stdout in one go.
fn print_lines(lines: &[String]) -> Result<(), CliError> {
    let mut text = lines.join("\n");
    text.push('\n');
    super::write_stdout(&text)
}
