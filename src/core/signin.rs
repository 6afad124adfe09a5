//! Signing in to one identity center, as a pure state machine.
//!
//! `SignIn::handle(event, now)` returns the effects to run; the runtime runs them and feeds the
//! results back as events. Timers are effects with ids, so a late or stale timer is ignored.
//!
//! The order of business:
//! 1. a stored token still valid → done, nothing asked;
//! 2. a refresh token and a valid registration → refresh silently;
//! 3. otherwise (re-)register if needed, then the device flow (RFC 8628) or PKCE.
//!
//! Device-flow rules: poll every `interval`; `slow_down` adds 5 s for good; a 429, a 5xx or a
//! network error waits one more interval and tries again; the code's expiry ends it; the browser
//! is opened at most once, right after the code arrives, and only if the user asked for it.

use std::time::{Duration, SystemTime};

use crate::core::idc_error::IdcError;
use crate::core::sso::{DeviceAuthorization, Registration, SignedIn, SsoToken};
use crate::secret::Secret;

/// A token this close to expiry is refreshed rather than used.
pub const TOKEN_MARGIN: Duration = Duration::from_secs(5 * 60);
/// A token this close to expiry is renewed ahead, silently, while it still works (botocore's
/// advisory refresh window for SSO tokens); a failure keeps the token in use.
pub const RENEW_AHEAD: Duration = Duration::from_secs(15 * 60);
/// Renewing ahead is tried at most this often (botocore's attempt timeout).
pub const RENEW_AHEAD_EVERY: Duration = Duration::from_secs(60);
/// A registration this close to expiry is replaced.
pub const REGISTRATION_MARGIN: Duration = Duration::from_secs(60 * 60);
/// What `slow_down` adds to the polling interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// How the user approves the sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// RFC 8628: a user code to confirm at a verification URL, on any device.
    DeviceCode,
    /// Authorization code + PKCE through a browser on this machine.
    Pkce,
}

impl Method {
    /// The grant types a registration for this method asks for.
    pub fn grant_types(self) -> &'static [&'static str] {
        match self {
            Method::DeviceCode => &[DEVICE_CODE_GRANT, "refresh_token"],
            Method::Pkce => &[AUTHORIZATION_CODE_GRANT, "refresh_token"],
        }
    }

    /// Whether `registration` may be used for this method. Grant types restrict a registration
    /// at AWS: a browser (PKCE) client's device code is refused after the user approved, and a
    /// device client cannot open `/authorize`. A registration whose grant types are not known
    /// (one read from the AWS CLI's token cache, which does not record them) fits neither: a
    /// new registration costs one request and never a second approval.
    pub fn fits(self, registration: &Registration) -> bool {
        match self {
            Method::DeviceCode => registration.supports(DEVICE_CODE_GRANT),
            Method::Pkce => registration.supports(AUTHORIZATION_CODE_GRANT),
        }
    }
}

/// The RFC 8628 grant type.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The authorization-code grant (PKCE).
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";

/// Why a sign-in ended without a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The user pressed Deny.
    Denied,
    /// Nobody approved before the code expired.
    CodeExpired,
    /// The browser came back with an error or a wrong `state`.
    BrowserRejected(String),
    /// An error AWS will not change its mind about.
    Rejected(String),
    /// AWS could not be reached or kept failing.
    Unreachable(String),
}

impl Failure {
    /// One line for the user, with what to do next.
    pub fn advice(&self) -> String {
        match self {
            Failure::Denied => {
                "the sign-in was denied in the browser; sign in again to retry".into()
            }
            Failure::CodeExpired => {
                "the code expired before it was approved; sign in again for a new code".into()
            }
            Failure::BrowserRejected(why) => format!("the browser sign-in failed: {why}"),
            Failure::Rejected(why) => format!("IAM Identity Center refused the sign-in: {why}"),
            Failure::Unreachable(why) => {
                format!("cannot reach IAM Identity Center ({why}); check the network and retry")
            }
        }
    }
}

/// Where the sign-in is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Nothing started yet.
    Idle,
    Refreshing,
    Registering,
    /// StartDeviceAuthorization is on its way.
    StartingDevice,
    /// The user code is out; polling until approved.
    WaitingForApproval(DeviceWait),
    /// PKCE: the browser flow is running in the runtime.
    WaitingForBrowser,
    Done,
    Failed(Failure),
}

/// The device flow while the user is approving: what the screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceWait {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_at: SystemTime,
    pub interval: Duration,
    pub next_poll_at: SystemTime,
    /// `None` until the runtime reports whether the browser opened.
    pub browser_opened: Option<bool>,
    pub polls: u32,
    device_code: Secret<String>,
}

impl DeviceWait {
    /// Time left before the code expires.
    #[cfg(test)]
    pub fn remaining(&self, now: SystemTime) -> Duration {
        self.expires_at
            .duration_since(now)
            .unwrap_or(Duration::ZERO)
    }
}

/// What drives the machine.
#[derive(Debug, Clone)]
pub enum Event {
    /// Begin, with what the stores hold for this identity center.
    Start {
        stored: Option<SignedIn>,
    },
    /// The token in use was refused (expired or revoked) after a start: refresh what the
    /// stores hold with its refresh token, however long its token seems to last; ask the user
    /// only when that cannot be done or fails.
    Refused {
        stored: Option<SignedIn>,
    },
    Refreshed(Result<SsoToken, IdcError>),
    Registered(Result<Registration, IdcError>),
    DeviceStarted(Result<DeviceAuthorization, IdcError>),
    /// Whether the browser opened (why not is the opener's to log).
    BrowserOpened(bool),
    /// A timer set by `Effect::WakeAt` fired.
    Wake {
        id: u64,
    },
    Polled {
        id: u64,
        result: Result<SsoToken, IdcError>,
    },
    /// PKCE finished in the runtime (listener, state check, code exchange).
    PkceFinished(Result<SsoToken, PkceError>),
}

/// How the PKCE part in the runtime can end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PkceError {
    Browser(String),
    Token(IdcError),
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Refresh {
        registration: Registration,
        refresh_token: Secret<String>,
    },
    /// Get a registration for `method`: one kept from before that fits and is still good, or
    /// a new one from AWS. `anew`: AWS just refused the last one, so only a new one will do.
    Register {
        method: Method,
        anew: bool,
    },
    StartDevice {
        registration: Registration,
    },
    OpenBrowser {
        url: String,
    },
    /// Send `Event::Wake { id }` at `at`.
    WakeAt {
        id: u64,
        at: SystemTime,
    },
    /// CreateToken with the device code; answer with `Event::Polled { id, .. }`.
    Poll {
        id: u64,
        registration: Registration,
        device_code: Secret<String>,
    },
    /// Run the PKCE browser flow; answer with `Event::PkceFinished`.
    RunPkce {
        registration: Registration,
        open_browser: bool,
    },
    /// Keep the result (secret store, AWS CLI cache).
    Save(SignedIn),
}

/// One sign-in attempt.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub method: Method,
    /// The user asked for a browser and one can be opened here.
    pub open_browser: bool,
    pub phase: Phase,
    registration: Option<Registration>,
    /// A registration AWS refused was replaced once already; a second refusal ends it.
    reregistered: bool,
    next_id: u64,
    awaited: Option<u64>,
    /// The result, once `phase` is `Done`.
    pub result: Option<SignedIn>,
    /// Renewing ahead of expiry ([`SignIn::ahead`]): nobody is asked, a failure changes nothing.
    ahead: bool,
}

impl SignIn {
    pub fn new(method: Method, open_browser: bool) -> Self {
        Self {
            method,
            open_browser,
            phase: Phase::Idle,
            registration: None,
            reregistered: false,
            next_id: 0,
            awaited: None,
            result: None,
            ahead: false,
        }
    }

    /// A machine renewing a token that still works, before it enters the last
    /// [`RENEW_AHEAD`]: fed [`Event::Refused`] with what the store holds, it adopts a token
    /// renewed elsewhere (the AWS CLI shares the cache) or refreshes with the refresh token;
    /// without one, or when that fails, it ends with no result and asks nobody.
    pub fn ahead(method: Method, open_browser: bool) -> Self {
        Self {
            ahead: true,
            ..Self::new(method, open_browser)
        }
    }

    #[cfg(test)]
    pub fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Done | Phase::Failed(_))
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.awaited = Some(self.next_id);
        self.next_id
    }

    fn fail(&mut self, failure: Failure) -> Vec<Effect> {
        self.phase = Phase::Failed(failure);
        self.awaited = None;
        Vec::new()
    }

    fn succeed(&mut self, registration: Registration, token: SsoToken) -> Vec<Effect> {
        let signed_in = SignedIn {
            registration,
            token,
        };
        self.phase = Phase::Done;
        self.awaited = None;
        self.result = Some(signed_in.clone());
        vec![Effect::Save(signed_in)]
    }

    /// Registration valid and fit for the method, or a new one.
    fn begin_interactive(&mut self, now: SystemTime) -> Vec<Effect> {
        match self.registration.clone() {
            Some(reg) if reg.is_valid_at(now, REGISTRATION_MARGIN) && self.method.fits(&reg) => {
                self.with_registration(reg)
            }
            _ => self.register(false),
        }
    }

    fn register(&mut self, anew: bool) -> Vec<Effect> {
        self.registration = None;
        self.phase = Phase::Registering;
        vec![Effect::Register {
            method: self.method,
            anew,
        }]
    }

    /// AWS refused the registration before the user was asked anything: register anew and
    /// try again, once.
    fn reregister(&mut self, e: IdcError) -> Vec<Effect> {
        if self.reregistered {
            return self.fail(classify(e));
        }
        self.reregistered = true;
        self.register(true)
    }

    fn with_registration(&mut self, registration: Registration) -> Vec<Effect> {
        self.registration = Some(registration.clone());
        match self.method {
            Method::DeviceCode => {
                self.phase = Phase::StartingDevice;
                vec![Effect::StartDevice { registration }]
            }
            Method::Pkce => {
                self.phase = Phase::WaitingForBrowser;
                vec![Effect::RunPkce {
                    registration,
                    open_browser: self.open_browser,
                }]
            }
        }
    }

    /// Feeds one event; returns the effects to run.
    pub fn handle(&mut self, event: Event, now: SystemTime) -> Vec<Effect> {
        match event {
            Event::Start { stored } => self.start(stored, now),
            Event::Refused { stored } => {
                if self.phase != Phase::Idle {
                    return Vec::new();
                }
                if self.ahead {
                    return self.renew_ahead(stored, now);
                }
                self.refresh_or_ask(stored, now)
            }
            Event::Refreshed(result) => {
                if self.phase != Phase::Refreshing {
                    return Vec::new();
                }
                match (result, self.registration.clone()) {
                    (Ok(token), Some(reg)) => self.succeed(reg, token),
                    // Ahead of expiry: the token in use still works; the next try is later.
                    (Err(_), _) if self.ahead => {
                        self.phase = Phase::Done;
                        Vec::new()
                    }
                    // A refresh that fails for any reason falls back to asking the user.
                    _ => self.begin_interactive(now),
                }
            }
            Event::Registered(result) => {
                if self.phase != Phase::Registering {
                    return Vec::new();
                }
                match result {
                    Ok(reg) => self.with_registration(reg),
                    Err(e) => self.fail(classify(e)),
                }
            }
            Event::DeviceStarted(result) => self.device_started(result, now),
            Event::BrowserOpened(opened) => {
                if let Phase::WaitingForApproval(wait) = &mut self.phase {
                    wait.browser_opened = Some(opened);
                }
                Vec::new()
            }
            Event::Wake { id } => self.wake(id, now),
            Event::Polled { id, result } => self.polled(id, result, now),
            Event::PkceFinished(result) => {
                if self.phase != Phase::WaitingForBrowser {
                    return Vec::new();
                }
                match (result, self.registration.clone()) {
                    (Ok(token), Some(reg)) => self.succeed(reg, token),
                    (Ok(_), None) => self.fail(Failure::Rejected("no registration".into())),
                    (Err(PkceError::Browser(why)), _) => self.fail(Failure::BrowserRejected(why)),
                    (Err(PkceError::Token(e @ IdcError::InvalidClient(_))), _) => {
                        self.reregister(e)
                    }
                    (Err(PkceError::Token(e)), _) => self.fail(classify(e)),
                }
            }
        }
    }

    fn start(&mut self, stored: Option<SignedIn>, now: SystemTime) -> Vec<Effect> {
        if self.phase != Phase::Idle {
            return Vec::new();
        }
        if let Some(stored) = stored
            .as_ref()
            .filter(|s| s.token.is_valid_at(now, TOKEN_MARGIN))
        {
            self.registration = Some(stored.registration.clone());
            self.phase = Phase::Done;
            self.result = Some(stored.clone());
            return Vec::new();
        }
        self.refresh_or_ask(stored, now)
    }

    /// A refresh with the stored refresh token when its registration is still valid (the
    /// one silent way to a new token, at start and mid-run alike), else the user is asked.
    fn refresh_or_ask(&mut self, stored: Option<SignedIn>, now: SystemTime) -> Vec<Effect> {
        let Some(stored) = stored else {
            return self.begin_interactive(now);
        };
        self.registration = Some(stored.registration.clone());
        self.refresh(&stored, now)
            .unwrap_or_else(|| self.begin_interactive(now))
    }

    /// A refresh with `stored`'s refresh token, when it has one and its registration is valid.
    fn refresh(&mut self, stored: &SignedIn, now: SystemTime) -> Option<Vec<Effect>> {
        let refresh = stored.token.refresh_token.as_ref()?;
        if !stored.registration.is_valid_at(now, Duration::ZERO) {
            return None;
        }
        self.registration = Some(stored.registration.clone());
        self.phase = Phase::Refreshing;
        Some(vec![Effect::Refresh {
            registration: stored.registration.clone(),
            refresh_token: refresh.clone(),
        }])
    }

    /// [`SignIn::ahead`]'s one step with what the store holds.
    fn renew_ahead(&mut self, stored: Option<SignedIn>, now: SystemTime) -> Vec<Effect> {
        let Some(stored) = stored else {
            self.phase = Phase::Done;
            return Vec::new();
        };
        if stored.token.is_valid_at(now, RENEW_AHEAD) {
            // Renewed elsewhere meanwhile: use that one.
            return self.succeed(stored.registration, stored.token);
        }
        self.refresh(&stored, now).unwrap_or_else(|| {
            self.phase = Phase::Done;
            Vec::new()
        })
    }

    fn device_started(
        &mut self,
        result: Result<DeviceAuthorization, IdcError>,
        now: SystemTime,
    ) -> Vec<Effect> {
        if self.phase != Phase::StartingDevice {
            return Vec::new();
        }
        let auth = match result {
            Ok(auth) => auth,
            // The registration went bad (expired early, revoked, not made for the device
            // grant): no code was shown yet, so register again and retry, once.
            Err(e @ IdcError::InvalidClient(_)) => return self.reregister(e),
            Err(e) => return self.fail(classify(e)),
        };
        let interval = Duration::from_secs(auth.interval.max(1));
        let id = self.fresh_id();
        let next_poll_at = now + interval;
        self.phase = Phase::WaitingForApproval(DeviceWait {
            user_code: auth.user_code,
            verification_uri: auth.verification_uri,
            verification_uri_complete: auth.verification_uri_complete.clone(),
            expires_at: now + Duration::from_secs(auth.expires_in),
            interval,
            next_poll_at,
            browser_opened: None,
            polls: 0,
            device_code: auth.device_code,
        });
        let mut effects = Vec::new();
        if self.open_browser {
            effects.push(Effect::OpenBrowser {
                url: auth.verification_uri_complete,
            });
        } else if let Phase::WaitingForApproval(wait) = &mut self.phase {
            wait.browser_opened = Some(false);
        }
        effects.push(Effect::WakeAt {
            id,
            at: next_poll_at,
        });
        effects
    }

    fn wake(&mut self, id: u64, now: SystemTime) -> Vec<Effect> {
        if self.awaited != Some(id) {
            return Vec::new();
        }
        let Phase::WaitingForApproval(wait) = &self.phase else {
            return Vec::new();
        };
        if now >= wait.expires_at {
            return self.fail(Failure::CodeExpired);
        }
        let (Some(registration), device_code) =
            (self.registration.clone(), wait.device_code.clone())
        else {
            return self.fail(Failure::Rejected("no registration".into()));
        };
        vec![Effect::Poll {
            id,
            registration,
            device_code,
        }]
    }

    fn polled(
        &mut self,
        id: u64,
        result: Result<SsoToken, IdcError>,
        now: SystemTime,
    ) -> Vec<Effect> {
        if self.awaited != Some(id) {
            return Vec::new();
        }
        let Phase::WaitingForApproval(wait) = &mut self.phase else {
            return Vec::new();
        };
        wait.polls += 1;
        match result {
            Ok(token) => match self.registration.clone() {
                Some(reg) => self.succeed(reg, token),
                None => self.fail(Failure::Rejected("no registration".into())),
            },
            Err(IdcError::AccessDenied) => self.fail(Failure::Denied),
            Err(IdcError::ExpiredCode) => self.fail(Failure::CodeExpired),
            Err(e @ (IdcError::AuthorizationPending | IdcError::SlowDown))
            | Err(e @ (IdcError::Throttled | IdcError::Server(_) | IdcError::Network(_))) => {
                if matches!(e, IdcError::SlowDown) {
                    wait.interval += SLOW_DOWN_STEP;
                }
                // Past the code's expiry, the wake-up ends it without asking AWS again.
                let at = now + wait.interval;
                wait.next_poll_at = at;
                let id = self.fresh_id();
                vec![Effect::WakeAt { id, at }]
            }
            Err(e) => self.fail(classify(e)),
        }
    }
}

fn classify(e: IdcError) -> Failure {
    match e {
        IdcError::AccessDenied => Failure::Denied,
        IdcError::ExpiredCode => Failure::CodeExpired,
        IdcError::Network(why) => Failure::Unreachable(why),
        IdcError::Server(why) => Failure::Unreachable(format!("AWS error: {why}")),
        IdcError::Throttled => Failure::Unreachable("throttled by AWS".into()),
        other => Failure::Rejected(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn t(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

    fn registration(expires: u64, grants: &[&str]) -> Registration {
        Registration {
            client_id: "client".into(),
            client_secret: Secret::new("secret".into()),
            expires_at: t(expires),
            grant_types: grants.iter().map(|g| g.to_string()).collect(),
        }
    }

    fn token(expires: u64, refresh: bool) -> SsoToken {
        SsoToken {
            access_token: Secret::new("access".into()),
            expires_at: t(expires),
            refresh_token: refresh.then(|| Secret::new("refresh".into())),
        }
    }

    fn device_auth(interval: u64, expires_in: u64) -> DeviceAuthorization {
        DeviceAuthorization {
            device_code: Secret::new("device".into()),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://device.example/".into(),
            verification_uri_complete: "https://device.example/?user_code=ABCD-EFGH".into(),
            expires_in,
            interval,
        }
    }

    /// Runs a device sign-in to the first WakeAt; returns the machine and that timer id.
    fn waiting(open_browser: bool) -> (SignIn, u64, Vec<Effect>) {
        let mut s = SignIn::new(Method::DeviceCode, open_browser);
        let fx = s.handle(Event::Start { stored: None }, t(0));
        assert_eq!(
            fx,
            vec![Effect::Register {
                method: Method::DeviceCode,
                anew: false
            }]
        );
        let fx = s.handle(Event::Registered(Ok(registration(90 * 86400, &[]))), t(0));
        assert!(matches!(fx.as_slice(), [Effect::StartDevice { .. }]));
        let fx = s.handle(Event::DeviceStarted(Ok(device_auth(5, 600))), t(1));
        let id = fx
            .iter()
            .find_map(|e| match e {
                Effect::WakeAt { id, at } => {
                    assert_eq!(*at, t(6));
                    Some(*id)
                }
                _ => None,
            })
            .unwrap();
        (s, id, fx)
    }

    fn next_wake(fx: &[Effect]) -> (u64, SystemTime) {
        fx.iter()
            .find_map(|e| match e {
                Effect::WakeAt { id, at } => Some((*id, *at)),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn a_valid_stored_token_needs_nothing() {
        let mut s = SignIn::new(Method::DeviceCode, true);
        let stored = SignedIn {
            registration: registration(90 * 86400, &[]),
            token: token(3600, false),
        };
        assert!(
            s.handle(
                Event::Start {
                    stored: Some(stored)
                },
                t(0)
            )
            .is_empty()
        );
        assert_eq!(s.phase, Phase::Done);
        assert!(s.result.is_some());
    }

    #[test]
    fn an_expiring_token_with_refresh_is_renewed_silently() {
        let mut s = SignIn::new(Method::DeviceCode, true);
        let stored = SignedIn {
            registration: registration(90 * 86400, &[]),
            token: token(60, true),
        };
        let fx = s.handle(
            Event::Start {
                stored: Some(stored),
            },
            t(0),
        );
        assert!(matches!(fx.as_slice(), [Effect::Refresh { .. }]));
        let fx = s.handle(Event::Refreshed(Ok(token(28800, true))), t(1));
        assert!(matches!(fx.as_slice(), [Effect::Save(_)]));
        assert_eq!(s.phase, Phase::Done);
    }

    #[test]
    fn a_failed_refresh_falls_back_to_the_device_flow_without_reregistering() {
        let mut s = SignIn::new(Method::DeviceCode, false);
        let stored = SignedIn {
            registration: registration(90 * 86400, Method::DeviceCode.grant_types()),
            token: token(0, true),
        };
        s.handle(
            Event::Start {
                stored: Some(stored),
            },
            t(10),
        );
        let fx = s.handle(
            Event::Refreshed(Err(IdcError::InvalidGrant("revoked".into()))),
            t(11),
        );
        assert!(matches!(fx.as_slice(), [Effect::StartDevice { .. }]));
    }

    /// After `rolecall login` (PKCE) or `aws sso login`, the device flow registers its own
    /// client: AWS refuses a browser client's device code after the user approved.
    #[test]
    fn the_device_flow_never_reuses_a_registration_not_made_for_it() {
        for grants in [
            Method::Pkce.grant_types(),
            // From the AWS CLI's token cache, which does not say what the client is for.
            &["refresh_token"][..],
            &[],
        ] {
            let mut s = SignIn::new(Method::DeviceCode, false);
            let stored = SignedIn {
                registration: registration(90 * 86400, grants),
                token: token(0, true),
            };
            s.handle(
                Event::Start {
                    stored: Some(stored),
                },
                t(10),
            );
            let fx = s.handle(
                Event::Refreshed(Err(IdcError::InvalidGrant("revoked".into()))),
                t(11),
            );
            assert_eq!(
                fx,
                vec![Effect::Register {
                    method: Method::DeviceCode,
                    anew: false
                }],
                "{grants:?}"
            );
        }
        // And the browser flow never reuses a device registration.
        let mut s = SignIn::new(Method::Pkce, true);
        let stored = SignedIn {
            registration: registration(90 * 86400, Method::DeviceCode.grant_types()),
            token: token(0, false),
        };
        let fx = s.handle(
            Event::Start {
                stored: Some(stored),
            },
            t(10),
        );
        assert_eq!(
            fx,
            vec![Effect::Register {
                method: Method::Pkce,
                anew: false
            }]
        );
    }

    /// A registration refused at StartDeviceAuthorization (before any code is shown) is
    /// replaced and the start retried once; a second refusal ends the sign-in.
    #[test]
    fn a_refused_registration_is_replaced_once_before_the_user_is_asked() {
        let mut s = SignIn::new(Method::DeviceCode, false);
        let stored = SignedIn {
            registration: registration(90 * 86400, Method::DeviceCode.grant_types()),
            token: token(0, false),
        };
        let fx = s.handle(
            Event::Start {
                stored: Some(stored),
            },
            t(0),
        );
        assert!(matches!(fx.as_slice(), [Effect::StartDevice { .. }]));
        let refused = || IdcError::InvalidClient("UnauthorizedClientException".into());
        let fx = s.handle(Event::DeviceStarted(Err(refused())), t(1));
        assert_eq!(
            fx,
            vec![Effect::Register {
                method: Method::DeviceCode,
                anew: true
            }]
        );
        let fx = s.handle(
            Event::Registered(Ok(registration(
                90 * 86400,
                Method::DeviceCode.grant_types(),
            ))),
            t(2),
        );
        assert!(matches!(fx.as_slice(), [Effect::StartDevice { .. }]));
        assert!(
            s.handle(Event::DeviceStarted(Err(refused())), t(3))
                .is_empty()
        );
        let Phase::Failed(Failure::Rejected(why)) = &s.phase else {
            panic!("{:?}", s.phase)
        };
        assert!(why.contains("UnauthorizedClientException"), "{why}");
    }

    #[test]
    fn an_expired_registration_is_replaced() {
        let mut s = SignIn::new(Method::DeviceCode, false);
        let stored = SignedIn {
            registration: registration(100, &[]),
            token: token(0, false),
        };
        let fx = s.handle(
            Event::Start {
                stored: Some(stored),
            },
            t(50),
        );
        assert_eq!(
            fx,
            vec![Effect::Register {
                method: Method::DeviceCode,
                anew: false
            }]
        );
    }

    #[test]
    fn pkce_needs_a_registration_for_the_code_grant() {
        let mut s = SignIn::new(Method::Pkce, true);
        let stored = SignedIn {
            registration: registration(
                90 * 86400,
                &["urn:ietf:params:oauth:grant-type:device_code"],
            ),
            token: token(0, false),
        };
        let fx = s.handle(
            Event::Start {
                stored: Some(stored),
            },
            t(0),
        );
        assert_eq!(
            fx,
            vec![Effect::Register {
                method: Method::Pkce,
                anew: false
            }]
        );
        let fx = s.handle(
            Event::Registered(Ok(registration(90 * 86400, Method::Pkce.grant_types()))),
            t(0),
        );
        assert!(matches!(
            fx.as_slice(),
            [Effect::RunPkce {
                open_browser: true,
                ..
            }]
        ));
        let fx = s.handle(Event::PkceFinished(Ok(token(28800, true))), t(5));
        assert!(matches!(fx.as_slice(), [Effect::Save(_)]));
    }

    #[test]
    fn pkce_state_mismatch_fails_with_advice() {
        let mut s = SignIn::new(Method::Pkce, true);
        s.handle(Event::Start { stored: None }, t(0));
        s.handle(
            Event::Registered(Ok(registration(90 * 86400, Method::Pkce.grant_types()))),
            t(0),
        );
        s.handle(
            Event::PkceFinished(Err(PkceError::Browser("the state did not match".into()))),
            t(3),
        );
        let Phase::Failed(f) = &s.phase else { panic!() };
        assert!(f.advice().contains("state did not match"));
    }

    #[test]
    fn the_browser_opens_once_with_the_complete_url_only_when_asked() {
        let (_, _, fx) = waiting(true);
        assert_eq!(
            fx[0],
            Effect::OpenBrowser {
                url: "https://device.example/?user_code=ABCD-EFGH".into()
            }
        );
        let (s, _, fx) = waiting(false);
        assert!(!fx.iter().any(|e| matches!(e, Effect::OpenBrowser { .. })));
        let Phase::WaitingForApproval(w) = &s.phase else {
            panic!()
        };
        assert_eq!(w.browser_opened, Some(false));
    }

    #[test]
    fn pending_polls_at_the_interval() {
        let (mut s, id, _) = waiting(true);
        let fx = s.handle(Event::Wake { id }, t(6));
        assert!(matches!(fx.as_slice(), [Effect::Poll { .. }]));
        let fx = s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::AuthorizationPending),
            },
            t(6),
        );
        let (id2, at) = next_wake(&fx);
        assert_eq!(at, t(11));
        assert_ne!(id, id2);
        // No browser again on a retry.
        assert!(!fx.iter().any(|e| matches!(e, Effect::OpenBrowser { .. })));
    }

    #[test]
    fn slow_down_adds_five_seconds_for_good() {
        let (mut s, id, _) = waiting(false);
        s.handle(Event::Wake { id }, t(6));
        let fx = s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::SlowDown),
            },
            t(6),
        );
        let (id, at) = next_wake(&fx);
        assert_eq!(at, t(16));
        s.handle(Event::Wake { id }, t(16));
        let fx = s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::AuthorizationPending),
            },
            t(16),
        );
        assert_eq!(next_wake(&fx).1, t(26));
    }

    #[test]
    fn throttling_and_network_errors_retry_without_failing() {
        let (mut s, id, _) = waiting(true);
        s.handle(Event::Wake { id }, t(6));
        let fx = s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::Throttled),
            },
            t(6),
        );
        let (id, at) = next_wake(&fx);
        assert_eq!(at, t(11));
        s.handle(Event::Wake { id }, t(11));
        let fx = s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::Network("refused".into())),
            },
            t(11),
        );
        assert_eq!(next_wake(&fx).1, t(16));
        assert!(!fx.iter().any(|e| matches!(e, Effect::OpenBrowser { .. })));
    }

    #[test]
    fn stale_timers_and_answers_are_ignored() {
        let (mut s, id, _) = waiting(false);
        assert!(s.handle(Event::Wake { id: id + 100 }, t(6)).is_empty());
        s.handle(Event::Wake { id }, t(6));
        s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::AuthorizationPending),
            },
            t(6),
        );
        // The old id fires late: ignored.
        assert!(s.handle(Event::Wake { id }, t(7)).is_empty());
        assert!(
            s.handle(
                Event::Polled {
                    id,
                    result: Ok(token(1, false))
                },
                t(7)
            )
            .is_empty()
        );
        assert!(matches!(s.phase, Phase::WaitingForApproval(_)));
    }

    #[test]
    fn approval_saves_the_token() {
        let (mut s, id, _) = waiting(true);
        s.handle(Event::Wake { id }, t(6));
        let fx = s.handle(
            Event::Polled {
                id,
                result: Ok(token(28800, true)),
            },
            t(6),
        );
        assert!(matches!(fx.as_slice(), [Effect::Save(_)]));
        assert_eq!(s.phase, Phase::Done);
        assert!(s.is_finished());
    }

    #[test]
    fn denial_and_expiry_end_it() {
        let (mut s, id, _) = waiting(true);
        s.handle(Event::Wake { id }, t(6));
        s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::AccessDenied),
            },
            t(6),
        );
        assert_eq!(s.phase, Phase::Failed(Failure::Denied));

        let (mut s, id, _) = waiting(true);
        s.handle(Event::Wake { id }, t(6));
        s.handle(
            Event::Polled {
                id,
                result: Err(IdcError::ExpiredCode),
            },
            t(6),
        );
        assert_eq!(s.phase, Phase::Failed(Failure::CodeExpired));

        // Expiry noticed locally, without asking AWS.
        let (mut s, id, _) = waiting(true);
        assert!(s.handle(Event::Wake { id }, t(700)).is_empty());
        assert_eq!(s.phase, Phase::Failed(Failure::CodeExpired));
    }

    #[test]
    fn the_code_countdown() {
        let (s, _, _) = waiting(true);
        let Phase::WaitingForApproval(w) = &s.phase else {
            panic!()
        };
        assert_eq!(w.remaining(t(1)), Duration::from_secs(600));
        assert_eq!(w.remaining(t(601)), Duration::ZERO);
    }

    #[test]
    fn a_bad_registration_during_start_device_registers_again() {
        let mut s = SignIn::new(Method::DeviceCode, false);
        s.handle(Event::Start { stored: None }, t(0));
        s.handle(Event::Registered(Ok(registration(90 * 86400, &[]))), t(0));
        let fx = s.handle(
            Event::DeviceStarted(Err(IdcError::InvalidClient("expired".into()))),
            t(1),
        );
        assert_eq!(
            fx,
            vec![Effect::Register {
                method: Method::DeviceCode,
                anew: true
            }]
        );
    }

    #[test]
    fn failures_say_what_to_do() {
        assert!(Failure::CodeExpired.advice().contains("sign in again"));
        assert!(
            Failure::Unreachable("connection refused".into())
                .advice()
                .contains("check the network")
        );
    }
}
