//! Strings from the API made safe and made to fit: every control character, ANSI escape and
//! bidi override becomes a visible stand-in, and text is cut by display width (never inside a
//! wide character) with an ellipsis.
//!
//! Escaping maps each `char` to exactly one `char`, so the search's highlight indices (char
//! positions in the raw field) stay valid on the escaped text.

use ratatui::style::Style;
use ratatui::text::Span;

use crate::core::terminal_text;
pub(crate) use crate::core::terminal_text::{char_width, width};

/// The visible stand-in for one character, or the character itself: the rule shared with the
/// command line, [`crate::core::terminal_text`] (`ESC` → `␛`, `DEL` → `␡`, C1, bidi and
/// zero-width characters → `�`).
pub(crate) fn escape_char(c: char) -> char {
    terminal_text::stand_in(c)
}

/// `text` with every unsafe character replaced (see [`escape_char`]); same number of chars.
pub(crate) fn escape(text: &str) -> String {
    text.chars().map(escape_char).collect()
}

/// The escaped `text` cut to at most `max` columns, ending with `…` when cut. A wide character
/// that would straddle the limit is left out whole.
pub(crate) fn fit(text: &str, max: usize) -> String {
    terminal_text::cut(&escape(text), max)
}

/// [`fit`] then padded with spaces to exactly `columns` columns.
pub(crate) fn fit_pad(text: &str, columns: usize) -> String {
    let mut out = fit(text, columns);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(w)));
    out
}

/// The escaped `text` broken into lines of at most `max` columns, by characters (for ARNs and
/// URLs, which have no spaces to break at).
pub(crate) fn wrap_hard(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in escape(text).chars() {
        let w = char_width(c);
        if used + w > max {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        used += w;
        line.push(c);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The escaped `text` broken at spaces into lines of at most `max` columns; a word longer
/// than a line is broken by characters.
pub(crate) fn wrap_words(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in escape(text).split(' ').filter(|w| !w.is_empty()) {
        let need = width(word) + usize::from(!line.is_empty());
        if width(&line) + need <= max {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut parts = wrap_hard(word, max);
        line = parts.pop().unwrap_or_default();
        lines.extend(parts);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` escaped, cut to `max` columns and padded to `columns` (when `pad`), as spans: the
/// chars at `highlight` (char positions in the raw text) in `hl` patched over `base`.
pub(crate) fn highlighted(
    text: &str,
    highlight: &[usize],
    columns: usize,
    base: Style,
    hl: Style,
) -> Vec<Span<'static>> {
    let fitted = fit(text, columns);
    let cut = width(&escape(text)) > columns;
    let kept = fitted.chars().count().saturating_sub(usize::from(cut));
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    for (i, c) in fitted.chars().enumerate() {
        let is_hl = i < kept && highlight.binary_search(&i).is_ok();
        if is_hl != run_hl && !run.is_empty() {
            let style = if run_hl { base.patch(hl) } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hl = is_hl;
        run.push(c);
    }
    let pad = columns.saturating_sub(width(&fitted));
    if !run.is_empty() {
        let style = if run_hl { base.patch(hl) } else { base };
        spans.push(Span::styled(run, style));
    }
    if pad > 0 {
        spans.push(Span::styled(" ".repeat(pad), base));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn control_characters_and_escapes_become_visible() {
        assert_eq!(escape("a\x1b[31mred\x07"), "a␛[31mred␇");
        assert_eq!(escape("tab\there\nnl\r"), "tab␉here␊nl␍");
        assert_eq!(escape("del\x7f c1\u{9b}"), "del␡ c1\u{fffd}");
        // Bidi overrides cannot reorder what follows them.
        assert_eq!(escape("abc\u{202e}fed"), "abc\u{fffd}fed");
        assert_eq!(escape("\u{2066}x\u{2069}"), "\u{fffd}x\u{fffd}");
        assert_eq!(escape("zero\u{200b}width"), "zero\u{fffd}width");
        // One char per char, so highlight positions survive.
        let raw = "x\x1b\u{202e}y";
        assert_eq!(escape(raw).chars().count(), raw.chars().count());
        // Ordinary text, accents and CJK pass through.
        assert_eq!(escape("prod-eu é 日本"), "prod-eu é 日本");
    }

    #[test]
    fn fit_cuts_by_display_width_with_an_ellipsis() {
        assert_eq!(fit("production", 20), "production");
        assert_eq!(fit("production", 10), "production");
        assert_eq!(fit("production", 5), "prod…");
        assert_eq!(fit("production", 1), "…");
        assert_eq!(fit("production", 0), "");
        assert_eq!(width(&fit("production", 5)), 5);
    }

    #[test]
    fn fit_never_splits_a_wide_character() {
        // Each CJK char is two columns wide.
        assert_eq!(width("日本語テキスト"), 14);
        assert_eq!(fit("日本語テキスト", 6), "日本…");
        assert_eq!(fit("日本語テキスト", 7), "日本語…");
        assert!(width(&fit("日本語テキスト", 6)) <= 6);
        assert_eq!(fit_pad("日本語テキスト", 6), "日本… ");
        assert_eq!(width(&fit_pad("日本語テキスト", 6)), 6);
    }

    #[test]
    fn fit_escapes_before_measuring() {
        assert_eq!(fit("\x1b[2Jboom", 5), "␛[2J…");
        assert_eq!(fit_pad("ab", 4), "ab  ");
    }

    #[test]
    fn wrap_hard_breaks_long_arns() {
        let lines = wrap_hard("arn:aws:iam::111122223333:role/Admin", 16);
        assert_eq!(lines, vec!["arn:aws:iam::111", "122223333:role/A", "dmin"]);
        assert_eq!(wrap_hard("", 10), vec![""]);
        assert_eq!(wrap_hard("日本語", 4), vec!["日本", "語"]);
    }

    #[test]
    fn wrap_words_breaks_at_spaces() {
        assert_eq!(
            wrap_words("the code expired before it was approved", 16),
            vec!["the code expired", "before it was", "approved"]
        );
        assert_eq!(
            wrap_words("abcdefghij xy", 4),
            vec!["abcd", "efgh", "ij", "xy"]
        );
        assert_eq!(wrap_words("", 5), vec![""]);
    }

    #[test]
    fn highlighted_marks_matched_chars_and_pads() {
        let hl = Style::default().add_modifier(Modifier::BOLD);
        let spans = highlighted("production", &[0, 1], 12, Style::default(), hl);
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "production  ");
        assert_eq!(spans[0].content, "pr");
        assert_eq!(spans[0].style, hl);
        assert_eq!(spans[1].content, "oduction");
        // A cut text never highlights its ellipsis.
        let spans = highlighted("production", &[4, 9], 5, Style::default(), hl);
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "prod…");
        assert!(
            spans
                .iter()
                .all(|s| s.style != hl || !s.content.contains('…'))
        );
    }
}
