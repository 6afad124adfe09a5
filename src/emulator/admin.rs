//! Test-only routes under `/_emulator/`: approve or deny sign-ins, revoke tokens, move the
//! clock, change the fault knobs, read MFA codes and counters. Loopback only, like the rest.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::authorize;
use super::aws_error::AwsError;
use super::faults::Faults;
use super::mfa;
use super::oidc::parse_body;
use super::shared::Shared;

type S = State<Arc<Shared>>;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/device/approve", post(approve_devices))
        .route("/device/deny", post(deny_devices))
        .route("/authorize/approve", post(approve_authorize))
        .route("/authorize/deny", post(deny_authorize))
        .route("/tokens/revoke", post(revoke_tokens))
        .route("/clock/advance", post(advance_clock))
        .route("/faults", get(get_faults).put(put_faults))
        .route("/mfa", get(mfa_code))
        .route("/stats", get(stats))
}

#[derive(Deserialize, Default)]
struct UserCode {
    user_code: Option<String>,
}

async fn decide_devices(
    shared: &Shared,
    body: &[u8],
    approve: bool,
) -> Result<Json<Value>, AwsError> {
    let input: UserCode = parse_body(body)?;
    let changed = shared
        .store()
        .decide_devices(input.user_code.as_deref(), approve);
    Ok(Json(json!({ "changed": changed })))
}

async fn approve_devices(State(shared): S, body: Bytes) -> Result<Json<Value>, AwsError> {
    decide_devices(&shared, &body, true).await
}

async fn deny_devices(State(shared): S, body: Bytes) -> Result<Json<Value>, AwsError> {
    decide_devices(&shared, &body, false).await
}

async fn approve_authorize(State(shared): S) -> Json<Value> {
    Json(json!({ "location": authorize::decide_oldest(&shared, true) }))
}

async fn deny_authorize(State(shared): S) -> Json<Value> {
    Json(json!({ "location": authorize::decide_oldest(&shared, false) }))
}

#[derive(Deserialize, Default)]
struct RevokeInput {
    user: Option<String>,
}

async fn revoke_tokens(State(shared): S, body: Bytes) -> Result<Json<Value>, AwsError> {
    let input: RevokeInput = parse_body(&body)?;
    let revoked = shared.store().revoke_tokens(input.user.as_deref());
    Ok(Json(json!({ "revoked": revoked })))
}

#[derive(Deserialize)]
struct Advance {
    seconds: f64,
}

async fn advance_clock(State(shared): S, body: Bytes) -> Result<Json<Value>, AwsError> {
    let input: Advance = parse_body(&body)?;
    shared.clock.advance_ms((input.seconds * 1000.0) as i64);
    Ok(Json(
        json!({ "offset_seconds": shared.clock.offset_seconds() }),
    ))
}

async fn get_faults(State(shared): S) -> Json<Faults> {
    Json(shared.faults())
}

async fn put_faults(State(shared): S, body: Bytes) -> Result<Json<Faults>, AwsError> {
    let faults: Faults = parse_body(&body)?;
    shared.set_faults(faults.clone());
    Ok(Json(faults))
}

#[derive(Deserialize)]
struct Serial {
    serial: String,
}

async fn mfa_code(State(shared): S, Query(q): Query<Serial>) -> Json<Value> {
    Json(json!({ "code": mfa::current_code(&shared, &q.serial) }))
}

async fn stats(State(shared): S) -> Json<Value> {
    let store = shared.store();
    Json(json!(store.stats))
}
