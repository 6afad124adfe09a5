//! Chains in the full-screen app, on ratatui's `TestBackend` with the real runtime, the real SDK
//! clients and the emulator serving the demo organisation: a chain row is listed and marked,
//! assuming it shows who the credentials are and why the session is 1 h, an MFA-protected chain
//! asks for the code (a wrong one is explained), "assume another role…" chains from a held
//! session (a denial is advice), and a held chain refreshes from its source.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::{AppOptions, paths, start_app};
use common::*;
use crossterm::event::KeyCode;
use rolecall::config::Config;
use rolecall::core::app::state::AppSettings;

const MFA_SERIAL: &str = "arn:aws:iam::482167869816:mfa/demo";

fn org() -> String {
    include_str!("../../assets/demo-org.toml")
        .replace("https://acme-corp.awsapps.com/start", START_URL)
        .replace("approve_after_seconds = 3", "approve_after_seconds = 0")
}

#[tokio::test(flavor = "multi_thread")]
async fn chains_in_the_app() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("rolecall=debug")
        .with_writer(std::io::stderr)
        .try_init();
    let emu = start(&org()).await;
    let home = tempfile::tempdir().unwrap();
    let paths = paths(home.path());
    std::fs::create_dir_all(paths.config_file.parent().unwrap()).unwrap();
    std::fs::write(
        &paths.config_file,
        format!(
            r#"
default_session = "acme"
import_aws_config = false
[storage]
backend = "file"
[[sso_sessions]]
name = "acme"
start_url = "{START_URL}"
region = "{REGION}"
endpoint_url = "{url}"

[[chains]]
name = "pipeline"
source = "tools-ci/DevOps"
role_arn = "arn:aws:iam::011403187894:role/pipeline-service"
duration = "4h"

[[chains]]
name = "break-glass"
source = "security-audit/ReadOnlyAccess"
role_arn = "arn:aws:iam::482167869816:role/break-glass"
mfa_serial = "{MFA_SERIAL}"
"#,
            url = emu.url()
        ),
    )
    .unwrap();
    let config = Config::load(&paths).unwrap();
    let session = config.session(None).unwrap().clone();
    let mut app = start_app(
        &emu,
        home.path(),
        AppOptions {
            session,
            settings: AppSettings {
                chains: config.chains.iter().cloned().collect(),
                ..AppSettings::default()
            },
            config: Some(config.clone()),
            size: (130, 40),
            ..AppOptions::default()
        },
    );

    app.frame_where("the catalog", |f| f.contains("tools-ci"))
        .await;

    // A chain row, marked, with its source and the cap in the details.
    app.type_text("pipeline");
    let row = app
        .frame_where("the chain row", |f| {
            f.contains("› pipeline ") && f.contains("↪ pipeline") && f.contains("pipeline-service")
        })
        .await;
    assert!(row.contains("via tools-ci/DevOps"), "{row}");
    assert!(row.contains("4h → 1h (role chaining cap)"), "{row}");

    // Assume it: who the credentials are and why they last an hour.
    app.key(KeyCode::Enter);
    let menu = app
        .frame_where("the menu of the chain", |f| {
            f.contains("credentials ready") && f.contains("as arn:aws:sts::011403187894")
        })
        .await;
    assert!(
        menu.contains("as arn:aws:sts::011403187894:assumed-role/pipeline-service/rolecall-alice"),
        "{menu}"
    );
    assert!(menu.contains("capped at 1h (asked 4h)"), "{menu}");

    // "Assume another role…" from it: ecr-push does not trust payments-prod, and says so.
    app.keys(KeyCode::Down, 5);
    app.key(KeyCode::Enter);
    app.frame_where("the form", |f| f.contains("assume another role"))
        .await;
    app.type_text("arn:aws:iam::909061163445:role/ecr-push");
    app.key(KeyCode::Enter);
    let denied = app
        .frame_where("the advice", |f| f.contains("trust policy does not allow"))
        .await;
    assert!(
        denied.contains("assumed-role/pipeline-service/rolecall-alice"),
        "{denied}"
    );

    // The MFA-protected chain asks for a code; a wrong one is explained, the right one works.
    app.key(KeyCode::Esc);
    app.type_text("break-glass");
    app.frame_where("the break-glass row", |f| f.contains("↪ break-glass"))
        .await;
    app.key(KeyCode::Enter);
    app.frame_where("the MFA question", |f| {
        f.contains("MFA code") && f.contains(MFA_SERIAL)
    })
    .await;
    let right = emu.mfa_code(MFA_SERIAL).unwrap();
    let wrong = wrong_code(&right);
    app.type_text(&wrong);
    app.key(KeyCode::Enter);
    // The question stays open with the message, ready for the next code.
    app.frame_where("the wrong-code message in the open question", |f| {
        f.contains("code was not accepted") && f.contains(MFA_SERIAL) && f.contains("code: _")
    })
    .await;
    app.type_text(&emu.mfa_code(MFA_SERIAL).unwrap());
    app.key(KeyCode::Enter);
    app.frame_where("the break-glass menu", |f| {
        f.contains("as arn:aws:sts::482167869816:assumed-role/break-glass/rolecall-alice")
    })
    .await;
    assert!(emu.assumed().iter().any(|r| r.mfa));

    // The sessions panel: both chains, and the selected one's "who am I".
    app.key(KeyCode::Esc);
    app.key(KeyCode::Tab);
    let sessions = app
        .frame_where("the sessions' details", |f| f.contains("who am I"))
        .await;
    assert!(sessions.contains("↪ pipeline"), "{sessions}");
    assert!(sessions.contains("↪ break-glass"), "{sessions}");

    // A held chain refreshes from its source: new credentials, same role.
    let before = emu.assumed().len();
    app.key(KeyCode::Home);
    app.ctrl('e');
    app.frame_where("the refresh", |f| f.contains("↪ pipeline refreshed"))
        .await;
    assert_eq!(emu.assumed().len(), before + 1);

    app.quit().await;
    let history: Vec<String> =
        serde_json::from_slice(&std::fs::read(paths.state_dir.join("role-history.json")).unwrap())
            .unwrap();
    assert_eq!(history, ["arn:aws:iam::909061163445:role/ecr-push"]);
}

/// The same chain exports the same `AWS_REGION` from the app as from `rolecall env` (one region
/// rule, one code path): a chain from an IAM user's profile that names no region takes
/// us-east-1 from both, even when the app's identity center is elsewhere.
#[tokio::test(flavor = "multi_thread")]
async fn a_chain_exports_the_same_region_from_the_app_as_from_rolecall_env() {
    use common::cli_home::{BIN, command_in, text};
    let emu = start(
        &(org()
            + r#"
[[iam_roles]]
account = "295922081140"
name = "support-readonly"
max_session_seconds = 3600
trust.principals = ["arn:aws:iam::764289909412:user/no-perms-user"]
"#),
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let paths = paths(home.path());
    let config_text = format!(
        r#"
default_session = "acme"
import_aws_config = false
[storage]
backend = "file"
[[sso_sessions]]
name = "acme"
start_url = "{START_URL}"
region = "eu-west-1"
endpoint_url = "{url}"

[[chains]]
name = "support"
source_profile = "no-perms"
role_arn = "arn:aws:iam::295922081140:role/support-readonly"
"#,
        url = emu.url()
    );
    std::fs::create_dir_all(paths.config_file.parent().unwrap()).unwrap();
    std::fs::write(&paths.config_file, &config_text).unwrap();
    std::fs::write(home.path().join("rolecall.toml"), &config_text).unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[no-perms]\naws_access_key_id = AKIAEXAMPLENOPERMS01\naws_secret_access_key = noPermsEXAMPLEsecretKEY/doNotUse/0000002\n",
    )
    .unwrap();

    let out = command_in(
        home.path(),
        &emu.url(),
        BIN,
        &["env", "support", "--shell", "bash"],
    )
    .output()
    .unwrap();
    let exported = text(&out.stdout);
    let from_env = exported
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_REGION="))
        .unwrap_or_else(|| panic!("no AWS_REGION in:\n{exported}{}", text(&out.stderr)))
        .trim_matches(['\'', '"'])
        .to_owned();

    let config = Config::load(&paths).unwrap();
    let session = config.session(None).unwrap().clone();
    let mut app = start_app(
        &emu,
        home.path(),
        AppOptions {
            session,
            settings: AppSettings {
                chains: config.chains.iter().cloned().collect(),
                ..AppSettings::default()
            },
            config: Some(config.clone()),
            size: (130, 40),
            ..AppOptions::default()
        },
    );
    app.frame_where("the catalog", |f| f.contains("tools-ci"))
        .await;
    app.type_text("support");
    app.frame_where("the chain row", |f| f.contains("↪ support"))
        .await;
    app.key(KeyCode::Enter);
    app.frame_with("Quit and print the exports").await;
    app.key(KeyCode::Enter);
    let Ok(rolecall::core::app::ExitPlan::PrintExports { region, .. }) = app.ended().await else {
        panic!("the app did not end with the exports");
    };
    assert_eq!(from_env, "us-east-1");
    assert_eq!(
        region, from_env,
        "the app and `rolecall env` export one region"
    );
}
