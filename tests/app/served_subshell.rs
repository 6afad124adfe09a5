//! The app's subshell gets its credentials from the local endpoint, as `rolecall exec`'s shell
//! does: the real binary in tmux, botocore calling inside the subshell across three expiries of
//! credentials that last nine seconds, and the endpoint gone once the subshell exits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::cli_home::{BIN, Home};
use common::served::{BOTOCORE_LOOP, address, fast_org, refused};
use common::tmux::Tmux;
use rolecall::emulator::Api;

/// How long botocore calls in the subshell: past three expiries.
const LOOP_SECONDS: u64 = 3 * 9 + 6;

#[test]
fn the_apps_subshell_is_served_credentials_renewed_across_expiries() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(common::start(&fast_org()));
    // The app's own renewal is off: every role credential fetched is the endpoint's doing.
    let home = Home::new(&emu, "", "[sessions]\nauto_renew = false\n");
    home.login();
    std::fs::write(home.path().join("loop.py"), BOTOCORE_LOOP).unwrap();
    let tmux = Tmux::start_with("served", home.path(), home.environment());
    tmux.run_app(BIN, "");
    tmux.wait_text("PowerUserAccess", Duration::from_secs(30));
    tmux.type_text("dev power");
    tmux.wait_selected("PowerUserAccess", Duration::from_secs(20));
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
    let before = emu.stats(Api::GetRoleCredentials).requests;
    tmux.send(&["Down", "Enter"]);
    tmux.wait_text(
        "renewed by rolecall; exit it to return",
        Duration::from_secs(10),
    );
    tmux.wait_shell_after("exit it to return", Duration::from_secs(10));
    tmux.send(&[
        &format!(
            "clear; printf %s \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" > \"$HOME/uri\"; \
             python3 \"$HOME/loop.py\" {LOOP_SECONDS} > \"$HOME/loop.json\"; echo LOOP-$?-DONE"
        ),
        "Enter",
    ]);
    let done = tmux.wait_for(
        "the loop to end",
        Duration::from_secs(LOOP_SECONDS + 60),
        |s| s.contains("-DONE") && !s.contains("LOOP-$?"),
    );
    let report = std::fs::read_to_string(home.path().join("loop.json")).unwrap();
    assert!(done.contains("LOOP-0-DONE"), "{done}\n{report}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["method"], "container-role", "{report}");
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    assert!(
        report["expired"].as_u64().unwrap() >= 3,
        "three expiries passed: {report}"
    );
    // Renewed from the source, by the endpoint.
    let fetched = emu.stats(Api::GetRoleCredentials).requests - before;
    assert!(fetched >= 3, "renewals: {fetched}");
    let uri = std::fs::read_to_string(home.path().join("uri")).unwrap();
    assert!(uri.starts_with("http://127.0.0.1:"), "{uri}");
    tmux.send(&["exit", "Enter"]);
    tmux.wait_text("sessions (1)", Duration::from_secs(10));
    assert!(refused(address(&uri)), "the endpoint outlived its subshell");
    tmux.send(&["C-c"]);
    tmux.wait_text("again to quit", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
}
