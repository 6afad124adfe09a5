//! Signing in to an identity center: the request every caller (`rolecall login`,
//! `credential-process`, the app) makes the same way.

use crate::core::signin::Method;
use crate::core::sso::SsoSession;
use crate::engine::signin::SignInRequest;

use super::Workspace;

/// The name rolecall registers its OIDC client with.
pub(crate) const CLIENT_NAME: &str = "rolecall";

impl Workspace {
    /// How to sign in to `session` with `method`: its OIDC endpoint, the registrations kept for
    /// it, the browser when `open_browser`.
    pub fn sign_in_request(
        &self,
        session: &SsoSession,
        method: Method,
        open_browser: bool,
        client_name: &str,
    ) -> SignInRequest {
        SignInRequest {
            session: session.clone(),
            method,
            open_browser,
            endpoint: self.endpoints(Some(&session.name)).sso_oidc,
            client_name: client_name.to_owned(),
            registrations: self.store.registrations(session),
        }
    }
}
