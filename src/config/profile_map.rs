//! What the sections of `~/.aws/config` are, named as botocore names them
//! (`botocore.configloader.build_profile_map`): a header starting with `profile`,
//! `sso-session` or `services` is split like a shell line (`shlex.split`) and names something
//! only when it has exactly two words (`[profile  x ]` is `x`, `[profile "my x"]` is `my x`,
//! `[profile a b]` and `[profilefoo]` are nothing); `[default]` is the profile `default`; any
//! other section (`[plugins]`, `[preview]`, `[dev]`) is not a profile.

use std::collections::BTreeMap;

use super::ini::Section;

/// What a config-file section is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionKind {
    Profile(String),
    SsoSession(String),
    Services(String),
    /// Not addressable: another tool's, a malformed header, `[plugins]`…
    Other,
}

/// The kind of a section of `~/.aws/config` from its header's text.
pub fn kind(header: &str) -> SectionKind {
    let second = || match shlex_split(header).as_deref() {
        Some([_, name]) => Some(name.clone()),
        _ => None,
    };
    let named = |f: fn(String) -> SectionKind| second().map_or(SectionKind::Other, f);
    if header.starts_with("profile") {
        named(SectionKind::Profile)
    } else if header.starts_with("sso-session") {
        named(SectionKind::SsoSession)
    } else if header.starts_with("services") {
        named(SectionKind::Services)
    } else if header == "default" {
        SectionKind::Profile("default".into())
    } else {
        SectionKind::Other
    }
}

/// The profile a config-file header names, if any.
pub fn profile_name(header: &str) -> Option<String> {
    match kind(header) {
        SectionKind::Profile(name) => Some(name),
        _ => None,
    }
}

/// The sso-session a config-file header names, if any.
pub fn sso_session_name(header: &str) -> Option<String> {
    match kind(header) {
        SectionKind::SsoSession(name) => Some(name),
        _ => None,
    }
}

/// The profiles of a config file: the LAST section naming a profile wins whole, in the order
/// sections first appear (so `[default]` and `[profile default]`: the later one).
pub fn profiles(sections: &[Section]) -> BTreeMap<String, &Section> {
    sections
        .iter()
        .filter_map(|s| Some((profile_name(&s.name)?, s)))
        .collect()
}

/// The `[sso-session]`s of a config file, by name.
pub fn sso_sessions(sections: &[Section]) -> BTreeMap<String, &Section> {
    sections
        .iter()
        .filter_map(|s| Some((sso_session_name(&s.name)?, s)))
        .collect()
}

/// Python's `shlex.split(text)` (POSIX mode, no comments): words split at space, tab, CR, LF;
/// single quotes literal; in double quotes `\` escapes only `"` and `\`; outside quotes `\`
/// escapes any character. `None` where Python raises (an unclosed quote, a trailing `\`).
pub fn shlex_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => w.push(c),
                            c => {
                                w.push('\\');
                                w.push(c);
                            }
                        },
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(w) = word {
        words.push(w);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_what_botocore_names() {
        let p = |h: &str| profile_name(h);
        assert_eq!(p("profile  x "), Some("x".into()));
        assert_eq!(p("profile\ttabbed"), Some("tabbed".into()));
        assert_eq!(p("profile \"my x\""), Some("my x".into()));
        assert_eq!(p("profile 'a\"b'"), Some("a\"b".into()));
        assert_eq!(p("profile \"e\\\"q\""), Some("e\"q".into()));
        assert_eq!(p("default"), Some("default".into()));
        assert_eq!(p("profile default"), Some("default".into()));
        for none in [
            "profile a b",
            "profilefoo",
            "profile \"a",
            " profile y",
            "dev",
            "profile",
        ] {
            assert_eq!(p(none), None, "{none}");
        }
        assert_eq!(sso_session_name("sso-session  acme "), Some("acme".into()));
        assert_eq!(kind("services s"), SectionKind::Services("s".into()));
        assert_eq!(kind("plugins"), SectionKind::Other);
    }
}
