//! The in-place INI editor (`rolecall::aws_files::ini_edit`) on arbitrary text.
//!
//! - `set_section`: every byte before the edited `[name]` section (the last one) and after it
//!   is the original's; when the original parses, the result parses too and the section holds
//!   exactly the values set and none of the keys removed, every other section unchanged.
//! - `remove_section`: no `[name]` is left; every other section reads as before.
//! - `replace_block`: the managed block holds the given lines; the text outside it is unchanged.
#![no_main]

mod pick;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pick::Pick;
use rolecall::aws_files::ini_edit::{
    BLOCK_BEGIN, BLOCK_END, managed_block, outside_block, remove_section, replace_block,
    set_section,
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
        body: Vec<String>,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    edit: Edit,
}

fn same_name(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// A `[section]` header line (its text without the line ending), as the editor reads one.
fn header(line: &str) -> Option<&str> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.starts_with([' ', '\t']) {
        return None;
    }
    line.trim()
        .strip_prefix('[')?
        .strip_suffix(']')
        .map(str::trim)
}

/// `(before, after)` around the last `[name]` section: from its header line to the next one.
fn around<'a>(text: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts.retain(|&i| i < text.len());
    let line = |i: usize| {
        let end = starts.get(i + 1).map_or(text.len(), |&e| e - 1);
        &text[starts[i]..end]
    };
    let first = (0..starts.len())
        .rev()
        .find(|&i| header(line(i)).is_some_and(|h| same_name(h, name)))?;
    let next = (first + 1..starts.len())
        .find(|&i| header(line(i)).is_some())
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
    let Ok(out) = set_section(text, name, &set_refs, &remove_refs) else {
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
    let out = remove_section(text, name);
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

fn check_block(text: &str, body: &[String]) {
    let Ok(out) = replace_block(text, body) else {
        return;
    };
    let block = managed_block(&out)
        .expect("the result has one well-formed block")
        .expect("the result has a block");
    let lines: Vec<&str> = block.lines().collect();
    let wanted: Vec<&str> = body.iter().map(String::as_str).collect();
    assert_eq!(lines, wanted, "the block holds the body");
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
        Edit::Block { body } => check_block(&input.text, body),
    }
});
