//! How well one query word matches one field string: the tiers people mean.
//!
//! A field is split into words on `-`, `_`, `/`, `.`, spaces, lower→upper case changes and
//! letter↔digit changes (`payments-prod-12`, `ReadOnlyAccess`). A query word found in a field
//! (ASCII case ignored) scores by where it sits:
//! - [`EXACT`]: it is the whole field (`payments-prod`);
//! - [`WHOLE`]: it starts and ends on word boundaries (`dev` in `payments-dev-2`,
//!   `readonly` in `ReadOnlyAccess`);
//! - [`START`]: it starts a word (`admin` in `AdministratorAccess`);
//! - [`INSIDE`]: anywhere else (`min` in `AdministratorAccess`).
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
    if raw < INSIDE {
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

/// The best tier of `word` (ASCII-lowercased bytes) in `field` (its bytes as displayed, and
/// ASCII-lowercased), with the byte range it matched; `None` when `word` is not a substring.
pub(super) fn tier(field: &[u8], lower: &[u8], word: &[u8]) -> Option<(i64, Range<usize>)> {
    if word.is_empty() || word.len() > lower.len() {
        return None;
    }
    if word == lower {
        return Some((EXACT, 0..lower.len()));
    }
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
    best
}

/// Clamps a fuzzy-matcher score below the tiers.
pub(super) fn fuzzy(score: i64) -> i64 {
    score.clamp(0, FUZZY_MAX)
}

/// Char positions of the byte range `range` of `text`.
pub(super) fn char_positions(text: &str, range: Range<usize>) -> Vec<usize> {
    text.char_indices()
        .enumerate()
        .filter(|(_, (byte, _))| range.contains(byte))
        .map(|(i, _)| i)
        .collect()
}

/// Natural order of two names: runs of digits compare as numbers (`dev-2` before `dev-10`),
/// the rest by ASCII-lowercased bytes.
pub(super) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let (si, sj) = (i, j);
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let (x, y) = (trim_zeros(&a[si..i]), trim_zeros(&b[sj..j]));
            let ord = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
            if ord.is_ne() {
                return ord;
            }
        } else {
            let ord = a[i].to_ascii_lowercase().cmp(&b[j].to_ascii_lowercase());
            if ord.is_ne() {
                return ord;
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&d| d == b'0').count();
    &digits[zeros..]
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

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
    }

    #[test]
    fn weights_apply_to_tiers_only() {
        assert_eq!(weigh(WHOLE, Weight::Name), 2_400);
        assert_eq!(weigh(WHOLE, Weight::Role), 1_600);
        assert_eq!(weigh(150, Weight::Name), 150);
        assert!(weigh(INSIDE, Weight::Role) > FUZZY_MAX);
    }

    #[test]
    fn natural_order() {
        assert_eq!(natural_cmp("dev-2", "dev-10"), Ordering::Less);
        assert_eq!(natural_cmp("dev-10", "dev-2"), Ordering::Greater);
        assert_eq!(natural_cmp("dev-02", "dev-2"), Ordering::Equal);
        assert_eq!(natural_cmp("Dev", "dev"), Ordering::Equal);
        assert_eq!(natural_cmp("a", "a-1"), Ordering::Less);
        assert_eq!(natural_cmp("b", "a-1"), Ordering::Greater);
    }

    #[test]
    fn char_positions_count_chars() {
        assert_eq!(char_positions("Zürich-Ops", 8..11), [7, 8, 9]);
    }
}
