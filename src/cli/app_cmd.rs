//! `rolecall` with no subcommand: the full-screen app.

use std::io::Write;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::CliError;
use super::context::Context;
use super::list_cmd::list_options;
use crate::adapters::aws_sts::AwsSts;
use crate::adapters::browser::SystemBrowser;
use crate::catalog::{CatalogCache, Lister};
use crate::core::action::ActionCommand;
use crate::core::app::state::{AppSettings, Clipboard, SessionInfo};
use crate::core::app::urgency::Thresholds;
use crate::core::app::{AppState, ExitPlan, Keymap};
use crate::core::catalog::Catalog;
use crate::core::countdown;
use crate::core::credentials::Credentials;
use crate::core::exports::export_lines;
use crate::core::frecency::Frecency;
use crate::core::signin::Method;
use crate::engine::signin::SignInRequest;
use crate::engine::subshell;
use crate::ports::clock::{Clock, SystemClock};
use crate::ports::opener::Opener;
use crate::runtime::chain_services::ChainServices;
use crate::runtime::event_loop::WorkerPanicked;
use crate::runtime::{RunOptions, Services, run, terminal};
use crate::secret::Secret;

fn frecency_file(ctx: &Context, session: &str) -> std::path::PathBuf {
    let safe: String = session
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    ctx.paths.state_dir.join(format!("frecency-{safe}.json"))
}

fn load_frecency(path: &std::path::Path) -> Frecency {
    crate::adapters::read_file::read(path, crate::adapters::read_file::CONFIG_LIMIT)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn is_stale(catalog: &Catalog, max_age: Duration, now: std::time::SystemTime) -> bool {
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    catalog.accounts.is_empty() || now - catalog.listed_at >= max_age.as_secs() as i64
}

/// What was skipped in the AWS CLI's files, as one toast: the first notice, and how many more
/// `rolecall status` lists.
fn config_notice(notices: &[String]) -> Option<String> {
    let first = notices.first()?;
    Some(match notices.len() - 1 {
        0 => first.clone(),
        more => format!("{first} (and {more} more: see `rolecall status`)"),
    })
}

/// Opens the app on `ctx`'s session `wanted` and runs the exit plan afterwards.
pub async fn run_app(ctx: Context, wanted: Option<&str>) -> Result<(), CliError> {
    run_app_with(ctx, wanted, Vec::new()).await
}

/// [`run_app`], with `child_env` added to the environment of what the app starts (subshell,
/// custom actions): the demo points them at its emulator and its throwaway AWS files.
pub async fn run_app_with(
    ctx: Context,
    wanted: Option<&str>,
    child_env: Vec<(String, std::ffi::OsString)>,
) -> Result<(), CliError> {
    let session = ctx.session(wanted)?;
    let file = &ctx.config.file;
    let keymap = Keymap::with_overrides(&file.keys);
    let idc = Arc::new(ctx.identity_center(&session));
    let opener = SystemBrowser;
    let open_browser = file.sign_in.open_browser && opener.can_open();
    let cache = CatalogCache::for_session(&ctx.paths, &session.name);
    let loaded = cache.load();
    if let Some(notice) = &loaded.notice {
        tracing::info!(notice = %notice, "catalog cache ignored");
    }
    let stored = ctx.store.load(&session).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the stored sign-in");
        None
    });
    let token = stored
        .as_ref()
        .map(|s| s.token.access_token.clone())
        .unwrap_or_else(|| Secret::new(String::new()));
    let lister = Arc::new(Lister::new(
        idc.clone(),
        session.name.clone(),
        token,
        list_options(&file.catalog),
    ));
    let frecency_path = frecency_file(&ctx, &session.name);
    let now = SystemClock.now();
    let catalog = loaded.catalog.unwrap_or_default();
    let settings = AppSettings {
        thresholds: Thresholds {
            warn: Duration::from_secs(file.app.warn_minutes * 60),
            critical: Duration::from_secs(file.app.critical_minutes * 60),
        },
        default_action: file.app.default_action,
        region: crate::core::region::credentials_region(
            None,
            file.app.region.as_deref(),
            Some(&session.region),
        ),
        open_browser,
        actions: file.actions.clone(),
        chains: ctx.config.chains.iter().cloned().collect(),
        confirm_quit: file.app.confirm_quit,
        clipboard: clipboard_here(),
        aliases: file.aliases.clone(),
        ..AppSettings::default()
    };
    let return_after_run = file.app.return_after_run;
    let shell = file.app.shell.clone();
    let mut state = AppState::new(
        SessionInfo {
            name: session.name.clone(),
            start_url: session.start_url.clone(),
            region: session.region.clone(),
            token_expires_at: None,
        },
        catalog,
        load_frecency(&frecency_path),
        settings,
        keymap,
    );
    if let Some(notice) = loaded.notice.or_else(|| config_notice(&ctx.config.notices)) {
        state.toast = Some(crate::core::app::state::Toast {
            text: notice,
            level: crate::core::app::state::Level::Warn,
            until: now + state.settings.toast_for,
        });
    }
    state.list.stale = is_stale(
        &state.list.catalog,
        Duration::from_secs(file.catalog.refresh_after_minutes * 60),
        now,
    );
    let chain_services = Arc::new(ChainServices {
        config: ctx.config.clone(),
        paths: ctx.paths.clone(),
        sts: AwsSts::new(ctx.config.endpoint(&session.name)),
        history_file: Some(ctx.paths.state_dir.join("role-history.json")),
        app_region: file.app.region.clone(),
        default_region: session.region.clone(),
        user: super::handover::local_user(),
    });
    state.role_history = chain_services.load_history();
    let registrations = ctx.store.registrations(&session);
    let services = Services {
        chains: Some(chain_services),
        idc,
        store: Arc::new(ctx.store),
        opener: Arc::new(opener),
        clock: Arc::new(SystemClock),
        request: Arc::new(SignInRequest {
            session: session.clone(),
            method: Method::DeviceCode,
            open_browser,
            endpoint: ctx.config.endpoint(&session.name).map(str::to_owned),
            client_name: "rolecall".into(),
            registrations,
        }),
        session,
        cache: Arc::new(cache),
        lister,
        frecency_file: Some(frecency_path),
        aws_credentials: ctx.paths.aws_credentials.clone(),
        aws_config: ctx.paths.aws_config.clone(),
        aws_config_mode: crate::aws_files::FileMode::for_config(file.aws_files.tighten_permissions),
        current: Arc::new(RwLock::new(stored.clone())),
    };
    let mut start = Some(stored);
    loop {
        let (mut term, guard) = terminal::enter()
            .map_err(|e| CliError::Other(format!("cannot open the terminal: {e}")))?;
        let options = RunOptions {
            clipboard: terminal::open_output().ok(),
            ..RunOptions::default()
        };
        let input = crossterm::event::EventStream::new();
        let plan = run(
            &mut term,
            input,
            services.clone(),
            &mut state,
            start.take(),
            options,
        )
        .await;
        drop(term);
        drop(guard);
        let plan = plan.map_err(|e| {
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<WorkerPanicked>())
            {
                Some(panicked) => CliError::Other(panicked.to_string()),
                None => CliError::Other(format!("terminal error: {e}")),
            }
        })?;
        match plan {
            ExitPlan::Run {
                label,
                credentials,
                region,
                command,
                pause,
            } => {
                let stopped_by = run_with_credentials(
                    &label,
                    &credentials,
                    &region,
                    command.as_ref(),
                    shell.clone(),
                    &child_env,
                )
                .await;
                if let Some(signal) = stopped_by {
                    return Err(stopped(signal));
                }
                if pause && return_after_run {
                    wait_for_a_key().await;
                }
                if !return_after_run {
                    return Ok(());
                }
            }
            ExitPlan::Stopped { signal } => return Err(stopped(signal)),
            other => {
                carry_out(other);
                return Ok(());
            }
        }
    }
}

/// Whether OSC 52 can reach a clipboard here: from `TERM` and, inside tmux, its
/// `set-clipboard` option.
fn clipboard_here() -> Clipboard {
    let term = std::env::var("TERM").ok();
    let tmux = std::env::var_os("TMUX").map(|_| {
        std::process::Command::new("tmux")
            .args(["show-options", "-gv", "set-clipboard"])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    });
    Clipboard::from_terminal(term.as_deref(), tmux.as_ref().map(|t| t.as_deref()))
}

/// A stop signal ended the app (or what it ran): exit 128 + the signal, as other programs do.
fn stopped(signal: i32) -> CliError {
    CliError::Reported(u8::try_from(128 + signal).unwrap_or(1))
}

/// Runs a shell command (or the user's shell) with the credentials in its environment, on the
/// restored terminal; returns the stop signal this process got meanwhile, if any.
async fn run_with_credentials(
    label: &str,
    credentials: &Credentials,
    region: &str,
    command: Option<&ActionCommand>,
    shell: Option<String>,
    extra_env: &[(String, std::ffi::OsString)],
) -> Option<i32> {
    let ran = match command {
        Some(action) => {
            note!("rolecall: running {label}: {}", action.shown);
            subshell::run_action_on_terminal(credentials, region, label, action, extra_env).await
        }
        None => {
            note!("rolecall: {label}: a subshell with these credentials; exit it to return");
            let configured: Option<std::ffi::OsString> = shell.map(Into::into);
            let program = configured.as_deref().map(|s| (s, &[][..]));
            subshell::run_on_terminal(credentials, region, label, program, extra_env).await
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
pub fn carry_out(plan: ExitPlan) {
    use std::io::IsTerminal;
    let to_terminal = std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let _ = write_plan(plan, to_terminal, &mut out, &mut err);
}

/// [`carry_out`] on given streams. When stdout is a terminal nobody is `eval`-ing it: the
/// exports would only put secrets on the screen, so it says how to get them into the shell.
fn write_plan(
    plan: ExitPlan,
    stdout_is_terminal: bool,
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
    let shell = super::env_cmd::shell_from_env();
    for line in export_lines(&credentials, &region, shell, false) {
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
        write_plan(plan(), to_terminal, &mut out, &mut err).unwrap();
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

    #[test]
    fn config_notices_make_one_toast() {
        assert_eq!(config_notice(&[]), None);
        let one = vec!["cfg:3: profile \"web\" is skipped: why".to_owned()];
        assert_eq!(config_notice(&one).as_deref(), Some(one[0].as_str()));
        let three = vec![one[0].clone(), "b".into(), "c".into()];
        assert_eq!(
            config_notice(&three).unwrap(),
            format!("{} (and 2 more: see `rolecall status`)", one[0])
        );
    }
}
