//! `rolecall setup`: the first run against a real identity center. Writes the
//! `[sso-session NAME]` that `aws configure sso` would write to `~/.aws/config` (so the AWS CLI
//! shares it), asking on the terminal for what the command line left out.

use super::{CliError, first_run};
use crate::core::sso_setup::{self, NewSsoSession, SetupError};
use crate::core::start_url::StartUrl;

#[derive(Debug, clap::Args)]
pub struct SetupArgs {
    /// The AWS access portal URL, such as https://my-company.awsapps.com/start (asked for on a
    /// terminal when missing).
    #[arg(long, value_name = "URL")]
    pub start_url: Option<String>,
    /// The identity center's region (taken from the URL when its form names one).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The name of the [sso-session NAME] to write.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub name: String,
    /// Replace an [sso-session NAME] that names another identity center.
    #[arg(long)]
    pub force: bool,
    /// Sign in right after, as `rolecall login --session NAME` does.
    #[arg(long)]
    pub login: bool,
}

pub(crate) fn run(args: SetupArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    let session = session_from(args.start_url, args.region, args.name, first_run::ask)?;
    first_run::write(&ctx, &session, args.force)?;
    if args.login {
        return super::block_on(super::login_cmd::run_login(super::LoginArgs {
            session: Some(session.name),
            device_code: false,
            no_browser: false,
            force: false,
        }));
    }
    let login = if session.name == "default" {
        "rolecall login".to_owned()
    } else {
        format!("rolecall login --session {}", session.name)
    };
    note!("rolecall: next, sign in with `{login}` (or pass --login to `setup`)");
    Ok(())
}

/// The session to write, from the flags and, for what they leave out, `ask`; checked by the
/// first-run form's rules ([`sso_setup::from_answers`]), its errors naming the flag.
fn session_from(
    start_url: Option<String>,
    region: Option<String>,
    name: String,
    ask: impl Fn(&str) -> Option<String>,
) -> Result<NewSsoSession, CliError> {
    // An empty --name is refused, never the default: the default is clap's.
    sso_setup::check_name(&name).map_err(flagged)?;
    let start_url = start_url
        .or_else(|| ask(first_run::URL_QUESTION))
        .unwrap_or_default();
    // Asked only when a good URL does not say it.
    let region = region.or_else(|| {
        let url = StartUrl::parse(&start_url).ok()?;
        match url.region() {
            Some(_) => None,
            None => ask("The identity center's region (such as eu-west-1)"),
        }
    });
    sso_setup::from_answers(&start_url, region.as_deref().unwrap_or(""), &name).map_err(flagged)
}

/// A setup error as a usage error naming the flag to fix.
fn flagged(e: SetupError) -> CliError {
    CliError::Usage(match e {
        SetupError::NoStartUrl => format!("--start-url: {e}"),
        SetupError::NoRegion | SetupError::Region(_) => format!("--region: {e}"),
        SetupError::Name(_) => format!("--name: {e}"),
        SetupError::StartUrl(_) => e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn never(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn what_the_flags_leave_out_is_asked_for() {
        let answers = |q: &str| {
            Some(
                if q.contains("portal") {
                    "https://a.awsapps.com/start"
                } else {
                    "eu-west-1"
                }
                .into(),
            )
        };
        let s = session_from(None, None, "default".into(), answers).unwrap();
        assert_eq!(s.start_url.as_str(), "https://a.awsapps.com/start");
        assert_eq!(s.region.as_str(), "eu-west-1");
    }

    #[test]
    fn the_region_comes_from_a_regional_url_and_a_flag_wins() {
        let url = "https://ssoins-1234.portal.ap-south-1.app.aws";
        let s = session_from(Some(url.into()), None, "x".into(), never).unwrap();
        assert_eq!(s.region.as_str(), "ap-south-1");
        let s = session_from(
            Some(url.into()),
            Some("us-east-1".into()),
            "x".into(),
            never,
        )
        .unwrap();
        assert_eq!(s.region.as_str(), "us-east-1");
    }

    #[test]
    fn without_a_terminal_missing_flags_are_usage_errors() {
        let e = session_from(None, None, "default".into(), never).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--start-url: the access portal URL is needed"),
            "{e}"
        );
        let e = session_from(
            Some("https://a.awsapps.com/start".into()),
            None,
            "d".into(),
            never,
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("--region: the region is needed"),
            "{e}"
        );
        for bad in ["", "a b", "a]b", "x\n"] {
            let e = session_from(None, None, bad.into(), never).unwrap_err();
            assert!(e.to_string().starts_with("--name"), "{e}");
        }
    }
}
