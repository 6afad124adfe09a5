//! What every hand-over subcommand starts with, for SSO roles and chains alike: the thing a
//! TARGET names (a chain by name, else an account × role of an identity center) and its
//! credentials, region and "who am I".

use std::io::{BufRead, IsTerminal, Write};

use super::CliError;
use super::context::Context;
use super::target_credentials::{credentials_for, kept_credentials};
use crate::adapters::aws_sts::AwsSts;
use crate::core::catalog::Account;
use crate::core::chain::{ChainError, ChainSource, ChainSpec, Chains};
use crate::core::credentials::Credentials;
use crate::core::region::{FALLBACK_REGION, credentials_region};
use crate::core::sso::SsoSession;
use crate::core::target::{Matching, Target};
use crate::engine::chain::sources::{StandardSources, check_code};
use crate::engine::chain::{Assumption, ChainEnv, MfaCodes, MfaPrompt, NoCode};
use crate::engine::role_credentials::FRESHNESS_MARGIN;
use crate::ports::clock::{Clock, SystemClock};
use crate::secret::Secret;
use crate::session_store::chain_key;

/// Credentials ready to hand over.
#[derive(Debug, Clone)]
pub struct Obtained {
    /// The role (for a chain: the role's account and name).
    pub target: Target,
    /// The chain, when the target is one.
    pub chain: Option<String>,
    /// The identity center of an SSO role (templates' `{session}`); a chain's name otherwise.
    pub session_name: String,
    pub credentials: Credentials,
    /// The region to export.
    pub region: String,
    /// Who the credentials are (GetCallerIdentity), when known.
    pub caller_arn: Option<String>,
    /// Why the session is shorter than asked.
    pub note: Option<String>,
}

impl Obtained {
    pub fn label(&self) -> String {
        match &self.chain {
            Some(chain) => format!("{chain} ({})", self.target.label()),
            None => self.target.label(),
        }
    }

    /// A role assumed with role credentials (role chaining, see
    /// [`ChainSpec::is_role_chained`]); a chain from an IAM user's keys is not.
    pub fn role_chained(&self, ctx: &Context) -> bool {
        self.chain
            .as_ref()
            .and_then(|name| ctx.config.chains.get(name))
            .is_some_and(ChainSpec::is_role_chained)
    }
}

/// The chain a target names: a chain's name, or an alias of one.
pub fn chain_named<'a>(ctx: &'a Context, target: &str) -> Option<&'a ChainSpec> {
    let name = ctx
        .config
        .file
        .aliases
        .get(target)
        .map_or(target, String::as_str);
    ctx.config.chains.get(name.trim())
}

/// The region of an SSO role's credentials: `[app] region`, else the identity center's (the
/// one region rule, [`credentials_region`]).
fn sso_region(ctx: &Context, session: &SsoSession) -> String {
    credentials_region(
        None,
        ctx.config.file.app.region.as_deref(),
        Some(&session.region),
    )
}

/// The credentials `target` names: a chain (assumed, or kept ones), else an SSO role, for a
/// command a person types ([`Matching::Suggest`]). `fresh` asks AWS anew even when kept
/// credentials are still good.
pub async fn obtain(
    ctx: &Context,
    session: Option<&str>,
    target: &str,
    fresh: bool,
) -> Result<Obtained, CliError> {
    obtain_matching(ctx, session, target, fresh, Matching::Suggest).await
}

/// [`obtain`], with the role matched as `matching` allows.
pub async fn obtain_matching(
    ctx: &Context,
    session: Option<&str>,
    target: &str,
    fresh: bool,
    matching: Matching,
) -> Result<Obtained, CliError> {
    if let Some(spec) = chain_named(ctx, target) {
        let assumption = assume_chain(ctx, spec, fresh).await?;
        return chain_obtained(ctx, spec, assumption);
    }
    let session = ctx.session(session)?;
    let (target, credentials) = credentials_for(ctx, &session, target, matching, fresh).await?;
    Ok(Obtained {
        target,
        chain: None,
        session_name: session.name.clone(),
        credentials,
        region: sso_region(ctx, &session),
        caller_arn: None,
        note: None,
    })
}

/// Kept credentials good for a few more minutes, without any network (credential-process's
/// fast path): a chain's, or those of the SSO role the cached catalog has under exactly that
/// name (never another role's).
pub fn kept(ctx: &Context, session: Option<&str>, target: &str) -> Option<Credentials> {
    if let Some(spec) = chain_named(ctx, target) {
        return ctx
            .store
            .load_fresh_chain_credentials(
                &chain_key(&spec.name, &spec.fingerprint()),
                SystemClock.now(),
                FRESHNESS_MARGIN,
            )
            .ok()
            .flatten();
    }
    let session = ctx.session(session).ok()?;
    let catalog = super::target_credentials::cached_catalog(ctx, &session)?;
    let target =
        crate::core::target::resolve(&catalog, target, &ctx.config.file.aliases, Matching::Exact)
            .ok()?;
    kept_credentials(ctx, &session, &target)
}

/// The identity center at the root of a chain, if its first source is an SSO role.
pub fn root_session(ctx: &Context, chains: &Chains, spec: &ChainSpec) -> Option<SsoSession> {
    let root = chains
        .path(&spec.name)
        .ok()
        .and_then(|p| p.last().map(|s| s.source.clone()))
        .unwrap_or_else(|| spec.source.clone());
    match root {
        ChainSource::Sso { session, .. } => ctx.config.session(session.as_deref()).ok().cloned(),
        _ => None,
    }
}

/// Assumes `spec` with the real STS, sources and a tty prompt for MFA codes.
pub async fn assume_chain(
    ctx: &Context,
    spec: &ChainSpec,
    fresh: bool,
) -> Result<Assumption, CliError> {
    let root = root_session(ctx, &ctx.config.chains, spec);
    if let Some(session) = &root {
        ensure_catalog(ctx, session, spec).await?;
    }
    let endpoint = root
        .as_ref()
        .and_then(|s| ctx.config.endpoint(&s.name))
        .map(str::to_owned);
    let sts = AwsSts::new(endpoint.as_deref());
    let sources = StandardSources {
        config: &ctx.config,
        paths: &ctx.paths,
        store: &ctx.store,
        clock: &SystemClock,
    };
    let env = ChainEnv {
        sts: &sts,
        sources: &sources,
        chains: &ctx.config.chains,
        store: &ctx.store,
        clock: &SystemClock,
        prompt: &TtyPrompt,
        user: local_user(),
        app_region: ctx.config.file.app.region.clone(),
        default_region: root.map_or_else(|| FALLBACK_REGION.to_owned(), |s| s.region),
    };
    env.assume(spec, &mut MfaCodes::new(), fresh)
        .await
        .map_err(chain_error)
}

/// A chain whose SSO source names its account by name needs the catalog to find the id:
/// list it once when nothing is cached.
async fn ensure_catalog(
    ctx: &Context,
    session: &SsoSession,
    spec: &ChainSpec,
) -> Result<(), CliError> {
    let by_name = ctx.config.chains.path(&spec.name).ok().is_some_and(|path| {
        path.iter().any(|s| {
            matches!(&s.source, ChainSource::Sso { account, .. }
                if !crate::core::catalog::AccountId::is_valid(account))
        })
    });
    if by_name && super::target_credentials::cached_catalog(ctx, session).is_none() {
        super::list_cmd::catalog_for(ctx, session, false).await?;
    }
    Ok(())
}

fn chain_obtained(
    ctx: &Context,
    spec: &ChainSpec,
    assumption: Assumption,
) -> Result<Obtained, CliError> {
    // Checked when the chain was loaded and again when it was assumed.
    let role = crate::core::chain::RoleArn::parse(&spec.role_arn)
        .map_err(|e| CliError::Usage(format!("chain {}: {e}", spec.name)))?;
    let account_id = role.account_id().clone();
    let account_name = account_name(ctx, &account_id).unwrap_or_else(|| account_id.to_string());
    if let Some(note) = &assumption.note {
        note!("rolecall: {}: {note}", spec.name);
    }
    Ok(Obtained {
        target: Target {
            account: Account {
                id: account_id,
                name: account_name,
                email: None,
            },
            role: role.name().to_owned(),
        },
        chain: Some(spec.name.clone()),
        session_name: spec.name.clone(),
        region: assumption.region,
        caller_arn: assumption.caller_arn,
        note: assumption.note,
        credentials: assumption.credentials,
    })
}

/// An account's name from any cached catalog.
fn account_name(ctx: &Context, account_id: &str) -> Option<String> {
    ctx.config.sessions.iter().find_map(|session| {
        super::target_credentials::cached_catalog(ctx, session)?
            .accounts
            .into_iter()
            .find(|e| e.account.id == account_id)
            .map(|e| e.account.name)
    })
}

/// The local user name, for `{user}` in session names: `$USER`, `$LOGNAME` or `$USERNAME`,
/// else the login name the system gives for our uid (`id -un`, which asks NSS as `whoami` does,
/// so LDAP and sssd users are found too), else `user`.
pub fn local_user() -> String {
    user_from(|k| std::env::var(k).ok(), login_name)
}

fn user_from(
    env: impl Fn(&str) -> Option<String>,
    login: impl FnOnce() -> Option<String>,
) -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.trim().is_empty()))
        .or_else(login)
        .unwrap_or_else(|| "user".to_owned())
}

/// `id -un`: the login name of this process's user.
fn login_name() -> Option<String> {
    let out = std::process::Command::new("id")
        .arg("-un")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let name = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !name.is_empty()).then_some(name)
}

/// A chain's failure as the command line reports it (its exit code is decided with all the
/// others, in [`CliError::exit_code`]).
pub fn chain_error(e: ChainError) -> CliError {
    match e {
        ChainError::NeedsSignIn { message } => CliError::NeedsLogin(message),
        ChainError::NeedsMfa { chain, serial } => CliError::Usage(format!(
            "{chain}: an MFA code from {serial} is needed and nobody can be asked here: run it in a terminal, pipe the code on stdin, or set mfa_process"
        )),
        other => CliError::Chain(other),
    }
}

/// Asks for MFA codes: a code piped on stdin when stdin is not a terminal, else on the
/// terminal itself (`/dev/tty`, so it works under `eval "$(…)"` and credential_process).
pub struct TtyPrompt;

impl MfaPrompt for TtyPrompt {
    fn ask(&self, chain: &str, serial: &str) -> Result<Secret<String>, NoCode> {
        let question = format!("rolecall: {chain}: MFA code for {serial}: ");
        let line = if std::io::stdin().is_terminal() {
            ask_tty(&question)
        } else {
            super::output::ask(&question);
            let mut line = String::new();
            let read = std::io::stdin().lock().read_line(&mut line).ok();
            // Nothing echoed the piped answer: end the question's line.
            note!("");
            read.filter(|n| *n > 0).map(|_| line)
        };
        let code = line.ok_or(NoCode::Nobody)?.trim().to_owned();
        check_code(&code).map_err(|_| NoCode::NotACode)?;
        Ok(Secret::new(code))
    }
}

fn ask_tty(question: &str) -> Option<String> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut writer = tty.try_clone().ok()?;
    writer
        .write_all(crate::core::terminal_text::shown(question).as_bytes())
        .ok()?;
    writer.flush().ok()?;
    let mut line = String::new();
    std::io::BufReader::new(tty).read_line(&mut line).ok()?;
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_comes_from_the_environment_then_the_login_name() {
        let env = |k: &str| (k == "LOGNAME").then(|| "lee".to_owned());
        assert_eq!(user_from(env, || Some("root".into())), "lee");
        let blank = |k: &str| (k == "USER").then(|| " ".to_owned());
        assert_eq!(user_from(blank, || Some("root".into())), "root");
        assert_eq!(user_from(|_| None, || None), "user");
    }
}
