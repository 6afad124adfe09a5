//! The emulator's request handling on arbitrary requests, through its real router (no socket):
//! SigV4 parsing and verification, the STS query protocol, the SSO OIDC JSON bodies, the SSO
//! portal's query strings and bearer tokens, the approval pages and the federation endpoint.
//! No request may panic a handler.
//!
//! Three shapes of request:
//! - raw: any method, a known route or any path, any query, headers and body;
//! - STS, correctly signed (with the demo organization's `jenkins` IAM user, optionally
//!   presigned in the query string), with fuzzed parameters: the parameter parsing behind the
//!   signature check is reached;
//! - JSON to an OIDC route, or a portal call with a valid bearer token and fuzzed parameters.
//!
//! The admin routes (`/_emulator/…`) are left out: they change fault knobs (latency) on purpose.
#![no_main]

mod pick;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pick::Pick;
use rolecall::emulator::Org;
use rolecall::emulator::server::router;
use rolecall::emulator::shared::Shared;
use rolecall::emulator::sigv4::{
    self, ALGORITHM, AuthLocation, Authorization, SignedRequest, UNSIGNED_PAYLOAD, uri_encode,
};
use rolecall::emulator::store::{AccessToken, Grant};
use serde_json::{Map, Value};
use tower::ServiceExt;

const DEMO_ORG: &str = include_str!("../../assets/demo-org.toml");
const ACCESS_KEY: &str = "AKIAEXAMPLEJENKINS01";
const SECRET_KEY: &str = "jenkinsEXAMPLEsecretKEY/doNotUse/0000001";
const BEARER: &str = "fuzz-bearer-token";
/// A fresh emulator every so many requests, so what it remembers stays small.
const REQUESTS_PER_EMULATOR: u32 = 2000;

const METHODS: [Method; 6] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::HEAD,
    Method::OPTIONS,
];
const ROUTES: [&str; 16] = [
    "/client/register",
    "/device_authorization",
    "/token",
    "/authorize",
    "/authorize/approve",
    "/authorize/deny",
    "/device",
    "/device/approve",
    "/device/deny",
    "/assignment/accounts",
    "/assignment/roles",
    "/federation/credentials",
    "/federation",
    "/logout",
    "/",
    "/nowhere",
];
const HEADERS: [&str; 8] = [
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "content-type",
    "x-amz-sso_bearer_token",
    "host",
    "cookie",
];
const STS_PARAMS: [&str; 16] = [
    "Action",
    "Version",
    "RoleArn",
    "RoleSessionName",
    "DurationSeconds",
    "ExternalId",
    "SerialNumber",
    "TokenCode",
    "SourceIdentity",
    "Policy",
    "PolicyArns.member.1.arn",
    "Tags.member.1.Key",
    "Tags.member.1.Value",
    "Tags.member.2.Key",
    "TransitiveTagKeys.member.1",
    "Tags.member.51.Key",
];
const STS_VALUES: [&str; 10] = [
    "AssumeRole",
    "GetCallerIdentity",
    "GetSessionToken",
    "2011-06-15",
    "arn:aws:iam::764289909412:role/Deployer",
    "arn:aws:iam::764289909412:mfa/alice",
    "900",
    "43200",
    "129600",
    "fuzz-session",
];
const OIDC_FIELDS: [&str; 14] = [
    "clientName",
    "clientType",
    "scopes",
    "grantTypes",
    "redirectUris",
    "issuerUrl",
    "clientId",
    "clientSecret",
    "startUrl",
    "deviceCode",
    "grantType",
    "code",
    "codeVerifier",
    "refreshToken",
];
const PORTAL_PARAMS: [&str; 4] = ["max_result", "next_token", "account_id", "role_name"];

#[derive(Debug, Arbitrary)]
enum Json {
    Str(Pick),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    List(Vec<String>),
}

impl Json {
    fn value(&self) -> Value {
        match self {
            Json::Str(p) => Value::String(p.resolve(&STS_VALUES)),
            Json::Int(n) => Value::from(*n),
            Json::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Json::Bool(b) => Value::Bool(*b),
            Json::Null => Value::Null,
            Json::List(items) => Value::from(items.clone()),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Input {
    Raw {
        method: u8,
        path: Pick,
        query: String,
        headers: Vec<(Pick, String)>,
        body: Vec<u8>,
    },
    SignedSts {
        params: Vec<(Pick, Pick)>,
        /// Seconds between the emulator's clock and the signing time.
        skew: i16,
        presigned: Option<u64>,
        get: bool,
    },
    Oidc {
        route: u8,
        fields: Vec<(Pick, Json)>,
        not_an_object: bool,
    },
    Portal {
        route: u8,
        params: Vec<(Pick, String)>,
        good_token: bool,
    },
}

struct Emu {
    runtime: tokio::runtime::Runtime,
    shared: Arc<Shared>,
    app: Router,
    served: u32,
}

fn new_emulator() -> Emu {
    let org = Org::parse(DEMO_ORG, "demo-org.toml").expect("the demo org parses");
    let shared = Arc::new(Shared::new(org, "http://127.0.0.1:9".to_owned()));
    let now = shared.clock.now();
    let center = shared.org.identity_centers[0].id.clone();
    shared.store().access_tokens.insert(
        BEARER.to_owned(),
        AccessToken {
            grant: Grant {
                identity_center: center,
                user: "demo".to_owned(),
                client_id: "fuzz".to_owned(),
                scopes: vec!["sso:account:access".to_owned()],
            },
            expires_at: now + Duration::from_secs(3600),
            revoked: false,
        },
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    Emu {
        runtime,
        app: router(shared.clone()),
        shared,
        served: 0,
    }
}

thread_local! {
    static EMU: RefCell<Option<Emu>> = const { RefCell::new(None) };
}

fn serve(request: Request<Body>) {
    EMU.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot
            .as_ref()
            .is_none_or(|e| e.served >= REQUESTS_PER_EMULATOR)
        {
            *slot = Some(new_emulator());
        }
        let Some(emu) = slot.as_mut() else {
            return;
        };
        emu.served += 1;
        let app = emu.app.clone();
        let response = emu
            .runtime
            .block_on(async move { app.oneshot(request).await });
        let Ok(response) = response;
        // The whole body is produced (handlers that stream would fail here, not later).
        let _ = emu
            .runtime
            .block_on(axum::body::to_bytes(response.into_body(), 1 << 24));
    });
}

fn emulator_now() -> SystemTime {
    EMU.with(|cell| {
        cell.borrow()
            .as_ref()
            .map_or_else(SystemTime::now, |e| e.shared.clock.now())
    })
}

fn form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", uri_encode(k, true), uri_encode(v, true)))
        .collect::<Vec<_>>()
        .join("&")
}

fn raw(method: u8, path: &Pick, query: &str, headers: &[(Pick, String)], body: &[u8]) {
    let mut path = path.resolve(&ROUTES);
    if path.starts_with("/_emulator") || !path.starts_with('/') {
        path = "/".to_owned();
    }
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    let Ok(uri) = uri.parse::<Uri>() else {
        return;
    };
    let mut builder = Request::builder()
        .method(METHODS[usize::from(method) % METHODS.len()].clone())
        .uri(uri);
    for (name, value) in headers {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.resolve(&HEADERS).as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    if let Ok(request) = builder.body(Body::from(body.to_vec())) {
        serve(request);
    }
}

/// An STS request signed as a client would sign it.
fn signed_sts(params: &[(Pick, Pick)], skew: i16, presigned: Option<u64>, get: bool) {
    let pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.resolve(&STS_PARAMS), v.resolve(&STS_VALUES)))
        .collect();
    let now = emulator_now();
    let at = if skew >= 0 {
        now + Duration::from_secs(skew.unsigned_abs().into())
    } else {
        now - Duration::from_secs(skew.unsigned_abs().into())
    };
    let amz_date = sigv4::amz_date(at);
    let scope_date = amz_date.get(..8).unwrap_or_default().to_owned();
    let signed_headers = vec!["host".to_owned(), "x-amz-date".to_owned()];
    let mut query = if get { form(&pairs) } else { String::new() };
    let location = match presigned {
        Some(expires) => {
            let credential = format!("{ACCESS_KEY}/{scope_date}/us-east-1/sts/aws4_request");
            let auth_params = [
                ("X-Amz-Algorithm", ALGORITHM.to_owned()),
                ("X-Amz-Credential", credential),
                ("X-Amz-Date", amz_date.clone()),
                ("X-Amz-Expires", expires.to_string()),
                ("X-Amz-SignedHeaders", signed_headers.join(";")),
            ]
            .map(|(k, v)| (k.to_owned(), v));
            let extra = form(&auth_params);
            query = if query.is_empty() {
                extra
            } else {
                format!("{query}&{extra}")
            };
            AuthLocation::Query { expires }
        }
        None => AuthLocation::Header,
    };
    let body = if get { String::new() } else { form(&pairs) };
    let method = if get { Method::GET } else { Method::POST };
    let Ok(uri) = format!("/?{query}").parse::<Uri>() else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1"));
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    headers.insert(
        "x-amz-content-sha256",
        HeaderValue::from_static(UNSIGNED_PAYLOAD),
    );
    if let (AuthLocation::Header, Ok(value)) = (location, HeaderValue::from_str(&amz_date)) {
        headers.insert("x-amz-date", value);
    }
    let auth = Authorization {
        access_key_id: ACCESS_KEY.to_owned(),
        scope_date: scope_date.clone(),
        region: "us-east-1".to_owned(),
        service: "sts".to_owned(),
        signed_headers: signed_headers.clone(),
        signature: String::new(),
        amz_date: amz_date.clone(),
        security_token: None,
        location,
    };
    let to_sign = {
        let request = SignedRequest {
            method: &method,
            uri: &uri,
            headers: &headers,
            body: body.as_bytes(),
        };
        let canonical = sigv4::canonical_request(&request, &auth, UNSIGNED_PAYLOAD);
        sigv4::string_to_sign(&amz_date, &auth.scope(), &canonical)
    };
    let key = sigv4::signing_key(SECRET_KEY, &scope_date, "us-east-1", "sts");
    let signature = sigv4::sign(&key, &to_sign);
    let uri = match location {
        AuthLocation::Query { .. } => {
            match format!("/?{query}&X-Amz-Signature={signature}").parse::<Uri>() {
                Ok(uri) => uri,
                Err(_) => return,
            }
        }
        AuthLocation::Header => {
            let value = format!(
                "{ALGORITHM} Credential={ACCESS_KEY}/{}, SignedHeaders={}, Signature={signature}",
                auth.scope(),
                signed_headers.join(";")
            );
            let Ok(value) = HeaderValue::from_str(&value) else {
                return;
            };
            headers.insert("authorization", value);
            uri
        }
    };
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in &headers {
        builder = builder.header(name, value);
    }
    if let Ok(request) = builder.body(Body::from(body)) {
        serve(request);
    }
}

fn oidc(route: u8, fields: &[(Pick, Json)], not_an_object: bool) {
    let path = ["/client/register", "/device_authorization", "/token"][usize::from(route) % 3];
    let body = if not_an_object {
        Value::Array(fields.iter().map(|(_, v)| v.value()).collect())
    } else {
        let map: Map<String, Value> = fields
            .iter()
            .map(|(k, v)| (k.resolve(&OIDC_FIELDS), v.value()))
            .collect();
        Value::Object(map)
    };
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()));
    if let Ok(request) = request {
        serve(request);
    }
}

fn portal(route: u8, params: &[(Pick, String)], good_token: bool) {
    let routes = [
        (Method::GET, "/assignment/accounts"),
        (Method::GET, "/assignment/roles"),
        (Method::GET, "/federation/credentials"),
        (Method::POST, "/logout"),
    ];
    let (method, path) = routes[usize::from(route) % routes.len()].clone();
    let pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.resolve(&PORTAL_PARAMS), v.clone()))
        .collect();
    let uri = format!("{path}?{}", form(&pairs));
    let token = if good_token { BEARER } else { "not-a-token" };
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-amz-sso_bearer_token", token)
        .body(Body::empty());
    if let Ok(request) = request {
        serve(request);
    }
}

fuzz_target!(|input: Input| {
    match &input {
        Input::Raw {
            method,
            path,
            query,
            headers,
            body,
        } => raw(*method, path, query, headers, body),
        Input::SignedSts {
            params,
            skew,
            presigned,
            get,
        } => signed_sts(params, *skew, *presigned, *get),
        Input::Oidc {
            route,
            fields,
            not_an_object,
        } => oidc(*route, fields, *not_an_object),
        Input::Portal {
            route,
            params,
            good_token,
        } => portal(*route, params, *good_token),
    }
});
