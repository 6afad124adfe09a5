//! Profile names from a template (`{account_name}-{role_name}` by default), sanitised so the
//! AWS CLI and shells take them as they are: only `A-Z a-z 0-9 . _ -`, anything else becomes `-`.

/// The template `write` and `populate` use unless told otherwise.
pub const DEFAULT_TEMPLATE: &str = "{account_name}-{role_name}";

/// What a template's placeholders stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameFields<'a> {
    pub account_name: &'a str,
    pub account_id: &'a str,
    pub role_name: &'a str,
    pub session: &'a str,
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["account_name", "account_id", "role_name", "session"];

/// Only `A-Z a-z 0-9 . _ -`; every other character becomes `-`.
pub fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Why a profile template gives no name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileTemplateError {
    #[error("profile template {template:?} has a {{ without a }}")]
    Unclosed { template: String },
    #[error(
        "profile template {template:?}: unknown placeholder {{{placeholder}}}; use {}",
        placeholder_list()
    )]
    Unknown {
        template: String,
        placeholder: String,
    },
    #[error("profile template {template:?} gives an empty name")]
    Empty { template: String },
}

/// `{account_name}, {account_id}, …`: what a template may use, as written in one.
fn placeholder_list() -> String {
    PLACEHOLDERS
        .iter()
        .map(|p| format!("{{{p}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fills `template` and sanitises the result. An unknown placeholder, an unclosed `{` or an
/// empty result is an error that says so.
pub fn render(template: &str, fields: &NameFields<'_>) -> Result<String, ProfileTemplateError> {
    use super::template::{TemplateError, fill};
    let out = fill(template, |name| match name {
        "account_name" => Some(fields.account_name),
        "account_id" => Some(fields.account_id),
        "role_name" => Some(fields.role_name),
        "session" => Some(fields.session),
        _ => None,
    })
    .map_err(|e| match e {
        TemplateError::Unclosed => ProfileTemplateError::Unclosed {
            template: template.to_owned(),
        },
        TemplateError::Unknown(placeholder) => ProfileTemplateError::Unknown {
            template: template.to_owned(),
            placeholder,
        },
    })?;
    let name = sanitize(&out);
    if name.trim_matches('-').is_empty() {
        return Err(ProfileTemplateError::Empty {
            template: template.to_owned(),
        });
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const FIELDS: NameFields<'static> = NameFields {
        account_name: "payments dev/ü",
        account_id: "222222222222",
        role_name: "PowerUserAccess",
        session: "acme",
    };

    #[test]
    fn the_default_template_and_every_placeholder() {
        assert_eq!(
            render(DEFAULT_TEMPLATE, &FIELDS).unwrap(),
            "payments-dev---PowerUserAccess"
        );
        assert_eq!(
            render("{session}.{account_id}_{role_name}", &FIELDS).unwrap(),
            "acme.222222222222_PowerUserAccess"
        );
    }

    #[test]
    fn sanitising_keeps_only_safe_characters() {
        assert_eq!(sanitize("a b[c]=d;e#f.g_h-1"), "a-b-c--d-e-f.g_h-1");
        assert_eq!(sanitize("ünï"), "-n-");
    }

    #[test]
    fn bad_templates_say_why() {
        let why = |t: &str| render(t, &FIELDS).unwrap_err().to_string();
        assert_eq!(
            why("{nope}"),
            "profile template \"{nope}\": unknown placeholder {nope}; use {account_name}, {account_id}, {role_name}, {session}"
        );
        assert_eq!(
            why("{account_name"),
            "profile template \"{account_name\" has a { without a }"
        );
        assert_eq!(why("[]"), "profile template \"[]\" gives an empty name");
    }
}
