//! `rolecall logout`: end the portal session, forget tokens and kept credentials (the role
//! credentials of the identity center and of the chains that start at it).

use super::{CliError, SessionArgs};
use crate::ports::identity_center::{IdcError, IdentityCenter};

pub(crate) async fn run_logout(args: SessionArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    for session in ctx.sessions(args.session.as_deref())? {
        let stored = ctx.store.load(&session).unwrap_or(None);
        if let Some(stored) = &stored {
            let idc = ctx.identity_center(&session);
            match idc.logout(&stored.token.access_token).await {
                Ok(()) | Err(IdcError::Unauthorized) => {}
                Err(e) => note!(
                    "rolecall: could not end the session at AWS ({e}); forgetting it here anyway"
                ),
            }
        }
        ctx.store.sign_out(&session)?;
        // Credentials of chains that start at this identity center go with it.
        for spec in ctx.config.chains.iter() {
            let rooted = ctx
                .root_session(&ctx.config.chains, spec)
                .is_some_and(|root| root.name == session.name);
            if rooted {
                let key = crate::session_store::chain_key(&spec.name, &spec.fingerprint());
                ctx.store.forget_chain_credentials(&key)?;
            }
        }
        if stored.is_some() {
            note!("Signed out of {}.", session.name);
        } else {
            note!("Not signed in to {}; nothing to do.", session.name);
        }
    }
    Ok(())
}
