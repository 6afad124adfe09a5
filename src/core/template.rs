//! `{placeholder}` templates (profile names, session names): filled from a lookup, with the
//! two ways a template can be wrong named; and shell commands (`[[actions]]`), whose
//! placeholders are filled with shell-quoted values.

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

/// `template` with every `{name}` that `lookup` knows replaced by its value, in one pass (a
/// value is never searched for placeholders again). Anything else is kept as written: a shell
/// command's `${HOME}`, `awk '{print $1}'` or a lone `{`.
pub fn fill_known(template: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after
            .find('}')
            .and_then(|close| Some((close, lookup(&after[..close])?)));
        match known {
            Some((close, value)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `value` as one word for a POSIX shell: inside single quotes, where nothing is special, with
/// each `'` written as `'\''`. Every byte, line breaks included, comes out as it went in.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_placeholders_only_in_one_pass() {
        let lookup = |n: &str| match n {
            "a" => Some("{b}".to_owned()),
            "b" => Some("B".to_owned()),
            _ => None,
        };
        assert_eq!(fill_known("{a}/{b}", lookup), "{b}/B");
        assert_eq!(
            fill_known("${HOME} awk '{print $1}' { {b", lookup),
            "${HOME} awk '{print $1}' { {b"
        );
        assert_eq!(fill_known("{{b}}", lookup), "{B}");
    }

    /// What `sh` makes of `printf %s QUOTED`: the value, byte for byte, and nothing run.
    #[test]
    fn shell_quote_survives_a_real_shell() {
        let values = [
            "",
            "plain",
            "it's",
            "''",
            "$(touch /nonexistent/x)",
            "`id`",
            "a\nb",
            "line\nbreak\r\ttab",
            "\\ \" * ? [ ] ~ # ; & | < > ( ) { } !",
            "ends with '",
            "\u{1b}]52;c;SGk=\u{7}",
        ];
        for value in values {
            let quoted = shell_quote(value);
            let out = std::process::Command::new("/bin/sh")
                .args(["-c", &format!("printf %s {quoted}")])
                .output()
                .unwrap();
            assert!(out.status.success(), "{value:?}");
            assert_eq!(String::from_utf8(out.stdout).unwrap(), value, "{quoted}");
        }
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn fills_and_names_what_is_wrong() {
        let lookup = |n: &str| (n == "a").then_some("x");
        assert_eq!(fill("{a}-{a}.", lookup), Ok("x-x.".to_owned()));
        assert_eq!(fill("{b}", lookup), Err(TemplateError::Unknown("b".into())));
        assert_eq!(fill("{a", lookup), Err(TemplateError::Unclosed));
    }
}
