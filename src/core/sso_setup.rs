//! The first run against a real identity center: the access portal URL, its region and a
//! session name as a person answers them (on the command line, the terminal or the app's
//! form), checked into the `[sso-session NAME]` to write.

use super::ids::Region;
use super::start_url::{StartUrl, StartUrlError};

/// What `[sso-session NAME]` is to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSsoSession {
    pub name: String,
    pub start_url: StartUrl,
    pub region: Region,
}

/// Why the answers do not make an `[sso-session]`, in words for the person who gave them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    StartUrl(#[from] StartUrlError),
    #[error("the access portal URL is needed, such as https://my-company.awsapps.com/start")]
    NoStartUrl,
    #[error("the region is needed: the URL does not say which region the identity center is in")]
    NoRegion,
    #[error("region {0:?} is not a region name such as eu-west-1")]
    Region(String),
    #[error("session name {0:?}: a session name is 1 to 64 letters, digits, '-', '_' or '.'")]
    Name(String),
}

/// The region asked for when the URL does not carry one (where the identity center is most
/// often set up).
pub const DEFAULT_REGION: &str = "us-east-1";

/// Whether `name` can name an `[sso-session NAME]` (and a file of ours).
pub fn check_name(name: &str) -> Result<(), SetupError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(SetupError::Name(name.to_owned()))
    }
}

/// The session name offered for `start_url`: the portal's own name (`my-company` of
/// `https://my-company.awsapps.com/start`), else `default`.
pub fn default_name(start_url: &str) -> String {
    let name = StartUrl::parse(start_url)
        .ok()
        .and_then(|u| u.portal_name())
        .filter(|n| check_name(n).is_ok());
    name.unwrap_or_else(|| "default".to_owned())
}

/// The `[sso-session]` the answers make. An empty `region` takes the URL's, an empty `name`
/// [`default_name`].
pub fn from_answers(
    start_url: &str,
    region: &str,
    name: &str,
) -> Result<NewSsoSession, SetupError> {
    if start_url.trim().is_empty() {
        return Err(SetupError::NoStartUrl);
    }
    let start_url = StartUrl::parse(start_url)?;
    let region = match region.trim() {
        "" => start_url.region().ok_or(SetupError::NoRegion)?,
        given => Region::parse(given).map_err(|_| SetupError::Region(given.to_owned()))?,
    };
    let name = match name.trim() {
        "" => default_name(start_url.as_str()),
        given => given.to_owned(),
    };
    check_name(&name)?;
    Ok(NewSsoSession {
        name,
        start_url,
        region,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn answers_make_a_session_with_the_urls_region_and_name_by_default() {
        let s = from_answers("https://ssoins-1234.portal.ap-south-1.app.aws", "", "").unwrap();
        assert_eq!(s.region.as_str(), "ap-south-1");
        assert_eq!(s.name, "default");
        let s = from_answers(" https://my-company.awsapps.com/start ", "eu-west-1", "").unwrap();
        assert_eq!(s.start_url.as_str(), "https://my-company.awsapps.com/start");
        assert_eq!(s.region.as_str(), "eu-west-1");
        assert_eq!(s.name, "my-company");
        let s = from_answers("https://a.awsapps.com/start", "eu-west-1", "work").unwrap();
        assert_eq!(s.name, "work");
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        let err = |u: &str, r: &str, n: &str| from_answers(u, r, n).unwrap_err().to_string();
        assert!(err("", "", "").contains("access portal URL is needed"));
        assert!(err("http://a.awsapps.com/start", "", "").contains("not an https URL"));
        assert!(err("https://a.awsapps.com/start", "", "").contains("region is needed"));
        assert!(err("https://a.awsapps.com/start", "Europe", "").contains("\"Europe\""));
        assert!(err("https://a.awsapps.com/start", "eu-west-1", "a b").contains("1 to 64"));
        assert!(err("https://a.awsapps.com/start", "eu-west-1", "x]").contains("session name"));
    }

    #[test]
    fn the_default_name_is_the_portals_own() {
        assert_eq!(
            default_name("https://acme-corp.awsapps.com/start"),
            "acme-corp"
        );
        assert_eq!(
            default_name("https://d-9067a1b2c3.awsapps.com/start"),
            "d-9067a1b2c3"
        );
        assert_eq!(default_name("https://sso.example.com/start"), "default");
        assert_eq!(default_name("not a url"), "default");
    }
}
