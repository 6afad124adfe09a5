//! The local container-credentials endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI`): an HTTP
//! listener on 127.0.0.1 only, on a port the system picks, answering only requests whose
//! `Authorization` is its token (a fresh one per endpoint, 256 bits from the OS RNG, compared in
//! constant time). What it serves comes from the caller, asked anew on every request.
//!
//! It lives as long as its [`Endpoint`]: dropping or [stopping](Endpoint::stop) it closes the
//! listener, and connecting is refused from then on.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use rand::TryRngCore;
use tokio::task::JoinHandle;

use crate::core::container_credentials::{failure, token_matches};
use crate::secret::Secret;

/// The path the URI names (any path is answered alike).
const PATH: &str = "/credentials";

/// What one request is answered with.
#[derive(Debug)]
pub(crate) enum Served {
    /// The credentials' JSON (200).
    Credentials(Secret<String>),
    /// They cannot be had now (503, the reason for the SDK's error message).
    Failed(String),
}

/// The running endpoint.
pub(crate) struct Endpoint {
    addr: SocketAddr,
    token: Secret<String>,
    task: Option<JoinHandle<()>>,
}

impl Endpoint {
    /// Starts serving what `source` answers, on 127.0.0.1.
    pub(crate) async fn start<F, Fut>(source: F) -> std::io::Result<Endpoint>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Served> + Send + 'static,
    {
        let token = new_token()?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let expected = Arc::new(Secret::new(token.expose().clone()));
        let source = Arc::new(source);
        let app = Router::new().fallback(move |method: Method, headers: HeaderMap| {
            let (expected, source) = (expected.clone(), source.clone());
            async move { answer(&method, &headers, &expected, source.as_ref()).await }
        });
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "the credentials endpoint stopped");
            }
        });
        tracing::info!(%addr, "credentials endpoint started");
        Ok(Endpoint {
            addr,
            token,
            task: Some(task),
        })
    }

    /// The URI for `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    pub(crate) fn uri(&self) -> String {
        format!("http://{}{PATH}", self.addr)
    }

    /// The token for `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub(crate) fn token(&self) -> &Secret<String> {
        &self.token
    }

    /// Closes the listener and waits until it is gone.
    pub(crate) async fn stop(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// 32 bytes from the operating system's RNG, as 64 hex digits.
fn new_token() -> std::io::Result<Secret<String>> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(std::io::Error::other)?;
    Ok(Secret::new(
        bytes.iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

async fn answer<F, Fut>(
    method: &Method,
    headers: &HeaderMap,
    expected: &Secret<String>,
    source: &F,
) -> Response
where
    F: Fn() -> Fut,
    Fut: Future<Output = Served>,
{
    let Some(given) = headers.get(header::AUTHORIZATION) else {
        return reply(
            StatusCode::UNAUTHORIZED,
            failure("Unauthorized", "no Authorization token"),
        );
    };
    if !token_matches(expected.expose().as_bytes(), given.as_bytes()) {
        tracing::warn!("credentials endpoint: a request with a wrong token was refused");
        return reply(
            StatusCode::FORBIDDEN,
            failure("Forbidden", "wrong Authorization token"),
        );
    }
    if method != Method::GET {
        return reply(
            StatusCode::METHOD_NOT_ALLOWED,
            failure("MethodNotAllowed", "GET only"),
        );
    }
    match source().await {
        Served::Credentials(json) => reply(StatusCode::OK, json.expose().clone()),
        Served::Failed(message) => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            failure("CredentialsUnavailable", &message),
        ),
    }
}

fn reply(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(endpoint: &Endpoint, token: Option<&str>) -> (u16, String) {
        let mut request = reqwest::Client::new().get(endpoint.uri());
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    #[tokio::test]
    async fn answers_only_its_token_on_loopback_until_stopped() {
        let endpoint = Endpoint::start(|| async {
            Served::Credentials(Secret::new("{\"AccessKeyId\":\"A\"}".to_owned()))
        })
        .await
        .unwrap();
        assert_eq!(endpoint.addr.ip(), Ipv4Addr::LOCALHOST);
        assert!(endpoint.uri().starts_with("http://127.0.0.1:"));
        let token = endpoint.token().expose().clone();
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(get(&endpoint, None).await.0, 401);
        assert_eq!(get(&endpoint, Some("nope")).await.0, 403);
        assert_eq!(get(&endpoint, Some(&token[..63])).await.0, 403);
        assert_eq!(
            get(&endpoint, Some(&token)).await,
            (200, "{\"AccessKeyId\":\"A\"}".to_owned())
        );
        let addr = endpoint.addr;
        endpoint.stop().await;
        let refused = tokio::net::TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    }

    #[tokio::test]
    async fn a_failure_is_a_503_with_its_reason() {
        let endpoint = Endpoint::start(|| async { Served::Failed("needs an MFA code".into()) })
            .await
            .unwrap();
        let token = endpoint.token().expose().clone();
        let (status, body) = get(&endpoint, Some(&token)).await;
        assert_eq!(status, 503);
        assert!(body.contains("needs an MFA code"), "{body}");
    }

    #[test]
    fn every_token_is_new() {
        assert_ne!(new_token().unwrap().expose(), new_token().unwrap().expose());
    }
}
