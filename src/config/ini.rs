//! A reader for the AWS CLI's INI files (`~/.aws/config`, `~/.aws/credentials`) that keeps line
//! numbers, so a malformed file is reported as `file:line: cause`.
//!
//! It follows botocore's rules: `[section]` headers, `key = value` (or `key: value`), full-line
//! comments with `#` or `;`, and indented continuation lines that form a nested block (as in
//! `s3 =\n    max_concurrent_requests = 10`).

/// One `key = value` pair and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// One `[section]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The header's text between the brackets, trimmed (`profile dev`, `sso-session acme`).
    pub name: String,
    pub line: usize,
    pub entries: Vec<Entry>,
}

impl Section {
    /// The last value of `key` (later lines win, as in botocore).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value.as_str())
    }
}

/// A malformed line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {cause}")]
pub struct IniError {
    pub line: usize,
    pub cause: String,
}

/// Parses a whole file.
pub fn parse(text: &str) -> Result<Vec<Section>, IniError> {
    let mut sections: Vec<Section> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented {
            // A continuation of the previous key's (nested) value.
            match sections.last_mut().and_then(|s| s.entries.last_mut()) {
                Some(entry) => {
                    if !entry.value.is_empty() {
                        entry.value.push('\n');
                    }
                    entry.value.push_str(trimmed);
                    continue;
                }
                None => {
                    return Err(IniError {
                        line,
                        cause: "an indented line with nothing before it to continue".into(),
                    });
                }
            }
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(name) = rest.strip_suffix(']') else {
                return Err(IniError {
                    line,
                    cause: format!("section header {trimmed:?} has no closing ]"),
                });
            };
            sections.push(Section {
                name: name.trim().to_owned(),
                line,
                entries: Vec::new(),
            });
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            return Err(IniError {
                line,
                cause: format!("expected `key = value` or a [section], found {trimmed:?}"),
            });
        };
        let Some(section) = sections.last_mut() else {
            return Err(IniError {
                line,
                cause: "a setting before any [section] header".into(),
            });
        };
        section.entries.push(Entry {
            key: key.trim().to_owned(),
            value: value.trim().to_owned(),
            line,
        });
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_and_nesting() {
        let text = "# top\n[default]\nregion = us-east-1\n; c\n[profile dev]\ns3 =\n  max = 10\nregion: eu-west-1\nregion = eu-west-2\n";
        let s = parse(text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "default");
        assert_eq!(s[1].name, "profile dev");
        assert_eq!(s[1].get("s3"), Some("max = 10"));
        assert_eq!(s[1].get("region"), Some("eu-west-2"));
        assert_eq!(s[1].entries[1].line, 8);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("[a\nx=1").unwrap_err().line, 1);
        assert_eq!(parse("[a]\njunk\n").unwrap_err().line, 2);
        assert_eq!(parse("x = 1\n").unwrap_err().line, 1);
        assert!(parse("").unwrap().is_empty());
    }
}
