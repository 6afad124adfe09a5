//! The command line: `rolecall` with a subcommand. Data goes to stdout; progress, prompts and
//! messages go to stderr, every line of them through [`output`] (escaped: names from AWS are
//! data, never terminal control).

// First, so that its `note!` and `say!` are in scope in every command below.
#[macro_use]
pub mod output;

pub(crate) mod action_cmd;
pub(crate) mod app_cmd;
pub(crate) mod completions_cmd;
pub(crate) mod console_cmd;
pub(crate) mod context;
pub(crate) mod credential_process_cmd;
pub(crate) mod demo_cmd;
pub(crate) mod emulator_cmd;
pub(crate) mod env_cmd;
pub(crate) mod exec_cmd;
pub(crate) mod first_run;
pub(crate) mod init_cmd;
pub(crate) mod list_cmd;
pub(crate) mod login_cmd;
pub(crate) mod logout_cmd;
pub(crate) mod populate_cmd;
pub(crate) mod serve_cmd;
pub(crate) mod setup_cmd;
pub(crate) mod status_cmd;
pub(crate) mod stderr_reporter;
pub(crate) mod whoami_cmd;
pub(crate) mod write_cmd;

pub use completions_cmd::complete_if_asked;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "rolecall", version, about = "Move between AWS accounts and roles", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The identity center the app opens on (without a subcommand).
    #[arg(long, value_name = "NAME", global = false)]
    pub session: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the local IAM Identity Center + STS emulator in the foreground.
    ///
    /// Prints `export` lines for a shell to eval (endpoint, region, start URL), then serves on
    /// 127.0.0.1 until interrupted.
    Emulator(EmulatorArgs),
    /// Configure a real identity center: write its [sso-session] to ~/.aws/config.
    Setup(setup_cmd::SetupArgs),
    /// Sign in to an identity center (browser + PKCE, or a device code) and keep the token.
    Login(LoginArgs),
    /// End the portal session and forget its tokens and kept credentials.
    Logout(SessionArgs),
    /// Print every account × role you can reach (cached; `--refresh` lists anew).
    List(ListArgs),
    /// Show each identity center's session and each kept credential's time left.
    Status(status_cmd::StatusArgs),
    /// Try the whole app against a built-in emulator: no AWS account needed, nothing of
    /// yours touched.
    Demo(DemoArgs),
    /// Run a command (or your shell) with a role's credentials in its environment.
    Exec(exec_cmd::ExecArgs),
    /// Print the `export` lines for a role's credentials (for eval).
    Env(env_cmd::EnvArgs),
    /// Serve a role's credentials on a local endpoint the SDKs read, renewed before they
    /// expire; prints the two variables that point a shell at it.
    Serve(serve_cmd::ServeArgs),
    /// Print the shell function that lets the app set variables in your current shell.
    Init(init_cmd::InitArgs),
    /// Write a role's credentials into a named profile of ~/.aws/credentials.
    Write(write_cmd::WriteArgs),
    /// Write one AWS CLI profile per account × role into a managed block of ~/.aws/config.
    Populate(populate_cmd::PopulateArgs),
    /// Answer as an AWS CLI `credential_process` (Version 1 JSON on stdout).
    CredentialProcess(credential_process_cmd::CredentialProcessArgs),
    /// Open (or print) the AWS console signed in as a role.
    Console(console_cmd::ConsoleArgs),
    /// Print who a role's or chain's credentials act as (GetCallerIdentity's ARN).
    Whoami(whoami_cmd::WhoamiArgs),
    /// Run one of config.toml's [[actions]] with a role's or chain's credentials.
    Action(action_cmd::ActionArgs),
    /// The demo's authenticator: the current MFA code of an emulator device (by default the
    /// demo's, which its `break-glass` chain asks for).
    DemoMfaCode { serial: Option<String> },
    /// Print the completion script for a shell (TARGETs completed from the cached catalog).
    Completions(completions_cmd::CompletionsArgs),
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Demo a generated organisation of N accounts instead of the built-in one.
    #[arg(long, value_name = "N")]
    pub accounts: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct SessionArgs {
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct LoginArgs {
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Use the device code flow (approve on any device) instead of PKCE.
    #[arg(long)]
    pub device_code: bool,
    /// Do not open a browser; print the URL instead.
    #[arg(long)]
    pub no_browser: bool,
    /// Sign in again even if the stored session is still good.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The identity center; all of them when absent and no default is set.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// One JSON array of {account_id, account_name, role_name, session, email}.
    #[arg(long)]
    pub json: bool,
    /// List anew instead of using a fresh cache.
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, clap::Args)]
pub struct EmulatorArgs {
    /// Organization file (TOML); the built-in demo organization when absent.
    #[arg(long, value_name = "FILE", conflicts_with = "accounts")]
    pub org: Option<PathBuf>,
    /// Serve a generated organization of N accounts instead of a file.
    #[arg(long, value_name = "N")]
    pub accounts: Option<usize>,
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Approve every sign-in after SECS seconds (0: at once).
    #[arg(long, value_name = "SECS")]
    pub approve_after: Option<f64>,
    /// SSO portal rate limit in requests per second (answers HTTP 429 above it).
    #[arg(long, value_name = "RPS")]
    pub rate_limit: Option<f64>,
    /// Extra latency for every SSO portal request, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
}

/// Errors reported once, at the edge, as one line. Each maps to an exit code scripts can rely
/// on (see [`CliError::exit_code`]).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Org(#[from] crate::emulator::OrgError),
    #[error(transparent)]
    Start(#[from] crate::emulator::StartError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// Signing in is needed first.
    #[error("{0}")]
    NeedsLogin(String),
    #[error("{}", .0.advice())]
    SignIn(crate::core::signin::Failure),
    #[error(transparent)]
    Token(crate::engine::tokens::TokenError),
    #[error(transparent)]
    Store(#[from] crate::session_store::SessionStoreError),
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    /// The identity center refused or could not be reached while `doing` something.
    #[error("{doing}: {error}")]
    IdentityCenter {
        doing: String,
        error: crate::ports::identity_center::IdcError,
    },
    /// STS refused or could not be reached while `doing` something.
    #[error("{doing}: {error}")]
    Sts {
        doing: String,
        error: crate::ports::sts::StsError,
    },
    #[error(transparent)]
    Chain(crate::core::chain::ChainError),
    #[error(transparent)]
    Console(crate::engine::console::ConsoleError),
    /// Writing the product to stdout failed. A reader that stopped early (`| head`, EPIPE) is
    /// not a failure: the command ends quietly with 0, as other Unix tools appear with
    /// `pipefail` off.
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    /// Already reported on stderr; only the exit code remains.
    #[error("")]
    Reported(u8),
    #[error("{0}")]
    Other(String),
}

impl From<crate::engine::tokens::TokenError> for CliError {
    fn from(e: crate::engine::tokens::TokenError) -> Self {
        use crate::engine::tokens::TokenError;
        match e {
            TokenError::NotSignedIn { .. }
            | TokenError::SignedOut { .. }
            | TokenError::Expired { .. } => CliError::NeedsLogin(e.to_string()),
            other => CliError::Token(other),
        }
    }
}

impl From<crate::workspace::WorkspaceError> for CliError {
    fn from(e: crate::workspace::WorkspaceError) -> Self {
        use crate::core::chain::ChainError;
        use crate::workspace::WorkspaceError;
        match e {
            WorkspaceError::Usage(message) => CliError::Usage(message),
            WorkspaceError::Session(e) => CliError::Usage(e.to_string()),
            WorkspaceError::NeedsSignIn(message) => CliError::NeedsLogin(message),
            WorkspaceError::Token(e) => CliError::Token(e),
            WorkspaceError::Catalog(e) => CliError::Catalog(e),
            WorkspaceError::IdentityCenter { doing, error } => {
                CliError::IdentityCenter { doing, error }
            }
            // A chain's failure as the command line reports it (its exit code is decided with
            // all the others, below).
            WorkspaceError::Chain(ChainError::NeedsSignIn { message }) => {
                CliError::NeedsLogin(message)
            }
            WorkspaceError::Chain(ChainError::NeedsMfa { chain, serial }) => {
                CliError::Usage(format!(
                    "{chain}: an MFA code from {serial} is needed and nobody can be asked here: run it in the foreground of a terminal, pipe the code on stdin, or set mfa_process"
                ))
            }
            WorkspaceError::Chain(other) => CliError::Chain(other),
        }
    }
}

/// Exit codes: 0 success, 1 error, 2 usage or configuration, 3 sign-in needed, 4 sign-in
/// failed (denied, expired code), 5 AWS unreachable (no answer, 5xx, still throttled after
/// the retries). This is the one place that decides them.
impl CliError {
    pub fn exit_code(&self) -> u8 {
        use crate::catalog::CatalogError;
        use crate::core::signin::Failure;
        use crate::engine::tokens::TokenError;
        match self {
            CliError::Usage(_) | CliError::Config(_) | CliError::Org(_) => 2,
            CliError::NeedsLogin(_) => 3,
            CliError::SignIn(Failure::Unreachable(_)) => 5,
            CliError::SignIn(_) => 4,
            CliError::Token(TokenError::Aws(e)) | CliError::IdentityCenter { error: e, .. } => {
                idc_exit(e)
            }
            CliError::Sts { error, .. } => sts_exit(error),
            CliError::Chain(e) => chain_exit(e),
            CliError::Console(e) => console_exit(e),
            CliError::Catalog(
                CatalogError::AccountsUnavailable { .. } | CatalogError::Unreachable { .. },
            ) => 5,
            CliError::Catalog(CatalogError::Unauthorized) => 3,
            CliError::Catalog(CatalogError::Accounts(e)) => idc_exit(e),
            CliError::Stdout(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            CliError::Reported(code) => *code,
            _ => 1,
        }
    }

    /// Nothing to tell: the reader of stdout went away (see [`CliError::Stdout`]).
    pub fn is_quiet(&self) -> bool {
        matches!(self, CliError::Stdout(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The one way subcommands write their product to stdout: all of `text`, flushed. A closed
/// pipe becomes a quiet [`CliError::Stdout`].
pub fn write_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// Writes `value` to stdout as one pretty-printed JSON document and a newline (`--json`).
pub(crate) fn write_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Other(e.to_string()))?;
    write_stdout(&(text + "\n"))
}

fn idc_exit(e: &crate::ports::identity_center::IdcError) -> u8 {
    use crate::ports::identity_center::IdcError;
    match e {
        IdcError::Unauthorized => 3,
        e if e.is_transient() => 5,
        _ => 1,
    }
}

fn sts_exit(e: &crate::ports::sts::StsError) -> u8 {
    if e.is_unavailable() { 5 } else { 1 }
}

fn chain_exit(e: &crate::core::chain::ChainError) -> u8 {
    use crate::core::chain::ChainError;
    match e {
        ChainError::NeedsSignIn { .. } => 3,
        ChainError::Invalid { .. } | ChainError::NeedsMfa { .. } | ChainError::NotACode { .. } => 2,
        ChainError::Unreachable { .. } => 5,
        _ => 1,
    }
}

fn console_exit(e: &crate::engine::console::ConsoleError) -> u8 {
    use crate::engine::console::ConsoleError;
    match e {
        ConsoleError::Unreachable { .. } => 5,
        ConsoleError::Refused { status, .. } if *status >= 500 => 5,
        _ => 1,
    }
}

pub fn block_on<F: std::future::Future<Output = Result<(), CliError>>>(
    f: F,
) -> Result<(), CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?
        .block_on(f)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Some(Command::Emulator(args)) => emulator_cmd::run(args),
        Some(Command::Setup(args)) => setup_cmd::run(args),
        Some(Command::Login(args)) => block_on(login_cmd::run_login(args)),
        Some(Command::Logout(args)) => block_on(logout_cmd::run_logout(args)),
        Some(Command::List(args)) => block_on(list_cmd::run_list(args)),
        Some(Command::Status(args)) => status_cmd::run_status(args),
        Some(Command::Demo(args)) => block_on(demo_cmd::run_demo(args)),
        Some(Command::Exec(args)) => exec_cmd::run(args),
        Some(Command::Env(args)) => env_cmd::run(args),
        Some(Command::Serve(args)) => serve_cmd::run(args),
        Some(Command::Init(args)) => init_cmd::run(args),
        Some(Command::Write(args)) => write_cmd::run(args),
        Some(Command::Populate(args)) => populate_cmd::run(args),
        Some(Command::CredentialProcess(args)) => credential_process_cmd::run(args),
        Some(Command::Console(args)) => console_cmd::run(args),
        Some(Command::Whoami(args)) => whoami_cmd::run(args),
        Some(Command::Action(args)) => action_cmd::run(args),
        Some(Command::Completions(args)) => completions_cmd::run(args),
        Some(Command::DemoMfaCode { serial }) => {
            demo_cmd::print_mfa_code(serial.as_deref().unwrap_or(demo_cmd::DEMO_MFA))
        }
        None => block_on(async move {
            let ctx = context::load()?;
            app_cmd::run_app(ctx, cli.session.as_deref()).await
        }),
    }
}
