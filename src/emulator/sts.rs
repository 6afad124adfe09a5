//! STS (query protocol) — placeholder being written.
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::aws_error::AwsError;
use super::server::Shared;

pub async fn handle(
    State(_shared): State<Arc<Shared>>,
    _method: Method,
    _uri: Uri,
    _headers: HeaderMap,
    _body: Bytes,
) -> Response {
    AwsError::sts(StatusCode::NOT_IMPLEMENTED, "InvalidAction", "not yet").into_response()
}
