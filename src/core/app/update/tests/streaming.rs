//! A listing streaming into the list: rows per account as its roles arrive, account rows while
//! they load (those on screen asked for first), the selection kept on its row, a query live
//! over what is there, and the end equal to the one-shot list.

use pretty_assertions::assert_eq;

use super::*;
use crate::core::app::update::listing::STREAM_BATCH;

/// A signed-in state with nothing cached: the listing has just started.
fn listing() -> AppState {
    let mut s = state();
    let fx = update(
        &mut s,
        Msg::Start {
            stored: Some(signed_in(28_800)),
        },
        now(),
    );
    assert_eq!(fx, vec![Effect::ListCatalog]);
    s
}

/// Every event of a listing of `catalog`: its accounts in one page, then each account's roles.
fn events_of(catalog: &Catalog) -> Vec<CatalogEvent> {
    let total = catalog.accounts.len();
    let mut events = vec![CatalogEvent::AccountsListed {
        accounts: catalog.accounts.iter().map(|e| e.account.clone()).collect(),
        count: total,
        complete: true,
    }];
    events.extend(
        catalog
            .accounts
            .iter()
            .enumerate()
            .map(|(i, e)| CatalogEvent::RolesFetched {
                account_id: e.account.id.to_string(),
                roles: e.roles.clone(),
                done: i + 1,
                total,
            }),
    );
    events
}

/// Feeds `event` `at` seconds after `now()` (each second past the batching window).
fn feed(s: &mut AppState, event: CatalogEvent, at: u64) {
    update(s, Msg::Catalog(event), later(at));
}

fn fetched(entry: &AccountEntry) -> CatalogEvent {
    CatalogEvent::RolesFetched {
        account_id: entry.account.id.to_string(),
        roles: entry.roles.clone(),
        done: 1,
        total: 3,
    }
}

fn loading_rows(s: &AppState) -> Vec<String> {
    s.hits()
        .iter()
        .filter(|h| s.list.is_loading(h.row))
        .filter_map(|h| s.row(h.row))
        .map(|r| r.account_name.clone())
        .collect()
}

#[test]
fn rows_appear_per_account_as_its_roles_arrive() {
    let mut s = listing();
    let c = catalog();
    let [first, ..] = &events_of(&c)[..] else {
        panic!("no events");
    };
    feed(&mut s, first.clone(), 0);
    // Every account shows at once, one row each, its roles loading.
    assert_eq!(
        loading_rows(&s),
        ["payments-prod", "payments-staging", "search-dev"]
    );
    assert_eq!(s.hits().len(), 3);

    feed(&mut s, fetched(&c.accounts[0]), 1);
    assert_eq!(
        names(&s),
        [
            "payments-prod/AdministratorAccess",
            "payments-prod/ReadOnlyAccess",
            "payments-staging/",
            "search-dev/",
        ]
    );
    assert_eq!(loading_rows(&s), ["payments-staging", "search-dev"]);
    // Enter on an account still loading asks for its roles first instead of assuming nothing.
    update(&mut s, Msg::Key(Key::End), later(2));
    let fx = update(&mut s, Msg::Key(Key::Enter), later(2));
    assert_eq!(
        fx,
        vec![Effect::Prioritize {
            account_ids: vec!["333333333333".into()]
        }]
    );
    assert!(s.toast.as_ref().unwrap().text.contains("still loading"));
}

#[test]
fn the_first_rows_show_at_once_and_a_burst_waits_for_the_batch_or_the_tick() {
    let mut s = listing();
    let c = catalog();
    let events = events_of(&c);
    // The first event is shown at once: no tick needed for the first row.
    feed(&mut s, events[0].clone(), 0);
    assert_eq!(s.hits().len(), 3);
    // Events within the batching window wait (the rows are rebuilt at most that often)…
    update(&mut s, Msg::Catalog(events[1].clone()), now());
    assert!(s.list.behind);
    assert_eq!(s.hits().len(), 3);
    // …until the window has passed, at the next event or tick.
    update(&mut s, Msg::Tick, now());
    assert!(s.list.behind, "a tick inside the window waits too");
    update(&mut s, Msg::Tick, now() + STREAM_BATCH);
    assert!(!s.list.behind);
    assert_eq!(s.hits().len(), 4);
    update(
        &mut s,
        Msg::Catalog(events[2].clone()),
        now() + STREAM_BATCH,
    );
    assert_eq!(s.hits().len(), 4);
    update(
        &mut s,
        Msg::Catalog(events[3].clone()),
        now() + STREAM_BATCH * 2,
    );
    assert_eq!(s.hits().len(), 4, "payments-staging and search-dev in");
    assert!(loading_rows(&s).is_empty());
}

#[test]
fn the_selection_stays_on_its_row_while_rows_arrive() {
    let mut s = listing();
    let mut c = catalog();
    c.accounts
        .push(entry("444444444444", "analytics-prod", &["DataScientist"]));
    let events = events_of(&c);
    feed(&mut s, events[0].clone(), 0);
    feed(&mut s, events[2].clone(), 1);
    // payments-staging/PowerUserAccess, chosen.
    update(&mut s, Msg::Key(Key::Down), later(1));
    update(&mut s, Msg::Key(Key::Down), later(1));
    let chosen = s.list.role_at(s.list.selected).unwrap();
    assert_eq!(chosen.role_name, "PowerUserAccess");
    let before = s.list.selected;
    // Rows arrive above it (analytics-prod, payments-prod): it stays selected, lower down.
    for (at, event) in events.iter().enumerate().skip(1) {
        feed(&mut s, event.clone(), 2 + at as u64);
        assert_eq!(s.list.role_at(s.list.selected).as_ref(), Some(&chosen));
    }
    assert!(s.list.selected > before);
    // And through the end of the listing.
    update(&mut s, Msg::Listed(Ok((c, None))), later(9));
    assert_eq!(s.list.role_at(s.list.selected), Some(chosen));
}

#[test]
fn an_account_row_selected_while_loading_stays_on_its_account_once_roles_arrive() {
    let mut s = listing();
    let c = catalog();
    let events = events_of(&c);
    feed(&mut s, events[0].clone(), 0);
    update(&mut s, Msg::Key(Key::Down), later(1));
    assert_eq!(loading_rows(&s)[1], "payments-staging");
    feed(&mut s, events[1].clone(), 2);
    feed(&mut s, events[2].clone(), 3);
    let selected = s.list.role_at(s.list.selected).unwrap();
    assert_eq!(
        (selected.account_id.as_str(), selected.role_name.as_str()),
        ("222222222222", "PowerUserAccess")
    );
}

#[test]
fn a_query_typed_before_the_rows_arrive_matches_them_as_they_arrive() {
    let mut s = listing();
    typed(&mut s, "staging power");
    assert!(s.hits().is_empty());
    let events = events_of(&catalog());
    feed(&mut s, events[0].clone(), 0);
    // The account row matches `staging` but not `power`: nothing yet.
    assert!(names(&s).is_empty(), "{:?}", names(&s));
    feed(&mut s, events[1].clone(), 1);
    assert!(names(&s).is_empty());
    feed(&mut s, events[2].clone(), 2);
    assert_eq!(names(&s), ["payments-staging/PowerUserAccess"]);
    assert_eq!(s.list.selected, 0);
}

#[test]
fn the_streamed_list_equals_the_one_shot_list() {
    let one_shot = ready();
    let mut s = listing();
    for (at, event) in events_of(&catalog()).into_iter().enumerate() {
        feed(&mut s, event, at as u64);
    }
    // Every role in, before the listing's result: the same rows in the same order.
    assert_eq!(names(&s), names(&one_shot));
    update(&mut s, Msg::Listed(Ok((catalog(), None))), later(9));
    assert_eq!(names(&s), names(&one_shot));
    assert_eq!(s.list.catalog, one_shot.list.catalog);
    assert_eq!(s.list.selected, 0);
    assert!(loading_rows(&s).is_empty() && !s.list.behind);
}

#[test]
fn a_refresh_over_the_cache_updates_rows_in_place() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Down), now());
    let selected = s.list.role_at(s.list.selected).unwrap();
    let shown = names(&s);
    update(&mut s, Msg::Key(Key::Ctrl('r')), now());
    let mut newer = catalog();
    newer
        .accounts
        .push(entry("444444444444", "analytics-prod", &["DataScientist"]));
    let events = events_of(&newer);
    // The cached accounts stay as they were; only the new one shows, loading.
    feed(&mut s, events[0].clone(), 1);
    assert_eq!(loading_rows(&s), ["analytics-prod"]);
    // Roles as before change nothing: no rebuild at all.
    feed(&mut s, events[1].clone(), 2);
    assert!(!s.list.behind);
    assert_eq!(names(&s)[1..], shown[..]);
    // A failure keeps the roles known, stale.
    feed(
        &mut s,
        CatalogEvent::RolesFetched {
            account_id: "111111111111".into(),
            roles: Roles::Unavailable {
                reason: "throttled".into(),
            },
            done: 2,
            total: 4,
        },
        3,
    );
    assert_eq!(names(&s)[1..], shown[..]);
    assert_eq!(s.list.role_at(s.list.selected), Some(selected));
}

#[test]
fn a_listing_that_fails_takes_the_accounts_still_loading_away() {
    let mut s = listing();
    let events = events_of(&catalog());
    feed(&mut s, events[0].clone(), 0);
    feed(&mut s, events[1].clone(), 1);
    update(
        &mut s,
        Msg::Listed(Err(Failed {
            message: "network down".into(),
            needs_sign_in: false,
        })),
        later(2),
    );
    assert_eq!(
        names(&s),
        [
            "payments-prod/AdministratorAccess",
            "payments-prod/ReadOnlyAccess"
        ]
    );
}

#[test]
fn a_big_list_waits_longer_between_rebuilds_while_it_streams() {
    use crate::core::app::update::listing::stream_batch;
    // A rebuild costs ~2 µs a row: a big list's rebuilds stay under a tenth of the time.
    assert_eq!(stream_batch(0), STREAM_BATCH);
    assert_eq!(stream_batch(10_000), STREAM_BATCH);
    assert_eq!(stream_batch(100_000), Duration::from_secs(2));
    // A tick between rebuilds of a big list leaves the rows behind until the wait is over.
    let mut s = listing();
    let mut c = catalog();
    for i in 0..20_000u64 {
        let id = format!("{:012}", 500_000_000_000 + i);
        c.accounts
            .push(entry(&id, &format!("bulk-{i}"), &["ReadOnly"]));
    }
    let events = events_of(&c);
    feed(&mut s, events[0].clone(), 0);
    let wait = stream_batch(s.list.search().len());
    assert!(wait > STREAM_BATCH, "{wait:?}");
    update(
        &mut s,
        Msg::Catalog(events[1].clone()),
        now() + STREAM_BATCH,
    );
    update(&mut s, Msg::Tick, now() + STREAM_BATCH);
    assert!(s.list.behind, "rebuilt again after {STREAM_BATCH:?}");
    update(&mut s, Msg::Tick, now() + wait);
    assert!(!s.list.behind);
}

/// The accounts a `Prioritize` among `fx` asks for (empty: none asked).
fn asked(fx: &[Effect]) -> Vec<&str> {
    fx.iter()
        .flat_map(|e| match e {
            Effect::Prioritize { account_ids } => account_ids.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn accounts_listed(accounts: &[&AccountEntry]) -> CatalogEvent {
    CatalogEvent::AccountsListed {
        accounts: accounts.iter().map(|e| e.account.clone()).collect(),
        count: accounts.len(),
        complete: false,
    }
}

#[test]
fn the_accounts_loading_on_screen_are_asked_for_first_once_each() {
    let mut s = listing();
    let c = catalog();
    let events = events_of(&c);
    // Two rows on screen (the list is 2 high), both accounts loading: asked for, top first.
    let fx = update(&mut s, Msg::Catalog(events[0].clone()), now());
    assert_eq!(asked(&fx), ["111111111111", "222222222222"]);
    assert_eq!(fx.len(), 1, "one effect for the screen: {fx:?}");
    // Nothing new on screen: a tick, an event that changes nothing shown, a move on screen.
    assert!(update(&mut s, Msg::Tick, later(1)).is_empty());
    assert!(update(&mut s, Msg::Key(Key::Down), later(1)).is_empty());
    // Scrolling brings search-dev on screen: it alone is asked for.
    let fx = update(&mut s, Msg::Key(Key::Down), later(1));
    assert_eq!(asked(&fx), ["333333333333"]);
    // Back up and down again: every one was asked for already.
    for key in [Key::Home, Key::End, Key::Up] {
        assert!(update(&mut s, Msg::Key(key), later(1)).is_empty());
    }
    // Roles arriving change the rows; those on screen are in or asked for already.
    let fx = update(&mut s, Msg::Catalog(fetched(&c.accounts[0])), later(2));
    assert!(asked(&fx).is_empty(), "{fx:?}");
}

#[test]
fn a_rebuild_that_brings_a_loading_account_on_screen_asks_for_it_then() {
    let mut s = listing();
    let mut c = catalog();
    c.accounts
        .push(entry("444444444444", "analytics-prod", &["DataScientist"]));
    let [prod, staging, _, analytics] = &c.accounts[..] else {
        panic!("four accounts");
    };
    let fx = update(
        &mut s,
        Msg::Catalog(accounts_listed(&[staging, prod])),
        now(),
    );
    assert_eq!(asked(&fx), ["111111111111", "222222222222"]);
    // The next page, inside the batching window: not on screen yet, not asked for yet.
    let fx = update(&mut s, Msg::Catalog(accounts_listed(&[analytics])), now());
    assert!(s.list.behind && fx.is_empty(), "{fx:?}");
    // The rebuild puts it first: asked for then.
    let fx = update(&mut s, Msg::Tick, now() + STREAM_BATCH);
    assert_eq!(names(&s)[0], "analytics-prod/");
    assert_eq!(
        fx,
        [Effect::Prioritize {
            account_ids: vec!["444444444444".into()]
        }]
    );
}

#[test]
fn a_query_asks_for_the_loading_accounts_it_shows() {
    let mut s = listing();
    let c = catalog();
    update(&mut s, Msg::Catalog(events_of(&c)[0].clone()), now());
    // `dev` shows search-dev alone, below the screen until now.
    let fx: Vec<Effect> = "dev"
        .chars()
        .flat_map(|ch| update(&mut s, Msg::Key(Key::Char(ch)), now()))
        .collect();
    assert_eq!(names(&s), ["search-dev/"]);
    assert_eq!(asked(&fx), ["333333333333"]);
}

#[test]
fn only_the_screen_is_asked_for_and_a_new_listing_asks_again() {
    let mut s = listing();
    let mut c = Catalog::default();
    for i in 0..500u64 {
        c.accounts.push(entry(
            &format!("{:012}", 500_000_000_000 + i),
            &format!("bulk-{i:03}"),
            &["ReadOnly"],
        ));
    }
    let listed = events_of(&c)[0].clone();
    let fx = update(&mut s, Msg::Catalog(listed.clone()), now());
    assert_eq!(asked(&fx), ["500000000000", "500000000001"]);
    // A bigger screen asks for the rows it adds.
    let fx = update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 30,
            list_top: 3,
            list_height: 4,
        },
        now(),
    );
    assert_eq!(asked(&fx), ["500000000002", "500000000003"]);
    // The listing failed; the next one queues every account anew: those on screen are asked
    // for again.
    update(
        &mut s,
        Msg::Listed(Err(Failed {
            message: "network down".into(),
            needs_sign_in: false,
        })),
        later(1),
    );
    assert!(s.hits().is_empty());
    let fx = update(&mut s, Msg::Catalog(listed), later(2));
    assert_eq!(asked(&fx).len(), 4, "{fx:?}");
}
