//! The browser half of the authorization-code + PKCE flow: a one-shot HTTP listener on
//! 127.0.0.1 for the redirect, the `state` check, and the code exchange.

use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use rand::Rng;
use rand::distr::Alphanumeric;
use tokio::sync::{mpsc, oneshot};

use crate::core::pkce::{authorize_url, check_redirect, s256_challenge};
use crate::core::signin::PkceError;
use crate::core::sso::{Registration, SsoToken};
use crate::ports::identity_center::{IdentityCenter, TokenGrant};
use crate::ports::opener::Opener;
use crate::secret::Secret;

/// The redirect URI registered for PKCE; the port is chosen at sign-in (RFC 8252 §7.3).
pub(crate) const REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// How long the listener waits for the browser.
pub(crate) const BROWSER_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// No `authorize` endpoint is known for a region (the SDK's resolver says why).
#[derive(Debug, thiserror::Error)]
#[error("no SSO OIDC endpoint for region {region:?}: {source}")]
pub struct NoAuthorizeEndpoint {
    pub region: String,
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// The SSO OIDC `authorize` endpoint for an identity center in `region`: `endpoint` (the
/// emulator; `AWS_ENDPOINT_URL_SSO_OIDC` and friends already applied) + `/authorize`, else
/// the sso-oidc host the SDK's endpoint resolver gives for the region, as botocore asks it
/// (`oidc.us-gov-west-1.amazonaws.com`, `oidc.cn-north-1.amazonaws.com.cn`,
/// `oidc.eusc-de-east-1.amazonaws.eu`, …).
pub(crate) async fn authorize_endpoint(
    region: &str,
    endpoint: Option<&str>,
) -> Result<String, NoAuthorizeEndpoint> {
    use aws_sdk_ssooidc::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
    if let Some(base) = endpoint {
        return Ok(format!("{}/authorize", base.trim_end_matches('/')));
    }
    let bad = |source: Box<dyn std::error::Error + Send + Sync>| NoAuthorizeEndpoint {
        region: region.to_owned(),
        source,
    };
    let params = Params::builder()
        .region(region.trim().to_owned())
        .use_fips(false)
        .use_dual_stack(false)
        .build()
        .map_err(|e| bad(e.into()))?;
    let resolved = ResolveEndpoint::resolve_endpoint(&DefaultResolver::new(), &params)
        .await
        .map_err(bad)?;
    Ok(format!(
        "{}/authorize",
        resolved.url().trim_end_matches('/')
    ))
}

fn random(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

const PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>rolecall</title></head>\
<body style=\"font-family:sans-serif;margin:4em\"><h1>rolecall</h1><p>{}</p></body></html>";

/// Runs the browser part: listen, show the URL (and open it when allowed), wait for the
/// redirect, check `state`, exchange the code. `show_url` is told the URL to display.
pub(crate) async fn run<I: IdentityCenter>(
    idc: &I,
    opener: &dyn Opener,
    registration: &Registration,
    authorize_endpoint: &str,
    scopes: &[String],
    open_browser: bool,
    show_url: &mut (dyn FnMut(&str, bool) + Send),
) -> Result<SsoToken, PkceError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| {
            PkceError::Browser(format!("cannot listen on 127.0.0.1 for the redirect: {e}"))
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| PkceError::Browser(e.to_string()))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
    let verifier = Secret::new(random(64));
    let state = random(32);
    let url = authorize_url(
        authorize_endpoint,
        &registration.client_id,
        &redirect_uri,
        &state,
        &s256_challenge(verifier.expose()),
        scopes,
    )
    .map_err(|e| PkceError::Browser(e.to_string()))?;

    let (tx, mut rx) = mpsc::channel::<Vec<(String, String)>>(1);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let app = Router::new()
        .route("/oauth/callback", get(callback))
        .with_state(tx);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await;
    });

    let opened = open_browser && opener.open(&url).is_ok();
    show_url(&url, opened);
    let received = tokio::time::timeout(BROWSER_TIMEOUT, rx.recv()).await;
    let _ = stop_tx.send(());
    let _ = server.await;
    let pairs = match received {
        Ok(Some(pairs)) => pairs,
        Ok(None) => return Err(PkceError::Browser("the redirect listener stopped".into())),
        Err(_) => {
            return Err(PkceError::Browser(
                "no answer from the browser within 10 minutes".into(),
            ));
        }
    };
    let code =
        Secret::new(check_redirect(&pairs, &state).map_err(|e| PkceError::Browser(e.to_string()))?);
    idc.create_token(
        registration,
        TokenGrant::AuthorizationCode {
            code: &code,
            redirect_uri: &redirect_uri,
            code_verifier: &verifier,
        },
    )
    .await
    .map_err(PkceError::Token)
}

async fn callback(
    State(tx): State<mpsc::Sender<Vec<(String, String)>>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Html<String> {
    let ok = pairs.iter().any(|(k, _)| k == "code");
    let _ = tx.try_send(pairs);
    let text = if ok {
        "Signed in. You can close this window and return to your terminal."
    } else {
        "The sign-in did not complete. Return to your terminal for details."
    };
    Html(PAGE.replace("{}", text))
}

#[cfg(test)]
mod tests {
    use super::authorize_endpoint;

    #[tokio::test]
    async fn the_authorize_host_is_the_partitions() {
        for (region, url) in [
            (
                "us-east-1",
                "https://oidc.us-east-1.amazonaws.com/authorize",
            ),
            (
                "us-gov-west-1",
                "https://oidc.us-gov-west-1.amazonaws.com/authorize",
            ),
            (
                "cn-north-1",
                "https://oidc.cn-north-1.amazonaws.com.cn/authorize",
            ),
            (
                "eusc-de-east-1",
                "https://oidc.eusc-de-east-1.amazonaws.eu/authorize",
            ),
            // Well-formed but unknown: the `aws` partition, as the SDK decides.
            (
                "mars-north-1",
                "https://oidc.mars-north-1.amazonaws.com/authorize",
            ),
        ] {
            assert_eq!(
                authorize_endpoint(region, None).await.unwrap(),
                url,
                "{region}"
            );
        }
        assert_eq!(
            authorize_endpoint("cn-north-1", Some("http://127.0.0.1:9/"))
                .await
                .unwrap(),
            "http://127.0.0.1:9/authorize"
        );
        assert!(authorize_endpoint("not a region!", None).await.is_err());
    }
}
