//! The IAM ARN of an SSO role. Identity Center does not create `role/<permission set>`: it
//! creates `AWSReservedSSO_<permission set>_<hash>` under the path
//! `/aws-reserved/sso.amazonaws.com/`. The hash is known only once STS has said who assumed
//! credentials are (GetCallerIdentity's `assumed-role/<role name>/<session>`).

/// The path Identity Center puts its roles under.
const SSO_PATH: &str = "aws-reserved/sso.amazonaws.com/";

/// The role's ARN: exact when `caller_arn` (GetCallerIdentity of credentials of this role)
/// names it, else what it is with the unknown hash elided and said so.
pub(super) fn sso_role_arn(account_id: &str, role: &str, caller_arn: Option<&str>) -> String {
    if let Some((partition, name)) = caller_arn.and_then(|arn| reserved_name(arn, account_id, role))
    {
        return format!("arn:{partition}:iam::{account_id}:role/{SSO_PATH}{name}");
    }
    format!(
        "arn:aws:iam::{account_id}:role/{SSO_PATH}AWSReservedSSO_{role}_… (exact name known after assuming)"
    )
}

/// `(partition, AWSReservedSSO_<role>_<hash>)` from `arn:<partition>:sts::<account>:
/// assumed-role/<name>/<session>`, when it is this account's SSO role `role`.
fn reserved_name<'a>(arn: &'a str, account_id: &str, role: &str) -> Option<(&'a str, &'a str)> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("sts::")?;
    let (account, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("assumed-role/")?;
    let (name, _session) = rest.split_once('/')?;
    let hash = name
        .strip_prefix("AWSReservedSSO_")?
        .strip_prefix(role)?
        .strip_prefix('_')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
    };
    (account == account_id && plain(hash) && plain(name) && plain(partition))
        .then_some((partition, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exact_arn_once_sts_has_named_the_role() {
        let caller = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/me@x";
        assert_eq!(
            sso_role_arn("111122223333", "Admin", Some(caller)),
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123abcd"
        );
    }

    #[test]
    fn before_that_what_it_is() {
        let other_account = "arn:aws:sts::999999999999:assumed-role/AWSReservedSSO_Admin_0123/me";
        let other_role = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdminX_0123/me";
        let hostile = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_\u{1b}[2J/me";
        for caller in [None, Some(other_account), Some(other_role), Some(hostile)] {
            assert_eq!(
                sso_role_arn("111122223333", "Admin", caller),
                "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_… (exact name known after assuming)",
                "{caller:?}"
            );
        }
    }
}
