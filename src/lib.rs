//! rolecall: move between AWS accounts and roles from one full-screen terminal app.
//!
//! Module map (see `../shared/GUIDE.md` §2 for the architecture):
//!
//! | module | holds |
//! |---|---|
//! | [`emulator`] | the local IAM Identity Center + STS on loopback (tests, demo, `rolecall emulator`) |
//! | [`cli`] | command-line parsing and the subcommands' entry points |
//! | [`logging`] | `tracing` to a log file |
//! | [`secret`] | `Secret<T>`: values that must never reach a log, a panic or the screen |

pub mod cli;
pub mod emulator;
pub mod logging;
pub mod secret;
