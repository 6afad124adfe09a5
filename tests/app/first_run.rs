//! Issue 14 §6: the first run against a real identity center, in the app. With nothing
//! configured the app asks for the access portal URL, the region and a session name in a form
//! (checked as typed, then by the identity center), writes the `[sso-session]` to
//! ~/.aws/config keeping every other byte (botocore reads it back), then signs in and lists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::{AppOptions, paths, start_app, start_first_run};
use common::cli_home::auto_approving_org;
use common::*;
use crossterm::event::KeyCode;
use rolecall::config::Config;
use rolecall::core::app::ExitPlan;

#[tokio::test(flavor = "multi_thread")]
async fn the_first_run_asks_in_a_form_writes_the_sso_session_then_signs_in_and_lists() {
    let emu = start(&auto_approving_org()).await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".aws/config");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let mine = "# my own settings\n[profile x]\nregion = eu-west-1 ; kept\n";
    std::fs::write(&config, mine).unwrap();

    let mut app = start_first_run(&emu, home.path());
    let form = app.frame_with("sign in to your identity center").await;
    insta::assert_snapshot!("first_run_form_100x24", form);

    // Checked as typed: the message is inline and the form stays.
    app.type_text("http://test.awsapps.com/start");
    app.key(KeyCode::Enter);
    app.frame_with("not an https URL").await;
    app.ctrl('u');
    app.type_text(START_URL);
    app.key(KeyCode::Enter);
    app.frame_with("region is needed").await;
    // Checked by the identity center: one it does not know is refused, nothing written.
    app.key(KeyCode::Tab);
    app.type_text(REGION);
    app.key(KeyCode::BackTab);
    app.ctrl('u');
    app.type_text("https://unknown.awsapps.com/start");
    app.key(KeyCode::Enter);
    let refused = app.frame_with("did not accept").await;
    assert!(refused.contains("nothing was written"), "{refused}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), mine);
    app.ctrl('u');
    app.type_text(START_URL);
    app.frame_with("(test)").await;
    app.key(KeyCode::Enter);
    let plan = app.ended().await.unwrap();
    assert_eq!(
        plan,
        ExitPlan::Configured {
            session: "test".into()
        }
    );
    assert!(std::fs::read_to_string(&config).unwrap().starts_with(mine));
    assert_eq!(
        common::botocore::sso_session(&config, "test"),
        Some((START_URL.into(), REGION.into(), "sso:account:access".into()))
    );

    // The app then starts on it, as the binary does: it signs in and lists.
    let loaded = Config::load(&paths(home.path())).unwrap();
    let session = loaded.session(Some("test")).unwrap().clone();
    let mut app = start_app(
        &emu,
        home.path(),
        AppOptions {
            session,
            config: Some(loaded),
            ..AppOptions::default()
        },
    );
    app.frame_where("the catalog", |f| {
        f.contains("payments-dev") && f.contains("PowerUserAccess")
    })
    .await;
    app.quit().await;
}
