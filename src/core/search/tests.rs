use pretty_assertions::assert_eq;

use super::*;
use crate::core::catalog::{AccountEntry, Roles};

fn row(name: &str, id: &str, role: &str) -> SearchRow {
    SearchRow::new(
        &Account {
            id: crate::core::catalog::AccountId::parse(id).unwrap(),
            name: name.into(),
            email: None,
        },
        role,
    )
}

fn no_boost(_: usize) -> i64 {
    0
}

/// `(row, score)` of the hits.
fn ranked(hits: &[Hit]) -> Vec<(usize, i64)> {
    hits.iter().map(|h| (h.row, h.score)).collect()
}

fn rows_of(hits: &[Hit]) -> Vec<usize> {
    hits.iter().map(|h| h.row).collect()
}

fn chars_at(text: &str, idx: &[usize]) -> String {
    let chars: Vec<char> = text.chars().collect();
    idx.iter().map(|&i| chars[i]).collect()
}

#[test]
fn from_catalog_builds_rows_and_arns() {
    let catalog = Catalog {
        accounts: vec![
            AccountEntry {
                account: Account {
                    id: crate::core::catalog::AccountId::parse("111122223333").unwrap(),
                    name: "payments-prod".into(),
                    email: None,
                },
                roles: Roles::Listed(vec!["AdministratorAccess".into(), "ReadOnly".into()]),
            },
            AccountEntry {
                account: Account {
                    id: crate::core::catalog::AccountId::parse("444455556666").unwrap(),
                    name: "sandbox".into(),
                    email: None,
                },
                roles: Roles::Unavailable {
                    reason: "throttled".into(),
                },
            },
        ],
        ..Catalog::default()
    };
    let rows = SearchRow::from_catalog(&catalog);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].arn,
        "arn:aws:iam::111122223333:role/AdministratorAccess"
    );
    assert_eq!(rows[1].role_name, "ReadOnly");
    assert_eq!(rows[1].account_name, "payments-prod");
    assert_eq!(
        rows[1].role_ref(),
        RoleRef {
            account_id: "111122223333".into(),
            role_name: "ReadOnly".into()
        }
    );
}

#[test]
fn every_word_must_match() {
    let mut index = SearchIndex::new(vec![
        row("payments-prod", "111111111111", "AdministratorAccess"),
        row("payments-prod", "111111111111", "ReadOnlyAccess"),
        row("payments-dev", "222222222222", "AdministratorAccess"),
        row("search-prod", "333333333333", "AdministratorAccess"),
    ]);
    let mut hits = rows_of(index.filter("prod admin", &no_boost));
    hits.sort_unstable();
    assert_eq!(hits, [0, 3]);
    assert_eq!(rows_of(index.filter("pay prod admin", &no_boost)), [0]);
    assert_eq!(
        rows_of(index.filter("prod admin zzz", &no_boost)),
        Vec::<usize>::new()
    );
    // A word matches inside one field, not across fields.
    assert_eq!(
        rows_of(index.filter("prodadmin", &no_boost)),
        Vec::<usize>::new()
    );
    // Ids, aliases and tags are searched too.
    assert_eq!(rows_of(index.filter("2222", &no_boost)), [2]);
}

#[test]
fn aliases_and_tags_are_searched() {
    let mut rows = vec![
        row("payments-prod", "111111111111", "AdministratorAccess"),
        row("payments-dev", "222222222222", "AdministratorAccess"),
    ];
    rows[0].alias = Some("money".into());
    rows[1].tags = vec!["team:payments".into(), "oncall".into()];
    let mut index = SearchIndex::new(rows);
    assert_eq!(rows_of(index.filter("money", &no_boost)), [0]);
    assert_eq!(rows_of(index.filter("oncall admin", &no_boost)), [1]);
    // Matches in the alias or tags highlight nothing displayed.
    let hit = &index.filter("oncall", &no_boost)[0];
    assert_eq!((hit.name_idx.len(), hit.role_idx.len()), (0, 0));
}

#[test]
fn exact_ish_name_beats_scattered() {
    let mut index = SearchIndex::new(vec![
        row("platform-ops-runtime-dashboard", "111111111111", "ReadOnly"),
        row("payments-prod", "222222222222", "ReadOnly"),
        row("prxoxd", "333333333333", "ReadOnly"),
    ]);
    assert_eq!(rows_of(index.filter("prod", &no_boost)), [1, 2, 0]);
    // Word starts and camelCase humps count: "dtsci" prefers DataScientist.
    let mut index = SearchIndex::new(vec![
        row("oddities-catalog-index", "111111111111", "ReadOnly"),
        row("sandbox-datastore-logic-ci", "222222222222", "ReadOnly"),
        row("data", "333333333333", "DataScientist"),
    ]);
    let hits = index.filter("dtsci", &no_boost);
    assert_eq!(rows_of(hits), [2, 1, 0], "{hits:?}");
    // The role "AdministratorAccess" beats a name that only contains "admin" later on.
    let mut index = SearchIndex::new(vec![
        row("shadmin-tools", "111111111111", "ReadOnly"),
        row("web", "222222222222", "AdministratorAccess"),
    ]);
    assert_eq!(rows_of(index.filter("admin", &no_boost)), [1, 0]);
}

#[test]
fn empty_query_lists_boosted_rows_first_then_catalog_order() {
    let rows: Vec<SearchRow> = (0..6)
        .map(|i| row(&format!("acct-{i}"), &format!("{i:012}"), "ReadOnly"))
        .collect();
    let mut index = SearchIndex::new(rows);
    let boosts = [0, 5, 0, 1_000, 5, 0];
    let boost = |row: usize| boosts[row];
    assert_eq!(rows_of(index.filter("", &boost)), [3, 1, 4, 0, 2, 5]);
    // Whitespace only is the empty query.
    assert_eq!(rows_of(index.filter("  ", &boost)), [3, 1, 4, 0, 2, 5]);
    assert!(index.hits().iter().all(|h| h.name_idx.is_empty()));
}

#[test]
fn boost_adds_to_the_text_score_and_ties_keep_catalog_order() {
    let rows = vec![
        row("payments-prod", "111111111111", "ReadOnly"),
        row("payments-prod", "222222222222", "ReadOnly"),
        row("payments-prod", "333333333333", "ReadOnly"),
    ];
    let mut index = SearchIndex::new(rows);
    let hits = ranked(index.filter("prod", &no_boost));
    assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [0, 1, 2]);
    let text = hits[0].1;
    index.invalidate();
    let boost = |row: usize| if row == 2 { 7 } else { 0 };
    assert_eq!(
        ranked(index.filter("prod", &boost)),
        [(2, text + 7), (0, text), (1, text)]
    );
}

#[test]
fn cached_results_ignore_a_new_boost_until_invalidated() {
    let rows = vec![
        row("a-prod", "111111111111", "ReadOnly"),
        row("b-prod", "222222222222", "ReadOnly"),
    ];
    let mut index = SearchIndex::new(rows);
    assert_eq!(rows_of(index.filter("prod", &no_boost)), [0, 1]);
    let boost = |row: usize| if row == 1 { 100 } else { 0 };
    assert_eq!(rows_of(index.filter("prod", &boost)), [0, 1]);
    index.invalidate();
    assert_eq!(index.hits().len(), 0);
    assert_eq!(rows_of(index.filter("prod", &boost)), [1, 0]);
}

#[test]
fn indices_map_to_the_right_fields() {
    let mut index = SearchIndex::new(vec![
        row("payments-prod", "123456789012", "AdministratorAccess"),
        row("other", "999999999999", "ReadOnly"),
    ]);
    let hits = index.filter("prod admin 5678", &no_boost).to_vec();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(chars_at("payments-prod", &hit.name_idx), "prod");
    assert_eq!(hit.name_idx, [9, 10, 11, 12]);
    assert_eq!(chars_at("AdministratorAccess", &hit.role_idx), "Admin");
    assert_eq!(hit.role_idx, [0, 1, 2, 3, 4]);
    assert_eq!(hit.id_idx, [4, 5, 6, 7]);
    // The same from the on-demand path.
    assert_eq!(
        index.highlight(0, "prod admin 5678"),
        Highlight {
            name_idx: hit.name_idx.clone(),
            role_idx: hit.role_idx.clone(),
            id_idx: hit.id_idx.clone(),
        }
    );
    // Two words in one field are merged, sorted and deduplicated.
    let hit = &index.filter("pay pro", &no_boost)[0];
    assert_eq!(chars_at("payments-prod", &hit.name_idx), "paypro");
    assert!(hit.role_idx.is_empty() && hit.id_idx.is_empty());
}

#[test]
fn unicode_does_not_panic_and_indices_are_char_positions() {
    let names = [
        "Zürich-Ops",
        "データ基盤-本番",
        "🚀-launch-prod",
        "e\u{301}cole-prod",
        "",
        "ß",
        "İstanbul",
    ];
    let rows: Vec<SearchRow> = names
        .iter()
        .enumerate()
        .map(|(i, n)| row(n, &format!("{i:012}"), "Админ"))
        .collect();
    let mut index = SearchIndex::new(rows);
    for q in [
        "zür",
        "ZÜR",
        "基盤",
        "本番 адм",
        "🚀",
        "é",
        "\u{301}",
        "prod",
        "ß",
        "i̇",
        "ıstanbul",
        "Админ",
        "адм",
        "x 🚀",
        "  ",
    ] {
        let mut typed = String::new();
        for c in q.chars() {
            typed.push(c);
            let hits = index.filter(&typed, &no_boost).to_vec();
            for hit in &hits {
                let r = &index.rows()[hit.row];
                for (field, idx) in [
                    (&r.account_name, &hit.name_idx),
                    (&r.role_name, &hit.role_idx),
                    (&r.account_id, &hit.id_idx),
                ] {
                    let n = field.chars().count();
                    assert!(
                        idx.iter().all(|&i| i < n),
                        "{typed:?}: {idx:?} in {field:?}"
                    );
                }
            }
        }
    }
    let hits = index.filter("基盤", &no_boost);
    assert_eq!(rows_of(hits), [1]);
    assert_eq!(hits[0].name_idx, [3, 4]);
    let hits = index.filter("🚀 ch", &no_boost);
    assert_eq!(hits[0].name_idx, [0, 6, 7]);
    // The matcher folds ASCII case only.
    assert_eq!(rows_of(index.filter("Адм", &no_boost)).len(), names.len());
    assert_eq!(rows_of(index.filter("адм", &no_boost)).len(), 0);
}

#[test]
fn highlights_beyond_the_window_on_demand() {
    let rows: Vec<SearchRow> = (0..HIGHLIGHT_WINDOW + 10)
        .map(|i| row(&format!("prod-{i}"), &format!("{i:012}"), "ReadOnly"))
        .collect();
    let mut index = SearchIndex::new(rows);
    let hits = index.filter("prod", &no_boost);
    assert_eq!(hits.len(), HIGHLIGHT_WINDOW + 10);
    assert_eq!(hits[HIGHLIGHT_WINDOW - 1].name_idx, [0, 1, 2, 3]);
    assert!(hits[HIGHLIGHT_WINDOW].name_idx.is_empty());
    let row = hits[HIGHLIGHT_WINDOW].row;
    assert_eq!(index.highlight(row, "prod").name_idx, [0, 1, 2, 3]);
    index.ensure_highlights(HIGHLIGHT_WINDOW..HIGHLIGHT_WINDOW + 100);
    assert!(index.hits().iter().all(|h| h.name_idx == [0, 1, 2, 3]));
    // Out-of-range rows and ranges are harmless.
    index.ensure_highlights(1_000..2_000);
    assert_eq!(index.highlight(10_000, "prod"), Highlight::default());
}

#[test]
fn backspace_returns_to_cached_results() {
    let mut index = SearchIndex::new(generated_rows(200, 7));
    let a = index.filter("pay", &no_boost).to_vec();
    let _ = index.filter("payments prod", &no_boost);
    assert_eq!(index.query(), "payments prod");
    let b = index.filter("pay", &no_boost).to_vec();
    assert_eq!(a, b);
    assert_eq!(index.query(), "pay");
}

/// A tiny deterministic generator (xorshift), so the test needs no clock and no `rand`.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn generated_rows(n: usize, seed: u64) -> Vec<SearchRow> {
    let mut g = Gen(seed | 1);
    let teams = [
        "payments",
        "search",
        "data",
        "Zürich",
        "identity",
        "ml",
        "データ",
        "platform",
    ];
    let envs = ["prod", "dev", "staging", "sandbox"];
    let roles = [
        "AdministratorAccess",
        "ReadOnlyAccess",
        "PowerUserAccess",
        "DataScientist",
        "Billing",
    ];
    let mut rows = Vec::new();
    while rows.len() < n {
        let name = format!("{}-{}-{}", g.pick(&teams), g.pick(&envs), g.next() % 100);
        let id = format!("{:012}", g.next() % 1_000_000_000_000);
        for _ in 0..(1 + g.next() % 4) {
            let mut r = row(&name, &id, g.pick(&roles));
            if g.next().is_multiple_of(5) {
                r.alias = Some(format!("alias{}", g.next() % 10));
            }
            if g.next().is_multiple_of(3) {
                r.tags = vec![g.pick(&["oncall", "team:core", "pci"]).to_owned()];
            }
            rows.push(r);
        }
    }
    rows
}

/// The results by brute force: each row scored alone (its own index, so no shared memo, no
/// cache), sorted by score, then natural order of name and role, then catalog order.
fn oracle(rows: &[SearchRow], query: &str, boost: &dyn Fn(usize) -> i64) -> Vec<(usize, i64)> {
    let mut out: Vec<(usize, i64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let mut alone = SearchIndex::new(vec![r.clone()]);
            let hit = alone.filter(query, &|_| boost(i)).first()?.score;
            Some((i, hit))
        })
        .collect();
    if query.trim().is_empty() {
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        return out;
    }
    out.sort_by(|a, b| {
        let (x, y) = (&rows[a.0], &rows[b.0]);
        b.1.cmp(&a.1)
            .then_with(|| crate::core::natural::natural_cmp(&x.account_name, &y.account_name))
            .then_with(|| crate::core::natural::natural_cmp(&x.role_name, &y.role_name))
            .then(a.0.cmp(&b.0))
    });
    out
}

#[test]
fn incremental_results_equal_from_scratch_results() {
    let rows = generated_rows(300, 42);
    let boosts: Vec<i64> = (0..rows.len())
        .map(|i| if i.is_multiple_of(17) { 50 } else { 0 })
        .collect();
    let boost = |row: usize| boosts[row];
    let mut index = SearchIndex::new(rows.clone());
    let mut g = Gen(99);
    let alphabet: Vec<char> = "paymentsprodadmindtsci 0123ü-デ".chars().collect();
    let mut query = String::new();
    for step in 0..600 {
        match g.next() % 10 {
            0..=5 => query.push(alphabet[(g.next() % alphabet.len() as u64) as usize]),
            6..=7 => {
                query.pop();
            }
            8 => {
                query = g
                    .pick(&["payments prod", "dtsci", "adm ro", "", "data 12"])
                    .into()
            }
            _ => {
                let keep = query.chars().count() / 2;
                query = query.chars().take(keep).collect();
            }
        }
        let incremental = index.filter(&query, &boost).to_vec();
        let scratch = SearchIndex::new(rows.clone())
            .filter(&query, &boost)
            .to_vec();
        assert_eq!(incremental, scratch, "step {step}, query {query:?}");
        assert_eq!(
            ranked(&incremental),
            oracle(&rows, &query, &boost),
            "{query:?}"
        );
    }
}

#[test]
fn clone_and_debug() {
    let mut index = SearchIndex::new(generated_rows(20, 3));
    let _ = index.filter("prod", &no_boost);
    let copy = index.clone();
    assert_eq!(copy.hits(), index.hits());
    assert!(format!("{index:?}").contains("\"prod\""));
    assert_eq!(index.len(), index.rows().len());
    assert!(!index.is_empty());
    assert!(SearchIndex::new(Vec::new()).is_empty());
}

#[test]
fn digits_match_ids_as_substrings_not_spread() {
    let mut index = SearchIndex::new(vec![
        row("a", "190203040150", "ReadOnly"),
        row("b", "123490017777", "ReadOnly"),
    ]);
    assert_eq!(rows_of(index.filter("9001", &no_boost)), [1]);
    let hit = &index.filter("9001", &no_boost)[0];
    assert_eq!(chars_at("123490017777", &hit.id_idx), "9001");
}

#[test]
fn ties_break_in_natural_order() {
    let mut index = SearchIndex::new(vec![
        row("payments-dev-10", "111111111111", "ReadOnly"),
        row("payments-dev-2", "222222222222", "ReadOnly"),
        row("payments-dev-1", "333333333333", "ReadOnly"),
    ]);
    assert_eq!(rows_of(index.filter("payments dev", &no_boost)), [2, 1, 0]);
}

#[test]
fn account_slash_role_as_pasted_comes_first() {
    let mut index = SearchIndex::new(vec![
        row("payments-prod", "111111111111", "DevOps"),
        row("payments-prod", "111111111111", "ReadOnlyAccess"),
        row("payments-dev", "222222222222", "ReadOnlyAccess"),
    ]);
    let hits = index
        .filter("payments-prod/ReadOnlyAccess", &no_boost)
        .to_vec();
    assert_eq!(rows_of(&hits), [1]);
    assert_eq!(
        chars_at("payments-prod", &hits[0].name_idx),
        "payments-prod"
    );
    assert_eq!(
        chars_at("ReadOnlyAccess", &hits[0].role_idx),
        "ReadOnlyAccess"
    );
    // The account id works as the account part; a trailing `/` lists the account's roles.
    assert_eq!(rows_of(index.filter("111111111111/devops", &no_boost)), [0]);
    assert_eq!(rows_of(index.filter("payments-prod/", &no_boost)), [0, 1]);
}

#[test]
fn a_word_in_the_name_beats_the_same_word_in_the_role() {
    let mut index = SearchIndex::new(vec![
        row("identity-prod", "111111111111", "DevOps"),
        row("identity-dev", "222222222222", "ReadOnlyAccess"),
    ]);
    assert_eq!(rows_of(index.filter("identity dev", &no_boost)), [1, 0]);
}
