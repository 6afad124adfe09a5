//! The AWS CLI's SSO token cache, both ways, with the real AWS CLI (botocore) as the peer:
//!
//! - after `SessionStore::save`, `aws sts get-caller-identity --profile dev` works: botocore's
//!   SSO provider reads our `~/.aws/sso/cache/<sha1>.json` and calls GetRoleCredentials on the
//!   emulator (an `[sso-session]` profile and a legacy profile);
//! - a file botocore itself wrote is loaded by `SessionStore::load` with no sign-in, and the CLI
//!   still reads it after we rewrite it;
//! - a token botocore refreshed (with our registration and refresh token) wins over ours.
//!
//! `tests/run.sh` installs the AWS CLI; without it these tests fail. Secrets reach the CLI and
//! Python through files and stdin, never argv.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use common::*;
use rolecall::adapters::aws_sso_cache::{AwsSsoCache, cache_key};
use rolecall::adapters::file_store::FileStore;
use rolecall::core::sso::{Registration, SignedIn, SsoSession, SsoToken};
use rolecall::emulator::Emulator;
use rolecall::engine::tokens::{TokenError, usable_token};
use rolecall::ports::clock::SystemClock;
use rolecall::secret::Secret;
use rolecall::session_store::{SessionStore, Source};
use serde_json::{Value, json};

const ACCOUNT: &str = "111111111111";
const ROLE: &str = "AdministratorAccess";

fn sso_session() -> SsoSession {
    SsoSession {
        name: "acme".into(),
        start_url: START_URL.into(),
        region: REGION.into(),
        scopes: vec!["sso:account:access".into()],
        legacy: false,
    }
}

fn legacy_session() -> SsoSession {
    SsoSession {
        name: "legacy".into(),
        start_url: START_URL.into(),
        region: REGION.into(),
        scopes: vec![],
        legacy: true,
    }
}

/// A throwaway HOME with `~/.aws/config` holding the `acme` sso-session, the `dev` profile on
/// it, and the legacy profile `legacy`.
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[sso-session acme]\n\
             sso_start_url = {START_URL}\n\
             sso_region = {REGION}\n\
             sso_registration_scopes = sso:account:access\n\
             \n\
             [profile dev]\n\
             sso_session = acme\n\
             sso_account_id = {ACCOUNT}\n\
             sso_role_name = {ROLE}\n\
             region = {REGION}\n\
             \n\
             [profile legacy]\n\
             sso_start_url = {START_URL}\n\
             sso_region = {REGION}\n\
             sso_account_id = {ACCOUNT}\n\
             sso_role_name = {ROLE}\n\
             region = {REGION}\n"
        ),
    )
    .unwrap();
    home
}

fn session_store(home: &Path) -> SessionStore {
    SessionStore::new(
        Box::new(FileStore::new(&home.join("state"))),
        AwsSsoCache::new(home.join(".aws").join("sso").join("cache")),
    )
}

/// Registration and device sign-in through the SDK, keeping everything a `SignedIn` needs.
async fn sign_in(emu: &Emulator) -> SignedIn {
    let client = oidc(emu);
    let reg = client
        .register_client()
        .client_name("rolecall-test")
        .client_type("public")
        .scopes("sso:account:access")
        .send()
        .await
        .expect("RegisterClient");
    let (id, secret) = (reg.client_id().unwrap(), reg.client_secret().unwrap());
    let auth = client
        .start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url(START_URL)
        .send()
        .await
        .expect("StartDeviceAuthorization");
    assert_eq!(emu.approve_devices(), 1);
    let token = client
        .create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .device_code(auth.device_code().unwrap())
        .send()
        .await
        .expect("CreateToken after approval");
    let now = SystemTime::now();
    SignedIn {
        registration: Registration {
            client_id: id.to_owned(),
            client_secret: Secret::new(secret.to_owned()),
            expires_at: SystemTime::UNIX_EPOCH
                + Duration::from_secs(reg.client_secret_expires_at() as u64),
            grant_types: vec![],
        },
        token: SsoToken {
            access_token: Secret::new(token.access_token().unwrap().to_owned()),
            expires_at: now + Duration::from_secs(token.expires_in() as u64),
            refresh_token: token.refresh_token().map(|r| Secret::new(r.to_owned())),
        },
    }
}

/// `aws ARGS…` with only HOME, the AWS file locations, the emulator endpoint and PATH.
fn aws(home: &Path, url: &str, args: &[&str]) -> Result<Value, String> {
    let out = Command::new("aws")
        .args(args)
        .args(["--output", "json"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join(".aws").join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join(".aws").join("credentials"),
        )
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the AWS CLI ({e}); install it with `pip install awscli` or run \
                 tests/run.sh"
            )
        });
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn assert_caller_is_the_sso_role(identity: &Value) {
    assert_eq!(identity["Account"], ACCOUNT, "{identity}");
    let arn = identity["Arn"].as_str().unwrap();
    assert!(
        arn.starts_with(&format!(
            "arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_{ROLE}_"
        )),
        "{arn}"
    );
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_aws_cli_uses_the_token_we_saved_for_an_sso_session() {
    let emu = start(&small_org_toml()).await;
    let home = home();
    let signed_in = sign_in(&emu).await;
    session_store(home.path())
        .save(&sso_session(), &signed_in)
        .unwrap();

    let file = home
        .path()
        .join(".aws/sso/cache")
        .join(format!("{}.json", cache_key(&sso_session())));
    let json = read_json(&file);
    assert_eq!(json["startUrl"], START_URL);
    assert_eq!(json["clientId"], signed_in.registration.client_id.as_str());
    assert!(json["expiresAt"].as_str().unwrap().ends_with('Z'));

    let url = emu.url();
    let home_path = home.path().to_owned();
    let identity = tokio::task::spawn_blocking(move || {
        aws(
            &home_path,
            &url,
            &["sts", "get-caller-identity", "--profile", "dev"],
        )
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("aws --profile dev failed:\n{e}"));
    assert_caller_is_the_sso_role(&identity);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_aws_cli_uses_the_token_we_saved_for_a_legacy_profile() {
    let emu = start(&small_org_toml()).await;
    let home = home();
    let signed_in = sign_in(&emu).await;
    session_store(home.path())
        .save(&legacy_session(), &signed_in)
        .unwrap();
    // Keyed by the start URL, as the CLI does for legacy profiles.
    let file = home
        .path()
        .join(".aws/sso/cache")
        .join(format!("{}.json", hex_sha1(START_URL)));
    assert!(file.is_file());

    let url = emu.url();
    let home_path = home.path().to_owned();
    let identity = tokio::task::spawn_blocking(move || {
        aws(
            &home_path,
            &url,
            &["sts", "get-caller-identity", "--profile", "legacy"],
        )
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("aws --profile legacy failed:\n{e}"));
    assert_caller_is_the_sso_role(&identity);
}

/// sha1 hex computed by Python's hashlib, as botocore does, so the key is checked
/// independently of our own code.
fn hex_sha1(text: &str) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha1(sys.stdin.read().encode()).hexdigest())",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(text.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Writes a token file with botocore's own cache code (`JSONFileCache` and its SSO JSON
/// encoder), exactly as the CLI does after a login or refresh. The token goes in on stdin.
fn botocore_writes_cache(home: &Path, session_name: &str, token: &Value) {
    botocore_writes(home, Some(session_name), Encoder::Sso, token);
}

/// How botocore turns `expiresAt` into text: the AWS CLI v2's SSO encoder
/// (`2026-11-29T10:00:00Z`), or `JSONFileCache`'s default (`2026-11-29T10:00:00UTC`).
#[derive(Clone, Copy, Debug)]
enum Encoder {
    Sso,
    Default,
}

/// `SSOTokenLoader.save_token` into a `JSONFileCache` under `$HOME/.aws/sso/cache`; with no
/// session name the key is the sha1 of the start URL, as for a legacy profile.
fn botocore_writes(home: &Path, session_name: Option<&str>, encoder: Encoder, token: &Value) {
    let script = r#"
import datetime, json, os, sys
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader
token = json.load(sys.stdin)
for field in ("expiresAt", "registrationExpiresAt"):
    if field in token:
        token[field] = datetime.datetime.fromisoformat(token[field].replace("Z", "+00:00"))
dumps = _sso_json_dumps if sys.argv[2] == "sso" else None
cache = JSONFileCache(os.path.join(os.environ["HOME"], ".aws", "sso", "cache"), dumps_func=dumps)
SSOTokenLoader(cache=cache).save_token(token["startUrl"], token, session_name=sys.argv[1] or None)
"#;
    let encoder = match encoder {
        Encoder::Sso => "sso",
        Encoder::Default => "default",
    };
    let mut child = Command::new("python3")
        .args(["-c", script, session_name.unwrap_or(""), encoder])
        .env("HOME", home)
        .stdin(Stdio::piped())
        .spawn()
        .expect("python3 with botocore (installed with the AWS CLI)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.to_string().as_bytes())
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "botocore could not write its cache file");
}

fn iso(t: SystemTime) -> String {
    rolecall::adapters::aws_sso_cache::format_expiry(t)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_the_aws_cli_wrote_is_reused_and_still_readable_after_we_rewrite_it() {
    let emu = start(&small_org_toml()).await;
    let home = home();
    let cli_login = sign_in(&emu).await;
    botocore_writes_cache(
        home.path(),
        "acme",
        &json!({
            "startUrl": START_URL,
            "region": REGION,
            "accessToken": cli_login.token.access_token.expose(),
            "expiresAt": iso(cli_login.token.expires_at),
            "clientId": cli_login.registration.client_id,
            "clientSecret": cli_login.registration.client_secret.expose(),
            "registrationExpiresAt": iso(cli_login.registration.expires_at),
            "refreshToken": cli_login.token.refresh_token.as_ref().unwrap().expose(),
            "someFutureField": "kept",
        }),
    );

    // Loaded with no sign-in, from the CLI's file.
    let store = session_store(home.path());
    let login = store.load_login(&sso_session()).unwrap().unwrap();
    assert_eq!(login.source, Source::AwsCli);
    let loaded = store.load(&sso_session()).unwrap().unwrap();
    assert_eq!(loaded.token.access_token, cli_login.token.access_token);
    assert_eq!(loaded.token.refresh_token, cli_login.token.refresh_token);
    assert_eq!(
        loaded.registration.client_id,
        cli_login.registration.client_id
    );
    assert_eq!(
        loaded.registration.client_secret,
        cli_login.registration.client_secret
    );
    // The token works on the portal.
    let accounts = sso(&emu)
        .list_accounts()
        .access_token(loaded.token.access_token.expose())
        .send()
        .await
        .unwrap();
    assert!(!accounts.account_list().is_empty());

    // We refresh it with the CLI's registration and save: the file is rewritten in place,
    // keeping the field we do not know.
    let refreshed = oidc(&emu)
        .create_token()
        .client_id(&loaded.registration.client_id)
        .client_secret(loaded.registration.client_secret.expose())
        .grant_type("refresh_token")
        .refresh_token(loaded.token.refresh_token.as_ref().unwrap().expose())
        .send()
        .await
        .expect("refresh with the CLI's registration");
    let renewed = SignedIn {
        token: SsoToken {
            access_token: Secret::new(refreshed.access_token().unwrap().to_owned()),
            expires_at: SystemTime::now() + Duration::from_secs(refreshed.expires_in() as u64),
            refresh_token: refreshed
                .refresh_token()
                .map(|r| Secret::new(r.to_owned()))
                .or(loaded.token.refresh_token.clone()),
        },
        ..loaded
    };
    store.save(&sso_session(), &renewed).unwrap();
    let file = AwsSsoCache::new(home.path().join(".aws/sso/cache")).path_for(&sso_session());
    let json = read_json(&file);
    assert_eq!(json["someFutureField"], "kept");
    assert_eq!(
        json["accessToken"],
        renewed.token.access_token.expose().as_str()
    );

    let url = emu.url();
    let home_path = home.path().to_owned();
    let identity = tokio::task::spawn_blocking(move || {
        aws(
            &home_path,
            &url,
            &["sts", "get-caller-identity", "--profile", "dev"],
        )
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("aws --profile dev failed after our rewrite:\n{e}"));
    assert_caller_is_the_sso_role(&identity);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_the_aws_cli_refreshed_with_our_registration_wins_over_ours() {
    // Tokens of 10 minutes: inside botocore's 15-minute window, so `aws` refreshes first.
    let org = small_org_toml().replace("[settings]\n", "[settings]\naccess_token_seconds = 600\n");
    let emu = start(&org).await;
    let home = home();
    let mut ours = sign_in(&emu).await;
    // Our record says a minute less than the server, so botocore's refreshed token surely
    // lasts longer even with its whole-second timestamps.
    ours.token.expires_at -= Duration::from_secs(60);
    let store = session_store(home.path());
    store.save(&sso_session(), &ours).unwrap();

    let url = emu.url();
    let home_path = home.path().to_owned();
    let identity = tokio::task::spawn_blocking(move || {
        aws(
            &home_path,
            &url,
            &["sts", "get-caller-identity", "--profile", "dev"],
        )
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("aws --profile dev failed:\n{e}"));
    assert_caller_is_the_sso_role(&identity);

    // botocore refreshed with our clientId/clientSecret/refreshToken and saved a new token.
    let login = store.load_login(&sso_session()).unwrap().unwrap();
    assert_eq!(
        login.source,
        Source::AwsCli,
        "the refreshed token lasts longer"
    );
    assert_ne!(login.token.access_token, ours.token.access_token);
    assert_eq!(login.registration, Some(ours.registration.clone()));
    sso(&emu)
        .list_accounts()
        .access_token(login.token.access_token.expose())
        .send()
        .await
        .expect("the token botocore refreshed works");
}

/// A legacy `aws sso login` token (`sso_start_url` in the profile): botocore keeps only
/// `startUrl`, `region`, `accessToken` and `expiresAt` in `sha1(start_url).json` — no client,
/// no refresh token. rolecall uses it while it lasts, and says to sign in again after.
#[tokio::test(flavor = "multi_thread")]
async fn a_legacy_aws_sso_login_token_is_reused_until_it_expires() {
    let emu = start(&small_org_toml()).await;
    let cli_login = sign_in(&emu).await;
    let idc =
        rolecall::adapters::aws_identity_center::AwsIdentityCenter::new(REGION, Some(&emu.url()));
    for encoder in [Encoder::Sso, Encoder::Default] {
        let home = home();
        botocore_writes(
            home.path(),
            None,
            encoder,
            &json!({
                "startUrl": START_URL,
                "region": REGION,
                "accessToken": cli_login.token.access_token.expose(),
                "expiresAt": iso(cli_login.token.expires_at),
            }),
        );
        let file = home
            .path()
            .join(".aws/sso/cache")
            .join(format!("{}.json", hex_sha1(START_URL)));
        let written = std::fs::read_to_string(&file).unwrap();
        let suffix = match encoder {
            Encoder::Sso => "Z\"",
            Encoder::Default => "UTC\"",
        };
        assert!(written.contains(suffix), "{encoder:?}: {written}");
        let store = session_store(home.path());
        let token = usable_token(&idc, &store, &legacy_session(), &SystemClock)
            .await
            .unwrap_or_else(|e| panic!("{encoder:?}: {e}"));
        assert_eq!(token.token.access_token, cli_login.token.access_token);
        sso(&emu)
            .list_accounts()
            .access_token(token.token.access_token.expose())
            .send()
            .await
            .expect("the legacy token works on the portal");
        // Nothing of ours was written over the CLI's file by reading it.
        assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    }

    // The binary says so too: `status` shows the token, `list` uses it.
    let profile = format!(
        "[profile legacy]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n\
         sso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n"
    );
    let cli_home = common::cli_home::Home::new(&emu, &profile, "");
    botocore_writes(
        cli_home.path(),
        None,
        Encoder::Sso,
        &json!({
            "startUrl": START_URL,
            "region": REGION,
            "accessToken": cli_login.token.access_token.expose(),
            "expiresAt": iso(cli_login.token.expires_at),
        }),
    );
    let out = cli_home.rolecall(&["status", "--session", "legacy"]);
    let stdout = common::cli_home::text(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("signed in, expires"),
        "{stdout}{}",
        common::cli_home::text(&out.stderr)
    );
    let out = cli_home.rolecall(&["list", "--session", "legacy", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        common::cli_home::text(&out.stderr)
    );
    assert!(common::cli_home::text(&out.stdout).contains(ACCOUNT));

    // Expired: it cannot be refreshed, so sign in again.
    let home = home();
    botocore_writes(
        home.path(),
        None,
        Encoder::Sso,
        &json!({
            "startUrl": START_URL,
            "region": REGION,
            "accessToken": cli_login.token.access_token.expose(),
            "expiresAt": iso(SystemTime::now() - Duration::from_secs(60)),
        }),
    );
    let err = usable_token(
        &idc,
        &session_store(home.path()),
        &legacy_session(),
        &SystemClock,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, TokenError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("rolecall login"), "{err}");
}
