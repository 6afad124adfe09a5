//! The sign-in machine's effects, and keeping a new sign-in.

use crate::core::app::Msg;
use crate::core::signin::{Effect, Event};
use crate::core::sso::SignedIn;
use crate::engine::signin::execute;
use crate::ports::identity_center::IdentityCenter;

use super::{Services, rethrow};
use crate::core::sso_setup::NewSsoSession;

impl<I: IdentityCenter + 'static> Services<I> {
    /// Runs one effect of the sign-in machine (`Save` is done in line by `spawn`).
    pub(super) async fn sign_in(&self, effect: Effect) -> Option<Msg> {
        let mut ignore = |_: &str, _: bool| {};
        execute(
            self.idc.as_ref(),
            self.opener.as_ref(),
            self.workspace.clock.as_ref(),
            &self.request,
            effect,
            &mut ignore,
        )
        .await
        .map(Msg::SignIn)
    }

    /// The sign-in the store holds, for the machine to refresh after the token in use was
    /// refused (the same store and refresh as at start-up).
    pub(super) async fn stored_sign_in(&self) -> Msg {
        let workspace = self.workspace.clone();
        let session = self.session.clone();
        let loaded = tokio::task::spawn_blocking(move || workspace.store.load(&session)).await;
        let stored = match rethrow(loaded) {
            Some(Ok(stored)) => stored,
            Some(Err(e)) => {
                tracing::warn!(error = %e, "cannot read the stored sign-in");
                None
            }
            None => None,
        };
        Msg::SignIn(Event::Refused { stored })
    }

    /// The first-run form's `[sso-session]`: checked with the identity center, then written
    /// to `~/.aws/config`; its name, or why not (in words for the form).
    pub(super) async fn write_sso_session(&self, session: NewSsoSession) -> Result<String, String> {
        if let Err(e) = self.workspace.check_identity_center(&session).await {
            return Err(format!(
                "nothing was written: the identity center in {} did not accept {} ({e}); check the URL and the region",
                session.region,
                session.start_url.as_str()
            ));
        }
        let workspace = self.workspace.clone();
        let name = session.name.clone();
        let written =
            tokio::task::spawn_blocking(move || workspace.write_sso_session(&session, false)).await;
        match rethrow(written) {
            Some(Ok(_)) => Ok(name),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("the write was cancelled".to_owned()),
        }
    }

    /// Keeps a new sign-in (one store write, rare enough to do in line) and makes its token
    /// the one the listing and the role credentials use.
    pub(super) fn save_sign_in(&self, signed_in: SignedIn) {
        if let Err(e) = self.workspace.store.save(&self.session, &signed_in) {
            tracing::warn!(error = %e, "cannot keep the sign-in");
        }
        self.lister.set_token(signed_in.token.access_token);
    }
}
