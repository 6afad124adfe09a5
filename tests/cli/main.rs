//! The subcommands as scripts run them: the real `rolecall` binary against the emulator in a
//! throwaway HOME (`console`, `credential_process`, `emulator`, `profiles`, `session`,
//! `shells`), the seeds' STS scenarios end to end (`chain_scenarios`), the local credentials
//! endpoint (`container_credentials`; MFA chains renewed there: `served_chains`), and the real
//! OS keyring (`token_storage`).
//!
//! One test binary per subject, each module one former `tests/<name>.rs` (`cli_console.rs` is
//! `console` here). Run one module with `cargo test --test cli session::`.

#[path = "../common/mod.rs"]
mod common;

mod chain_scenarios;
mod completions;
mod console;
mod container_credentials;
mod credential_process;
mod emulator;
mod profiles;
mod served_chains;
mod session;
mod shells;
mod token_storage;
