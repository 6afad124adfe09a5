//! The region rules. [`hand_over_region`] is THE rule for the region credentials are handed
//! over in (exported as `AWS_REGION`, given to actions as `{region}`, written with a profile,
//! the console's region), for the subcommands and the app alike. [`credentials_region`] is the
//! narrower rule for where a chain is assumed (its STS region).

use serde::Deserialize;

use super::ids::Region;

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
    first_named([chain, app, origin]).to_owned()
}

fn first_named<'a>(candidates: impl IntoIterator<Item = Option<&'a str>>) -> &'a str {
    candidates
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|r| !r.is_empty())
        .unwrap_or(FALLBACK_REGION)
}

/// `[[regions]]` of config.toml: the region for the roles of the accounts `account` matches
/// (an account name or id; `*` stands for any run of characters), only the role `role` names
/// when given (`*` as well).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionRule {
    pub account: String,
    pub role: Option<String>,
    pub region: Region,
}

/// What the rule looks at for one hand-over. Every field is optional; blank text is absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RegionSources {
    /// Said for this hand-over: `--region`, or the region picked with `r` in the app.
    pub(crate) chosen: Option<String>,
    /// A chain's own `region` (or its nearest source chain's): a setting of that one target.
    pub(crate) chain: Option<String>,
    /// The first `[[regions]]` rule with a `role` matching the account and role.
    pub(crate) role_rule: Option<String>,
    /// The first `[[regions]]` rule without a `role` matching the account.
    pub(crate) account_rule: Option<String>,
    /// The `region` of the user's AWS CLI profile for this account and role (`sso_account_id`
    /// and `sso_role_name`; not one rolecall wrote).
    pub(crate) aws_profile: Option<String>,
    /// The shell's `AWS_REGION`, else `AWS_DEFAULT_REGION`, when the user set it (not rolecall).
    pub(crate) shell: Option<String>,
    /// `[app] region`.
    pub(crate) app: Option<String>,
    /// Where the credentials come from: the identity center's region (for a chain, the region
    /// it was assumed in).
    pub(crate) origin: Option<String>,
}

impl RegionSources {
    /// Fills in the two `[[regions]]` slots from the first rules matching (the account by id
    /// or name).
    pub(crate) fn with_rules(
        mut self,
        rules: &[RegionRule],
        account_id: &str,
        account_name: &str,
        role: &str,
    ) -> Self {
        let account_matches =
            |r: &&RegionRule| glob(&r.account, account_id) || glob(&r.account, account_name);
        self.role_rule = rules
            .iter()
            .filter(account_matches)
            .find(|r| r.role.as_deref().is_some_and(|p| glob(p, role)))
            .map(|r| r.region.to_string());
        self.account_rule = rules
            .iter()
            .filter(account_matches)
            .find(|r| r.role.is_none())
            .map(|r| r.region.to_string());
        self
    }
}

/// A user's AWS CLI profile for an SSO role that names a region (`sso_account_id`,
/// `sso_role_name`, `region`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRegion {
    pub account_id: String,
    pub role: String,
    pub region: Region,
}

/// Everything the rule reads that is the same for every target of a run: the `[[regions]]`
/// rules, the user's profiles, the shell's region (the user's, not one rolecall set) and
/// `[app] region`. The workspace builds it for the subcommands, the composition root hands the
/// same to the app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionContext {
    pub rules: Vec<RegionRule>,
    pub profiles: Vec<ProfileRegion>,
    pub shell: Option<String>,
    pub app: Option<String>,
}

/// One hand-over's target, as the rule needs it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegionTarget<'a> {
    pub account_id: &'a str,
    pub account_name: &'a str,
    pub role: &'a str,
    /// `--region`, or the region picked with `r` in the app.
    pub chosen: Option<&'a str>,
    /// A chain's own `region` (or its nearest source chain's).
    pub chain: Option<&'a str>,
    /// Where the credentials come from: the identity center's region, a chain's STS region.
    pub origin: &'a str,
}

impl RegionContext {
    /// The region `target`'s credentials are handed over in ([`hand_over_region`]).
    pub fn region(&self, t: &RegionTarget<'_>) -> String {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let sources = RegionSources {
            chosen: owned(t.chosen),
            chain: owned(t.chain),
            aws_profile: self
                .profiles
                .iter()
                .find(|p| p.account_id == t.account_id && p.role == t.role)
                .map(|p| p.region.to_string()),
            shell: self.shell.clone(),
            app: self.app.clone(),
            origin: owned(Some(t.origin)),
            ..RegionSources::default()
        }
        .with_rules(&self.rules, t.account_id, t.account_name, t.role);
        hand_over_region(&sources)
    }
}

/// THE region rule for a hand-over, first named wins:
/// chosen (`--region`, the app's `r`) > the chain's own `region` > a `[[regions]]` rule for the
/// role > one for the account > the user's AWS CLI profile for that account and role > the
/// user's `AWS_REGION`/`AWS_DEFAULT_REGION` > `[app] region` > the identity center's (where the
/// credentials come from) > us-east-1.
pub(crate) fn hand_over_region(s: &RegionSources) -> String {
    first_named(
        [
            &s.chosen,
            &s.chain,
            &s.role_rule,
            &s.account_rule,
            &s.aws_profile,
            &s.shell,
            &s.app,
            &s.origin,
        ]
        .map(Option::as_deref),
    )
    .to_owned()
}

/// `pattern` matches all of `text`, `*` standing for any run of characters (case-sensitive, as
/// account and role names are).
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
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

    fn all() -> RegionSources {
        let s = |r: &str| Some(r.to_owned());
        RegionSources {
            chosen: s("r-chosen-1"),
            chain: s("r-chain-1"),
            role_rule: s("r-role-1"),
            account_rule: s("r-account-1"),
            aws_profile: s("r-profile-1"),
            shell: s("r-shell-1"),
            app: s("r-app-1"),
            origin: s("r-origin-1"),
        }
    }

    #[test]
    fn the_hand_over_rule_takes_the_first_named_in_its_order() {
        let mut s = all();
        let order = [
            "r-chosen-1",
            "r-chain-1",
            "r-role-1",
            "r-account-1",
            "r-profile-1",
            "r-shell-1",
            "r-app-1",
            "r-origin-1",
        ];
        let slots: [fn(&mut RegionSources) -> &mut Option<String>; 8] = [
            |s| &mut s.chosen,
            |s| &mut s.chain,
            |s| &mut s.role_rule,
            |s| &mut s.account_rule,
            |s| &mut s.aws_profile,
            |s| &mut s.shell,
            |s| &mut s.app,
            |s| &mut s.origin,
        ];
        for (want, slot) in order.iter().zip(slots) {
            assert_eq!(hand_over_region(&s), *want);
            // A blank value counts as absent: the next one shows through.
            *slot(&mut s) = Some("  ".into());
            assert_ne!(hand_over_region(&s), *want, "blank is absent");
            *slot(&mut s) = None;
        }
        assert_eq!(hand_over_region(&s), FALLBACK_REGION);
    }

    fn rule(account: &str, role: Option<&str>, region: &str) -> RegionRule {
        RegionRule {
            account: account.into(),
            role: role.map(str::to_owned),
            region: Region::parse(region).unwrap(),
        }
    }

    #[test]
    fn rules_match_the_account_by_name_or_id_and_a_role_rule_is_its_own_slot() {
        let rules = [
            rule("prod-*", None, "eu-west-1"),
            rule("*", Some("*ReadOnly*"), "us-west-2"),
            rule("111111111111", None, "ap-south-1"),
            rule("prod-*", None, "eu-central-1"),
        ];
        let s =
            RegionSources::default().with_rules(&rules, "222222222222", "prod-payments", "Admin");
        assert_eq!(
            s.account_rule.as_deref(),
            Some("eu-west-1"),
            "the first match"
        );
        assert_eq!(s.role_rule, None);
        let s =
            RegionSources::default().with_rules(&rules, "111111111111", "dev", "AWSReadOnlyAccess");
        assert_eq!(s.role_rule.as_deref(), Some("us-west-2"));
        assert_eq!(s.account_rule.as_deref(), Some("ap-south-1"));
        assert_eq!(hand_over_region(&s), "us-west-2", "the role's rule wins");
        let s = RegionSources::default().with_rules(&rules, "333333333333", "staging", "Admin");
        assert_eq!((s.role_rule, s.account_rule), (None, None));
    }

    #[test]
    fn the_context_fills_every_slot_for_a_target() {
        let ctx = RegionContext {
            rules: vec![rule("prod-*", None, "eu-west-1")],
            profiles: vec![ProfileRegion {
                account_id: "111111111111".into(),
                role: "Admin".into(),
                region: Region::parse("eu-north-1").unwrap(),
            }],
            shell: Some("ap-southeast-2".into()),
            app: Some("us-west-1".into()),
        };
        let t = |account_id, account_name, role| RegionTarget {
            account_id,
            account_name,
            role,
            origin: "us-east-2",
            ..RegionTarget::default()
        };
        assert_eq!(
            ctx.region(&t("222222222222", "prod-x", "Admin")),
            "eu-west-1"
        );
        assert_eq!(ctx.region(&t("111111111111", "dev", "Admin")), "eu-north-1");
        assert_eq!(
            ctx.region(&t("111111111111", "dev", "Other")),
            "ap-southeast-2"
        );
        let chosen = RegionTarget {
            chosen: Some("sa-east-1"),
            ..t("222222222222", "prod-x", "Admin")
        };
        assert_eq!(ctx.region(&chosen), "sa-east-1");
        let chain = RegionTarget {
            chain: Some("ca-central-1"),
            ..t("222222222222", "prod-x", "Admin")
        };
        assert_eq!(ctx.region(&chain), "ca-central-1");
        let bare = RegionContext::default();
        assert_eq!(bare.region(&t("1", "a", "r")), "us-east-2", "the origin");
    }

    #[test]
    fn glob_matches_whole_names() {
        for (p, t) in [
            ("prod-*", "prod-x"),
            ("prod-*", "prod-"),
            ("*", ""),
            ("a*b*c", "axxbyyc"),
            ("*-prod", "payments-prod"),
            ("exact", "exact"),
            ("a*a", "aa"),
        ] {
            assert!(glob(p, t), "{p} {t}");
        }
        for (p, t) in [
            ("prod-*", "xprod-x"),
            ("exact", "exactly"),
            ("*-prod", "prod-x"),
            ("a*a", "a"),
            ("a*b*c", "acb"),
        ] {
            assert!(!glob(p, t), "{p} {t}");
        }
    }
}
