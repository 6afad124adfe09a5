//! An IAM Identity Center start URL as typed by a person: https only, a host, nothing that
//! could split an INI line; the region where the portal's form carries it.

use super::ids::Region;

/// A checked start URL (`https://NAME.awsapps.com/start`, a custom portal's https URL, or the
/// regional form `https://ssoins-ID.portal.REGION.app.aws`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartUrl(String);

/// Why text is not a start URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartUrlError {
    #[error("start URL {0:?} is not an https URL (such as https://my-company.awsapps.com/start)")]
    NotHttps(String),
    #[error("start URL {0:?} holds spaces or control characters")]
    Unprintable(String),
    #[error("start URL {0:?} has no host name")]
    NoHost(String),
    #[error("start URL {0:?} carries a user name or password; give the portal's URL alone")]
    Credentials(String),
    #[error("start URL is longer than {MAX_LEN} characters")]
    TooLong,
}

const MAX_LEN: usize = 2048;

impl StartUrl {
    /// Checks `text` (surrounding spaces are trimmed).
    pub fn parse(text: &str) -> Result<Self, StartUrlError> {
        let text = text.trim();
        if text.len() > MAX_LEN {
            return Err(StartUrlError::TooLong);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(StartUrlError::Unprintable(text.to_owned()));
        }
        let parsed = url::Url::parse(text)
            .ok()
            .filter(|u| u.scheme() == "https")
            .ok_or_else(|| StartUrlError::NotHttps(text.to_owned()))?;
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(StartUrlError::NoHost(text.to_owned()));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(StartUrlError::Credentials(text.to_owned()));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The portal's own name: `NAME` of `https://NAME.awsapps.com/…`; None for other forms.
    pub fn portal_name(&self) -> Option<String> {
        let host = url::Url::parse(&self.0)
            .ok()?
            .host_str()?
            .to_ascii_lowercase();
        let name = host.strip_suffix(".awsapps.com")?;
        (!name.is_empty() && !name.contains('.')).then(|| name.to_owned())
    }

    /// The region the URL names: `REGION` of `ssoins-ID.portal.REGION.app.aws`; None for the
    /// `awsapps.com` form and custom portals, whose region must be given.
    pub fn region(&self) -> Option<Region> {
        let host = url::Url::parse(&self.0)
            .ok()?
            .host_str()?
            .to_ascii_lowercase();
        let rest = host.strip_suffix(".app.aws")?;
        let (instance, region) = rest.split_once(".portal.")?;
        (instance.starts_with("ssoins-") && !instance.contains('.'))
            .then(|| Region::parse(region).ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn portal_forms_and_custom_https_urls_are_start_urls() {
        for ok in [
            "https://my-company.awsapps.com/start",
            "https://d-9067a1b2c3.awsapps.com/start/#/",
            "https://ssoins-72231f5f7cbd1e2a.portal.eu-central-1.app.aws",
            "https://sso.example.com/start",
        ] {
            assert_eq!(StartUrl::parse(ok).unwrap().as_str(), ok);
        }
        assert_eq!(
            StartUrl::parse("  https://a.awsapps.com/start \n")
                .unwrap()
                .as_str(),
            "https://a.awsapps.com/start"
        );
    }

    #[test]
    fn other_text_is_refused_with_its_reason() {
        use StartUrlError::*;
        type Reason = fn(String) -> StartUrlError;
        let cases: [(&str, Reason); 5] = [
            ("http://a.awsapps.com/start", NotHttps),
            ("a.awsapps.com/start", NotHttps),
            ("https://a.awsapps.com/start\n[x]", Unprintable),
            ("https://a b.awsapps.com", Unprintable),
            ("https://me:pw@a.awsapps.com/start", Credentials),
        ];
        for (text, want) in cases {
            assert_eq!(StartUrl::parse(text), Err(want(text.to_owned())), "{text}");
        }
        assert_eq!(
            StartUrl::parse(&format!("https://a.com/{}", "x".repeat(3000))),
            Err(TooLong)
        );
    }

    #[test]
    fn the_region_comes_from_the_regional_portal_form_only() {
        let region = |t: &str| StartUrl::parse(t).unwrap().region().map(|r| r.to_string());
        assert_eq!(
            region("https://ssoins-72231f5f7cbd1e2a.portal.eu-central-1.app.aws/").as_deref(),
            Some("eu-central-1")
        );
        assert_eq!(region("https://my-company.awsapps.com/start"), None);
        assert_eq!(region("https://x.portal.eu-west-1.app.aws"), None);
        assert_eq!(region("https://ssoins-1.portal.Bad_Region.app.aws"), None);
        assert_eq!(region("https://sso.example.com/start"), None);
    }
}
