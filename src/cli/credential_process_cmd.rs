//! `rolecall credential-process TARGET`: answers as an AWS CLI / SDK `credential_process`, with
//! the Version 1 JSON on stdout and nothing else there.
//!
//! The fast path (kept credentials still fresh) touches only files and the secret store: no
//! network and no async runtime, so the AWS CLI's every call costs a few milliseconds. The slow
//! path gets credentials with the stored or silently refreshed token. When the identity
//! center's sign-in has expired it fails with one line and exit code 3, and never starts a
//! sign-in (or opens a browser) unless `[sign_in] from_credential_process = true` allows it.
//!
//! Its TARGET is written into a file (`~/.aws/config`), so it names one role exactly
//! ([`Matching::Exact`]): once that role is gone it fails with one line and exit code 2, and
//! never hands out the credentials of a role with a similar name.

use std::time::SystemTime;

use serde::Serialize;
use time::macros::format_description;

use super::context::Context;
use super::{CliError, block_on};
use crate::adapters::browser::SystemBrowser;
use crate::adapters::stderr_signin_view::OneLineSignInView;
use crate::core::countdown;
use crate::core::credentials::Credentials;
use crate::core::signin::Method;
use crate::core::sso::SsoSession;
use crate::core::target::Matching;
use crate::engine::role_credentials::RENEW_BEFORE;
use crate::ports::clock::{Clock, SystemClock};
use crate::ports::opener::Opener;
use crate::secret::Secret;
use crate::workspace::sign_in::CLIENT_NAME;

/// Arguments of `rolecall credential-process`.
#[derive(Debug, clap::Args)]
pub struct CredentialProcessArgs {
    /// The role: `account-name/role`, `account-id/role` or an alias.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions_cmd::complete_target))]
    pub target: Option<String>,
    /// The identity center: an [[sso_sessions]] name, an [sso-session] or a legacy SSO profile.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Get new credentials even when kept ones are still good.
    #[arg(long)]
    pub fresh: bool,
}

/// Prints the role's credentials as credential_process Version 1 JSON.
pub(crate) fn run(args: CredentialProcessArgs) -> Result<(), CliError> {
    let target = args.target.ok_or_else(|| {
        CliError::Usage("credential-process needs a TARGET (account/role or an alias)".into())
    })?;
    let reading = super::context::load_to_read()?;
    let kept = if args.fresh {
        None
    } else {
        reading.kept(args.session.as_deref(), &target)
    };
    if let Some(credentials) = &kept
        && credentials.is_fresh_at(SystemClock.now(), RENEW_BEFORE)
    {
        return print(credentials);
    }
    drop(reading);
    // Getting and keeping credentials: the store exactly as every other command opens it.
    let ctx = super::context::load()?;
    let session = args.session;
    block_on(async move {
        let Some(kept) = kept else {
            let credentials = fetch(&ctx, session.as_deref(), &target, args.fresh).await?;
            return print(&credentials);
        };
        // Inside the window the SDKs refresh in: renewed where the source allows it, else the
        // kept ones (still good for a few minutes) and a line saying why.
        match ctx.renew(session.as_deref(), &target).await {
            Ok(obtained) => print(&obtained.credentials),
            Err(e) => {
                let why = CliError::from(e);
                note!(
                    "rolecall: {target}: cannot renew the credentials that expire {}, handing out the kept ones: {why}",
                    kept.expires_at.map_or_else(
                        || "later".to_owned(),
                        |t| format!("at {}", countdown::utc(t))
                    )
                );
                print(&kept)
            }
        }
    })
}

/// Credentials when none are kept (or `--fresh`): a chain assumed, else an SSO role's.
async fn fetch(
    ctx: &Context,
    session: Option<&str>,
    target: &str,
    fresh: bool,
) -> Result<Credentials, CliError> {
    if fresh || ctx.chain_named(target).is_some() {
        let obtained = ctx.obtain(session, target, fresh, Matching::Exact).await?;
        return Ok(obtained.credentials);
    }
    let session = ctx.session(session)?;
    slow_path(ctx, &session, target).await
}

/// Credentials from AWS with the stored or refreshed token; a sign-in only when allowed.
async fn slow_path(
    ctx: &Context,
    session: &SsoSession,
    target: &str,
) -> Result<Credentials, CliError> {
    let credentials_for = || async {
        ctx.credentials_for(session, target, Matching::Exact, false)
            .await
            .map(|(_, credentials)| credentials)
            .map_err(CliError::from)
    };
    match credentials_for().await {
        Ok(credentials) => Ok(credentials),
        Err(CliError::NeedsLogin(_)) if ctx.config.file.sign_in.from_credential_process => {
            sign_in(ctx, session).await?;
            credentials_for().await
        }
        Err(CliError::NeedsLogin(why)) => Err(CliError::NeedsLogin(format!(
            "{why} (or set [sign_in] from_credential_process = true)"
        ))),
        Err(e) => Err(e),
    }
}

/// The device-code sign-in, its code and URL on stderr (stdout carries only the JSON).
async fn sign_in(ctx: &Context, session: &SsoSession) -> Result<(), CliError> {
    let opener = SystemBrowser::new(&ctx.env, &ctx.paths);
    let request = ctx.sign_in_request(
        session,
        Method::DeviceCode,
        ctx.config.file.sign_in.open_browser && opener.can_open(),
        CLIENT_NAME,
    );
    let idc = ctx.identity_center(session);
    let mut view = OneLineSignInView::default();
    let signed_in =
        crate::engine::signin::run(&idc, &opener, &SystemClock, &request, None, &mut view)
            .await
            .map_err(CliError::SignIn)?;
    ctx.store.save(session, &signed_in)?;
    note!(
        "rolecall: signed in to {} until {}.",
        session.name,
        countdown::utc(signed_in.token.expires_at)
    );
    Ok(())
}

/// The credential_process Version 1 document.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
}

/// The JSON the AWS CLI reads, one line. It holds the credentials: only ever for stdout.
pub(crate) fn document(credentials: &Credentials) -> Result<Secret<String>, CliError> {
    let expiration = match credentials.expires_at {
        Some(t) => Some(
            expiration(t)
                .ok_or_else(|| CliError::Other("the credentials' expiry is out of range".into()))?,
        ),
        None => None,
    };
    let out = Output {
        version: 1,
        access_key_id: &credentials.access_key_id,
        secret_access_key: credentials.secret_access_key.expose(),
        session_token: credentials
            .session_token
            .as_ref()
            .map(|t| t.expose().as_str()),
        expiration,
    };
    serde_json::to_string(&out)
        .map(Secret::new)
        .map_err(|_| CliError::Other("cannot write the credentials as JSON".into()))
}

/// `2026-11-23T18:04:05Z`: UTC, whole seconds (rounded down, so never later than the truth).
pub(crate) fn expiration(t: SystemTime) -> Option<String> {
    let utc = crate::core::time_bounds::to_date_time(t);
    let utc = utc.replace_nanosecond(0).ok()?;
    utc.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .ok()
}

fn print(credentials: &Credentials) -> Result<(), CliError> {
    refuse_expired(credentials, SystemClock.now())?;
    let json = document(credentials)?;
    super::write_stdout(&format!("{}\n", json.expose()))
}

/// Credentials already expired are not handed out (AWS said so, or this clock is far off):
/// the caller would only fail later with a less clear error.
fn refuse_expired(credentials: &Credentials, now: SystemTime) -> Result<(), CliError> {
    match credentials.expires_at {
        Some(at) if at <= now => Err(CliError::Other(format!(
            "the credentials AWS returned expired at {}; is this machine's clock right?",
            countdown::utc(at)
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn expired_credentials_are_refused() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_457_045);
        let with = |expires_at| Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("s".into()),
            session_token: None,
            expires_at,
        };
        let err = refuse_expired(&with(Some(now)), now).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the credentials AWS returned expired at 2026-11-23 18:04 UTC; is this machine's clock right?"
        );
        assert!(refuse_expired(&with(Some(now + Duration::from_secs(1))), now).is_ok());
        assert!(refuse_expired(&with(None), now).is_ok());
    }

    #[test]
    fn version_1_json_with_a_utc_expiration() {
        let c = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("secret".into()),
            session_token: Some(Secret::new("token".into())),
            expires_at: Some(
                SystemTime::UNIX_EPOCH
                    + Duration::from_secs(1_795_457_045)
                    + Duration::from_millis(900),
            ),
        };
        assert_eq!(
            document(&c).unwrap().expose(),
            r#"{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret","SessionToken":"token","Expiration":"2026-11-23T18:04:05Z"}"#
        );
    }

    #[test]
    fn long_term_keys_have_no_token_or_expiration() {
        let c = Credentials {
            access_key_id: "AKIAEXAMPLE".into(),
            secret_access_key: Secret::new("secret".into()),
            session_token: None,
            expires_at: None,
        };
        assert_eq!(
            document(&c).unwrap().expose(),
            r#"{"Version":1,"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"secret"}"#
        );
    }
}
