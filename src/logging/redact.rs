//! Scrubbing secrets out of a log line: the last line of defence behind the log's level caps.
//!
//! Two rules, applied to every formatted event before it reaches the file:
//! - a value named by a secret key (`x-amz-sso_bearer_token: …`, `"accessToken":"…"`,
//!   `aws_secret_access_key = …`, `Authorization: Bearer …`, `SessionToken=…`, `?code=…`) is
//!   replaced, whatever quoting or separator (`:` or `=`) it comes with;
//! - a long opaque run (48 or more characters of the base64/base64url alphabet with upper case,
//!   lower case and a digit: the shape of SSO tokens, session tokens, client secrets and device
//!   codes, not of long names or hex digests) or a 40-character mixed-case
//!   base64 run (the shape of a secret access key) is replaced wherever it appears.
//!
//! Pure: no IO, so it is tested on its own.

use std::borrow::Cow;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// Keys whose value is a secret, lower case (matching ignores case). A key must be followed by
/// `:` or `=` (after optional closing quotes and spaces) to count.
const SECRET_KEYS: &[&str] = &[
    "x-amz-sso_bearer_token",
    "x-amz-security-token",
    "authorization",
    "aws_secret_access_key",
    "aws_session_token",
    "secret_access_key",
    "secretaccesskey",
    "sessiontoken",
    "session_token",
    "sessionkey",
    "accesstoken",
    "access_token",
    "refreshtoken",
    "refresh_token",
    "clientsecret",
    "client_secret",
    "devicecode",
    "device_code",
    "codeverifier",
    "code_verifier",
    "signintoken",
    "id_token",
    "idtoken",
    "?code",
    "&code",
];

/// The shortest run of opaque characters taken for a token.
const LONG_RUN: usize = 48;
/// The length of a secret access key.
const SECRET_KEY_LEN: usize = 40;

/// `line` with every secret replaced by [`REDACTED`]; borrowed when nothing was found.
pub(crate) fn redact(line: &str) -> Cow<'_, str> {
    let keyed = redact_keyed_values(line);
    match redact_opaque_runs(&keyed) {
        Cow::Borrowed(_) => keyed,
        Cow::Owned(text) => Cow::Owned(text),
    }
}

/// Replaces the values of [`SECRET_KEYS`].
fn redact_keyed_values(line: &str) -> Cow<'_, str> {
    let lower = line.to_ascii_lowercase();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for key in SECRET_KEYS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(key) {
            let after_key = from + found + key.len();
            from = after_key;
            if let Some(range) = value_after(line.as_bytes(), after_key) {
                ranges.push(range);
            }
        }
    }
    replace_ranges(line, ranges)
}

/// The value following a key that ends at `at`: skips closing quotes, spaces, one `:`, `=` or `>`,
/// spaces, opening quotes and a `Bearer ` scheme; the value runs to its closing quote (when
/// quoted) or to the next delimiter. `None` when no separator follows or the value is empty.
fn value_after(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut i = at;
    let skip = |i: &mut usize, set: &[u8]| {
        while *i < bytes.len() && set.contains(&bytes[*i]) {
            *i += 1;
        }
    };
    skip(&mut i, b"\"'\\");
    skip(&mut i, b" \t");
    if i >= bytes.len() || !matches!(bytes[i], b':' | b'=' | b'>') {
        return None;
    }
    i += 1;
    skip(&mut i, b" \t");
    let quote_start = i;
    skip(&mut i, b"\"'\\");
    let quoted = i > quote_start;
    if bytes.len() >= i + 7 && bytes[i..i + 7].eq_ignore_ascii_case(b"bearer ") {
        i += 7;
    }
    let start = i;
    while i < bytes.len() {
        let b = bytes[i];
        let ends = if quoted {
            matches!(b, b'"' | b'\'' | b'\\' | b'\n')
        } else {
            b.is_ascii_whitespace()
                || matches!(
                    b,
                    b'"' | b'\'' | b'\\' | b',' | b'&' | b';' | b'}' | b')' | b']' | b'<'
                )
        };
        if ends {
            break;
        }
        i += 1;
    }
    (i > start).then_some((start, i))
}

/// Replaces long opaque runs and secret-key-shaped runs.
fn redact_opaque_runs(line: &str) -> Cow<'_, str> {
    let bytes = line.as_bytes();
    let opaque = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-');
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !opaque(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && opaque(bytes[i]) {
            i += 1;
        }
        let run = &line[start..i];
        if (run.len() >= LONG_RUN && mixed(run)) || looks_like_secret_key(run) {
            ranges.push((start, i));
        }
    }
    replace_ranges(line, ranges)
}

/// Upper case, lower case and a digit: what a random token has and a long name or a hex
/// digest has not.
fn mixed(run: &str) -> bool {
    run.bytes().any(|b| b.is_ascii_uppercase())
        && run.bytes().any(|b| b.is_ascii_lowercase())
        && run.bytes().any(|b| b.is_ascii_digit())
}

/// 40 characters of standard base64 with upper case, lower case and a digit or `+`/`/` (a hex
/// digest has no upper case; an access key id is 20 characters).
fn looks_like_secret_key(run: &str) -> bool {
    let run = run.trim_end_matches('=');
    run.len() == SECRET_KEY_LEN
        && run
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && (mixed(run)
            || (run.bytes().any(|b| b.is_ascii_uppercase())
                && run.bytes().any(|b| b.is_ascii_lowercase())
                && run.bytes().any(|b| b == b'+' || b == b'/')))
}

/// `line` with each byte range (which may overlap) replaced by [`REDACTED`].
fn replace_ranges(line: &str, mut ranges: Vec<(usize, usize)>) -> Cow<'_, str> {
    if ranges.is_empty() {
        return Cow::Borrowed(line);
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(line.len());
    let mut done = 0;
    for (start, end) in ranges {
        if end <= done {
            continue;
        }
        let start = start.max(done);
        out.push_str(&line[done..start]);
        out.push_str(REDACTED);
        done = end;
    }
    out.push_str(&line[done..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "aoaMwv8jK2lQ0pZ7xY3nB5vC9mR1tS4uW6eD8fG0hJ2kL4zX6cV8bN0qA2sD4fG6hJ8kL0";
    const KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn clean(line: &str) -> String {
        let out = redact(line).into_owned();
        assert!(!out.contains("SECRETVALUE"), "{line:?} → {out:?}");
        out
    }

    #[test]
    fn header_maps_as_the_sdk_prints_them() {
        let out = clean(&format!(
            r#"request=Request {{ headers: {{"x-amz-sso_bearer_token": "{TOKEN}", "user-agent": "aws-sdk-rust"}} }}"#
        ));
        assert!(!out.contains(&TOKEN[..20]), "{out}");
        assert!(
            out.contains(r#""x-amz-sso_bearer_token": "[redacted]""#),
            "{out}"
        );
        assert!(out.contains("aws-sdk-rust"), "the rest stays: {out}");
    }

    #[test]
    fn keyed_values_in_every_quoting() {
        for line in [
            r#"{"accessToken":"SECRETVALUE","expiresIn":3600}"#,
            r#"{\"refreshToken\":\"SECRETVALUE\"}"#,
            "aws_secret_access_key = SECRETVALUE",
            "AWS_SESSION_TOKEN=SECRETVALUE rest",
            "<SessionToken>SECRETVALUE</SessionToken>",
            "Authorization: Bearer SECRETVALUE",
            r#""authorization": "AWS4-HMAC-SHA256 Credential=AKIA/SECRETVALUE, Signature=SECRETVALUE""#,
            "clientSecret: 'SECRETVALUE'",
            "GET /cb?code=SECRETVALUE&state=abc",
            "SigninToken=SECRETVALUE",
            "device_code=SECRETVALUE",
        ] {
            let out = clean(line);
            assert!(out.contains(REDACTED), "{out}");
        }
    }

    #[test]
    fn xml_elements_fall_to_the_shape_rule() {
        let out = redact(&format!("<SessionToken>IQoJb3JpZ2luX2Vj{TOKEN}</SessionToken><SecretAccessKey>{KEY}</SecretAccessKey>")).into_owned();
        assert!(!out.contains(&TOKEN[..20]) && !out.contains(KEY), "{out}");
    }

    #[test]
    fn shapes_alone_are_enough() {
        let out = redact(&format!("saw {TOKEN} and {KEY}.")).into_owned();
        assert_eq!(out, "saw [redacted] and [redacted].");
    }

    #[test]
    fn ordinary_lines_stay_as_they_are() {
        for line in [
            "loaded access token from the cache",
            "sha1 5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8 of the start url",
            "access key id ASIAEXAMPLE0000000001 for 123456789012/ReadOnly",
            "arn:aws:sts::123456789012:assumed-role/ReadOnly/alice expires in 3600 s",
            "polling: authorization_pending (interval 5 s)",
            "profile payments-production-eu-central-AdministratorAccess-for-the-platform-team",
            "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ] {
            assert!(matches!(redact(line), Cow::Borrowed(_)), "{line}");
        }
    }

    #[test]
    fn multibyte_text_survives() {
        let line = format!("accessToken=é{TOKEN} — “done”");
        let out = redact(&line).into_owned();
        assert!(out.starts_with("accessToken=[redacted]"), "{out}");
        assert!(out.ends_with("— “done”"), "{out}");
    }
}
