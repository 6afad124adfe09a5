//! STS over the query protocol: `Action=…&Version=2011-06-15` in a form body (POST) or the
//! query string (GET), answered with the XML documents STS sends.
//!
//! Served: `AssumeRole`, `GetCallerIdentity`, `GetSessionToken`. Every request is SigV4-verified
//! against the credentials the emulator issued (SSO role credentials, earlier STS sessions) or an
//! org IAM user's long-term keys. The checks run in AWS's order: the access key is looked up
//! (with its session token), the signature is verified, the credentials' expiry and then the
//! request time are checked.
//!
//! Session policies: an inline `Policy` must be JSON of at most 2,048 characters (AWS's rules:
//! `ValidationError` past the length, `MalformedPolicyDocument` when it is not JSON).
//! Simplifications: session policies (`Policy`, `PolicyArns`) are otherwise accepted and ignored; when a
//! request sets a session tag whose key an inherited transitive tag already has, the inherited
//! tag wins (AWS refuses the request).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use quick_xml::escape::escape;

use super::api::Api;
use super::aws_error::AwsError;
use super::clock::{http_date, iso8601};
use super::ids;
use super::mfa;
use super::org::IamRole;
use super::shared::Shared;
use super::sigv4::{self, SignedRequest, constant_time_eq};
use super::store::{AssumeRecord, IssuedCredentials, Principal};
use super::trust::{self, AssumeRequest, MfaInput};

/// The only API version STS has.
pub(crate) const VERSION: &str = "2011-06-15";
/// The XML namespace of every STS response.
pub(crate) const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// The SigV4 service name STS credentials are scoped to.
pub(crate) const SERVICE: &str = "sts";

/// Session lengths, nominal seconds (before the emulator's time scale).
const MIN_DURATION: u64 = 900;
const DEFAULT_ASSUME_ROLE_DURATION: u64 = 3600;
const MAX_ASSUME_ROLE_DURATION: u64 = 43200;
const ROLE_CHAINING_LIMIT: u64 = 3600;
const DEFAULT_SESSION_TOKEN_DURATION: u64 = 43200;
const MAX_SESSION_TOKEN_DURATION: u64 = 129_600;
/// Session tags per AssumeRole.
const MAX_TAGS: usize = 50;
/// What `PackedPolicySize` is a percentage of (policy and tag bytes).
const PACKED_POLICY_BUDGET: usize = 2048;

/// Session tags, (key, value) in request order.
type Tags = Vec<(String, String)>;

/// The single STS route: any method on `/`.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = SignedRequest {
        method: &method,
        uri: &uri,
        headers: &headers,
        body: &body,
    };
    let mut response = match serve(&shared, &request).await {
        Ok(xml) => xml.into_response(),
        Err(e) => e.into_response(),
    };
    // Like AWS, the Date header tells clients the service's time (SDKs correct clock skew by it).
    if let Ok(value) = HeaderValue::from_str(&http_date(shared.clock.now())) {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

/// Runs one request to the document it answers with.
async fn serve(shared: &Shared, request: &SignedRequest<'_>) -> Result<XmlResponse, AwsError> {
    let params = Params::read(request);
    let api = action(&params)?;
    shared.admit(api).await?;
    let caller = authenticate(shared, request)?;
    let region = sigv4::parse_authorization(request)?.region;
    if shared.org.settings.sts_disabled_regions.contains(&region) {
        return Err(AwsError::sts(
            StatusCode::FORBIDDEN,
            "RegionDisabledException",
            format!(
                "STS is not activated in this region for account:{}. Your account administrator can activate STS in this region using the IAM Console.",
                caller.principal.account()
            ),
        ));
    }
    match api {
        Api::AssumeRole => assume_role(shared, &caller, &params),
        Api::GetSessionToken => get_session_token(shared, &caller, &params),
        _ => Ok(get_caller_identity(&caller)),
    }
}

/// The request's parameters: the query string, then (for POST) the form body, which wins.
#[derive(Debug, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    /// Collects the parameters; malformed input just yields fewer or odd parameters.
    pub(crate) fn read(request: &SignedRequest<'_>) -> Self {
        let mut map: HashMap<String, String> =
            form_urlencoded::parse(request.uri.query().unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        if request.method == Method::POST {
            map.extend(form_urlencoded::parse(request.body).into_owned());
        }
        Self(map)
    }

    /// A parameter as sent (possibly empty).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A parameter that must be present and non-empty.
    fn required(&self, name: &str) -> Result<&str, AwsError> {
        self.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            AwsError::sts(
                StatusCode::BAD_REQUEST,
                "MissingParameter",
                format!("The request must contain the parameter {name}"),
            )
        })
    }

    /// `Prefix.member.N` values in index order.
    fn members(&self, prefix: &str) -> Vec<(u32, &str)> {
        let mut found: Vec<(u32, &str)> = self
            .0
            .iter()
            .filter_map(|(k, v)| {
                let index = k.strip_prefix(prefix)?.strip_prefix(".member.")?;
                Some((index.parse().ok()?, v.as_str()))
            })
            .collect();
        found.sort_unstable();
        found
    }
}

/// Which API the `Action` (and `Version`) name.
fn action(params: &Params) -> Result<Api, AwsError> {
    let name = params.get("Action").unwrap_or_default();
    let version = params.get("Version").unwrap_or("NO_VERSION_SPECIFIED");
    let api = match name {
        "AssumeRole" => Some(Api::AssumeRole),
        "GetCallerIdentity" => Some(Api::GetCallerIdentity),
        "GetSessionToken" => Some(Api::GetSessionToken),
        _ => None,
    };
    match api {
        Some(api) if version == VERSION => Ok(api),
        _ => Err(AwsError::sts(
            StatusCode::BAD_REQUEST,
            "InvalidAction",
            format!("Could not find operation {name} for version {version}"),
        )),
    }
}

/// Finds the credentials that signed the request and checks them: key and session token,
/// signature, expiry, request time.
pub(crate) fn authenticate(
    shared: &Shared,
    request: &SignedRequest<'_>,
) -> Result<IssuedCredentials, AwsError> {
    let auth = sigv4::parse_authorization(request)?;
    let credentials = lookup(shared, &auth.access_key_id, auth.security_token.as_deref())
        .ok_or_else(invalid_client_token)?;
    auth.check_service(SERVICE)?;
    sigv4::verify(request, &auth, &credentials.secret_access_key)?;
    let now = shared.clock.now();
    if credentials.expires_at.is_some_and(|t| t <= now) {
        return Err(AwsError::sts(
            StatusCode::BAD_REQUEST,
            "ExpiredToken",
            "The security token included in the request is expired",
        ));
    }
    sigv4::check_request_time(&auth, now)?;
    Ok(credentials)
}

/// The credentials behind an access key id, if the session token matches: issued ones need
/// theirs, an IAM user's long-term keys take none.
fn lookup(shared: &Shared, access_key_id: &str, token: Option<&str>) -> Option<IssuedCredentials> {
    let issued = shared.store().credentials.get(access_key_id).cloned();
    let found = issued.or_else(|| {
        let user = shared
            .org
            .iam_users
            .iter()
            .find(|u| u.access_key_id == access_key_id)?;
        Some(IssuedCredentials {
            secret_access_key: user.secret_access_key.clone(),
            session_token: None,
            expires_at: None,
            principal: Principal::IamUser {
                account: user.account.clone(),
                name: user.name.clone(),
            },
            mfa_present: false,
            source_identity: None,
            transitive_tags: Vec::new(),
            tags: Vec::new(),
        })
    })?;
    let token_ok = match (found.session_token.as_deref(), token) {
        (None, None) => true,
        (Some(expected), Some(given)) => constant_time_eq(expected.as_bytes(), given.as_bytes()),
        _ => false,
    };
    token_ok.then_some(found)
}

fn invalid_client_token() -> AwsError {
    AwsError::sts(
        StatusCode::FORBIDDEN,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
}

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::sts(StatusCode::BAD_REQUEST, "ValidationError", message)
}

fn access_denied(message: impl Into<String>) -> AwsError {
    AwsError::sts(StatusCode::FORBIDDEN, "AccessDenied", message)
}

// ---------------------------------------------------------------------------------------------
// GetCallerIdentity

fn get_caller_identity(caller: &IssuedCredentials) -> XmlResponse {
    let p = &caller.principal;
    XmlResponse::new(
        "GetCallerIdentity",
        format!(
            "{}{}{}",
            element("Arn", &p.arn()),
            element("UserId", &p.user_id()),
            element("Account", p.account())
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// GetSessionToken

fn get_session_token(
    shared: &Shared,
    caller: &IssuedCredentials,
    params: &Params,
) -> Result<XmlResponse, AwsError> {
    if caller.session_token.is_some() || caller.principal.is_assumed_role() {
        return Err(access_denied(
            "Cannot call GetSessionToken with session credentials",
        ));
    }
    let duration = duration_seconds(
        params,
        DEFAULT_SESSION_TOKEN_DURATION,
        MAX_SESSION_TOKEN_DURATION,
    )?;
    let mfa = mfa_input(shared, params)?;
    if mfa == MfaInput::Invalid {
        return Err(trust::invalid_mfa());
    }
    let issued = issue(
        shared,
        IssuedCredentials {
            principal: caller.principal.clone(),
            mfa_present: mfa == MfaInput::Valid,
            ..blank_session()
        },
        duration,
    );
    tracing::debug!(
        api = "GetSessionToken",
        account = caller.principal.account(),
        "session token issued"
    );
    Ok(XmlResponse::new(
        "GetSessionToken",
        issued.credentials_xml(),
    ))
}

// ---------------------------------------------------------------------------------------------
// AssumeRole

/// AssumeRole's parameters, validated.
#[derive(Debug)]
struct AssumeRoleInput<'a> {
    role_arn: &'a str,
    account: &'a str,
    role_name: &'a str,
    session_name: &'a str,
    duration: Option<u64>,
    external_id: Option<&'a str>,
    tags: Vec<(String, String)>,
    transitive_keys: Vec<String>,
    source_identity: Option<&'a str>,
    /// Bytes of `Policy` and `PolicyArns`, which count toward `PackedPolicySize`.
    policy_bytes: usize,
}

impl<'a> AssumeRoleInput<'a> {
    fn parse(params: &'a Params) -> Result<Self, AwsError> {
        let role_arn = params.required("RoleArn")?;
        let (account, role_name) = parse_role_arn(role_arn)?;
        let session_name = params.required("RoleSessionName")?;
        check_name("roleSessionName", session_name)?;
        let duration = params
            .get("DurationSeconds")
            .map(|_| {
                duration_seconds(
                    params,
                    DEFAULT_ASSUME_ROLE_DURATION,
                    MAX_ASSUME_ROLE_DURATION,
                )
            })
            .transpose()?;
        let external_id = params.get("ExternalId");
        if let Some(id) = external_id
            && !(2..=1224).contains(&id.chars().count())
        {
            return Err(validation(
                "1 validation error detected: Value at 'externalId' failed to satisfy \
                 constraint: Member must have length between 2 and 1224",
            ));
        }
        let source_identity = params.get("SourceIdentity");
        if let Some(source) = source_identity {
            check_name("sourceIdentity", source)?;
        }
        let tags = session_tags(params)?;
        let transitive_keys = transitive_tag_keys(params, &tags)?;
        if let Some(policy) = params.get("Policy") {
            check_session_policy(policy)?;
        }
        let policy_bytes = params.get("Policy").map_or(0, str::len)
            + params
                .members("PolicyArns")
                .iter()
                .map(|(_, v)| v.len())
                .sum::<usize>();
        Ok(Self {
            role_arn,
            account,
            role_name,
            session_name,
            duration,
            external_id,
            tags,
            transitive_keys,
            source_identity,
            policy_bytes,
        })
    }
}

fn assume_role(
    shared: &Shared,
    caller: &IssuedCredentials,
    params: &Params,
) -> Result<XmlResponse, AwsError> {
    let input = AssumeRoleInput::parse(params)?;
    let denied = || trust::not_authorized(&caller.principal, input.role_arn);
    let role = shared
        .org
        .iam_role(input.account, input.role_name)
        .ok_or_else(denied)?;
    let source_identity = match (&caller.source_identity, input.source_identity) {
        (Some(held), Some(asked)) if held != asked => return Err(denied()),
        (held, asked) => asked.map(str::to_owned).or_else(|| held.clone()),
    };
    let (tags, transitive_tags) = session_tags_for(caller, &input);
    let mfa = mfa_input(shared, params)?;
    trust::evaluate(
        role,
        caller,
        &AssumeRequest {
            external_id: input.external_id,
            mfa,
            tags: !tags.is_empty(),
            source_identity: source_identity.is_some(),
        },
    )?;
    let duration = allowed_duration(role, caller, input.duration)?;
    let packed = packed_policy_size(&tags, input.policy_bytes)?;
    let principal = Principal::AssumedRole {
        account: role.account.clone(),
        role_path: "/".to_owned(),
        role_name: role.name.clone(),
        session_name: input.session_name.to_owned(),
    };
    shared.store().assumed.push(AssumeRecord {
        caller: caller.principal.arn(),
        role_arn: input.role_arn.to_owned(),
        session_name: input.session_name.to_owned(),
        duration_seconds: duration,
        external_id: input.external_id.map(str::to_owned),
        mfa: mfa == MfaInput::Valid,
        tags: tags.clone(),
        transitive_tag_keys: transitive_tags.iter().map(|(k, _)| k.clone()).collect(),
        source_identity: source_identity.clone(),
    });
    let issued = issue(
        shared,
        IssuedCredentials {
            principal: principal.clone(),
            mfa_present: caller.mfa_present || mfa == MfaInput::Valid,
            source_identity: source_identity.clone(),
            transitive_tags,
            tags,
            ..blank_session()
        },
        duration,
    );
    if caller.principal.is_assumed_role() {
        shared
            .store()
            .role_chained
            .insert(issued.access_key_id.clone());
    }
    tracing::debug!(api = "AssumeRole", account = %role.account, role = %role.name, "role assumed");
    let mut body = String::new();
    if let Some(source) = &source_identity {
        body.push_str(&element("SourceIdentity", source));
    }
    body.push_str(&format!(
        "<AssumedRoleUser>{}{}</AssumedRoleUser>",
        element("Arn", &principal.arn()),
        element("AssumedRoleId", &principal.user_id())
    ));
    body.push_str(&issued.credentials_xml());
    if let Some(size) = packed {
        body.push_str(&element("PackedPolicySize", &size.to_string()));
    }
    Ok(XmlResponse::new("AssumeRole", body))
}

/// `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME` → (account, name).
fn parse_role_arn(arn: &str) -> Result<(&str, &str), AwsError> {
    let invalid = || validation(format!("{arn} is invalid"));
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid());
    };
    let path_and_name = resource.strip_prefix("role/").ok_or_else(invalid)?;
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !account_ok || name.is_empty() {
        return Err(invalid());
    }
    Ok((account, name))
}

/// `RoleSessionName` and `SourceIdentity`: 2–64 characters of `[\w+=,.@-]`.
fn check_name(field: &str, value: &str) -> Result<(), AwsError> {
    let len = value.chars().count();
    if len < 2 {
        return Err(validation(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy \
             constraint: Member must have length greater than or equal to 2"
        )));
    }
    if len > 64 {
        return Err(validation(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy \
             constraint: Member must have length less than or equal to 64"
        )));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if !value.chars().all(allowed) {
        return Err(validation(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )));
    }
    Ok(())
}

/// `DurationSeconds` (or `default`), within `MIN_DURATION..=max`.
fn duration_seconds(params: &Params, default: u64, max: u64) -> Result<u64, AwsError> {
    let Some(raw) = params.get("DurationSeconds") else {
        return Ok(default);
    };
    let seconds: u64 = raw.trim().parse().map_err(|_| {
        validation(format!(
            "1 validation error detected: Value '{raw}' at 'durationSeconds' failed to satisfy \
             constraint: Member must be a number"
        ))
    })?;
    if seconds < MIN_DURATION {
        return Err(validation(format!(
            "1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to \
             satisfy constraint: Member must have value greater than or equal to {MIN_DURATION}"
        )));
    }
    if seconds > max {
        return Err(validation(format!(
            "1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to \
             satisfy constraint: Member must have value less than or equal to {max}"
        )));
    }
    Ok(seconds)
}

/// The session length for this role and caller: at most the role's maximum, and one hour when
/// a role session assumes a role (role chaining).
fn allowed_duration(
    role: &IamRole,
    caller: &IssuedCredentials,
    asked: Option<u64>,
) -> Result<u64, AwsError> {
    let seconds = asked.unwrap_or(DEFAULT_ASSUME_ROLE_DURATION);
    if caller.principal.is_assumed_role() && seconds > ROLE_CHAINING_LIMIT {
        return Err(validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed \
             by role chaining.",
        ));
    }
    if seconds > role.max_session_seconds {
        return Err(validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    Ok(seconds)
}

/// `Tags.member.N.Key` / `.Value`, in index order.
fn session_tags(params: &Params) -> Result<Tags, AwsError> {
    let mut indexes: Vec<u32> = params
        .0
        .keys()
        .filter_map(|k| {
            let rest = k.strip_prefix("Tags.member.")?;
            let (index, field) = rest.split_once('.')?;
            matches!(field, "Key" | "Value").then(|| index.parse().ok())?
        })
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    if indexes.len() > MAX_TAGS {
        return Err(validation(format!(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member \
             must have length less than or equal to {MAX_TAGS}"
        )));
    }
    let mut tags: Tags = Vec::with_capacity(indexes.len());
    for index in indexes {
        let key = params
            .get(&format!("Tags.member.{index}.Key"))
            .filter(|k| (1..=128).contains(&k.chars().count()))
            .ok_or_else(|| {
                validation(format!(
                    "1 validation error detected: Value at 'tags.{index}.member.key' failed to \
                     satisfy constraint: Member must have length between 1 and 128"
                ))
            })?;
        let value = params
            .get(&format!("Tags.member.{index}.Value"))
            .unwrap_or_default();
        if value.chars().count() > 256 {
            return Err(validation(format!(
                "1 validation error detected: Value at 'tags.{index}.member.value' failed to \
                 satisfy constraint: Member must have length less than or equal to 256"
            )));
        }
        if tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            return Err(validation(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ));
        }
        tags.push((key.to_owned(), value.to_owned()));
    }
    Ok(tags)
}

/// `TransitiveTagKeys.member.N`: each must be one of the requested tags' keys.
fn transitive_tag_keys(
    params: &Params,
    tags: &[(String, String)],
) -> Result<Vec<String>, AwsError> {
    params
        .members("TransitiveTagKeys")
        .into_iter()
        .map(|(_, key)| {
            if tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
                Ok(key.to_owned())
            } else {
                Err(AwsError::sts(
                    StatusCode::BAD_REQUEST,
                    "InvalidParameterValue",
                    "The specified transitive tag key must be included in the requested tags.",
                ))
            }
        })
        .collect()
}

/// The new session's tags and transitive tags: the caller's transitive tags, then the
/// requested ones (an inherited key is not overridden).
fn session_tags_for(caller: &IssuedCredentials, input: &AssumeRoleInput<'_>) -> (Tags, Tags) {
    let mut tags = caller.transitive_tags.clone();
    let mut transitive = caller.transitive_tags.clone();
    for (key, value) in &input.tags {
        if caller
            .transitive_tags
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        tags.push((key.clone(), value.clone()));
        if input
            .transitive_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
        {
            transitive.push((key.clone(), value.clone()));
        }
    }
    (tags, transitive)
}

/// AWS's rules for an inline session policy: 1 to 2,048 characters, and a JSON document.
fn check_session_policy(policy: &str) -> Result<(), AwsError> {
    let chars = policy.chars().count();
    if chars == 0 || chars > MAX_SESSION_POLICY {
        return Err(validation(format!(
            "1 validation error detected: Value at 'policy' failed to satisfy constraint: \
             Member must have length less than or equal to {MAX_SESSION_POLICY}"
        )));
    }
    if !serde_json::from_str::<serde_json::Value>(policy).is_ok_and(|v| v.is_object()) {
        return Err(AwsError::sts(
            StatusCode::BAD_REQUEST,
            "MalformedPolicyDocument",
            "The policy is not in the valid JSON format.",
        ));
    }
    Ok(())
}

/// The longest inline session policy AWS takes, in characters.
const MAX_SESSION_POLICY: usize = 2048;

/// `PackedPolicySize`: the share (percent) of the budget that session policies and tags use;
/// None when there are neither. Over 100 % is `PackedPolicyTooLarge`.
fn packed_policy_size(
    tags: &[(String, String)],
    policy_bytes: usize,
) -> Result<Option<usize>, AwsError> {
    if tags.is_empty() && policy_bytes == 0 {
        return Ok(None);
    }
    let used = policy_bytes + tags.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
    let percent = (used * 100).div_ceil(PACKED_POLICY_BUDGET).max(1);
    if percent > 100 {
        return Err(AwsError::sts(
            StatusCode::BAD_REQUEST,
            "PackedPolicyTooLarge",
            format!(
                "Packed size of consolidated policies and tags exceeds the limit ({percent}%)."
            ),
        ));
    }
    Ok(Some(percent))
}

/// `SerialNumber` + `TokenCode`: both or neither; the code is checked against the org's device.
fn mfa_input(shared: &Shared, params: &Params) -> Result<MfaInput, AwsError> {
    match (params.get("SerialNumber"), params.get("TokenCode")) {
        (None, None) => Ok(MfaInput::Absent),
        (Some(serial), Some(code)) => Ok(if mfa::check(shared, serial, code) {
            MfaInput::Valid
        } else {
            MfaInput::Invalid
        }),
        _ => Err(access_denied(
            "MultiFactorAuthentication failed, must provide both MFA serial number and one time \
             pass code.",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Issuing credentials

/// A session's fields before its keys exist.
fn blank_session() -> IssuedCredentials {
    IssuedCredentials {
        secret_access_key: String::new(),
        session_token: None,
        expires_at: None,
        principal: Principal::IamUser {
            account: String::new(),
            name: String::new(),
        },
        mfa_present: false,
        source_identity: None,
        transitive_tags: Vec::new(),
        tags: Vec::new(),
    }
}

/// Freshly issued temporary credentials.
struct Issued {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expires_at: SystemTime,
}

impl Issued {
    /// The `<Credentials>` element.
    fn credentials_xml(&self) -> String {
        format!(
            "<Credentials>{}{}{}{}</Credentials>",
            element("AccessKeyId", &self.access_key_id),
            element("SecretAccessKey", &self.secret_access_key),
            element("SessionToken", &self.session_token),
            element("Expiration", &iso8601(self.expires_at)),
        )
    }
}

/// Mints keys for `session`, lasting `nominal_seconds` (after the time scale), and stores them.
fn issue(shared: &Shared, session: IssuedCredentials, nominal_seconds: u64) -> Issued {
    let expires_at = shared.clock.now() + shared.clock.lifetime(nominal_seconds);
    let access_key_id = ids::temporary_access_key_id();
    let mut store = shared.store();
    let secret_access_key = store.remember(ids::secret_access_key());
    let session_token = store.remember(ids::session_token());
    store.credentials.insert(
        access_key_id.clone(),
        IssuedCredentials {
            secret_access_key: secret_access_key.clone(),
            session_token: Some(session_token.clone()),
            expires_at: Some(expires_at),
            ..session
        },
    );
    Issued {
        access_key_id,
        secret_access_key,
        session_token,
        expires_at,
    }
}

// ---------------------------------------------------------------------------------------------
// Responses

/// A successful STS response: `<{Action}Response><{Action}Result>…`.
#[derive(Debug)]
struct XmlResponse {
    action: &'static str,
    result: String,
}

impl XmlResponse {
    fn new(action: &'static str, result: String) -> Self {
        Self { action, result }
    }
}

impl IntoResponse for XmlResponse {
    fn into_response(self) -> Response {
        let request_id = ids::request_id();
        let action = self.action;
        let body = format!(
            "<{action}Response xmlns=\"{NAMESPACE}\">\n  <{action}Result>{}</{action}Result>\n  \
             <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n\
             </{action}Response>\n",
            self.result
        );
        let mut response = (StatusCode::OK, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            headers.insert("x-amzn-RequestId", value);
        }
        response
    }
}

/// `<name>escaped value</name>`.
fn element(name: &str, value: &str) -> String {
    format!("<{name}>{}</{name}>", escape(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn actions_need_the_right_version() {
        let ok = params(&[("Action", "AssumeRole"), ("Version", VERSION)]);
        assert_eq!(action(&ok).unwrap(), Api::AssumeRole);
        let old = params(&[("Action", "AssumeRole"), ("Version", "2010-01-01")]);
        assert_eq!(action(&old).unwrap_err().code, "InvalidAction");
        let unknown = params(&[
            ("Action", "DecodeAuthorizationMessage"),
            ("Version", VERSION),
        ]);
        assert_eq!(action(&unknown).unwrap_err().code, "InvalidAction");
        assert_eq!(action(&params(&[])).unwrap_err().code, "InvalidAction");
    }

    #[test]
    fn role_arns_with_and_without_paths() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::222222222222:role/ecr-push").unwrap(),
            ("222222222222", "ecr-push")
        );
        assert_eq!(
            parse_role_arn("arn:aws:iam::222222222222:role/team/a/ecr-push").unwrap(),
            ("222222222222", "ecr-push")
        );
        for bad in [
            "ecr-push",
            "arn:aws:iam::2222:role/x",
            "arn:aws:iam::222222222222:user/x",
            "arn:aws:sts::222222222222:role/x",
            "arn:aws:iam::222222222222:role/",
        ] {
            assert_eq!(
                parse_role_arn(bad).unwrap_err().code,
                "ValidationError",
                "{bad}"
            );
        }
    }

    #[test]
    fn an_inline_session_policy_is_json_of_at_most_2048_characters() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        assert!(check_session_policy(policy).is_ok());
        let padded = format!(
            "{}{}",
            &policy[..policy.len() - 1],
            " ".repeat(2048 - policy.len()) + "}"
        );
        assert_eq!(padded.chars().count(), 2048);
        assert!(check_session_policy(&padded).is_ok());
        let long = format!("{padded} ");
        assert_eq!(
            check_session_policy(&long).unwrap_err().code,
            "ValidationError"
        );
        assert_eq!(
            check_session_policy("").unwrap_err().code,
            "ValidationError"
        );
        for bad in ["not json", "{", "[]", "\"s3:*\""] {
            assert_eq!(
                check_session_policy(bad).unwrap_err().code,
                "MalformedPolicyDocument",
                "{bad}"
            );
        }
    }

    #[test]
    fn session_names_follow_awss_pattern() {
        assert!(check_name("roleSessionName", "alice@example.com").is_ok());
        assert!(check_name("roleSessionName", "a").is_err());
        assert!(check_name("roleSessionName", &"a".repeat(65)).is_err());
        assert!(check_name("roleSessionName", "has space").is_err());
        assert!(check_name("roleSessionName", "é-unicode").is_err());
    }

    #[test]
    fn durations_have_bounds() {
        let d = |v: &str| duration_seconds(&params(&[("DurationSeconds", v)]), 3600, 43200);
        assert_eq!(duration_seconds(&params(&[]), 3600, 43200).unwrap(), 3600);
        assert_eq!(d("900").unwrap(), 900);
        assert!(d("899").is_err());
        assert!(d("43201").is_err());
        assert!(d("soon").is_err());
        assert!(d("-1").is_err());
    }

    #[test]
    fn tags_parse_in_order_and_transitive_keys_must_be_tags() {
        let p = params(&[
            ("Tags.member.2.Key", "team"),
            ("Tags.member.2.Value", "payments"),
            ("Tags.member.1.Key", "project"),
            ("Tags.member.1.Value", "x<y"),
            ("TransitiveTagKeys.member.1", "team"),
        ]);
        let tags = session_tags(&p).unwrap();
        assert_eq!(
            tags,
            [
                ("project".to_owned(), "x<y".to_owned()),
                ("team".to_owned(), "payments".to_owned())
            ]
        );
        assert_eq!(transitive_tag_keys(&p, &tags).unwrap(), ["team"]);
        let bad = params(&[
            ("Tags.member.1.Key", "a"),
            ("TransitiveTagKeys.member.1", "b"),
        ]);
        let tags = session_tags(&bad).unwrap();
        assert!(transitive_tag_keys(&bad, &tags).is_err());
        let dup = params(&[("Tags.member.1.Key", "A"), ("Tags.member.2.Key", "a")]);
        assert!(session_tags(&dup).is_err());
        let keyless = params(&[("Tags.member.1.Value", "v")]);
        assert!(session_tags(&keyless).is_err());
    }

    #[test]
    fn packed_policy_size_is_a_percentage() {
        assert_eq!(packed_policy_size(&[], 0).unwrap(), None);
        assert_eq!(
            packed_policy_size(&[("a".into(), "b".into())], 0).unwrap(),
            Some(1)
        );
        assert!(packed_policy_size(&[], 4096).is_err());
    }

    #[test]
    fn values_are_escaped() {
        assert_eq!(element("A", "x<&>\"y"), "<A>x&lt;&amp;&gt;&quot;y</A>");
    }

    #[test]
    fn malformed_bodies_do_not_panic() {
        let uri: Uri = "/?%zz=%&&==".parse().unwrap();
        let headers = HeaderMap::new();
        let request = SignedRequest {
            method: &Method::POST,
            uri: &uri,
            headers: &headers,
            body: &[0xff, 0xfe, b'=', b'&', b'%'],
        };
        let p = Params::read(&request);
        assert_eq!(action(&p).unwrap_err().code, "InvalidAction");
    }
}
