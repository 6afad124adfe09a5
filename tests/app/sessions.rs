//! Sessions that live, in the whole app against the emulator on tokio's paused clock (the
//! app's clock or the emulator's moved forward, nobody waits): kept sessions shown at
//! start, a session in use renewed silently before it expires, the identity center's token
//! renewed with its refresh token mid-run (no device sign-in), and the header after a
//! revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use crate::common;

use common::app::{AppOptions, Shifted, start_app};
use common::cli_home::auto_approving_org;
use common::paused::small_steps;
use common::*;
use crossterm::event::KeyCode;
use rolecall::emulator::Api;

/// Options whose clock moves with the emulator's.
fn shifted(clock: &Shifted) -> AppOptions {
    AppOptions {
        clock: Some(Arc::new(clock.clone())),
        ..AppOptions::default()
    }
}

/// Signs in (approved at once), waits for the catalog, assumes `dev power` and closes the
/// menu: one session held, in use.
async fn hold_one(app: &mut common::app::App) {
    app.frame_where("the catalog", |f| f.contains("PowerUserAccess"))
        .await;
    app.assume("dev power").await;
    app.key(KeyCode::Esc);
    app.frame_where("the menu closed", |f| {
        f.contains("sessions (1)") && !f.contains("Quit and print the exports")
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn kept_sessions_show_at_start_with_their_countdowns() {
    let _steps = small_steps();
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(&emu, home.path(), AppOptions::default());
    hold_one(&mut app).await;
    app.quit().await;

    // The next run starts with what the store holds, as the binary does.
    let options = AppOptions {
        stored: true,
        ..AppOptions::default()
    };
    let mut app = start_app(&emu, home.path(), options);
    let first = app
        .frame_where("the kept session", |f| f.contains("sessions (1)"))
        .await;
    assert!(first.contains("payments-dev/PowerUserAccess"), "{first}");
    assert!(first.contains("59m"), "its countdown: {first}");
    app.quit().await;
    // Shown from the store: no new sign-in, no new credentials.
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 1);
}

#[tokio::test(start_paused = true)]
async fn a_session_in_use_is_renewed_silently_before_it_expires() {
    let _steps = small_steps();
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    let clock = Shifted::default();
    let mut app = start_app(&emu, home.path(), shifted(&clock));
    hold_one(&mut app).await;

    // Eleven minutes before expiry (the default lead time is ten): not yet.
    clock.advance(Duration::from_secs(3600 - 660));
    app.frame_where("ten-odd minutes left", |f| f.contains("10m 5"))
        .await;
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 1);
    // At the lead time: renewed, without a key pressed.
    clock.advance(Duration::from_secs(61));
    app.frame_with("payments-dev/PowerUserAccess renewed before it expired")
        .await;
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 2);
    // The emulator's clock did not move, so the new credentials also end within the lead
    // time by the app's clock: they are not renewed again on every tick.
    for _ in 0..8 {
        app.frame_where("a tick", |_| true).await;
    }
    app.quit().await;
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 2);
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
}

#[tokio::test(start_paused = true)]
async fn an_expired_sign_in_mid_run_is_renewed_with_the_refresh_token_not_a_device_sign_in() {
    let _steps = small_steps();
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(&emu, home.path(), AppOptions::default());
    app.frame_where("the catalog", |f| f.contains("PowerUserAccess"))
        .await;
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
    let tokens = emu.stats(Api::CreateToken).requests;

    // The identity center's session (8 h) ends while the app runs: AWS refuses its token.
    emu.advance(Duration::from_secs(8 * 3600 + 60));
    app.type_text("dev power");
    app.frame_with("dev power").await;
    app.key(KeyCode::Enter);
    // Renewed with the refresh token, the list still on screen.
    let renewed = app
        .frame_where("the refresh", |_| {
            emu.stats(Api::CreateToken).requests == tokens + 1
        })
        .await;
    assert!(renewed.contains("PowerUserAccess"), "{renewed}");
    // And the role is had with the new token, without Enter again: the refused request is
    // asked again once signed in.
    app.frame_with("Quit and print the exports").await;
    assert_eq!(emu.stats(Api::GetRoleCredentials).requests, 2);
    let header = app.last.lines().next().unwrap_or_default().to_owned();
    assert!(header.contains("session 7h 59m"), "{header}");
    app.quit().await;
    assert_eq!(
        emu.stats(Api::StartDeviceAuthorization).requests,
        1,
        "no device sign-in mid-run"
    );
}

/// The identity center's token is renewed ahead of its expiry (15 minutes before, as botocore
/// does), before AWS refuses anything: a refresh-token grant, no request refused, no device
/// sign-in, and the header shows the new token's time.
#[tokio::test(start_paused = true)]
async fn the_sign_in_is_renewed_before_it_expires_without_a_refusal() {
    let _steps = small_steps();
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    let clock = Shifted::default();
    let mut app = start_app(&emu, home.path(), shifted(&clock));
    let listed = app
        .frame_where("the catalog", |f| f.contains("PowerUserAccess"))
        .await;
    assert!(listed.contains("session 7h 59m"), "{listed}");
    let tokens = emu.stats(Api::CreateToken).requests;
    // Both clocks at 14 minutes before the token's end: nothing was refused yet.
    let ahead = Duration::from_secs(8 * 3600 - 14 * 60);
    emu.advance(ahead);
    clock.advance(ahead);
    let renewed = app
        .frame_where("the renewal ahead", |f| {
            emu.stats(Api::CreateToken).requests == tokens + 1 && f.contains("session 7h 59m")
        })
        .await;
    assert!(renewed.contains("PowerUserAccess"), "{renewed}");
    app.quit().await;
    assert_eq!(
        emu.stats(Api::GetRoleCredentials).requests,
        0,
        "no request was made, none refused"
    );
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
}

#[tokio::test(start_paused = true)]
async fn after_a_revocation_the_header_drops_the_old_sessions_time() {
    let _steps = small_steps();
    let emu = start(&small_org_toml()).await;
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(&emu, home.path(), AppOptions::default());
    let device_url = format!("{}/device", emu.url());
    app.frame_with(&device_url).await;
    emu.approve_devices();
    let listed = app
        .frame_where("the catalog", |f| f.contains("PowerUserAccess"))
        .await;
    assert!(listed.contains("session 7h 59m"), "{listed}");

    // Revoked: the refresh token is refused too, so the user signs in anew.
    emu.revoke_tokens();
    app.type_text("dev power");
    app.frame_with("dev power").await;
    app.key(KeyCode::Enter);
    app.frame_where("a new device sign-in", |f| {
        f.contains(&device_url) && f.contains("Sign in to")
    })
    .await;
    let signing_in = app.last.clone();
    assert!(
        !signing_in.contains("session 7h") && !signing_in.contains("session 8h"),
        "the old session's time is gone: {signing_in}"
    );
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 2);
    app.quit().await;
}
