//! `rolecall completions SHELL` loaded in REAL bash, zsh and fish, asked for the candidates of a
//! TARGET in a throwaway HOME with a cached catalog, an alias and a chain. The identity center's
//! endpoint is a closed port and the token store is empty: candidates come from the cache alone.
//! Names from the network are data: one with a space comes back quoted for each shell, one with
//! shell code (`$(…)`, backquotes, `;`, `*`, `:`) is inserted quoted and never run, one with a
//! control character never comes back. zsh is driven through its own completion system
//! (compinit, `_main_complete`, the completer the script registers) on a pseudo-terminal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use rolecall::catalog::CatalogCache;
use rolecall::core::catalog::{Account, AccountEntry, AccountId, Catalog, Roles};

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

/// What `rolecall exec pay<Tab>` offers in zsh and fish (which quote it themselves), sorted.
const PAY: [&str; 5] = [
    "pay-deploy",
    "payments dev/Admin",
    "payments-prod/Admin",
    "payments-prod/ReadOnly",
    "payprod",
];

/// An account name from the network that is shell code in every shell (and a `:`, which
/// zsh's `_describe` reads as the start of a description unless escaped).
const HOSTILE: &str = "ops $(touch pwned) `touch pwned` *:x;y";

/// A HOME whose only knowledge of the organization is the catalog cache.
fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let aws = dir.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("rolecall.toml"),
        "[storage]\nbackend = \"file\"\n\n[aliases]\npayprod = \"payments-prod/ReadOnly\"\n\n\
         [[chains]]\nname = \"pay-deploy\"\nsource = \"payments-prod/Admin\"\n\
         role_arn = \"arn:aws:iam::111111111111:role/deploy\"\n",
    )
    .unwrap();
    let entry = |id: &str, name: &str, roles: &[&str]| AccountEntry {
        account: Account {
            id: AccountId::parse(id).unwrap(),
            name: name.into(),
            email: None,
        },
        roles: Roles::Listed(roles.iter().map(|r| (*r).to_owned()).collect()),
    };
    let catalog = Catalog {
        session: "acme".into(),
        listed_at: 1_700_000_000,
        accounts: vec![
            entry("111111111111", "payments-prod", &["Admin", "ReadOnly"]),
            entry("222222222222", "payments dev", &["Admin"]),
            entry("333333333333", "pay\u{1b}]0;owned\u{7}", &["Admin"]),
            entry("444444444444", "security", &["Audit"]),
            entry("555555555555", HOSTILE, &["Admin"]),
        ],
    };
    let paths = rolecall::paths::Paths::from_lookup(|k| {
        (k == "HOME").then(|| dir.path().as_os_str().to_owned())
    })
    .unwrap();
    CatalogCache::for_session(&paths, "acme")
        .save(&catalog)
        .unwrap();
    dir
}

/// `program args…` in `home`, the binary's directory first on PATH, nothing reachable.
fn command(home: &Path, program: &str, args: &[&str]) -> Command {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(home)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("ROLECALL_CONFIG", home.join("rolecall.toml"))
        .env("ROLECALL_LOG_FILE", home.join("rolecall.log"))
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    cmd
}

fn script(home: &Path, shell: &str) -> String {
    let out = command(home, BIN, &["completions", shell])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("COMPLETE"), "{script}");
    script
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `program -c code` in `home` with the script at `home/script`; its stdout's lines.
fn run(home: &Path, program: &str, shell: &str, code: &str) -> Vec<String> {
    std::fs::write(home.join("script"), script(home, shell)).unwrap();
    let out = command(home, program, &["-c", code]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\u{1b}'),
        "a control character came through: {}",
        text(&out)
    );
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

fn assert_no_network_and_no_store(home: &Path) {
    let log = std::fs::read_to_string(home.join("rolecall.log")).unwrap_or_default();
    assert!(!log.contains("127.0.0.1:9"), "{log}");
    let state = home.join(".local/state/rolecall");
    let stored = std::fs::read_dir(&state)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    assert!(
        !stored.iter().any(|n| n.to_string_lossy().contains("token")),
        "{stored:?}"
    );
}

/// bash: the registered function, called as bash's programmable completion would.
fn bash(home: &Path, line: &[&str]) -> Vec<String> {
    let words = line
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let code = format!(
        "source ./script\n\
         COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9\n\
         f=$(complete -p rolecall | sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p')\n\
         \"$f\" rolecall \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\""
    );
    run(home, "bash", "bash", &code)
}

#[test]
fn bash_completes_targets_from_the_cache_escaped() {
    let home = home();
    let got = bash(home.path(), &["rolecall", "exec", "pay"]);
    assert_eq!(
        got,
        [
            "pay-deploy",
            "payments-prod/Admin",
            "payments-prod/ReadOnly",
            "payments\\ dev/Admin",
            "payprod",
        ]
    );
    // What the person typed is read as bash reads it.
    let got = bash(home.path(), &["rolecall", "env", "payments\\ d"]);
    assert_eq!(got, ["payments\\ dev/Admin"]);
    let got = bash(home.path(), &["rolecall", "console", "4444"]);
    assert_eq!(got, ["444444444444/Audit"]);
    assert_no_network_and_no_store(home.path());
}

#[test]
fn bash_takes_an_escaped_candidate_as_one_word() {
    let home = home();
    let got = bash(home.path(), &["rolecall", "whoami", "payments\\ "]);
    assert_eq!(got, ["payments\\ dev/Admin"]);
    // The candidate, put on a command line, is the account's name as one argument.
    let out = command(
        home.path(),
        "bash",
        &["-c", &format!("printf '%s\\n' {}", got[0])],
    )
    .output()
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "payments dev/Admin\n");
    // Shell code from the network is one word of data.
    let got = bash(home.path(), &["rolecall", "exec", "ops"]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        read_by("bash", home.path(), &got[0]),
        format!("{HOSTILE}/Admin")
    );
    assert!(!home.path().join("pwned").exists());
}

/// The `.zshrc` of a throwaway ZDOTDIR: the completion system as a person sets it up, the
/// script loaded as the README says (`INSTALL`, see [`ZshInstall`]), and two hooks of the
/// test's own. `compadd` (which every
/// completer ends in) records the matches compsys adds after its own matching, as zsh would
/// insert them, then adds them as it would have; ctrl-x d writes the command line to a file
/// and prints a marker that the typed keys cannot match (they hold `END''MARK`).
const ZSHRC: &str = r#"PS1='zsh-ready> '; RPS1=''
bindkey -e
INSTALL
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __matches
  builtin compadd -A __matches "$@"
  (( $#__matches )) && print -rl -- "${__matches[@]}" >> "$HOME/zsh-matches"
  builtin compadd "$@"
}
dump-line() { print -r -- "$BUFFER" > "$HOME/zsh-line"; BUFFER="print END''MARK"; zle accept-line; }
zle -N dump-line
bindkey '^Xd' dump-line
"#;

/// Starts an interactive zsh on a pseudo-terminal (zsh/zpty), waits for its prompt, types `$1`
/// (ending in a Tab) and ctrl-x d, and waits for the marker.
const ZSH_DRIVER: &str = r#"zmodload zsh/zpty || exit 3
zpty z zsh -i || exit 4
zpty -r z out '*zsh-ready> *' || exit 5
zpty -w -n z "$1"$'\C-xd'
zpty -r z out '*ENDMARK*' || exit 6
zpty -d z
"#;

/// The two ways the README gives to install the script.
#[derive(Debug, Clone, Copy)]
enum ZshInstall {
    /// `source <(rolecall completions zsh)` after compinit.
    Sourced,
    /// The script saved as `_rolecall` in a directory of `fpath`, which compinit autoloads
    /// when rolecall is first completed.
    Fpath,
}

/// zsh's completion system asked by a person typing `line` then Tab: the matches it added
/// (sorted) and the command line after the Tab.
fn zsh(home: &Path, line: &str) -> (Vec<String>, String) {
    zsh_installed(home, ZshInstall::Sourced, line)
}

fn zsh_installed(home: &Path, install: ZshInstall, line: &str) -> (Vec<String>, String) {
    let zdotdir = home.join("zdot");
    let functions = zdotdir.join("functions");
    std::fs::create_dir_all(&functions).unwrap();
    let compinit = r#"autoload -U compinit && compinit -u -d "$ZDOTDIR/.zcompdump""#;
    let install = match install {
        ZshInstall::Sourced => format!("{compinit}\nsource <(rolecall completions zsh)"),
        ZshInstall::Fpath => {
            std::fs::write(functions.join("_rolecall"), script(home, "zsh")).unwrap();
            format!("fpath=(\"$ZDOTDIR/functions\" $fpath)\n{compinit}")
        }
    };
    std::fs::write(zdotdir.join(".zshrc"), ZSHRC.replace("INSTALL", &install)).unwrap();
    std::fs::write(home.join("drive.zsh"), ZSH_DRIVER).unwrap();
    let _ = std::fs::remove_file(home.join("zsh-matches"));
    let _ = std::fs::remove_file(home.join("zsh-line"));
    // `timeout` ends a zsh that never shows the marker (a broken script), so a failure is a
    // message rather than a hang.
    let out = command(
        home,
        "timeout",
        &["20", "zsh", "-f", "drive.zsh", &format!("{line}\t")],
    )
    .env("ZDOTDIR", &zdotdir)
    .env("TERM", "xterm")
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let matches = std::fs::read_to_string(home.join("zsh-matches")).unwrap_or_default();
    assert!(!matches.contains('\u{1b}'), "{matches}");
    let mut matches: Vec<String> = matches.lines().map(str::to_owned).collect();
    matches.sort();
    let line = std::fs::read_to_string(home.join("zsh-line")).unwrap();
    (matches, line.trim_end_matches('\n').to_owned())
}

/// What `word` means to a shell that reads it as an argument.
fn read_by(shell: &str, home: &Path, word: &str) -> String {
    let out = command(home, shell, &["-c", &format!("printf '%s\\n' {word}")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
}

#[test]
fn zsh_compsys_completes_targets_from_the_cache() {
    let home = home();
    let (matches, line) = zsh(home.path(), "rolecall exec pay");
    assert_eq!(
        matches,
        [
            "pay-deploy",
            "payments-prod/Admin",
            "payments-prod/ReadOnly",
            "payments\\ dev/Admin",
            "payprod",
        ]
    );
    assert_eq!(line, "rolecall exec pay");
    let (matches, line) = zsh(home.path(), "rolecall console 4444");
    assert_eq!(matches, ["444444444444/Audit"]);
    assert_eq!(line, "rolecall console 444444444444/Audit ");
    let (_, line) = zsh(home.path(), "rolecall whoami payments-prod/R");
    assert_eq!(line, "rolecall whoami payments-prod/ReadOnly ");
    assert_no_network_and_no_store(home.path());
}

/// Saved in `fpath`, the script completes from the first Tab (compinit autoloads it as the
/// completer of `rolecall`, and its first call is a completion).
#[test]
fn zsh_compsys_completes_from_the_script_in_fpath() {
    let home = home();
    let (matches, line) = zsh_installed(home.path(), ZshInstall::Fpath, "rolecall console 4444");
    assert_eq!(matches, ["444444444444/Audit"]);
    assert_eq!(line, "rolecall console 444444444444/Audit ");
}

#[test]
fn zsh_compsys_completes_a_word_typed_quoted() {
    let home = home();
    for (typed, inserted) in [
        ("payments\\ d", "payments\\ dev/Admin "),
        ("'payments d", "'payments dev/Admin' "),
        ("\"payments d", "\"payments dev/Admin\" "),
    ] {
        let (_, line) = zsh(home.path(), &format!("rolecall env {typed}"));
        assert_eq!(line, format!("rolecall env {inserted}"), "typed {typed}");
    }
}

#[test]
fn zsh_compsys_inserts_shell_code_from_the_network_as_data() {
    let home = home();
    let (matches, line) = zsh(home.path(), "rolecall exec ops");
    let word = line.strip_prefix("rolecall exec ").unwrap().trim_end();
    assert_eq!(matches, [word], "{line}");
    // The inserted word is the account's name, as one argument, for zsh and for bash.
    let name = format!("{HOSTILE}/Admin");
    assert_eq!(read_by("zsh", home.path(), word), name);
    assert_eq!(read_by("bash", home.path(), word), name);
    // Nothing of it ran: not while completing, not while inserting.
    assert!(!home.path().join("pwned").exists());
    // Typed quoted, as a person who saw the list would go on.
    let (_, line) = zsh(home.path(), "rolecall exec ops\\ \\$");
    assert_eq!(line, format!("rolecall exec {word} "));
    assert!(!home.path().join("pwned").exists());
}

#[test]
fn fish_completes_targets_from_the_cache() {
    let home = home();
    let code = "source ./script; complete -C 'rolecall exec pay'";
    let got = run(home.path(), "fish", "fish", code);
    assert_eq!(got, PAY);
    let got = run(
        home.path(),
        "fish",
        "fish",
        "source ./script; complete -C 'rolecall whoami 1111'",
    );
    assert_eq!(got, ["111111111111/Admin", "111111111111/ReadOnly"]);
    // A word typed quoted is read as fish reads it.
    for typed in ["payments\\ d", "\"payments d"] {
        let code = format!("source ./script; complete -C 'rolecall env {typed}'");
        let got = run(home.path(), "fish", "fish", &code);
        assert_eq!(got, ["payments dev/Admin"], "typed {typed}");
    }
    let got = run(
        home.path(),
        "fish",
        "fish",
        "source ./script; complete -C 'rolecall exec ops'",
    );
    assert_eq!(got, [format!("{HOSTILE}/Admin")]);
    assert!(!home.path().join("pwned").exists());
    assert_no_network_and_no_store(home.path());
}

#[test]
fn every_shell_gets_a_script_powershell_included() {
    let home = home();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = script(home.path(), shell);
        assert!(script.contains(BIN), "{shell}: {script}");
    }
    let out = command(home.path(), BIN, &["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
