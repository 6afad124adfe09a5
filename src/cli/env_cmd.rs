//! `rolecall env TARGET [--shell …]`: the lines that set a role's credentials in a shell (for
//! `eval`), or with `--unset` the lines that clear them again. With `--json`, one object of the
//! same variables (`{"AWS_ACCESS_KEY_ID": …}`), secrets included: that is what `env` is for.

use super::{CliError, block_on};
use crate::core::exports::{Shell, export_lines, unset_lines, variables};
use crate::core::target::Matching;

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

/// Arguments of `rolecall env`.
#[derive(Debug, clap::Args)]
pub struct EnvArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias (close names are suggested, not taken).
    #[arg(required_unless_present = "unset")]
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: Option<String>,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// The region to hand over in (AWS_REGION, the console's); beats every other source of the region rule.
    #[arg(long, value_name = "REGION")]
    pub region: Option<crate::core::ids::Region>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
    /// The syntax to print; from $SHELL when absent.
    #[arg(long, value_enum)]
    pub shell: Option<ShellName>,
    /// Print the lines that clear the variables instead (no target needed); a region you set yourself is kept.
    #[arg(long, conflicts_with = "target")]
    pub unset: bool,
    /// One JSON object of the variables (name → value) instead of lines for a shell.
    #[arg(long, conflicts_with_all = ["shell", "unset"])]
    pub json: bool,
}

pub(crate) fn run(args: EnvArgs) -> Result<(), CliError> {
    let named = args.shell.map(ShellName::syntax);
    if args.unset {
        // Nothing to read but the shell: no configuration needed.
        let env = crate::environment::Environment::from_process();
        let shell = named.unwrap_or_else(|| env.export_shell());
        return print_lines(&unset_lines(shell, &env.shell_region()));
    }
    let Some(target) = args.target else {
        return Err(CliError::Usage("a target is needed (or --unset)".into()));
    };
    let ctx = super::context::load()?;
    let shell = named.unwrap_or_else(|| ctx.env.export_shell());
    block_on(async move {
        let obtained = ctx
            .obtain(
                args.session.as_deref(),
                &target,
                args.fresh,
                Matching::Suggest,
            )
            .await?
            .in_region(&ctx, args.region.as_ref());
        if args.json {
            let vars: serde_json::Map<String, serde_json::Value> =
                variables(&obtained.credentials, &obtained.region, false)
                    .into_iter()
                    .map(|(name, value)| (name.to_owned(), value.into()))
                    .collect();
            return super::write_json(&vars);
        }
        print_lines(&export_lines(
            &obtained.credentials,
            &obtained.region,
            shell,
            false,
            &ctx.env
                .shell_region()
                .hand_over(&obtained.region, &obtained.label()),
        ))
    })
}

/// Writes the lines to stdout in one go.
pub(crate) fn print_lines(lines: &[String]) -> Result<(), CliError> {
    let mut text = lines.join("\n");
    text.push('\n');
    super::write_stdout(&text)
}
