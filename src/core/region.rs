//! The one region rule: the region credentials are used in — exported as `AWS_REGION`, given to
//! actions as `{region}`, written with a profile, and the STS region of a chain. The subcommands
//! and the app both ask here, so they always agree.

/// Where nothing names a region.
pub(crate) const FALLBACK_REGION: &str = "us-east-1";

/// The region for credentials: a chain's own `region` (it names where the role lives; a chain
/// without one takes the nearest source chain's), else `[app] region`, else the region of where
/// the credentials come from (the identity center's, a source profile's `region`), else
/// us-east-1. Blank values count as absent.
pub(crate) fn credentials_region(
    chain: Option<&str>,
    app: Option<&str>,
    origin: Option<&str>,
) -> String {
    [chain, app, origin]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|r| !r.is_empty())
        .unwrap_or(FALLBACK_REGION)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chains_region_beats_the_apps_which_beats_the_origin() {
        let r = credentials_region;
        assert_eq!(
            r(Some("ap-east-1"), Some("eu-west-1"), Some("us-west-2")),
            "ap-east-1"
        );
        assert_eq!(r(None, Some("eu-west-1"), Some("us-west-2")), "eu-west-1");
        assert_eq!(r(None, None, Some("us-west-2")), "us-west-2");
        assert_eq!(r(None, None, None), "us-east-1");
        assert_eq!(r(Some(" "), Some(""), Some("us-west-2")), "us-west-2");
    }
}
