//! rolecall: move between AWS accounts and roles from one full-screen terminal app.
//!
//! Module map. ARCHITECTURE.md, at the root of the repository, describes each module, the
//! layers (what may import what, checked by `architecture_tests`), the data flow from a message
//! to the adapters, and where a new hand-over, key or setting goes.
//!
//! | module | holds |
//! |---|---|
//! | [`compose`] | the composition root: the real adapters wired, for the subcommands, the app, the tests |
//! | [`config`] | `config.toml` and the AWS CLI's `~/.aws/config` |
//! | [`core`] | the pure core: data and decisions, no IO |
//! | [`ports`] | the traits the app reaches the world through |
//! | [`adapters`] | the real implementations of the ports (SDK, files, keyring, browser) |
//! | [`catalog`] | listing every account and role (paced, retried, prioritized) and its on-disk cache |
//! | [`engine`] | drives the core's decisions against the ports: sign-in, tokens, role credentials, chains, PKCE, console URL |
//! | [`emulator`] | the local IAM Identity Center + STS on loopback (tests, demo, `rolecall emulator`) |
//! | [`cli`] | command-line parsing and the subcommands' entry points |
//! | [`logging`] | `tracing` to a log file, its private directory, redaction of every line |
//! | [`environment`] | the ambient environment, read once at the composition root |
//! | [`paths`] | where config, cache, state and AWS files live |
//! | [`toml_error`] | `file:line: cause` for TOML errors |
//! | [`runtime`] | the event loop, the terminal guard, running effects |
//! | [`secret`] | `Secret<T>`: values that must never reach a log, a panic or the screen |
//! | [`ui`] | the screen drawn from the state (ratatui), pure: `draw(frame, &AppState, &ViewCtx)` |
//! | [`session_store`] | sign-ins and role credentials kept in the secret store and the AWS CLI cache |
//! | [`workspace`] | the use cases: TARGET → credentials → hand-over, for the subcommands and the app |
//! | [`aws_files`] | writing `~/.aws/credentials` profiles and `~/.aws/config`'s managed block, byte-preserving |

#![warn(unreachable_pub)]

pub mod adapters;
pub mod aws_files;
pub mod catalog;
pub mod cli;
pub mod compose;
pub mod config;
pub mod core;
pub mod emulator;
pub mod engine;
pub mod environment;
pub mod logging;
pub mod paths;
pub mod ports;
pub mod runtime;
pub mod secret;
pub mod session_store;
pub mod toml_error;
pub mod ui;
pub mod workspace;

#[cfg(test)]
mod architecture_tests;
