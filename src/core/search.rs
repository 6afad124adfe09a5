//! Fuzzy search over the catalog's account × role rows, as the user types.
//!
//! # Matching
//! A query is split into words on whitespace; a row matches when **every** word matches
//! (`prod admin`). A word matches a row when it matches one of the row's fields: the account
//! name, the account id, the role name, the alias (from config.toml's `[aliases]`), or one of
//! the tags. A word does not match across field boundaries: `prodadmin` does not match
//! `payments-prod` / `AdministratorAccess`, while `prod admin` does. This is deliberate:
//! cross-field scatter (a `p` from the name, an `a` from the role) is noise, and it is what makes
//! the per-string deduplication below possible. One exception: a word with a `/` also matches
//! as `account/role` (the part before the last `/` in the name or id, the rest in the role), so
//! a pasted `payments-prod/ReadOnlyAccess` finds that row.
//!
//! # Ranking
//! A word's score in a field is a tier (module `rank`): the whole field, then whole words
//! (fields split on `-_/.`, case and digit changes), then a word's start, then the initials of
//! consecutive words (`ro` → `ReadOnlyAccess`), then inside a word; a tier in the account name
//! (or alias) counts 3×, in the role, id or tags 2× (inside a word: 1× everywhere). A word that
//! hits no tier falls back to `fuzzy-matcher`'s typo-tolerant [`SkimMatcherV2`] score, capped
//! below every tier; a word of digits never falls back (ids match as substrings). The word's
//! score is its best over the fields (or as `account/role`), the row's text score the sum over
//! the words. Hits are ordered by `text score + boost(row)`, highest first, ties in natural
//! order of account name then role (`dev-2` before `dev-10`), then catalog order. With an
//! empty (or all-whitespace) query every row is a hit, ordered by `boost(row)` then catalog
//! order, so favorites and recents come first (see [`super::frecency::Frecency::boost`]).
//!
//! The boost is called once per hit while a query is computed, so it must be cheap (index a
//! precomputed `Vec<i64>`, e.g. from [`super::frecency::Frecency::boost_table`]). Results are
//! cached per query, so a boost that changes (a favorite toggled, a role used) must be followed
//! by [`SearchIndex::invalidate`].
//!
//! # Speed
//! Measured by `cargo bench --bench search` (2-core machine, release): running the matcher on
//! every row's concatenated haystack costs 150–700 ns per row, i.e. 15–70 ms per keystroke at
//! 100,000 rows. The index instead:
//! - stores every distinct field string once (module `fields`): the roles of an account share its
//!   name and id, and a few permission sets cover all rows, so a word is scored once per
//!   distinct string (about 2 × accounts + roles) rather than once per row;
//! - rejects a string before scoring unless the word's characters all occur in it (a 64-bit
//!   character-class mask) and the word is an ASCII subsequence of it (every tier implies one);
//! - narrows incrementally: a query that extends the previous one only re-examines the previous
//!   hits (a longer query can only narrow) and only scores the words that changed (the score of
//!   the unchanged words is carried); a stack of recent queries makes backspace a cache hit;
//! - computes highlight indices only for the first [`HIGHLIGHT_WINDOW`] hits; the core asks
//!   for more with [`SearchIndex::ensure_highlights`] when the list scrolls, or the renderer
//!   calls [`SearchIndex::highlight`].
//!
//! Result (typing and backspacing `payments prod admin`, `dtsci`, `4711 ro`, highlights for 40
//! visible rows): p99 per keystroke 0.9 ms at 10,000 rows (naive: 6.1 ms) and 10.2 ms at
//! 100,000 rows (naive: 60.5 ms); a backspace is a cache hit (p99 0.1 ms / 1.1 ms).
//!
//! Highlight indices are char positions within the displayed field (`account_name`,
//! `role_name`, `account_id`); a renderer that escapes or truncates a field must map them.

mod fields;
mod rank;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Range;

use fuzzy_matcher::skim::SkimMatcherV2;

use self::fields::{FieldId, Fields, Word, words_of};
use self::rank::Weight;
use super::catalog::{Account, Catalog, RoleRef};

/// How many hits get highlight indices as soon as a query is filtered (a tall terminal's list).
pub const HIGHLIGHT_WINDOW: usize = 64;

/// At most this many queries are cached on the backspace stack.
const MAX_CACHED_QUERIES: usize = 32;

/// At most this many hits are kept across the cached queries (about 32 bytes each).
const MAX_CACHED_HITS: usize = 1_000_000;

/// One searchable row: an account × role pair, with the user's alias and tags for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    pub account_id: String,
    pub account_name: String,
    pub role_name: String,
    /// The user's name for this account/role (from the config), if any.
    pub alias: Option<String>,
    /// The user's tags for this account/role (from the config).
    pub tags: Vec<String>,
    /// `arn:aws:iam::<id>:role/<role>`: what users recognise and copy, not the SSO role's real ARN
    /// (which lives under `aws-reserved/sso.amazonaws.com/`). Not searched.
    pub arn: String,
}

impl SearchRow {
    /// A row with no alias and no tags.
    pub fn new(account: &Account, role_name: &str) -> Self {
        Self {
            account_id: account.id.to_string(),
            account_name: account.name.clone(),
            role_name: role_name.to_owned(),
            alias: None,
            tags: Vec::new(),
            arn: format!("arn:aws:iam::{}:role/{role_name}", account.id),
        }
    }

    /// Every row of the catalog, in catalog order (accounts whose roles are unavailable have
    /// none).
    pub fn from_catalog(catalog: &Catalog) -> Vec<Self> {
        catalog
            .rows()
            .map(|(account, role)| Self::new(account, role))
            .collect()
    }

    /// The account × role this row stands for.
    pub fn role_ref(&self) -> RoleRef {
        RoleRef {
            account_id: self.account_id.clone(),
            role_name: self.role_name.clone(),
        }
    }
}

/// One row that matched the query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hit {
    /// The row's index in [`SearchIndex::rows`] (catalog order).
    pub row: usize,
    /// Text score plus boost; hits are sorted by this, highest first.
    pub score: i64,
    /// Matched char positions in `account_name` (sorted, no duplicates). The three index
    /// lists are filled for the first [`HIGHLIGHT_WINDOW`] hits and for the ranges passed to
    /// [`SearchIndex::ensure_highlights`]; elsewhere they are empty until asked for.
    pub name_idx: Vec<usize>,
    /// Matched char positions in `role_name`.
    pub role_idx: Vec<usize>,
    /// Matched char positions in `account_id`.
    pub id_idx: Vec<usize>,
}

/// The matched char positions of one row, per displayed field (see [`Hit`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    pub name_idx: Vec<usize>,
    pub role_idx: Vec<usize>,
    pub id_idx: Vec<usize>,
}

/// The field strings of one row, as ids into the index's [`Fields`].
#[derive(Debug, Clone, Copy)]
struct RowFields {
    name: FieldId,
    id: FieldId,
    role: FieldId,
    /// The alias and tags, as a range of `SearchIndex::extra`.
    extra: (u32, u32),
}

/// Which displayed field a searched field is, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Name,
    Id,
    Role,
    Other,
}

impl Slot {
    fn weight(self) -> Weight {
        match self {
            Slot::Name => Weight::Name,
            Slot::Id | Slot::Role | Slot::Other => Weight::Role,
        }
    }
}

/// A hit as cached: `text` is the sum of the word scores, `last` the score of the last word
/// (so the next keystroke can replace it), `score` the text score plus the boost.
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: i64,
    text: i64,
    last: i64,
    row: u32,
}

/// The results of one query, on the backspace stack.
#[derive(Debug, Clone)]
struct Entry {
    query: String,
    words: Vec<Word>,
    hits: Vec<Scored>,
}

/// Score of a field for the current word, not computed yet.
const UNKNOWN: i64 = i64::MIN;
/// The field does not match the current word.
const NO_MATCH: i64 = i64::MIN + 1;

/// The rows, their interned field strings, and the cached results of recent queries.
pub struct SearchIndex {
    rows: Vec<SearchRow>,
    fields: Fields,
    row_fields: Vec<RowFields>,
    extra: Vec<FieldId>,
    /// Each row's place in natural order (account name, then role): the tie-break of a query.
    nat: Vec<u32>,
    matcher: SkimMatcherV2,
    /// Queries whose results are cached; each one's query is a prefix of the next one's.
    stack: Vec<Entry>,
    /// The results of the query most recently filtered (the top of `stack`).
    hits: Vec<Hit>,
    /// Whether `hits[i]` has its highlight indices.
    highlighted: Vec<bool>,
    /// The words of the query most recently filtered.
    words: Vec<Word>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("rows", &self.rows.len())
            .field("distinct_fields", &self.fields.len())
            .field("query", &self.query())
            .field("hits", &self.hits.len())
            .field("cached_queries", &self.stack.len())
            .finish()
    }
}

impl Clone for SearchIndex {
    fn clone(&self) -> Self {
        Self {
            rows: self.rows.clone(),
            fields: self.fields.clone(),
            row_fields: self.row_fields.clone(),
            extra: self.extra.clone(),
            nat: self.nat.clone(),
            matcher: matcher(),
            stack: self.stack.clone(),
            hits: self.hits.clone(),
            highlighted: self.highlighted.clone(),
            words: self.words.clone(),
        }
    }
}

fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

impl SearchIndex {
    /// Indexes `rows` (in catalog order). Nothing is filtered until [`filter`](Self::filter)
    /// is called; until then [`hits`](Self::hits) is empty.
    pub fn new(rows: Vec<SearchRow>) -> Self {
        let mut fields = Fields::default();
        let mut extra = Vec::new();
        let row_fields = rows
            .iter()
            .map(|row| {
                let start = u32::try_from(extra.len()).unwrap_or(u32::MAX);
                extra.extend(row.alias.iter().map(|a| fields.intern(a)));
                extra.extend(row.tags.iter().map(|t| fields.intern(t)));
                let end = u32::try_from(extra.len()).unwrap_or(u32::MAX);
                RowFields {
                    name: fields.intern(&row.account_name),
                    id: fields.intern(&row.account_id),
                    role: fields.intern(&row.role_name),
                    extra: (start, end),
                }
            })
            .collect();
        fields.finish();
        let nat = natural_ranks(&rows);
        Self {
            rows,
            fields,
            row_fields,
            extra,
            nat,
            matcher: matcher(),
            stack: Vec::new(),
            hits: Vec::new(),
            highlighted: Vec::new(),
            words: Vec::new(),
        }
    }

    /// The rows, in catalog order ([`Hit::row`] indexes this).
    pub fn rows(&self) -> &[SearchRow] {
        &self.rows
    }

    /// One row by index.
    pub fn row(&self, row: usize) -> Option<&SearchRow> {
        self.rows.get(row)
    }

    /// How many rows there are (the `N` of `n/N`).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The query most recently filtered.
    pub fn query(&self) -> &str {
        self.stack.last().map_or("", |e| e.query.as_str())
    }

    /// The results of the query most recently filtered (what [`filter`](Self::filter)
    /// returned), for a renderer that only has `&self`.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// Forgets every cached result, e.g. after the boost changed. The next
    /// [`filter`](Self::filter) computes from scratch.
    pub fn invalidate(&mut self) {
        self.stack.clear();
        self.hits.clear();
        self.highlighted.clear();
        self.words.clear();
    }

    /// Filters the rows by `query` and returns the hits, best first (see the module docs for
    /// matching and ranking). The first [`HIGHLIGHT_WINDOW`] hits carry highlight indices.
    ///
    /// When `query` extends the previous query, only the previous hits are examined; when it
    /// is a cached query (backspace), the cached hits are returned; otherwise the rows are
    /// filtered from the longest cached prefix of `query`, or from scratch.
    pub fn filter(&mut self, query: &str, boost: &dyn Fn(usize) -> i64) -> &[Hit] {
        if self.stack.last().is_some_and(|e| e.query == query) {
            return &self.hits;
        }
        while self
            .stack
            .last()
            .is_some_and(|e| !query.starts_with(e.query.as_str()))
        {
            self.stack.pop();
        }
        let words = words_of(query);
        let cached = self.stack.last().is_some_and(|e| e.query == query);
        if !cached {
            let hits = match self.stack.last() {
                Some(base) => self.narrow(base, &words, boost),
                None => self.compute_all(&words, boost),
            };
            self.push(Entry {
                query: query.to_owned(),
                words,
                hits,
            });
        }
        self.materialize();
        &self.hits
    }

    /// Computes the highlight indices of the hits in `range` (positions in
    /// [`hits`](Self::hits)) that do not have them yet, e.g. when the list scrolls.
    pub fn ensure_highlights(&mut self, range: Range<usize>) {
        let end = range.end.min(self.hits.len());
        for i in range.start.min(end)..end {
            if self.highlighted.get(i).copied().unwrap_or(true) {
                continue;
            }
            let h = self.highlight_words(self.hits[i].row, &self.words);
            let hit = &mut self.hits[i];
            hit.name_idx = h.name_idx;
            hit.role_idx = h.role_idx;
            hit.id_idx = h.id_idx;
            self.highlighted[i] = true;
        }
    }

    /// The highlight indices of `row` for `query`, computed now (for a renderer that only has
    /// `&self`). Each word highlights the field it scored best in (ties: name, id, role).
    pub fn highlight(&self, row: usize, query: &str) -> Highlight {
        self.highlight_words(row, &words_of(query))
    }

    fn highlight_words(&self, row: usize, words: &[Word]) -> Highlight {
        let mut h = Highlight::default();
        let Some(&rf) = self.row_fields.get(row) else {
            return h;
        };
        for word in words {
            let mut best: Option<(i64, Highlight)> = None;
            for (slot, id) in self.fields_of(rf) {
                let Some(field) = self.fields.get(id) else {
                    continue;
                };
                if let Some((score, idx)) = fields::indices(&self.matcher, field, word) {
                    let score = rank::weigh(score, slot.weight());
                    if best.as_ref().is_none_or(|(b, _)| score > *b) {
                        best = Some((score, Highlight::of(slot, idx)));
                    }
                }
            }
            if let Some(split) = &word.split
                && let Some((score, idx)) = self.split_match(rf, &split.0, &split.1, true)
                && best.as_ref().is_none_or(|(b, _)| score > *b)
            {
                best = Some((score, idx));
            }
            if let Some((_, idx)) = best {
                h.name_idx.extend(idx.name_idx);
                h.id_idx.extend(idx.id_idx);
                h.role_idx.extend(idx.role_idx);
            }
        }
        for v in [&mut h.name_idx, &mut h.role_idx, &mut h.id_idx] {
            v.sort_unstable();
            v.dedup();
        }
        h
    }

    /// How `account/role` matches a row: the account part in the name or the id (weighed as
    /// the name), plus the role part in the role; an empty part matches anything.
    fn split_match(
        &self,
        rf: RowFields,
        account: &Word,
        role: &Word,
        want_indices: bool,
    ) -> Option<(i64, Highlight)> {
        let part = |slot: Slot, id: FieldId, word: &Word, weight: Weight| {
            let field = self.fields.get(id)?;
            let (score, idx) = if want_indices {
                fields::indices(&self.matcher, field, word)?
            } else {
                (fields::score(&self.matcher, field, word)?, Vec::new())
            };
            Some((rank::weigh(score, weight), Highlight::of(slot, idx)))
        };
        let (a, mut h) = if account.is_empty() {
            (0, Highlight::default())
        } else {
            [(Slot::Name, rf.name), (Slot::Id, rf.id)]
                .into_iter()
                .filter_map(|(slot, id)| part(slot, id, account, Weight::Name))
                .max_by_key(|(s, _)| *s)?
        };
        let r = if role.is_empty() {
            0
        } else {
            let (r, idx) = part(Slot::Role, rf.role, role, Weight::Role)?;
            h.role_idx = idx.role_idx;
            r
        };
        Some((a + r, h))
    }

    /// The searched fields of a row, in tie-break order.
    fn fields_of(&self, rf: RowFields) -> impl Iterator<Item = (Slot, FieldId)> + '_ {
        let extra = self
            .extra
            .get(rf.extra.0 as usize..rf.extra.1 as usize)
            .unwrap_or(&[]);
        [
            (Slot::Name, rf.name),
            (Slot::Id, rf.id),
            (Slot::Role, rf.role),
        ]
        .into_iter()
        .chain(extra.iter().map(|&id| (Slot::Other, id)))
    }

    /// The results of `words` computed from all rows.
    fn compute_all(&self, words: &[Word], boost: &dyn Fn(usize) -> i64) -> Vec<Scored> {
        let all = (0..self.rows.len()).map(|row| Scored {
            score: 0,
            text: 0,
            last: 0,
            row: u32::try_from(row).unwrap_or(u32::MAX),
        });
        if words.is_empty() {
            let mut hits: Vec<Scored> = all
                .map(|s| Scored {
                    score: boost(s.row as usize),
                    ..s
                })
                .collect();
            sort(&mut hits, None);
            return hits;
        }
        self.score_words(all, 0, words, boost)
    }

    /// The results of `words` computed from the results of `base`, whose query is a prefix of
    /// this one: every word of `base` but its last is unchanged, and its last word is either
    /// unchanged or extended.
    fn narrow(&self, base: &Entry, words: &[Word], boost: &dyn Fn(usize) -> i64) -> Vec<Scored> {
        let k = base.words.len();
        let same = base
            .words
            .iter()
            .zip(words)
            .take_while(|(a, b)| a == b)
            .count();
        if same == k && words.len() == k {
            return base.hits.clone();
        }
        if same == k {
            // New words after the unchanged ones: keep the whole text score.
            return self.score_words(base.hits.iter().copied(), 0, &words[k..], boost);
        }
        if same + 1 == k {
            // The last word grew: replace its score.
            return self.score_words(base.hits.iter().copied(), 1, &words[same..], boost);
        }
        // Not an extension after all (cannot happen for a prefix query); start over.
        self.compute_all(words, boost)
    }

    /// Scores `words` on the candidates, keeping those that match every word. The candidate's
    /// text score is carried, minus its last word's score when `drop_last` is 1.
    fn score_words(
        &self,
        candidates: impl Iterator<Item = Scored>,
        drop_last: u8,
        words: &[Word],
        boost: &dyn Fn(usize) -> i64,
    ) -> Vec<Scored> {
        let mut memos: Vec<Vec<i64>> = words
            .iter()
            .map(|_| vec![UNKNOWN; self.fields.len()])
            .collect();
        let mut out = Vec::new();
        'rows: for cand in candidates {
            let Some(&rf) = self.row_fields.get(cand.row as usize) else {
                continue;
            };
            let mut text = if drop_last == 1 {
                cand.text - cand.last
            } else {
                cand.text
            };
            let mut last = cand.last;
            for (word, memo) in words.iter().zip(memos.iter_mut()) {
                match self.best_score(rf, word, memo) {
                    Some(s) => {
                        text += s;
                        last = s;
                    }
                    None => continue 'rows,
                }
            }
            out.push(Scored {
                score: text.saturating_add(boost(cand.row as usize)),
                text,
                last,
                row: cand.row,
            });
        }
        sort(&mut out, Some(&self.nat));
        out
    }

    /// The best score of `word` over the row's fields, using and filling `memo` (one slot per
    /// distinct field).
    fn best_score(&self, rf: RowFields, word: &Word, memo: &mut [i64]) -> Option<i64> {
        let mut best = None;
        for (slot, id) in self.fields_of(rf) {
            let Some(cell) = memo.get_mut(id as usize) else {
                continue;
            };
            if *cell == UNKNOWN {
                *cell = self
                    .fields
                    .get(id)
                    .and_then(|f| fields::score(&self.matcher, f, word))
                    .unwrap_or(NO_MATCH);
            }
            if *cell != NO_MATCH {
                let score = rank::weigh(*cell, slot.weight());
                if best.is_none_or(|b| score > b) {
                    best = Some(score);
                }
            }
        }
        if let Some(split) = &word.split
            && let Some((score, _)) = self.split_match(rf, &split.0, &split.1, false)
            && best.is_none_or(|b| score > b)
        {
            best = Some(score);
        }
        best
    }

    /// Pushes a result on the backspace stack, dropping the oldest ones over the limits.
    fn push(&mut self, entry: Entry) {
        self.stack.push(entry);
        let mut total: usize = self.stack.iter().map(|e| e.hits.len()).sum();
        while self.stack.len() > 1
            && (self.stack.len() > MAX_CACHED_QUERIES || total > MAX_CACHED_HITS)
        {
            total -= self.stack.remove(0).hits.len();
        }
    }

    /// Makes the top of the stack the visible results, highlighting the first window.
    fn materialize(&mut self) {
        let Some(top) = self.stack.last() else {
            self.hits.clear();
            self.highlighted.clear();
            self.words.clear();
            return;
        };
        self.hits.clear();
        self.hits.extend(top.hits.iter().map(|s| Hit {
            row: s.row as usize,
            score: s.score,
            ..Hit::default()
        }));
        self.words.clone_from(&top.words);
        self.highlighted.clear();
        self.highlighted
            .resize(self.hits.len(), self.words.is_empty());
        self.ensure_highlights(0..HIGHLIGHT_WINDOW);
    }
}

/// Best first; ties by natural order when `nat` is given (a query), then catalog order.
fn sort(hits: &mut [Scored], nat: Option<&[u32]>) {
    let place = |row: u32| nat.and_then(|n| n.get(row as usize)).copied().unwrap_or(0);
    hits.sort_unstable_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(place(a.row).cmp(&place(b.row)))
            .then(a.row.cmp(&b.row))
    });
}

/// Each row's place when the rows are sorted by account name, then role, in natural order
/// (`dev-2` before `dev-10`), then catalog order.
fn natural_ranks(rows: &[SearchRow]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&rows[a], &rows[b]);
        crate::core::natural::natural_cmp(&x.account_name, &y.account_name)
            .then_with(|| crate::core::natural::natural_cmp(&x.role_name, &y.role_name))
            .then(a.cmp(&b))
    });
    let mut nat = vec![0; rows.len()];
    for (place, row) in order.into_iter().enumerate() {
        nat[row] = u32::try_from(place).unwrap_or(u32::MAX);
    }
    nat
}

impl Highlight {
    /// The char positions `idx` in the displayed field `slot` (nothing for alias and tags).
    fn of(slot: Slot, idx: Vec<usize>) -> Self {
        let mut h = Self::default();
        match slot {
            Slot::Name => h.name_idx = idx,
            Slot::Id => h.id_idx = idx,
            Slot::Role => h.role_idx = idx,
            Slot::Other => {}
        }
        h
    }
}
