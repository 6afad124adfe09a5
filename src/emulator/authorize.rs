//! The pages a person's browser sees: the device-code approval page at the verification URL,
//! and `/authorize` for the authorization-code + PKCE flow. Both offer Approve and Deny; an
//! `approve_after_seconds` setting approves on its own (the demo).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use quick_xml::escape::escape;

use super::api::Api;
use super::ids;
use super::oidc::{AUTHORIZATION_CODE_GRANT, check_client, client_allows};
use super::shared::Shared;
use super::store::{AuthCode, AuthorizeRequest, DeviceStatus};

type Params = HashMap<String, String>;

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:34em;margin:4em auto;line-height:1.5}}\
         .code{{font:bold 2.2em monospace;letter-spacing:.1em}}button{{font-size:1.1em;margin-right:1em}}\
         </style></head><body><h1>{title}</h1>{body}<p><small>rolecall emulator: a local stand-in \
         for AWS IAM Identity Center</small></p></body></html>"
    );
    (status, Html(html)).into_response()
}

fn decision_forms(action: &str, field: &str, value: &str) -> String {
    let value = escape(value);
    format!(
        "<form method=\"post\" action=\"{action}/approve\" style=\"display:inline\">\
         <input type=\"hidden\" name=\"{field}\" value=\"{value}\">\
         <button type=\"submit\" id=\"approve\">Approve</button></form>\
         <form method=\"post\" action=\"{action}/deny\" style=\"display:inline\">\
         <input type=\"hidden\" name=\"{field}\" value=\"{value}\">\
         <button type=\"submit\" id=\"deny\">Deny</button></form>"
    )
}

/// `GET /device?user_code=…`: the verification URL.
pub(crate) async fn device_page(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<Params>,
) -> Response {
    let entry_form = "<form method=\"get\" action=\"/device\"><p>Enter the code shown by your \
                      application:</p><input name=\"user_code\" autofocus> \
                      <button type=\"submit\">Next</button></form>";
    let Some(code) = params.get("user_code").filter(|c| !c.is_empty()) else {
        return page(StatusCode::OK, "Authorize request", entry_form);
    };
    let now = shared.clock.now();
    let store = shared.store();
    match store.device_by_user_code(code) {
        Some(device) if device.status == DeviceStatus::Pending && now < device.expires_at => {
            let refresh = shared
                .org
                .settings
                .approve_after_seconds
                .map(|s| format!("<p>This emulator approves on its own after {s} s.</p>"))
                .unwrap_or_default();
            let body = format!(
                "<p>An application is asking to sign in to identity center <b>{}</b>. \
                 Check that it shows this code:</p><p class=\"code\">{}</p>{}{refresh}",
                escape(device.identity_center.as_str()),
                escape(device.user_code.as_str()),
                decision_forms("/device", "user_code", &device.user_code),
            );
            page(StatusCode::OK, "Authorize request", &body)
        }
        Some(device) if device.status != DeviceStatus::Pending => page(
            StatusCode::OK,
            "Already answered",
            "<p>This request has already been approved or denied.</p>",
        ),
        _ => page(
            StatusCode::NOT_FOUND,
            "Unknown code",
            &format!("<p>That code is unknown or has expired.</p>{entry_form}"),
        ),
    }
}

fn device_decision(shared: &Shared, form: &Params, approve: bool) -> Response {
    let code = form
        .get("user_code")
        .map(String::as_str)
        .unwrap_or_default();
    let changed = shared.store().decide_devices(Some(code), approve);
    if changed == 0 {
        return page(
            StatusCode::NOT_FOUND,
            "Unknown code",
            "<p>No request is waiting with that code.</p>",
        );
    }
    if approve {
        page(
            StatusCode::OK,
            "Request approved",
            "<p>You can close this window and return to your application.</p>",
        )
    } else {
        page(
            StatusCode::OK,
            "Request denied",
            "<p>The application was not signed in.</p>",
        )
    }
}

pub(crate) async fn device_approve(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<Params>,
) -> Response {
    device_decision(&shared, &form, true)
}

pub(crate) async fn device_deny(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<Params>,
) -> Response {
    device_decision(&shared, &form, false)
}

/// Redirect URIs match on scheme, host and path; loopback ports may differ (RFC 8252 §7.3).
fn redirect_matches(registered: &str, given: &str) -> bool {
    match (url::Url::parse(registered), url::Url::parse(given)) {
        (Ok(r), Ok(g)) => r.scheme() == g.scheme() && r.host() == g.host() && r.path() == g.path(),
        _ => false,
    }
}

fn with_query(base: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let Ok(mut url) = url::Url::parse(base) else {
        return base.to_owned();
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            if let Some(v) = v {
                query.append_pair(k, v);
            }
        }
    }
    url.to_string()
}

/// `GET /authorize`: the start of the authorization-code + PKCE flow.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<Params>,
) -> Response {
    if let Err(e) = shared.admit(Api::Authorize).await {
        return e.into_response();
    }
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let now = shared.clock.now();
    let (client_id, redirect_uri) = match (get("client_id"), get("redirect_uri")) {
        (Some(c), Some(r)) => (c, r),
        _ => {
            return page(
                StatusCode::BAD_REQUEST,
                "Invalid request",
                "<p>client_id and redirect_uri are required.</p>",
            );
        }
    };
    let mut store = shared.store();
    let client = match check_client(&store, now, client_id, None) {
        Ok(c) => c.clone(),
        Err(e) => {
            return page(
                StatusCode::BAD_REQUEST,
                "Invalid client",
                &format!("<p>{}</p>", escape(e.message.as_str())),
            );
        }
    };
    // A client without the grant has no redirect URI to send an error to: a page says it.
    if !client_allows(&client, AUTHORIZATION_CODE_GRANT) {
        return page(
            StatusCode::BAD_REQUEST,
            "Unauthorized client",
            "<p>unauthorized_client: this client is not registered for the authorization code \
             grant.</p>",
        );
    }
    if !client
        .redirect_uris
        .iter()
        .any(|r| redirect_matches(r, redirect_uri))
    {
        return page(
            StatusCode::BAD_REQUEST,
            "Invalid redirect",
            "<p>This client is not registered with that redirect URI.</p>",
        );
    }
    let state = get("state");
    let challenge = get("code_challenge");
    if get("response_type") != Some("code")
        || challenge.is_none()
        || get("code_challenge_method") != Some("S256")
    {
        let to = with_query(
            redirect_uri,
            &[
                ("error", Some("invalid_request")),
                (
                    "error_description",
                    Some("response_type=code and an S256 code_challenge are required"),
                ),
                ("state", state),
            ],
        );
        return Redirect::to(&to).into_response();
    }
    let identity_center = client
        .identity_center
        .clone()
        .or_else(|| shared.org.identity_centers.first().map(|c| c.id.clone()))
        .unwrap_or_default();
    let id = ids::opaque(24);
    store.authorize_requests.insert(
        id.clone(),
        AuthorizeRequest {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            state: state.map(str::to_owned),
            code_challenge: challenge.unwrap_or_default().to_owned(),
            scopes: get("scopes")
                .map(|s| {
                    s.split([' ', ','])
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            identity_center: identity_center.clone(),
            created_at: now,
        },
    );
    drop(store);
    match shared.org.settings.approve_after_seconds {
        Some(after) if after <= 0.0 => match finish(&shared, &id, true) {
            Some(to) => Redirect::to(&to).into_response(),
            None => page(
                StatusCode::NOT_FOUND,
                "Expired",
                "<p>The request expired.</p>",
            ),
        },
        after => {
            let auto = after
                .map(|s| {
                    format!(
                        "<meta http-equiv=\"refresh\" content=\"{s};url=/authorize/approve?request={id}\">\
                         <p>This emulator approves on its own after {s} s.</p>"
                    )
                })
                .unwrap_or_default();
            let body = format!(
                "<p><b>{}</b> asks to sign in to identity center <b>{}</b>.</p>{}{auto}",
                escape(client.name.as_str()),
                escape(identity_center.as_str()),
                decision_forms("/authorize", "request", &id)
            );
            page(StatusCode::OK, "Allow access?", &body)
        }
    }
}

/// Approves or denies a pending /authorize request; returns where the browser goes next.
fn finish(shared: &Shared, id: &str, approve: bool) -> Option<String> {
    let mut store = shared.store();
    let request = store.authorize_requests.remove(id)?;
    let state = request.state.as_deref();
    if !approve {
        return Some(with_query(
            &request.redirect_uri,
            &[
                ("error", Some("access_denied")),
                ("error_description", Some("The user denied the request")),
                ("state", state),
            ],
        ));
    }
    let code = store.remember(ids::opaque(48));
    let expires_at =
        shared.clock.now() + shared.clock.lifetime(shared.org.settings.auth_code_seconds);
    let location = with_query(
        &request.redirect_uri,
        &[("code", Some(&code)), ("state", state)],
    );
    store.auth_codes.insert(
        code,
        AuthCode {
            client_id: request.client_id,
            redirect_uri: request.redirect_uri,
            code_challenge: request.code_challenge,
            scopes: request.scopes,
            identity_center: request.identity_center,
            expires_at,
        },
    );
    Some(location)
}

/// Decides the oldest pending /authorize request (admin route and tests).
pub(crate) fn decide_oldest(shared: &Shared, approve: bool) -> Option<String> {
    let id = {
        let store = shared.store();
        store
            .authorize_requests
            .iter()
            .min_by_key(|(_, r)| r.created_at)
            .map(|(id, _)| id.clone())?
    };
    finish(shared, &id, approve)
}

fn decision(shared: &Shared, params: &Params, approve: bool) -> Response {
    let id = params
        .get("request")
        .map(String::as_str)
        .unwrap_or_default();
    match finish(shared, id, approve) {
        Some(to) => Redirect::to(&to).into_response(),
        None => page(
            StatusCode::NOT_FOUND,
            "Unknown request",
            "<p>This sign-in request is unknown or was already answered.</p>",
        ),
    }
}

pub(crate) async fn approve_link(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<Params>,
) -> Response {
    decision(&shared, &params, true)
}

pub(crate) async fn approve_form(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<Params>,
) -> Response {
    decision(&shared, &form, true)
}

pub(crate) async fn deny_form(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<Params>,
) -> Response {
    decision(&shared, &form, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port() {
        assert!(redirect_matches(
            "http://127.0.0.1/oauth/callback",
            "http://127.0.0.1:49152/oauth/callback"
        ));
        assert!(!redirect_matches(
            "http://127.0.0.1/oauth/callback",
            "http://127.0.0.1:49152/elsewhere"
        ));
    }

    #[test]
    fn query_is_appended_and_escaped() {
        assert_eq!(
            with_query(
                "http://127.0.0.1:1/cb",
                &[("code", Some("a b")), ("state", None)]
            ),
            "http://127.0.0.1:1/cb?code=a+b"
        );
    }
}
