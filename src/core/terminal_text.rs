//! Text from the network (or a file) made safe to show on a terminal: the one place that says
//! which characters may not reach a terminal as they are, and how each is shown instead.
//!
//! Unsafe are the C0 controls (ESC starts every escape sequence; CR, LF and TAB rewrite or split
//! a line), DEL, the C1 controls (U+0080–U+009F; U+009B is a one-byte CSI for some terminals),
//! bidi marks, overrides and isolates (they reorder what follows them), zero-width and other
//! invisible format characters (they hide or join text), and the Unicode line and paragraph
//! separators.
//!
//! Two ways to show them, one rule:
//! - the full-screen app replaces each with one visible character ([`stand_in`]: `ESC` → `␛`),
//!   so char positions (search highlights) stay valid;
//! - the command line writes a backslash escape ([`Shown`]: `ESC` → `\x1b`, U+202E →
//!   `\u{202e}`), which names the character exactly.

use std::fmt::{self, Display, Write};

use unicode_width::UnicodeWidthChar;

/// What an overlong text ends with.
pub(crate) const ELLIPSIS: char = '…';

/// Whether `c` may not reach a terminal as it is.
pub(crate) fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// The app's one-character stand-in for `c`, or `c` itself when it is safe.
///
/// C0 controls become their Control Pictures (`ESC` → `␛`, so `\x1b[31m` shows as `␛[31m`),
/// `DEL` becomes `␡`, and every other unsafe character becomes `�`.
pub(crate) fn stand_in(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if is_unsafe(c) => '\u{fffd}',
        other => other,
    }
}

/// A text shown on a terminal with every unsafe character as a backslash escape: `\n`, `\r`,
/// `\t`, `\x1b` for the other ASCII controls, `\u{…}` for the rest. Everything else (a
/// backslash too) is shown as it is. Use it for every string from the network or a file that a
/// command prints for people to read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shown<'a>(pub &'a str);

impl Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut start = 0;
        for (i, c) in text.char_indices().filter(|&(_, c)| is_unsafe(c)) {
            f.write_str(&text[start..i])?;
            start = i + c.len_utf8();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\u{0}'..='\u{7f}' => write!(f, "\\x{:02x}", u32::from(c))?,
                _ => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
        }
        f.write_str(&text[start..])
    }
}

/// `text` with every unsafe character escaped (see [`Shown`]).
pub(crate) fn shown(text: &str) -> String {
    Shown(text).to_string()
}

/// A message of several lines (our own line breaks) shown safely: each line escaped on its
/// own, the line breaks between them kept.
pub(crate) fn shown_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{}", Shown(line));
    }
    out
}

/// Display width of one (already escaped) character.
pub(crate) fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Display width of an (already escaped) text.
pub(crate) fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// An already escaped `text` cut to at most `max` columns, ending with `…` when cut. A wide
/// character that would straddle the limit is left out whole.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push(ELLIPSIS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_as_text() {
        assert_eq!(
            shown("a\x1b]52;c;SGFja2VkIQ==\x07b"),
            r"a\x1b]52;c;SGFja2VkIQ==\x07b"
        );
        assert_eq!(
            shown("\x1b]8;;https://x/\x1b\\ln\x1b]8;;\x1b\\"),
            r"\x1b]8;;https://x/\x1b\ln\x1b]8;;\x1b\"
        );
        assert_eq!(shown("\x1b[2J\x1b[31mred"), r"\x1b[2J\x1b[31mred");
        assert_eq!(shown("nul\0del\x7f"), r"nul\x00del\x7f");
    }

    #[test]
    fn line_breaks_and_tabs_cannot_split_or_rewrite_a_line() {
        assert_eq!(shown("line\rover\nwrite\tx"), r"line\rover\nwrite\tx");
        assert_eq!(shown("a\u{2028}b\u{2029}c"), r"a\u{2028}b\u{2029}c");
    }

    #[test]
    fn c1_bidi_and_zero_width_characters_are_named() {
        assert_eq!(shown("c1\u{9b}31m\u{85}"), r"c1\u{9b}31m\u{85}");
        assert_eq!(shown("\u{80}\u{9f}"), r"\u{80}\u{9f}");
        assert_eq!(
            shown("bidi\u{202e}TFEL\u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}"),
            r"bidi\u{202e}TFEL\u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}"
        );
        assert_eq!(
            shown("z\u{200b}\u{200c}\u{200d}\u{feff}\u{2060}"),
            r"z\u{200b}\u{200c}\u{200d}\u{feff}\u{2060}"
        );
    }

    #[test]
    fn ordinary_text_passes_unchanged() {
        for text in [
            "prod-eu",
            "é 日本 🦀",
            r"back\slash",
            "",
            "AWSReservedSSO_Admin_0123",
        ] {
            assert_eq!(shown(text), text);
        }
        // Nothing unsafe is left in what is shown, whatever went in.
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!shown(&all).chars().any(is_unsafe));
    }

    #[test]
    fn a_message_keeps_its_own_lines_only() {
        assert_eq!(
            shown_lines("several roles:\n  a\x1b[2J/b\n  c\rd"),
            "several roles:\n  a\\x1b[2J/b\n  c\\rd"
        );
        assert_eq!(shown_lines(""), "");
        assert_eq!(shown_lines("end\n"), "end\n");
    }

    #[test]
    fn cut_keeps_to_the_columns_by_display_width() {
        assert_eq!(cut("production", 10), "production");
        assert_eq!(cut("production", 5), "prod…");
        assert_eq!(cut("日本語テキスト", 6), "日本…");
        assert_eq!(cut(&"n".repeat(65_536), 50).chars().count(), 50);
        assert_eq!(width(&cut(&"日".repeat(10_000), 49)), 49);
    }

    #[test]
    fn the_app_gets_one_visible_character_per_character() {
        let raw = "x\x1b\u{202e}\u{200d}\u{9b}\x7f\ny";
        let shown: String = raw.chars().map(stand_in).collect();
        assert_eq!(shown, "x␛\u{fffd}\u{fffd}\u{fffd}␡␊y");
        assert_eq!(shown.chars().count(), raw.chars().count());
    }
}
