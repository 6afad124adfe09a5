//! Environments marked in config.toml (`[[environments]]`): a pattern over account names and
//! ids gives a badge and a colour wherever an account shows, and may ask before its
//! credentials are handed over.
//!
//! A pattern matches a whole name, ignoring case: `*` is any run of characters (none
//! included), `?` one character, everything else itself. It is tried on the account's name and
//! on its 12-digit id (a chain: its name, its role's account and that account's name). The
//! first entry that matches wins.

use serde::Deserialize;

/// One `[[environments]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// The badge shown (`prod`).
    pub name: BadgeName,
    /// What names it applies to (`*-prod*`).
    pub pattern: Pattern,
    /// The badge's colour.
    #[serde(alias = "color")]
    pub colour: MarkColour,
    /// Ask before handing over credentials of a matching account.
    #[serde(default)]
    pub confirm: bool,
}

/// The longest badge, in characters (it takes a column of every row).
pub const BADGE_MAX: usize = 10;

/// A badge: 1 to [`BADGE_MAX`] visible ASCII characters, so it never moves a column or drives
/// the terminal.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct BadgeName(String);

impl BadgeName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BadgeName {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        let ok =
            (1..=BADGE_MAX).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(name))
        } else {
            Err(format!(
                "environment name {name:?}: 1 to {BADGE_MAX} visible ASCII characters, no spaces"
            ))
        }
    }
}

/// A glob over names: `*`, `?`, the rest literal, case ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Pattern(String);

impl TryFrom<String> for Pattern {
    type Error = String;
    fn try_from(pattern: String) -> Result<Self, String> {
        if pattern.is_empty() || pattern.chars().any(char::is_control) {
            return Err(format!(
                "environment pattern {pattern:?}: not empty, no control characters"
            ));
        }
        Ok(Self(pattern.to_lowercase()))
    }
}

impl Pattern {
    /// Whether the whole of `name` matches, ignoring case.
    pub fn matches(&self, name: &str) -> bool {
        let pattern: Vec<char> = self.0.chars().collect();
        let name: Vec<char> = name.to_lowercase().chars().collect();
        glob(&pattern, &name)
    }
}

/// Glob matching with one backtrack point (the last `*`): linear in practice.
fn glob(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// The colours a badge can have: the terminal's own, so they follow its palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkColour {
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    White,
    Gray,
}

/// Every `[[environments]]` entry, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Marks(pub Vec<Mark>);

impl Marks {
    /// The first mark whose pattern matches one of `names` or `account_id`.
    pub fn of<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str> + Clone,
        account_id: &str,
    ) -> Option<&Mark> {
        self.0.iter().find(|m| {
            m.pattern.matches(account_id) || names.clone().into_iter().any(|n| m.pattern.matches(n))
        })
    }

    /// The widest badge (0 with none configured).
    pub fn badge_width(&self) -> usize {
        self.0.iter().map(|m| m.name.0.len()).max().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(p: &str) -> Pattern {
        Pattern::try_from(p.to_owned()).unwrap()
    }

    fn mark(name: &str, p: &str) -> Mark {
        Mark {
            name: BadgeName::try_from(name.to_owned()).unwrap(),
            pattern: pattern(p),
            colour: MarkColour::Red,
            confirm: false,
        }
    }

    #[test]
    fn patterns_match_whole_names_ignoring_case() {
        let cases = [
            ("*-prod*", "payments-prod", true),
            ("*-prod*", "Payments-PROD-eu", true),
            ("*-prod*", "payments-production", true),
            ("*-prod*", "prod", false),
            ("*-prod*", "payments-dev", false),
            ("prod", "prod", true),
            ("prod", "prod-1", false),
            ("prod", "nonprod", false),
            ("*prod", "nonprod", true),
            ("dev-?", "dev-2", true),
            ("dev-?", "dev-10", false),
            ("1111*", "111122223333", true),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("**", "x", true),
        ];
        for (p, name, want) in cases {
            assert_eq!(pattern(p).matches(name), want, "{p} ~ {name}");
        }
    }

    #[test]
    fn the_first_entry_whose_pattern_matches_the_name_or_the_id_wins() {
        let marks = Marks(vec![
            mark("prod", "*-prod*"),
            mark("sandbox", "*"),
            mark("never", "payments-prod"),
        ]);
        let of = |name: &str, id: &str| marks.of([name], id).map(|m| m.name.as_str().to_owned());
        assert_eq!(of("payments-prod", "111122223333").as_deref(), Some("prod"));
        assert_eq!(
            of("payments-dev", "111122223333").as_deref(),
            Some("sandbox")
        );
        let by_id = Marks(vec![mark("prod", "111122223333")]);
        assert!(by_id.of(["anything"], "111122223333").is_some());
        assert!(by_id.of(["anything"], "999999999999").is_none());
        assert_eq!(marks.badge_width(), 7);
        assert_eq!(Marks::default().badge_width(), 0);
    }

    #[test]
    fn badges_and_patterns_refuse_what_would_break_a_row() {
        for bad in ["", "p r o d", "prod\u{1b}[2J", "much-too-long", "préd"] {
            assert!(BadgeName::try_from(bad.to_owned()).is_err(), "{bad:?}");
        }
        for bad in ["", "a\nb", "\u{7}"] {
            assert!(Pattern::try_from(bad.to_owned()).is_err(), "{bad:?}");
        }
    }
}
