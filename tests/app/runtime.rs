//! The whole app on ratatui's `TestBackend` with a scripted input stream, the real runtime and
//! the real SDK adapter against the emulator: sign in, search, assume, watch the countdown pass
//! the warning threshold, quit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::{AppOptions, start_app, start_app_on};
use common::cli_home::auto_approving_org;
use common::*;
use crossterm::event::KeyCode;
use crossterm::event::KeyCode::Char;
use rolecall::core::app::ExitPlan;
use rolecall::emulator::Api;

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_search_assume_watch_the_countdown_and_quit() {
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    // Warn as soon as a fresh one-hour credential has lost a couple of seconds.
    let mut app = start_app(&emu, home.path(), AppOptions::warning_at_once());

    // Signing in shows the code, then the emulator approves and the catalog is listed.
    let device_url = format!("{}/device", emu.url());
    app.frame_with(&device_url).await;
    app.frame_where("the catalog", |f| {
        f.contains("payments-dev") && f.contains("PowerUserAccess")
    })
    .await;

    // Search narrows the list as we type.
    app.type_text("dev power");
    let found = app.frame_with("dev power").await;
    assert!(!found.contains("ReadOnlyAccess"), "{found}");

    // Assume: credentials arrive and the hand-over menu opens.
    app.key(KeyCode::Enter);
    app.frame_with("Quit and print the exports").await;
    // Write a profile from the menu: the third entry.
    app.key(KeyCode::Down);
    app.key(KeyCode::Down);
    app.key(KeyCode::Enter);
    app.frame_with("wrote profile payments-dev-PowerUserAccess")
        .await;
    let written = std::fs::read_to_string(home.path().join(".aws/credentials")).unwrap();
    assert!(
        written.contains("[payments-dev-PowerUserAccess]\naws_access_key_id = ASIA"),
        "{written}"
    );

    // The countdown passes the warning threshold: a warning appears.
    let warned = app.frame_with("expires in 59m").await;
    assert!(warned.contains("payments-dev/PowerUserAccess"), "{warned}");

    assert_eq!(app.quit().await, ExitPlan::Nothing);
    // Signed in once: the listing right after the sign-in used the new token.
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_on_a_worker_task_ends_the_app_with_an_error_not_a_headless_process() {
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    let options = AppOptions::default();
    let idc = std::sync::Arc::new(common::faulty_idc::FaultyIdc {
        panic_listing: true,
        ..common::faulty_idc::FaultyIdc::new(&emu)
    });
    // Signed in (approved at once), the listing's task panics.
    let app = start_app_on(&emu, home.path(), options, idc);
    let error = app.ended().await.unwrap_err();
    assert!(
        error.to_string().contains("the list-catalog task panicked"),
        "{error}"
    );
}

/// `o` where no browser can be opened says so (it used to do nothing), and `c` says the code
/// was sent to the terminal's clipboard, not that it was copied.
#[tokio::test(flavor = "multi_thread")]
async fn open_and_copy_on_the_sign_in_screen_say_what_happened() {
    // Nobody approves: the sign-in screen stays.
    let emu = start(&small_org_toml()).await;
    let home = tempfile::tempdir().unwrap();
    let mut app = start_app(&emu, home.path(), AppOptions::default());
    app.frame_with("/device").await;
    app.key(Char('o'));
    app.frame_with("cannot open a browser here").await;
    app.key(Char('c'));
    let copied = app.frame_with("OSC 52").await;
    assert!(!copied.contains("copied"), "{copied}");
    assert_eq!(app.quit().await, ExitPlan::Nothing);
}

/// The bytes the event loop writes to the terminal for each copy target: OSC 52 with the text
/// in base64, nothing else.
#[tokio::test(flavor = "multi_thread")]
async fn the_copy_box_writes_osc_52_for_the_id_and_the_exports() {
    use base64::Engine as _;
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    let written = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let options = AppOptions {
        clipboard: Some(written.clone()),
        ..AppOptions::default()
    };
    let mut app = start_app(&emu, home.path(), options);
    app.frame_where("the catalog", |f| f.contains("payments-dev"))
        .await;
    app.type_text("payments-dev power");
    app.frame_where("PowerUserAccess selected", |f| {
        f.contains("payments-dev power") && common::selected_role_shows(f, "PowerUserAccess")
    })
    .await;
    app.key(KeyCode::Enter);
    app.frame_with("Quit and print the exports").await;
    app.key(Char('y'));
    app.frame_with("copy the account id").await;
    app.key(Char('i'));
    app.frame_with("the account id: sent to the terminal's clipboard (OSC 52)")
        .await;
    let id_sequence = String::from_utf8(written.lock().unwrap().clone()).unwrap();
    let payload = id_sequence
        .strip_prefix("\x1b]52;c;")
        .and_then(|s| s.strip_suffix('\x07'))
        .unwrap_or_else(|| panic!("{id_sequence:?}"));
    let id = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    let id = String::from_utf8(id).unwrap();
    assert!(
        id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    let frame = app.frame_with("payments-dev").await;
    assert!(frame.contains(&id), "the id copied is the row's: {id}");

    written.lock().unwrap().clear();
    app.key(KeyCode::Tab);
    app.ctrl('y');
    app.frame_with("copy the export lines").await;
    app.key(Char('e'));
    app.frame_with("the exports of payments-dev/PowerUserAccess")
        .await;
    let sequence = String::from_utf8(written.lock().unwrap().clone()).unwrap();
    let payload = sequence
        .strip_prefix("\x1b]52;c;")
        .and_then(|s| s.strip_suffix('\x07'))
        .unwrap_or_else(|| panic!("{sequence:?}"));
    let exports = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    let exports = String::from_utf8(exports).unwrap();
    assert!(
        exports.starts_with("export AWS_ACCESS_KEY_ID='ASIA"),
        "{exports}"
    );
    assert!(
        exports.contains("export AWS_SECRET_ACCESS_KEY='"),
        "{exports}"
    );
    assert_eq!(app.quit().await, ExitPlan::Nothing);
}
