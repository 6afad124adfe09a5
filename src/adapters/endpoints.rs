//! Endpoint overrides. The SDK configs are built by hand (never through the default provider
//! chains, which may look for credentials on their own), so the `AWS_ENDPOINT_URL*` variables the
//! SDKs honour are applied here, from the [`Environment`] read once at the composition root.

use crate::environment::Environment;

/// The services rolecall talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    SsoOidc,
    Sso,
    Sts,
}

impl Service {
    fn env_suffix(self) -> &'static str {
        match self {
            Service::SsoOidc => "SSO_OIDC",
            Service::Sso => "SSO",
            Service::Sts => "STS",
        }
    }
}

/// Where each service is reached: `None` is AWS's own endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    pub sso_oidc: Option<String>,
    pub sso: Option<String>,
    pub sts: Option<String>,
}

impl Endpoints {
    /// Every service at `explicit` (an identity center's `endpoint_url`: the emulator), else
    /// where the environment's `AWS_ENDPOINT_URL*` send it.
    pub fn resolve(explicit: Option<&str>, env: &Environment) -> Self {
        let at =
            |service| endpoint_from(service, explicit, |name| env.var(name).map(str::to_owned));
        Self {
            sso_oidc: at(Service::SsoOidc),
            sso: at(Service::Sso),
            sts: at(Service::Sts),
        }
    }

    /// Every service at `explicit` only (no environment).
    pub fn explicit(explicit: Option<&str>) -> Self {
        Self::resolve(explicit, &Environment::default())
    }
}

fn endpoint_from(
    service: Service,
    explicit: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    if let Some(url) = explicit.filter(|u| !u.is_empty()) {
        return Some(url.to_owned());
    }
    if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return None;
    }
    env(&format!("AWS_ENDPOINT_URL_{}", service.env_suffix()))
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .filter(|u| !u.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_then_service_then_global() {
        let env = |name: &str| match name {
            "AWS_ENDPOINT_URL_SSO" => Some("http://127.0.0.1:1".to_owned()),
            "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:2".to_owned()),
            _ => None,
        };
        assert_eq!(
            endpoint_from(Service::Sso, Some("http://x"), env).as_deref(),
            Some("http://x")
        );
        assert_eq!(
            endpoint_from(Service::Sso, None, env).as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(
            endpoint_from(Service::Sts, None, env).as_deref(),
            Some("http://127.0.0.1:2")
        );
        assert_eq!(endpoint_from(Service::Sts, None, |_| None), None);
    }
}
