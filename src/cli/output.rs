//! What the commands print for people. Every message line goes through [`note!`] (stderr) or
//! [`say!`] (stdout), which escape the whole line with [`crate::core::terminal_text`], so no
//! string from the network or a file (an account or role name, a URL, an error from AWS) can
//! reach the terminal as an escape sequence, a line break or a bidi override. A line break
//! inside a value is shown as `\n`: a name never splits a line.
//!
//! Machine-readable output (`--json`, `export` lines for `eval`, `credential_process` JSON, a
//! console URL) is written with `writeln!` on purpose: it must stay exact. The test below keeps
//! `println!`, `eprintln!`, `print!` and `eprint!` out of every source file but this one, so a
//! new message cannot forget the escaping.

use std::io::Write;

use crate::core::terminal_text::{Shown, shown_lines};

/// `eprintln!` for people: formats one line and writes it to stderr with every unsafe
/// character escaped. Errors writing to stderr are ignored (never a panic).
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::output::note_line(&::std::format!($($arg)*))
    };
}

/// `println!` for people: formats one line and writes it to stdout, every unsafe character
/// escaped. A closed pipe is ignored (never a panic).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::say_line(&::std::format!($($arg)*))
    };
}

/// Writes `line` to stderr, escaped, and a line break.
pub fn note_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", Shown(line));
}

/// Writes `line` to stdout, escaped, and a line break.
pub fn say_line(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{}", Shown(line));
}

/// Writes a text of several lines to stdout, each escaped, our own line breaks kept.
pub fn say_lines(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{}", shown_lines(text));
}

/// Writes a question to stderr, escaped, without a line break (the answer follows on it).
pub fn ask(question: &str) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{}", Shown(question));
    let _ = err.flush();
}

/// The final error line of a failed command (printed by `main`): `rolecall: ` and the message,
/// each of its lines escaped, so an error that quotes AWS cannot drive the terminal.
pub fn error_line(message: &str) -> String {
    format!("rolecall: {}", shown_lines(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_keeps_its_lines_and_loses_its_escapes() {
        assert_eq!(
            error_line("\"x\" matches several roles; say which:\n  a\x1b]52;c;SGk=\x07/b\n  c/d"),
            "rolecall: \"x\" matches several roles; say which:\n  a\\x1b]52;c;SGk=\\x07/b\n  c/d"
        );
        assert_eq!(
            error_line("from AWS: \u{202e}oops\r"),
            "rolecall: from AWS: \\u{202e}oops\\r"
        );
    }

    /// Every print goes through this module: no `println!`/`eprintln!` (nor `print!`/`eprint!`)
    /// anywhere else in the crate's sources.
    #[test]
    fn the_commands_print_only_through_here() {
        fn sources(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
            let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
            for path in entries.filter_map(Result::ok).map(|e| e.path()) {
                if path.is_dir() {
                    sources(&path, into);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    into.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 50, "found the sources: {files:?}");
        let forbidden = ["println!", "print!(", "eprintln!", "eprint!("];
        let mut found = Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("cli/output.rs")) {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                if forbidden.iter().any(|m| line.contains(m)) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "print through cli::output (note!, say!) so server text is escaped:\n{}",
            found.join("\n")
        );
    }
}
