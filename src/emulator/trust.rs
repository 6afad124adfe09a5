//! Trust-policy evaluation for `sts:AssumeRole`: may this caller, with this request, assume
//! this role?
//!
//! A role trusts a caller when one of `trust.principals` names it, or one of
//! `trust.principal_arn_like` matches its `aws:PrincipalArn` (the two lists model two policy
//! statements, so either is enough). Then the conditions apply: `sts:ExternalId`,
//! `aws:MultiFactorAuthPresent`, and the extra actions `sts:TagSession` and
//! `sts:SetSourceIdentity` when the request tags the session or sets a source identity.

use axum::http::StatusCode;

use super::aws_error::AwsError;
use super::org::{IamRole, Trust};
use super::store::{IssuedCredentials, Principal};

/// AWS's message when a wrong MFA code is given.
pub(crate) const INVALID_MFA_MESSAGE: &str =
    "MultiFactorAuthentication failed with invalid MFA one time pass code.";

/// What the request brings to the trust decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AssumeRequest<'a> {
    /// `ExternalId`, if given.
    pub external_id: Option<&'a str>,
    /// The MFA `SerialNumber` + `TokenCode` of this request.
    pub mfa: MfaInput,
    /// The new session will carry session tags (requested or inherited transitive ones).
    pub tags: bool,
    /// The new session will carry a source identity (requested or inherited).
    pub source_identity: bool,
}

/// The one-time code a request carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum MfaInput {
    /// No `SerialNumber`/`TokenCode`.
    #[default]
    Absent,
    /// The code is the device's current (or previous) code.
    Valid,
    /// Unknown device or wrong code.
    Invalid,
}

/// Decides whether `caller` may assume `role`; the error is the `AccessDenied` AWS sends.
pub(crate) fn evaluate(
    role: &IamRole,
    caller: &IssuedCredentials,
    request: &AssumeRequest<'_>,
) -> Result<(), AwsError> {
    let deny = || not_authorized(&caller.principal, &role_arn(role));
    if !trusts(&role.trust, &caller.principal) {
        return Err(deny());
    }
    if request.mfa == MfaInput::Invalid {
        return Err(invalid_mfa());
    }
    let conditions = [
        role.trust
            .external_id
            .as_deref()
            .is_none_or(|wanted| request.external_id == Some(wanted)),
        !role.trust.require_mfa || caller.mfa_present || request.mfa == MfaInput::Valid,
        !request.tags || role.trust.allow_tag_session,
        !request.source_identity || role.trust.allow_source_identity,
    ];
    if conditions.iter().all(|ok| *ok) {
        Ok(())
    } else {
        Err(deny())
    }
}

/// Whether the trust policy's principals (or principal ARN patterns) include `principal`.
pub(crate) fn trusts(trust: &Trust, principal: &Principal) -> bool {
    trust
        .principals
        .iter()
        .any(|p| principal_matches(p, principal))
        || trust
            .principal_arn_like
            .iter()
            .any(|pattern| glob_match(pattern, &principal.principal_arn()))
}

/// One `Principal` entry against a caller: `*`, an account (`111111111111` or
/// `arn:aws:iam::111111111111:root`), or an exact user, role or assumed-role session ARN.
pub(crate) fn principal_matches(entry: &str, principal: &Principal) -> bool {
    if entry == "*" {
        return true;
    }
    if let Some(account) = account_of(entry) {
        return account == principal.account();
    }
    entry == principal.principal_arn() || entry == principal.arn()
}

/// The account an account-wide principal entry names.
fn account_of(entry: &str) -> Option<&str> {
    let account = entry
        .strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.strip_suffix(":root"))
        .unwrap_or(entry);
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// IAM `StringLike`: `*` matches any run of characters (also none), `?` exactly one;
/// case-sensitive.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and the text position it currently swallows up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_pi, star_ti)) = star {
            pi = star_pi + 1;
            ti = star_ti + 1;
            star = Some((star_pi, star_ti + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// `arn:aws:iam::ACCOUNT:role/NAME`.
pub(crate) fn role_arn(role: &IamRole) -> String {
    format!("arn:aws:iam::{}:role/{}", role.account, role.name)
}

/// AWS's `AccessDenied` for a caller who may not assume `role_arn` (also sent for roles that
/// do not exist).
pub(crate) fn not_authorized(caller: &Principal, role_arn: &str) -> AwsError {
    AwsError::sts(
        StatusCode::FORBIDDEN,
        "AccessDenied",
        format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
            caller.arn()
        ),
    )
}

/// AWS's `AccessDenied` for a wrong MFA code.
pub(crate) fn invalid_mfa() -> AwsError {
    AwsError::sts(StatusCode::FORBIDDEN, "AccessDenied", INVALID_MFA_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE_ARN: &str = "arn:aws:iam::222222222222:role/target";

    fn role(trust: Trust) -> IamRole {
        IamRole {
            account: "222222222222".into(),
            name: "target".into(),
            max_session_seconds: 3600,
            trust,
        }
    }

    fn trust(principals: &[&str]) -> Trust {
        Trust {
            principals: principals.iter().map(|p| (*p).to_owned()).collect(),
            ..Trust::default()
        }
    }

    fn user(account: &str, name: &str) -> IssuedCredentials {
        caller(Principal::IamUser {
            account: account.into(),
            name: name.into(),
        })
    }

    fn sso_session() -> IssuedCredentials {
        caller(Principal::AssumedRole {
            account: "111111111111".into(),
            role_path: "/aws-reserved/sso.amazonaws.com/".into(),
            role_name: "AWSReservedSSO_Admin_0123456789abcdef".into(),
            session_name: "alice".into(),
        })
    }

    fn caller(principal: Principal) -> IssuedCredentials {
        IssuedCredentials {
            secret_access_key: String::new(),
            session_token: None,
            expires_at: None,
            principal,
            mfa_present: false,
            source_identity: None,
            transitive_tags: Vec::new(),
            tags: Vec::new(),
        }
    }

    fn allowed(role: &IamRole, caller: &IssuedCredentials, request: AssumeRequest<'_>) -> bool {
        evaluate(role, caller, &request).is_ok()
    }

    #[test]
    fn star_trusts_everyone() {
        let r = role(trust(&["*"]));
        assert!(allowed(
            &r,
            &user("999999999999", "x"),
            AssumeRequest::default()
        ));
        assert!(allowed(&r, &sso_session(), AssumeRequest::default()));
    }

    #[test]
    fn an_account_trusts_all_its_principals() {
        for entry in ["111111111111", "arn:aws:iam::111111111111:root"] {
            let r = role(trust(&[entry]));
            assert!(allowed(
                &r,
                &user("111111111111", "jenkins"),
                AssumeRequest::default()
            ));
            assert!(allowed(&r, &sso_session(), AssumeRequest::default()));
            assert!(!allowed(
                &r,
                &user("333333333333", "jenkins"),
                AssumeRequest::default()
            ));
        }
    }

    #[test]
    fn a_user_arn_trusts_only_that_user() {
        let r = role(trust(&["arn:aws:iam::111111111111:user/jenkins"]));
        assert!(allowed(
            &r,
            &user("111111111111", "jenkins"),
            AssumeRequest::default()
        ));
        assert!(!allowed(
            &r,
            &user("111111111111", "other"),
            AssumeRequest::default()
        ));
        assert!(!allowed(&r, &sso_session(), AssumeRequest::default()));
    }

    #[test]
    fn a_role_arn_trusts_that_roles_sessions() {
        let session = sso_session();
        let r = role(trust(&[&session.principal.principal_arn()]));
        assert!(allowed(&r, &session, AssumeRequest::default()));
        assert!(!allowed(
            &r,
            &user("111111111111", "jenkins"),
            AssumeRequest::default()
        ));
        let plain = caller(Principal::AssumedRole {
            account: "111111111111".into(),
            role_path: "/".into(),
            role_name: "deployer".into(),
            session_name: "s".into(),
        });
        let r = role(trust(&["arn:aws:iam::111111111111:role/deployer"]));
        assert!(allowed(&r, &plain, AssumeRequest::default()));
        assert!(!allowed(&r, &session, AssumeRequest::default()));
    }

    #[test]
    fn principal_arn_patterns_match_with_wildcards() {
        let r = role(Trust {
            principal_arn_like: vec![
                "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*".into(),
            ],
            ..Trust::default()
        });
        assert!(allowed(&r, &sso_session(), AssumeRequest::default()));
        assert!(!allowed(
            &r,
            &user("111111111111", "jenkins"),
            AssumeRequest::default()
        ));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "a-x-b-y-c"));
        assert!(!glob_match("a*b*c", "a-x-b-y-d"));
        assert!(!glob_match("ABC", "abc"));
        assert!(glob_match("**x", "x"));
    }

    #[test]
    fn nobody_is_trusted_by_an_empty_policy() {
        let r = role(Trust::default());
        assert!(!allowed(
            &r,
            &user("222222222222", "x"),
            AssumeRequest::default()
        ));
    }

    #[test]
    fn denials_carry_awss_message() {
        let r = role(trust(&["333333333333"]));
        let err = evaluate(&r, &sso_session(), &AssumeRequest::default()).unwrap_err();
        assert_eq!(err.code, "AccessDenied");
        assert_eq!(err.status, StatusCode::FORBIDDEN);
        assert_eq!(
            err.message,
            format!(
                "User: arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice \
                 is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"
            )
        );
    }

    #[test]
    fn the_external_id_must_match() {
        let r = role(Trust {
            external_id: Some("partner-42".into()),
            ..trust(&["*"])
        });
        let c = user("111111111111", "jenkins");
        let with = |id| AssumeRequest {
            external_id: id,
            ..AssumeRequest::default()
        };
        assert!(allowed(&r, &c, with(Some("partner-42"))));
        assert!(!allowed(&r, &c, with(Some("partner-43"))));
        assert!(!allowed(&r, &c, with(None)));
        // A role without an external id ignores one.
        assert!(allowed(&role(trust(&["*"])), &c, with(Some("anything"))));
    }

    #[test]
    fn mfa_comes_from_the_session_or_the_request() {
        let r = role(Trust {
            require_mfa: true,
            ..trust(&["*"])
        });
        let mut c = user("111111111111", "jenkins");
        let with = |mfa| AssumeRequest {
            mfa,
            ..AssumeRequest::default()
        };
        assert!(!allowed(&r, &c, with(MfaInput::Absent)));
        assert!(allowed(&r, &c, with(MfaInput::Valid)));
        let err = evaluate(&r, &c, &with(MfaInput::Invalid)).unwrap_err();
        assert_eq!(err.message, INVALID_MFA_MESSAGE);
        c.mfa_present = true;
        assert!(allowed(&r, &c, with(MfaInput::Absent)));
        // A wrong code fails even where MFA is not required.
        let open = role(trust(&["*"]));
        assert!(!allowed(&open, &c, with(MfaInput::Invalid)));
        // But an untrusted caller learns nothing about the code.
        let closed = role(trust(&["333333333333"]));
        let err = evaluate(&closed, &c, &with(MfaInput::Valid)).unwrap_err();
        assert!(err.message.starts_with("User: "), "{}", err.message);
    }

    #[test]
    fn tags_and_source_identity_need_their_actions() {
        let strict = role(Trust {
            allow_tag_session: false,
            allow_source_identity: false,
            ..trust(&["*"])
        });
        let open = role(trust(&["*"]));
        let c = user("111111111111", "jenkins");
        let tags = AssumeRequest {
            tags: true,
            ..AssumeRequest::default()
        };
        let source = AssumeRequest {
            source_identity: true,
            ..AssumeRequest::default()
        };
        assert!(!allowed(&strict, &c, tags));
        assert!(!allowed(&strict, &c, source));
        assert!(allowed(&strict, &c, AssumeRequest::default()));
        assert!(allowed(&open, &c, tags));
        assert!(allowed(&open, &c, source));
    }
}
