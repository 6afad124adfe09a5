//! Unit tests of the INI editor: every byte outside the edited lines survives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use pretty_assertions::assert_eq;

const CREDS: &[(&str, &str)] = &[
    ("aws_access_key_id", "AKIANEW"),
    ("aws_secret_access_key", "secretNEW"),
];

#[test]
fn lines_keep_their_endings_and_join_back_byte_for_byte() {
    for text in [
        "",
        "\n",
        "a",
        "a\n",
        "a\r\nb\nc",
        "\r\n\r\n",
        "[x]\r\nk = v\r\n",
        "ü = ß\n\n",
        "lone \r in a line\n",
    ] {
        let mut joined = String::new();
        for l in split_lines(text) {
            l.push_to(&mut joined);
        }
        assert_eq!(joined, text);
    }
    assert_eq!(line_ending("a\r\nb\n"), "\r\n");
    assert_eq!(line_ending("a\nb\r\n"), "\n");
    assert_eq!(line_ending("no newline"), "\n");
}

#[test]
fn a_missing_section_is_appended_after_a_blank_line() {
    let out = set_section("[a]\nx = 1\n", "dev", CREDS, Remove::Keys(&[])).unwrap();
    assert_eq!(
        out,
        "[a]\nx = 1\n\n[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = secretNEW\n"
    );
    let out = set_section("", "dev", CREDS, Remove::Keys(&[])).unwrap();
    assert_eq!(
        out,
        "[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = secretNEW\n"
    );
    // No final newline: one is added before the new section.
    let out = set_section("[a]\r\nx = 1", "dev", &CREDS[..1], Remove::Keys(&[])).unwrap();
    assert_eq!(
        out,
        "[a]\r\nx = 1\r\n\r\n[dev]\r\naws_access_key_id = AKIANEW\r\n"
    );
    // Already ends with a blank line: no second one.
    let out = set_section("[a]\n\n", "dev", &CREDS[..1], Remove::Keys(&[])).unwrap();
    assert_eq!(out, "[a]\n\n[dev]\naws_access_key_id = AKIANEW\n");
}

#[test]
fn an_existing_section_keeps_its_place_spacing_comments_and_unknown_keys() {
    let text = "# top\n[default]\nregion=eu-west-1\n\n[dev]\n; mine\naws_access_key_id=AKIAOLD\n\
                extra = kept\nAWS_SECRET_ACCESS_KEY :  old\n\n# the prod one\n[prod]\nk = v\n";
    let out = set_section(text, "dev", CREDS, Remove::Keys(&[])).unwrap();
    assert_eq!(
        out,
        "# top\n[default]\nregion=eu-west-1\n\n[dev]\n; mine\naws_access_key_id=AKIANEW\n\
         extra = kept\nAWS_SECRET_ACCESS_KEY :  secretNEW\n\n# the prod one\n[prod]\nk = v\n"
    );
}

#[test]
fn new_keys_go_after_the_last_setting_before_trailing_comments() {
    let text = "[dev]\naws_access_key_id = A\n\n# next\n[prod]\n";
    let out = set_section(
        text,
        "dev",
        &[("aws_access_key_id", "B"), ("expiration", "T")],
        Remove::Keys(&[]),
    )
    .unwrap();
    assert_eq!(
        out,
        "[dev]\naws_access_key_id = B\nexpiration = T\n\n# next\n[prod]\n"
    );
    // An empty section: right after the header.
    let out = set_section("[dev]\n[prod]\n", "dev", &[("k", "v")], Remove::Keys(&[])).unwrap();
    assert_eq!(out, "[dev]\nk = v\n[prod]\n");
}

#[test]
fn removed_and_duplicate_keys_go_with_their_continuation_lines() {
    let text = "[dev]\naws_session_token = old\n  continued\nk = v\naws_access_key_id = 1\n\
                aws_access_key_id = 2\n";
    let out = set_section(
        text,
        "dev",
        &[("aws_access_key_id", "3")],
        Remove::Keys(&["aws_session_token"]),
    )
    .unwrap();
    assert_eq!(out, "[dev]\nk = v\naws_access_key_id = 3\n");
}

#[test]
fn crlf_and_no_final_newline_are_kept_when_the_section_ends_the_file() {
    let text = "[a]\r\nx = 1\r\n[dev]\r\naws_access_key_id = OLD";
    let out = set_section(text, "dev", CREDS, Remove::Keys(&[])).unwrap();
    assert_eq!(
        out,
        "[a]\r\nx = 1\r\n[dev]\r\naws_access_key_id = AKIANEW\r\naws_secret_access_key = secretNEW"
    );
    let out = set_section("[dev]", "dev", &[("k", "v")], Remove::Keys(&[])).unwrap();
    assert_eq!(out, "[dev]\nk = v");
}

#[test]
fn an_empty_old_value_gets_a_space() {
    let replace_value = |line: &str, value: &str| {
        let mut out = String::new();
        push_replaced(&mut out, line, value);
        out
    };
    assert_eq!(replace_value("k =", "v"), "k = v");
    assert_eq!(replace_value("k=", "v"), "k=v");
    assert_eq!(replace_value("k\t=\t old", "v"), "k\t=\t v");
    assert_eq!(replace_value("k: old", "v"), "k: v");
}

#[test]
fn duplicate_sections_edit_the_last_and_keep_the_first() {
    let text = "[dev]\nk = 1\n[x]\n[dev]\nk = 2\n";
    let out = set_section(text, "dev", &[("k", "3")], Remove::Keys(&[])).unwrap();
    assert_eq!(out, "[dev]\nk = 1\n[x]\n[dev]\nk = 3\n");
}

#[test]
fn names_compare_by_words_and_indented_brackets_are_not_headers() {
    let text = "[profile   dev ] ; mine\nregion = a\n[other]\ns3 =\n  [dev]\n";
    let out = set_section(text, "profile dev", &[("region", "b")], Remove::Keys(&[])).unwrap();
    assert_eq!(
        out,
        "[profile   dev ] ; mine\nregion = b\n[other]\ns3 =\n  [dev]\n"
    );
    assert!(!has_section(text, "dev"));
    assert!(has_section(text, "profile dev"));
    assert_eq!(section_names(text), vec!["profile   dev ", "other"]);
    // botocore: `[ profile dev]` is not a profile, and `[ dev ]` is not `[dev]`.
    assert!(!has_section("[ profile dev]\n", "profile dev"));
    assert!(!has_section("[ dev ]\n", "dev"));
    assert!(has_section("\t[dev]# c ]\n", "dev]# c "));
}

#[test]
fn unicode_and_long_values_pass_through() {
    let long = "x".repeat(10_000);
    let text = format!("# café ☕\n[ünïcode]\nkey = {long}\n[dev]\n");
    let out = set_section(&text, "dev", &[("k", "v")], Remove::Keys(&[])).unwrap();
    assert_eq!(
        out,
        format!("# café ☕\n[ünïcode]\nkey = {long}\n[dev]\nk = v\n")
    );
}

#[test]
fn line_breaks_and_brackets_are_refused() {
    assert!(matches!(
        set_section("", "dev]\n[x", CREDS, Remove::Keys(&[])),
        Err(EditError::Unwritable(Unwritable::BadName { .. }))
    ));
    assert!(matches!(
        set_section("", "dev", &[("k", "v\n[evil]")], Remove::Keys(&[])),
        Err(EditError::Unwritable(Unwritable::BadValue { .. }))
    ));
    assert!(matches!(
        set_section("", "dev", &[("k=x", "v")], Remove::Keys(&[])),
        Err(EditError::Unwritable(Unwritable::BadName { .. }))
    ));
}

/// Found by fuzzing (fuzz/fuzz_targets/ini_edit.rs): such keys were written as lines that read
/// back as a comment or as the continuation of the setting above, so the value was lost.
#[test]
fn keys_that_would_read_back_as_something_else_are_refused() {
    for key in [";k", "#k", " k", "k ", "\tk"] {
        let err =
            set_section("[dev]\na = 1\n", "dev", &[(key, "v")], Remove::Keys(&[])).unwrap_err();
        assert!(
            matches!(&err, EditError::Unwritable(Unwritable::BadName { what: "a key", value, .. }) if value == key),
            "{key:?}: {err}"
        );
    }
    assert_eq!(
        set_section("", "dev", &[(";k", "v")], Remove::Keys(&[]))
            .unwrap_err()
            .to_string(),
        "a key \";k\" cannot be written: a key is lowercase letters, digits and `_`"
    );
    assert!(set_section("", "dev", &[("k k", "v")], Remove::Keys(&[])).is_err());
}

/// Found by fuzzing: botocore (and our reader) continue a value over indented lines even after
/// a blank line or a comment. Such lines of a setting we replaced were kept, so they became part
/// of the new value (a secret key read back with an old tail); of a removed one, they were left
/// with nothing to continue and the file no longer parsed.
#[test]
fn continuation_lines_past_blank_lines_and_comments_go_with_their_setting() {
    let text = "[dev]\naws_secret_access_key = old\n\n# note\n  stale tail\nregion = r\n  more\n";
    let out = set_section(
        text,
        "dev",
        &[("aws_secret_access_key", "new")],
        Remove::Keys(&["region"]),
    )
    .unwrap();
    assert_eq!(out, "[dev]\naws_secret_access_key = new\n\n# note\n");
    let dev = crate::config::ini::parse(&out).unwrap().remove(0);
    assert_eq!(dev.get("aws_secret_access_key"), Some("new"));
    assert_eq!(dev.get("region"), None);
    // Settings we do not own keep theirs.
    let text = "[dev]\ns3 =\n\n  max = 1\nk = v\n";
    assert_eq!(
        set_section(text, "dev", &[("k", "w")], Remove::Keys(&[])).unwrap(),
        "[dev]\ns3 =\n\n  max = 1\nk = w\n"
    );
}

fn section(name: &str, settings: &[(&str, &str)]) -> NewSection {
    NewSection {
        name: name.to_owned(),
        settings: settings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// Found by fuzzing: a body line that reads as a marker would leave a file whose block can no
/// longer be found (every later populate refused it). Sections are written from names and
/// values now, and neither can hold a line that reads as a marker.
#[test]
fn a_block_value_cannot_read_as_a_marker() {
    for value in [BLOCK_END.to_owned(), format!("x\n{BLOCK_BEGIN}")] {
        assert!(matches!(
            replace_block("[default]\n", &[section("profile a", &[("x", &value)])]),
            Err(EditError::Unwritable(Unwritable::BadValue { .. }))
        ));
    }
}

/// Found by fuzzing: a body naming one section twice (or a key twice in a section) made a
/// block botocore refuses, and with it every `aws` command. Refused before anything is written.
#[test]
fn a_section_or_key_written_twice_is_refused() {
    let twice = [
        section("profile dev", &[("x", "1")]),
        section("profile dev", &[("y", "2")]),
    ];
    assert!(matches!(
        replace_block("[default]\n", &twice),
        Err(EditError::Repeated {
            what: "the section",
            ..
        })
    ));
    let key_twice = [section("profile dev", &[("region", "a"), ("region", "b")])];
    assert!(matches!(
        replace_block("", &key_twice),
        Err(EditError::Repeated {
            what: "the key",
            ..
        })
    ));
    assert!(matches!(
        set_section("", "dev", &[("x", "1"), ("x", "2")], Remove::Keys(&[])),
        Err(EditError::Repeated {
            what: "the key",
            ..
        })
    ));
}

/// Found by fuzzing: botocore strips a line with Python's `str.strip()`, which also takes
/// U+001C..U+001F, so `\x1e[default]` is the `[default]` header. The editor missed it and a
/// removal left the section behind.
#[test]
fn a_header_after_python_whitespace_is_a_header() {
    let text = "\x1e\x1e[default]\r\nregion = x\r\n[other]\r\na = b\r\n";
    let out = remove_section(text, "default").unwrap();
    assert_eq!(out, "[other]\r\na = b\r\n");
}

/// Found by fuzzing: botocore (Python's universal newlines) ends a line at a lone `\r` too,
/// so `[a]\r[default]` holds the `[default]` header; the editor read one line.
#[test]
fn a_lone_carriage_return_ends_a_line() {
    let text = "[a]\rk = v\r[default]\nregion = x\n";
    assert_eq!(remove_section(text, "default").unwrap(), "[a]\rk = v\r");
}

#[test]
fn a_round_trip_without_changes_is_byte_identical() {
    for text in [
        "",
        "[dev]\r\naws_access_key_id = A\r\n",
        "[dev]\naws_access_key_id=A",
        "# c\n\n[dev]\n; c\naws_access_key_id  =  A\n\n\n[z]\n",
    ] {
        let out = set_section(
            text,
            "dev",
            &[("aws_access_key_id", "A")],
            Remove::Keys(&[]),
        )
        .unwrap();
        let expected = if text.is_empty() {
            "[dev]\naws_access_key_id = A\n"
        } else {
            text
        };
        assert_eq!(out, expected);
        assert_eq!(remove_section(text, "absent").unwrap(), text);
        assert_eq!(
            replace_block(text, &[])
                .map(|t| outside_block(&t).unwrap())
                .unwrap()
                .trim_end(),
            text.trim_end()
        );
    }
}

#[test]
fn removing_a_section_keeps_its_neighbours_and_the_comment_before_the_next() {
    let text = "[a]\nx = 1\n\n[dev]\nk = v\n\n# about b\n[b]\ny = 2\n";
    assert_eq!(
        remove_section(text, "dev").unwrap(),
        "[a]\nx = 1\n\n# about b\n[b]\ny = 2\n"
    );
    let text = "[a]\nx = 1\n\n[dev]\nk = v\n";
    assert_eq!(remove_section(text, "dev").unwrap(), "[a]\nx = 1\n");
    assert_eq!(remove_section("[dev]\nk = v", "dev").unwrap(), "");
    let text = "[dev]\nk = 1\n[a]\n[dev]\nk = 2\n";
    assert_eq!(remove_section(text, "dev").unwrap(), "[a]\n");
}

#[test]
fn the_managed_block_is_appended_then_replaced_in_place() {
    let text = "[default]\r\nregion = eu-west-1";
    let body = vec![section("profile a", &[("region", "x")])];
    let once = replace_block(text, &body).unwrap();
    assert_eq!(
        once,
        format!(
            "[default]\r\nregion = eu-west-1\r\n\r\n{BLOCK_BEGIN}\r\n[profile a]\r\nregion = x\r\n{BLOCK_END}\r\n"
        )
    );
    assert_eq!(
        managed_block(&once).unwrap().unwrap(),
        "[profile a]\r\nregion = x\r\n"
    );
    let mine = format!("{once}# after\r\n[profile mine]\r\nregion = y");
    let twice = replace_block(&mine, &[section("profile b", &[])]).unwrap();
    assert_eq!(
        twice,
        format!(
            "[default]\r\nregion = eu-west-1\r\n\r\n{BLOCK_BEGIN}\r\n[profile b]\r\n{BLOCK_END}\r\n# after\r\n[profile mine]\r\nregion = y"
        )
    );
    assert_eq!(
        outside_block(&twice).unwrap(),
        "[default]\r\nregion = eu-west-1\r\n\r\n# after\r\n[profile mine]\r\nregion = y"
    );
    assert_eq!(managed_block("[a]\n").unwrap(), None);
}

#[test]
fn a_broken_block_is_an_error_and_nothing_is_written() {
    let unclosed = format!("[a]\n{BLOCK_BEGIN}\n[profile x]\n");
    assert_eq!(
        replace_block(&unclosed, &[]),
        Err(EditError::UnclosedBlock { line: 2 })
    );
    let stray = format!("{BLOCK_END}\n");
    assert_eq!(
        managed_block(&stray),
        Err(EditError::StrayBlockEnd { line: 1 })
    );
    let two = format!("{BLOCK_BEGIN}\n{BLOCK_END}\n{BLOCK_BEGIN}\n{BLOCK_END}\n");
    assert_eq!(managed_block(&two), Err(EditError::SecondBlock { line: 3 }));
    assert!(matches!(
        replace_block("", &[section("profile a", &[("x", "a\nb")])]),
        Err(EditError::Unwritable(Unwritable::BadValue { .. }))
    ));
}

#[test]
fn an_empty_block_body_keeps_the_markers() {
    let out = replace_block("", &[]).unwrap();
    assert_eq!(out, format!("{BLOCK_BEGIN}\n{BLOCK_END}\n"));
    assert_eq!(managed_block(&out).unwrap().unwrap(), "");
    // A begin marker on the last line without a newline gets one before the body.
    let text = format!("{BLOCK_BEGIN}\n{BLOCK_END}");
    let out = replace_block(&text, &[section("a", &[("x", "1")])]).unwrap();
    assert_eq!(out, format!("{BLOCK_BEGIN}\n[a]\nx = 1\n{BLOCK_END}"));
}

#[test]
fn a_value_is_read_with_pythons_strip_as_botocore_reads_it() {
    // botocore strips U+001C..U+001F around a value (Python's str.strip); Rust's trim keeps them.
    let text = "[profile a]\nmanaged_by = rolecall\u{1e}\n";
    assert_eq!(
        section_value(text, "profile a", "managed_by").as_deref(),
        Some("rolecall")
    );
}

/// configparser (botocore) reads an indented `[name]` as a header, but after a setting as a
/// line of its value: adding a setting just before one is refused, not written.
#[test]
fn a_setting_is_not_added_where_it_would_swallow_an_indented_header() {
    for (text, at) in [
        ("[default]\n  [other]\nx = 1\n", 2),
        ("[default]\r\n\r\t[other]\nx = 1\n", 3),
    ] {
        let err = set_section(
            text,
            "default",
            &[("region", "eu-west-1")],
            Remove::Keys(&[]),
        )
        .unwrap_err();
        assert!(
            matches!(err, EditError::IndentedHeader { line, .. } if line == at),
            "{err}"
        );
    }
    // After a setting, the indented header is already a line of its value (configparser reads
    // `region = "us-east-1\n[other]"`): replacing the setting replaces the whole value.
    let text = "[default]\nregion = us-east-1\n  [other]\nx = 1\n";
    let out = set_section(
        text,
        "default",
        &[("region", "eu-west-1")],
        Remove::Keys(&[]),
    )
    .unwrap();
    assert_eq!(out, "[default]\nregion = eu-west-1\nx = 1\n");
}

/// Found by the ini_edit fuzzer in CI: configparser does not end a value at blank lines, so
/// with the empty `[default]` gone the indented `[b]` below it would continue `region`'s value and its
/// settings would land in `[a]`. The removal is refused, saying which line to fix.
#[test]
fn removing_a_section_before_an_indented_header_is_refused() {
    let text = "[a]\nregion = x\n\n[default]\n# empty\n\n\t[b]\ny = 1\n";
    let err = remove_section(text, "default").unwrap_err();
    assert_eq!(
        err,
        EditError::IndentedHeader {
            line: 7,
            section: "default".into()
        }
    );
    // First in the file, nothing above it can swallow the header.
    assert_eq!(
        remove_section("[default]\n\t[b]\ny = 1\n", "default").unwrap(),
        "\t[b]\ny = 1\n"
    );
}
