//! How well one query word matches one field string: the tiers people mean.
//!
//! A field is split into words on `-`, `_`, `/`, `.`, spaces, lower→upper case changes and
//! letter↔digit changes (`payments-prod-12`, `ReadOnlyAccess`). A query word found in a field
//! (ASCII case ignored) scores by where it sits:
//! - [`EXACT`]: it is the whole field (`payments-prod`);
//! - [`WHOLE`]: it starts and ends on word boundaries (`dev` in `payments-dev-2`,
//!   `readonly` in `ReadOnlyAccess`);
//! - [`START`]: it starts a word (`admin` in `AdministratorAccess`);
//! - [`INITIALS`]: it spells the initials of consecutive words (`ro` in `ReadOnlyAccess`);
//! - [`INSIDE`]: anywhere else (`min` in `AdministratorAccess`), weighed the same in every
//!   field: a fragment inside a word says little about which field was meant.
//!
//! A word found nowhere falls back to `fuzzy-matcher`'s typo-tolerant subsequence score, capped
//! below every tier, unless it is all digits: digits only ever match as a substring (ids).
//! The field's weight ([`weigh`]) multiplies a tier score, so a word's tier in the account name
//! beats the same tier in the role; fuzzy scores are not weighed.

use std::ops::Range;

/// The query word is the whole field.
pub(super) const EXACT: i64 = 1_000;
/// The query word covers whole words of the field.
pub(super) const WHOLE: i64 = 800;
/// The query word starts a word of the field.
pub(super) const START: i64 = 600;
/// The query word spells the initials of consecutive words of the field (not for digits).
pub(super) const INITIALS: i64 = 500;
/// The query word is inside a word of the field.
pub(super) const INSIDE: i64 = 300;
/// Fuzzy (subsequence) scores are clamped to `0..=FUZZY_MAX`, below every tier.
pub(super) const FUZZY_MAX: i64 = 199;

/// How much a tier score in a field counts: the account name (and the user's alias) most,
/// then the role, the id, the tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weight {
    Name,
    Role,
}

/// `raw` (a tier or a fuzzy score) weighed for a field.
pub(super) fn weigh(raw: i64, weight: Weight) -> i64 {
    if raw <= INSIDE {
        return raw;
    }
    match weight {
        Weight::Name => raw * 3,
        Weight::Role => raw * 2,
    }
}

fn is_sep(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'/' | b'.' | b' ' | b':' | b'@')
}

/// Whether a word boundary lies between `field[at - 1]` and `field[at]`.
fn boundary(field: &[u8], at: usize) -> bool {
    if at == 0 || at >= field.len() {
        return true;
    }
    let (a, b) = (field[at - 1], field[at]);
    is_sep(a)
        || is_sep(b)
        || (a.is_ascii_lowercase() && b.is_ascii_uppercase())
        || (a.is_ascii_alphabetic() && b.is_ascii_digit())
        || (a.is_ascii_digit() && b.is_ascii_alphabetic())
}

/// Where a tier matched: a byte range, or the initials of `count` words from the `first`-th.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Span {
    Bytes(Range<usize>),
    Initials { first: usize, count: usize },
}

/// The byte offsets where the words of `field` start.
fn word_starts(field: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (0..field.len()).filter(|&at| !is_sep(field[at]) && boundary(field, at))
}

/// The byte positions a [`Span`] covers in `field`.
pub(super) fn span_bytes(field: &[u8], span: &Span) -> Vec<usize> {
    match span {
        Span::Bytes(range) => range.clone().collect(),
        Span::Initials { first, count } => word_starts(field).skip(*first).take(*count).collect(),
    }
}

/// The best tier of `word` (ASCII-lowercased bytes) in `field` (its bytes as displayed, and
/// ASCII-lowercased), with where it matched; `None` when it matches no tier.
pub(super) fn tier(field: &[u8], lower: &[u8], word: &[u8]) -> Option<(i64, Span)> {
    if word.is_empty() || word.len() > lower.len() {
        return None;
    }
    if word == lower {
        return Some((EXACT, Span::Bytes(0..lower.len())));
    }
    let best = substring(field, lower, word);
    if best.as_ref().is_some_and(|(s, _)| *s > INITIALS) || word.iter().all(u8::is_ascii_digit) {
        return best;
    }
    initials(field, lower, word).or(best)
}

/// `word` as the initials of consecutive words of `field`.
fn initials(field: &[u8], lower: &[u8], word: &[u8]) -> Option<(i64, Span)> {
    if word.len() < 2 {
        return None;
    }
    let starts: Vec<usize> = word_starts(field).collect();
    (0..starts.len().saturating_sub(word.len() - 1))
        .find(|&k| {
            word.iter()
                .zip(&starts[k..])
                .all(|(w, &at)| lower[at] == *w)
        })
        .map(|first| {
            (
                INITIALS,
                Span::Initials {
                    first,
                    count: word.len(),
                },
            )
        })
}

/// The best substring tier of `word` in `field`.
fn substring(field: &[u8], lower: &[u8], word: &[u8]) -> Option<(i64, Span)> {
    let mut best: Option<(i64, Range<usize>)> = None;
    for at in 0..=lower.len() - word.len() {
        if &lower[at..at + word.len()] != word {
            continue;
        }
        let end = at + word.len();
        let score = match (boundary(field, at), boundary(field, end)) {
            (true, true) => WHOLE,
            (true, false) => START,
            _ => INSIDE,
        };
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, at..end));
        }
        if score == WHOLE {
            break;
        }
    }
    best.map(|(s, range)| (s, Span::Bytes(range)))
}

/// Clamps a fuzzy-matcher score below the tiers.
pub(super) fn fuzzy(score: i64) -> i64 {
    score.clamp(0, FUZZY_MAX)
}

/// Char positions in `text` of what `span` covers.
pub(super) fn char_positions(text: &str, span: &Span) -> Vec<usize> {
    let bytes = span_bytes(text.as_bytes(), span);
    text.char_indices()
        .enumerate()
        .filter(|(_, (byte, _))| bytes.contains(byte))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {

    use super::*;

    fn t(field: &str, word: &str) -> Option<i64> {
        let lower = field.to_ascii_lowercase();
        tier(field.as_bytes(), lower.as_bytes(), word.as_bytes()).map(|(s, _)| s)
    }

    #[test]
    fn tiers() {
        assert_eq!(t("payments-prod", "payments-prod"), Some(EXACT));
        assert_eq!(t("payments-dev-2", "dev"), Some(WHOLE));
        assert_eq!(t("payments-dev-2", "2"), Some(WHOLE));
        assert_eq!(t("payments-dev-12", "2"), Some(INSIDE));
        assert_eq!(t("ReadOnlyAccess", "readonly"), Some(WHOLE));
        assert_eq!(t("AdministratorAccess", "admin"), Some(START));
        assert_eq!(t("AdministratorAccess", "min"), Some(INSIDE));
        assert_eq!(t("shadmin-tools", "admin"), Some(INSIDE));
        assert_eq!(t("DevOps", "devops"), Some(EXACT));
        assert_eq!(t("prod-x", "prodx"), None);
        assert_eq!(t("Zürich-Ops", "ops"), Some(WHOLE));
        assert_eq!(t("x", ""), None);
        assert_eq!(t("ReadOnlyAccess", "ro"), Some(INITIALS));
        assert_eq!(t("ReadOnlyAccess", "roa"), Some(INITIALS));
        assert_eq!(t("ReadOnlyAccess", "ra"), None);
        assert_eq!(t("payments-prod", "ro"), Some(INSIDE));
        assert_eq!(t("dev-1-2", "12"), None);
    }

    #[test]
    fn weights_apply_to_tiers_only() {
        assert_eq!(weigh(WHOLE, Weight::Name), 2_400);
        assert_eq!(weigh(WHOLE, Weight::Role), 1_600);
        assert_eq!(weigh(150, Weight::Name), 150);
        assert_eq!(weigh(INSIDE, Weight::Name), INSIDE);
    }

    #[test]
    fn char_positions_count_chars() {
        assert_eq!(char_positions("Zürich-Ops", &Span::Bytes(8..11)), [7, 8, 9]);
        let span = Span::Initials { first: 1, count: 2 };
        assert_eq!(char_positions("ReadOnlyAccess", &span), [4, 8]);
    }
}
