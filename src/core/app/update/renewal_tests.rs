//! Sessions that live: renewed before they expire without being asked (at the lead time, not
//! before; an MFA code asked once), kept ones shown at start, and the identity center's token
//! renewed with its refresh token when it is refused mid-run.

use std::time::Duration;

use pretty_assertions::assert_eq;

use super::tests::{
    answer, answer_chain, ask, chain_request, creds, holding, later, now, ready, signed_in, typed,
    with_chain,
};
use super::*;
use crate::core::app::key::Key;
use crate::core::app::msg::{ChainDone, ChainFailed};
use crate::core::app::state::Kept;
use crate::core::idc_error::IdcError;
use crate::core::signin;
use crate::secret::Secret;

/// The renewals a tick at `at` starts.
fn tick(s: &mut AppState, at: SystemTime) -> Vec<Effect> {
    update(s, Msg::Tick, at)
}

fn renewal_request(fx: &[Effect]) -> Option<u64> {
    fx.iter().find_map(|e| match e {
        Effect::GetCredentials {
            request,
            fresh: true,
            ..
        } => Some(*request),
        _ => None,
    })
}

#[test]
fn a_session_in_use_is_renewed_at_the_lead_time_not_before() {
    // Held for an hour from now(), handed over: in use. The lead time is 10 minutes.
    let mut s = holding();
    assert_eq!(s.settings.renew_before, Duration::from_secs(600));
    assert_eq!(renewal_request(&tick(&mut s, later(3600 - 601))), None);
    let fx = tick(&mut s, later(3600 - 600));
    let request = renewal_request(&fx).expect("renewed at the lead time");
    assert!(s.sessions.held[0].refreshing);
    assert_eq!(
        renewal_request(&tick(&mut s, later(3600 - 599))),
        None,
        "once"
    );
    answer(&mut s, request, Ok(creds(7200)));
    let held = &s.sessions.held[0];
    assert!(!held.refreshing);
    assert_eq!(held.credentials.expires_at, Some(later(7200)));
    assert!(
        s.toast.as_ref().unwrap().text.contains("renewed"),
        "{:?}",
        s.toast
    );
    // And the next lead time renews it again.
    assert!(renewal_request(&tick(&mut s, later(7200 - 600))).is_some());
}

#[test]
fn credentials_shorter_than_the_lead_time_are_not_renewed_on_every_tick() {
    let mut s = holding();
    let request = renewal_request(&tick(&mut s, later(3000))).unwrap();
    // The role's sessions last 5 minutes: the new ones are within the lead time at once.
    let result = Ok(creds(3300));
    update(&mut s, Msg::Credentials { request, result }, later(3000));
    assert_eq!(s.sessions.held[0].credentials.expires_at, Some(later(3300)));
    assert_eq!(renewal_request(&tick(&mut s, later(3001))), None);
}

#[test]
fn auto_renew_off_or_a_session_not_in_use_is_not_renewed() {
    let mut s = holding();
    s.settings.auto_renew = false;
    assert_eq!(renewal_request(&tick(&mut s, later(3600 - 60))), None);

    // Kept from an earlier run: shown, not in use until selected.
    let mut s = ready();
    s.hold_kept(
        vec![Kept {
            account_id: "111111111111".into(),
            role: "ReadOnlyAccess".into(),
            chain: None,
            credentials: creds(3600),
        }],
        now(),
    );
    assert_eq!(renewal_request(&tick(&mut s, later(3600 - 60))), None);
    update(&mut s, Msg::Key(Key::Tab), later(3600 - 60));
    assert_eq!(s.focus, Focus::Sessions);
    assert!(s.sessions.held[0].in_use, "selected: in use");
    assert!(renewal_request(&tick(&mut s, later(3600 - 59))).is_some());
}

#[test]
fn kept_credentials_are_held_with_their_countdown_and_expired_ones_are_not() {
    let mut s = ready();
    s.hold_kept(
        vec![
            Kept {
                account_id: "111111111111".into(),
                role: "ReadOnlyAccess".into(),
                chain: None,
                credentials: creds(1800),
            },
            Kept {
                account_id: "222222222222".into(),
                role: "PowerUserAccess".into(),
                chain: None,
                credentials: creds(0),
            },
        ],
        now(),
    );
    assert_eq!(s.sessions.held.len(), 1, "the expired one is not held");
    let held = &s.sessions.held[0];
    assert_eq!(held.label(), "payments-prod/ReadOnlyAccess");
    assert_eq!(held.credentials.expires_at, Some(later(1800)));
    assert!(!held.in_use);
}

#[test]
fn a_failed_renewal_says_why_and_keeps_the_countdown() {
    let mut s = holding();
    let request = renewal_request(&tick(&mut s, later(3000))).unwrap();
    answer(
        &mut s,
        request,
        Err(Failed {
            message: "cannot get credentials: AccessDenied".into(),
            needs_sign_in: false,
        }),
    );
    let held = &s.sessions.held[0];
    assert_eq!(held.credentials.expires_at, Some(later(3600)), "unchanged");
    assert!(!held.refreshing);
    let toast = s.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Error);
    let text = toast.text_at(later(3000));
    assert!(
        text.contains("cannot renew payments-prod/AdministratorAccess")
            && text.contains("AccessDenied")
            && text.contains("expires in 10m 00s"),
        "{text}"
    );
    assert_eq!(
        renewal_request(&tick(&mut s, later(3010))),
        None,
        "not retried on every tick"
    );
}

/// A chain held in this run (its MFA code typed once).
fn holding_chain() -> AppState {
    let mut s = with_chain();
    typed(&mut s, "deploy");
    let (request, _, _) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    let serial = "arn:aws:iam::999999999999:mfa/me".to_owned();
    answer_chain(&mut s, request, Err(ChainFailed::NeedsMfa { serial }));
    typed(&mut s, "123456");
    let (request, _, _) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    answer_chain(
        &mut s,
        request,
        Ok(ChainDone {
            credentials: creds(3600),
            caller_arn: None,
            note: None,
            region: "us-east-1".into(),
        }),
    );
    update(&mut s, Msg::Key(Key::Esc), now());
    assert!(s.modal.menu().is_none() && s.sessions.held.len() == 1);
    s
}

#[test]
fn a_chain_that_needs_an_mfa_code_asks_once_when_renewing() {
    let mut s = holding_chain();
    assert!(tick(&mut s, later(3600 - 601)).is_empty());
    let fx = tick(&mut s, later(3600 - 600));
    let (request, fresh, codes) = chain_request(&fx);
    assert_eq!((fresh, codes), (true, 0));
    let serial = "arn:aws:iam::999999999999:mfa/me".to_owned();
    answer_chain(&mut s, request, Err(ChainFailed::NeedsMfa { serial }));
    assert!(s.modal.prompt().is_some(), "the MFA question is asked");
    // Dismissed: it is not asked again on the next ticks.
    update(&mut s, Msg::Key(Key::Esc), later(3600 - 599));
    assert!(s.modal.prompt().is_none());
    for t in [3600 - 598, 3600 - 300, 3600 - 1] {
        let fx = tick(&mut s, later(t));
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::AssumeChain { .. })),
            "asked again at {t}: {fx:?}"
        );
        assert!(s.modal.prompt().is_none());
    }
    // Asked for by the user, it is renewed (and asks) again.
    update(&mut s, Msg::Key(Key::Tab), later(3600 - 1));
    let fx = update(&mut s, Msg::Key(Key::Ctrl('e')), later(3600 - 1));
    assert!(matches!(fx.as_slice(), [Effect::AssumeChain { .. }]));
}

fn refused() -> Failed {
    Failed {
        message: "the sign-in has expired".into(),
        needs_sign_in: true,
    }
}

fn with_refresh(expires: u64) -> crate::core::sso::SignedIn {
    let mut stored = signed_in(expires);
    stored.token.refresh_token = Some(Secret::new("refresh".into()));
    stored
}

#[test]
fn a_refused_token_mid_run_is_renewed_with_the_refresh_token_first() {
    let mut s = ready();
    let request = ask(&mut s, Key::Enter);
    let fx = answer(&mut s, request, Err(refused()));
    assert_eq!(fx, vec![Effect::RenewSignIn]);
    assert_eq!(s.screen, Screen::Catalog, "nothing asked of the user yet");
    // The store's token still seems good for hours: it was refused, so it is refreshed.
    let fx = update(
        &mut s,
        Msg::SignIn(signin::Event::Refused {
            stored: Some(with_refresh(28_000)),
        }),
        now(),
    );
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::SignIn(signin::Effect::Refresh { .. })]
        ),
        "{fx:?}"
    );
    assert_eq!(s.screen, Screen::Catalog);
    let token = with_refresh(28_800).token;
    let fx = update(
        &mut s,
        Msg::SignIn(signin::Event::Refreshed(Ok(token))),
        now(),
    );
    // Saved first (the new token in force), then the refused request is asked again: the
    // user does not press Enter twice.
    let [
        Effect::SignIn(signin::Effect::Save(_)),
        Effect::GetCredentials {
            request: again,
            fresh: false,
            ..
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_ne!(*again, request);
    assert_eq!(s.screen, Screen::Catalog);
    assert!(s.sign_in.machine.is_none());
    assert_eq!(s.sign_in.session.token_expires_at, Some(later(28_800)));
    // A second refusal later renews again, and asks again once more only.
    assert_eq!(
        answer(&mut s, *again, Err(refused())),
        vec![Effect::RenewSignIn]
    );
    assert_eq!(s.requests.after_sign_in.len(), 1);
}

#[test]
fn after_a_revocation_the_header_shows_no_time_of_the_old_session() {
    let mut s = ready();
    assert_eq!(s.sign_in.session.token_expires_at, Some(later(28_800)));
    let request = ask(&mut s, Key::Enter);
    answer(&mut s, request, Err(refused()));
    assert_eq!(s.sign_in.session.token_expires_at, None, "refused: no time");
    update(
        &mut s,
        Msg::SignIn(signin::Event::Refused {
            stored: Some(with_refresh(28_000)),
        }),
        now(),
    );
    let fx = update(
        &mut s,
        Msg::SignIn(signin::Event::Refreshed(Err(IdcError::InvalidGrant(
            "revoked".into(),
        )))),
        now(),
    );
    // Only now is the user asked: a device sign-in, the header without the old time.
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::SignIn(
                signin::Effect::StartDevice { .. } | signin::Effect::Register { .. }
            )]
        ),
        "{fx:?}"
    );
    assert_eq!(s.screen, Screen::SignIn);
    assert_eq!(s.sign_in.session.token_expires_at, None);
}

/// The sign-in's token is renewed ahead of expiry, silently, as botocore does for SSO tokens:
/// 15 minutes before, at most once a minute, and a failure keeps the token in use and asks
/// nobody (AWS refusing it later is what asks).
#[test]
fn the_sign_in_is_renewed_ahead_of_its_expiry_without_asking() {
    let mut s = ready();
    let expires = 28_800;
    assert_eq!(s.sign_in.session.token_expires_at, Some(later(expires)));
    assert_eq!(tick(&mut s, later(expires - 16 * 60)), vec![]);
    let fx = tick(&mut s, later(expires - 15 * 60));
    assert_eq!(fx, vec![Effect::RenewSignIn]);
    // The store holds the same token, with a refresh token: refreshed.
    let fx = update(
        &mut s,
        Msg::SignIn(signin::Event::Refused {
            stored: Some(with_refresh(expires)),
        }),
        later(expires - 15 * 60),
    );
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::SignIn(signin::Effect::Refresh { .. })]
        ),
        "{fx:?}"
    );
    // It fails: nothing asked, nothing shown, the token in use kept.
    let fx = update(
        &mut s,
        Msg::SignIn(signin::Event::Refreshed(Err(IdcError::InvalidGrant(
            "revoked".into(),
        )))),
        later(expires - 15 * 60),
    );
    assert_eq!(fx, vec![]);
    assert_eq!(s.screen, Screen::Catalog);
    assert!(s.sign_in.machine.is_none());
    assert_eq!(s.sign_in.session.token_expires_at, Some(later(expires)));
    // Tried again a minute later, not before.
    assert_eq!(tick(&mut s, later(expires - 15 * 60 + 30)), vec![]);
    let fx = tick(&mut s, later(expires - 14 * 60));
    assert_eq!(fx, vec![Effect::RenewSignIn]);
    // Renewed elsewhere meanwhile (the AWS CLI shares the cache): that token is used.
    let fx = update(
        &mut s,
        Msg::SignIn(signin::Event::Refused {
            stored: Some(with_refresh(expires + 3600)),
        }),
        later(expires - 14 * 60),
    );
    assert!(
        matches!(fx.as_slice(), [Effect::SignIn(signin::Effect::Save(_))]),
        "{fx:?}"
    );
    assert!(s.sign_in.machine.is_none());
    assert_eq!(
        s.sign_in.session.token_expires_at,
        Some(later(expires + 3600))
    );
    assert_eq!(tick(&mut s, later(expires - 10 * 60)), vec![]);
}
