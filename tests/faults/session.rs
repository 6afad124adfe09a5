//! Faults of the identity center session, against the real code: the sign-in revoked while the
//! app runs (it says so and asks to sign in again, then carries on) and between two commands
//! (exit 3 with the command to run, no browser), and the service's clock ten minutes off ours
//! (sign-in works and every credential's expiry is counted in our time, not the service's).
//!
//! A token revoked in the middle of a listing is in `catalog_listing.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::{Duration, SystemTime};

use common::app::{AppOptions, start_app};
use common::cli_home::{Home, auto_approving_org, text};
use common::*;
use crossterm::event::KeyCode;
use rolecall::emulator::{Api, Emulator, Faults};

fn skewed(seconds: i64) -> Faults {
    Faults {
        clock_offset_seconds: seconds,
        ..Faults::default()
    }
}

/// Waits until the emulator holds a pending device authorization and approves it.
async fn approve(emu: &Emulator) {
    wait_until(Duration::from_secs(20), || emu.approve_devices() == 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_revoked_while_the_app_runs_asks_to_sign_in_again_then_carries_on() {
    let emu = start(&small_org_toml()).await;
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(&emu, home.path(), AppOptions::default());
    let device_url = format!("{}/device", emu.url());
    app.frame_with(&device_url).await;
    approve(&emu).await;
    app.frame_with("PowerUserAccess").await;

    app.assume("dev power").await;
    app.key(KeyCode::Esc);

    // Revoked (the refresh token too): the next role cannot be had with it.
    assert_eq!(emu.revoke_tokens(), 1);
    for _ in 0.."dev power".len() {
        app.key(KeyCode::Backspace);
    }
    app.type_text("prod admin");
    app.frame_with("prod admin").await;
    app.key(KeyCode::Enter);
    let asked = app
        .frame_where("the sign-in screen saying why", |f| {
            f.contains(&device_url) && f.contains("expired or was revoked")
        })
        .await;
    assert!(!asked.contains("Quit and print the exports"), "{asked}");
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 2);

    // Signed in again: the same role now comes.
    approve(&emu).await;
    app.frame_where("the catalog again", |f| {
        f.contains("prod admin") && !f.contains(&device_url)
    })
    .await;
    app.key(KeyCode::Enter);
    app.frame_with("Quit and print the exports").await;
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 3);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_revoked_between_commands_is_exit_3_with_the_command_to_run() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let out = home.rolecall(&["env", "payments-dev/PowerUserAccess"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The token is still within its lifetime here, but the portal no longer takes it.
    assert_eq!(emu.revoke_tokens(), 1);
    for args in [
        &["env", "payments-dev/ReadOnlyAccess"][..],
        &["list", "--refresh"][..],
    ] {
        let out = home.rolecall(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        // Nothing to eval, no table: stdout stays empty.
        assert!(
            text(&out.stdout).is_empty(),
            "{args:?}: {}",
            text(&out.stdout)
        );
        let line = stderr.lines().last().unwrap_or_default();
        assert!(
            line.contains("the sign-in to acme has expired or was revoked: run `rolecall login --session acme`"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
    assert!(!home.browser_opened());

    // What the message says to run signs in anew (the stored token is not reused).
    let out = home.rolecall(&["login", "--session", "acme", "--no-browser"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("rolecall: the stored sign-in was revoked; signing in again"),
        "{stderr}"
    );
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 2);
    let out = home.rolecall(&["env", "payments-dev/ReadOnlyAccess"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The `Expiration` of a `credential_process` document.
fn expiration_of(stdout: &[u8]) -> SystemTime {
    let doc: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    time::OffsetDateTime::parse(
        doc["Expiration"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .into()
}

/// Seconds from `a` to `b` (negative when `b` is earlier).
fn seconds_between(a: SystemTime, b: SystemTime) -> i64 {
    match b.duration_since(a) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_service_clock_ten_minutes_off_expiries_are_counted_in_our_time() {
    for offset in [600, -600] {
        let emu = start(&auto_approving_org()).await;
        emu.set_faults(skewed(offset));
        let home = Home::new(&emu, "", "");
        home.login();
        let status = text(&home.rolecall(&["status"]).stdout);
        assert!(status.contains("signed in, expires in 7h"), "{status}");

        let asked_at = SystemTime::now();
        let out = home.rolecall(&["credential-process", "payments-dev/PowerUserAccess"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let expiration = expiration_of(&out.stdout);
        let lifetime = emu.org().permission_set_seconds("PowerUserAccess") as i64;
        // Uncorrected, this would be off by the whole offset.
        let off = seconds_between(asked_at, expiration) - lifetime;
        assert!(
            off.abs() <= 30,
            "offset {offset}: the expiry is {off} s away from a lifetime from now"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_service_clock_ten_minutes_ahead_the_app_counts_down_from_the_true_hour() {
    let emu = start(&auto_approving_org()).await;
    emu.set_faults(skewed(600));
    let home = tempfile::tempdir().unwrap();
    // Warned once a one-hour credential has lost two seconds: counted from a credential that
    // looks ten minutes longer, no warning would come for ten minutes.
    let mut app = start_app(&emu, home.path(), AppOptions::warning_at_once());
    app.frame_with("AdministratorAccess").await;
    app.assume("prod admin").await;
    app.key(KeyCode::Esc);
    let warned = app.frame_with("expires in 59m").await;
    assert!(
        warned.contains("payments-prod/AdministratorAccess"),
        "{warned}"
    );
    app.quit().await;
}

/// Far-future times from the service: every command that meets one ends normally, never
/// with a panic (exit 101).
fn far_future() -> Faults {
    Faults {
        far_future_expiry: true,
        ..Faults::default()
    }
}

fn assert_no_panic(what: &str, out: &std::process::Output) {
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{what} panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn far_future_expiries_from_the_service_are_clamped_not_a_panic() {
    let emu = start(&auto_approving_org()).await;
    emu.set_faults(far_future());
    let home = Home::new(&emu, "", "");
    // The client registration lapses in the year 10001.
    let out = home.rolecall(&["login", "--device-code", "--no-browser"]);
    assert_no_panic("login", &out);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Role credentials expiring in the year 10001.
    let asked_at = SystemTime::now();
    let out = home.rolecall(&["credential-process", "payments-dev/PowerUserAccess"]);
    assert_no_panic("credential-process", &out);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expiration = expiration_of(&out.stdout);
    // No role session lasts longer than 12 hours: that is as far as the expiry is believed.
    let ahead = seconds_between(asked_at, expiration);
    assert!((0..=12 * 3600 + 30).contains(&ahead), "{ahead} s ahead");

    let out = home.rolecall(&["env", "payments-dev/ReadOnlyAccess"]);
    assert_no_panic("env", &out);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Kept credentials are read back from the store as they were written.
    let out = home.rolecall(&["env", "payments-dev/ReadOnlyAccess"]);
    assert_no_panic("env (kept)", &out);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_takes_far_future_expiries_and_counts_down_from_twelve_hours() {
    let emu = start(&auto_approving_org()).await;
    emu.set_faults(far_future());
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(&emu, home.path(), AppOptions::default());
    app.frame_with("PowerUserAccess").await;
    // Credentials "until the year 10001" arrive, are kept, and count down from 12 hours.
    app.assume("dev power").await;
    app.key(KeyCode::Esc);
    let held = app.frame_with("payments-dev/PowerUserAccess").await;
    assert!(held.contains("11h 59m") || held.contains("12h"), "{held}");
    assert!(!held.contains("10001"), "{held}");
    app.quit().await;
}
