//! Sign-in end to end: the engine's driver with the real SDK adapter against the emulator, for
//! both flows and every way they end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::app::NoBrowser;
use common::*;
use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
use rolecall::core::signin::{DeviceWait, Failure, Method};
use rolecall::core::sso::SsoSession;
use rolecall::emulator::{Emulator, Faults};
use rolecall::engine::signin::{SignInRequest, SignInView, run};
use rolecall::ports::clock::SystemClock;
use rolecall::ports::opener::{OpenError, Opener};
use tokio::sync::mpsc;

/// Records what the user would see and reports each user code on a channel.
#[derive(Clone)]
struct View {
    codes: mpsc::UnboundedSender<String>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl SignInView for View {
    fn device_code(&mut self, wait: &DeviceWait) {
        self.seen.lock().unwrap().push(format!(
            "{} {} {:?}",
            wait.user_code, wait.verification_uri_complete, wait.browser_opened
        ));
        let _ = self.codes.send(wait.user_code.clone());
    }
    fn browser_url(&mut self, url: &str, opened: bool) {
        self.seen.lock().unwrap().push(format!("{url} {opened}"));
    }
}

fn view() -> (View, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (
        View {
            codes: tx,
            seen: Arc::default(),
        },
        rx,
    )
}

/// A "browser" that follows the authorize URL like a person clicking through, optionally
/// tampering with the redirect's state.
struct FakeBrowser {
    tamper_state: bool,
}

impl Opener for FakeBrowser {
    fn can_open(&self) -> bool {
        true
    }
    fn open(&self, url: &str) -> Result<(), OpenError> {
        let url = url.to_owned();
        let tamper = self.tamper_state;
        tokio::spawn(async move {
            let client = browser();
            let answer = client.get(&url).send().await.unwrap();
            let mut location =
                url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
            if tamper {
                let pairs: Vec<(String, String)> = location
                    .query_pairs()
                    .map(|(k, v)| {
                        let forged = k == "state";
                        (
                            k.into_owned(),
                            if forged {
                                "forged".into()
                            } else {
                                v.into_owned()
                            },
                        )
                    })
                    .collect();
                location.query_pairs_mut().clear().extend_pairs(pairs);
            }
            let _ = client.get(location).send().await;
        });
        Ok(())
    }
}

fn session() -> SsoSession {
    SsoSession {
        name: "test".into(),
        start_url: START_URL.into(),
        region: REGION.into(),
        scopes: vec!["sso:account:access".into()],
        legacy: false,
    }
}

fn request(emu: &Emulator, method: Method, open_browser: bool) -> SignInRequest {
    SignInRequest {
        session: session(),
        method,
        open_browser,
        endpoint: Some(emu.url()),
        client_name: "rolecall-test".into(),
        registrations: Vec::new(),
    }
}

fn org(extra_settings: &str) -> String {
    small_org_toml().replace(
        "device_poll_interval = 1",
        &format!("device_poll_interval = 1\n{extra_settings}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn device_flow_pending_several_times_then_approved() {
    let emu = start(&org("")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, mut codes) = view();
    let seen = v.seen.clone();
    let req = request(&emu, Method::DeviceCode, false);
    let task =
        tokio::spawn(async move { run(&idc, &NoBrowser, &SystemClock, &req, None, &mut v).await });
    let code = codes.recv().await.unwrap();
    // Let it poll (pending) at least twice before approving.
    wait_until(Duration::from_secs(10), || {
        emu.stats(rolecall::emulator::Api::CreateToken).requests >= 2
    })
    .await;
    assert_eq!(emu.approve_devices(), 1);
    let signed_in = task.await.unwrap().unwrap();
    assert!(signed_in.token.refresh_token.is_some());
    assert!(emu.stats(rolecall::emulator::Api::CreateToken).requests >= 3);
    let first_seen = seen.lock().unwrap()[0].clone();
    assert_eq!(
        first_seen,
        format!("{code} {}/device?user_code={code} Some(false)", emu.url())
    );
    // A good token lists accounts.
    let accounts = sso(&emu)
        .list_accounts()
        .access_token(signed_in.token.access_token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.account_list().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn device_flow_honours_slow_down() {
    let emu = start(&org("")).await;
    emu.set_faults(Faults {
        slow_down_polls: 1,
        ..Faults::default()
    });
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, mut codes) = view();
    let req = request(&emu, Method::DeviceCode, false);
    let started = std::time::Instant::now();
    let task =
        tokio::spawn(async move { run(&idc, &NoBrowser, &SystemClock, &req, None, &mut v).await });
    codes.recv().await.unwrap();
    wait_until(Duration::from_secs(10), || {
        emu.stats(rolecall::emulator::Api::CreateToken).requests >= 1
    })
    .await;
    emu.approve_devices();
    task.await.unwrap().unwrap();
    // First poll after 1 s got slow_down; the next waited 1 + 5 s, not 1 s.
    assert!(
        started.elapsed() >= Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emu.stats(rolecall::emulator::Api::CreateToken).requests, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn device_flow_denied() {
    let emu = start(&org("")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, mut codes) = view();
    let req = request(&emu, Method::DeviceCode, false);
    let task =
        tokio::spawn(async move { run(&idc, &NoBrowser, &SystemClock, &req, None, &mut v).await });
    codes.recv().await.unwrap();
    assert_eq!(emu.deny_devices(), 1);
    assert_eq!(task.await.unwrap().unwrap_err(), Failure::Denied);
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_expires_unapproved() {
    // 600 s codes at time scale 300 last 2 s.
    let emu = start(&org("time_scale = 300.0")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, _codes) = view();
    let req = request(&emu, Method::DeviceCode, false);
    let result = run(&idc, &NoBrowser, &SystemClock, &req, None, &mut v).await;
    assert_eq!(result.unwrap_err(), Failure::CodeExpired);
}

#[tokio::test(flavor = "multi_thread")]
async fn pkce_flow_through_a_browser() {
    let emu = start(&org("approve_after_seconds = 0")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, _codes) = view();
    let seen = v.seen.clone();
    let req = request(&emu, Method::Pkce, true);
    let browser = FakeBrowser {
        tamper_state: false,
    };
    let signed_in = run(&idc, &browser, &SystemClock, &req, None, &mut v)
        .await
        .unwrap();
    assert!(signed_in.registration.supports("authorization_code"));
    assert!(signed_in.token.refresh_token.is_some());
    let seen = seen.lock().unwrap();
    assert!(
        seen[0].starts_with(&format!("{}/authorize?response_type=code", emu.url())),
        "{seen:?}"
    );
    assert!(seen[0].ends_with(" true"));
}

#[tokio::test(flavor = "multi_thread")]
async fn pkce_rejects_a_forged_state() {
    let emu = start(&org("approve_after_seconds = 0")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, _codes) = view();
    let req = request(&emu, Method::Pkce, true);
    let browser = FakeBrowser { tamper_state: true };
    let err = run(&idc, &browser, &SystemClock, &req, None, &mut v)
        .await
        .unwrap_err();
    let Failure::BrowserRejected(why) = err else {
        panic!("{err:?}")
    };
    assert!(why.contains("does not match"), "{why}");
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_renews_silently_and_a_revoked_session_asks_again() {
    let emu = start(&org("approve_after_seconds = 0")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, _codes) = view();
    let req = request(&emu, Method::DeviceCode, false);
    let first = run(&idc, &NoBrowser, &SystemClock, &req, None, &mut v)
        .await
        .unwrap();

    // Still valid: reused as is, no request at all.
    let before = emu.stats(rolecall::emulator::Api::CreateToken).requests;
    let same = run(
        &idc,
        &NoBrowser,
        &SystemClock,
        &req,
        Some(first.clone()),
        &mut v,
    )
    .await
    .unwrap();
    assert_eq!(same.token.access_token, first.token.access_token);
    assert_eq!(
        emu.stats(rolecall::emulator::Api::CreateToken).requests,
        before
    );

    // Expired access token: one refresh, no device code.
    let mut expired = first.clone();
    expired.token.expires_at = std::time::SystemTime::now() - Duration::from_secs(1);
    let starts = emu
        .stats(rolecall::emulator::Api::StartDeviceAuthorization)
        .requests;
    let renewed = run(
        &idc,
        &NoBrowser,
        &SystemClock,
        &req,
        Some(expired.clone()),
        &mut v,
    )
    .await
    .unwrap();
    assert_ne!(renewed.token.access_token, first.token.access_token);
    assert_eq!(
        emu.stats(rolecall::emulator::Api::StartDeviceAuthorization)
            .requests,
        starts
    );

    // Revoked: the refresh fails and a new device sign-in runs (auto-approved here).
    emu.revoke_tokens();
    let again = run(&idc, &NoBrowser, &SystemClock, &req, Some(expired), &mut v)
        .await
        .unwrap();
    assert_eq!(
        emu.stats(rolecall::emulator::Api::StartDeviceAuthorization)
            .requests,
        starts + 1
    );
    let accounts = sso(&emu)
        .list_accounts()
        .access_token(again.token.access_token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.account_list().len(), 2);
}

/// Grant types restrict a registration (AWS's rule, enforced by the emulator): after
/// `rolecall login` in the browser (PKCE), a device-code sign-in (the app,
/// `credential-process`) must register a device client of its own instead of reusing the
/// browser one, whose device code AWS refuses after the user approved. And back again.
#[tokio::test(flavor = "multi_thread")]
async fn each_flow_signs_in_with_a_registration_made_for_it() {
    use rolecall::emulator::Api;
    let emu = start(&org("approve_after_seconds = 0")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, _codes) = view();
    let browser = FakeBrowser {
        tamper_state: false,
    };
    let pkce = run(
        &idc,
        &browser,
        &SystemClock,
        &request(&emu, Method::Pkce, true),
        None,
        &mut v,
    )
    .await
    .unwrap();
    // The browser sign-in is over: the token and its refresh token no longer work.
    emu.revoke_tokens();
    let mut stale = pkce.clone();
    stale.token.expires_at = std::time::SystemTime::now() - Duration::from_secs(1);
    let registered = emu.stats(Api::RegisterClient).requests;
    let device = run(
        &idc,
        &NoBrowser,
        &SystemClock,
        &request(&emu, Method::DeviceCode, false),
        Some(stale),
        &mut v,
    )
    .await
    .expect("the device sign-in succeeds on its own registration");
    assert_eq!(emu.stats(Api::RegisterClient).requests, registered + 1);
    assert_eq!(
        emu.stats(Api::StartDeviceAuthorization).requests,
        1,
        "the user approves once"
    );
    assert_ne!(device.registration.client_id, pkce.registration.client_id);
    assert!(
        device
            .registration
            .supports("urn:ietf:params:oauth:grant-type:device_code")
    );

    // The store keeps one registration per flow: back in the browser, the browser
    // registration is taken again (no RegisterClient), not the device one.
    let dir = tempfile::tempdir().unwrap();
    let store = rolecall::session_store::SessionStore::new(
        Box::new(rolecall::adapters::file_store::FileStore::new(dir.path())),
        rolecall::adapters::aws_sso_cache::AwsSsoCache::new(dir.path().join("sso-cache")),
    );
    store.save(&session(), &pkce).unwrap();
    store.save(&session(), &device).unwrap();
    let kept = store.registrations(&session());
    assert_eq!(
        kept.iter()
            .map(|r| r.client_id.as_str())
            .collect::<Vec<_>>(),
        [
            device.registration.client_id.as_str(),
            pkce.registration.client_id.as_str()
        ]
    );
    emu.revoke_tokens();
    let mut stale = store.load(&session()).unwrap().unwrap();
    stale.token.expires_at = std::time::SystemTime::now() - Duration::from_secs(1);
    let mut req = request(&emu, Method::Pkce, true);
    req.registrations = kept;
    let again = run(&idc, &browser, &SystemClock, &req, Some(stale), &mut v)
        .await
        .unwrap();
    assert_eq!(again.registration.client_id, pkce.registration.client_id);
    assert_eq!(emu.stats(Api::RegisterClient).requests, registered + 1);
    store.save(&session(), &again).unwrap();
    assert_eq!(store.registrations(&session()).len(), 2);
}

/// A kept registration AWS no longer knows is refused at StartDeviceAuthorization, before any
/// code is shown: rolecall registers anew and starts again, once, and the user approves once.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_kept_registration_is_replaced_before_anyone_is_asked() {
    use rolecall::emulator::Api;
    let emu = start(&org("approve_after_seconds = 0")).await;
    let idc = AwsIdentityCenter::new(REGION, Some(&emu.url()));
    let (mut v, _codes) = view();
    let mut req = request(&emu, Method::DeviceCode, false);
    req.registrations = vec![rolecall::core::sso::Registration {
        client_id: "forgotten-by-aws".into(),
        client_secret: rolecall::secret::Secret::new("old-secret".into()),
        expires_at: std::time::SystemTime::now() + Duration::from_secs(30 * 86_400),
        grant_types: Method::DeviceCode
            .grant_types()
            .iter()
            .map(|g| g.to_string())
            .collect(),
    }];
    let signed_in = run(&idc, &NoBrowser, &SystemClock, &req, None, &mut v)
        .await
        .expect("signed in with a new registration");
    assert_ne!(signed_in.registration.client_id, "forgotten-by-aws");
    assert_eq!(emu.stats(Api::RegisterClient).requests, 1);
    assert_eq!(emu.stats(Api::StartDeviceAuthorization).requests, 2);
    assert_eq!(
        v.seen.lock().unwrap().len(),
        1,
        "one code was shown: {:?}",
        v.seen
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn network_down_is_a_clear_failure() {
    let emu = start(&org("")).await;
    let url = emu.url();
    drop(emu);
    let idc = AwsIdentityCenter::new(REGION, Some(&url));
    let (mut v, _codes) = view();
    let req = SignInRequest {
        session: session(),
        method: Method::DeviceCode,
        open_browser: false,
        endpoint: Some(url),
        client_name: "t".into(),
        registrations: Vec::new(),
    };
    let err = run(&idc, &NoBrowser, &SystemClock, &req, None, &mut v)
        .await
        .unwrap_err();
    assert!(matches!(err, Failure::Unreachable(_)), "{err:?}");
    assert!(err.advice().contains("check the network"));
}
