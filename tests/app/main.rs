//! The app: the whole program on ratatui's `TestBackend` (`chains`, `runtime`), every screen as
//! an `insta` snapshot (`ui_snapshots`, snapshots in `tests/app/snapshots/`), and the real binary
//! in tmux (`tmux_e2e`, `terminal_restore`, `marked_terminal`: what the terminal is told).
//!
//! One test binary per subject, each module one former `tests/<name>.rs` (every binary links
//! the whole crate, so fewer binaries build and link faster). Run one module with
//! `cargo test --test app ui_snapshots::`.

#[path = "../common/mod.rs"]
mod common;

mod chains;
mod first_run;
mod listing_stream;
mod marked_terminal;
mod runtime;
mod search_ranking;
mod served_subshell;
mod sessions;
mod terminal_restore;
mod tmux_e2e;
mod ui_snapshots;
