//! `rolecall completions SHELL` loaded in REAL bash, zsh and fish, asked for the candidates of a
//! TARGET in a throwaway HOME with a cached catalog, an alias and a chain. The identity center's
//! endpoint is a closed port and the token store is empty: candidates come from the cache alone.
//! Names from the network are data: one with a space comes back quoted for each shell, one with
//! a control character never comes back.
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
}

#[test]
fn zsh_completes_targets_from_the_cache() {
    let home = home();
    // compdef and _describe stand in for the completion system: the candidates _describe is
    // given are what zsh would offer (it quotes them itself when inserting).
    let code = "compdef() { :; }\n\
                _describe() { local -a c; c=(\"${(@P)3}\"); print -rl -- \"${c[@]}\"; }\n\
                source ./script\n\
                words=(rolecall exec pay); CURRENT=3\n\
                _clap_dynamic_completer_rolecall";
    let got = run(home.path(), "zsh", "zsh", code);
    assert_eq!(got, PAY);
    assert_no_network_and_no_store(home.path());
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
