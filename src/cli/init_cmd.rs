//! `rolecall init bash|zsh|fish|powershell`: prints the shell function that lets the app (and
//! `rolecall env`) set variables in the calling shell. The snippets live in `assets/shell/`.

use super::CliError;
use super::env_cmd::ShellName;

const POSIX: &str = include_str!("../../assets/shell/rolecall.sh");
const FISH: &str = include_str!("../../assets/shell/rolecall.fish");
const POWERSHELL: &str = include_str!("../../assets/shell/rolecall.ps1");

/// Arguments of `rolecall init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The shell to print the function for.
    #[arg(value_enum)]
    pub shell: ShellName,
}

/// The snippet for `shell`, ready to eval or source.
pub(crate) fn snippet(shell: ShellName) -> String {
    match shell {
        ShellName::Bash => POSIX
            .replace("@SHELL@", "bash")
            .replace("@RCFILE@", "~/.bashrc"),
        ShellName::Zsh => POSIX
            .replace("@SHELL@", "zsh")
            .replace("@RCFILE@", "~/.zshrc"),
        ShellName::Fish => FISH.to_owned(),
        ShellName::Powershell => POWERSHELL.to_owned(),
    }
}

pub(crate) fn run(args: InitArgs) -> Result<(), CliError> {
    super::write_stdout(&snippet(args.shell))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for shell in [
            ShellName::Bash,
            ShellName::Zsh,
            ShellName::Fish,
            ShellName::Powershell,
        ] {
            let text = snippet(shell);
            assert!(
                !text.contains("@SHELL@") && !text.contains("@RCFILE@"),
                "{shell:?}"
            );
            assert!(text.contains("rolecall env --unset"), "{shell:?}");
        }
        assert!(snippet(ShellName::Zsh).contains("ROLECALL_SHELL=zsh command rolecall"));
    }
}
