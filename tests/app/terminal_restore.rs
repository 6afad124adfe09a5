//! The app in tmux holding credentials (a role assumed, its exports on screen, masked) ends
//! abruptly — SIGTERM, SIGHUP, or a panic injected through the debug-only
//! `ROLECALL_DEBUG_PANIC_ON_KEY` hook — and each time the terminal is restored (`stty -a` as
//! before, the shell usable), and no secret the emulator issued is on the screen, in the pane's
//! history (where the panic message lands) or in the log.
//!
//! The debug hook exists only in debug builds, which is what `cargo test` runs; in a release
//! build the panic test fails (no panic message), it never passes without panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::time::Duration;

use common::cli_home::{BIN, Home, auto_approving_org};
use common::leaks::Secrets;
use common::start;
use common::tmux::{Tmux, assert_restored, assert_same_as, stty_words};
use rolecall::emulator::Emulator;

/// The emulator, served by a runtime of its own while the test drives tmux.
fn emulator() -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(start(&auto_approving_org()));
    (rt, emu)
}

/// Signs in, opens the app in tmux, assumes a role and shows its exports (masked). Returns
/// the HOME, the session and the terminal settings from before.
fn holding_credentials(
    tag: &str,
    emu: &Emulator,
    extra_env: &[(&'static str, &str)],
) -> (Home, Tmux, BTreeSet<String>) {
    let home = Home::new(emu, "", "");
    home.login();
    let mut env = home.environment();
    env.extend(extra_env.iter().map(|(k, v)| (*k, OsString::from(v))));
    let tmux = Tmux::start_with(tag, home.path(), env);
    let before = tmux.stty();
    assert_restored(&before);
    tmux.run_app(BIN, "");
    tmux.wait_text("PowerUserAccess", Duration::from_secs(30));
    tmux.type_text("dev power");
    tmux.wait_for("the query", Duration::from_secs(10), |s| {
        s.contains("dev power") && !s.contains("ReadOnlyAccess")
    });
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
    // The fifth entry: "Show the exports".
    for _ in 0..4 {
        tmux.send(&["Down"]);
    }
    tmux.send(&["Enter"]);
    tmux.wait_text("secrets are masked here", Duration::from_secs(10));
    (home, tmux, stty_words(&before))
}

/// The terminal is as before, and no issued secret is on it, in its history or in the log.
fn assert_clean(emu: &Emulator, home: &Home, tmux: &Tmux, before: &BTreeSet<String>) {
    let after = assert_same_as(tmux, before);
    assert!(!after.contains("secrets are masked"), "{after}");
    let secrets = Secrets::new(emu.issued_secrets());
    assert!(
        secrets.len() >= 4,
        "token, refresh token, secret key, session token"
    );
    secrets.assert_none_in("the screen", &tmux.screen());
    secrets.assert_none_in("the pane's history", &tmux.history());
    secrets.assert_none_in("the log", &home.log());
}

/// The app holding credentials gets `signal`: it ends cleanly and leaves a clean terminal.
fn ends_cleanly_on(signal: &str, code: u8) {
    let (_rt, emu) = emulator();
    let (home, tmux, before) = holding_credentials(&signal.to_lowercase(), &emu, &[]);
    tmux.signal_app(signal);
    // 128 + the signal, as other programs exit.
    tmux.wait_text(&format!("EXITED={code}"), Duration::from_secs(10));
    assert_clean(&emu, &home, &tmux, &before);
}

#[test]
fn sigterm_while_holding_credentials_restores_the_terminal() {
    ends_cleanly_on("TERM", 143);
}

#[test]
fn sighup_while_holding_credentials_restores_the_terminal() {
    ends_cleanly_on("HUP", 129);
}

#[test]
fn a_panic_while_holding_credentials_restores_the_terminal() {
    let (_rt, emu) = emulator();
    let (home, tmux, before) = holding_credentials(
        "panic",
        &emu,
        &[
            ("ROLECALL_DEBUG_PANIC_ON_KEY", "%"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    // Any key closes the exports; the next one panics.
    tmux.send(&["Escape"]);
    tmux.wait_for("the exports closed", Duration::from_secs(10), |s| {
        !s.contains("secrets are masked")
    });
    tmux.type_text("%");
    let ended = tmux.wait_text("EXITED=101", Duration::from_secs(10));
    // The panic message is on the restored main screen, not lost with the app's screen.
    let history = tmux.history();
    assert!(
        history.contains("injected panic: ROLECALL_DEBUG_PANIC_ON_KEY"),
        "{ended}\n---\n{history}"
    );
    assert_clean(&emu, &home, &tmux, &before);
}
