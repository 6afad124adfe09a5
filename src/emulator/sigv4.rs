//! SigV4 (`AWS4-HMAC-SHA256`) request verification, written out by hand so every step of the
//! signing process is visible: parse the `Authorization` header (or the presigned query
//! parameters), rebuild the canonical request and the string to sign, derive the signing key
//! from the secret and compare signatures in constant time.
//!
//! The canonical URI is the received (already percent-encoded) path encoded once more, which is
//! what the SDKs sign for every service but S3.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::aws_error::AwsError;

/// The only algorithm the emulator accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The payload hash a client may sign instead of the body's.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// How far the request time may be from the emulator's clock.
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature \
     you provided. Check your AWS Secret Access Key and signing method. Consult the service \
     documentation for details.";

type HmacSha256 = Hmac<Sha256>;

/// Why a request's signature was not accepted. Every variant maps to the error AWS sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    /// No `Authorization` header and no presigned query parameters.
    #[error("Request is missing Authentication Token")]
    MissingAuthenticationToken,
    /// Authentication information is there but does not conform to SigV4.
    #[error("{0}")]
    IncompleteSignature(String),
    /// The signature is wrong, the scope does not match or the request time is too far off.
    #[error("{0}")]
    SignatureDoesNotMatch(String),
}

impl SigError {
    /// The AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            SigError::MissingAuthenticationToken => "MissingAuthenticationToken",
            SigError::IncompleteSignature(_) => "IncompleteSignature",
            SigError::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
        }
    }

    /// The HTTP status AWS answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            SigError::IncompleteSignature(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::FORBIDDEN,
        }
    }

    /// The generic "signature does not match" error.
    pub fn mismatch() -> Self {
        SigError::SignatureDoesNotMatch(SIGNATURE_MISMATCH.to_owned())
    }

    fn incomplete(message: impl Into<String>) -> Self {
        SigError::IncompleteSignature(message.into())
    }
}

impl From<SigError> for AwsError {
    fn from(e: SigError) -> Self {
        AwsError::sts(e.status(), e.code(), e.to_string())
    }
}

/// The parts of an HTTP request that SigV4 covers.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// Where the signature was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLocation {
    /// The `Authorization` header.
    Header,
    /// Presigned URL: `X-Amz-Signature` and friends in the query string.
    Query {
        /// `X-Amz-Expires`, seconds.
        expires: u64,
    },
}

/// A parsed SigV4 authorization: who signed, for which scope, which headers, and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// `YYYYMMDD` from the credential scope.
    pub scope_date: String,
    pub region: String,
    pub service: String,
    /// Lowercase header names, in the order they were signed.
    pub signed_headers: Vec<String>,
    /// Lowercase hex, as sent.
    pub signature: String,
    /// The request time, `YYYYMMDDTHHMMSSZ` (`X-Amz-Date`).
    pub amz_date: String,
    /// The session token sent with the request (`X-Amz-Security-Token`), if any.
    pub security_token: Option<String>,
    pub location: AuthLocation,
}

impl Authorization {
    /// `DATE/REGION/SERVICE/aws4_request`.
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.scope_date, self.region, self.service
        )
    }

    /// Rejects a credential scoped to another service, with AWS's message.
    pub fn check_service(&self, service: &str) -> Result<(), SigError> {
        if self.service == service {
            Ok(())
        } else {
            Err(SigError::SignatureDoesNotMatch(format!(
                "Credential should be scoped to correct service: '{service}'. "
            )))
        }
    }
}

/// Reads the SigV4 authorization of a request: the `Authorization` header, or else the
/// presigned-URL query parameters.
pub fn parse_authorization(req: &SignedRequest<'_>) -> Result<Authorization, SigError> {
    let header = req.headers.get(axum::http::header::AUTHORIZATION);
    if let Some(value) = header {
        let text = value
            .to_str()
            .map_err(|_| SigError::incomplete("Authorization header is not valid ASCII"))?;
        return parse_header(text, req.headers);
    }
    let query = query_pairs(req.uri);
    if query.iter().any(|(k, _)| k == "X-Amz-Signature") {
        return parse_presigned(&query);
    }
    Err(SigError::MissingAuthenticationToken)
}

/// Splits the `Authorization` header into its three components.
fn parse_header(text: &str, headers: &HeaderMap) -> Result<Authorization, SigError> {
    let (algorithm, rest) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    if algorithm != ALGORITHM {
        return Err(SigError::incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'"
        )));
    }
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "Credential" => credential = Some(value.trim()),
            "SignedHeaders" => signed_headers = Some(value.trim()),
            "Signature" => signature = Some(value.trim()),
            _ => {}
        }
    }
    let missing = |name: &str| {
        SigError::incomplete(format!("Authorization header requires '{name}' parameter."))
    };
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let amz_date = header_text(headers, "x-amz-date").ok_or_else(|| {
        SigError::incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let security_token = header_text(headers, "x-amz-security-token");
    build(
        credential,
        signed_headers,
        signature,
        amz_date,
        security_token,
        AuthLocation::Header,
    )
}

/// Reads the `X-Amz-*` query parameters of a presigned URL.
fn parse_presigned(query: &[(String, String)]) -> Result<Authorization, SigError> {
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let require = |name: &str| {
        get(name).ok_or_else(|| {
            SigError::incomplete(format!(
                "AWS query-string parameters must include '{name}'. Re-examine the \
                 query-string parameters."
            ))
        })
    };
    let algorithm = require("X-Amz-Algorithm")?;
    if algorithm != ALGORITHM {
        return Err(SigError::incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'"
        )));
    }
    let credential = require("X-Amz-Credential")?;
    let signed_headers = require("X-Amz-SignedHeaders")?;
    let signature = require("X-Amz-Signature")?;
    let amz_date = require("X-Amz-Date")?;
    let expires = require("X-Amz-Expires")?
        .parse::<u64>()
        .map_err(|_| SigError::incomplete("X-Amz-Expires must be a number of seconds"))?;
    build(
        credential,
        signed_headers,
        signature,
        amz_date.to_owned(),
        get("X-Amz-Security-Token").map(str::to_owned),
        AuthLocation::Query { expires },
    )
}

/// Checks the pieces common to both locations and assembles the [`Authorization`].
fn build(
    credential: &str,
    signed_headers: &str,
    signature: &str,
    amz_date: String,
    security_token: Option<String>,
    location: AuthLocation,
) -> Result<Authorization, SigError> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, scope_date, region, service, terminator] = parts.as_slice() else {
        return Err(SigError::incomplete(format!(
            "Credential should be scoped to a valid region, not '{credential}'. "
        )));
    };
    if access_key_id.is_empty() {
        return Err(SigError::incomplete(
            "Credential must have an access key id",
        ));
    }
    if *terminator != "aws4_request" {
        return Err(SigError::incomplete(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not \
             '{terminator}'. "
        )));
    }
    if region.is_empty() {
        return Err(SigError::incomplete(
            "Credential should be scoped to a valid region. ",
        ));
    }
    let signed_headers: Vec<String> = signed_headers
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    if !signed_headers.iter().any(|h| h == "host") {
        return Err(SigError::incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    if parse_amz_date(&amz_date).is_none() {
        return Err(SigError::incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See \
             http://en.wikipedia.org/wiki/ISO_8601"
        )));
    }
    Ok(Authorization {
        access_key_id: (*access_key_id).to_owned(),
        scope_date: (*scope_date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        signed_headers,
        signature: signature.to_ascii_lowercase(),
        amz_date,
        security_token,
        location,
    })
}

/// Verifies the signature of `req` as made with `secret`. Constant-time comparison.
pub fn verify(req: &SignedRequest<'_>, auth: &Authorization, secret: &str) -> Result<(), SigError> {
    if !auth.amz_date.starts_with(&auth.scope_date) {
        return Err(SigError::SignatureDoesNotMatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
             HTTP: '{}' != '{}', from '{}'.",
            auth.scope_date,
            auth.amz_date.get(..8).unwrap_or_default(),
            auth.amz_date
        )));
    }
    let provided = hex::decode(&auth.signature).map_err(|_| SigError::mismatch())?;
    let key = signing_key(secret, &auth.scope_date, &auth.region, &auth.service);
    let matches = payload_hashes(req, auth).iter().any(|payload_hash| {
        let canonical = canonical_request(req, auth, payload_hash);
        let to_sign = string_to_sign(&auth.amz_date, &auth.scope(), &canonical);
        hmac(&key, to_sign.as_bytes())
            .verify_slice(&provided)
            .is_ok()
    });
    if matches {
        Ok(())
    } else {
        Err(SigError::mismatch())
    }
}

/// Rejects a request whose time is more than [`MAX_SKEW`] from `now`, or a presigned URL that
/// has expired, with AWS's messages.
pub fn check_request_time(auth: &Authorization, now: SystemTime) -> Result<(), SigError> {
    let signed_at = parse_amz_date(&auth.amz_date)
        .ok_or_else(|| SigError::incomplete("X-Amz-Date is not a valid date"))?;
    if let AuthLocation::Query { expires } = auth.location {
        // A deadline later than time can hold never comes (it used to panic the handler).
        let deadline = signed_at.checked_add(Duration::from_secs(expires));
        if deadline.is_some_and(|deadline| now > deadline) {
            return Err(SigError::SignatureDoesNotMatch(format!(
                "Signature expired: {} is now earlier than {} ({} - {expires} sec.)",
                auth.amz_date,
                amz_date(now - Duration::from_secs(expires)),
                amz_date(now),
            )));
        }
    }
    if signed_at + MAX_SKEW < now {
        return Err(SigError::SignatureDoesNotMatch(format!(
            "Signature expired: {} is now earlier than {} ({} - 15 min.)",
            auth.amz_date,
            amz_date(now - MAX_SKEW),
            amz_date(now),
        )));
    }
    if signed_at > now + MAX_SKEW {
        return Err(SigError::SignatureDoesNotMatch(format!(
            "Signature not yet current: {} is still later than {} ({} + 15 min.)",
            auth.amz_date,
            amz_date(now + MAX_SKEW),
            amz_date(now),
        )));
    }
    Ok(())
}

/// The payload hashes the client may have signed: the `x-amz-content-sha256` header when
/// present, else the body's hash (and, for presigned URLs, also `UNSIGNED-PAYLOAD`).
fn payload_hashes(req: &SignedRequest<'_>, auth: &Authorization) -> Vec<String> {
    let body_hash = hex::encode(Sha256::digest(req.body));
    match header_text(req.headers, "x-amz-content-sha256") {
        Some(declared) if declared == UNSIGNED_PAYLOAD || declared == body_hash => vec![declared],
        // A declared hash that is not the body's: nothing can match.
        Some(_) => Vec::new(),
        None => match auth.location {
            AuthLocation::Header => vec![body_hash],
            AuthLocation::Query { .. } => vec![body_hash, UNSIGNED_PAYLOAD.to_owned()],
        },
    }
}

/// The canonical request: method, URI, query, headers, signed header list and payload hash.
pub fn canonical_request(
    req: &SignedRequest<'_>,
    auth: &Authorization,
    payload_hash: &str,
) -> String {
    let headers: String = auth
        .signed_headers
        .iter()
        .map(|name| format!("{name}:{}\n", canonical_header_value(req, name)))
        .collect();
    let skip_signature = matches!(auth.location, AuthLocation::Query { .. });
    format!(
        "{}\n{}\n{}\n{headers}\n{}\n{payload_hash}",
        req.method.as_str(),
        canonical_uri(req.uri.path()),
        canonical_query(req.uri, skip_signature),
        auth.signed_headers.join(";"),
    )
}

/// `AWS4-HMAC-SHA256`, the request time, the scope and the canonical request's hash.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes()).finalize();
    let k_region = hmac(&k_date.into_bytes(), region.as_bytes()).finalize();
    let k_service = hmac(&k_region.into_bytes(), service.as_bytes()).finalize();
    hmac(&k_service.into_bytes(), b"aws4_request")
        .finalize()
        .into_bytes()
        .to_vec()
}

/// The hex signature of `string_to_sign` under `key` (what a client computes).
pub fn sign(key: &[u8], string_to_sign: &str) -> String {
    hex::encode(hmac(key, string_to_sign.as_bytes()).finalize().into_bytes())
}

fn hmac(key: &[u8], data: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never takes the fallback branch.
    let mut mac =
        HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()));
    mac.update(data);
    mac
}

/// Byte comparison whose time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The received path, percent-encoded once more (slashes kept); `/` when empty.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        "/".to_owned()
    } else {
        uri_encode(path, false)
    }
}

/// Query parameters decoded, re-encoded strictly and sorted by key, then value.
fn canonical_query(uri: &Uri, skip_signature: bool) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(uri)
        .into_iter()
        .filter(|(k, _)| !(skip_signature && k == "X-Amz-Signature"))
        .map(|(k, v)| (uri_encode(&k, true), uri_encode(&v, true)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The query string's pairs, percent-decoded (a `+` stays a `+`, as SigV4 clients encode
/// spaces as `%20`).
fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else is `%XX`
/// uppercase; `/` stays too unless `encode_slash`.
pub fn uri_encode(text: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (b == b'/' && !encode_slash);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A signed header's canonical value: every value of that header, trimmed, inner whitespace
/// runs collapsed to one space, joined with commas. `host` falls back to the URI authority.
fn canonical_header_value(req: &SignedRequest<'_>, name: &str) -> String {
    let values: Vec<String> = req
        .headers
        .get_all(name)
        .iter()
        .map(|v| collapse_whitespace(&String::from_utf8_lossy(v.as_bytes())))
        .collect();
    if values.is_empty() && name == "host" {
        return req
            .uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default();
    }
    values.join(",")
}

fn collapse_whitespace(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

/// Parses `YYYYMMDDTHHMMSSZ`.
pub fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let parsed = time::PrimitiveDateTime::parse(text, &format).ok()?;
    let secs = parsed.assume_utc().unix_timestamp();
    let secs = u64::try_from(secs).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Formats `YYYYMMDDTHHMMSSZ`.
pub fn amz_date(t: SystemTime) -> String {
    let secs = super::clock::epoch_secs(t);
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|dt| dt.format(&format).ok())
        .unwrap_or_else(|| "19700101T000000Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const EXPECTED: &str = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    /// The AWS documentation's `GET iam ListUsers` example.
    fn example(signature: &str) -> (Method, Uri, HeaderMap) {
        let uri: Uri = "/?Action=ListUsers&Version=2010-05-08".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        headers.insert("host", HeaderValue::from_static("iam.amazonaws.com"));
        headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
        );
        headers.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        (Method::GET, uri, headers)
    }

    fn check(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<(), SigError> {
        let req = SignedRequest {
            method,
            uri,
            headers,
            body,
        };
        let auth = parse_authorization(&req)?;
        verify(&req, &auth, SECRET)
    }

    #[test]
    fn the_aws_documentation_example_verifies() {
        let (method, uri, headers) = example(EXPECTED);
        let req = SignedRequest {
            method: &method,
            uri: &uri,
            headers: &headers,
            body: b"",
        };
        let auth = parse_authorization(&req).unwrap();
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(auth.scope(), "20150830/us-east-1/iam/aws4_request");
        let payload = hex::encode(Sha256::digest(b""));
        let canonical = canonical_request(&req, &auth, &payload);
        assert_eq!(
            hex::encode(Sha256::digest(canonical.as_bytes())),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            hex::encode(&key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
        assert_eq!(
            sign(
                &key,
                &string_to_sign(&auth.amz_date, &auth.scope(), &canonical)
            ),
            EXPECTED
        );
        assert_eq!(verify(&req, &auth, SECRET), Ok(()));
    }

    #[test]
    fn a_wrong_secret_does_not_match() {
        let (method, uri, headers) = example(EXPECTED);
        let req = SignedRequest {
            method: &method,
            uri: &uri,
            headers: &headers,
            body: b"",
        };
        let auth = parse_authorization(&req).unwrap();
        let err = verify(&req, &auth, "not-the-secret").unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        assert_eq!(err.status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn tampering_with_any_signed_part_is_detected() {
        let (method, uri, headers) = example(EXPECTED);
        assert_eq!(check(&method, &uri, &headers, b""), Ok(()));
        // Method.
        assert!(check(&Method::POST, &uri, &headers, b"").is_err());
        // Query.
        let other: Uri = "/?Action=ListUsers&Version=2010-05-09".parse().unwrap();
        assert!(check(&method, &other, &headers, b"").is_err());
        // Path.
        let other: Uri = "/x?Action=ListUsers&Version=2010-05-08".parse().unwrap();
        assert!(check(&method, &other, &headers, b"").is_err());
        // Body.
        assert!(check(&method, &uri, &headers, b"Action=Other").is_err());
        // Signed header.
        let mut changed = headers.clone();
        changed.insert("host", HeaderValue::from_static("sts.amazonaws.com"));
        assert!(check(&method, &uri, &changed, b"").is_err());
        // Signature itself (one nibble, and garbage).
        let (_, _, flipped) = example(&format!("4{}", &EXPECTED[1..]));
        assert!(check(&method, &uri, &flipped, b"").is_err());
        let (_, _, garbage) = example("zz");
        assert!(check(&method, &uri, &garbage, b"").is_err());
    }

    #[test]
    fn unsigned_headers_and_whitespace_do_not_matter() {
        let (method, _, mut headers) = example(EXPECTED);
        headers.insert("user-agent", HeaderValue::from_static("anything"));
        headers.insert(
            "content-type",
            HeaderValue::from_static("  application/x-www-form-urlencoded;   charset=utf-8 "),
        );
        // Query order does not matter either.
        let reordered: Uri = "/?Version=2010-05-08&Action=ListUsers".parse().unwrap();
        assert_eq!(check(&method, &reordered, &headers, b""), Ok(()));
    }

    #[test]
    fn missing_and_malformed_authorization() {
        let uri: Uri = "/".parse().unwrap();
        let headers = HeaderMap::new();
        let req = SignedRequest {
            method: &Method::POST,
            uri: &uri,
            headers: &headers,
            body: b"",
        };
        assert_eq!(
            parse_authorization(&req),
            Err(SigError::MissingAuthenticationToken)
        );
        for bad in [
            "AWS4-HMAC-SHA512 Credential=A/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/iam/aws4_request, Signature=00",
            "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/iam/aws4_request, SignedHeaders=host",
            "AWS4-HMAC-SHA256 Credential=A/20150830/iam/aws4_request, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/iam/aws5, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=00",
            "garbage",
            "",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert("authorization", HeaderValue::from_str(bad).unwrap());
            headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
            let req = SignedRequest {
                headers: &headers,
                ..req
            };
            let err = parse_authorization(&req).unwrap_err();
            assert_eq!(err.code(), "IncompleteSignature", "{bad}: {err}");
            assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        }
        // No X-Amz-Date.
        let (_, _, mut headers) = example(EXPECTED);
        headers.remove("x-amz-date");
        let req = SignedRequest {
            headers: &headers,
            ..req
        };
        assert_eq!(
            parse_authorization(&req).unwrap_err().code(),
            "IncompleteSignature"
        );
    }

    #[test]
    fn the_scope_date_must_match_the_request_date() {
        let (method, uri, mut headers) = example(EXPECTED);
        headers.insert("x-amz-date", HeaderValue::from_static("20150831T123600Z"));
        let err = check(&method, &uri, &headers, b"").unwrap_err();
        assert!(
            err.to_string().starts_with("Date in Credential scope"),
            "{err}"
        );
    }

    #[test]
    fn a_declared_payload_hash_must_be_the_bodys() {
        let (method, uri, mut headers) = example(EXPECTED);
        headers.insert(
            "x-amz-content-sha256",
            HeaderValue::from_static(
                "0000000000000000000000000000000000000000000000000000000000000000",
            ),
        );
        assert!(check(&method, &uri, &headers, b"").is_err());
    }

    #[test]
    fn request_time_is_checked_against_the_clock() {
        let (method, uri, headers) = example(EXPECTED);
        let req = SignedRequest {
            method: &method,
            uri: &uri,
            headers: &headers,
            body: b"",
        };
        let auth = parse_authorization(&req).unwrap();
        let signed = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(check_request_time(&auth, signed), Ok(()));
        assert_eq!(
            check_request_time(&auth, signed + Duration::from_secs(14 * 60)),
            Ok(())
        );
        let late = check_request_time(&auth, signed + Duration::from_secs(16 * 60)).unwrap_err();
        assert_eq!(
            late.to_string(),
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z \
             (20150830T125200Z - 15 min.)"
        );
        assert_eq!(late.code(), "SignatureDoesNotMatch");
        let early = check_request_time(&auth, signed - Duration::from_secs(16 * 60)).unwrap_err();
        assert!(
            early.to_string().starts_with("Signature not yet current"),
            "{early}"
        );
    }

    /// The authorization of an unsigned presigned STS URL made at 20150830T123600Z.
    fn presigned_auth(expires: u64) -> Authorization {
        Authorization {
            access_key_id: "AKIDEXAMPLE".into(),
            scope_date: "20150830".into(),
            region: "us-east-1".into(),
            service: "sts".into(),
            signed_headers: vec!["host".into()],
            signature: String::new(),
            amz_date: "20150830T123600Z".into(),
            security_token: None,
            location: AuthLocation::Query { expires },
        }
    }

    /// Signs a presigned URL the way a client would, then verifies it.
    #[test]
    fn presigned_urls_verify_and_expire() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1:4000"));
        let base = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256\
                    &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request\
                    &X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host";
        let unsigned: Uri = format!("/?{base}").parse().unwrap();
        let req = SignedRequest {
            method: &Method::GET,
            uri: &unsigned,
            headers: &headers,
            body: b"",
        };
        let auth = presigned_auth(60);
        let canonical = canonical_request(&req, &auth, &hex::encode(Sha256::digest(b"")));
        let key = signing_key(SECRET, "20150830", "us-east-1", "sts");
        let signature = sign(
            &key,
            &string_to_sign(&auth.amz_date, &auth.scope(), &canonical),
        );
        let signed: Uri = format!("/?{base}&X-Amz-Signature={signature}")
            .parse()
            .unwrap();
        let req = SignedRequest {
            uri: &signed,
            ..req
        };
        let parsed = parse_authorization(&req).unwrap();
        assert_eq!(parsed.location, AuthLocation::Query { expires: 60 });
        assert_eq!(verify(&req, &parsed, SECRET), Ok(()));
        assert!(verify(&req, &parsed, "wrong").is_err());
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(
            check_request_time(&parsed, t + Duration::from_secs(59)),
            Ok(())
        );
        assert!(check_request_time(&parsed, t + Duration::from_secs(61)).is_err());
    }

    /// Found by fuzzing (fuzz/fuzz_targets/emulator_requests.rs): a correctly signed presigned
    /// URL with `X-Amz-Expires=18446744073709551615` overflowed the deadline and panicked.
    #[test]
    fn a_huge_expiry_is_no_panic() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        for expires in [u64::MAX, u64::MAX / 2, 1 << 60] {
            let auth = presigned_auth(expires);
            assert_eq!(
                check_request_time(&auth, t + Duration::from_secs(61)),
                Ok(())
            );
            assert!(check_request_time(&auth, t + Duration::from_secs(16 * 60)).is_err());
        }
    }

    #[test]
    fn encoding_follows_rfc3986() {
        assert_eq!(uri_encode("a b+c/~", true), "a%20b%2Bc%2F~");
        assert_eq!(uri_encode("/a b/", false), "/a%20b/");
        assert_eq!(percent_decode("a%2Fb%zz+"), "a/b%zz+");
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn a_credential_for_another_service_is_rejected() {
        let (method, uri, headers) = example(EXPECTED);
        let req = SignedRequest {
            method: &method,
            uri: &uri,
            headers: &headers,
            body: b"",
        };
        let auth = parse_authorization(&req).unwrap();
        assert!(auth.check_service("iam").is_ok());
        assert_eq!(
            auth.check_service("sts").unwrap_err().code(),
            "SignatureDoesNotMatch"
        );
    }
}
