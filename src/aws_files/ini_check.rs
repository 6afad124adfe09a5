//! The one check every name and value written into `~/.aws/config` or `~/.aws/credentials`
//! passes (the editor calls it on every write, so no writer can go around it).
//!
//! What is written must read back as exactly itself in every reader of these files: botocore
//! (`configparser.RawConfigParser`: strips values, splits at the first `=` or `:`, lowercases
//! keys, reads `[DEFAULT]` into every section, continues a value over indented lines, splits
//! `[profile NAME]` with `shlex`), the AWS SDKs for Rust and JavaScript (which also take ` #`
//! and ` ;` in a value for a comment, and an indented `[x]` line for a section), and ours.
//! So a value is refused when it has a control character (C0, DEL, C1) or a line break, is
//! empty, starts or ends with a blank, or has a `#`/`;` at its start or after a blank. A value
//! that starts with `[` is fine: it follows `key = `, so no reader sees a header there. Keys are
//! lowercase `[a-z0-9_]`. A section name is words of `A-Z a-z 0-9 . _ - + @ , = : /` (plus
//! any non-ASCII letter) separated by single spaces, never `DEFAULT`.

use crate::core::ids::{Region, RegionError};

/// A name or value that cannot be written because it would not read back as itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unwritable {
    #[error("{what} {value:?} cannot be written: {why}")]
    BadName {
        what: &'static str,
        value: String,
        why: &'static str,
    },
    #[error("the value of {key} cannot be written: {why}")]
    BadValue { key: String, why: &'static str },
}

/// Why `text` cannot be written as a value, if it cannot.
fn unreadable_value(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        Some("it is empty")
    } else if text.chars().any(is_break_or_control) {
        Some("it has a line break or a control character")
    } else if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        Some("it starts or ends with a blank")
    } else if starts_a_comment(text) {
        Some("it has a `#` or `;` that readers take for a comment")
    } else {
        None
    }
}

fn is_break_or_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A `#` or `;` at the start or after a blank.
fn starts_a_comment(text: &str) -> bool {
    let mut after_blank = true;
    for c in text.chars() {
        if after_blank && matches!(c, '#' | ';') {
            return true;
        }
        after_blank = c.is_whitespace();
    }
    false
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-+@,=:/".contains(c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// Checks a `key = value` setting before it is written. The error names the key, never the
/// value (it may be a secret).
pub(crate) fn check_setting(key: &str, value: &str) -> Result<(), Unwritable> {
    let key_ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !key_ok {
        return Err(Unwritable::BadName {
            what: "a key",
            value: key.to_owned(),
            why: "a key is lowercase letters, digits and `_`",
        });
    }
    match unreadable_value(value) {
        Some(why) => Err(Unwritable::BadValue {
            key: key.to_owned(),
            why,
        }),
        None => Ok(()),
    }
}

/// Checks a section's name (`default`, `profile NAME`, `sso-session NAME`, a credentials
/// profile's `NAME`) before it is written.
pub(crate) fn check_section(name: &str) -> Result<(), Unwritable> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name == "DEFAULT" {
        Some("botocore reads [DEFAULT] into every other section")
    } else if !name
        .split(' ')
        .all(|w| !w.is_empty() && w.chars().all(is_name_char))
    {
        Some("a name is letters, digits and `._-+@,=:/`, words separated by one space")
    } else {
        None
    };
    match why {
        Some(why) => Err(Unwritable::BadName {
            what: "a section name",
            value: name.to_owned(),
            why,
        }),
        None => Ok(()),
    }
}

/// Checks a region given on the command line: lowercase letters, digits and single `-`
/// between them (`eu-west-1`, `us-gov-west-1`).
pub(crate) fn check_region(region: &str) -> Result<Region, RegionError> {
    Region::parse(region)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn values_that_read_back_as_themselves_pass() {
        for v in [
            "us-east-1",
            "https://acme.awsapps.com/start",
            "a=b:c",
            "[x]",
            "x#y;z",
            "/usr/bin/rolecall credential-process 1/R --session 'a b'",
            "señor",
        ] {
            assert_eq!(check_setting("k", v), Ok(()), "{v:?}");
        }
    }

    #[test]
    fn values_that_read_back_differently_are_refused() {
        for v in [
            "",
            " x",
            "x ",
            "a\nb",
            "a\rb",
            "a\u{0}",
            "a\u{1b}[31m",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{2028}b",
            "a\tb",
            "#x",
            ";x",
            "a #b",
            "a ;b",
        ] {
            let e = check_setting("sso_role_name", v).unwrap_err();
            assert!(!e.to_string().contains(v) || v.is_empty(), "{e}");
        }
    }

    #[test]
    fn keys_and_section_names() {
        assert!(check_setting("Region", "x").is_err());
        assert!(check_setting("a b", "x").is_err());
        assert!(check_setting("a=b", "x").is_err());
        for ok in [
            "default",
            "profile dev-1",
            "sso-session acme",
            "perfil-señor",
        ] {
            assert_eq!(check_section(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "DEFAULT",
            "profile  x",
            " x",
            "x ",
            "a]b",
            "[x",
            "a;b",
            "a#b",
            "a'b",
            "a\"b",
            "a\\b",
            "a\nb",
            "a\tb",
        ] {
            assert!(check_section(bad).is_err(), "{bad:?}");
        }
    }
}
