//! Keystroke-to-results latency of the role search.
//!
//! `cargo bench --bench search` (set `SEARCH_BENCH_ROUNDS` for more or fewer rounds).
//! Builds 10,000 and 100,000 account × role rows of realistic names (team × env × number,
//! 3–5 permission sets each, a few aliases and tags, a few favorites and recents), then types
//! each query a character at a time and backspaces it to empty. Each keystroke is timed from
//! the new query to the filtered hits plus the highlight indices of the 40 visible rows.
//! `naive` is the baseline: the matcher run on every row's concatenated haystack
//! (`name id role`) on every keystroke, then sorted. Prints markdown tables.

use std::time::{Duration, Instant};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use rolecall::core::catalog::RoleRef;
use rolecall::core::frecency::Frecency;
use rolecall::core::search::{SearchIndex, SearchRow};

#[path = "summary.rs"]
mod summary;

const SIZES: [usize; 2] = [10_000, 100_000];
const QUERIES: [&str; 3] = ["payments prod admin", "dtsci", "4711 ro"];
const VISIBLE: usize = 40;
const NOW: i64 = 1_800_000_000;

const TEAMS: [&str; 24] = [
    "payments",
    "checkout",
    "search",
    "identity",
    "platform",
    "data-lake",
    "ml-training",
    "billing",
    "ledger",
    "growth",
    "mobile-api",
    "web-frontend",
    "infra",
    "security",
    "analytics",
    "notifications",
    "fraud",
    "logistics",
    "catalog",
    "recommendations",
    "support-tools",
    "observability",
    "edge",
    "warehouse",
];
const ENVS: [&str; 6] = ["prod", "staging", "dev", "sandbox", "qa", "perf"];
const ROLES: [&str; 9] = [
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "DataScientist",
    "ViewOnlyAccess",
    "BillingAccess",
    "SecurityAudit",
    "DatabaseAdministrator",
    "NetworkAdministrator",
];

/// `n` rows: accounts `<team>-<env>-<nnn>` with 3–5 roles each.
fn rows(n: usize) -> Vec<SearchRow> {
    let mut rows = Vec::with_capacity(n);
    let mut account = 0usize;
    while rows.len() < n {
        let team = TEAMS[account % TEAMS.len()];
        let env = ENVS[(account / TEAMS.len()) % ENVS.len()];
        let number = account / (TEAMS.len() * ENVS.len());
        let name = format!("{team}-{env}-{number:03}");
        let id = format!(
            "{:012}",
            100_000_000_000u64 + (account as u64) * 7_919 % 899_999_999_999
        );
        let roles = 3 + account % 3;
        for k in 0..roles {
            if rows.len() == n {
                break;
            }
            let role = ROLES[(account + k * 2) % ROLES.len()];
            let mut row = SearchRow {
                account_id: id.clone(),
                account_name: name.clone(),
                role_name: role.to_owned(),
                alias: None,
                tags: Vec::new(),
                arn: format!("arn:aws:iam::{id}:role/{role}"),
            };
            if account.is_multiple_of(50) && k == 0 {
                row.alias = Some(format!("{team}{number}"));
            }
            if account.is_multiple_of(7) {
                row.tags = vec![
                    format!("team:{team}"),
                    format!("cost-center:{}", account % 40),
                ];
            }
            rows.push(row);
        }
        account += 1;
    }
    rows
}

/// A few favorites and recents, as the app would have them.
fn frecency(rows: &[SearchRow]) -> Frecency {
    let mut f = Frecency::new();
    for (i, row) in rows.iter().enumerate().step_by(rows.len() / 20 + 1) {
        let key = RoleRef {
            account_id: row.account_id.clone(),
            role_name: row.role_name.clone(),
        };
        if i % 3 == 0 {
            f.toggle_favorite(&key);
        }
        for u in 0..(i % 5) {
            f.record_use(&key, NOW - (u as i64) * 3_600);
        }
    }
    f
}

/// The queries a user goes through typing `query` and backspacing it to empty.
fn keystrokes(query: &str) -> (Vec<String>, Vec<String>) {
    let chars: Vec<char> = query.chars().collect();
    let typing = (1..=chars.len())
        .map(|n| chars[..n].iter().collect())
        .collect();
    let backspacing = (0..chars.len())
        .rev()
        .map(|n| chars[..n].iter().collect())
        .collect();
    (typing, backspacing)
}

#[derive(Default)]
struct Stats {
    samples: Vec<Duration>,
}

impl Stats {
    fn add(&mut self, d: Duration) {
        self.samples.push(d);
    }

    /// The `q` quantile (sorts the samples).
    fn pick(&mut self, q: f64) -> Duration {
        self.samples.sort_unstable();
        let n = self.samples.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
        self.samples[i]
    }

    fn row(&mut self, label: &str) -> String {
        let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1e3);
        let (p50, p99) = (self.pick(0.5), self.pick(0.99));
        format!(
            "| {label} | {} | {} | {} | {} |",
            self.samples.len(),
            ms(p50),
            ms(p99),
            ms(self.samples.last().copied().unwrap_or_default())
        )
    }
}

/// One keystroke with the index: filter, then the visible rows' highlights.
fn keystroke(index: &mut SearchIndex, query: &str, boost: &dyn Fn(usize) -> i64) -> usize {
    let n = index.filter(query, boost).len();
    index.ensure_highlights(0..VISIBLE);
    let visible: usize = index
        .hits()
        .iter()
        .take(VISIBLE)
        .map(|h| h.name_idx.len() + h.role_idx.len() + h.id_idx.len())
        .sum();
    std::hint::black_box(visible);
    n
}

/// The baseline: the matcher on every row's concatenated haystack, every keystroke.
fn naive_keystroke(
    matcher: &SkimMatcherV2,
    haystacks: &[String],
    query: &str,
    boost: &dyn Fn(usize) -> i64,
) -> usize {
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut hits: Vec<(i64, usize)> = haystacks
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let mut total = boost(i);
            for w in &words {
                total += matcher.fuzzy_match(h, w)?;
            }
            Some((total, i))
        })
        .collect();
    hits.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in hits.iter().take(VISIBLE) {
        for w in &words {
            std::hint::black_box(matcher.fuzzy_indices(&haystacks[i], w));
        }
    }
    hits.len()
}

fn main() {
    let rounds: usize = std::env::var("SEARCH_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut table = vec![
        "| rows | phase | keystrokes | p50 ms | p99 ms | max ms |".to_owned(),
        "|---:|---|---:|---:|---:|---:|".to_owned(),
    ];
    let mut setup = vec![
        "| rows | distinct accounts | build index ms | boost table ms | first open (empty query) ms |"
            .to_owned(),
        "|---:|---:|---:|---:|---:|".to_owned(),
    ];
    let mut matches = Vec::new();
    for size in SIZES {
        let rows = rows(size);
        let accounts = {
            let mut ids: Vec<&str> = rows.iter().map(|r| r.account_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        };
        let t = Instant::now();
        let mut index = SearchIndex::new(rows.clone());
        let build = t.elapsed();
        let f = frecency(&rows);
        let t = Instant::now();
        let table_of_boosts = f.boost_table(
            rows.iter()
                .map(|r| (r.account_id.as_str(), r.role_name.as_str())),
            NOW,
        );
        let boosts = t.elapsed();
        let boost = |row: usize| table_of_boosts.get(row).copied().unwrap_or(0);
        let t = Instant::now();
        keystroke(&mut index, "", &boost);
        let open = t.elapsed();
        setup.push(format!(
            "| {size} | {accounts} | {:.1} | {:.1} | {:.3} |",
            build.as_secs_f64() * 1e3,
            boosts.as_secs_f64() * 1e3,
            open.as_secs_f64() * 1e3
        ));

        let (mut typing, mut backspacing, mut all) =
            (Stats::default(), Stats::default(), Stats::default());
        for round in 0..rounds {
            for query in QUERIES {
                index.invalidate();
                keystroke(&mut index, "", &boost);
                let (typed, erased) = keystrokes(query);
                for q in &typed {
                    let t = Instant::now();
                    let n = keystroke(&mut index, q, &boost);
                    let d = t.elapsed();
                    typing.add(d);
                    all.add(d);
                    if round == 0 {
                        matches.push(format!("{size} rows, {q:?}: {n} hits"));
                    }
                }
                for q in &erased {
                    let t = Instant::now();
                    keystroke(&mut index, q, &boost);
                    let d = t.elapsed();
                    backspacing.add(d);
                    all.add(d);
                }
            }
        }
        table.push(typing.row(&format!("{size} | typing")));
        table.push(backspacing.row(&format!("{size} | backspacing")));
        table.push(all.row(&format!("{size} | **all keystrokes**")));
        summary::report(
            &format!("search.p99_ms.{size}"),
            all.pick(0.99).as_secs_f64() * 1e3,
        );

        let matcher = SkimMatcherV2::default().ignore_case();
        let haystacks: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {} {}", r.account_name, r.account_id, r.role_name))
            .collect();
        let mut naive = Stats::default();
        for _ in 0..rounds.div_ceil(10) {
            for query in QUERIES {
                let (typed, erased) = keystrokes(query);
                for q in typed.iter().chain(&erased) {
                    let t = Instant::now();
                    naive_keystroke(&matcher, &haystacks, q, &boost);
                    naive.add(t.elapsed());
                }
            }
        }
        table.push(naive.row(&format!("{size} | naive (before)")));
    }
    println!(
        "Queries typed then backspaced: {QUERIES:?}; {rounds} rounds; visible rows highlighted: {VISIBLE}.\n"
    );
    println!("{}\n", setup.join("\n"));
    println!("{}\n", table.join("\n"));
    println!("Hits per prefix (first round):");
    for m in matches {
        println!("- {m}");
    }
}
