//! The AWS console, signed in as a role: the federation endpoint's `getSigninToken` turns a set
//! of temporary credentials into a sign-in token, and the `login` URL carrying it opens the
//! console.
//!
//! The sign-in token is as good as the credentials for the next 15 minutes, so every URL here is
//! a [`Secret`]: it is never logged, never put in an error message, and only leaves the process
//! where the user asked for it (printed with `--print`, or handed to the browser).

use std::time::{Duration, SystemTime};

use serde::Deserialize;

use crate::core::credentials::Credentials;
use crate::secret::Secret;

use crate::core::partition::{ConsoleHosts, Partition, console_hosts};

/// The federation endpoint of the AWS commercial partition (region-specific ones exist; this one
/// serves every region of `aws`). Other partitions have their own: see [`hosts`].
#[cfg(test)]
pub(crate) const FEDERATION_URL: &str = "https://signin.aws.amazon.com/federation";
/// Where the console of the commercial partition opens.
#[cfg(test)]
pub(crate) const CONSOLE_URL: &str = "https://console.aws.amazon.com/";
/// The `Issuer` the login URL names: where the console sends the user when the session ends.
pub(crate) const ISSUER: &str = "rolecall";
/// The shortest console session the federation endpoint accepts.
pub(crate) const MIN_SESSION: Duration = Duration::from_secs(900);
/// The longest console session the federation endpoint accepts.
pub(crate) const MAX_SESSION: Duration = Duration::from_secs(43_200);
/// How long the federation endpoint may take to answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why no console URL could be built. No variant carries a URL, a token or a key.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The credentials have no session token; the federation endpoint only takes temporary
    /// credentials.
    #[error("the console needs temporary credentials (with a session token)")]
    NotTemporary,
    /// The federation endpoint could not be reached.
    #[error("cannot reach the federation endpoint {endpoint}: {reason}")]
    Unreachable { endpoint: String, reason: String },
    /// The federation endpoint refused the credentials.
    #[error("the federation endpoint refused the credentials (HTTP {status}){}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused { status: u16, detail: Option<String> },
    /// The answer had no sign-in token.
    #[error("the federation endpoint sent an answer without a sign-in token")]
    BadAnswer,
    /// The credentials' partition has a console whose hosts rolecall does not know.
    #[error("rolecall does not know the console of partition {0}")]
    UnknownPartition(&'static str),
}

/// Where the console sign-in goes for credentials of `partition` (`region`: the regional
/// sign-in host where a partition has no global one): the federation endpoint is `env`
/// (`$ROLECALL_FEDERATION_URL`), else the identity center's `endpoint_url` + `/federation`
/// (the emulator), else the partition's; the console is always the partition's.
pub(crate) fn hosts(
    env: Option<&str>,
    session_endpoint: Option<&str>,
    partition: Partition,
    region: &str,
) -> Result<ConsoleHosts, ConsoleError> {
    let mut hosts =
        console_hosts(partition, region).ok_or(ConsoleError::UnknownPartition(partition.id()))?;
    if let Some(url) = env.filter(|u| !u.is_empty()) {
        url.clone_into(&mut hosts.federation);
    } else if let Some(base) = session_endpoint {
        hosts.federation = format!("{}/federation", base.trim_end_matches('/'));
    }
    Ok(hosts)
}

/// The console session asked of the federation endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleSession {
    /// `SessionDuration`, whole seconds within what the endpoint accepts.
    Lasting(Duration),
    /// No `SessionDuration`: credentials from role chaining (a role assumed with a role's
    /// credentials), for which AWS refuses the parameter with HTTP 400; the console session
    /// then lasts as long as the credentials.
    FollowsCredentials,
}

/// The console session: for role-chained credentials, none is asked for; otherwise what was
/// asked for (else as long as the credentials last), within what the endpoint accepts.
pub(crate) fn console_session(
    requested: Option<Duration>,
    credentials: &Credentials,
    now: SystemTime,
    role_chained: bool,
) -> ConsoleSession {
    if role_chained {
        return ConsoleSession::FollowsCredentials;
    }
    let wanted = requested
        .or_else(|| credentials.remaining(now))
        .unwrap_or(MAX_SESSION);
    // Whole seconds: the endpoint takes an integer.
    ConsoleSession::Lasting(Duration::from_secs(wanted.as_secs()).clamp(MIN_SESSION, MAX_SESSION))
}

impl ConsoleSession {
    /// How long the console session will last, as far as is known.
    pub fn length(&self, credentials: &Credentials, now: SystemTime) -> Option<Duration> {
        match self {
            ConsoleSession::Lasting(d) => Some(*d),
            ConsoleSession::FollowsCredentials => credentials.remaining(now),
        }
    }
}

/// The `getSigninToken` request URL. It carries the credentials: a secret.
pub(crate) fn signin_token_request(
    credentials: &Credentials,
    session_length: ConsoleSession,
    endpoint: &str,
) -> Result<Secret<String>, ConsoleError> {
    let token = credentials
        .session_token
        .as_ref()
        .ok_or(ConsoleError::NotTemporary)?;
    let session = Secret::new(
        serde_json::json!({
            "sessionId": credentials.access_key_id,
            "sessionKey": credentials.secret_access_key.expose(),
            "sessionToken": token.expose(),
        })
        .to_string(),
    );
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("Action", "getSigninToken");
    if let ConsoleSession::Lasting(d) = session_length {
        query.append_pair("SessionDuration", &d.as_secs().to_string());
    }
    let query = Secret::new(query.append_pair("Session", session.expose()).finish());
    Ok(Secret::new(format!("{endpoint}?{}", query.expose())))
}

/// The login URL that opens `destination` signed in with `signin_token`. A secret.
pub(crate) fn login_url(
    endpoint: &str,
    destination: &str,
    signin_token: &Secret<String>,
) -> Secret<String> {
    let query = Secret::new(
        form_urlencoded::Serializer::new(String::new())
            .append_pair("Action", "login")
            .append_pair("Issuer", ISSUER)
            .append_pair("Destination", destination)
            .append_pair("SigninToken", signin_token.expose())
            .finish(),
    );
    Secret::new(format!("{endpoint}?{}", query.expose()))
}

/// Asks `endpoint` (the federation URL, e.g. [`FEDERATION_URL`]) for a sign-in token for
/// `credentials` and returns the login URL that opens `destination` in the console.
pub(crate) async fn signin_url(
    credentials: &Credentials,
    session: ConsoleSession,
    endpoint: &str,
    destination: &str,
) -> Result<Secret<String>, ConsoleError> {
    let request = signin_token_request(credentials, session, endpoint)?;
    let token = fetch_signin_token(&request, endpoint).await?;
    Ok(login_url(endpoint, destination, &token))
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(rename = "SigninToken")]
    signin_token: String,
}

/// The most of an answer that is read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// GETs the `getSigninToken` URL; errors never carry the URL (it holds the credentials).
async fn fetch_signin_token(
    request: &Secret<String>,
    endpoint: &str,
) -> Result<Secret<String>, ConsoleError> {
    use http_body_util::{BodyExt, Empty, Limited};
    use hyper::body::Bytes;

    let unreachable = |reason: String| ConsoleError::Unreachable {
        endpoint: endpoint.to_owned(),
        reason,
    };
    // The provider is given explicitly: nothing depends on a process-wide default.
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
        .map_err(|e| unreachable(format!("no TLS roots: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, Empty<Bytes>>(connector);
    let uri: hyper::Uri = request
        .expose()
        .parse()
        .map_err(|_| unreachable("the endpoint is not a URL".into()))?;
    let call = async {
        let response = client
            .get(uri)
            .await
            .map_err(|e| unreachable(error_chain(&e)))?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes();
        Ok::<_, ConsoleError>((
            status,
            Secret::new(String::from_utf8_lossy(&body).into_owned()),
        ))
    };
    let (status, body) = tokio::time::timeout(TIMEOUT, call)
        .await
        .map_err(|_| unreachable(format!("no answer within {} s", TIMEOUT.as_secs())))??;
    if !status.is_success() {
        return Err(ConsoleError::Refused {
            status: status.as_u16(),
            detail: refusal_detail(body.expose()),
        });
    }
    let answer: TokenAnswer =
        serde_json::from_str(body.expose()).map_err(|_| ConsoleError::BadAnswer)?;
    let token = Secret::new(answer.signin_token);
    if token.expose().is_empty() {
        return Err(ConsoleError::BadAnswer);
    }
    Ok(token)
}

/// An error and its causes on one line (hyper's errors say little without their source). They
/// name hosts and IO causes, never the request URL.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A short reason from a refusal's body, when it is JSON with a message (never the raw body,
/// which could echo what was sent).
fn refusal_detail(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let text = value
        .get("message")
        .or_else(|| value.get("error"))
        .and_then(|m| m.as_str())?;
    Some(text.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(left: Option<u64>) -> (Credentials, SystemTime) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        (
            Credentials {
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: Secret::new("se/cr+et".into()),
                session_token: Some(Secret::new("to+ken=".into())),
                expires_at: left.map(|s| now + Duration::from_secs(s)),
            },
            now,
        )
    }

    fn query(url: &str) -> Vec<(String, String)> {
        let (_, q) = url.split_once('?').unwrap();
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    #[test]
    fn durations_follow_the_credentials_within_bounds() {
        let lasting = |d: Duration| ConsoleSession::Lasting(d);
        let (c, now) = creds(Some(7200));
        assert_eq!(
            console_session(None, &c, now, false),
            lasting(Duration::from_secs(7200))
        );
        let (c, now) = creds(Some(43_200));
        assert_eq!(
            console_session(None, &c, now, false),
            lasting(MAX_SESSION),
            "not role chaining: as long as STS gave"
        );
        assert_eq!(
            console_session(None, &c, now, true),
            ConsoleSession::FollowsCredentials
        );
        assert_eq!(
            ConsoleSession::FollowsCredentials.length(&c, now),
            Some(Duration::from_secs(43_200))
        );
        let (c, now) = creds(Some(60));
        assert_eq!(console_session(None, &c, now, false), lasting(MIN_SESSION));
        let (c, now) = creds(None);
        assert_eq!(console_session(None, &c, now, false), lasting(MAX_SESSION));
        assert_eq!(
            console_session(Some(Duration::from_secs(99_999)), &c, now, false),
            lasting(MAX_SESSION)
        );
    }

    #[test]
    fn role_chained_credentials_send_no_session_duration() {
        let (c, _) = creds(Some(3600));
        let url = signin_token_request(
            &c,
            ConsoleSession::FollowsCredentials,
            "http://127.0.0.1:1/federation",
        )
        .unwrap();
        let q = query(url.expose());
        assert!(q.iter().all(|(k, _)| k != "SessionDuration"), "{q:?}");
        assert!(q.iter().any(|(k, _)| k == "Session"));
    }

    #[test]
    fn the_token_request_carries_the_session_json() {
        let (c, _) = creds(Some(3600));
        let url = signin_token_request(
            &c,
            ConsoleSession::Lasting(Duration::from_secs(3600)),
            "http://127.0.0.1:1/federation",
        )
        .unwrap();
        assert!(
            url.expose()
                .starts_with("http://127.0.0.1:1/federation?Action=getSigninToken&")
        );
        let q = query(url.expose());
        assert!(q.contains(&("SessionDuration".into(), "3600".into())));
        let session = &q.iter().find(|(k, _)| k == "Session").unwrap().1;
        let json: serde_json::Value = serde_json::from_str(session).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"sessionId": "ASIAEXAMPLE", "sessionKey": "se/cr+et", "sessionToken": "to+ken="})
        );
    }

    #[test]
    fn long_term_keys_are_refused() {
        let (mut c, _) = creds(None);
        c.session_token = None;
        assert!(matches!(
            signin_token_request(&c, ConsoleSession::Lasting(MIN_SESSION), FEDERATION_URL),
            Err(ConsoleError::NotTemporary)
        ));
    }

    #[test]
    fn the_login_url_names_issuer_destination_and_token() {
        let url = login_url(FEDERATION_URL, CONSOLE_URL, &Secret::new("tok/en+1".into()));
        assert_eq!(
            query(url.expose()),
            vec![
                ("Action".into(), "login".into()),
                ("Issuer".into(), ISSUER.into()),
                ("Destination".into(), CONSOLE_URL.into()),
                ("SigninToken".into(), "tok/en+1".into()),
            ]
        );
    }

    #[test]
    fn the_endpoint_comes_from_env_then_session_then_the_partition() {
        let fed = |env, session, region: &str| {
            hosts(env, session, Partition::of_region(region), region)
                .unwrap()
                .federation
        };
        assert_eq!(
            fed(
                Some("http://127.0.0.1:9/federation"),
                Some("http://x"),
                "us-east-1"
            ),
            "http://127.0.0.1:9/federation"
        );
        assert_eq!(
            fed(None, Some("http://127.0.0.1:9/"), "us-east-1"),
            "http://127.0.0.1:9/federation"
        );
        assert_eq!(fed(Some(""), None, "us-east-1"), FEDERATION_URL);
        assert_eq!(
            fed(None, None, "us-gov-west-1"),
            "https://signin.amazonaws-us-gov.com/federation"
        );
        let cn = hosts(
            None,
            Some("http://127.0.0.1:9"),
            Partition::China,
            "cn-north-1",
        )
        .unwrap();
        assert_eq!(cn.console, "https://console.amazonaws.cn/");
        assert!(matches!(
            hosts(
                None,
                None,
                Partition::of_region("us-iso-east-1"),
                "us-iso-east-1"
            ),
            Err(ConsoleError::UnknownPartition("aws-iso"))
        ));
    }

    #[test]
    fn refusals_show_a_message_never_the_body() {
        assert_eq!(
            refusal_detail(r#"{"error":"InvalidSession","message":"unknown credentials"}"#),
            Some("unknown credentials".into())
        );
        assert_eq!(refusal_detail("sessionKey=abc"), None);
    }
}
