//! `rolecall` with no subcommand: the full-screen app.

use std::io::Write;
use std::sync::Arc;

use super::CliError;
use super::context::Context;
use crate::adapters::browser::SystemBrowser;
use crate::adapters::credentials_endpoint::Endpoint;
use crate::compose::{self, App, AppSetup};
use crate::config::SessionChoiceError;
use crate::core::action::ActionCommand;
use crate::core::app::AppState;
use crate::core::app::ExitPlan;
use crate::core::countdown;
use crate::core::credentials::Credentials;
use crate::core::exports::{Shell, ShellRegion, export_lines};
use crate::core::sso::SignedIn;
use crate::engine::subshell::{self, ServedBy};
use crate::ports::clock::{Clock, SystemClock};
use crate::ports::identity_center::IdentityCenter;
use crate::ports::opener::Opener;
use crate::ports::reporter::Quiet;
use crate::runtime::event_loop::WorkerPanicked;
use crate::runtime::{RunOptions, Services, run, terminal};
use crate::ui::theme::Theme;
use crate::workspace::serve::ServeRequest;
use crate::workspace::{Workspace, WorkspaceError};

/// Opens the app on `ctx`'s session `wanted` and runs the exit plan afterwards. With no
/// identity center configured, the first-run form asks for one first.
pub(crate) async fn run_app(ctx: Context, wanted: Option<&str>) -> Result<(), CliError> {
    if let Err(WorkspaceError::Session(SessionChoiceError::NoneConfigured)) = ctx.session(wanted) {
        let Some(session) = first_run(ctx).await? else {
            return Ok(());
        };
        // The configuration now names it (the AWS CLI's config was written).
        let ctx = super::context::load()?;
        return run_app_with(ctx, Some(&session), Vec::new()).await;
    }
    run_app_with(ctx, wanted, Vec::new()).await
}

/// The first-run form on the terminal: the name of the `[sso-session]` it wrote, or None when
/// it was closed.
async fn first_run(ctx: Context) -> Result<Option<String>, CliError> {
    let theme = Theme::new(ctx.env.no_color());
    let opener = SystemBrowser::new(&ctx.env, &ctx.paths);
    let idc = Arc::new(crate::adapters::aws_identity_center::AwsIdentityCenter::at(
        crate::core::sso_setup::DEFAULT_REGION,
        &ctx.endpoints(None),
    ));
    let workspace = Arc::new(Workspace {
        reporter: Arc::new(Quiet),
        ..ctx
    });
    let App {
        services,
        mut state,
        ..
    } = compose::first_run(workspace, idc, Arc::new(opener));
    match run_on_the_terminal(&services, &mut state, None, &theme).await? {
        ExitPlan::Configured { session } => Ok(Some(session)),
        ExitPlan::Stopped { signal } => Err(stopped(signal)),
        _ => Ok(None),
    }
}

/// [`run_app`], with `child_env` added to the environment of what the app starts (subshell,
/// custom actions): the demo points them at its emulator and its throwaway AWS files.
pub(crate) async fn run_app_with(
    ctx: Context,
    wanted: Option<&str>,
    child_env: Vec<(String, std::ffi::OsString)>,
) -> Result<(), CliError> {
    let session = ctx.session(wanted)?;
    let serving = ctx.config.file.app.serve_subshell.then(|| Serving {
        // Its notes (a renewal that failed) go to the terminal the subshell is on.
        workspace: ctx.clone(),
        session: session.name.clone(),
    });
    let after = AfterTheApp {
        serving,
        return_after_run: ctx.config.file.app.return_after_run,
        shell: ctx
            .config
            .file
            .app
            .shell
            .clone()
            .map_or_else(|| ctx.env.login_shell(), Into::into),
        export_shell: ctx.env.export_shell(),
        found: ctx.env.shell_region(),
        child_env,
    };
    let theme = Theme::new(ctx.env.no_color());
    let opener = SystemBrowser::new(&ctx.env, &ctx.paths);
    let setup = AppSetup::configured(&ctx, session.clone(), opener.can_open());
    let idc = Arc::new(ctx.identity_center(&session));
    let workspace = Arc::new(Workspace {
        reporter: Arc::new(Quiet),
        ..ctx
    });
    let App {
        services,
        mut state,
        stored,
    } = compose::app(workspace, setup, idc, Arc::new(opener));
    let mut start = Some(stored);
    loop {
        let plan = run_on_the_terminal(&services, &mut state, start.take(), &theme).await?;
        if let Some(done) = after.carry_out(plan).await {
            return done;
        }
    }
}

/// One run of the app on the terminal, restored afterwards; its exit plan.
async fn run_on_the_terminal<I: IdentityCenter + 'static>(
    services: &Services<I>,
    state: &mut AppState,
    start: Option<Option<SignedIn>>,
    theme: &Theme,
) -> Result<ExitPlan, CliError> {
    let (mut term, guard) =
        terminal::enter().map_err(|e| CliError::Other(format!("cannot open the terminal: {e}")))?;
    let options = RunOptions {
        clipboard: terminal::open_output().ok(),
        theme: theme.clone(),
        ..RunOptions::default()
    };
    let input = crossterm::event::EventStream::new();
    let plan = run(&mut term, input, services.clone(), state, start, options).await;
    drop(term);
    drop(guard);
    plan.map_err(|e| {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<WorkerPanicked>())
        {
            Some(panicked) => CliError::Other(panicked.to_string()),
            None => CliError::Other(format!("terminal error: {e}")),
        }
    })
}

/// What serves the app's subshell its credentials (`[app] serve_subshell`).
struct Serving {
    /// The subcommands' workspace (notes on stderr).
    workspace: Workspace,
    /// The identity center the app signed in to.
    session: String,
}

impl Serving {
    /// The local endpoint for a subshell with `credentials`, renewed from `target`; `None`
    /// (said) when it cannot start, and the subshell gets fixed keys.
    async fn start(
        &self,
        target: &str,
        credentials: &Credentials,
        label: &str,
    ) -> Option<Endpoint> {
        let request = ServeRequest {
            session: Some(self.session.clone()),
            target: target.to_owned(),
            // The subshell owns the terminal: a chain needing a code says so instead.
            ask_mfa: false,
        };
        match self.workspace.serve(request, credentials, label).await {
            Ok(endpoint) => Some(endpoint),
            Err(e) => {
                note!("rolecall: {e}; the subshell gets fixed keys, which expire");
                None
            }
        }
    }
}

/// What happens once the terminal is back.
struct AfterTheApp {
    /// Serves the subshell its credentials; `None`: fixed keys.
    serving: Option<Serving>,
    /// Come back to the app after a subshell or action (`[app] return_after_run`).
    return_after_run: bool,
    /// The subshell: `[app] shell`, else `$SHELL`.
    shell: std::ffi::OsString,
    /// The syntax exports are printed in.
    export_shell: Shell,
    /// The shell's region variables (whose they are; what the user had).
    found: ShellRegion,
    /// Added to the environment of what the app starts (the demo's).
    child_env: Vec<(String, std::ffi::OsString)>,
}

impl AfterTheApp {
    /// Carries out `plan`: `None` goes back to the app, `Some` ends with that result.
    async fn carry_out(&self, plan: ExitPlan) -> Option<Result<(), CliError>> {
        match plan {
            ExitPlan::Run {
                label,
                credentials,
                region,
                command,
                pause,
                served_from,
            } => {
                let endpoint = match (&self.serving, served_from, &command) {
                    (Some(serving), Some(target), None) => {
                        serving.start(&target, &credentials, &label).await
                    }
                    _ => None,
                };
                let stopped_by = run_with_credentials(
                    (&label, &credentials, &region),
                    endpoint.as_ref(),
                    command.as_ref(),
                    &self.shell,
                    &self.found,
                    &self.child_env,
                )
                .await;
                // The endpoint lives exactly as long as the subshell.
                if let Some(endpoint) = endpoint {
                    endpoint.stop().await;
                }
                if let Some(signal) = stopped_by {
                    return Some(Err(stopped(signal)));
                }
                if pause && self.return_after_run {
                    wait_for_a_key().await;
                }
                (!self.return_after_run).then_some(Ok(()))
            }
            ExitPlan::Stopped { signal } => Some(Err(stopped(signal))),
            other => {
                carry_out(other, self.export_shell, &self.found);
                Some(Ok(()))
            }
        }
    }
}

/// A stop signal ended the app (or what it ran): exit 128 + the signal, as other programs do.
fn stopped(signal: i32) -> CliError {
    CliError::Reported(u8::try_from(128 + signal).unwrap_or(1))
}

/// Runs a shell command (or the user's shell) with the credentials in its environment, on the
/// restored terminal; returns the stop signal this process got meanwhile, if any.
async fn run_with_credentials(
    (label, credentials, region): (&str, &Credentials, &str),
    endpoint: Option<&Endpoint>,
    command: Option<&ActionCommand>,
    shell: &std::ffi::OsStr,
    found: &ShellRegion,
    extra_env: &[(String, std::ffi::OsString)],
) -> Option<i32> {
    let ran = match command {
        Some(action) => {
            note!("rolecall: running {label}: {}", action.shown);
            subshell::run_action_on_terminal(credentials, region, label, found, action, extra_env)
                .await
        }
        None => {
            let uri = endpoint.map(Endpoint::uri);
            let served_by = endpoint.zip(uri.as_deref()).map(|(e, uri)| ServedBy {
                uri,
                token: e.token(),
            });
            let how = if served_by.is_some() {
                "credentials renewed by rolecall"
            } else {
                "these credentials"
            };
            note!("rolecall: {label}: a subshell with {how}; exit it to return");
            subshell::run_on_terminal(
                credentials,
                served_by.as_ref(),
                (region, label, found),
                (shell, &[]),
                extra_env,
            )
            .await
        }
    };
    match ran {
        Ok(ran) => {
            // An action's status always (its output is on screen); a shell's when it failed.
            if ran.stopped_by.is_none() && (command.is_some() || !ran.status.success()) {
                let code = subshell::exit_code(ran.status);
                note!("rolecall: {label} exited with status {code}");
            }
            ran.stopped_by
        }
        Err(e) => {
            note!("rolecall: cannot start it: {e}");
            None
        }
    }
}

/// "Press a key to return": the action's output stays on the normal screen until a key.
async fn wait_for_a_key() {
    super::output::ask("rolecall: press a key to return to rolecall ");
    let waited = tokio::task::spawn_blocking(|| -> std::io::Result<()> {
        crossterm::terminal::enable_raw_mode()?;
        let read = loop {
            match crossterm::event::read() {
                Ok(crossterm::event::Event::Key(k))
                    if k.kind != crossterm::event::KeyEventKind::Release =>
                {
                    break Ok(());
                }
                Ok(_) => {}
                Err(e) => break Err(e),
            }
        };
        let restored = crossterm::terminal::disable_raw_mode();
        read.and(restored)
    })
    .await;
    note!("");
    if let Ok(Err(e)) | Err(e) = waited.map_err(std::io::Error::other) {
        tracing::warn!(error = %e, "cannot wait for a key");
    }
}

/// What happens after the terminal is back: the exports on stdout, a note on stderr.
/// `shell`: the syntax the exports are printed in.
pub(crate) fn carry_out(plan: ExitPlan, shell: Shell, found: &ShellRegion) {
    use std::io::IsTerminal;
    let to_terminal = std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let _ = write_plan(plan, to_terminal, (shell, found), &mut out, &mut err);
}

/// [`carry_out`] on given streams. When stdout is a terminal nobody is `eval`-ing it: the
/// exports would only put secrets on the screen, so it says how to get them into the shell.
fn write_plan(
    plan: ExitPlan,
    stdout_is_terminal: bool,
    (shell, found): (Shell, &ShellRegion),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    let ExitPlan::PrintExports {
        label,
        credentials,
        region,
    } = plan
    else {
        return Ok(());
    };
    if stdout_is_terminal {
        writeln!(
            err,
            "rolecall: nothing was exported: this shell did not run rolecall through eval.\n\
             rolecall: to set credentials in your shell, add `eval \"$(rolecall init bash)\"` \
             (or zsh, fish) to its rc file, or run `eval \"$(rolecall)\"`; \
             `rolecall exec` and the app's subshell work as they are"
        )?;
        return Ok(());
    }
    let extra = found.hand_over(&region, &label);
    for line in export_lines(&credentials, &region, shell, false, &extra) {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    let left = credentials
        .expires_at
        .map(|t| countdown::left(t, SystemClock.now()))
        .unwrap_or_default();
    writeln!(
        err,
        "rolecall: exported credentials for {} (expires {left})",
        crate::core::terminal_text::Shown(&label)
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::secret::Secret;

    fn plan() -> ExitPlan {
        ExitPlan::PrintExports {
            label: "payments-dev/Admin".into(),
            credentials: Credentials {
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: Secret::new("very-secret".into()),
                session_token: Some(Secret::new("session-token".into())),
                expires_at: None,
            },
            region: "eu-west-1".into(),
        }
    }

    fn written(to_terminal: bool) -> (String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        write_plan(
            plan(),
            to_terminal,
            (Shell::Posix, &ShellRegion::default()),
            &mut out,
            &mut err,
        )
        .unwrap();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn exports_to_a_terminal_print_no_secret_and_say_how_instead() {
        let (out, err) = written(true);
        assert_eq!(out, "", "no exports on a terminal");
        assert!(!err.contains("very-secret") && !err.contains("exported credentials"));
        assert!(
            err.contains("rolecall init") && err.contains("eval"),
            "{err}"
        );
    }

    #[test]
    fn exports_for_eval_are_printed() {
        let (out, err) = written(false);
        assert!(out.contains("very-secret"), "{out}");
        assert!(err.contains("exported credentials for payments-dev/Admin"));
    }
}
