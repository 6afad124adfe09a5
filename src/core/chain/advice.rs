//! What STS said, and what the person who asked should do about it. Raw error codes
//! (`ExpiredToken`, `AccessDenied`) never reach the user on their own.

/// STS's answer when it is not credentials, as the chain needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StsError {
    /// `AccessDenied`: the trust policy, an external ID or an MFA condition.
    #[error("access denied: {0}")]
    AccessDenied(String),
    /// `AccessDenied` because the MFA code was wrong.
    #[error("the MFA code was not accepted")]
    WrongMfa,
    /// `ExpiredToken`: the credentials that signed the request have expired.
    #[error("the signing credentials have expired")]
    ExpiredToken,
    /// `InvalidClientTokenId` / `SignatureDoesNotMatch`: keys unknown or wrong.
    #[error("the credentials are not valid: {0}")]
    InvalidCredentials(String),
    /// `RegionDisabledException`.
    #[error("STS is not activated in this region: {0}")]
    RegionDisabled(String),
    /// `ValidationError` and friends: the request itself.
    #[error("{0}")]
    Invalid(String),
    /// Throttled after the SDK's retries.
    #[error("STS is throttling requests: {0}")]
    Throttled(String),
    /// Could not reach STS (connection, timeout).
    #[error("cannot reach STS: {0}")]
    Network(String),
    /// A 5xx answer (after the SDK's retries).
    #[error("STS had an internal error: {0}")]
    Server(String),
    #[error("{code}: {message}")]
    Other { code: String, message: String },
}

impl StsError {
    /// STS is not there for now (no answer, 5xx, still throttling): try again later.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StsError::Network(_) | StsError::Server(_) | StsError::Throttled(_)
        )
    }

    /// The message STS gives when a chained role is asked for more than an hour.
    pub fn is_chaining_limit(&self) -> bool {
        matches!(self, StsError::Invalid(m) if m.contains("role chaining"))
    }
}

/// Why a chain gave no credentials, said as advice. The first word is the chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(
        "{chain}: the role's trust policy does not allow {caller}; check the principal, external ID or MFA condition of {role_arn}{}",
        actions_advice(.actions)
    )]
    NotTrusted {
        chain: String,
        caller: String,
        role_arn: String,
        /// Actions beyond `sts:AssumeRole` the request needed the trust policy to allow
        /// (`sts:TagSession` for session tags, `sts:SetSourceIdentity` for a source identity).
        actions: Vec<&'static str>,
    },
    #[error(
        "{chain}: the MFA code for {serial} was not accepted; wait for the next code and try again"
    )]
    WrongMfa { chain: String, serial: String },
    #[error("{chain}: an MFA code from {serial} is needed")]
    NeedsMfa { chain: String, serial: String },
    /// What was typed as the code is not six digits.
    #[error("{chain}: what was typed for {serial} is not a 6-digit MFA code")]
    NotACode { chain: String, serial: String },
    #[error("{chain}: the source credentials expired — refresh {source_label}")]
    SourceExpired { chain: String, source_label: String },
    #[error(
        "{chain}: STS is not activated in {region} for this account; an administrator can activate it under IAM → Account settings, or set the chain's region to one where it is (us-east-1 always is)"
    )]
    RegionDisabled { chain: String, region: String },
    #[error("{chain}: the credentials of {source_label} are not valid ({detail}); check the keys")]
    BadSource {
        chain: String,
        source_label: String,
        detail: String,
    },
    /// The identity center's sign-in is needed for an SSO source.
    #[error("{message}")]
    NeedsSignIn { message: String },
    /// The chain's definition (duration, ARN, source) is wrong: fix the config.
    #[error("{chain}: {message}")]
    Invalid { chain: String, message: String },
    /// STS or the identity center is not there for now (no answer, 5xx, throttling).
    #[error("{chain}: {message}")]
    Unreachable { chain: String, message: String },
    #[error("{chain}: {message}")]
    Failed { chain: String, message: String },
}

/// What was being done when STS refused, to word the advice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt<'a> {
    pub chain: &'a str,
    pub role_arn: &'a str,
    pub region: &'a str,
    /// Who the source credentials are (GetCallerIdentity), when known.
    pub caller: Option<&'a str>,
    pub source_label: &'a str,
    pub mfa_serial: Option<&'a str>,
    /// The request sent session tags (the trust policy must allow `sts:TagSession`).
    pub sends_tags: bool,
    /// The request sent a source identity (the trust policy must allow
    /// `sts:SetSourceIdentity`).
    pub sends_source_identity: bool,
}

/// ", and that it allows sts:TagSession and sts:SetSourceIdentity" (nothing when none).
fn actions_advice(actions: &[&str]) -> String {
    if actions.is_empty() {
        String::new()
    } else {
        format!(", and that it allows {}", actions.join(" and "))
    }
}

/// Turns STS's refusal of an AssumeRole into advice.
pub(crate) fn advise(attempt: &Attempt<'_>, error: StsError) -> ChainError {
    let chain = attempt.chain.to_owned();
    match error {
        StsError::AccessDenied(message) => ChainError::NotTrusted {
            chain,
            caller: attempt
                .caller
                .map(str::to_owned)
                .or_else(|| caller_from_message(&message))
                .unwrap_or_else(|| format!("the credentials of {}", attempt.source_label)),
            role_arn: attempt.role_arn.to_owned(),
            actions: [
                (attempt.sends_tags, "sts:TagSession"),
                (attempt.sends_source_identity, "sts:SetSourceIdentity"),
            ]
            .into_iter()
            .filter_map(|(sent, action)| sent.then_some(action))
            .collect(),
        },
        StsError::WrongMfa => ChainError::WrongMfa {
            chain,
            serial: attempt.mfa_serial.unwrap_or("the MFA device").to_owned(),
        },
        StsError::ExpiredToken => ChainError::SourceExpired {
            chain,
            source_label: attempt.source_label.to_owned(),
        },
        StsError::InvalidCredentials(detail) => ChainError::BadSource {
            chain,
            source_label: attempt.source_label.to_owned(),
            detail,
        },
        StsError::RegionDisabled(_) => ChainError::RegionDisabled {
            chain,
            region: attempt.region.to_owned(),
        },
        e if e.is_unavailable() => ChainError::Unreachable {
            chain,
            message: e.to_string(),
        },
        StsError::Invalid(message) => ChainError::Invalid { chain, message },
        other => ChainError::Failed {
            chain,
            message: other.to_string(),
        },
    }
}

/// `User: arn:… is not authorized to perform …` names the caller.
fn caller_from_message(message: &str) -> Option<String> {
    let rest = message.strip_prefix("User: ")?;
    let end = rest.find(" is not authorized")?;
    Some(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(caller: Option<&'static str>) -> Attempt<'static> {
        Attempt {
            chain: "vendor",
            role_arn: "arn:aws:iam::249804992253:role/vendor-monitoring",
            region: "eu-south-1",
            caller,
            source_label: "observability-prod/ReadOnly",
            mfa_serial: Some("arn:aws:iam::1:mfa/me"),
            sends_tags: false,
            sends_source_identity: false,
        }
    }

    #[test]
    fn a_denial_names_the_actions_tags_and_a_source_identity_need() {
        let denied = |tags, identity| {
            let attempt = Attempt {
                sends_tags: tags,
                sends_source_identity: identity,
                ..attempt(None)
            };
            advise(&attempt, StsError::AccessDenied("no".into())).to_string()
        };
        assert!(
            !denied(false, false).contains("sts:"),
            "{}",
            denied(false, false)
        );
        assert!(
            denied(true, false).ends_with("vendor-monitoring, and that it allows sts:TagSession"),
            "{}",
            denied(true, false)
        );
        assert!(
            denied(true, true)
                .ends_with("and that it allows sts:TagSession and sts:SetSourceIdentity"),
            "{}",
            denied(true, true)
        );
        assert!(
            denied(false, true).ends_with("and that it allows sts:SetSourceIdentity"),
            "{}",
            denied(false, true)
        );
    }

    #[test]
    fn access_denied_names_the_caller_and_what_to_check() {
        let e = advise(
            &attempt(Some("arn:aws:sts::1:assumed-role/x/me")),
            StsError::AccessDenied("no".into()),
        );
        let text = e.to_string();
        assert!(
            text.contains("does not allow arn:aws:sts::1:assumed-role/x/me")
                && text.contains("principal, external ID or MFA condition"),
            "{text}"
        );
        let from_message = advise(
            &attempt(None),
            StsError::AccessDenied(
                "User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole".into(),
            ),
        );
        assert!(
            from_message
                .to_string()
                .contains("allow arn:aws:iam::1:user/u;")
        );
    }

    #[test]
    fn expired_tokens_and_regions_become_advice() {
        let text = advise(&attempt(None), StsError::ExpiredToken).to_string();
        assert!(!text.contains("ExpiredToken"));
        assert!(
            text.contains("refresh observability-prod/ReadOnly"),
            "{text}"
        );
        let text = advise(&attempt(None), StsError::RegionDisabled("x".into())).to_string();
        assert!(text.contains("not activated in eu-south-1"), "{text}");
        let text = advise(&attempt(None), StsError::WrongMfa).to_string();
        assert!(
            text.contains("arn:aws:iam::1:mfa/me was not accepted"),
            "{text}"
        );
        assert!(StsError::Invalid("… by role chaining.".into()).is_chaining_limit());
    }
}
