//! Where the console opens after sign-in (`console --destination URL` / `--service NAME`):
//! an https URL on the partition's console host (or a regional subdomain of it), or a service's
//! home page. Anything else is refused: the sign-in URL must never send a session elsewhere.

/// What the person asked to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    /// The console's front page.
    Home,
    /// A page of the console.
    Url(url::Url),
    /// A service's home page (`s3` → `<console>/s3/home`).
    Service(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DestinationError {
    #[error("--destination: {0:?} is not an https URL")]
    NotHttps(String),
    #[error("--destination: {url:?} is not on the console ({host})")]
    NotConsole { url: String, host: String },
    #[error("--service: {0:?} is not a service name (lowercase letters, digits and -)")]
    BadService(String),
}

impl Destination {
    /// A `--destination` value: an https URL without user info (its host is checked against
    /// the partition in [`Destination::resolve`]).
    pub(crate) fn url(text: &str) -> Result<Self, DestinationError> {
        let not = || DestinationError::NotHttps(text.to_owned());
        if text.chars().any(char::is_control) {
            return Err(not());
        }
        let url = url::Url::parse(text).map_err(|_| not())?;
        if url.scheme() != "https"
            || url.host_str().is_none()
            || !url.username().is_empty()
            || url.password().is_some()
            || url.port().is_some()
        {
            return Err(not());
        }
        Ok(Destination::Url(url))
    }

    /// A `--service` value: `[a-z0-9-]+`, at most 64 characters.
    pub(crate) fn service(name: &str) -> Result<Self, DestinationError> {
        let good = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if good {
            Ok(Destination::Service(name.to_owned()))
        } else {
            Err(DestinationError::BadService(name.to_owned()))
        }
    }

    /// The page to open on `console` (the partition's console, `https://HOST/`) in `region`.
    pub(crate) fn resolve(&self, console: &str, region: &str) -> Result<String, DestinationError> {
        let base = url::Url::parse(console).ok();
        let host = base
            .as_ref()
            .and_then(|u| u.host_str())
            .unwrap_or_default()
            .to_owned();
        match self {
            Destination::Home => Ok(console.to_owned()),
            Destination::Url(url) => {
                let on = url.host_str().unwrap_or_default();
                if on == host || on.ends_with(&format!(".{host}")) {
                    Ok(url.to_string())
                } else {
                    Err(DestinationError::NotConsole {
                        url: url.to_string(),
                        host,
                    })
                }
            }
            Destination::Service(name) => {
                let mut page = format!("{}/{name}/home", console.trim_end_matches('/'));
                page.push_str("?region=");
                page.extend(form_urlencoded::byte_serialize(region.as_bytes()));
                Ok(page)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONSOLE: &str = "https://console.aws.amazon.com/";

    #[test]
    fn a_service_opens_its_home_in_the_region() {
        let d = Destination::service("s3").unwrap();
        assert_eq!(
            d.resolve(CONSOLE, "eu-west-1").unwrap(),
            "https://console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        for bad in ["", "S3", "s3/../x", "s3?x", "a b", "ec2\n", &"x".repeat(65)] {
            assert!(Destination::service(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_https_pages_of_the_console_are_opened() {
        let ok = [
            "https://console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
            "https://us-east-1.console.aws.amazon.com/lambda/home",
        ];
        for url in ok {
            let d = Destination::url(url).unwrap();
            assert_eq!(d.resolve(CONSOLE, "us-east-1").unwrap(), url);
        }
        for bad in [
            "http://console.aws.amazon.com/",
            "javascript:alert(1)",
            "https://user@console.aws.amazon.com/",
            "https://console.aws.amazon.com:8443/",
            "https://console.aws.amazon.com/\u{1b}[2J",
            "console.aws.amazon.com/s3",
        ] {
            assert!(Destination::url(bad).is_err(), "{bad:?}");
        }
        for elsewhere in [
            "https://evil.example/",
            "https://console.aws.amazon.com.evil.example/",
            "https://evilconsole.aws.amazon.com/",
            "https://console.amazonaws.cn/",
        ] {
            let d = Destination::url(elsewhere).unwrap();
            assert!(d.resolve(CONSOLE, "us-east-1").is_err(), "{elsewhere:?}");
        }
    }
}
