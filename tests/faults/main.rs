//! Hardening: every fault knob against the real code (`local_state`, `network`, `session`), a
//! hostile identity center (`hostile_portal`) and the secret leak sweep (`secret_leak_sweep`).
//!
//! One test binary per subject, each module one former `tests/<name>.rs` (`faults_network.rs` is
//! `network` here). Run one module with `cargo test --test faults network::`.

#[path = "../common/mod.rs"]
mod common;

mod hostile_portal;
mod local_state;
mod network;
mod secret_leak_sweep;
mod session;
