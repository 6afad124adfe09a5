//! Errors in the shapes AWS sends them: REST-JSON with `x-amzn-ErrorType` for SSO OIDC and the
//! SSO portal, the XML `ErrorResponse` document for STS.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ids;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// SSO OIDC: `{"error": "...", "error_description": "..."}`.
    OAuth { error: &'static str },
    /// SSO portal: `{"message": "..."}`.
    Message,
    /// STS: `<ErrorResponse><Error><Type/><Code/><Message/></Error>...`.
    Xml,
}

/// One error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    shape: Shape,
}

impl AwsError {
    /// An SSO OIDC error (`code` like `AuthorizationPendingException`, `error` like
    /// `authorization_pending`).
    pub fn oidc(
        status: StatusCode,
        code: &'static str,
        error: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            shape: Shape::OAuth { error },
        }
    }

    /// An SSO portal error (`code` like `UnauthorizedException`).
    pub fn portal(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            shape: Shape::Message,
        }
    }

    /// An STS error (`code` like `AccessDenied`).
    pub fn sts(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            shape: Shape::Xml,
        }
    }

    pub fn is_xml(&self) -> bool {
        self.shape == Shape::Xml
    }
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        let request_id = ids::request_id();
        let (content_type, body) = match &self.shape {
            Shape::OAuth { error } => (
                "application/json",
                serde_json::json!({ "error": error, "error_description": self.message })
                    .to_string(),
            ),
            Shape::Message => (
                "application/json",
                serde_json::json!({ "message": self.message }).to_string(),
            ),
            Shape::Xml => {
                let kind = if self.status.is_server_error() {
                    "Receiver"
                } else {
                    "Sender"
                };
                (
                    "text/xml",
                    format!(
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
                         <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    \
                         <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n\
                         </ErrorResponse>\n",
                        self.code,
                        quick_xml::escape::escape(self.message.as_str())
                    ),
                )
            }
        };
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if !self.is_xml() {
            headers.insert("x-amzn-ErrorType", HeaderValue::from_static(self.code));
        }
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            headers.insert("x-amzn-RequestId", value);
        }
        response
    }
}
