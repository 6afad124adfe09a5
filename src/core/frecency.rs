//! Favorites and recents: which roles the user reaches for, to list them first.
//!
//! # Frecency
//! Every use of a role adds 1 to its *weight*, and the weight halves every
//! [`HALF_LIFE_SECS`] (3 days): the frecency score at time `t` is
//! `Σ over uses 0.5^((t − t_use) / half_life)`, i.e. frequency × recency decay. Used five
//! times today scores 5; used once three days ago scores 0.5; used ten times a month ago
//! scores 10 × 0.5^10 ≈ 0.01. The sum is kept in O(1) per role: the weight at the last use
//! plus the time of that use.
//!
//! # Boost tiers
//! [`Frecency::boost`] turns this into a ranking boost for [`super::search`]:
//! favorites get [`FAVORITE_TIER`], roles in the history get [`RECENT_TIER`], others 0, and
//! both tiers add `score × POINTS_PER_USE` (at most [`MAX_FRECENCY_POINTS`]) so the most
//! frecent come first within a tier. A fresh use is worth about as much as a good 3–4 letter
//! fuzzy match (text scores are in the hundreds), so within a tier the text still counts, while
//! the gaps between tiers (900,000 points) keep every matching favorite above every matching
//! recent, and every matching recent above the rest.
//!
//! # Storage
//! Serialized as a small versioned JSON document (`{"version": 1, "favorites": [...],
//! "recents": [...]}`) that the runtime keeps in the state directory. At most
//! [`MAX_RECENTS`] roles are remembered; the least recently used are forgotten first.
//! Favorites are kept until unstarred. No clock here: every time is an argument (Unix seconds).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::catalog::RoleRef;

/// The weight of a use halves every 3 days.
pub const HALF_LIFE_SECS: i64 = 3 * 24 * 60 * 60;

/// How many roles the history keeps.
pub const MAX_RECENTS: usize = 500;

/// The boost of every favorite, above any recent.
pub const FAVORITE_TIER: i64 = 10_000_000;

/// The boost of every role in the history, above roles never used.
pub const RECENT_TIER: i64 = 1_000_000;

/// Boost points per unit of frecency score (one fresh use).
pub const POINTS_PER_USE: f64 = 100.0;

/// The cap on the frecency part of a boost, so tiers never overlap.
pub const MAX_FRECENCY_POINTS: i64 = 99_999;

/// The version of the JSON document this code reads and writes.
pub const FILE_VERSION: u32 = 1;

/// The history of one role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Use {
    /// How many times it was used (saturating).
    pub count: u32,
    /// Unix seconds of the latest use.
    pub last_used: i64,
    /// The frecency score at `last_used`.
    weight: f64,
}

impl Use {
    /// The frecency score at `now_unix` (a time before the last use counts as the last use).
    fn score_at(&self, now_unix: i64) -> f64 {
        let age = now_unix.saturating_sub(self.last_used).max(0) as f64;
        self.weight * 0.5_f64.powf(age / HALF_LIFE_SECS as f64)
    }
}

/// Favorites and the history of uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FrecencyFile", into = "FrecencyFile")]
pub struct Frecency {
    /// The starred roles.
    pub favorites: BTreeSet<RoleRef>,
    recents: BTreeMap<RoleRef, Use>,
}

/// Why a stored frecency document was not loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrecencyError {
    #[error("unsupported frecency file version {0} (this rolecall reads version {FILE_VERSION})")]
    UnsupportedVersion(u32),
}

impl Frecency {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one use of `key` at `now_unix`, forgetting the least recently used role when the
    /// history grows past [`MAX_RECENTS`].
    pub fn record_use(&mut self, key: &RoleRef, now_unix: i64) {
        match self.recents.get_mut(key) {
            Some(u) => {
                *u = Use {
                    count: u.count.saturating_add(1),
                    last_used: u.last_used.max(now_unix),
                    weight: u.score_at(now_unix) + 1.0,
                };
            }
            None => {
                self.recents.insert(
                    key.clone(),
                    Use {
                        count: 1,
                        last_used: now_unix,
                        weight: 1.0,
                    },
                );
            }
        }
        self.prune();
    }

    /// The frecency score of `key` at `now_unix`: 0 for a role never used (see the module
    /// docs).
    pub fn score(&self, key: &RoleRef, now_unix: i64) -> f64 {
        self.recents.get(key).map_or(0.0, |u| u.score_at(now_unix))
    }

    /// The history of `key`, if it was used.
    pub fn last_use(&self, key: &RoleRef) -> Option<Use> {
        self.recents.get(key).copied()
    }

    pub fn is_favorite(&self, key: &RoleRef) -> bool {
        self.favorites.contains(key)
    }

    /// Stars or unstars `key`; returns whether it is now a favorite.
    pub fn toggle_favorite(&mut self, key: &RoleRef) -> bool {
        if self.favorites.remove(key) {
            false
        } else {
            self.favorites.insert(key.clone());
            true
        }
    }

    /// The search boost of `key` at `now_unix`: [`FAVORITE_TIER`] or [`RECENT_TIER`] plus the
    /// frecency points, or 0 for a role neither starred nor used.
    pub fn boost(&self, key: &RoleRef, now_unix: i64) -> i64 {
        let tier = if self.favorites.contains(key) {
            FAVORITE_TIER
        } else if self.recents.contains_key(key) {
            RECENT_TIER
        } else {
            return 0;
        };
        tier + points(self.score(key, now_unix))
    }

    /// The boost of every `(account_id, role_name)` in `keys`, in order: the table to hand to
    /// [`super::search::SearchIndex::filter`] as `&|row| table[row]`. Costs one hash lookup
    /// per key, with no allocation per key.
    pub fn boost_table<'a, I>(&self, keys: I, now_unix: i64) -> Vec<i64>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let boosted: HashMap<(&str, &str), i64> = self
            .favorites
            .iter()
            .chain(self.recents.keys())
            .map(|k| {
                (
                    (k.account_id.as_str(), k.role_name.as_str()),
                    self.boost(k, now_unix),
                )
            })
            .collect();
        keys.into_iter()
            .map(|k| boosted.get(&k).copied().unwrap_or(0))
            .collect()
    }

    /// The used roles with their scores at `now_unix`, most frecent first (ties: most recently
    /// used, then by key).
    #[cfg(test)]
    pub fn recents(&self, now_unix: i64) -> Vec<(&RoleRef, f64)> {
        let mut out: Vec<(&RoleRef, f64, i64)> = self
            .recents
            .iter()
            .map(|(k, u)| (k, u.score_at(now_unix), u.last_used))
            .collect();
        out.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(b.2.cmp(&a.2))
                .then_with(|| a.0.cmp(b.0))
        });
        out.into_iter().map(|(k, s, _)| (k, s)).collect()
    }

    /// Forgets the history of `key` (not its star).
    #[cfg(test)]
    pub fn forget(&mut self, key: &RoleRef) {
        self.recents.remove(key);
    }

    /// Drops the least recently used roles beyond [`MAX_RECENTS`] (ties: the greater key goes).
    fn prune(&mut self) {
        if self.recents.len() <= MAX_RECENTS {
            return;
        }
        let mut by_age: Vec<(i64, RoleRef)> = self
            .recents
            .iter()
            .map(|(k, u)| (u.last_used, k.clone()))
            .collect();
        by_age.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)));
        let excess = self.recents.len() - MAX_RECENTS;
        for (_, key) in by_age.into_iter().take(excess) {
            self.recents.remove(&key);
        }
    }
}

/// The frecency part of a boost.
fn points(score: f64) -> i64 {
    let p = (score * POINTS_PER_USE).round();
    if p.is_finite() {
        (p as i64).clamp(0, MAX_FRECENCY_POINTS)
    } else {
        0
    }
}

/// The JSON document.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FrecencyFile {
    version: u32,
    #[serde(default)]
    favorites: Vec<RoleRef>,
    #[serde(default)]
    recents: Vec<RecentRecord>,
}

/// One role of the history in the JSON document.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RecentRecord {
    account_id: String,
    role_name: String,
    count: u32,
    last_used: i64,
    /// The frecency score at `last_used`.
    weight: f64,
}

impl From<Frecency> for FrecencyFile {
    fn from(f: Frecency) -> Self {
        Self {
            version: FILE_VERSION,
            favorites: f.favorites.into_iter().collect(),
            recents: f
                .recents
                .into_iter()
                .map(|(k, u)| RecentRecord {
                    account_id: k.account_id,
                    role_name: k.role_name,
                    count: u.count,
                    last_used: u.last_used,
                    weight: u.weight,
                })
                .collect(),
        }
    }
}

impl TryFrom<FrecencyFile> for Frecency {
    type Error = FrecencyError;

    fn try_from(file: FrecencyFile) -> Result<Self, Self::Error> {
        if file.version != FILE_VERSION {
            return Err(FrecencyError::UnsupportedVersion(file.version));
        }
        let mut f = Self {
            favorites: file.favorites.into_iter().collect(),
            recents: file
                .recents
                .into_iter()
                .map(|r| {
                    let weight = if r.weight.is_finite() {
                        r.weight.max(0.0)
                    } else {
                        0.0
                    };
                    (
                        RoleRef {
                            account_id: r.account_id,
                            role_name: r.role_name,
                        },
                        Use {
                            count: r.count,
                            last_used: r.last_used,
                            weight,
                        },
                    )
                })
                .collect(),
        };
        f.prune();
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const T0: i64 = 1_800_000_000;
    const DAY: i64 = 24 * 60 * 60;

    fn key(account: &str, role: &str) -> RoleRef {
        RoleRef {
            account_id: account.into(),
            role_name: role.into(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn score_is_frequency_times_recency_decay() {
        let mut f = Frecency::new();
        let k = key("111111111111", "Admin");
        assert_eq!(f.score(&k, T0), 0.0);
        f.record_use(&k, T0);
        assert!(close(f.score(&k, T0), 1.0));
        assert!(close(f.score(&k, T0 + HALF_LIFE_SECS), 0.5));
        assert!(close(f.score(&k, T0 + 2 * HALF_LIFE_SECS), 0.25));
        f.record_use(&k, T0 + HALF_LIFE_SECS);
        assert!(close(f.score(&k, T0 + HALF_LIFE_SECS), 1.5));
        assert!(close(f.score(&k, T0 + 2 * HALF_LIFE_SECS), 0.75));
        assert_eq!(
            f.last_use(&k).map(|u| (u.count, u.last_used)),
            Some((2, T0 + HALF_LIFE_SECS))
        );
        assert_eq!(HALF_LIFE_SECS, 3 * DAY);
    }

    #[test]
    fn frequent_beats_once_and_recent_beats_old() {
        let mut f = Frecency::new();
        let (often, once, old) = (key("1", "A"), key("2", "A"), key("3", "A"));
        for i in 0..5 {
            f.record_use(&often, T0 + i * DAY);
        }
        f.record_use(&once, T0 + 4 * DAY);
        f.record_use(&old, T0 - 30 * DAY);
        let now = T0 + 5 * DAY;
        assert!(f.score(&often, now) > f.score(&once, now));
        assert!(f.score(&once, now) > f.score(&old, now));
        let order: Vec<&RoleRef> = f.recents(now).into_iter().map(|(k, _)| k).collect();
        assert_eq!(order, [&often, &once, &old]);
    }

    #[test]
    fn a_clock_going_backwards_counts_as_no_time() {
        let mut f = Frecency::new();
        let k = key("1", "A");
        f.record_use(&k, T0);
        f.record_use(&k, T0 - DAY);
        assert!(close(f.score(&k, T0 - 5 * DAY), 2.0));
        assert_eq!(f.last_use(&k).map(|u| u.last_used), Some(T0));
    }

    #[test]
    fn boost_tiers_favorites_above_recents_above_the_rest() {
        let mut f = Frecency::new();
        let (fav, busy, recent, none) =
            (key("1", "A"), key("2", "A"), key("3", "A"), key("4", "A"));
        assert!(f.toggle_favorite(&fav));
        assert!(f.is_favorite(&fav));
        for i in 0..2_000 {
            f.record_use(&busy, T0 + i);
        }
        f.record_use(&recent, T0 - 60 * DAY);
        let now = T0 + 2_000;
        let [b_fav, b_busy, b_recent, b_none] =
            [&fav, &busy, &recent, &none].map(|k| f.boost(k, now));
        assert_eq!(b_fav, FAVORITE_TIER);
        assert_eq!(b_busy, RECENT_TIER + MAX_FRECENCY_POINTS);
        assert_eq!(b_recent, RECENT_TIER);
        assert_eq!(b_none, 0);
        // A used favorite outranks an unused one.
        let fav2 = key("5", "A");
        f.toggle_favorite(&fav2);
        f.record_use(&fav2, now);
        assert_eq!(f.boost(&fav2, now), FAVORITE_TIER + 100);
        // Unstarring drops it to the recents tier.
        assert!(!f.toggle_favorite(&fav2));
        assert_eq!(f.boost(&fav2, now), RECENT_TIER + 100);
    }

    #[test]
    fn boost_table_matches_boost() {
        let mut f = Frecency::new();
        f.toggle_favorite(&key("1", "A"));
        f.record_use(&key("2", "B"), T0);
        f.record_use(&key("1", "A"), T0);
        let keys = [("1", "A"), ("2", "B"), ("3", "C"), ("1", "B")];
        let table = f.boost_table(keys, T0 + DAY);
        let expected: Vec<i64> = keys
            .iter()
            .map(|(a, r)| f.boost(&key(a, r), T0 + DAY))
            .collect();
        assert_eq!(table, expected);
        assert_eq!(table[2], 0);
    }

    #[test]
    fn history_keeps_the_most_recent_500() {
        let mut f = Frecency::new();
        for i in 0..510 {
            f.record_use(&key(&format!("{i:012}"), "R"), T0 + i64::from(i));
            if i == 300 {
                // Using an old role again keeps it.
                f.record_use(&key(&format!("{:012}", 0), "R"), T0 + 300);
            }
        }
        assert_eq!(f.recents(T0).len(), MAX_RECENTS);
        assert!(f.last_use(&key(&format!("{:012}", 0), "R")).is_some());
        for gone in 1..=10 {
            assert_eq!(
                f.last_use(&key(&format!("{gone:012}"), "R")),
                None,
                "{gone}"
            );
        }
        assert!(f.last_use(&key(&format!("{:012}", 11), "R")).is_some());
        f.forget(&key(&format!("{:012}", 11), "R"));
        assert_eq!(f.recents(T0).len(), MAX_RECENTS - 1);
    }

    #[test]
    fn json_round_trip_and_shape() {
        let mut f = Frecency::new();
        f.toggle_favorite(&key("111111111111", "Admin"));
        f.record_use(&key("222222222222", "ReadOnly"), T0);
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "version": 1,
                "favorites": [{"account_id": "111111111111", "role_name": "Admin"}],
                "recents": [{
                    "account_id": "222222222222",
                    "role_name": "ReadOnly",
                    "count": 1,
                    "last_used": T0,
                    "weight": 1.0
                }]
            })
        );
        let back: Frecency = serde_json::from_value(json).unwrap();
        assert_eq!(back, f);
        let empty: Frecency = serde_json::from_str(r#"{"version":1}"#).unwrap();
        assert_eq!(empty, Frecency::new());
    }

    #[test]
    fn json_of_another_version_is_refused() {
        let err = serde_json::from_str::<Frecency>(r#"{"version":2,"favorites":[]}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unsupported frecency file version 2"),
            "{err}"
        );
        assert!(serde_json::from_str::<Frecency>(r#"{"favorites":[]}"#).is_err());
    }

    #[test]
    fn loading_prunes_and_sanitizes() {
        let recents: Vec<serde_json::Value> = (0..520)
            .map(|i| {
                serde_json::json!({
                    "account_id": format!("{i:012}"), "role_name": "R",
                    "count": 1, "last_used": T0 + i, "weight": -3.0
                })
            })
            .collect();
        let f: Frecency =
            serde_json::from_value(serde_json::json!({"version": 1, "recents": recents})).unwrap();
        assert_eq!(f.recents(T0).len(), MAX_RECENTS);
        assert_eq!(f.last_use(&key(&format!("{:012}", 19), "R")), None);
        assert_eq!(f.score(&key(&format!("{:012}", 20), "R"), T0), 0.0);
    }
}
