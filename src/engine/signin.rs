//! Runs a sign-in to the end: the effects of `core::signin::SignIn` executed one after the
//! other against an `IdentityCenter`, with a view told what to show (the code, the URL).

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use crate::core::signin::{Effect, Event, Failure, Method, Phase, REGISTRATION_MARGIN, SignIn};
use crate::core::sso::{Registration, SignedIn, SsoSession};
use crate::ports::clock::Clock;
use crate::ports::identity_center::{IdentityCenter, RegisterRequest, TokenGrant};
use crate::ports::opener::Opener;

pub use crate::ports::signin_view::SignInView;

/// How to sign in.
#[derive(Debug, Clone)]
pub struct SignInRequest {
    pub session: SsoSession,
    pub method: Method,
    /// The user asked for the browser and one can be opened here.
    pub open_browser: bool,
    /// Where SSO OIDC is reached when not at AWS (the emulator): the identity center's
    /// `endpoint_url`, else `AWS_ENDPOINT_URL_SSO_OIDC` / `AWS_ENDPOINT_URL` (resolved by the
    /// caller, [`crate::adapters::endpoints::Endpoints`]).
    pub endpoint: Option<String>,
    pub client_name: String,
    /// Registrations kept for this identity center (`SessionStore::registrations`): a
    /// registration step takes one made for its flow that is still good, instead of asking
    /// AWS for another.
    pub registrations: Vec<Registration>,
}

impl SignInRequest {
    /// The OIDC `authorize` endpoint for PKCE, in the identity center's partition.
    pub async fn authorize_endpoint(&self) -> Result<String, super::pkce::NoAuthorizeEndpoint> {
        super::pkce::authorize_endpoint(&self.session.region, self.endpoint.as_deref()).await
    }

    /// A kept registration made for `method` and good for a while yet.
    fn kept_for(&self, method: Method, now: SystemTime) -> Option<Registration> {
        self.registrations
            .iter()
            .find(|r| method.fits(r) && r.is_valid_at(now, REGISTRATION_MARGIN))
            .cloned()
    }

    pub(crate) fn register_request(&self, method: Method) -> RegisterRequest {
        let pkce = method == Method::Pkce;
        RegisterRequest {
            client_name: self.client_name.clone(),
            scopes: self.session.scopes.clone(),
            grant_types: method.grant_types().iter().map(|g| g.to_string()).collect(),
            redirect_uris: if pkce {
                vec![super::pkce::REDIRECT_URI.to_owned()]
            } else {
                Vec::new()
            },
            issuer_url: pkce.then(|| self.session.start_url.clone()),
        }
    }
}

/// Runs one effect of the sign-in machine and returns the event that answers it (`None` for
/// `Save`, which the caller handles). `show_url` is told the PKCE authorize URL.
pub async fn execute<I: IdentityCenter>(
    idc: &I,
    opener: &dyn Opener,
    clock: &dyn Clock,
    request: &SignInRequest,
    effect: Effect,
    show_url: &mut (dyn FnMut(&str, bool) + Send),
) -> Option<Event> {
    Some(match effect {
        Effect::Refresh {
            registration,
            refresh_token,
        } => Event::Refreshed(
            idc.create_token(&registration, TokenGrant::Refresh(&refresh_token))
                .await,
        ),
        Effect::Register { method, anew } => Event::Registered(
            match request.kept_for(method, clock.now()).filter(|_| !anew) {
                Some(kept) => Ok(kept),
                None => idc.register_client(&request.register_request(method)).await,
            },
        ),
        Effect::StartDevice { registration } => Event::DeviceStarted(
            idc.start_device_authorization(&registration, &request.session.start_url)
                .await,
        ),
        Effect::OpenBrowser { url } => Event::BrowserOpened(opener.open(&url).is_ok()),
        Effect::WakeAt { id, at } => {
            let wait = at.duration_since(clock.now()).unwrap_or(Duration::ZERO);
            tokio::time::sleep(wait).await;
            Event::Wake { id }
        }
        Effect::Poll {
            id,
            registration,
            device_code,
        } => Event::Polled {
            id,
            result: idc
                .create_token(&registration, TokenGrant::DeviceCode(&device_code))
                .await,
        },
        Effect::RunPkce {
            registration,
            open_browser,
        } => Event::PkceFinished(match request.authorize_endpoint().await {
            Ok(authorize) => {
                super::pkce::run(
                    idc,
                    opener,
                    &registration,
                    &authorize,
                    &request.session.scopes,
                    open_browser,
                    show_url,
                )
                .await
            }
            Err(why) => Err(crate::core::signin::PkceError::Browser(why.to_string())),
        }),
        Effect::Save(_) => return None,
    })
}

/// Signs in (or reuses/refreshes `stored`), returning what to keep.
pub async fn run<I: IdentityCenter>(
    idc: &I,
    opener: &dyn Opener,
    clock: &dyn Clock,
    request: &SignInRequest,
    stored: Option<SignedIn>,
    view: &mut dyn SignInView,
) -> Result<SignedIn, Failure> {
    let mut machine = SignIn::new(request.method, request.open_browser);
    let mut queue: VecDeque<Effect> = machine.handle(Event::Start { stored }, clock.now()).into();
    while let Some(effect) = queue.pop_front() {
        let mut show = |url: &str, opened: bool| view.browser_url(url, opened);
        let Some(event) = execute(idc, opener, clock, request, effect, &mut show).await else {
            continue;
        };
        let was_waiting = matches!(machine.phase, Phase::WaitingForApproval(_));
        let shows_browser = matches!(event, Event::BrowserOpened(_));
        queue.extend(machine.handle(event, clock.now()));
        if let Phase::WaitingForApproval(wait) = &machine.phase
            && (!was_waiting || shows_browser)
        {
            view.device_code(wait);
        }
    }
    match (machine.phase, machine.result) {
        (Phase::Done, Some(result)) => Ok(result),
        (Phase::Failed(failure), _) => Err(failure),
        (phase, _) => Err(Failure::Rejected(format!(
            "sign-in stopped unexpectedly ({phase:?})"
        ))),
    }
}
