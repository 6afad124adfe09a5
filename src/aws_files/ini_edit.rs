//! An in-place editor for the AWS CLI's INI files that keeps every byte outside what it edits.
//!
//! The text is cut into lines that keep their own endings (`\n`, `\r\n`, or none for a last
//! line without a final newline). An edit rewrites only the lines of one section (or of the
//! managed block); every other line is copied through untouched, so comments (`#`, `;`), order,
//! blank lines, spacing, mixed line endings, duplicate sections, unicode and other tools'
//! sections survive byte for byte. Lines we add use the file's own line ending (the first one
//! it has; `\n` for a file without any).
//!
//! Lines are read as botocore's parser reads them: `[name]` headers, `key = value` or
//! `key: value` settings (keys compare case-insensitively), full-line comments, and indented
//! continuation lines that belong to the setting above them (blank lines and comments between
//! do not end a value).

/// The first line of the managed block in `~/.aws/config`.
pub const BLOCK_BEGIN: &str = "# BEGIN rolecall managed profiles (do not edit)";
/// Its last line.
pub const BLOCK_END: &str = "# END rolecall managed profiles";

/// Why an edit was refused (the file is then left alone).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("{what} {value:?} cannot be written: {why}")]
    BadName {
        what: &'static str,
        value: String,
        why: &'static str,
    },
    #[error("the value of {key} cannot be written: it has a line break")]
    BadValue { key: String },
    #[error("line {line}: {BLOCK_BEGIN:?} has no {BLOCK_END:?} after it; fix the file by hand")]
    UnclosedBlock { line: usize },
    #[error("line {line}: {BLOCK_END:?} has no {BLOCK_BEGIN:?} before it; fix the file by hand")]
    StrayBlockEnd { line: usize },
    #[error("line {line}: a second rolecall managed block; keep one and delete the other")]
    SecondBlock { line: usize },
    #[error("the managed block cannot hold the line {line:?}: it reads as one of its markers")]
    MarkerInBlock { line: String },
}

/// One line and its ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line<'a> {
    text: &'a str,
    eol: &'a str,
}

impl Line<'_> {
    fn trimmed(&self) -> &str {
        self.text.trim()
    }

    fn is_indented(&self) -> bool {
        self.text.starts_with([' ', '\t'])
    }

    fn is_blank_or_comment(&self) -> bool {
        let t = self.trimmed();
        t.is_empty() || t.starts_with('#') || t.starts_with(';')
    }

    /// The name between the brackets of a `[section]` header.
    fn header(&self) -> Option<&str> {
        if self.is_indented() {
            return None;
        }
        let t = self.trimmed();
        t.strip_prefix('[')?.strip_suffix(']').map(str::trim)
    }

    /// The key of a `key = value` line.
    fn key(&self) -> Option<&str> {
        if self.is_indented() || self.is_blank_or_comment() || self.header().is_some() {
            return None;
        }
        self.text.split_once(['=', ':']).map(|(k, _)| k.trim())
    }

    fn push_to(&self, out: &mut String) {
        out.push_str(self.text);
        out.push_str(self.eol);
    }
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find('\n') {
            Some(i) => {
                let (with_eol, next) = rest.split_at(i + 1);
                let body = &with_eol[..i];
                let (text, eol) = match body.strip_suffix('\r') {
                    Some(t) => (t, &with_eol[i - 1..]),
                    None => (body, &with_eol[i..]),
                };
                lines.push(Line { text, eol });
                rest = next;
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

/// Section names compare with runs of spaces folded (`profile  dev` is `profile dev`).
fn same_name(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Where a section's lines are: `[header, body_end)` holds the header and its settings,
/// `[body_end, end)` the blank lines and comments before the next header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    header: usize,
    body_end: usize,
    end: usize,
}

fn spans_of(lines: &[Line<'_>], name: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let is_ours = lines[i].header().is_some_and(|h| same_name(h, name));
        if !is_ours {
            i += 1;
            continue;
        }
        let header = i;
        let mut end = i + 1;
        while end < lines.len() && lines[end].header().is_none() {
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
    split_lines(text)
        .iter()
        .filter_map(|l| l.header().map(str::to_owned))
        .collect()
}

/// Whether `text` has a `[name]` section.
pub fn has_section(text: &str, name: &str) -> bool {
    split_lines(text)
        .iter()
        .any(|l| l.header().is_some_and(|h| same_name(h, name)))
}

fn check_name(what: &'static str, value: &str) -> Result<(), EditError> {
    let why = if value.trim().is_empty() {
        "it is blank"
    } else if value.contains(['\n', '\r', '[', ']']) {
        "it has a line break or a bracket"
    } else {
        return Ok(());
    };
    Err(EditError::BadName {
        what,
        value: value.to_owned(),
        why,
    })
}

fn check_values(set: &[(&str, &str)]) -> Result<(), EditError> {
    for (key, value) in set {
        check_name("a key", key)?;
        // Each of these would be read back as something else: a value, a comment, or a
        // continuation of the setting above.
        let why = if key.contains(['=', ':']) {
            Some("it has a `=` or `:`")
        } else if key.starts_with(['#', ';']) {
            Some("it starts a comment")
        } else if *key != key.trim() {
            Some("it starts or ends with a blank")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(EditError::BadName {
                what: "a key",
                value: (*key).to_owned(),
                why,
            });
        }
        if value.contains(['\n', '\r']) {
            return Err(EditError::BadValue {
                key: (*key).to_owned(),
            });
        }
    }
    Ok(())
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
    remove: &[&str],
) -> Result<String, EditError> {
    check_name("a section name", name)?;
    check_values(set)?;
    let lines = split_lines(text);
    let eol = line_ending(text);
    let Some(span) = spans_of(&lines, name).last().copied() else {
        return Ok(append_section(text, &lines, eol, name, set));
    };
    let owned = |key: &str| {
        set.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))
            || remove.iter().any(|k| k.eq_ignore_ascii_case(key))
    };
    let mut out = String::with_capacity(text.len() + 256);
    for line in &lines[..=span.header] {
        line.push_to(&mut out);
    }
    let mut written = vec![false; set.len()];
    let mut skipping_continuation = false;
    let body = &lines[span.header + 1..span.body_end];
    for line in body {
        // A value goes on over indented lines, even past blank lines and comments (botocore
        // reads it so): those of a setting we replace or remove go with it.
        if skipping_continuation && line.is_indented() && !line.is_blank_or_comment() {
            continue;
        }
        if !line.is_blank_or_comment() {
            skipping_continuation = false;
        }
        let Some(key) = line.key().filter(|k| owned(k)) else {
            line.push_to(&mut out);
            continue;
        };
        skipping_continuation = true;
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
/// separated it from its neighbours goes with it.
pub fn remove_section(text: &str, name: &str) -> String {
    let lines = split_lines(text);
    let spans = spans_of(&lines, name);
    if spans.is_empty() {
        return text.to_owned();
    }
    let mut drop = vec![false; lines.len()];
    for span in &spans {
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
    out
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

/// Replaces what is between the managed block's markers with `body` (lines without endings;
/// they get the file's), or appends a new block at the end of the file.
pub fn replace_block(text: &str, body: &[String]) -> Result<String, EditError> {
    if let Some(bad) = body.iter().find(|l| l.contains(['\n', '\r'])) {
        return Err(EditError::BadValue { key: bad.clone() });
    }
    if let Some(marker) = body
        .iter()
        .find(|l| [BLOCK_BEGIN, BLOCK_END].contains(&l.trim()))
    {
        return Err(EditError::MarkerInBlock {
            line: marker.clone(),
        });
    }
    let lines = split_lines(text);
    let eol = line_ending(text);
    let mut out = String::with_capacity(text.len() + body.len() * 64);
    let push_body = |out: &mut String| {
        for line in body {
            out.push_str(line);
            out.push_str(eol);
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
