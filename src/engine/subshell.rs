//! Running a shell or a command with a role's credentials in its environment (`rolecall exec`,
//! and the app's subshell once the terminal is restored).
//!
//! The secrets travel only through the child's environment, never its argv. The child gets the
//! variables of [`crate::core::exports::variables`], the [`MARKER`] naming the role, and loses
//! the [`REMOVED`] variables.

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::process::ExitStatus;

use crate::core::action::ActionCommand;
use crate::core::container_credentials::{AUTHORIZATION_TOKEN, FULL_URI, SHADOWING};
use crate::core::credentials::Credentials;
use crate::core::exports::{ShellRegion, variables};
use crate::core::terminal_text::shown;
use crate::secret::Secret;

/// Set in the child to `account/role` (escaped like every name shown on a terminal: prompts
/// show it); its presence means "inside a rolecall session" ([`Environment::rolecall_session`]).
///
/// [`Environment::rolecall_session`]: crate::environment::Environment::rolecall_session
pub(crate) use crate::environment::MARKER;

/// Removed from the child's environment: the profiles (they would win over the keys) and the
/// `rolecall init` wrappers' shell name (the child may be another shell).
pub(crate) const REMOVED: [&str; 3] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "ROLECALL_SHELL"];

/// The child process, not yet started: `program args…` (a command, or the shell the caller
/// chose: [`Environment::login_shell`]) with the credentials in its environment. Stdin,
/// stdout and stderr are inherited.
///
/// [`Environment::login_shell`]: crate::environment::Environment::login_shell
pub(crate) fn command(
    credentials: &Credentials,
    region: &str,
    label: &str,
    found: &ShellRegion,
    (program, args): (&OsStr, &[OsString]),
) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    for name in REMOVED {
        cmd.env_remove(name);
    }
    for (name, value) in variables(credentials, region, false) {
        cmd.env(name, value);
    }
    if credentials.session_token.is_none() {
        // Never leave a session token that belongs to other keys.
        cmd.env_remove("AWS_SESSION_TOKEN");
    }
    // The region variables (the user's own kept aside) and ROLECALL_SESSION for prompts.
    for (name, value) in found.hand_over(region, label) {
        match value {
            Some(value) => cmd.env(name, value),
            None => cmd.env_remove(name),
        };
    }
    // A label of server names: no control characters (nor NUL).
    cmd.env(MARKER, shown(label));
    cmd
}

/// The local endpoint serving a child's credentials: its URI and token.
pub(crate) struct ServedBy<'a> {
    pub uri: &'a str,
    pub token: &'a Secret<String>,
}

/// [`command`] for a child whose credentials come from the local endpoint: the endpoint's two
/// variables instead of the keys, and none of the variables that would win over it
/// ([`SHADOWING`]: static keys come first in every SDK's chain).
pub(crate) fn served_command(
    credentials: &Credentials,
    served_by: &ServedBy<'_>,
    region: &str,
    label: &str,
    found: &ShellRegion,
    program: (&OsStr, &[OsString]),
) -> std::process::Command {
    let mut cmd = command(credentials, region, label, found, program);
    for name in SHADOWING {
        cmd.env_remove(name);
    }
    cmd.env(FULL_URI, served_by.uri);
    cmd.env(AUTHORIZATION_TOKEN, served_by.token.expose());
    cmd
}

/// Runs `cmd` (from [`command`] or [`served_command`]) and waits for it.
///
/// While the child runs, this process ignores Ctrl-C and Ctrl-\ (the child, in the same
/// terminal, gets them and decides); the handlers stay installed for the rest of the process,
/// which is meant to end or redraw once the child is done. Call it from a tokio runtime.
pub(crate) async fn run_command(cmd: std::process::Command) -> io::Result<ExitStatus> {
    wait_for(cmd).await
}

/// [`run_command`] for the app's hand-over with [`command`]: when this process's stdout is not a
/// terminal (`eval "$(rolecall)"`, where stdout carries the exports), the child writes to the
/// terminal instead, so what it prints is seen, and never captured and evaluated.
///
/// A SIGTERM or SIGHUP for this process while the child runs is passed on to the child and
/// reported in [`Ran::stopped_by`], so the app ends (128 + signal) instead of coming back.
/// `extra_env` is added to the child's environment (the demo's emulator endpoint). With
/// `served_by` the child gets the local endpoint instead of the keys ([`served_command`]).
pub(crate) async fn run_on_terminal(
    credentials: &Credentials,
    served_by: Option<&ServedBy<'_>>,
    (region, label, found): (&str, &str, &ShellRegion),
    program: (&OsStr, &[OsString]),
    extra_env: &[(String, OsString)],
) -> io::Result<Ran> {
    let mut cmd = match served_by {
        Some(served_by) => served_command(credentials, served_by, region, label, found, program),
        None => command(credentials, region, label, found, program),
    };
    cmd.envs(extra_env.iter().map(|(k, v)| (k, v)));
    wait_passing_stops(onto_terminal(cmd)).await
}

/// [`run_action`] on the terminal for the app's hand-over, stop signals handled as by
/// [`run_on_terminal`].
pub(crate) async fn run_action_on_terminal(
    credentials: &Credentials,
    region: &str,
    label: &str,
    found: &ShellRegion,
    action: &ActionCommand,
    extra_env: &[(String, OsString)],
) -> io::Result<Ran> {
    let mut cmd = action_command(credentials, region, label, found, action)?;
    cmd.envs(extra_env.iter().map(|(k, v)| (k, v)));
    wait_passing_stops(onto_terminal(cmd)).await
}

/// How a child started from the app ended.
#[derive(Debug)]
pub(crate) struct Ran {
    pub status: ExitStatus,
    /// A stop signal (SIGTERM 15, SIGHUP 1) this process got while the child ran.
    pub stopped_by: Option<i32>,
}

/// [`wait_for`], passing SIGTERM and SIGHUP on to the child and remembering them.
async fn wait_passing_stops(cmd: std::process::Command) -> io::Result<Ran> {
    let mut interrupts = Interrupts::ignore()?;
    let mut stops = Stops::watch()?;
    let mut child = tokio::process::Command::from(cmd).spawn()?;
    let mut stopped_by = None;
    loop {
        tokio::select! {
            status = child.wait() => return Ok(Ran { status: status?, stopped_by }),
            () = interrupts.next() => {}
            signal = stops.next() => {
                stopped_by = Some(signal);
                let name = if signal == 1 { "SIGHUP" } else { "SIGTERM" };
                let _ = writeln!(
                    io::stderr(),
                    "\r\nrolecall: got {name}, passed on; rolecall ends when this does\r"
                );
                if let Some(pid) = child.id() {
                    pass_on(signal, pid);
                }
            }
        }
    }
}

/// Sends `signal` to `pid` with kill(1) (this crate has no unsafe code for kill(2)).
fn pass_on(signal: i32, pid: u32) {
    let sent = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    if let Err(e) = sent {
        tracing::warn!(error = %e, "cannot pass the signal on to the child");
    }
}

/// SIGTERM and SIGHUP, caught so they can be passed on.
#[cfg(unix)]
struct Stops {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Stops {
    fn watch() -> io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// The next one's number.
    async fn next(&mut self) -> i32 {
        tokio::select! {
            _ = self.term.recv() => 15,
            _ = self.hup.recv() => 1,
        }
    }
}

#[cfg(not(unix))]
struct Stops;

#[cfg(not(unix))]
impl Stops {
    fn watch() -> io::Result<Self> {
        Ok(Self)
    }

    async fn next(&mut self) -> i32 {
        std::future::pending::<i32>().await
    }
}

/// `cmd` writing to the terminal when this process's stdout is not one.
fn onto_terminal(mut cmd: std::process::Command) -> std::process::Command {
    if !io::stdout().is_terminal()
        && let Ok(tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty")
    {
        cmd.stdout(tty);
    }
    cmd
}

/// The child for an `[[actions]]` command, for `rolecall action` and the app's menu alike:
/// `/bin/sh -c SCRIPT` with the credentials and the action's `ROLECALL_*` variables.
pub(crate) fn action_command(
    credentials: &Credentials,
    region: &str,
    label: &str,
    found: &ShellRegion,
    action: &ActionCommand,
) -> io::Result<std::process::Command> {
    // A NUL cannot be in a program's environment: say which value has one (from a name AWS
    // sent) instead of the operating system's "nul byte found in provided data".
    if let Some((name, _)) = action.env.iter().find(|(_, value)| value.contains('\0')) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{name} would hold a NUL byte (from a name AWS sent), which no program can be given"
            ),
        ));
    }
    let args = [OsString::from("-c"), OsString::from(&action.script)];
    let mut cmd = command(
        credentials,
        region,
        label,
        found,
        (OsStr::new("/bin/sh"), &args[..]),
    );
    cmd.envs(action.env.iter().map(|(name, value)| (name, value)));
    Ok(cmd)
}

/// Runs an `[[actions]]` command and waits for it (on the terminal for the app's hand-over,
/// as [`run_on_terminal`]).
pub(crate) async fn run_action(
    credentials: &Credentials,
    region: &str,
    label: &str,
    found: &ShellRegion,
    action: &ActionCommand,
    on_terminal: bool,
) -> io::Result<ExitStatus> {
    let cmd = action_command(credentials, region, label, found, action)?;
    wait_for(if on_terminal { onto_terminal(cmd) } else { cmd }).await
}

/// Starts `cmd` and waits for it, Ctrl-C and Ctrl-\ left to it.
async fn wait_for(cmd: std::process::Command) -> io::Result<ExitStatus> {
    // Before the child exists, so not even its first instant can end this process.
    let mut interrupts = Interrupts::ignore()?;
    let mut child = tokio::process::Command::from(cmd).spawn()?;
    loop {
        tokio::select! {
            status = child.wait() => return status,
            () = interrupts.next() => {}
        }
    }
}

/// Ctrl-C and Ctrl-\ caught (and dropped) instead of ending this process.
#[cfg(unix)]
struct Interrupts {
    interrupt: tokio::signal::unix::Signal,
    quit: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Interrupts {
    fn ignore() -> io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            quit: signal(SignalKind::quit())?,
        })
    }

    /// Waits for the next one.
    async fn next(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.quit.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct Interrupts;

#[cfg(not(unix))]
impl Interrupts {
    fn ignore() -> io::Result<Self> {
        Ok(Self)
    }

    async fn next(&mut self) {
        std::future::pending::<()>().await
    }
}

/// The exit code a shell would report for the child: its own code, or 128 + the signal that
/// ended it.
pub(crate) fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(255);
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn creds(token: bool) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("secret".into()),
            session_token: token.then(|| Secret::new("tok".into())),
            expires_at: Some(UNIX_EPOCH + Duration::from_secs(1_795_457_045)),
        }
    }

    fn env_of(cmd: &std::process::Command) -> Vec<(String, Option<String>)> {
        cmd.get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect()
    }

    /// The runner both `rolecall action` and the app's menu use: hostile names run nothing and
    /// arrive exactly, as quoted words and as variables.
    #[test]
    fn an_action_gets_hostile_names_as_data() {
        let dir = tempfile::tempdir().unwrap();
        let name = "sandbox$(touch marker)'`touch tick`\n;touch semi";
        let action = crate::core::action::ActionCommand::new(
            r#"printf '%s|%s' {account_name} "$ROLECALL_ACCOUNT_NAME""#,
            &crate::core::action::ActionFields {
                account_id: "111111111111",
                account_name: name,
                role_name: "r",
                region: "eu-west-1",
                profile: "p",
            },
        );
        let out = action_command(
            &creds(true),
            "eu-west-1",
            "acct/r",
            &ShellRegion::default(),
            &action,
        )
        .unwrap()
        .current_dir(dir.path())
        .output()
        .unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("{name}|{name}")
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing ran"
        );
    }

    #[tokio::test]
    async fn a_nul_in_a_name_is_named_not_an_os_error() {
        let action = crate::core::action::ActionCommand::new(
            "true {account_name}",
            &crate::core::action::ActionFields {
                account_id: "111111111111",
                account_name: "nul\0byte",
                role_name: "r",
                region: "eu-west-1",
                profile: "p",
            },
        );
        let err = run_action(
            &creds(true),
            "eu-west-1",
            "acct/r",
            &ShellRegion::default(),
            &action,
            false,
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ROLECALL_ACCOUNT_NAME would hold a NUL byte (from a name AWS sent), which no program can be given"
        );
    }

    #[test]
    fn secrets_go_to_the_environment_not_argv() {
        let args = [OsString::from("-c"), OsString::from("true")];
        let cmd = command(
            &creds(true),
            "eu-west-1",
            "prod/Admin",
            &ShellRegion::default(),
            (OsStr::new("sh"), &args),
        );
        assert_eq!(cmd.get_program(), "sh");
        assert_eq!(cmd.get_args().collect::<Vec<_>>(), ["-c", "true"]);
        let env = env_of(&cmd);
        let get = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(get("AWS_SECRET_ACCESS_KEY"), Some(Some("secret".into())));
        assert_eq!(get("AWS_SESSION_TOKEN"), Some(Some("tok".into())));
        assert_eq!(get("AWS_REGION"), Some(Some("eu-west-1".into())));
        assert_eq!(get("AWS_DEFAULT_REGION"), Some(Some("eu-west-1".into())));
        assert_eq!(
            get("AWS_SESSION_EXPIRATION"),
            Some(Some("2026-11-23T18:04:05Z".into()))
        );
        assert_eq!(get(MARKER), Some(Some("prod/Admin".into())));
        assert_eq!(get("ROLECALL_SESSION"), Some(Some("prod/Admin".into())));
        assert_eq!(get("ROLECALL_SET_REGION"), Some(Some("eu-west-1".into())));
        assert_eq!(get("AWS_PROFILE"), Some(None));
        assert_eq!(get("AWS_DEFAULT_PROFILE"), Some(None));
    }

    #[test]
    fn the_session_marker_carries_no_control_characters() {
        let cmd = command(
            &creds(true),
            "us-east-1",
            "a\x1b]52;c;SGk=\x07\n\0\u{202e}/b",
            &ShellRegion::default(),
            (OsStr::new("sh"), &[]),
        );
        let env = env_of(&cmd);
        for name in [MARKER, "ROLECALL_SESSION"] {
            let marker = env
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.clone());
            assert_eq!(
                marker.as_deref(),
                Some(r"a\x1b]52;c;SGk=\x07\n\x00\u{202e}/b"),
                "{name}"
            );
        }
    }

    #[test]
    fn a_served_child_gets_the_endpoint_and_no_keys() {
        let token = Secret::new("t0ken".to_owned());
        let served_by = ServedBy {
            uri: "http://127.0.0.1:4242/credentials",
            token: &token,
        };
        let cmd = served_command(
            &creds(true),
            &served_by,
            "eu-west-1",
            "prod/Admin",
            &ShellRegion::default(),
            (OsStr::new("sh"), &[]),
        );
        let env = env_of(&cmd);
        let get = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(get(FULL_URI), Some(Some(served_by.uri.into())));
        assert_eq!(get(AUTHORIZATION_TOKEN), Some(Some("t0ken".into())));
        for name in SHADOWING {
            assert_eq!(get(name), Some(None), "{name} is removed");
        }
        assert_eq!(get("AWS_REGION"), Some(Some("eu-west-1".into())));
        assert_eq!(get(MARKER), Some(Some("prod/Admin".into())));
        assert_eq!(get("AWS_PROFILE"), Some(None));
    }

    #[test]
    fn a_missing_session_token_is_removed() {
        let cmd = command(
            &creds(false),
            "us-east-1",
            "a/b",
            &ShellRegion::default(),
            (OsStr::new("sh"), &[]),
        );
        let env = env_of(&cmd);
        assert!(env.contains(&("AWS_SESSION_TOKEN".into(), None)));
    }

    #[cfg(unix)]
    #[test]
    fn exit_codes_follow_the_shell_convention() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(exit_code(ExitStatus::from_raw(7 << 8)), 7);
        assert_eq!(exit_code(ExitStatus::from_raw(9)), 137);
        assert_eq!(exit_code(ExitStatus::from_raw(0)), 0);
    }
}
