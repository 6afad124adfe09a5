//! The HTTP server: one loopback listener and the router serving SSO OIDC, the SSO portal,
//! STS, the approval pages and the admin routes over the handlers' [`Shared`] state, and the
//! `Emulator` handle tests and the CLI hold.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::api::Api;
use super::aws_error::AwsError;
use super::clock::http_date;
use super::faults::Faults;
use super::network::CuttableListener;
use super::org::Org;
use super::shared::Shared;
use super::store::ApiStats;
use super::{admin, authorize, mfa, oidc, portal, sts};

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "port {port} on 127.0.0.1 is already in use; pick another with --port or use 0 for any free port"
    )]
    PortInUse { port: u16 },
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
}

/// Every route the emulator serves, over `shared` (the fuzz target drives it without a socket).
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/client/register", post(oidc::register_client))
        .route(
            "/device_authorization",
            post(oidc::start_device_authorization),
        )
        .route("/token", post(oidc::create_token))
        .route("/authorize", get(authorize::authorize))
        .route(
            "/authorize/approve",
            get(authorize::approve_link).post(authorize::approve_form),
        )
        .route("/authorize/deny", post(authorize::deny_form))
        .route("/device", get(authorize::device_page))
        .route("/device/approve", post(authorize::device_approve))
        .route("/device/deny", post(authorize::device_deny))
        .route("/assignment/accounts", get(portal::list_accounts))
        .route("/assignment/roles", get(portal::list_account_roles))
        .route("/federation/credentials", get(portal::get_role_credentials))
        .route("/federation", get(super::federation::handle))
        .route("/logout", post(portal::logout))
        .route("/", any(sts::handle))
        .nest("/_emulator", admin::routes())
        .fallback(not_found)
        .layer(axum::middleware::map_response_with_state(
            shared.clone(),
            service_date,
        ))
        .with_state(shared)
}

/// Like AWS, every answer's `Date` header tells clients the service's time, here the
/// emulator's clock (so clock skew shows the way it does against AWS).
async fn service_date(State(shared): State<Arc<Shared>>, mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&http_date(shared.clock.now())) {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

async fn not_found() -> impl IntoResponse {
    AwsError::portal(
        StatusCode::NOT_FOUND,
        "UnknownOperationException",
        "The emulator does not serve this path",
    )
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts serving `org` on 127.0.0.1:`port` (0 picks a free port).
    pub async fn start(org: Org, port: u16) -> Result<Self, StartError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::AddrInUse => StartError::PortInUse { port },
                _ => StartError::Bind { port, source },
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { port, source })?;
        let shared = Arc::new(Shared::new(org, format!("http://{addr}")));
        let listener = CuttableListener::new(listener, shared.network());
        let app = router(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "emulator server stopped");
            }
        });
        tracing::info!(%addr, "emulator listening");
        Ok(Self {
            shared,
            addr,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: the endpoint URL for every service.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn org(&self) -> &Org {
        &self.shared.org
    }

    /// The first identity center's start URL.
    pub fn start_url(&self) -> Option<&str> {
        self.org()
            .identity_centers
            .first()
            .map(|c| c.start_url.as_str())
    }

    /// The first identity center's region (`us-east-1` when there is none).
    pub fn region(&self) -> &str {
        self.org()
            .identity_centers
            .first()
            .map_or("us-east-1", |c| c.region.as_str())
    }

    /// Approves every pending device authorization; returns how many.
    pub fn approve_devices(&self) -> usize {
        self.shared.store().decide_devices(None, true)
    }

    /// Denies every pending device authorization; returns how many.
    pub fn deny_devices(&self) -> usize {
        self.shared.store().decide_devices(None, false)
    }

    /// Approves the oldest pending /authorize request; returns the redirect the browser would
    /// follow.
    pub fn approve_authorize(&self) -> Option<String> {
        authorize::decide_oldest(&self.shared, true)
    }

    /// Denies the oldest pending /authorize request; returns the redirect.
    pub fn deny_authorize(&self) -> Option<String> {
        authorize::decide_oldest(&self.shared, false)
    }

    /// Revokes every SSO access and refresh token; returns how many access tokens.
    pub fn revoke_tokens(&self) -> usize {
        self.shared.store().revoke_tokens(None)
    }

    /// Moves the emulator's clock forward.
    pub fn advance(&self, by: Duration) {
        self.shared
            .clock
            .advance_ms(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
    }

    pub fn faults(&self) -> Faults {
        self.shared.faults()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults);
    }

    pub fn stats(&self, api: Api) -> ApiStats {
        self.shared
            .store()
            .stats
            .get(api.name())
            .copied()
            .unwrap_or_default()
    }

    /// The current TOTP code of an MFA device the org lists.
    pub fn mfa_code(&self, serial: &str) -> Option<String> {
        mfa::current_code(&self.shared, serial)
    }

    /// Every secret value the emulator has handed out so far.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.store().issued_secrets.clone()
    }

    /// Every successful AssumeRole so far, as received.
    pub fn assumed(&self) -> Vec<super::store::AssumeRecord> {
        self.shared.store().assumed.clone()
    }

    /// Serves until `stop` resolves, then shuts down gracefully.
    pub async fn run_until(mut self, stop: impl std::future::Future<Output = ()>) {
        stop.await;
        self.stop().await;
    }

    /// Stops the server and waits for it.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
