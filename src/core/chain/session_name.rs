//! `RoleSessionName`: from a template, made to fit what STS accepts (2 to 64 characters of
//! `A-Z a-z 0-9 + = , . @ _ -`). It shows up in the assumed-role ARN and in CloudTrail, so the
//! default names the person: `rolecall-{user}`.

/// The template used when a chain names none.
pub(crate) const DEFAULT_TEMPLATE: &str = "rolecall-{user}";

/// What the placeholders stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SessionFields<'a> {
    /// The local user name.
    pub user: &'a str,
    pub chain: &'a str,
    pub account_id: &'a str,
    pub role_name: &'a str,
}

/// The placeholders a template may use.
pub(crate) const PLACEHOLDERS: &[&str] = &["user", "chain", "account_id", "role_name"];

/// Why a `session_name` template cannot be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SessionNameError {
    #[error("session_name {template:?} has an unclosed {{")]
    Unclosed { template: String },
    #[error(
        "session_name {template:?}: unknown placeholder {{{placeholder}}}; known: {}",
        PLACEHOLDERS.join(", ")
    )]
    Unknown {
        template: String,
        placeholder: String,
    },
}

/// Fills `template` (an unknown placeholder is an error) and fits the result to STS's rules.
pub(crate) fn render(
    template: &str,
    fields: &SessionFields<'_>,
) -> Result<String, SessionNameError> {
    use crate::core::template::{TemplateError, fill};
    let out = fill(template, |name| match name {
        "user" => Some(fields.user),
        "chain" => Some(fields.chain),
        "account_id" => Some(fields.account_id),
        "role_name" => Some(fields.role_name),
        _ => None,
    })
    .map_err(|e| match e {
        TemplateError::Unclosed => SessionNameError::Unclosed {
            template: template.to_owned(),
        },
        TemplateError::Unknown(placeholder) => SessionNameError::Unknown {
            template: template.to_owned(),
            placeholder,
        },
    })?;
    Ok(fit(&out))
}

/// Replaces what STS refuses with `-`, cuts to 64 characters, pads to 2.
pub(crate) fn fit(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    while out.len() < 2 {
        out.push('-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> SessionFields<'static> {
        SessionFields {
            user: "jürgen smith",
            chain: "ci",
            account_id: "123456789012",
            role_name: "deploy",
        }
    }

    #[test]
    fn renders_and_fits_sts_rules() {
        assert_eq!(
            render(DEFAULT_TEMPLATE, &fields()).unwrap(),
            "rolecall-j-rgen-smith"
        );
        assert_eq!(
            render("{chain}@{account_id}", &fields()).unwrap(),
            "ci@123456789012"
        );
        assert_eq!(render(&"x".repeat(100), &fields()).unwrap().len(), 64);
        assert_eq!(fit(""), "--");
        assert_eq!(
            render("{nope}", &fields()).unwrap_err().to_string(),
            "session_name \"{nope}\": unknown placeholder {nope}; known: user, chain, account_id, role_name"
        );
        assert_eq!(
            render("{user", &fields()).unwrap_err().to_string(),
            "session_name \"{user\" has an unclosed {"
        );
    }
}
