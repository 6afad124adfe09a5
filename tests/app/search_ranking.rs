//! Issue 14 §3: the row a person expects first, for queries over the demo org
//! (`assets/demo-org.toml`) and a generated 10,000-account org. Rows are built as the catalog
//! orders them (accounts by name then id, roles in listing order), with no favorites or recents.

use std::collections::BTreeMap;

use rolecall::core::app::state::{AppSettings, SessionInfo};
use rolecall::core::app::{AppState, Keymap};
use rolecall::core::catalog::{Account, AccountEntry, AccountId, Catalog, Roles};
use rolecall::core::frecency::Frecency;
use rolecall::core::search::{SearchIndex, SearchRow};
use rolecall::emulator::org::Org;
use rolecall::emulator::org_generate;

/// Every account × permission set of `org`, accounts sorted by name then id like the catalog.
fn rows_of(org: &Org) -> Vec<SearchRow> {
    let mut accounts: Vec<_> = org.accounts.iter().collect();
    accounts.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    accounts
        .into_iter()
        .flat_map(|a| {
            a.permission_sets.iter().map(move |role| SearchRow {
                account_id: a.id.clone(),
                account_name: a.name.clone(),
                role_name: role.clone(),
                alias: None,
                tags: Vec::new(),
                arn: format!("arn:aws:iam::{}:role/{role}", a.id),
            })
        })
        .collect()
}

/// Whether `text` fits `pattern`, where one `*` stands for any text.
fn fits(text: &str, pattern: &str) -> bool {
    match pattern.split_once('*') {
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
        }
        None => text == pattern,
    }
}

/// Runs every `(query, expected first row)` and returns the misses, one line each.
fn misses(rows: Vec<SearchRow>, table: &[(String, String)]) -> Vec<String> {
    let mut index = SearchIndex::new(rows);
    let mut out = Vec::new();
    for (query, want) in table {
        index.invalidate();
        let first = index
            .filter(query, &|_| 0)
            .first()
            .map(|h| h.row)
            .and_then(|r| index.row(r))
            .map(|r| format!("{}/{}", r.account_name, r.role_name));
        match first {
            Some(got) if fits(&got, want) => {}
            got => out.push(format!("{query:?}: want {want}, got {got:?}")),
        }
    }
    out
}

fn table(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|&(q, w)| (q.to_owned(), w.to_owned()))
        .collect()
}

#[test]
fn demo_org_queries_rank_the_expected_row_first() {
    let org = Org::parse(include_str!("../../assets/demo-org.toml"), "demo-org.toml").unwrap();
    let table = table(&[
        ("payments dev", "payments-dev/*"),
        ("identity dev", "identity-dev/*"),
        ("search dev", "search-dev/*"),
        ("data prod", "data-platform-prod/*"),
        ("data dev", "data-platform-dev/*"),
        ("mobile staging", "mobile-api-staging/*"),
        ("web prod", "web-frontend-prod/*"),
        ("ml dev", "ml-training-dev/*"),
        ("obs prod", "observability-prod/*"),
        ("priya", "sandbox-priya/*"),
        ("sandbox priya", "sandbox-priya/*"),
        ("mateo admin", "sandbox-mateo/AdministratorAccess"),
        ("payments prod readonly", "payments-prod/ReadOnlyAccess"),
        ("identity dev admin", "identity-dev/AdministratorAccess"),
        (
            "payments-prod/ReadOnlyAccess",
            "payments-prod/ReadOnlyAccess",
        ),
        (
            "payments-prod/readonlyaccess",
            "payments-prod/ReadOnlyAccess",
        ),
        ("identity-prod/DevOps", "identity-prod/DevOps"),
        ("011403187894/DevOps", "payments-prod/DevOps"),
        ("4916", "identity-dev/*"),
        ("779793867490", "payments-dev/*"),
        ("tools ci", "tools-ci/*"),
        ("log", "log-archive/*"),
        ("finance billing", "finance-reporting/Billing"),
        ("data sci", "data-*/DataScientist"),
        ("legacy", "legacy-monolith-prod/*"),
        ("staging poweruser", "*-staging/PowerUserAccess"),
        ("shared devops", "shared-services/DevOps"),
        ("security tooling", "security-tooling/*"),
        ("security audit", "security-audit/*"),
        ("backup", "backup-vault/*"),
        ("mgmt", "management/*"),
        ("paymnts dev", "payments-dev/*"),
        ("PAYMENTS-DEV", "payments-dev/*"),
    ]);
    let misses = misses(rows_of(&org), &table);
    assert!(
        misses.is_empty(),
        "{} of {} queries miss:\n{}",
        misses.len(),
        table.len(),
        misses.join("\n")
    );
}

#[test]
fn generated_org_queries_rank_the_expected_row_first() {
    let org = org_generate::generate(10_000, 42);
    let tools = &org.accounts[0];
    let some = &org.accounts[4_321];
    let mut table = table(&[
        ("data prod", "data-platform-prod-*"),
        ("payments dev", "payments-dev-1/*"),
        ("identity dev", "identity-dev-1/*"),
        ("payments dev 2", "payments-dev-2/*"),
        ("payments dev 10", "payments-dev-10/*"),
        ("checkout staging 7", "checkout-staging-7/*"),
        ("ml training qa", "ml-training-qa-1/*"),
        ("partner api prod", "partner-api-prod-1/*"),
        ("auth prod", "auth-prod-1/*"),
        ("ads dev", "ads-dev-1/*"),
        ("edge perf 3", "edge-perf-3/*"),
        ("data platform staging 12", "data-platform-staging-12/*"),
    ]);
    table.push((
        format!("{}/DevOps", tools.name),
        format!("{}/DevOps", tools.name),
    ));
    table.push((some.id.clone(), format!("{}/*", some.name)));
    table.push((some.name.clone(), format!("{}/*", some.name)));
    let misses = misses(rows_of(&org), &table);
    assert!(
        misses.is_empty(),
        "{} of {} queries miss:\n{}",
        misses.len(),
        table.len(),
        misses.join("\n")
    );
}

/// The demo org as the app's catalog (accounts sorted by name then id).
fn catalog_of(org: &Org) -> Catalog {
    let mut accounts: Vec<AccountEntry> = org
        .accounts
        .iter()
        .map(|a| AccountEntry {
            account: Account {
                id: AccountId::parse(&a.id).unwrap_or_else(|e| panic!("{}: {e}", a.id)),
                name: a.name.clone(),
                email: None,
            },
            roles: Roles::Listed(a.permission_sets.clone()),
        })
        .collect();
    accounts.sort_by(|a, b| {
        (&a.account.name, a.account.id.to_string())
            .cmp(&(&b.account.name, b.account.id.to_string()))
    });
    Catalog {
        accounts,
        ..Catalog::default()
    }
}

#[test]
fn config_aliases_are_searchable_in_the_app() {
    let org = Org::parse(include_str!("../../assets/demo-org.toml"), "demo-org.toml").unwrap();
    let aliases: BTreeMap<String, String> = [
        ("moneybags", "payments-prod/ReadOnlyAccess"),
        ("idp", "949162502923/AdministratorAccess"),
        ("ghost", "no-such-account/ReadOnlyAccess"),
    ]
    .into_iter()
    .map(|(a, t)| (a.to_owned(), t.to_owned()))
    .collect();
    let settings = AppSettings {
        aliases,
        ..AppSettings::default()
    };
    let session = SessionInfo {
        name: "demo".into(),
        start_url: "https://example.awsapps.com/start".into(),
        region: "us-east-1".into(),
        token_expires_at: None,
    };
    let mut state = AppState::new(
        session,
        catalog_of(&org),
        Frecency::new(),
        settings,
        Keymap::default(),
    );
    let mut first = |query: &str| {
        state.list.query = query.to_owned();
        state.list.query_changed();
        let hits: Vec<String> = state
            .list
            .hits()
            .iter()
            .filter_map(|h| state.list.row(h.row))
            .map(|r| format!("{}/{}", r.account_name, r.role_name))
            .collect();
        hits
    };
    assert_eq!(first("moneybags"), ["payments-prod/ReadOnlyAccess"]);
    // Other rows may match `idp` fuzzily; the aliased one comes first.
    assert_eq!(first("idp")[0], "identity-dev/AdministratorAccess");
    assert!(first("ghost").is_empty());
}
