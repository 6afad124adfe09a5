//! `{placeholder}` templates (profile names, session names): filled from a lookup, with the
//! two ways a template can be wrong named; and shell commands (`[[actions]]`), whose
//! placeholders are filled according to where they stand (bare, in `"…"`, in `'…'`), found
//! by a small lexer over the command.

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// A `{` without its `}`.
    Unclosed,
    /// A placeholder the lookup does not know.
    Unknown(String),
}

/// `template` with every `{name}` replaced by `lookup(name)`.
pub(crate) fn fill<'a>(
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

/// Where a placeholder stands in a POSIX shell command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// Outside quotes (also inside `$(…)` or backticks that are themselves outside or inside quotes).
    Bare,
    /// Inside `"…"`: `$`, backticks and `\` are still special.
    Double,
    /// Inside `'…'`: nothing is special but the closing `'`.
    Single,
}

/// One level of nesting in a shell command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Unquoted text: the command itself, or inside `$(…)` (`parens` still open).
    Bare {
        parens: u32,
    },
    /// Inside backticks.
    Backtick,
    /// Inside `${…}`, quoted as its parent is.
    Brace {
        double: bool,
    },
    Double,
    Single,
}

impl Frame {
    fn quoting(self) -> Quoting {
        match self {
            Frame::Bare { .. } | Frame::Backtick | Frame::Brace { double: false } => Quoting::Bare,
            Frame::Double | Frame::Brace { double: true } => Quoting::Double,
            Frame::Single => Quoting::Single,
        }
    }
}

/// `command` with every `{name}` that `fill(name, quoting)` knows replaced by what it returns
/// for the place the placeholder stands, in one pass (a value is never searched for
/// placeholders again; anything else is kept as written: `${HOME}`, `awk '{print $1}'`, a lone
/// `{`). The lexer follows POSIX quoting: `'…'`, `"…"`, `\`, `$(…)`, backticks, `${…}`
/// and `#` comments; a here-document's body counts as bare text.
pub(crate) fn fill_shell(command: &str, fill: impl Fn(&str, Quoting) -> Option<String>) -> String {
    let mut out = String::with_capacity(command.len());
    let mut stack = vec![Frame::Bare { parens: 0 }];
    let mut rest = command;
    let mut word_start = true;
    while let Some(c) = rest.chars().next() {
        let top = stack.last().copied().unwrap_or(Frame::Bare { parens: 0 });
        if c == '{' {
            let known = rest[1..]
                .find('}')
                .and_then(|close| Some((close, fill(&rest[1..close + 1], top.quoting())?)));
            if let Some((close, value)) = known {
                out.push_str(&value);
                rest = &rest[close + 2..];
                word_start = false;
                continue;
            }
        }
        let mut taken = c.len_utf8();
        let bare = !matches!(top, Frame::Double | Frame::Single);
        match (top, c) {
            (Frame::Single, '\'') => {
                stack.pop();
            }
            (Frame::Single, _) => {}
            (_, '\\') => {
                taken += rest[1..].chars().next().map_or(0, char::len_utf8);
            }
            (Frame::Double, '"') => {
                stack.pop();
            }
            (_, '$') if rest[1..].starts_with('(') => {
                stack.push(Frame::Bare { parens: 1 });
                taken += 1;
            }
            (_, '$') if rest[1..].starts_with('{') => {
                stack.push(Frame::Brace {
                    double: top.quoting() == Quoting::Double,
                });
                taken += 1;
            }
            (Frame::Backtick, '`') => {
                stack.pop();
            }
            (_, '`') => stack.push(Frame::Backtick),
            (Frame::Brace { .. }, '}') => {
                stack.pop();
            }
            (Frame::Double, _) => {}
            (_, '\'') => stack.push(Frame::Single),
            (_, '"') => stack.push(Frame::Double),
            (_, '#') if bare && word_start => {
                taken = rest.find('\n').unwrap_or(rest.len());
            }
            (Frame::Bare { parens }, '(') => {
                stack.pop();
                stack.push(Frame::Bare { parens: parens + 1 });
            }
            (Frame::Bare { parens }, ')') if parens > 0 => {
                stack.pop();
                if parens > 1 {
                    stack.push(Frame::Bare { parens: parens - 1 });
                }
            }
            _ => {}
        }
        word_start = bare && (c.is_whitespace() || ";&|()".contains(c));
        out.push_str(&rest[..taken]);
        rest = &rest[taken..];
        if stack.is_empty() {
            stack.push(Frame::Bare { parens: 0 });
        }
    }
    out
}

/// `value` written as literal text where `quoting` says it stands: one word when bare, the
/// same characters inside quotes. For showing a command to its user; a command that runs takes
/// its values from the environment instead (see `core::action`).
pub(crate) fn quote_for(value: &str, quoting: Quoting) -> String {
    match quoting {
        Quoting::Bare => shell_quote(value),
        Quoting::Double => value
            .chars()
            .flat_map(|c| {
                let escape = matches!(c, '"' | '\\' | '$' | '`').then_some('\\');
                escape.into_iter().chain(std::iter::once(c))
            })
            .collect(),
        Quoting::Single => value.replace('\'', "'\\''"),
    }
}

/// `value` as one word for a POSIX shell: inside single quotes, where nothing is special, with
/// each `'` written as `'\''`. Every byte, line breaks included, comes out as it went in.
pub(crate) fn shell_quote(value: &str) -> String {
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
        let fill = |command: &str| fill_shell(command, |n, _| lookup(n));
        assert_eq!(fill("{a}/{b}"), "{b}/B");
        assert_eq!(
            fill("${HOME} awk '{print $1}' { {b"),
            "${HOME} awk '{print $1}' { {b"
        );
        assert_eq!(fill("{{b}}"), "{B}");
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
