//! The release binary as a person uses it, in tmux: `rolecall demo`, sign in, search, assume,
//! watch the countdown, quit — and the terminal is restored afterwards, also after SIGTERM.
//! tests/run.sh installs tmux when it is missing; without it these tests fail, never skip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::tmux::{Tmux, assert_restored, assert_same_as, stty_words};

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

/// Starts the demo; returns the terminal settings from before.
fn demo(tmux: &Tmux) -> BTreeSet<String> {
    let before = tmux.stty();
    assert_restored(&before);
    tmux.run_app(BIN, "demo");
    stty_words(&before)
}

#[test]
fn demo_sign_in_search_assume_countdown_quit() {
    let tmux = Tmux::start("flow");
    let before = demo(&tmux);
    // The sign-in screen shows the code and URL, then the emulator approves by itself.
    let signin = tmux.wait_text("/device", Duration::from_secs(30));
    assert!(signin.contains("http://127.0.0.1:"), "{signin}");
    tmux.wait_text("AdministratorAccess", Duration::from_secs(60));
    // Search.
    // An AdministratorAccess session lasts an hour, so its countdown shows seconds.
    tmux.type_text("payments dev admin");
    let found = tmux.wait_for("the query to filter", Duration::from_secs(10), |s| {
        s.contains("payments dev admin") && common::selected_role_shows(s, "AdministratorAccess")
    });
    assert!(!found.contains("ReadOnlyAccess"), "{found}");
    // Assume: the hand-over menu, then close it and watch the countdown tick.
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
    tmux.send(&["Escape"]);
    let first = tmux.wait_for("a countdown", Duration::from_secs(10), |s| {
        s.contains("59m")
    });
    let ticked = tmux.wait_for("the countdown to tick", Duration::from_secs(10), |s| {
        s.contains("59m") && *s != first
    });
    assert!(
        ticked.contains("payments-dev/AdministratorAccess"),
        "{ticked}"
    );
    // A session is held: the first ctrl-c asks, the second quits.
    tmux.send(&["C-c"]);
    tmux.wait_text("again to quit", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
    assert_same_as(&tmux, &before);
}

#[test]
fn sigterm_mid_run_restores_the_terminal() {
    let tmux = Tmux::start("sigterm");
    let before = demo(&tmux);
    tmux.wait_text("/device", Duration::from_secs(30));
    tmux.signal_app("TERM");
    tmux.wait_text("EXITED=143", Duration::from_secs(10));
    let stty = assert_same_as(&tmux, &before);
    // Nothing of the app (and no secret) is left on the main screen.
    assert!(!stty.contains("/device"), "{stty}");
}

/// The demo's chains in the real binary: break glass asks for its MFA code, as a real device's
/// chain would, and `rolecall demo-mfa-code` (the demo's authenticator, in `--help`) gives it;
/// the menu says who the credentials are; a capped chain says why it lasts an hour.
#[test]
fn demo_chains_with_mfa_and_the_one_hour_cap() {
    let tmux = Tmux::start("chains");
    let before = demo(&tmux);
    tmux.wait_text("AdministratorAccess", Duration::from_secs(60));
    tmux.type_text("break-glass");
    tmux.wait_for("the chain row", Duration::from_secs(10), |s| {
        s.contains("↪ break-glass") && s.contains("MFA")
    });
    tmux.send(&["Enter"]);
    tmux.wait_text("break-glass needs a code from", Duration::from_secs(20));
    let code = std::process::Command::new(BIN)
        .arg("demo-mfa-code")
        .output()
        .unwrap();
    assert!(code.status.success(), "{code:?}");
    let code = String::from_utf8(code.stdout).unwrap();
    assert_eq!(code.trim().len(), 6, "{code}");
    tmux.type_text(code.trim());
    tmux.send(&["Enter"]);
    tmux.wait_text(
        "as arn:aws:sts::482167869816:assumed-role/break-glass/",
        Duration::from_secs(20),
    );
    tmux.send(&["Escape"]);
    tmux.wait_for("the menu to close", Duration::from_secs(10), |s| {
        !s.contains("credentials ready")
    });
    tmux.send(&["C-u"]);
    tmux.type_text("etl-deployer");
    tmux.wait_text("↪ etl-deployer", Duration::from_secs(10));
    tmux.send(&["Enter"]);
    let menu = tmux.wait_text("capped at 1h (asked 4h)", Duration::from_secs(20));
    assert!(
        menu.contains("as arn:aws:sts::406881644574:assumed-role/etl-deployer/"),
        "{menu}"
    );
    tmux.send(&["Escape"]);
    tmux.send(&["C-c"]);
    tmux.wait_text("again to quit", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
    assert_same_as(&tmux, &before);
}

/// Esc closes, clears and goes back but never quits; `q` quits on an empty search (and types
/// otherwise), asking once while a session is held.
#[test]
fn esc_never_quits_and_q_asks_once_while_holding_a_session() {
    let tmux = Tmux::start("esc");
    let before = demo(&tmux);
    tmux.wait_text("AdministratorAccess", Duration::from_secs(60));
    for _ in 0..3 {
        tmux.send(&["Escape"]);
    }
    tmux.type_text("payments dev admin q");
    let typed = tmux.wait_text("payments dev admin q", Duration::from_secs(10));
    assert!(!typed.contains("EXITED="), "{typed}");
    tmux.send(&["BSpace"]);
    tmux.wait_selected("AdministratorAccess", Duration::from_secs(20));
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
    // Esc closes the menu, clears the search, and then does nothing.
    for _ in 0..4 {
        tmux.send(&["Escape"]);
    }
    tmux.wait_for("an empty search", Duration::from_secs(10), |s| {
        s.contains("type to search") && s.contains("payments-dev/AdministratorAccess")
    });
    tmux.type_text("q");
    let asked = tmux.wait_text("again to quit", Duration::from_secs(10));
    assert!(asked.contains("1 session held"), "{asked}");
    assert!(!asked.contains("EXITED="), "{asked}");
    tmux.type_text("q");
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
    assert_same_as(&tmux, &before);
}

/// Esc and a letter typed right after it reach the app in one read (ESC `d`, which parses as
/// alt-d): both count, so `pay`, Esc, `data` searches for `data`.
#[test]
fn esc_then_letters_typed_quickly_lose_no_key() {
    let tmux = Tmux::start("escfast");
    let before = demo(&tmux);
    tmux.wait_text("AdministratorAccess", Duration::from_secs(60));
    tmux.send(&["pay", "Escape", "data"]);
    // Until the query line (the second) ends in the last letters, right (`data`) or wrong;
    // the list below shows `data-platform` rows from the start, so the whole screen cannot
    // tell (on a busy machine that returned the screen before the keys were read).
    let screen = tmux.wait_for("a query", Duration::from_secs(10), |s| {
        s.lines().nth(1).is_some_and(|query| query.contains("ata"))
    });
    assert!(screen.contains("› data"), "{screen}");
    assert!(!screen.contains("payata"), "{screen}");
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
    assert_same_as(&tmux, &before);
}

/// Starts the demo with `sh` as the subshell (an interactive sh ignores SIGTERM, as bash
/// does), assumes payments-dev/AdministratorAccess and waits for the hand-over menu.
fn demo_with_the_menu_open(tmux: &Tmux) {
    tmux.run_app(&format!("env SHELL=/bin/sh {BIN}"), "demo");
    tmux.wait_text("AdministratorAccess", Duration::from_secs(60));
    tmux.type_text("payments dev admin");
    tmux.wait_text("payments dev admin", Duration::from_secs(10));
    tmux.wait_selected("AdministratorAccess", Duration::from_secs(20));
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
}

/// SIGTERM while the app's subshell runs is passed on and not swallowed: when the shell ends,
/// rolecall ends with 143 instead of coming back.
#[test]
fn sigterm_during_the_subshell_ends_rolecall_after_it() {
    let tmux = Tmux::start("subterm");
    let before = tmux.stty();
    demo_with_the_menu_open(&tmux);
    tmux.send(&["Down", "Enter"]);
    tmux.wait_shell_after("exit it to return", Duration::from_secs(10));
    tmux.signal_app("TERM");
    tmux.wait_text("got SIGTERM", Duration::from_secs(10));
    tmux.send(&["exit", "Enter"]);
    // `EXITED=` followed by a number: the command line itself shows `EXITED=$?`.
    let ended = tmux.wait_for("rolecall to end", Duration::from_secs(10), |s| {
        s.match_indices("EXITED=")
            .any(|(i, m)| s[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
    });
    assert!(ended.contains("EXITED=143"), "{ended}");
    assert_same_as(&tmux, &stty_words(&before));
}

/// A custom action's output and exit status stay on the normal screen until a key is pressed,
/// then the app comes back.
#[test]
fn a_custom_action_shows_its_output_and_status_until_a_key() {
    use common::cli_home::{BIN as HOME_BIN, Home, auto_approving_org};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(common::start(&auto_approving_org()));
    let action = "[[actions]]\nname = \"say hello\"\nkey = \"h\"\n\
                  command = \"echo hello-from-the-action; exit 3\"\n";
    let home = Home::new(&emu, "", action);
    home.login();
    let tmux = Tmux::start_with("action", home.path(), home.environment());
    tmux.run_app(HOME_BIN, "");
    tmux.wait_text("PowerUserAccess", Duration::from_secs(30));
    tmux.type_text("dev power");
    tmux.wait_text("dev power", Duration::from_secs(10));
    tmux.wait_selected("PowerUserAccess", Duration::from_secs(20));
    tmux.send(&["Enter"]);
    tmux.wait_text("say hello", Duration::from_secs(20));
    tmux.type_text("h");
    let paused = tmux.wait_text("press a key to return", Duration::from_secs(10));
    assert!(paused.contains("hello-from-the-action"), "{paused}");
    assert!(paused.contains("exited with status 3"), "{paused}");
    tmux.send(&["Space"]);
    tmux.wait_for("the app again", Duration::from_secs(10), |s| {
        s.contains("PowerUserAccess") && !s.contains("press a key")
    });
    tmux.send(&["C-c"]);
    tmux.wait_text("again to quit", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
}

/// The demo's hand-overs work end to end: in its subshell the AWS CLI reaches the demo's
/// emulator with the role's credentials, reads the profile the app wrote, and runs a
/// `credential_process = rolecall credential-process TARGET` profile, which signs nothing
/// anew and reaches the demo's emulator (its identity center and its kept sign-in).
#[test]
fn the_demo_subshell_written_profile_and_credential_process_work_with_the_aws_cli() {
    let tmux = Tmux::start("demoaws");
    demo_with_the_menu_open(&tmux);
    tmux.send(&["Down", "Down", "Enter"]);
    let wrote = tmux.wait_text("wrote profile", Duration::from_secs(10));
    assert!(
        wrote.contains("payments-dev-AdministratorAccess"),
        "{wrote}"
    );
    tmux.send(&["Tab", "Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(10));
    tmux.send(&["Down", "Enter"]);
    tmux.wait_shell_after("exit it to return", Duration::from_secs(10));
    tmux.send(&[
        &format!(
            "clear; aws sts get-caller-identity --query Arn --output text; \
         aws --profile payments-dev-AdministratorAccess sts get-caller-identity \
         --query Arn --output text; \
         printf '[profile cp]\\ncredential_process = %s credential-process %s\\n' \
         {BIN} payments-dev/AdministratorAccess >> \"$AWS_CONFIG_FILE\"; \
         aws --profile cp sts get-caller-identity --query Arn --output text; \
         echo AWS-$((1+1))-DONE"
        ),
        "Enter",
    ]);
    let out = tmux.wait_text("AWS-2-DONE", Duration::from_secs(60));
    let arns = out
        .lines()
        .filter(|l| l.starts_with("arn:aws:sts::") && l.contains("AdministratorAccess"))
        .count();
    assert_eq!(
        arns, 3,
        "subshell, written profile, credential process:\n{out}"
    );
    tmux.send(&["exit", "Enter"]);
    // The shell's own output names the role too: wait for what only the app draws.
    tmux.wait_text("sessions (1)", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    tmux.wait_text("again to quit", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
}
