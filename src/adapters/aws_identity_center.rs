//! `IdentityCenter` on the official SDK clients: `aws-sdk-ssooidc` for sign-in, `aws-sdk-sso`
//! for the portal. Neither needs AWS credentials, so neither is given a credentials provider.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sso::config::retry::RetryConfig;
use aws_sdk_sso::config::timeout::TimeoutConfig;
use aws_sdk_ssooidc::config::http::HttpResponse;
use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};

use super::endpoints::Endpoints;
use super::service_date::{ServiceDate, believed};
use crate::core::catalog::PortalAccount;
use crate::core::credentials::Credentials;
use crate::core::sso::{DeviceAuthorization, Registration, SsoToken};
use crate::core::time_bounds;
use crate::ports::clock::{Clock, SystemClock};
use crate::ports::identity_center::{IdcError, IdentityCenter, Page, RegisterRequest, TokenGrant};
use crate::secret::Secret;

/// The SDK clients of one identity center region.
#[derive(Clone)]
pub struct AwsIdentityCenter {
    oidc: aws_sdk_ssooidc::Client,
    sso: aws_sdk_sso::Client,
    /// Dates the tokens it gets (AWS says how long they last, not until when).
    clock: Arc<dyn Clock>,
}

pub(crate) fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .build()
}

impl std::fmt::Debug for AwsIdentityCenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsIdentityCenter").finish_non_exhaustive()
    }
}

impl AwsIdentityCenter {
    /// Clients for `region`; `endpoint` overrides where they connect (the emulator), else AWS.
    pub fn new(region: &str, endpoint: Option<&str>) -> Self {
        Self::at(region, &Endpoints::explicit(endpoint))
    }

    /// Clients for `region` reaching `endpoints`.
    pub fn at(region: &str, endpoints: &Endpoints) -> Self {
        let mut oidc = aws_sdk_ssooidc::Config::builder()
            .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
            .region(aws_sdk_ssooidc::config::Region::new(region.to_owned()))
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .timeout_config(timeouts());
        if let Some(url) = endpoints.sso_oidc.clone() {
            oidc = oidc.endpoint_url(url);
        }
        // The portal is not retried by the SDK: the catalog paces and retries it itself.
        let mut sso = aws_sdk_sso::Config::builder()
            .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
            .region(aws_sdk_sso::config::Region::new(region.to_owned()))
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts());
        if let Some(url) = endpoints.sso.clone() {
            sso = sso.endpoint_url(url);
        }
        Self {
            oidc: aws_sdk_ssooidc::Client::from_conf(oidc.build()),
            sso: aws_sdk_sso::Client::from_conf(sso.build()),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same clients, dating tokens by `clock` (the workspace's).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }
}

/// Maps an SDK error to the kind that decides what happens next. Messages come from AWS's
/// error body, which never carries a secret.
fn classify<E>(err: SdkError<E, HttpResponse>) -> IdcError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = match &err {
        SdkError::ServiceError(s) => Some(s.raw().status().as_u16()),
        _ => None,
    };
    match err {
        SdkError::TimeoutError(_) => IdcError::Network("the request timed out".into()),
        SdkError::DispatchFailure(f) => {
            let reason = if f.is_timeout() {
                "the request timed out".to_owned()
            } else if f.is_io() {
                "the connection failed".to_owned()
            } else {
                "the request could not be sent".to_owned()
            };
            IdcError::Network(reason)
        }
        SdkError::ServiceError(service) => {
            let e = service.into_err();
            let message = e
                .message()
                .map(str::to_owned)
                .or_else(|| e.meta().extra("error_description").map(str::to_owned))
                .unwrap_or_else(|| e.to_string());
            from_code(e.code().unwrap_or_default(), status, message)
        }
        other => IdcError::Other(format!("unexpected response: {other}")),
    }
}

fn from_code(code: &str, status: Option<u16>, message: String) -> IdcError {
    match code {
        "AuthorizationPendingException" => IdcError::AuthorizationPending,
        "SlowDownException" => IdcError::SlowDown,
        "ExpiredTokenException" => IdcError::ExpiredCode,
        "AccessDeniedException" => IdcError::AccessDenied,
        "InvalidGrantException" => IdcError::InvalidGrant(message),
        "InvalidClientException" | "UnauthorizedClientException" => {
            IdcError::InvalidClient(message)
        }
        "UnauthorizedException" => IdcError::Unauthorized,
        "TooManyRequestsException" | "ThrottlingException" => IdcError::Throttled,
        "ForbiddenException" => IdcError::Forbidden(message),
        "ResourceNotFoundException" => IdcError::NotFound(message),
        "InvalidRequestException" => IdcError::InvalidRequest(message),
        _ => match status {
            Some(429) => IdcError::Throttled,
            Some(s) if s >= 500 => IdcError::Server(describe(code, status, &message, " ")),
            Some(401) => IdcError::Unauthorized,
            _ => IdcError::Other(describe(code, status, &message, ": ")),
        },
    }
}

/// An error the SDK could not type, in words: its code and message, or the HTTP status when
/// the answer had no code (the SDK's message is then only "unhandled error"), never nothing.
fn describe(code: &str, status: Option<u16>, message: &str, between: &str) -> String {
    let message = Some(message).filter(|m| !m.is_empty() && *m != "unhandled error");
    match (code, status, message) {
        ("", None, None) => "an answer without an error code or message".to_owned(),
        ("", Some(s), None) => format!("HTTP {s} (no error code in the answer)"),
        ("", Some(s), Some(m)) => format!("HTTP {s}: {m}"),
        ("", None, Some(m)) => m.to_owned(),
        (code, _, None) => code.to_owned(),
        (code, _, Some(m)) => format!("{code}{between}{m}"),
    }
}

impl IdentityCenter for AwsIdentityCenter {
    async fn register_client(&self, request: &RegisterRequest) -> Result<Registration, IdcError> {
        let out = self
            .oidc
            .register_client()
            .client_name(&request.client_name)
            .client_type("public")
            .set_scopes(Some(request.scopes.clone()).filter(|s| !s.is_empty()))
            .set_grant_types(Some(request.grant_types.clone()).filter(|g| !g.is_empty()))
            .set_redirect_uris(Some(request.redirect_uris.clone()).filter(|r| !r.is_empty()))
            .set_issuer_url(request.issuer_url.clone())
            .send()
            .await
            .map_err(classify)?;
        let (Some(id), Some(secret)) = (out.client_id, out.client_secret) else {
            return Err(IdcError::Other("RegisterClient returned no client".into()));
        };
        Ok(Registration {
            client_id: id,
            client_secret: Secret::new(secret),
            expires_at: believed(
                time_bounds::from_epoch_secs(out.client_secret_expires_at),
                time_bounds::REGISTRATION_LONGEST,
                "the client registration",
            ),
            grant_types: request.grant_types.clone(),
        })
    }

    async fn start_device_authorization(
        &self,
        registration: &Registration,
        start_url: &str,
    ) -> Result<DeviceAuthorization, IdcError> {
        let out = self
            .oidc
            .start_device_authorization()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .start_url(start_url)
            .send()
            .await
            .map_err(classify)?;
        let (Some(device_code), Some(user_code), Some(uri)) =
            (out.device_code, out.user_code, out.verification_uri)
        else {
            return Err(IdcError::Other(
                "StartDeviceAuthorization returned no code".into(),
            ));
        };
        let complete = out
            .verification_uri_complete
            .unwrap_or_else(|| format!("{uri}?user_code={user_code}"));
        Ok(DeviceAuthorization {
            device_code: Secret::new(device_code),
            user_code,
            verification_uri: uri,
            verification_uri_complete: complete,
            expires_in: u64::try_from(out.expires_in).unwrap_or(0),
            interval: u64::try_from(out.interval).unwrap_or(0).max(1),
        })
    }

    async fn create_token(
        &self,
        registration: &Registration,
        grant: TokenGrant<'_>,
    ) -> Result<SsoToken, IdcError> {
        let request = self
            .oidc
            .create_token()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose());
        let request = match grant {
            TokenGrant::DeviceCode(code) => request
                .grant_type("urn:ietf:params:oauth:grant-type:device_code")
                .device_code(code.expose()),
            TokenGrant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => request
                .grant_type("authorization_code")
                .code(code.expose())
                .redirect_uri(redirect_uri)
                .code_verifier(code_verifier.expose()),
            TokenGrant::Refresh(token) => request
                .grant_type("refresh_token")
                .refresh_token(token.expose()),
        };
        let asked_at = self.clock.now();
        let out = request.send().await.map_err(classify)?;
        let Some(access) = out.access_token else {
            return Err(IdcError::Other(
                "CreateToken returned no access token".into(),
            ));
        };
        let refresh = match (out.refresh_token, grant) {
            (Some(new), _) => Some(Secret::new(new)),
            // A refresh that returns no new refresh token keeps the old one.
            (None, TokenGrant::Refresh(old)) => Some(old.clone()),
            (None, _) => None,
        };
        Ok(SsoToken {
            access_token: Secret::new(access),
            expires_at: believed(
                time_bounds::add(
                    asked_at,
                    Duration::from_secs(u64::try_from(out.expires_in).unwrap_or(0)),
                ),
                time_bounds::TOKEN_LONGEST,
                "the access token",
            ),
            refresh_token: refresh,
        })
    }

    async fn list_accounts(
        &self,
        token: &Secret<String>,
        next_token: Option<String>,
        page_size: i32,
    ) -> Result<Page<PortalAccount>, IdcError> {
        let out = self
            .sso
            .list_accounts()
            .access_token(token.expose())
            .max_results(page_size)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(classify)?;
        let items = out
            .account_list
            .unwrap_or_default()
            .into_iter()
            .filter_map(|a| {
                Some(PortalAccount {
                    id: a.account_id?,
                    name: a.account_name.unwrap_or_default(),
                    email: a.email_address,
                })
            })
            .collect();
        Ok(Page {
            items,
            next_token: out.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn list_account_roles(
        &self,
        token: &Secret<String>,
        account_id: &str,
        next_token: Option<String>,
        page_size: i32,
    ) -> Result<Page<String>, IdcError> {
        let out = self
            .sso
            .list_account_roles()
            .access_token(token.expose())
            .account_id(account_id)
            .max_results(page_size)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(classify)?;
        let items = out
            .role_list
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.role_name)
            .collect();
        Ok(Page {
            items,
            next_token: out.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn get_role_credentials(
        &self,
        token: &Secret<String>,
        account_id: &str,
        role_name: &str,
    ) -> Result<Credentials, IdcError> {
        let date = ServiceDate::default();
        let out = self
            .sso
            .get_role_credentials()
            .access_token(token.expose())
            .account_id(account_id)
            .role_name(role_name)
            .customize()
            .interceptor(date.clone())
            .send()
            .await
            .map_err(classify)?;
        let creds = out
            .role_credentials
            .ok_or_else(|| IdcError::Other("GetRoleCredentials returned no credentials".into()))?;
        let (Some(akid), Some(secret)) = (creds.access_key_id, creds.secret_access_key) else {
            return Err(IdcError::Other(
                "GetRoleCredentials returned incomplete credentials".into(),
            ));
        };
        Ok(Credentials {
            access_key_id: akid,
            secret_access_key: Secret::new(secret),
            session_token: creds.session_token.map(Secret::new),
            expires_at: Some(date.expiry(
                time_bounds::from_epoch_millis(creds.expiration),
                time_bounds::ROLE_CREDENTIALS_LONGEST,
                "the role credentials",
            )),
        })
    }

    async fn logout(&self, token: &Secret<String>) -> Result<(), IdcError> {
        self.sso
            .logout()
            .access_token(token.expose())
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(
            from_code("SlowDownException", Some(400), String::new()),
            IdcError::SlowDown
        );
        assert_eq!(
            from_code("Weird", Some(503), "x".into()),
            IdcError::Server("Weird x".into())
        );
        assert_eq!(from_code("", Some(429), String::new()), IdcError::Throttled);
        assert_eq!(
            from_code("InvalidRequestException", Some(400), "max".into()),
            IdcError::InvalidRequest("max".into())
        );
    }

    #[test]
    fn an_error_without_a_code_says_the_http_status_never_nothing() {
        // An answer the SDK cannot map (no error type): its message is "unhandled error".
        assert_eq!(
            from_code("", Some(403), "unhandled error".into()).to_string(),
            "HTTP 403 (no error code in the answer)"
        );
        assert_eq!(
            from_code("", Some(502), "unhandled error".into()),
            IdcError::Server("HTTP 502 (no error code in the answer)".into())
        );
        assert_eq!(
            from_code("", None, String::new()).to_string(),
            "an answer without an error code or message"
        );
        assert_eq!(
            from_code("Odd", Some(400), "said so".into()).to_string(),
            "Odd: said so"
        );
    }
}
