//! Quoting the words of a `credential_process` command line for the platform that runs it
//! (pure). botocore splits the line with `shlex.split` on POSIX and with its own MSVCRT-rules
//! splitter on Windows (`compat_shell_split`); the AWS SDK for Rust hands it to `sh -c` on
//! POSIX and to `cmd.exe /C` on Windows. A word is quoted so that every one of them reads it
//! back as itself, or refused when no quoting can promise that.

/// The platform a command line is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// `shlex.split` and `sh -c`: single quotes.
    Posix,
    /// MSVCRT's rules and `cmd.exe`: double quotes.
    Windows,
}

impl Platform {
    /// The platform this binary runs on.
    pub fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Posix
        }
    }
}

/// Characters no word needs quoting for, on either platform.
fn is_plain(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=,@:".contains(c))
}

/// Why a word cannot be put on a command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("{word:?} has a control character")]
    ControlCharacter { word: String },
    /// A `"` or `%`, which cmd.exe cannot be given inside quotes.
    #[error("{word:?} has a {found:?}, which cmd.exe cannot be given safely")]
    NotForCmd { word: String, found: char },
}

/// `word` quoted for `platform`; an error says why it cannot be.
pub fn quote_word(word: &str, platform: Platform) -> Result<String, QuoteError> {
    if word.chars().any(char::is_control) {
        return Err(QuoteError::ControlCharacter {
            word: word.to_owned(),
        });
    }
    if is_plain(word) {
        return Ok(word.to_owned());
    }
    match platform {
        Platform::Posix => Ok(format!("'{}'", word.replace('\'', r#"'"'"'"#))),
        Platform::Windows => windows_word(word),
    }
}

/// Inside double quotes, MSVCRT takes backslashes literally except before a `"`: the ones at
/// the end are doubled so the closing quote stays a quote. A `"` in the word cannot be written
/// safely (cmd.exe does not know `\"` and would see the rest unquoted), nor a `%` (cmd.exe
/// expands `%VAR%` even inside quotes).
fn windows_word(word: &str) -> Result<String, QuoteError> {
    if let Some(found) = word.chars().find(|c| matches!(c, '"' | '%')) {
        return Err(QuoteError::NotForCmd {
            word: word.to_owned(),
            found,
        });
    }
    let trailing = word.len() - word.trim_end_matches('\\').len();
    Ok(format!("\"{word}{}\"", "\\".repeat(trailing)))
}

/// Joins `words`, each quoted for `platform`.
pub fn command_line(words: &[&str], platform: Platform) -> Result<String, QuoteError> {
    let quoted = words
        .iter()
        .map(|w| quote_word(w, platform))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quoted.join(" "))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const WORDS: &[&str] = &[
        "/usr/local/bin/rolecall",
        r"C:\Program Files\rolecall\rolecall.exe",
        r"C:\tools\",
        "credential-process",
        "111111111111/Admin",
        "it's",
        "a b",
        "\\",
        "x\\\\y",
        "$(id)`id`",
        "a&b|c<d>e^f",
        "señor",
        "",
    ];

    /// botocore's own splitter for the platform (`sys.platform` `linux` or `win32`).
    fn botocore_split(line: &str, platform: &str) -> Vec<String> {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import json, sys; from botocore.compat import compat_shell_split as s; \
                 print(json.dumps(s(sys.argv[1], sys.argv[2])))",
                line,
                platform,
            ])
            .output()
            .expect("python3 with botocore");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    #[test]
    fn posix_words_split_back_by_shlex() {
        let line = command_line(WORDS, Platform::Posix).unwrap();
        assert_eq!(botocore_split(&line, "linux"), WORDS, "{line}");
        assert_eq!(
            quote_word("it's", Platform::Posix).unwrap(),
            r#"'it'"'"'s'"#
        );
    }

    #[test]
    fn windows_words_split_back_by_botocores_msvcrt_splitter() {
        let line = command_line(WORDS, Platform::Windows).unwrap();
        assert_eq!(botocore_split(&line, "win32"), WORDS, "{line}");
        assert_eq!(
            quote_word(r"C:\Program Files\r.exe", Platform::Windows).unwrap(),
            r#""C:\Program Files\r.exe""#
        );
        assert_eq!(
            quote_word(r"C:\x\", Platform::Windows).unwrap(),
            r#""C:\x\\""#
        );
        assert_eq!(quote_word("it's", Platform::Windows).unwrap(), "\"it's\"");
    }

    #[test]
    fn what_cannot_be_quoted_safely_is_refused() {
        for word in ["a\"b", "%PATH%"] {
            assert!(quote_word(word, Platform::Windows).is_err(), "{word}");
            assert!(quote_word(word, Platform::Posix).is_ok(), "{word}");
        }
        for platform in [Platform::Posix, Platform::Windows] {
            assert!(quote_word("a\nb", platform).is_err());
        }
        let why = |word: &str, platform| quote_word(word, platform).unwrap_err().to_string();
        assert_eq!(
            why("a\nb", Platform::Posix),
            r#""a\nb" has a control character"#
        );
        assert_eq!(
            why("%PATH%", Platform::Windows),
            r#""%PATH%" has a '%', which cmd.exe cannot be given safely"#
        );
        assert_eq!(
            command_line(&["ok", "a\"b"], Platform::Windows)
                .unwrap_err()
                .to_string(),
            r#""a\"b" has a '"', which cmd.exe cannot be given safely"#
        );
    }
}
