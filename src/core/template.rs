//! `{placeholder}` templates (profile names, session names): filled from a lookup, with the
//! two ways a template can be wrong named.

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `{` without its `}`.
    Unclosed,
    /// A placeholder the lookup does not know.
    Unknown(String),
}

/// `template` with every `{name}` replaced by `lookup(name)`.
pub fn fill<'a>(
    template: &str,
    lookup: impl Fn(&str) -> Option<&'a str>,
) -> Result<String, TemplateError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(TemplateError::Unclosed)?;
        let name = &after[..close];
        out.push_str(lookup(name).ok_or_else(|| TemplateError::Unknown(name.to_owned()))?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_names_what_is_wrong() {
        let lookup = |n: &str| (n == "a").then_some("x");
        assert_eq!(fill("{a}-{a}.", lookup), Ok("x-x.".to_owned()));
        assert_eq!(fill("{b}", lookup), Err(TemplateError::Unknown("b".into())));
        assert_eq!(fill("{a", lookup), Err(TemplateError::Unclosed));
    }
}
