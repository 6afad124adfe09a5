//! An in-place editor for the AWS CLI's INI files that keeps every byte outside what it edits.
//!
//! The text is cut into lines that keep their own endings (`\n`, `\r\n`, or none for a last
//! line without a final newline). An edit rewrites only the lines of one section (or of the
//! managed block); every other line is copied through untouched, so comments (`#`, `;`), order,
//! blank lines, spacing, mixed line endings, duplicate sections, unicode and other tools'
//! sections survive byte for byte. Lines we add use the file's own line ending (the first one
//! it has; `\n` for a file without any).
//!
//! Lines are read as botocore's parser (`configparser.RawConfigParser`) reads them: a header is
//! any line (indented or not) whose stripped text starts with `[` and has a `]` after at least
//! one character, named by what is between the `[` and its last `]` (so `[x] ; note`, `[x]# c`
//! and `\t[x]` are `[x]`); `key = value` or `key: value` settings (keys compare
//! case-insensitively); full-line comments; and continuation lines, indented deeper than the
//! setting above them, that belong to it (blank lines and comments between do not end a value;
//! an indented `[x]` there is part of the value, not a header).
//!
//! Every name and value written passes [`super::ini_check`].

use super::ini_check::{Unwritable, check_section, check_setting};
use crate::config::ini::is_py_space;

/// The first and last lines of the managed block in `~/.aws/config` (the region rule's reader
/// of the user's profiles knows them too).
pub use crate::config::profile_regions::{MANAGED_BEGIN as BLOCK_BEGIN, MANAGED_END as BLOCK_END};

/// Why an edit was refused (the file is then left alone).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A name or value that would not read back as itself.
    #[error(transparent)]
    Unwritable(#[from] Unwritable),
    #[error("line {line}: {BLOCK_BEGIN:?} has no {BLOCK_END:?} after it; fix the file by hand")]
    UnclosedBlock { line: usize },
    #[error("line {line}: {BLOCK_END:?} has no {BLOCK_BEGIN:?} before it; fix the file by hand")]
    StrayBlockEnd { line: usize },
    #[error("line {line}: a second rolecall managed block; keep one and delete the other")]
    SecondBlock { line: usize },
    #[error("{what} {name:?} would be written twice, which the AWS CLI refuses")]
    Repeated { what: &'static str, name: String },
    /// A setting added at the end of a section whose next header is indented: the AWS CLI
    /// would read that header as a line of the new value.
    #[error(
        "line {line}: an indented section header follows [{section}], and this edit would make it part of a setting above it; remove the indent by hand"
    )]
    IndentedHeader { line: usize, section: String },
}

/// The first name that `names` holds twice (as configparser compares them: `fold` applied).
fn repeated<'a>(
    what: &'static str,
    names: impl IntoIterator<Item = &'a str>,
    fold: fn(&str) -> String,
) -> Result<(), EditError> {
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        if !seen.insert(fold(name)) {
            return Err(EditError::Repeated {
                what,
                name: name.to_owned(),
            });
        }
    }
    Ok(())
}

/// One line and its ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line<'a> {
    text: &'a str,
    eol: &'a str,
}

impl<'a> Line<'a> {
    /// The line without Python's whitespace around it (botocore strips with `str.strip()`,
    /// which also takes U+001C..U+001F).
    fn trimmed(&self) -> &'a str {
        self.text.trim_matches(is_py_space)
    }

    fn is_blank_or_comment(&self) -> bool {
        let t = self.trimmed();
        t.is_empty() || t.starts_with('#') || t.starts_with(';')
    }

    fn push_to(&self, out: &mut String) {
        out.push_str(self.text);
        out.push_str(self.eol);
    }
}

/// What botocore makes of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    /// Blank, a comment, or a line it cannot read (left as it is).
    Other,
    Header(&'a str),
    /// A setting and its key.
    Setting(&'a str),
    /// More of the setting above.
    Continuation,
}

/// The name of a header line's section: between its `[` and its last `]`.
fn header_name(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('[')?;
    let close = rest.rfind(']').filter(|&i| i > 0)?;
    Some(&rest[..close])
}

/// Every line's kind, reading as botocore does (see the module's documentation).
fn classify<'a>(lines: &[Line<'a>]) -> Vec<Kind<'a>> {
    let mut kinds = Vec::with_capacity(lines.len());
    let mut in_section = false;
    let mut in_setting = false;
    let mut indent_level = 0;
    for line in lines {
        if line.is_blank_or_comment() {
            kinds.push(Kind::Other);
            continue;
        }
        let indent = line.text.chars().take_while(|c| is_py_space(*c)).count();
        if in_section && in_setting && indent > indent_level {
            kinds.push(Kind::Continuation);
            continue;
        }
        indent_level = indent;
        let trimmed = line.trimmed();
        if let Some(name) = header_name(trimmed) {
            in_section = true;
            in_setting = false;
            kinds.push(Kind::Header(name));
            continue;
        }
        let key = trimmed
            .split_once(['=', ':'])
            .map(|(k, _)| k.trim_matches(is_py_space))
            .filter(|k| in_section && !k.is_empty());
        match key {
            Some(key) => {
                in_setting = true;
                kinds.push(Kind::Setting(key));
            }
            None => kinds.push(Kind::Other),
        }
    }
    kinds
}

fn header_of<'a>(kind: &Kind<'a>) -> Option<&'a str> {
    match kind {
        Kind::Header(name) => Some(name),
        _ => None,
    }
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    // Where botocore's reader (Python's universal newlines) ends a line: `\r\n`, `\n` or a
    // lone `\r`.
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                let eol_len = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                lines.push(Line {
                    text: &rest[..i],
                    eol: &rest[i..i + eol_len],
                });
                rest = &rest[i + eol_len..];
            }
            None => {
                lines.push(Line {
                    text: rest,
                    eol: "",
                });
                rest = "";
            }
        }
    }
    lines
}

/// The file's line ending: its first one, else `\n`.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Whether a header's name is the section `name`, as botocore matches them: a name of one word
/// (`default`, a credentials profile) exactly; `profile NAME` and `sso-session NAME` after
/// `shlex` splitting (`[profile  dev ]` is `profile dev`).
fn same_name(header: &str, name: &str) -> bool {
    if name.contains(' ') {
        !header.starts_with(char::is_whitespace)
            && header.split_whitespace().eq(name.split_whitespace())
    } else {
        header == name
    }
}

/// Where a section's lines are: `[header, body_end)` holds the header and its settings,
/// `[body_end, end)` the blank lines and comments before the next header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    header: usize,
    body_end: usize,
    end: usize,
}

fn spans_of(lines: &[Line<'_>], kinds: &[Kind<'_>], name: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let is_ours = header_of(&kinds[i]).is_some_and(|h| same_name(h, name));
        if !is_ours {
            i += 1;
            continue;
        }
        let header = i;
        let mut end = i + 1;
        while end < lines.len() && header_of(&kinds[end]).is_none() {
            end += 1;
        }
        let mut body_end = end;
        while body_end > header + 1 && lines[body_end - 1].is_blank_or_comment() {
            body_end -= 1;
        }
        spans.push(Span {
            header,
            body_end,
            end,
        });
        i = end;
    }
    spans
}

/// The names of every `[section]` in `text`, in order (duplicates included).
pub fn section_names(text: &str) -> Vec<String> {
    classify(&split_lines(text))
        .iter()
        .filter_map(|k| header_of(k).map(str::to_owned))
        .collect()
}

/// Whether `text` has a `[name]` section.
pub fn has_section(text: &str, name: &str) -> bool {
    classify(&split_lines(text))
        .iter()
        .any(|k| header_of(k).is_some_and(|h| same_name(h, name)))
}

/// The keys (lowercased) of the last `[name]` section, the one readers use; `None` without one.
pub fn section_keys(text: &str, name: &str) -> Option<Vec<String>> {
    let lines = split_lines(text);
    let kinds = classify(&lines);
    let span = spans_of(&lines, &kinds, name).pop()?;
    Some(
        kinds[span.header + 1..span.body_end]
            .iter()
            .filter_map(|k| match k {
                Kind::Setting(key) => Some(key.to_lowercase()),
                _ => None,
            })
            .collect(),
    )
}

/// The value of `key` in the last `[name]` section (its last setting, without continuation).
pub fn section_value(text: &str, name: &str, key: &str) -> Option<String> {
    let lines = split_lines(text);
    let kinds = classify(&lines);
    let span = spans_of(&lines, &kinds, name).pop()?;
    (span.header + 1..span.body_end)
        .rev()
        .find(|&i| matches!(kinds[i], Kind::Setting(k) if k.eq_ignore_ascii_case(key)))
        .and_then(|i| lines[i].text.split_once(['=', ':']))
        .map(|(_, v)| v.trim_matches(is_py_space).to_owned())
}

fn check_all(name: &str, set: &[(&str, &str)]) -> Result<(), EditError> {
    check_section(name)?;
    set.iter().try_for_each(|(k, v)| check_setting(k, v))?;
    repeated(
        "the key",
        set.iter().map(|(k, _)| *k),
        str::to_ascii_lowercase,
    )
}

/// Which keys of a section an edit removes besides those it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remove<'a> {
    /// These (the others stay).
    Keys(&'a [&'a str]),
    /// Every other key: the section ends up holding exactly what is set.
    AllOthers,
}

/// Pushes a setting line rewritten with a new value, keeping its key and spacing around the
/// `=` (no temporary copy of the value: it may be a secret).
fn push_replaced(out: &mut String, line: &str, value: &str) {
    let Some(sep) = line.find(['=', ':']) else {
        out.push_str(line);
        return;
    };
    let after = &line[sep + 1..];
    let gap = &after[..after.len() - after.trim_start().len()];
    let gap = if gap.is_empty() && line[..sep].ends_with([' ', '\t']) {
        " "
    } else {
        gap
    };
    out.push_str(&line[..=sep]);
    out.push_str(gap);
    out.push_str(value);
}

/// Pushes `key = value` and the line ending.
fn push_setting(out: &mut String, key: &str, value: &str, eol: &str) {
    for part in [key, " = ", value, eol] {
        out.push_str(part);
    }
}

/// Sets `set` (key, value) and removes `remove` in section `[name]`, creating the section at the
/// end of the file when it is missing. Keys of that section we do not name stay as they are;
/// a key we set keeps its place (the first of duplicates does; the others go). With duplicate
/// `[name]` sections the last one is edited, as it is the one later readers see.
pub fn set_section(
    text: &str,
    name: &str,
    set: &[(&str, &str)],
    remove: Remove<'_>,
) -> Result<String, EditError> {
    check_all(name, set)?;
    let lines = split_lines(text);
    let kinds = classify(&lines);
    let eol = line_ending(text);
    let Some(span) = spans_of(&lines, &kinds, name).last().copied() else {
        return Ok(append_section(text, &lines, eol, name, set));
    };
    let owned = |key: &str| {
        set.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))
            || match remove {
                Remove::Keys(keys) => keys.iter().any(|k| k.eq_ignore_ascii_case(key)),
                Remove::AllOthers => true,
            }
    };
    let mut out = String::with_capacity(text.len() + 256);
    for line in &lines[..=span.header] {
        line.push_to(&mut out);
    }
    let mut written = vec![false; set.len()];
    let mut skipping_continuation = false;
    let body = span.header + 1..span.body_end;
    for (line, kind) in lines[body.clone()].iter().zip(&kinds[body]) {
        // A value goes on over deeper-indented lines, even past blank lines and comments
        // (botocore reads it so): those of a setting we replace or remove go with it.
        if *kind == Kind::Continuation && skipping_continuation {
            continue;
        }
        let Kind::Setting(key) = *kind else {
            line.push_to(&mut out);
            continue;
        };
        skipping_continuation = owned(key);
        if !skipping_continuation {
            line.push_to(&mut out);
            continue;
        }
        let wanted = set.iter().position(|(k, _)| k.eq_ignore_ascii_case(key));
        if let Some(i) = wanted.filter(|&i| !written[i]) {
            written[i] = true;
            push_replaced(&mut out, line.text, set[i].1);
            out.push_str(if line.eol.is_empty() { eol } else { line.eol });
        }
    }
    let missing: Vec<(&str, &str)> = set
        .iter()
        .zip(&written)
        .filter(|(_, done)| !**done)
        .map(|(kv, _)| *kv)
        .collect();
    // The next section's header (past blank lines and comments, which do not end a value).
    let next = lines.get(span.end);
    if !missing.is_empty() && next.is_some_and(|l| l.text.starts_with(is_py_space)) {
        return Err(EditError::IndentedHeader {
            line: span.end + 1,
            section: name.to_owned(),
        });
    }
    ensure_line_break(&mut out, eol);
    for (key, value) in missing {
        push_setting(&mut out, key, value, eol);
    }
    let ends_file = span.body_end == lines.len();
    if ends_file && lines.last().is_some_and(|l| l.eol.is_empty()) {
        // The section ended the file without a final newline: so does its new version.
        let cut = if out.ends_with("\r\n") {
            2
        } else {
            usize::from(out.ends_with('\n'))
        };
        out.truncate(out.len() - cut);
    }
    for line in &lines[span.body_end..] {
        line.push_to(&mut out);
    }
    Ok(out)
}

/// Ends `out` with a line break unless it is empty or already ends with one.
fn ensure_line_break(out: &mut String, eol: &str) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
}

/// `text`, then a blank line, then the new section.
fn append_section(
    text: &str,
    lines: &[Line<'_>],
    eol: &str,
    name: &str,
    set: &[(&str, &str)],
) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(text);
    separate(&mut out, lines, eol);
    out.push_str(&format!("[{name}]{eol}"));
    for (key, value) in set {
        push_setting(&mut out, key, value, eol);
    }
    out
}

/// After `out` (a copy of `lines`), a line break and a blank line unless the text is empty or
/// already ends with a blank line.
fn separate(out: &mut String, lines: &[Line<'_>], eol: &str) {
    ensure_line_break(out, eol);
    if lines.last().is_some_and(|l| !l.trimmed().is_empty()) {
        out.push_str(eol);
    }
}

/// Removes every `[name]` section (its header and settings; the comments and blank lines after
/// its last setting stay, as they usually introduce the next section). One blank line that
/// separated it from its neighbours goes with it. Refused when an indented header follows a
/// removed section ([`EditError::IndentedHeader`]).
pub fn remove_section(text: &str, name: &str) -> Result<String, EditError> {
    let lines = split_lines(text);
    let spans = spans_of(&lines, &classify(&lines), name);
    if spans.is_empty() {
        return Ok(text.to_owned());
    }
    let mut drop = vec![false; lines.len()];
    for span in &spans {
        // An indented header after a removed one would continue the setting above it (blank
        // lines and comments do not end a value for configparser).
        let next = lines.get(span.end);
        if span.header > 0 && next.is_some_and(|l| l.text.starts_with(is_py_space)) {
            return Err(EditError::IndentedHeader {
                line: span.end + 1,
                section: name.to_owned(),
            });
        }
        for d in &mut drop[span.header..span.body_end] {
            *d = true;
        }
        let blank_before = span.header == 0 || lines[span.header - 1].trimmed().is_empty();
        let blank_after = lines
            .get(span.body_end)
            .is_some_and(|l| l.trimmed().is_empty());
        if blank_before && blank_after {
            drop[span.body_end] = true;
        } else if span.body_end == lines.len() && span.header > 0 && blank_before {
            drop[span.header - 1] = true;
        }
    }
    let mut out = String::with_capacity(text.len());
    for (line, _) in lines.iter().zip(&drop).filter(|(_, d)| !**d) {
        line.push_to(&mut out);
    }
    Ok(out)
}

/// Where the managed block is: the line numbers (0-based) of its begin and end markers.
fn find_block(lines: &[Line<'_>]) -> Result<Option<(usize, usize)>, EditError> {
    let mut begin = None;
    let mut found = None;
    for (i, line) in lines.iter().enumerate() {
        match line.trimmed() {
            BLOCK_BEGIN if found.is_some() || begin.is_some() => {
                return Err(EditError::SecondBlock { line: i + 1 });
            }
            BLOCK_BEGIN => begin = Some(i),
            BLOCK_END => match begin.take() {
                Some(b) => found = Some((b, i)),
                None => return Err(EditError::StrayBlockEnd { line: i + 1 }),
            },
            _ => {}
        }
    }
    match begin {
        Some(b) => Err(EditError::UnclosedBlock { line: b + 1 }),
        None => Ok(found),
    }
}

/// The text between the managed block's markers, if there is a block.
pub fn managed_block(text: &str) -> Result<Option<String>, EditError> {
    let lines = split_lines(text);
    Ok(find_block(&lines)?.map(|(begin, end)| {
        let mut body = String::new();
        for line in &lines[begin + 1..end] {
            line.push_to(&mut body);
        }
        body
    }))
}

/// The text outside the managed block (all of it when there is none).
pub fn outside_block(text: &str) -> Result<String, EditError> {
    let lines = split_lines(text);
    let Some((begin, end)) = find_block(&lines)? else {
        return Ok(text.to_owned());
    };
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if i < begin || i > end {
            line.push_to(&mut out);
        }
    }
    Ok(out)
}

/// A section to write: its name and its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection {
    pub name: String,
    pub settings: Vec<(String, String)>,
}

impl NewSection {
    /// Checks it as [`set_section`] would.
    pub fn check(&self) -> Result<(), EditError> {
        check_section(&self.name)?;
        self.settings
            .iter()
            .try_for_each(|(k, v)| check_setting(k, v))?;
        repeated(
            "the key",
            self.settings.iter().map(|(k, _)| k.as_str()),
            str::to_ascii_lowercase,
        )
    }
}

/// Replaces what is between the managed block's markers with `sections` (a blank line between
/// two; lines get the file's ending), or appends a new block at the end of the file. Every
/// name and value is checked first; one that fails leaves the text alone.
pub fn replace_block(text: &str, sections: &[NewSection]) -> Result<String, EditError> {
    sections.iter().try_for_each(NewSection::check)?;
    repeated(
        "the section",
        sections.iter().map(|s| s.name.as_str()),
        str::to_owned,
    )?;
    let lines = split_lines(text);
    let eol = line_ending(text);
    let mut out = String::with_capacity(text.len() + sections.len() * 128);
    let push_body = |out: &mut String| {
        for (i, section) in sections.iter().enumerate() {
            if i > 0 {
                out.push_str(eol);
            }
            for part in ["[", &section.name, "]", eol] {
                out.push_str(part);
            }
            for (key, value) in &section.settings {
                push_setting(out, key, value, eol);
            }
        }
    };
    match find_block(&lines)? {
        Some((begin, end)) => {
            for line in &lines[..=begin] {
                line.push_to(&mut out);
            }
            ensure_line_break(&mut out, eol);
            push_body(&mut out);
            for line in &lines[end..] {
                line.push_to(&mut out);
            }
        }
        None => {
            out.push_str(text);
            separate(&mut out, &lines, eol);
            out.push_str(BLOCK_BEGIN);
            out.push_str(eol);
            push_body(&mut out);
            out.push_str(BLOCK_END);
            out.push_str(eol);
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "ini_edit_tests.rs"]
mod tests;
