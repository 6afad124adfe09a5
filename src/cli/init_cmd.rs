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

    /// The README's starship snippet parses, uses only keys starship's `env_var` module has
    /// (its `EnvVarConfig`), and reads the variable the hand-overs set.
    #[test]
    fn the_starship_snippet_reads_the_variable_we_set() {
        let text = include_str!("../../assets/shell/starship.toml");
        let doc: toml::Table = toml::from_str(text).unwrap();
        let module = doc["env_var"]["ROLECALL_SESSION"].as_table().unwrap();
        assert_eq!(
            module["variable"].as_str(),
            Some(crate::core::exports::SESSION)
        );
        for key in module.keys() {
            assert!(
                [
                    "symbol",
                    "style",
                    "variable",
                    "default",
                    "format",
                    "disabled",
                    "description"
                ]
                .contains(&key.as_str()),
                "starship's env_var has no {key}"
            );
        }
        assert!(module["format"].as_str().unwrap().contains("$env_value"));
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(text.trim()),
            "the README shows the snippet as shipped"
        );
    }
}
