//! A reader for the AWS CLI's INI files (`~/.aws/config`, `~/.aws/credentials`) that keeps line
//! numbers, so a problem is reported as `file:line: cause`.
//!
//! It reads as botocore does (Python's `configparser.RawConfigParser`, strict mode, which
//! `botocore.configloader.raw_config_parse` uses), checked by `tests/aws_files/config_reader.rs`
//! against botocore itself:
//! - lines end at `\n`, `\r\n` or `\r`; a line whose first non-blank character is `#` or `;` is
//!   a comment; there are no inline comments (`region = x # y` keeps `x # y`);
//! - a header is `[` … the LAST `]` of the trimmed line: `[profile a] # note` is `profile a`,
//!   and the name keeps its inner spaces (`[ x ]` is ` x `);
//! - `key = value` or `key: value` split at the first `=` or `:`; keys are lower-cased;
//! - a line indented deeper than the line that opened the current key continues its value
//!   (joined with `\n`, blank lines kept inside, trailing ones dropped); `s3 =` followed by
//!   indented `k = v` lines is a nested block, so the value starts with `\n`. Right after a
//!   header nothing is continued, so indented keys there are ordinary keys;
//! - `[DEFAULT]` is not a section: its keys are every section's defaults.
//!
//! Where botocore refuses the whole file (a duplicated section or key, a line that is neither,
//! a setting before any header, a nested line without `=`, a byte order mark), [`read`] keeps
//! going — the later key wins, a repeated section continues the first — and lists each problem
//! with its line, so the caller can say why and still use the rest.

/// One `key = value` pair and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Lower-cased, as botocore reads it.
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// One `[section]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The header's text between `[` and the last `]`, as botocore keeps it (`profile dev`,
    /// `sso-session acme`, ` spaced `).
    pub name: String,
    pub line: usize,
    /// One entry per key (a repeated key replaced the earlier one).
    pub entries: Vec<Entry>,
}

impl Section {
    /// The value of `key` (lower-case).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entry(key).map(|e| e.value.as_str())
    }

    /// The entry of `key` (lower-case), with its line.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// A line botocore would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {cause}")]
pub struct IniError {
    pub line: usize,
    pub cause: String,
}

/// What a file holds, and every line botocore would refuse it for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub sections: Vec<Section>,
    /// Every problem, in line order.
    pub problems: Vec<IniError>,
    /// The one botocore reports: it stops at a repeated section or key, or a setting before
    /// any header; else names the first unreadable line; else a nested block's bad line.
    pub refusal: Option<IniError>,
}

/// How soon botocore gives up on a problem (lower first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stop {
    /// Raised at once: a repeated section or key, a setting before any header.
    AtOnce,
    /// Collected and raised at the end of the file.
    AtEnd,
    /// Raised after reading, while splitting nested blocks.
    AfterReading,
}

/// Parses a whole file, refusing it at its first problem.
pub fn parse(text: &str) -> Result<Vec<Section>, IniError> {
    let parsed = read(text);
    match parsed.refusal {
        Some(problem) => Err(problem),
        None => Ok(parsed.sections),
    }
}

/// Whitespace as Python's `str.strip()` and `re`'s `\s` see it.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Lines as Python's text files give them: split at `\r\n`, `\n` or `\r`.
fn py_file_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Lines as Python's `str.splitlines()` gives them (botocore splits nested blocks so).
fn py_splitlines(text: &str) -> Vec<&str> {
    let breaks = |c: char| {
        matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if breaks(c) {
            out.push(&text[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' && chars.peek().map(|(_, n)| *n) == Some('\n') {
                chars.next();
                end += 1;
            }
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A nested block (`s3 =` then indented `k = v` lines) as botocore reads it: `None` when the
/// value is a plain one; `Err` with the offending text when a line has no `=`.
pub fn nested(value: &str) -> Option<Result<Vec<(String, String)>, String>> {
    if !value.starts_with('\n') {
        return None;
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in py_splitlines(value) {
        let line = py_strip(line);
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Some(Err(line.to_owned()));
        };
        let key = py_strip(key).to_owned();
        pairs.retain(|(k, _)| *k != key);
        pairs.push((key, py_strip(value).to_owned()));
    }
    Some(Ok(pairs))
}

/// A key while its value lines are still being read.
struct RawEntry {
    key: String,
    /// Each line of the value, with its line number.
    parts: Vec<(String, usize)>,
    line: usize,
}

impl RawEntry {
    /// The first line of a nested block that botocore cannot split at `=`.
    fn bad_nested_line(&self) -> Option<(usize, String)> {
        if !self
            .parts
            .first()
            .is_some_and(|(first, _)| first.is_empty())
        {
            return None;
        }
        self.parts
            .iter()
            .find_map(|(text, line)| match nested(&format!("\n{text}")) {
                Some(Err(bad)) => Some((*line, bad)),
                _ => None,
            })
    }
}

struct RawSection {
    name: String,
    line: usize,
    entries: Vec<RawEntry>,
}

/// The key being continued: its section (`None` for `[DEFAULT]`) and position.
#[derive(Clone, Copy)]
struct Open {
    section: Option<usize>,
    entry: usize,
}

#[derive(Default)]
struct Reader {
    sections: Vec<RawSection>,
    /// `[DEFAULT]`'s entries.
    defaults: Vec<RawEntry>,
    problems: Vec<(Stop, IniError)>,
    /// `None` before the first header; `Some(None)` in `[DEFAULT]`.
    current: Option<Option<usize>>,
    open: Option<Open>,
    /// The indentation of the last header or key line.
    indent: usize,
}

impl Reader {
    fn problem(&mut self, stop: Stop, line: usize, cause: String) {
        self.problems.push((stop, IniError { line, cause }));
    }

    fn entries(&mut self, section: Option<usize>) -> &mut Vec<RawEntry> {
        match section {
            Some(i) => &mut self.sections[i].entries,
            None => &mut self.defaults,
        }
    }

    fn header(&mut self, name: &str, line: usize) {
        self.open = None;
        if name == "DEFAULT" {
            self.current = Some(None);
            return;
        }
        if let Some(i) = self.sections.iter().position(|s| s.name == name) {
            let first = self.sections[i].line;
            self.problem(
                Stop::AtOnce,
                line,
                format!(
                    "[{name:?}] appears again (first at line {first}); the AWS CLI refuses the file"
                ),
            );
            self.current = Some(Some(i));
            return;
        }
        self.sections.push(RawSection {
            name: name.to_owned(),
            line,
            entries: Vec::new(),
        });
        self.current = Some(Some(self.sections.len() - 1));
    }

    fn setting(&mut self, section: Option<usize>, key: &str, value: &str, line: usize) {
        let key = key.to_lowercase();
        let entries = self.entries(section);
        if let Some(at) = entries.iter().position(|e| e.key == key) {
            let first = entries.remove(at).line;
            self.problem(
                Stop::AtOnce,
                line,
                format!(
                    "{key:?} is set twice in this section (first at line {first}); the AWS CLI refuses the file"
                ),
            );
        }
        let entries = self.entries(section);
        entries.push(RawEntry {
            key,
            parts: vec![(value.to_owned(), line)],
            line,
        });
        let entry = entries.len() - 1;
        self.open = Some(Open { section, entry });
    }

    fn open_parts(&mut self) -> Option<&mut Vec<(String, usize)>> {
        let open = self.open?;
        self.entries(open.section)
            .get_mut(open.entry)
            .map(|e| &mut e.parts)
    }

    fn line(&mut self, raw: &str, line: usize) {
        let value = py_strip(raw);
        let comment = value.starts_with('#') || value.starts_with(';');
        if value.is_empty() || comment {
            if !comment && let Some(parts) = self.open_parts() {
                parts.push((String::new(), line));
            }
            return;
        }
        let indent = raw.chars().take_while(|c| is_py_space(*c)).count();
        if indent > self.indent
            && let Some(parts) = self.open_parts()
        {
            parts.push((value.to_owned(), line));
            return;
        }
        self.indent = indent;
        if let Some(name) = header_name(value) {
            self.header(name, line);
            return;
        }
        let Some(section) = self.current else {
            self.problem(
                Stop::AtOnce,
                line,
                format!(
                    "{value:?} comes before any [section] header; the AWS CLI refuses the file"
                ),
            );
            return;
        };
        match split_setting(value) {
            Some((key, value)) if !key.is_empty() => self.setting(section, key, value, line),
            Some(_) => self.problem(
                Stop::AtEnd,
                line,
                format!("{value:?} has no key before its `=`; the AWS CLI refuses the file"),
            ),
            None => self.problem(
                Stop::AtEnd,
                line,
                format!(
                    "{value:?} is neither `key = value` nor a [section]; the AWS CLI refuses the file"
                ),
            ),
        }
    }

    fn finish(mut self) -> Parsed {
        // botocore splits nested blocks of the sections only ([DEFAULT]'s reach them).
        let mut bad: Vec<(usize, String)> = self
            .sections
            .iter()
            .flat_map(|s| &s.entries)
            .chain(self.defaults.iter().filter(|_| !self.sections.is_empty()))
            .filter_map(RawEntry::bad_nested_line)
            .collect();
        bad.sort();
        for (line, text) in bad {
            self.problem(
                Stop::AfterReading,
                line,
                format!("{text:?} in a nested block has no `=`; the AWS CLI refuses the file"),
            );
        }
        self.problems.sort_by_key(|(_, p)| p.line);
        let join = |e: RawEntry| Entry {
            value: e
                .parts
                .into_iter()
                .map(|(text, _)| text)
                .collect::<Vec<_>>()
                .join("\n")
                .trim_end_matches(is_py_space)
                .to_owned(),
            key: e.key,
            line: e.line,
        };
        let defaults: Vec<Entry> = self.defaults.into_iter().map(join).collect();
        let sections = self
            .sections
            .into_iter()
            .map(|raw| {
                let mut section = Section {
                    name: raw.name,
                    line: raw.line,
                    entries: raw.entries.into_iter().map(join).collect(),
                };
                for default in &defaults {
                    if section.entry(&default.key).is_none() {
                        section.entries.push(default.clone());
                    }
                }
                section
            })
            .collect();
        // At once: the first one ends the reading, so nothing after it is reported.
        let refusal = match self.problems.iter().find(|(stop, _)| *stop == Stop::AtOnce) {
            Some((_, first)) => Some(first.clone()),
            None => self
                .problems
                .iter()
                .min_by_key(|(stop, _)| *stop)
                .map(|(_, p)| p.clone()),
        };
        Parsed {
            sections,
            problems: self.problems.into_iter().map(|(_, p)| p).collect(),
            refusal,
        }
    }
}

/// The header's name when `line` (trimmed) is one: from `[` to the last `]`, at least one
/// character between.
pub fn header_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// `key = value` or `key: value`, split at the first of either, both sides trimmed.
fn split_setting(line: &str) -> Option<(&str, &str)> {
    let at = line.find(['=', ':'])?;
    Some((py_strip(&line[..at]), py_strip(&line[at + 1..])))
}

/// Reads a whole file, keeping everything usable and listing what botocore would refuse.
pub fn read(text: &str) -> Parsed {
    let mut reader = Reader::default();
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            reader.problem(
                Stop::AtOnce,
                1,
                "the file starts with a byte order mark, which the AWS CLI refuses".into(),
            );
            rest
        }
        None => text,
    };
    for (index, raw) in py_file_lines(text).into_iter().enumerate() {
        reader.line(raw, index + 1);
    }
    reader.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_and_nesting() {
        let text = "# top\n[default]\nregion = us-east-1\n; c\n[profile dev]\ns3 =\n  max = 10\nRegion: eu-west-1\n";
        let s = parse(text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "default");
        assert_eq!(s[1].name, "profile dev");
        assert_eq!(s[1].get("s3"), Some("\nmax = 10"));
        assert_eq!(
            nested(s[1].get("s3").unwrap()),
            Some(Ok(vec![("max".into(), "10".into())]))
        );
        assert_eq!(s[1].get("region"), Some("eu-west-1"));
        assert_eq!(s[1].entries[1].line, 8);
    }

    #[test]
    fn headers_with_comments_and_indented_keys() {
        let text = "[profile a] # note\n  region = x\n  output = json\n[x]\t; c\nk=v ; kept\n";
        let s = parse(text).unwrap();
        assert_eq!(s[0].name, "profile a");
        assert_eq!(s[0].get("region"), Some("x"));
        assert_eq!(s[0].get("output"), Some("json"));
        assert_eq!(s[1].name, "x");
        assert_eq!(s[1].get("k"), Some("v ; kept"));
    }

    #[test]
    fn problems_name_the_line_and_the_rest_is_kept() {
        assert_eq!(parse("[a]\njunk\n").unwrap_err().line, 2);
        assert_eq!(parse("x = 1\n").unwrap_err().line, 1);
        assert!(parse("").unwrap().is_empty());
        let r = read("[a]\nk = 1\n[b]\nk = 2\n[a]\nk = 3\nj = 4\n");
        assert_eq!(
            r.problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            [5, 6]
        );
        assert_eq!(r.sections[0].get("k"), Some("3"));
        assert_eq!(r.sections[0].get("j"), Some("4"));
        assert_eq!(r.sections[1].get("k"), Some("2"));
        let bom = read("\u{feff}[a]\nk = 1\n");
        assert_eq!(bom.problems[0].line, 1);
        assert_eq!(bom.sections[0].get("k"), Some("1"));
    }
}
