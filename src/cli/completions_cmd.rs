//! `rolecall completions bash|zsh|fish|powershell`: the script a shell sources once, which asks
//! `rolecall` itself (`COMPLETE=<shell> rolecall -- WORDS…`, clap_complete's dynamic engine) for
//! the candidates of each word. A TARGET is completed from the cached catalogs, `[aliases]` and
//! the chains: no network, no token store (see [`complete_if_asked`]).

use std::sync::OnceLock;

use clap::CommandFactory as _;
use clap_complete::engine::CompletionCandidate;

use super::{Cli, CliError};
use crate::core::completion::{AskingShell, candidates};

/// The variable the scripts set to ask for candidates.
const VAR: &str = "COMPLETE";

/// The shells a script is written for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    pub shell: CompletionShell,
}

/// The shell asking, read before the engine clears `COMPLETE`.
static ASKING: OnceLock<AskingShell> = OnceLock::new();

/// When a completion script asks (`COMPLETE` is set), answers it and exits; else returns at
/// once. Called first thing by the binary: nothing is logged, nothing else is read.
pub fn complete_if_asked() {
    let Some(shell) = std::env::var_os(VAR) else {
        return;
    };
    let _ = ASKING.set(AskingShell::from_name(&shell.to_string_lossy()));
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .complete();
}

/// The TARGET candidates for `typed` (an [`clap_complete::ArgValueCompleter`]).
pub(crate) fn complete_target(typed: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let shell = ASKING.get().copied().unwrap_or(AskingShell::ZshOrFish);
    let Ok(paths) = crate::paths::Paths::from_env() else {
        return Vec::new();
    };
    let Ok(config) = crate::config::Config::load(&paths) else {
        return Vec::new();
    };
    let names = crate::workspace::target::cached_target_names(&paths, &config);
    candidates(&names, &typed.to_string_lossy(), shell)
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

pub(crate) fn run(args: CompletionsArgs) -> Result<(), CliError> {
    // The program the script runs: this one as it was started (made absolute when it was
    // started by a path), as clap_complete's own registration does.
    let started = std::env::args_os()
        .next()
        .unwrap_or_else(|| "rolecall".into());
    let mut completer = std::path::PathBuf::from(started);
    if completer.components().count() > 1
        && let Ok(dir) = std::env::current_dir()
    {
        completer = dir.join(completer);
    }
    let completer = completer.to_string_lossy();
    let shell: &dyn clap_complete::env::EnvCompleter = match args.shell {
        CompletionShell::Bash => &clap_complete::env::Bash,
        CompletionShell::Zsh => &clap_complete::env::Zsh,
        CompletionShell::Fish => &clap_complete::env::Fish,
        CompletionShell::Powershell => &clap_complete::env::Powershell,
    };
    let mut script = Vec::new();
    shell
        .write_registration(VAR, "rolecall", "rolecall", &completer, &mut script)
        .map_err(CliError::Stdout)?;
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if matches!(args.shell, CompletionShell::Zsh) {
        script.push_str(ZSH_AUTOLOADED);
    }
    super::write_stdout(&script)
}

/// The end of the zsh script. clap_complete's registers the completer with `compdef`, which is
/// all a sourced script has to do; saved as `_rolecall` in a directory of `fpath` (its
/// `#compdef rolecall` line), compinit autoloads it as the completer, so its first run is a
/// completion: that run completes too, else the first Tab would offer nothing.
const ZSH_AUTOLOADED: &str = r#"
if [[ "${funcstack[1]}" == _rolecall ]]; then
    _clap_dynamic_completer_rolecall "$@"
fi
"#;
