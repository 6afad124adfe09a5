//! The command line: `rolecall` with a subcommand. Data goes to stdout; progress, prompts and
//! messages go to stderr.

pub mod emulator_cmd;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "rolecall", version, about = "Move between AWS accounts and roles", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the local IAM Identity Center + STS emulator in the foreground.
    ///
    /// Prints `export` lines for a shell to eval (endpoint, region, start URL), then serves on
    /// 127.0.0.1 until interrupted.
    Emulator(EmulatorArgs),
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

/// Errors reported once, at the edge, as one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Org(#[from] crate::emulator::OrgError),
    #[error(transparent)]
    Start(#[from] crate::emulator::StartError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Some(Command::Emulator(args)) => emulator_cmd::run(args),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            Ok(())
        }
    }
}
