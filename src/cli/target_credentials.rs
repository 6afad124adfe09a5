//! What every hand-over subcommand starts with: the role a TARGET names, and its credentials
//! (kept ones when fresh, else GetRoleCredentials with the stored or silently refreshed token).

use crate::catalog::CatalogCache;
use crate::core::catalog::Catalog;
use crate::core::credentials::Credentials;
use crate::core::sso::SsoSession;
use crate::core::target::{Matching, Target, resolve};
use crate::engine::role_credentials::{FRESHNESS_MARGIN, role_credentials};
use crate::engine::tokens::usable_token;
use crate::ports::clock::{Clock, SystemClock};

use super::CliError;
use super::context::Context;
use super::list_cmd::catalog_for;

/// The cached catalog of a session, without any network.
pub fn cached_catalog(ctx: &Context, session: &SsoSession) -> Option<Catalog> {
    CatalogCache::for_session(&ctx.paths, &session.name)
        .load()
        .catalog
}

/// Resolves `target` in the catalog of `session` (listing it first when nothing is cached),
/// as `matching` allows. A target that names no role is a usage error (exit 2).
pub async fn resolve_target(
    ctx: &Context,
    session: &SsoSession,
    target: &str,
    matching: Matching,
) -> Result<Target, CliError> {
    let catalog = match cached_catalog(ctx, session) {
        Some(c) => c,
        None => catalog_for(ctx, session, false).await?,
    };
    resolve(&catalog, target, &ctx.config.file.aliases, matching)
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// Credentials kept for `target` that are good for a few more minutes, without any network:
/// the fast path of `credential-process`.
pub fn kept_credentials(
    ctx: &Context,
    session: &SsoSession,
    target: &Target,
) -> Option<Credentials> {
    ctx.store
        .load_fresh_credentials(
            session,
            &target.account.id,
            &target.role,
            SystemClock.now(),
            FRESHNESS_MARGIN,
        )
        .ok()
        .flatten()
}

/// The target's role and credentials: kept ones when fresh (unless `renew`), else from AWS.
/// A failed renewal leaves the kept ones in place.
pub async fn credentials_for(
    ctx: &Context,
    session: &SsoSession,
    target: &str,
    matching: Matching,
    renew: bool,
) -> Result<(Target, Credentials), CliError> {
    let target = resolve_target(ctx, session, target, matching).await?;
    if !renew && let Some(kept) = kept_credentials(ctx, session, &target) {
        return Ok((target, kept));
    }
    let idc = ctx.identity_center(session);
    let signed_in = usable_token(&idc, &ctx.store, session, &SystemClock).await?;
    let credentials = role_credentials(
        &idc,
        &ctx.store,
        session,
        &signed_in.token.access_token,
        &target.account.id,
        &target.role,
        &SystemClock,
        renew,
    )
    .await
    .map_err(|e| match e {
        crate::ports::identity_center::IdcError::Unauthorized => CliError::NeedsLogin(format!(
            "the sign-in to {0} has expired or was revoked: run `rolecall login --session {0}`",
            session.name
        )),
        error => CliError::IdentityCenter {
            doing: format!("cannot get credentials for {}", target.label()),
            error,
        },
    })?;
    Ok((target, credentials))
}
