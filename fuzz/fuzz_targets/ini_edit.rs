//! The in-place INI editor (`rolecall::aws_files::ini_edit`) on arbitrary text.
//!
//! - `set_section`: every byte before the edited `[name]` section (the last one) and after it
//!   is the original's; when the original parses, the result parses too and the section holds
//!   exactly the values set and none of the keys removed, every other section unchanged.
//! - `remove_section`: no `[name]` is left; every other section reads as before.
//! - `replace_block`: the managed block reads back as exactly the given sections; the text
//!   outside it is unchanged.
//!
//! Headers are found as botocore finds them: any line (indented too) whose stripped text is
//! `[` … `]` (the name up to the last `]`), unless it continues a setting above (indented deeper).
#![no_main]

mod pick;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pick::Pick;
use rolecall::aws_files::ini_edit::{
    BLOCK_BEGIN, BLOCK_END, NewSection, Remove, managed_block, outside_block, remove_section,
    replace_block, set_section,
};
use rolecall::config::ini;

/// Section names and keys the edits use: the real ones, and whatever the fuzzer makes.
const NAMES: [&str; 5] = [
    "default",
    "profile dev",
    "rolecall-test",
    "sso-session acme",
    "dup",
];
const KEYS: [&str; 6] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "expiration",
    "region",
    "a",
];

#[derive(Debug, Arbitrary)]
enum Edit {
    Set {
        name: Pick,
        set: Vec<(Pick, String)>,
        remove: Vec<Pick>,
    },
    Remove {
        name: Pick,
    },
    Block {
        body: Vec<(Pick, Vec<(Pick, String)>)>,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    edit: Edit,
}

/// botocore's matching: one-word names exactly, `profile NAME` by words.
fn same_name(header: &str, name: &str) -> bool {
    if name.contains(' ') {
        !header.starts_with(char::is_whitespace)
            && header.split_whitespace().eq(name.split_whitespace())
    } else {
        header == name
    }
}

/// For each line (without its ending): the name of the section it heads, if it is a header.
fn headers(lines: &[&str]) -> Vec<Option<String>> {
    let (mut in_section, mut in_setting, mut level) = (false, false, 0);
    lines
        .iter()
        .map(|line| {
            let t = line.trim_matches(ini::is_py_space);
            if t.is_empty() || t.starts_with(['#', ';']) {
                return None;
            }
            let indent = line.chars().take_while(|c| ini::is_py_space(*c)).count();
            if in_section && in_setting && indent > level {
                return None;
            }
            level = indent;
            let name = t
                .strip_prefix('[')
                .and_then(|r| r.rfind(']').filter(|&i| i > 0).map(|i| r[..i].to_owned()));
            if name.is_some() {
                in_section = true;
                in_setting = false;
            } else if in_section
                && t.split_once(['=', ':'])
                    .is_some_and(|(k, _)| !k.trim_matches(ini::is_py_space).is_empty())
            {
                in_setting = true;
            }
            name
        })
        .collect()
}

/// `(before, after)` around the last `[name]` section: from its header line to the next one.
fn around<'a>(text: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    // Lines end at `\r\n`, `\n` or a lone `\r` (Python's universal newlines).
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        at += match bytes[at] {
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => 2,
            _ => 1,
        };
        if matches!(bytes[at - 1], b'\n' | b'\r') {
            starts.push(at);
        }
    }
    starts.retain(|&i| i < text.len());
    let line = |i: usize| {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let l = &text[starts[i]..end];
        l.strip_suffix("\r\n")
            .or_else(|| l.strip_suffix('\n'))
            .or_else(|| l.strip_suffix('\r'))
            .unwrap_or(l)
    };
    let lines: Vec<&str> = (0..starts.len()).map(line).collect();
    let heads = headers(&lines);
    let first = (0..starts.len())
        .rev()
        .find(|&i| heads[i].as_deref().is_some_and(|h| same_name(h, name)))?;
    let next = (first + 1..starts.len())
        .find(|&i| heads[i].is_some())
        .map_or(text.len(), |i| starts[i]);
    Some((&text[..starts[first]], &text[next..]))
}

/// A section's settings as the AWS CLI sees them: keys lowercased, the last value wins.
fn settings(section: &ini::Section) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in &section.entries {
        let key = e.key.to_ascii_lowercase();
        out.retain(|(k, _)| *k != key);
        out.push((key, e.value.clone()));
    }
    out.sort();
    out
}

fn check_set(text: &str, name: &str, set: &[(String, String)], remove: &[String]) {
    let set_refs: Vec<(&str, &str)> = set.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let remove_refs: Vec<&str> = remove.iter().map(String::as_str).collect();
    let Ok(out) = set_section(text, name, &set_refs, Remove::Keys(&remove_refs)) else {
        return;
    };
    match around(text, name) {
        Some((before, after)) => {
            assert!(out.starts_with(before), "bytes before [{name}] changed");
            assert!(out.ends_with(after), "bytes after [{name}] changed");
            assert!(out.len() >= before.len() + after.len());
        }
        None => assert!(out.starts_with(text), "a new section goes after everything"),
    }
    let Ok(old_sections) = ini::parse(text) else {
        return;
    };
    let new_sections = ini::parse(&out).expect("an edit of a file that parses parses");
    let ours = new_sections
        .iter()
        .rev()
        .find(|s| same_name(&s.name, name))
        .expect("the section is there");
    let got = settings(ours);
    let value = |key: &str| {
        got.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    };
    for (i, (key, wanted)) in set.iter().enumerate() {
        // A key set twice: readers see the later value.
        if set[i + 1..]
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        // Readers trim values (botocore too): surrounding blanks cannot be written.
        assert_eq!(value(key), Some(wanted.trim()), "{key} in [{name}]");
    }
    for key in remove {
        if !set.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            assert_eq!(value(key), None, "{key} removed from [{name}]");
        }
    }
    // Every other section reads as before.
    let others = |sections: &[ini::Section]| -> Vec<(String, Vec<(String, String)>)> {
        let last_ours = sections.iter().rposition(|s| same_name(&s.name, name));
        sections
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != last_ours)
            .map(|(_, s)| (s.name.clone(), settings(s)))
            .collect()
    };
    assert_eq!(
        others(&old_sections),
        others(&new_sections),
        "other sections"
    );
}

fn check_remove(text: &str, name: &str) {
    let Ok(out) = remove_section(text, name) else {
        return;
    };
    let Ok(old_sections) = ini::parse(text) else {
        return;
    };
    let new_sections = ini::parse(&out).expect("a removal from a file that parses parses");
    let others = |sections: &[ini::Section]| -> Vec<(String, Vec<(String, String)>)> {
        sections
            .iter()
            .filter(|s| !same_name(&s.name, name))
            .map(|s| (s.name.clone(), settings(s)))
            .collect()
    };
    assert!(new_sections.iter().all(|s| !same_name(&s.name, name)));
    assert_eq!(others(&old_sections), others(&new_sections));
}

fn check_block(text: &str, body: &[NewSection]) {
    let Ok(out) = replace_block(text, body) else {
        return;
    };
    let block = managed_block(&out)
        .expect("the result has one well-formed block")
        .expect("the result has a block");
    let read = ini::parse(&block).expect("the block parses");
    let got: Vec<(String, Vec<(String, String)>)> = read
        .iter()
        .map(|s| {
            let kv = s.entries.iter().map(|e| (e.key.clone(), e.value.clone()));
            (s.name.clone(), kv.collect())
        })
        .collect();
    let wanted: Vec<(String, Vec<(String, String)>)> = body
        .iter()
        .map(|s| (s.name.clone(), s.settings.clone()))
        .collect();
    assert_eq!(got, wanted, "the block reads back as the sections written");
    match outside_block(text) {
        Ok(outside) if managed_block(text).ok().flatten().is_some() => {
            assert_eq!(outside_block(&out).ok(), Some(outside), "outside the block");
        }
        _ => {
            assert!(out.starts_with(text), "a new block goes after everything");
            assert!(out.trim_end().ends_with(BLOCK_END));
            assert!(out.contains(BLOCK_BEGIN));
        }
    }
}

fuzz_target!(|input: Input| {
    match &input.edit {
        Edit::Set { name, set, remove } => {
            let set: Vec<(String, String)> = set
                .iter()
                .map(|(k, v)| (k.resolve(&KEYS), v.clone()))
                .collect();
            let remove: Vec<String> = remove.iter().map(|k| k.resolve(&KEYS)).collect();
            check_set(&input.text, &name.resolve(&NAMES), &set, &remove);
        }
        Edit::Remove { name } => check_remove(&input.text, &name.resolve(&NAMES)),
        Edit::Block { body } => {
            let body: Vec<NewSection> = body
                .iter()
                .map(|(name, settings)| NewSection {
                    name: name.resolve(&NAMES),
                    settings: settings
                        .iter()
                        .map(|(k, v)| (k.resolve(&KEYS), v.clone()))
                        .collect(),
                })
                .collect();
            check_block(&input.text, &body);
        }
    }
});
