//! Handing credentials to shells: `rolecall exec`, `rolecall env` and the `rolecall init`
//! wrappers, run in REAL bash, zsh and fish against the emulator in a throwaway HOME.
//! PowerShell is checked as text. Secrets never appear in argv or in the test's output: the
//! shells write them to files, which are compared with what the emulator issued.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;
use rolecall::emulator::Emulator;

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");
const TARGET: &str = "payments-prod/AdministratorAccess";

struct Home {
    dir: tempfile::TempDir,
    url: String,
}

impl Home {
    /// A HOME with `[sso-session acme]` for the emulator and tokens in the file store.
    fn new(emu: &Emulator) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        std::fs::write(
            aws.join("config"),
            format!(
                "[sso-session acme]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n\
                 sso_registration_scopes = sso:account:access\n"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("rolecall.toml"),
            "[storage]\nbackend = \"file\"\n",
        )
        .unwrap();
        Self {
            dir,
            url: emu.url(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// `program args…` in the throwaway HOME, with the binary's directory first on PATH (so
    /// the wrappers' `command rolecall` finds it) and a profile set that the hand-over must
    /// clear.
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let bin_dir = Path::new(BIN).parent().unwrap();
        let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .unwrap();
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(self.path())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.path())
            .env("SHELL", "/bin/sh")
            .env("ROLECALL_CONFIG", self.file("rolecall.toml"))
            .env("ROLECALL_LOG_FILE", self.file("rolecall.log"))
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PROFILE", "someone-else")
            .env("AWS_DEFAULT_PROFILE", "someone-else")
            .stdin(Stdio::null());
        cmd
    }

    fn rolecall(&self, args: &[&str]) -> Output {
        self.command(BIN, args).output().unwrap()
    }

    /// Runs `script` (a file in HOME) with `shell`; `tty` gives it a pseudo-terminal.
    fn shell(&self, shell: &str, script: &str, tty: bool) -> Output {
        let name = format!("script.{shell}");
        std::fs::write(self.file(&name), script).unwrap();
        let direct: Vec<&str> = match shell {
            "bash" => vec!["bash", "--norc", "--noprofile", &name],
            "zsh" => vec!["zsh", "-f", &name],
            "fish" => vec!["fish", "--no-config", &name],
            other => panic!("no such shell {other}"),
        };
        let out = if tty {
            let line = direct.join(" ");
            self.command("script", &["-qec", &line, "/dev/null"])
                .output()
        } else {
            self.command(direct[0], &direct[1..]).output()
        };
        out.unwrap_or_else(|e| {
            panic!("cannot run {shell} (tests/run.sh installs zsh and fish from apt): {e}")
        })
    }

    /// A file a shell wrote a secret into, checked against what the emulator issued.
    fn assert_issued(&self, emu: &Emulator, name: &str) {
        let value = std::fs::read_to_string(self.file(name)).unwrap();
        assert!(!value.is_empty(), "{name} is empty");
        assert!(
            emu.issued_secrets().contains(&value),
            "{name} is not a secret the emulator issued"
        );
        std::fs::remove_file(self.file(name)).unwrap();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Signs in (auto-approved device code) and returns the home and the access key id `env`
/// hands out for [`TARGET`] (kept, so every later call hands out the same one).
async fn signed_in() -> (Emulator, Home, String) {
    let org = small_org_toml().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\napprove_after_seconds = 0",
    );
    let emu = start(&org).await;
    let home = Home::new(&emu);
    let out = home.rolecall(&["login", "--device-code", "--no-browser"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = home.rolecall(&["env", TARGET, "--shell", "bash"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let akid = stdout
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_ACCESS_KEY_ID='"))
        .and_then(|rest| rest.strip_suffix('\''))
        .expect("an AWS_ACCESS_KEY_ID line")
        .to_owned();
    assert!(akid.starts_with("ASIA"), "{akid}");
    (emu, home, akid)
}

/// What a shell reports about the variables: the key id, a secret and a token written to
/// files (named after `tag`), and which of the others are set.
fn report(shell: &str, tag: &str) -> String {
    match shell {
        "fish" => format!(
            "echo \"{tag} akid=$AWS_ACCESS_KEY_ID region=$AWS_REGION/$AWS_DEFAULT_REGION\"\n\
             printf %s \"$AWS_SECRET_ACCESS_KEY\" > secret.{tag}\n\
             printf %s \"$AWS_SESSION_TOKEN\" > token.{tag}\n\
             set -q AWS_CREDENTIAL_EXPIRATION; and echo \"{tag} expiration=set\"\n\
             set -q AWS_PROFILE; or echo \"{tag} profile=unset\"\n"
        ),
        _ => format!(
            "echo \"{tag} akid=$AWS_ACCESS_KEY_ID region=$AWS_REGION/$AWS_DEFAULT_REGION\"\n\
             printf %s \"$AWS_SECRET_ACCESS_KEY\" > secret.{tag}\n\
             printf %s \"$AWS_SESSION_TOKEN\" > token.{tag}\n\
             [ -n \"${{AWS_CREDENTIAL_EXPIRATION-}}\" ] && echo \"{tag} expiration=set\"\n\
             [ -z \"${{AWS_PROFILE+x}}\" ] && echo \"{tag} profile=unset\"\n"
        ),
    }
}

/// The line a shell prints when the key id is (no longer) set.
fn cleared(shell: &str, tag: &str) -> String {
    match shell {
        "fish" => format!("set -q AWS_ACCESS_KEY_ID; or echo \"{tag} cleared\"\n"),
        _ => format!("[ -z \"${{AWS_ACCESS_KEY_ID+x}}\" ] && echo \"{tag} cleared\"\n"),
    }
}

fn expect_report(shell: &str, stdout: &str, tag: &str, akid: &str) {
    for want in [
        format!("{tag} akid={akid} region={REGION}/{REGION}"),
        format!("{tag} expiration=set"),
        format!("{tag} profile=unset"),
    ] {
        assert!(
            stdout.contains(&want),
            "{shell}: missing {want:?} in:\n{stdout}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn env_sets_and_unsets_variables_in_bash_zsh_and_fish() {
    let (emu, home, akid) = signed_in().await;
    for shell in ["bash", "zsh", "fish"] {
        // The documented one-liners, with the init wrapper loaded: its own output is captured
        // here, so it stays out of the way and the calling shell does the eval.
        let (load, apply, unset) = match shell {
            "fish" => (
                "rolecall init fish | source\n".to_owned(),
                format!("rolecall env {TARGET} | source\n"),
                "rolecall env --unset | source\n".to_owned(),
            ),
            _ => (
                format!("eval \"$(rolecall init {shell})\"\n"),
                format!("eval \"$(rolecall env {TARGET})\"\n"),
                "eval \"$(rolecall env --unset)\"\n".to_owned(),
            ),
        };
        let script = format!(
            "{load}{apply}{}{unset}{}",
            report(shell, "eval"),
            cleared(shell, "eval")
        );
        let out = home.shell(shell, &script, false);
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "{shell}: {stdout}{}",
            text(&out.stderr)
        );
        expect_report(shell, &stdout, "eval", &akid);
        assert!(stdout.contains("eval cleared"), "{shell}: {stdout}");
        home.assert_issued(&emu, "secret.eval");
        home.assert_issued(&emu, "token.eval");

        // Through the wrapper at a terminal: `rolecall env TARGET` sets the variables in the
        // calling shell itself, `rolecall env --unset` clears them; anything that is not our
        // export lines (a failure, --version) is shown and its exit code kept.
        let status = match shell {
            "fish" => "echo \"status=$status\"\n",
            _ => "echo \"status=$?\"\n",
        };
        let script = format!(
            "{load}rolecall env {TARGET}\n{}rolecall env --unset\n{}\
             rolecall env no-such-role\n{status}rolecall --version\n",
            report(shell, "wrapped"),
            cleared(shell, "wrapped"),
        );
        let out = home.shell(shell, &script, true);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{shell}: {stdout}");
        expect_report(shell, &stdout, "wrapped", &akid);
        assert!(stdout.contains("wrapped cleared"), "{shell}: {stdout}");
        assert!(stdout.contains("status=2"), "{shell}: {stdout}");
        assert!(stdout.contains("rolecall 0.1"), "{shell}: {stdout}");
        assert!(
            !stdout.contains("export ") && !stdout.contains("set -gx"),
            "{shell}: the wrapper printed its exports instead of applying them:\n{stdout}"
        );
        home.assert_issued(&emu, "secret.wrapped");
        home.assert_issued(&emu, "token.wrapped");
    }
}

/// The region the user set survives `env --unset` (rolecall's own is taken back, theirs
/// restored) and wins when nothing more specific names one; `ROLECALL_SESSION` names the role
/// `env` handed over, also right after `env` inside an `exec` subshell; `env` is not a subshell
/// (`exec` after it is no nesting).
#[tokio::test(flavor = "multi_thread")]
async fn env_keeps_the_users_region_and_names_the_role_in_bash_zsh_and_fish() {
    let (_emu, home, _akid) = signed_in().await;
    const OTHER: &str = "payments-dev/AdministratorAccess";
    for shell in ["bash", "zsh", "fish"] {
        let (load, user, apply, apply_flag, unset) = match shell {
            "fish" => (
                "rolecall init fish | source\n".to_owned(),
                "set -gx AWS_REGION eu-north-1\n",
                format!("rolecall env {TARGET} | source\n"),
                format!("rolecall env {TARGET} --region ap-south-1 | source\n"),
                "rolecall env --unset | source\n",
            ),
            _ => (
                format!("eval \"$(rolecall init {shell})\"\n"),
                "export AWS_REGION=eu-north-1\n",
                format!("eval \"$(rolecall env {TARGET})\"\n"),
                format!("eval \"$(rolecall env {TARGET} --region ap-south-1)\"\n"),
                "eval \"$(rolecall env --unset)\"\n",
            ),
        };
        let show = |tag: &str| {
            format!(
                "echo \"{tag} region=[$AWS_REGION] default=[$AWS_DEFAULT_REGION] session=[$ROLECALL_SESSION]\"\n"
            )
        };
        let script = format!(
            "{load}{apply}{}{unset}{}{user}{apply}{}{apply_flag}{}rolecall exec {TARGET} -- true\n\
             echo \"exec after env: $?\"\n{unset}{}{unset}{}",
            show("none"),
            show("none-unset"),
            show("user"),
            show("flag"),
            show("user-unset"),
            show("again"),
        )
        .replace("$?", if shell == "fish" { "$status" } else { "$?" });
        let out = home.shell(shell, &script, false);
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "{shell}: {stdout}{}",
            text(&out.stderr)
        );
        for want in [
            format!("none region=[{REGION}] default=[{REGION}] session=[{TARGET}]"),
            "none-unset region=[] default=[] session=[]".to_owned(),
            format!("user region=[eu-north-1] default=[eu-north-1] session=[{TARGET}]"),
            format!("flag region=[ap-south-1] default=[ap-south-1] session=[{TARGET}]"),
            "exec after env: 0".to_owned(),
            "user-unset region=[eu-north-1] default=[] session=[]".to_owned(),
            "again region=[eu-north-1] default=[] session=[]".to_owned(),
        ] {
            assert!(
                stdout.contains(&want),
                "{shell}: missing {want:?} in:\n{stdout}"
            );
        }
    }
    // Inside an exec subshell, env names the new role.
    for shell in ["bash", "zsh"] {
        let out = home.rolecall(&[
            "exec",
            TARGET,
            "--",
            shell,
            "-c",
            &format!(
                "echo \"before=$ROLECALL_SESSION\"; eval \"$(rolecall env {OTHER})\"; \
                 echo \"after=$ROLECALL_SESSION\""
            ),
        ]);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        assert_eq!(
            stdout,
            format!("before={TARGET}\nafter={OTHER}\n"),
            "{shell}"
        );
    }
}

/// The region rule through the real binary: `--region` > a `[[regions]]` entry > the user's AWS
/// CLI profile for the role > the user's `AWS_REGION` > the identity center's.
#[tokio::test(flavor = "multi_thread")]
async fn env_follows_the_region_rule() {
    let (_emu, home, _akid) = signed_in().await;
    let region = |extra: &[&str], user: Option<&str>| {
        let mut args = vec!["env", TARGET, "--shell", "bash"];
        args.extend_from_slice(extra);
        let mut cmd = home.command(BIN, &args);
        if let Some(user) = user {
            cmd.env("AWS_REGION", user);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("export AWS_REGION='"))
            .and_then(|r| r.strip_suffix('\''))
            .unwrap()
            .to_owned()
    };
    assert_eq!(region(&[], None), REGION, "the identity center's");
    assert_eq!(region(&[], Some("sa-east-1")), "sa-east-1", "the user's");
    let config = home.file(".aws/config");
    let mut text_of = std::fs::read_to_string(&config).unwrap();
    text_of.push_str(
        "[profile mine]\nsso_session = acme\nsso_account_id = 111111111111\n\
         sso_role_name = AdministratorAccess\nregion = ca-central-1\n",
    );
    std::fs::write(&config, text_of).unwrap();
    assert_eq!(
        region(&[], Some("sa-east-1")),
        "ca-central-1",
        "the profile's"
    );
    let toml = home.file("rolecall.toml");
    let mut rules = std::fs::read_to_string(&toml).unwrap();
    rules.push_str("[[regions]]\naccount = \"payments-*\"\nregion = \"eu-west-3\"\n");
    std::fs::write(&toml, &rules).unwrap();
    assert_eq!(region(&[], Some("sa-east-1")), "eu-west-3", "the rule's");
    assert_eq!(
        region(&["--region", "ap-south-1"], Some("sa-east-1")),
        "ap-south-1",
        "the flag's"
    );
    let out = home.rolecall(&["env", TARGET, "--region", "EU west"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad --region is a usage error"
    );
    rules.push_str("[[regions]]\naccount = \"x\"\nregion = \"nowhere 1\"\n");
    std::fs::write(&toml, &rules).unwrap();
    let out = home.rolecall(&["env", TARGET]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("rolecall.toml:8: \"nowhere 1\" is not a region name"),
        "{stderr}"
    );
}

/// The README's bash and zsh prompt lines, run in real bash and zsh: they show the role `env`
/// handed over, nothing once it is unset, and a hostile name as text (no command runs, no zsh
/// prompt escape is taken).
#[tokio::test(flavor = "multi_thread")]
async fn the_readme_prompt_shows_the_role_in_bash_and_zsh() {
    let (_emu, home, _akid) = signed_in().await;
    let readme = include_str!("../../README.md");
    let block = readme
        .split("## The prompt")
        .nth(1)
        .and_then(|s| s.split("```sh\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the README's prompt block");
    let lines = |shell: &str| -> String {
        block
            .lines()
            .filter(|l| l.trim_end().ends_with(&format!("# {shell}")))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let hostile = "evil$(touch pwned)`touch pwned2`%B%~\\w/Admin";
    for (shell, expand) in [
        ("bash", "echo \"[${PS1@P}]\""),
        ("zsh", "print -rP -- \"[$PS1]\""),
    ] {
        let script = format!(
            "PS1='$ '\n{}eval \"$(rolecall env {TARGET})\"\n{expand}\n\
             eval \"$(rolecall env --unset)\"\n{expand}\n\
             export ROLECALL_SESSION='{hostile}'\n{expand}\n",
            lines(shell)
        );
        let out = home.shell(shell, &script, false);
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "{shell}: {stdout}{}",
            text(&out.stderr)
        );
        assert_eq!(
            stdout,
            format!("[({TARGET}) $ ]\n[$ ]\n[({hostile}) $ ]\n"),
            "{shell}"
        );
        assert!(!home.file("pwned").exists() && !home.file("pwned2").exists());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_hands_the_role_to_a_command_and_keeps_its_exit_code() {
    let (emu, home, akid) = signed_in().await;

    let out = home.rolecall(&[
        "exec",
        TARGET,
        "--",
        "sh",
        "-c",
        "echo \"$AWS_ACCESS_KEY_ID $ROLECALL_SESSION $AWS_REGION ${AWS_PROFILE-none} ${AWS_DEFAULT_PROFILE-none}\"; \
         printf %s \"$AWS_SECRET_ACCESS_KEY\" > secret.exec; printf %s \"$AWS_SESSION_TOKEN\" > token.exec; \
         echo \"$AWS_CREDENTIAL_EXPIRATION $AWS_SESSION_EXPIRATION\"",
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("{akid} {TARGET} {REGION} none none").as_str())
    );
    let expiry: Vec<&str> = lines.next().unwrap().split(' ').collect();
    assert_eq!(expiry[0], expiry[1]);
    assert!(
        time::OffsetDateTime::parse(expiry[0], &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{expiry:?}"
    );
    home.assert_issued(&emu, "secret.exec");
    home.assert_issued(&emu, "token.exec");

    // The exit code passes through; a signal death is 128 + the signal.
    let out = home.rolecall(&["exec", TARGET, "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let out = home.rolecall(&["exec", TARGET, "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.code(), Some(143), "{}", text(&out.stderr));
    // Ctrl-C reaches the command, which decides; rolecall waits for it and keeps its code.
    let out = home.rolecall(&["exec", TARGET, "--", "sh", "-c", "kill -INT $PPID; exit 5"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    let out = home.rolecall(&["exec", TARGET, "--", "no-such-program-here"]);
    assert_eq!(out.status.code(), Some(127));
    assert!(
        text(&out.stderr).contains("cannot run no-such-program-here"),
        "{}",
        text(&out.stderr)
    );

    // No command: $SHELL, here a script reading its commands from stdin.
    let out = home
        .command(BIN, &["exec", TARGET])
        .env("SHELL", "sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"echo \"in $ROLECALL_SESSION\"; exit 3\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(text(&out.stdout), format!("in {TARGET}\n"));

    // Nesting is refused (exit 2, one line) unless asked for.
    let out = home
        .command(BIN, &["exec", TARGET, "--", "sh", "-c", "echo ran"])
        .env("ROLECALL_SUBSHELL", "payments-dev/ReadOnlyAccess")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("already inside a rolecall session (payments-dev/ReadOnlyAccess")
            && stderr.contains("--nest"),
        "{stderr}"
    );
    let out = home
        .command(
            BIN,
            &[
                "exec",
                TARGET,
                "--nest",
                "--",
                "sh",
                "-c",
                "echo \"$ROLECALL_SESSION\"",
            ],
        )
        .env("ROLECALL_SUBSHELL", "payments-dev/ReadOnlyAccess")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{TARGET}\n"));

    // A nested exec from inside an exec: refused, and the refusal's code comes back out.
    let out = home.rolecall(&[
        "exec",
        TARGET,
        "--",
        "sh",
        "-c",
        &format!("rolecall exec {TARGET} -- true"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_aws_cli_accepts_what_exec_hands_over() {
    let (_emu, home, _akid) = signed_in().await;
    let out = home.rolecall(&[
        "exec",
        TARGET,
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--output",
        "json",
    ]);
    assert!(
        out.status.success(),
        "the AWS CLI (tests/run.sh installs it): {}",
        text(&out.stderr)
    );
    let who: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        who["Arn"].as_str().unwrap().starts_with(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_"
        ),
        "{who}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn powershell_lines_and_wrapper_as_text() {
    let (_emu, home, akid) = signed_in().await;
    let out = home.rolecall(&["env", TARGET, "--shell", "powershell"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("$Env:AWS_ACCESS_KEY_ID = '{akid}'"));
    for (line, name) in lines.iter().zip([
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_SESSION_EXPIRATION",
    ]) {
        let prefix = format!("$Env:{name} = '");
        assert!(
            line.starts_with(&prefix) && line.ends_with('\'') && line.len() > prefix.len() + 1,
            "{name}: not a PowerShell assignment"
        );
    }
    assert_eq!(
        lines.last().copied(),
        Some("Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue")
    );
    assert!(lines.contains(&format!("$Env:ROLECALL_SESSION = '{TARGET}'").as_str()));
    // The 7 variables, the user's regions kept aside (none here), whose the region is, the
    // role's name, and AWS_PROFILE removed.
    assert_eq!(lines.len(), 12, "{lines:?}");

    // The $SHELL default, and `pwsh` as a name for it.
    let out = home
        .command(BIN, &["env", "--unset"])
        .env("SHELL", "/usr/bin/pwsh")
        .output()
        .unwrap();
    let unset = text(&out.stdout);
    assert_eq!(
        unset.lines().next(),
        Some("Remove-Item Env:AWS_ACCESS_KEY_ID -ErrorAction SilentlyContinue")
    );
    // The 5 credential variables and rolecall's 4 (no region of rolecall's to clear here).
    assert_eq!(unset.lines().count(), 9, "{unset}");
    let out = home.rolecall(&["env", "--unset", "--shell", "pwsh"]);
    assert_eq!(text(&out.stdout), unset);

    let out = home.rolecall(&["init", "powershell"]);
    assert!(out.status.success());
    let snippet = text(&out.stdout);
    for want in [
        "function global:rolecall",
        "Invoke-Expression (& rolecall init powershell | Out-String)",
        "$Env:ROLECALL_SHELL = 'powershell'",
        "Invoke-Expression ($out -join \"`n\")",
        "$global:LASTEXITCODE = $code",
    ] {
        assert!(snippet.contains(want), "missing {want:?}");
    }
}

#[test]
fn env_unset_needs_no_sign_in_and_follows_the_shell() {
    let home = Home {
        dir: tempfile::tempdir().unwrap(),
        url: "http://127.0.0.1:9".into(),
    };
    for (shell, first) in [
        ("bash", "unset AWS_ACCESS_KEY_ID"),
        ("zsh", "unset AWS_ACCESS_KEY_ID"),
        ("fish", "set -e AWS_ACCESS_KEY_ID"),
    ] {
        let out = home.rolecall(&["env", "--unset", "--shell", shell]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert_eq!(stdout.lines().next(), Some(first));
        assert!(stdout.contains("AWS_SESSION_EXPIRATION"));
    }
    // The wrappers' override wins over $SHELL.
    let out = home
        .command(BIN, &["env", "--unset"])
        .env("SHELL", "/bin/bash")
        .env("ROLECALL_SHELL", "fish")
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).lines().next(),
        Some("set -e AWS_ACCESS_KEY_ID")
    );
    // A target is needed without --unset; both together make no sense.
    let out = home.rolecall(&["env"]);
    assert_eq!(out.status.code(), Some(2));
    let out = home.rolecall(&["env", TARGET, "--unset"]);
    assert_eq!(out.status.code(), Some(2));
    // init prints a function for each shell.
    for shell in ["bash", "zsh", "fish"] {
        let out = home.rolecall(&["init", shell]);
        assert!(out.status.success());
        assert!(text(&out.stdout).contains("rolecall env --unset"));
    }
    let out = home.rolecall(&["init", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

/// An account and a role whose names are shell code, as a compromised portal (or anyone who may
/// name an account) can send them.
const HOSTILE_ACCOUNT: &str = "sandbox$(touch marker-account)";
const HOSTILE_ROLE: &str = "Ops'Role`touch marker-tick`$(touch marker-role)";

fn hostile_org() -> String {
    let org = small_org_toml().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\napprove_after_seconds = 0",
    );
    org.replace(
        "[[users]]",
        &format!(
            "[[accounts]]\nid = \"444444444444\"\nname = '''{HOSTILE_ACCOUNT}'''\npermission_sets = ['''{HOSTILE_ROLE}''']\n\n[[users]]"
        ),
    )
    .replace(
        "accounts = [\"payments-prod\", \"222222222222\"]",
        "accounts = [\"payments-prod\", \"222222222222\", \"444444444444\"]",
    )
}

/// `rolecall action` with hostile names: nothing they contain runs, and the command gets each
/// name exactly, as a quoted `{placeholder}` and in its `ROLECALL_*` variable.
#[tokio::test(flavor = "multi_thread")]
async fn action_placeholders_and_variables_carry_hostile_names_as_data() {
    use common::cli_home::Home as CliHome;
    let emu = start(&hostile_org()).await;
    // One action per name, so that a syntax error in one cannot hide code run by the other.
    let actions = r#"
[[actions]]
name = "account"
command = '''printf '%s\n' {account_name} >arg-account; printf '%s\n' "$ROLECALL_ACCOUNT_NAME" >env-account; printf '%s\n' {account_id} >arg-id; printf '%s\n' "$ROLECALL_ACCOUNT_ID" >env-id; printf '%s\n' "$ROLECALL_REGION" >env-region'''

[[actions]]
name = "role"
command = '''printf '%s\n' {role_name} >arg-role; printf '%s\n' "$ROLECALL_ROLE_NAME" >env-role'''
"#;
    let home = CliHome::new(&emu, "", actions);
    home.login();
    let target = format!("444444444444/{HOSTILE_ROLE}");
    let mut stderr = String::new();
    for action in ["account", "role"] {
        let out = home
            .command(BIN, &["action", action, &target])
            .current_dir(home.path())
            .output()
            .unwrap();
        stderr.push_str(&text(&out.stderr));
        for marker in ["marker-account", "marker-tick", "marker-role"] {
            assert!(
                !home.path().join(marker).exists(),
                "{marker}: a name ran as code: {stderr}"
            );
        }
        assert!(out.status.success(), "{action}: {stderr}");
    }
    let read = |name: &str| std::fs::read_to_string(home.path().join(name)).unwrap_or_default();
    for (file, want) in [
        ("arg-account", HOSTILE_ACCOUNT),
        ("env-account", HOSTILE_ACCOUNT),
        ("arg-role", HOSTILE_ROLE),
        ("env-role", HOSTILE_ROLE),
        ("arg-id", "444444444444"),
        ("env-id", "444444444444"),
        ("env-region", REGION),
    ] {
        assert_eq!(read(file), format!("{want}\n"), "{file}: {stderr}");
    }
}
