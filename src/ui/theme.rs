//! The semantic theme: what a colour means, on the terminal's 16 colours, so it follows the
//! user's palette. With `NO_COLOR` there are no colours at all; bold, reverse and underline
//! keep the selection, the matches and the urgent things visible. The theme never reads the
//! environment: it is given the decision ([`Theme::new`]), and [`no_color`] is the one rule
//! for reading `NO_COLOR`'s value where the environment is read.

use std::ffi::OsStr;

use ratatui::style::{Color, Modifier, Style};

use crate::core::app::state::Level;
use crate::core::app::urgency::Urgency;
use crate::core::marks::MarkColour;

/// Whether `NO_COLOR`'s value turns colours off: set and not empty (<https://no-color.org>).
pub fn no_color(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// Styles by meaning. Every field is a complete style to patch over the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// The app's name, titles, the search prompt, key names in hints.
    pub accent: Style,
    /// Secondary text: ids, separators, placeholders, descriptions.
    pub dim: Style,
    /// Emphasised text (account names in the detail pane, the user code).
    pub strong: Style,
    /// Matched characters in the list.
    pub highlight: Style,
    /// The selected row.
    pub selection: Style,
    /// Rows that cannot be used (an account whose roles are unavailable).
    pub unavailable: Style,
    /// The `new` marker and favorites.
    pub marker: Style,
    /// Box borders.
    pub border: Style,
    pub ok: Style,
    pub warn: Style,
    pub critical: Style,
    pub expired: Style,
    pub toast_info: Style,
    pub toast_warn: Style,
    pub toast_error: Style,
    /// Whether environment badges are coloured (off with `NO_COLOR`: the badge's text stays).
    pub mark_colours: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Self::colored()
    }
}

impl Theme {
    /// The theme on the 16 ANSI colours.
    pub fn colored() -> Self {
        let fg = |c: Color| Style::default().fg(c);
        Self {
            accent: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            dim: fg(Color::DarkGray),
            strong: Style::default().add_modifier(Modifier::BOLD),
            highlight: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selection: Style::default()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            unavailable: fg(Color::DarkGray),
            marker: fg(Color::Magenta),
            border: fg(Color::DarkGray),
            ok: fg(Color::Green),
            warn: fg(Color::Yellow),
            critical: fg(Color::LightRed).add_modifier(Modifier::BOLD),
            expired: fg(Color::Red).add_modifier(Modifier::BOLD),
            toast_info: fg(Color::Cyan),
            toast_warn: fg(Color::Yellow),
            toast_error: fg(Color::LightRed).add_modifier(Modifier::BOLD),
            mark_colours: true,
        }
    }

    /// No colours (`NO_COLOR`): attributes only.
    pub fn plain() -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        Self {
            accent: bold,
            dim: plain,
            strong: bold,
            highlight: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selection: plain.add_modifier(Modifier::REVERSED),
            unavailable: plain.add_modifier(Modifier::DIM),
            marker: bold,
            border: plain,
            ok: plain,
            warn: bold,
            critical: bold,
            expired: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            toast_info: plain,
            toast_warn: bold,
            toast_error: bold,
            mark_colours: false,
        }
    }

    /// [`plain`](Self::plain) when colours are off, else [`colored`](Self::colored).
    pub fn new(no_color: bool) -> Self {
        if no_color {
            Self::plain()
        } else {
            Self::colored()
        }
    }

    /// The style of a countdown at this urgency.
    pub fn urgency(&self, urgency: Urgency) -> Style {
        match urgency {
            Urgency::Ok => self.ok,
            Urgency::Warn => self.warn,
            Urgency::Critical => self.critical,
            Urgency::Expired => self.expired,
        }
    }

    /// An environment's badge in a list row and the name it marks: its colour, bold.
    pub fn mark(&self, colour: MarkColour) -> Style {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        if self.mark_colours {
            bold.fg(mark_colour(colour))
        } else {
            bold
        }
    }

    /// An environment's badge standing alone (the header): its colour as the background.
    pub fn mark_block(&self, colour: MarkColour) -> Style {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        if self.mark_colours {
            bold.bg(mark_colour(colour)).fg(Color::Black)
        } else {
            bold.add_modifier(Modifier::REVERSED)
        }
    }

    /// The style of a toast.
    pub fn toast(&self, level: Level) -> Style {
        match level {
            Level::Info => self.toast_info,
            Level::Warn => self.toast_warn,
            Level::Error => self.toast_error,
        }
    }
}

/// The terminal colour of a badge.
fn mark_colour(colour: MarkColour) -> Color {
    match colour {
        MarkColour::Red => Color::Red,
        MarkColour::Green => Color::Green,
        MarkColour::Yellow => Color::Yellow,
        MarkColour::Blue => Color::Blue,
        MarkColour::Magenta => Color::Magenta,
        MarkColour::Cyan => Color::Cyan,
        MarkColour::White => Color::White,
        MarkColour::Gray => Color::Gray,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_drops_every_colour_but_keeps_the_selection_visible() {
        assert!(!no_color(None));
        assert!(!no_color(Some(OsStr::new(""))));
        assert!(no_color(Some(OsStr::new("1"))));
        assert_eq!(Theme::new(false), Theme::colored());
        let plain = Theme::new(no_color(Some(OsStr::new("1"))));
        assert_eq!(plain, Theme::plain());
        let styles = [
            plain.accent,
            plain.dim,
            plain.highlight,
            plain.selection,
            plain.ok,
            plain.warn,
            plain.critical,
            plain.expired,
            plain.toast_error,
        ];
        assert!(styles.iter().all(|s| s.fg.is_none() && s.bg.is_none()));
        assert!(plain.selection.add_modifier.contains(Modifier::REVERSED));
        let mark = [
            plain.mark(MarkColour::Red),
            plain.mark_block(MarkColour::Red),
        ];
        assert!(mark.iter().all(|s| s.fg.is_none() && s.bg.is_none()));
        assert_eq!(Theme::colored().mark(MarkColour::Red).fg, Some(Color::Red));
    }

    #[test]
    fn urgencies_have_distinct_colours() {
        let t = Theme::colored();
        let fgs: Vec<_> = [
            Urgency::Ok,
            Urgency::Warn,
            Urgency::Critical,
            Urgency::Expired,
        ]
        .iter()
        .map(|u| t.urgency(*u).fg)
        .collect();
        for (i, a) in fgs.iter().enumerate() {
            assert!(fgs[i + 1..].iter().all(|b| b != a));
        }
    }
}
