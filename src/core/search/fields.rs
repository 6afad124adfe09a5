//! The searchable strings of a [`SearchIndex`](super::SearchIndex), each stored once, and the
//! cheap checks that reject a field before the fuzzy matcher runs.
//!
//! Catalog rows repeat their strings a lot: every role of an account shares the account's name
//! and id, and a handful of permission-set names cover thousands of rows. Interning each
//! distinct string once lets a query word be scored once per distinct string instead of once
//! per row (see the module docs of [`search`](super) for the numbers).

use std::collections::HashMap;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::rank;

/// The id of a distinct field string in a [`Fields`] table.
pub(super) type FieldId = u32;

/// One distinct searchable string.
#[derive(Debug, Clone)]
pub(super) struct Field {
    /// The string as displayed; the matcher scores this, so camelCase and `-` boundaries count.
    pub(super) text: Box<str>,
    /// Which [`char_bit`]s occur in the string.
    mask: u64,
    /// The ASCII-lowercased bytes, when the string is ASCII (for the subsequence check).
    folded: Option<Box<[u8]>>,
    /// The ASCII-lowercased bytes, always (for the tiers of [`rank`]).
    lower: Box<[u8]>,
}

/// One word of a query, prepared for the cheap checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Word {
    /// The word as typed.
    pub(super) text: String,
    mask: u64,
    folded: Option<Vec<u8>>,
    lower: Vec<u8>,
    /// All ASCII digits: matches only as a substring, never fuzzily.
    digits: bool,
    /// `account/role` (split at the last `/`), as typed or pasted.
    pub(super) split: Option<Box<(Word, Word)>>,
}

impl Word {
    pub(super) fn new(text: &str) -> Self {
        let mut word = Self::plain(text);
        word.split = text
            .rsplit_once('/')
            .map(|(account, role)| Box::new((Self::plain(account), Self::plain(role))));
        word
    }

    fn plain(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            mask: mask_of(text),
            folded: fold(text),
            lower: text.to_ascii_lowercase().into_bytes(),
            digits: !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
            split: None,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Splits a query into words (any Unicode whitespace separates words).
pub(super) fn words_of(query: &str) -> Vec<Word> {
    query.split_whitespace().map(Word::new).collect()
}

/// Every distinct field string, interned.
#[derive(Debug, Clone, Default)]
pub(super) struct Fields {
    fields: Vec<Field>,
    ids: HashMap<Box<str>, FieldId>,
}

impl Fields {
    /// The id of `text`, adding it if it is new.
    pub(super) fn intern(&mut self, text: &str) -> FieldId {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = FieldId::try_from(self.fields.len()).unwrap_or(FieldId::MAX);
        self.fields.push(Field {
            text: text.into(),
            mask: mask_of(text),
            folded: fold(text),
            lower: text.to_ascii_lowercase().into_bytes().into(),
        });
        self.ids.insert(text.into(), id);
        id
    }

    /// Drops the lookup map once every row is interned.
    pub(super) fn finish(&mut self) {
        self.ids = HashMap::new();
    }

    pub(super) fn len(&self) -> usize {
        self.fields.len()
    }

    pub(super) fn get(&self, id: FieldId) -> Option<&Field> {
        self.fields.get(id as usize)
    }
}

/// Whether `word` could match `field` at all: every character class of the word occurs in the
/// field, and (for ASCII strings) the word is a case-insensitive subsequence of the field.
///
/// This is a necessary condition for [`SkimMatcherV2`] in ignore-case mode (which matches a
/// pattern exactly when it is a subsequence under ASCII case folding), so it never rejects a
/// real match; it only spares the matcher's allocation and dynamic programming.
pub(super) fn may_match(field: &Field, word: &Word) -> bool {
    if word.mask & !field.mask != 0 {
        return false;
    }
    match (&word.folded, &field.folded) {
        (Some(w), Some(f)) => is_subsequence(w, f),
        _ => true,
    }
}

/// The score of `word` in `field` (a [`rank`] tier, or a clamped fuzzy score; unweighed),
/// after the cheap checks.
pub(super) fn score(matcher: &SkimMatcherV2, field: &Field, word: &Word) -> Option<i64> {
    matched(matcher, field, word, false).map(|(s, _)| s)
}

/// The score of `word` in `field` and the matched char positions.
pub(super) fn indices(
    matcher: &SkimMatcherV2,
    field: &Field,
    word: &Word,
) -> Option<(i64, Vec<usize>)> {
    matched(matcher, field, word, true)
}

fn matched(
    matcher: &SkimMatcherV2,
    field: &Field,
    word: &Word,
    want_indices: bool,
) -> Option<(i64, Vec<usize>)> {
    if !may_match(field, word) {
        return None;
    }
    if let Some((score, span)) = rank::tier(field.text.as_bytes(), &field.lower, &word.lower) {
        let idx = if want_indices {
            rank::char_positions(&field.text, &span)
        } else {
            Vec::new()
        };
        return Some((score, idx));
    }
    if word.digits {
        return None;
    }
    if want_indices {
        matcher
            .fuzzy_indices(&field.text, &word.text)
            .map(|(s, idx)| (rank::fuzzy(s), idx))
    } else {
        matcher
            .fuzzy_match(&field.text, &word.text)
            .map(|s| (rank::fuzzy(s), Vec::new()))
    }
}

/// A 64-bit set of character classes: letters a–z (ASCII case folded) and digits get a bit
/// each; other ASCII characters share 8 bits and non-ASCII characters 20 bits by code point.
/// The matcher compares non-letters exactly, so equal characters always share a bit.
fn char_bit(c: char) -> u64 {
    let code = u32::from(c);
    let bit = match c {
        'a'..='z' => code - u32::from('a'),
        'A'..='Z' => code - u32::from('A'),
        '0'..='9' => 26 + code - u32::from('0'),
        _ if c.is_ascii() => 36 + code % 8,
        _ => 44 + code % 20,
    };
    1 << bit
}

fn mask_of(text: &str) -> u64 {
    text.chars().fold(0, |mask, c| mask | char_bit(c))
}

fn fold<T: From<Vec<u8>>>(text: &str) -> Option<T> {
    text.is_ascii().then(|| {
        text.bytes()
            .map(|b| b.to_ascii_lowercase())
            .collect::<Vec<u8>>()
            .into()
    })
}

fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack;
    for &b in needle {
        match rest.iter().position(|&h| h == b) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> Field {
        let mut fields = Fields::default();
        let id = fields.intern(text);
        fields.get(id).cloned().unwrap()
    }

    #[test]
    fn interning_gives_one_id_per_distinct_string() {
        let mut fields = Fields::default();
        let a = fields.intern("ReadOnlyAccess");
        let b = fields.intern("AdministratorAccess");
        assert_eq!(fields.intern("ReadOnlyAccess"), a);
        assert_ne!(a, b);
        assert_eq!(fields.len(), 2);
        fields.finish();
        assert_eq!(&*fields.get(b).unwrap().text, "AdministratorAccess");
    }

    #[test]
    fn cheap_checks_agree_with_the_matcher() {
        let matcher = SkimMatcherV2::default().ignore_case();
        let texts = [
            "payments-prod-001",
            "AdministratorAccess",
            "123456789012",
            "Zürich-Ops",
            "データ基盤",
            "a_b.c/d",
            "",
        ];
        let words = [
            "pp", "PAY", "admin", "zz", "zür", "ZÜR", "ürich", "デ基", "_.", "a/d", "1 2", "90",
            "x", "ops",
        ];
        for t in texts {
            let f = field(t);
            for w in words {
                let word = Word::new(w);
                let digits = w.bytes().all(|b| b.is_ascii_digit());
                let real = if digits {
                    t.contains(w)
                } else {
                    matcher.fuzzy_match(t, w).is_some()
                };
                if real {
                    assert!(may_match(&f, &word), "{w:?} in {t:?} was rejected");
                }
                assert_eq!(score(&matcher, &f, &word).is_some(), real, "{w:?} in {t:?}");
            }
        }
    }

    #[test]
    fn subsequence() {
        assert!(is_subsequence(b"pmd", b"payments-prod"));
        assert!(is_subsequence(b"", b"x"));
        assert!(!is_subsequence(b"dp", b"pd"));
        assert!(!is_subsequence(b"pp", b"p"));
    }
}
