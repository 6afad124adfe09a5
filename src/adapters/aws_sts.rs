//! `Sts` on the official `aws-sdk-sts` client. The client never looks for credentials on its
//! own: each call is signed with the credentials it is given (a static provider per call).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use aws_sdk_sts::config::retry::RetryConfig;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::types::{PolicyDescriptorType, Tag};

use super::endpoints::Endpoints;
use super::service_date::ServiceDate;
use crate::core::credentials::Credentials;
use crate::ports::sts::{AssumeRoleRequest, Assumed, CallerIdentity, MfaCode, Sts, StsError};
use crate::secret::Secret;

/// STS clients, one per region, all reaching the same endpoint override (if any).
#[derive(Debug)]
pub struct AwsSts {
    endpoint: Option<String>,
    clients: Mutex<HashMap<String, aws_sdk_sts::Client>>,
}

impl AwsSts {
    /// `endpoint` overrides where STS is reached (the emulator), else AWS's regional endpoint.
    pub fn new(endpoint: Option<&str>) -> Self {
        Self::at(&Endpoints::explicit(endpoint))
    }

    /// STS at `endpoints.sts`.
    pub fn at(endpoints: &Endpoints) -> Self {
        Self {
            endpoint: endpoints.sts.clone(),
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn client(&self, region: &str) -> aws_sdk_sts::Client {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let mut config = aws_sdk_sts::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new(region.to_owned()))
                    .retry_config(RetryConfig::standard().with_max_attempts(4))
                    .timeout_config(super::aws_identity_center::timeouts());
                if let Some(url) = &self.endpoint {
                    config = config.endpoint_url(url);
                }
                aws_sdk_sts::Client::from_conf(config.build())
            })
            .clone()
    }
}

/// The per-call configuration that signs with `credentials`.
fn signed_with(credentials: &Credentials) -> aws_sdk_sts::config::Builder {
    let sdk = aws_sdk_sts::config::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.expose().clone(),
        credentials
            .session_token
            .as_ref()
            .map(|t| t.expose().clone()),
        credentials.expires_at,
        "rolecall",
    );
    aws_sdk_sts::config::Builder::default().credentials_provider(sdk)
}

/// The credentials STS returned, their expiry moved into our time (STS states it in its own:
/// with our clock off, kept credentials would otherwise look good after they expired).
fn from_sdk(c: &aws_sdk_sts::types::Credentials, date: &ServiceDate) -> Credentials {
    Credentials {
        access_key_id: c.access_key_id().to_owned(),
        secret_access_key: Secret::new(c.secret_access_key().to_owned()),
        session_token: Some(Secret::new(c.session_token().to_owned())),
        expires_at: SystemTime::try_from(*c.expiration()).ok().map(|t| {
            date.expiry(
                t,
                crate::core::time_bounds::ROLE_CREDENTIALS_LONGEST,
                "the role credentials",
            )
        }),
    }
}

fn missing(what: &str) -> StsError {
    StsError::Other {
        code: "IncompleteResponse".into(),
        message: format!("STS answered without {what}"),
    }
}

/// Maps an SDK error to what the chain needs to know. Messages come from STS's error body,
/// which never carries a secret.
fn classify<E>(err: SdkError<E, aws_sdk_sts::config::http::HttpResponse>) -> StsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::TimeoutError(_) => StsError::Network("the request timed out".into()),
        SdkError::DispatchFailure(f) => StsError::Network(if f.is_timeout() {
            "the request timed out".to_owned()
        } else {
            "the connection failed".to_owned()
        }),
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let e = service.into_err();
            let message = e.message().unwrap_or_default().to_owned();
            from_code(e.code().unwrap_or_default(), status, message)
        }
        other => StsError::Other {
            code: "Unexpected".into(),
            message: other.to_string(),
        },
    }
}

fn from_code(code: &str, status: u16, message: String) -> StsError {
    match code {
        "AccessDenied" if message.contains("MultiFactorAuthentication") => StsError::WrongMfa,
        "AccessDenied" => StsError::AccessDenied(message),
        "ExpiredToken" | "ExpiredTokenException" => StsError::ExpiredToken,
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "IncompleteSignature" => {
            StsError::InvalidCredentials(format!("{code}: {message}"))
        }
        "RegionDisabledException" => StsError::RegionDisabled(message),
        "ValidationError"
        | "MalformedPolicyDocument"
        | "PackedPolicyTooLarge"
        | "InvalidParameterValue"
        | "MissingParameter" => StsError::Invalid(message),
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => {
            StsError::Throttled(message)
        }
        _ if status == 429 => StsError::Throttled(message),
        _ if status >= 500 => StsError::Server(format!("{code} {message}").trim().to_owned()),
        // An answer the SDK could not type still says something: its HTTP status.
        "" => StsError::Other {
            code: format!("HTTP {status}"),
            message: Some(message)
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "no error code in the answer".to_owned()),
        },
        _ => StsError::Other {
            code: code.to_owned(),
            message,
        },
    }
}

fn duration(seconds: Option<u32>) -> Option<i32> {
    seconds.and_then(|s| i32::try_from(s).ok())
}

impl Sts for AwsSts {
    async fn assume_role(
        &self,
        region: &str,
        source: &Credentials,
        request: &AssumeRoleRequest,
    ) -> Result<Assumed, StsError> {
        let tags = request
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StsError::Invalid(e.to_string()))?;
        let policy_arns = request
            .policy_arns
            .iter()
            .map(|arn| PolicyDescriptorType::builder().arn(arn).build())
            .collect::<Vec<_>>();
        let date = ServiceDate::default();
        let out = self
            .client(region)
            .assume_role()
            .role_arn(&request.role_arn)
            .role_session_name(&request.session_name)
            .set_duration_seconds(duration(request.duration_seconds))
            .set_external_id(request.external_id.clone())
            .set_serial_number(request.mfa.as_ref().map(|m| m.serial.clone()))
            .set_token_code(request.mfa.as_ref().map(|m| m.code.expose().clone()))
            .set_tags(Some(tags).filter(|t| !t.is_empty()))
            .set_transitive_tag_keys(
                Some(request.transitive_tag_keys.clone()).filter(|k| !k.is_empty()),
            )
            .set_source_identity(request.source_identity.clone())
            .set_policy_arns(Some(policy_arns).filter(|p| !p.is_empty()))
            .set_policy(request.policy.clone())
            .customize()
            .config_override(signed_with(source))
            .interceptor(date.clone())
            .send()
            .await
            .map_err(classify)?;
        let credentials = out.credentials().ok_or_else(|| missing("credentials"))?;
        let user = out
            .assumed_role_user()
            .ok_or_else(|| missing("the assumed role"))?;
        Ok(Assumed {
            credentials: from_sdk(credentials, &date),
            assumed_role_arn: user.arn().to_owned(),
        })
    }

    async fn get_session_token(
        &self,
        region: &str,
        source: &Credentials,
        duration_seconds: Option<u32>,
        mfa: Option<&MfaCode>,
    ) -> Result<Credentials, StsError> {
        let date = ServiceDate::default();
        let out = self
            .client(region)
            .get_session_token()
            .set_duration_seconds(duration(duration_seconds))
            .set_serial_number(mfa.map(|m| m.serial.clone()))
            .set_token_code(mfa.map(|m| m.code.expose().clone()))
            .customize()
            .config_override(signed_with(source))
            .interceptor(date.clone())
            .send()
            .await
            .map_err(classify)?;
        out.credentials()
            .map(|c| from_sdk(c, &date))
            .ok_or_else(|| missing("credentials"))
    }

    async fn get_caller_identity(
        &self,
        region: &str,
        credentials: &Credentials,
    ) -> Result<CallerIdentity, StsError> {
        let out = self
            .client(region)
            .get_caller_identity()
            .customize()
            .config_override(signed_with(credentials))
            .send()
            .await
            .map_err(classify)?;
        Ok(CallerIdentity {
            arn: out.arn().unwrap_or_default().to_owned(),
            account: out.account().unwrap_or_default().to_owned(),
            user_id: out.user_id().unwrap_or_default().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_without_a_code_says_the_http_status() {
        assert_eq!(
            from_code("", 403, String::new()).to_string(),
            "HTTP 403: no error code in the answer"
        );
    }

    #[test]
    fn codes_map_to_what_the_chain_needs() {
        assert_eq!(
            from_code(
                "AccessDenied",
                403,
                "MultiFactorAuthentication failed with invalid MFA one time pass code.".into()
            ),
            StsError::WrongMfa
        );
        assert!(matches!(
            from_code("AccessDenied", 403, "User: x".into()),
            StsError::AccessDenied(_)
        ));
        assert_eq!(
            from_code("ExpiredToken", 400, String::new()),
            StsError::ExpiredToken
        );
        assert!(matches!(
            from_code("RegionDisabledException", 403, String::new()),
            StsError::RegionDisabled(_)
        ));
        assert!(from_code("ValidationError", 400, "… role chaining.".into()).is_chaining_limit());
        assert!(matches!(
            from_code("Whatever", 429, String::new()),
            StsError::Throttled(_)
        ));
    }
}
