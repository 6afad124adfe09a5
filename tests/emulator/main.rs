//! The emulator against the real SDK clients (`oidc`, `portal`, `sts`), its organization file
//! (`org`), and the engine's flows against it: sign-in (`signin_flow`) and the account catalog
//! (`catalog_listing`).
//!
//! One test binary per subject, each module one former `tests/<name>.rs` (`emulator_oidc.rs` is
//! `oidc` here). Run one module with `cargo test --test emulator catalog_listing::`.

#[path = "../common/mod.rs"]
mod common;

mod catalog_listing;
mod oidc;
mod org;
mod portal;
mod signin_flow;
mod sts;
