//! Asking for a new identity center on the terminal and writing it (`rolecall setup` and
//! `rolecall login` with nothing configured), as `aws configure sso` does.

use std::io::{BufRead, IsTerminal, Write};

use super::CliError;
use super::context::Context;
use crate::aws_files::AwsFilesError;
use crate::aws_files::sso_session::SessionWritten;
use crate::core::sso_setup::{self, DEFAULT_REGION, NewSsoSession, SetupError};
use crate::core::start_url::StartUrl;

/// Writes `session` to the AWS CLI's config and says what was done.
pub(crate) fn write(ctx: &Context, session: &NewSsoSession, force: bool) -> Result<(), CliError> {
    let done = ctx.write_sso_session(session, force).map_err(|e| match e {
        AwsFilesError::NotOurs { .. } => CliError::Usage(e.to_string()),
        _ => CliError::Other(e.to_string()),
    })?;
    let shown = ctx.paths.aws_config.display();
    match done {
        SessionWritten::Unchanged => {
            note!(
                "rolecall: [sso-session {}] in {shown} already says so",
                session.name
            );
        }
        SessionWritten::Written(written) => {
            if let Some(notice) = written.notice() {
                note!("rolecall: {notice}");
            }
            note!("rolecall: wrote [sso-session {}] to {shown}", session.name);
        }
    }
    Ok(())
}

/// Asks `question` on the terminal; None when stdin is not one (a script must pass the flag).
pub(crate) fn ask(question: &str) -> Option<String> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question}: ");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(line.trim().to_owned()).filter(|l| !l.is_empty())
}

/// How many times a question is asked again after an answer that does not do.
const TRIES: usize = 3;

/// Asks on the terminal for a new identity center, as `aws configure sso` does: the access
/// portal URL, its region (unless the URL names it; a default offered) and a session name (a
/// default offered). A bad answer is said and asked again.
pub(crate) fn ask_new_session(
    ask: impl Fn(&str) -> Option<String>,
) -> Result<NewSsoSession, CliError> {
    let usage = |e: SetupError| CliError::Usage(e.to_string());
    let mut last = SetupError::NoStartUrl;
    for _ in 0..TRIES {
        let url = ask(URL_QUESTION).unwrap_or_default();
        let region = match StartUrl::parse(&url) {
            Ok(parsed) if parsed.region().is_none() => {
                ask(&format!("The identity center's region [{DEFAULT_REGION}]"))
                    .unwrap_or_else(|| DEFAULT_REGION.to_owned())
            }
            _ => String::new(),
        };
        let name = match sso_setup::from_answers(&url, &region, "") {
            Ok(found) => {
                ask(&format!("A name for this session [{}]", found.name)).unwrap_or_default()
            }
            Err(e) => {
                note!("rolecall: {e}");
                last = e;
                continue;
            }
        };
        match sso_setup::from_answers(&url, &region, &name) {
            Ok(session) => return Ok(session),
            Err(e) => {
                note!("rolecall: {e}");
                last = e;
            }
        }
    }
    Err(usage(last))
}

pub(crate) const URL_QUESTION: &str =
    "AWS access portal URL (such as https://my-company.awsapps.com/start)";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn login_asks_the_url_then_the_region_and_name_with_defaults() {
        let asked = std::cell::RefCell::new(Vec::new());
        let answers = |q: &str| {
            asked.borrow_mut().push(q.to_owned());
            q.contains("portal")
                .then(|| "https://acme.awsapps.com/start".to_owned())
        };
        let s = ask_new_session(answers).unwrap();
        assert_eq!(s.region.as_str(), "us-east-1");
        assert_eq!(s.name, "acme");
        let asked = asked.into_inner();
        assert_eq!(asked.len(), 3, "{asked:?}");
        assert!(asked[1].contains("region [us-east-1]"), "{asked:?}");
        assert!(asked[2].contains("[acme]"), "{asked:?}");
    }

    #[test]
    fn login_takes_the_region_from_the_url_and_asks_again_after_a_bad_answer() {
        let tries = std::cell::Cell::new(0);
        let answers = |q: &str| {
            assert!(!q.contains("region"), "the URL names it: {q}");
            if !q.contains("portal") {
                return Some("work".to_owned());
            }
            tries.set(tries.get() + 1);
            Some(if tries.get() == 1 {
                "http://plain.example.com".to_owned()
            } else {
                "https://ssoins-1234.portal.eu-central-1.app.aws".to_owned()
            })
        };
        let s = ask_new_session(answers).unwrap();
        assert_eq!(
            (s.region.as_str(), s.name.as_str(), tries.get()),
            ("eu-central-1", "work", 2)
        );
        let e = ask_new_session(|_| None).unwrap_err();
        assert!(e.to_string().contains("access portal URL is needed"), "{e}");
    }
}
