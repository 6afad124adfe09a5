//! The screens, drawn into ratatui's `TestBackend` at 80×24 and 120×40 and compared with the
//! committed snapshots (`tests/app/snapshots/`), plus the colours that carry meaning (countdown
//! urgency) checked cell by cell, escaping of hostile API strings, and the list geometry the
//! core is told about.
//!
//! States are built the way the app builds them: `AppState::new` and `update` with messages,
//! at a fixed `now`, so the snapshots never move. Review changes with `cargo insta review`
//! (or `INSTA_UPDATE=always cargo test --test app ui_snapshots::` and read the `.snap` files).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use rolecall::catalog::CatalogEvent;
use rolecall::core::app::state::{AppSettings, Modal, SessionInfo};
use rolecall::core::app::{AppState, Effect, Key, Keymap, MouseInput, Msg, update};
use rolecall::core::catalog::{Account, AccountEntry, Catalog, Roles};
use rolecall::core::credentials::Credentials;
use rolecall::core::frecency::Frecency;
use rolecall::core::signin::{self, Event};
use rolecall::core::sso::{DeviceAuthorization, Registration, SignedIn, SsoToken};
use rolecall::ports::identity_center::IdcError;
use rolecall::secret::Secret;
use rolecall::ui::layout::list_area;
use rolecall::ui::{Theme, ViewCtx, buffer_text, draw};

const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_457_045)
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn session() -> SessionInfo {
    SessionInfo {
        name: "acme".into(),
        start_url: "https://acme.awsapps.com/start".into(),
        region: "us-east-1".into(),
        token_expires_at: None,
    }
}

fn entry(id: &str, name: &str, email: &str, roles: &[&str]) -> AccountEntry {
    AccountEntry {
        account: Account {
            id: id.parse().unwrap(),
            name: name.into(),
            email: Some(email.into()),
        },
        roles: Roles::Listed(roles.iter().map(|r| r.to_string()).collect()),
    }
}

fn catalog(unavailable: bool) -> Catalog {
    let mut accounts = vec![
        entry("222233334444", "audit", "audit@acme.example", &["ReadOnly"]),
        entry(
            "111122223333",
            "payments-prod",
            "payments-prod@acme.example",
            &["AdministratorAccess", "ReadOnly"],
        ),
        entry(
            "444455556666",
            "payments-staging",
            "payments-staging@acme.example",
            &["Developer", "ReadOnly"],
        ),
    ];
    if unavailable {
        accounts.push(AccountEntry {
            account: Account {
                id: "777788889999".parse().unwrap(),
                name: "sandbox".into(),
                email: None,
            },
            roles: Roles::Unavailable {
                reason: "throttled (429) until the deadline".into(),
            },
        });
    }
    accounts.push(entry(
        "555566667777",
        "shared-services",
        "shared-services@acme.example",
        &["NetworkAdmin", "ReadOnly"],
    ));
    Catalog {
        session: "acme".into(),
        listed_at: 1_795_450_000,
        accounts,
    }
}

fn registration() -> Registration {
    Registration {
        client_id: "client".into(),
        client_secret: Secret::new("client-secret".into()),
        expires_at: now() + secs(90 * 86_400),
        grant_types: Vec::new(),
    }
}

fn signed_in() -> SignedIn {
    SignedIn {
        registration: registration(),
        token: SsoToken {
            access_token: Secret::new("access".into()),
            expires_at: now() + secs(8 * 3600),
            refresh_token: None,
        },
    }
}

fn new_state(open_browser: bool) -> AppState {
    let settings = AppSettings {
        open_browser,
        ..AppSettings::default()
    };
    AppState::new(
        session(),
        Catalog::default(),
        Frecency::new(),
        settings,
        Keymap::default(),
    )
}

fn send(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    update(state, msg, now())
}

fn keys(state: &mut AppState, keys: &[Key]) {
    for k in keys {
        send(state, Msg::Key(*k));
    }
}

fn type_text(state: &mut AppState, text: &str) {
    for c in text.chars() {
        send(state, Msg::Key(Key::Char(c)));
    }
}

/// Tells the core the terminal's size and where the list is, as the runtime does.
fn resize(state: &mut AppState, width: u16, height: u16) {
    let (list_top, list_height) = list_area(width, height, state);
    send(
        state,
        Msg::Resize {
            width,
            height,
            list_top,
            list_height,
        },
    );
}

/// Signed in with a valid stored token, and the catalog listed; no toast.
fn catalog_state(catalog: Catalog) -> AppState {
    let mut state = new_state(false);
    let fx = send(
        &mut state,
        Msg::Start {
            stored: Some(signed_in()),
        },
    );
    assert!(fx.contains(&Effect::ListCatalog));
    send(&mut state, Msg::Listed(Ok((catalog, None))));
    state.toast = None;
    state
}

/// Moves the selection to the row of `account_name`/`role`.
fn select(state: &mut AppState, account_name: &str, role: &str) {
    let index = state
        .hits()
        .iter()
        .position(|h| {
            state
                .row(h.row)
                .is_some_and(|r| r.account_name == account_name && r.role_name == role)
        })
        .unwrap_or_else(|| panic!("no row {account_name}/{role}"));
    send(state, Msg::Key(Key::Home));
    for _ in 0..index {
        send(state, Msg::Key(Key::Down));
    }
}

fn credentials(key: &str, expires_in: i64) -> Credentials {
    let at = if expires_in >= 0 {
        now() + secs(expires_in.unsigned_abs())
    } else {
        now() - secs(expires_in.unsigned_abs())
    };
    Credentials {
        access_key_id: key.into(),
        secret_access_key: Secret::new(SECRET_KEY.into()),
        session_token: Some(Secret::new(SESSION_TOKEN.into())),
        expires_at: Some(at),
    }
}

/// Re-runs the search if the list went empty. The core's `assume` recomputes the boosts
/// (which clears the search's hits) without filtering again; until that is fixed, a keystroke
/// and its backspace filter again, as a user's next keystroke would.
fn relist(state: &mut AppState) {
    if state.hits().is_empty() && !state.list.search().is_empty() {
        keys(state, &[Key::Char('x'), Key::Backspace]);
    }
}

/// Assumes `account_name`/`role` (Enter, then the answer to the pending request); the
/// hand-over menu is left open.
fn assume(state: &mut AppState, account_name: &str, role: &str, creds: Credentials) {
    select(state, account_name, role);
    let fx = send(state, Msg::Key(Key::Enter));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::GetCredentials { request, .. } => Some(*request),
            _ => None,
        })
        .expect("Enter asks for credentials");
    assert!(state.requests.credentials.contains_key(&request));
    relist(state);
    send(
        state,
        Msg::Credentials {
            request,
            result: Ok(creds),
        },
    );
    assert!(state.modal.menu().is_some());
}

/// Four sessions: ok, expiring, expiring soon, expired; menu closed, no toast.
fn sessions_state() -> AppState {
    let mut state = catalog_state(catalog(false));
    assume(
        &mut state,
        "payments-prod",
        "AdministratorAccess",
        credentials("ASIAOKEXAMPLE0000001", 3600),
    );
    send(&mut state, Msg::Key(Key::Esc));
    assume(
        &mut state,
        "payments-staging",
        "Developer",
        credentials("ASIAWARNEXAMPLE00002", 600),
    );
    send(&mut state, Msg::Key(Key::Esc));
    assume(
        &mut state,
        "audit",
        "ReadOnly",
        credentials("ASIACRITEXAMPLE00003", 180),
    );
    send(&mut state, Msg::Key(Key::Esc));
    assume(
        &mut state,
        "shared-services",
        "NetworkAdmin",
        credentials("ASIADEADEXAMPLE00004", -60),
    );
    send(&mut state, Msg::Key(Key::Esc));
    state.toast = None;
    state
}

/// The device flow up to the user code, `elapsed` seconds ago.
fn waiting_state(open_browser: bool, browser_opened: Option<bool>) -> (AppState, u64) {
    let mut state = new_state(open_browser);
    let start = now() - secs(2);
    update(&mut state, Msg::Start { stored: None }, start);
    update(
        &mut state,
        Msg::SignIn(Event::Registered(Ok(registration()))),
        start,
    );
    let fx = update(
        &mut state,
        Msg::SignIn(Event::DeviceStarted(Ok(DeviceAuthorization {
            device_code: Secret::new("device-code".into()),
            user_code: "BCDF-GHJK".into(),
            verification_uri: "https://device.sso.us-east-1.amazonaws.com/".into(),
            verification_uri_complete:
                "https://device.sso.us-east-1.amazonaws.com/?user_code=BCDF-GHJK".into(),
            expires_in: 600,
            interval: 5,
        }))),
        start,
    );
    let wake = fx
        .iter()
        .find_map(|e| match e {
            Effect::SignIn(signin::Effect::WakeAt { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a poll timer");
    match browser_opened {
        Some(true) => {
            send(&mut state, Msg::SignIn(Event::BrowserOpened(true)));
        }
        Some(false) if open_browser => {
            send(&mut state, Msg::SignIn(Event::BrowserOpened(false)));
        }
        _ => {}
    }
    (state, wake)
}

/// The device flow ended by the poll answer `error`.
fn failed_state(error: IdcError) -> AppState {
    let (mut state, wake) = waiting_state(true, Some(true));
    let fx = send(&mut state, Msg::SignIn(Event::Wake { id: wake }));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::SignIn(signin::Effect::Poll { .. })))
    );
    send(
        &mut state,
        Msg::SignIn(Event::Polled {
            id: wake,
            result: Err(error),
        }),
    );
    state.toast = None;
    state
}

fn render_with(state: &mut AppState, width: u16, height: u16, theme: Theme) -> Buffer {
    resize(state, width, height);
    let ctx = ViewCtx { now: now(), theme };
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| draw(f, state, &ctx)).expect("draw");
    terminal.backend().buffer().clone()
}

fn render(state: &mut AppState, width: u16, height: u16) -> Buffer {
    render_with(state, width, height, Theme::default())
}

fn screen(state: &mut AppState, width: u16, height: u16) -> String {
    buffer_text(&render(state, width, height))
}

/// Snapshots `state` at 80×24 and 120×40 as `NAME_80x24` and `NAME_120x40`.
fn snap_both(name: &str, state: &mut AppState) {
    assert_snapshot!(format!("{name}_80x24"), screen(state, 80, 24));
    assert_snapshot!(format!("{name}_120x40"), screen(state, 120, 40));
}

/// Where `needle` starts on row `y`, in cells.
fn find_in_row(buffer: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let width = buffer.area.width;
    let n = needle.chars().count() as u16;
    (0..width.saturating_sub(n) + 1).find(|&x| {
        needle
            .chars()
            .enumerate()
            .all(|(i, c)| buffer[(x + i as u16, y)].symbol() == c.to_string())
    })
}

/// Every place `needle` is drawn: (x, y).
fn find_all(buffer: &Buffer, needle: &str) -> Vec<(u16, u16)> {
    (0..buffer.area.height)
        .filter_map(|y| find_in_row(buffer, y, needle).map(|x| (x, y)))
        .collect()
}

/// The foreground colour of every cell of `needle` at (x, y).
fn fg_of(buffer: &Buffer, (x, y): (u16, u16), needle: &str) -> Vec<Color> {
    (0..needle.chars().count() as u16)
        .map(|i| buffer[(x + i, y)].fg)
        .collect()
}

// ---- sign-in ----

#[test]
fn signin_waiting_browser_opened() {
    let (mut state, _) = waiting_state(true, Some(true));
    snap_both("signin_waiting_browser_opened", &mut state);
}

#[test]
fn signin_waiting_browser_not_opened() {
    let (mut state, _) = waiting_state(false, None);
    snap_both("signin_waiting_no_browser", &mut state);
    let (mut state, _) = waiting_state(true, Some(false));
    assert_snapshot!(
        "signin_waiting_browser_failed_80x24",
        screen(&mut state, 80, 24)
    );
}

#[test]
fn signin_never_hides_the_code() {
    for (w, h) in [(80, 24), (120, 40), (60, 16), (40, 12)] {
        let (mut state, _) = waiting_state(true, Some(true));
        let text = screen(&mut state, w, h);
        assert!(text.contains("B C D F - G H J K"), "{w}x{h}:\n{text}");
        assert!(text.contains("expires in 9m 58s"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn signin_contacting() {
    let mut state = new_state(false);
    send(&mut state, Msg::Start { stored: None });
    assert_snapshot!("signin_contacting_80x24", screen(&mut state, 80, 24));
}

#[test]
fn signin_failed_denied() {
    let mut state = failed_state(IdcError::AccessDenied);
    snap_both("signin_failed_denied", &mut state);
}

#[test]
fn signin_failed_code_expired() {
    let mut state = failed_state(IdcError::ExpiredCode);
    snap_both("signin_failed_expired", &mut state);
}

#[test]
fn signin_pkce_and_refreshing() {
    // PKCE: the browser flow runs in the runtime; the screen says so.
    let mut state = new_state(true);
    let mut machine = signin::SignIn::new(signin::Method::Pkce, true);
    machine.handle(Event::Start { stored: None }, now());
    let reg = Registration {
        grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        ..registration()
    };
    machine.handle(Event::Registered(Ok(reg)), now());
    assert_eq!(machine.phase, signin::Phase::WaitingForBrowser);
    state.sign_in.machine = Some(machine);
    assert_snapshot!("signin_pkce_80x24", screen(&mut state, 80, 24));
    // A stored token past its time with a refresh token: renewed silently.
    let mut state = new_state(false);
    let mut stored = signed_in();
    stored.token.expires_at = now() - secs(60);
    stored.token.refresh_token = Some(Secret::new("refresh".into()));
    send(
        &mut state,
        Msg::Start {
            stored: Some(stored),
        },
    );
    assert_eq!(
        state.sign_in.machine.as_ref().map(|s| &s.phase),
        Some(&signin::Phase::Refreshing)
    );
    assert_snapshot!("signin_refreshing_80x24", screen(&mut state, 80, 24));
}

// ---- catalog ----

#[test]
fn catalog_listing_accounts() {
    let mut state = new_state(false);
    send(
        &mut state,
        Msg::Start {
            stored: Some(signed_in()),
        },
    );
    send(
        &mut state,
        Msg::Catalog(CatalogEvent::AccountsListed {
            accounts: Vec::new(),
            count: 40,
            complete: false,
        }),
    );
    assert_snapshot!("catalog_listing_accounts_80x24", screen(&mut state, 80, 24));
}

/// A listing streaming in: every account of the page shows, the roles of one are in, the others
/// are loading.
#[test]
fn catalog_filling_in() {
    let mut state = new_state(false);
    send(
        &mut state,
        Msg::Start {
            stored: Some(signed_in()),
        },
    );
    let listed = catalog(false);
    send(
        &mut state,
        Msg::Catalog(CatalogEvent::AccountsListed {
            accounts: listed.accounts.iter().map(|e| e.account.clone()).collect(),
            count: listed.accounts.len(),
            complete: true,
        }),
    );
    let prod = &listed.accounts[1];
    send(
        &mut state,
        Msg::Catalog(CatalogEvent::RolesFetched {
            account_id: prod.account.id.to_string(),
            roles: prod.roles.clone(),
            done: 1,
            total: 4,
        }),
    );
    send(
        &mut state,
        Msg::Catalog(CatalogEvent::Rate { per_sec: 19.6 }),
    );
    // The next tick past the batching window shows what streamed in.
    update(&mut state, Msg::Tick, now() + secs(1));
    let text = screen(&mut state, 80, 24);
    assert!(text.contains("listing roles 1/4 · 20 req/s"), "{text}");
    assert!(text.contains("111122223333  ReadOnly"), "{text}");
    assert!(text.contains("audit"), "{text}");
    let loading = text
        .lines()
        .filter(|l| l.contains("roles loading…") && l.contains("  roles"))
        .count();
    assert_eq!(loading, 3, "three account rows loading: {text}");
    assert!(
        text.contains(" roles loading…"),
        "the details say so: {text}"
    );
    snap_both("catalog_filling_in", &mut state);
}

#[test]
fn catalog_no_query() {
    let mut state = catalog_state(catalog(false));
    snap_both("catalog", &mut state);
}

#[test]
fn catalog_query_with_highlights() {
    let mut state = catalog_state(catalog(false));
    type_text(&mut state, "pay ro");
    snap_both("catalog_query", &mut state);
    // The matched characters carry the highlight style.
    let buffer = render(&mut state, 120, 40);
    let hl = Theme::default().highlight;
    let (top, _) = list_area(120, 40, &state);
    let (x, y) = find_all(&buffer, "payments-")
        .into_iter()
        .find(|(_, y)| *y > top)
        .unwrap();
    for (i, c) in "payments-".chars().enumerate() {
        let cell = &buffer[(x + i as u16, y)];
        let highlighted = cell.modifier.contains(Modifier::BOLD) && Some(cell.fg) == hl.fg;
        assert_eq!(highlighted, i < 3, "{c} at {i}");
    }
}

#[test]
fn catalog_no_matches() {
    let mut state = catalog_state(catalog(false));
    type_text(&mut state, "zzzq");
    snap_both("catalog_no_matches", &mut state);
}

#[test]
fn catalog_refreshing() {
    let mut state = catalog_state(catalog(false));
    let fx = send(&mut state, Msg::Key(Key::Ctrl('r')));
    assert_eq!(fx, vec![Effect::ListCatalog]);
    send(
        &mut state,
        Msg::Catalog(CatalogEvent::AccountsListed {
            accounts: Vec::new(),
            count: 400,
            complete: true,
        }),
    );
    send(
        &mut state,
        Msg::Catalog(CatalogEvent::RolesFetched {
            account_id: "111122223333".into(),
            roles: Roles::Listed(vec!["AdministratorAccess".into(), "ReadOnly".into()]),
            done: 120,
            total: 400,
        }),
    );
    send(
        &mut state,
        Msg::Catalog(CatalogEvent::Rate { per_sec: 18.2 }),
    );
    snap_both("catalog_refreshing", &mut state);
    assert!(screen(&mut state, 80, 24).contains("listing roles 120/400 · 18 req/s"));
}

#[test]
fn catalog_unavailable_account() {
    let mut state = catalog_state(catalog(true));
    select(&mut state, "sandbox", "");
    snap_both("catalog_unavailable", &mut state);
    // The row is dimmed when not selected.
    send(&mut state, Msg::Key(Key::Home));
    let buffer = render(&mut state, 80, 24);
    let (x, y) = find_all(&buffer, "sandbox")[0];
    assert_eq!(buffer[(x, y)].fg, Color::DarkGray);
}

#[test]
fn catalog_favorites_and_new_roles() {
    let mut state = catalog_state(catalog(false));
    select(&mut state, "shared-services", "NetworkAdmin");
    send(&mut state, Msg::Key(Key::Ctrl('f')));
    select(&mut state, "audit", "ReadOnly");
    send(&mut state, Msg::Key(Key::Ctrl('f')));
    // A refresh that brings a new role.
    let mut next = catalog(false);
    next.accounts[0].roles = Roles::Listed(vec!["ReadOnly".into(), "SecurityAudit".into()]);
    let diff = rolecall::core::catalog::CatalogDiff::between(&catalog(false), &next);
    send(&mut state, Msg::Key(Key::Ctrl('r')));
    send(&mut state, Msg::Listed(Ok((next, Some(diff)))));
    snap_both("catalog_favorites_new", &mut state);
}

#[test]
fn catalog_with_toast() {
    let mut state = catalog_state(catalog(false));
    send(&mut state, Msg::Key(Key::Ctrl('r')));
    send(
        &mut state,
        Msg::Listed(Err(rolecall::core::app::msg::Failed {
            message: "the portal answered 500 three times".into(),
            needs_sign_in: false,
        })),
    );
    assert_snapshot!("catalog_error_toast_80x24", screen(&mut state, 80, 24));
}

// ---- sessions, hand-over, overlays ----

#[test]
fn sessions_panel() {
    let mut state = sessions_state();
    snap_both("sessions", &mut state);
    send(&mut state, Msg::Key(Key::Tab));
    send(&mut state, Msg::Key(Key::Down));
    snap_both("sessions_focused", &mut state);
}

#[test]
fn sessions_refreshing_marker() {
    let mut state = sessions_state();
    send(&mut state, Msg::Key(Key::Tab));
    send(&mut state, Msg::Key(Key::Ctrl('e')));
    state.toast = None;
    assert!(state.sessions.held.iter().any(|h| h.refreshing));
    let text = screen(&mut state, 120, 40);
    assert!(text.contains("↻ renewing"), "{text}");
}

#[test]
fn handover_menu() {
    let mut state = catalog_state(catalog(false));
    assume(
        &mut state,
        "payments-prod",
        "AdministratorAccess",
        credentials("ASIAOKEXAMPLE0000001", 3600),
    );
    state.toast = None;
    snap_both("handover_menu", &mut state);
    send(&mut state, Msg::Key(Key::Down));
    assert_snapshot!("handover_menu_second_80x24", screen(&mut state, 80, 24));
}

#[test]
fn exports_overlay_masks_secrets() {
    let mut state = catalog_state(catalog(false));
    assume(
        &mut state,
        "payments-prod",
        "AdministratorAccess",
        credentials("ASIAOKEXAMPLE0000001", 3600),
    );
    let show = state
        .handover_actions()
        .iter()
        .position(|a| *a == rolecall::core::app::state::HandoverAction::ShowExports)
        .unwrap();
    let mut path = vec![Key::Down; show];
    path.push(Key::Enter);
    keys(&mut state, &path);
    assert!(matches!(state.modal, Modal::Exports { .. }));
    state.toast = None;
    snap_both("exports", &mut state);
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let text = screen(&mut state, w, h);
        assert!(text.contains("ASIAOKEXAMPLE0000001"));
        assert!(text.contains("********"));
        for secret in [
            SECRET_KEY,
            SESSION_TOKEN,
            &SECRET_KEY[..12],
            &SESSION_TOKEN[..12],
        ] {
            assert!(!text.contains(secret), "a secret is on screen at {w}x{h}");
        }
    }
}

#[test]
fn help_overlay() {
    let mut state = catalog_state(catalog(false));
    send(&mut state, Msg::Key(Key::Char('?')));
    assert_eq!(state.modal, Modal::Help { scroll: 0 });
    snap_both("help", &mut state);
}

#[test]
fn help_follows_the_live_keymap() {
    let mut state = catalog_state(catalog(false));
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert(Key::Ctrl('g'), rolecall::core::app::Command::RefreshCatalog);
    state.keymap = Keymap::with_overrides(&overrides);
    send(&mut state, Msg::Key(Key::Char('?')));
    let text = screen(&mut state, 80, 24);
    assert!(text.contains("ctrl-g ctrl-r"), "{text}");
}

/// A binding changed in config.toml changes what the screen says: the menu's footer, the status
/// bar and `?` help are generated from the keymap, so they cannot drift from what keys do.
#[test]
fn a_binding_from_config_changes_the_hints_and_the_help() {
    let config = rolecall::config::file::ConfigFile::parse(
        "[keys]\n\"ctrl-o\" = \"choose\"\n\"enter\" = \"back\"\n\"f5\" = \"refresh-catalog\"\n\"ctrl-r\" = \"quit\"\n",
    )
    .unwrap();
    let mut state = catalog_state(catalog(false));
    let before = screen(&mut state, 120, 40);
    assert!(before.contains("ctrl-r refresh"), "{before}");
    assert!(before.contains("enter assume"), "{before}");
    state.keymap = Keymap::with_overrides(&config.keys);
    let after = screen(&mut state, 120, 40);
    assert!(after.contains("f5 refresh"), "{after}");
    assert!(
        !after.contains("assume"),
        "enter no longer assumes: {after}"
    );
    send(&mut state, Msg::Key(Key::Char('?')));
    let help = screen(&mut state, 120, 40);
    let row = |keys: &str, what: &str| {
        help.lines()
            .any(|l| l.contains(&format!("│ {keys} ")) && l.contains(what))
    };
    assert!(row("f5", "list accounts and roles again"), "{help}");
    assert!(row("enter esc", "clear the search"), "{help}");
    assert!(row("q ctrl-c ctrl-q ctrl-r", "quit"), "{help}");
    assert!(!help.contains("assume the selected role"), "{help}");
    send(&mut state, Msg::Key(Key::Esc));
    // The menu, opened with the keymap that came with the state, then rebound.
    let mut state = catalog_state(catalog(false));
    assume(
        &mut state,
        "payments-prod",
        "AdministratorAccess",
        credentials("ASIAOKEXAMPLE0000001", 3600),
    );
    let menu = screen(&mut state, 120, 40);
    assert!(menu.contains("↑↓ choose · enter ok · esc close"), "{menu}");
    state.keymap = Keymap::with_overrides(&config.keys);
    let menu = screen(&mut state, 120, 40);
    assert!(
        menu.contains("↑↓ choose · ctrl-o ok · enter close"),
        "{menu}"
    );
    // And the keys do what the footer says.
    send(&mut state, Msg::Key(Key::Enter));
    assert!(state.modal.menu().is_none(), "enter closes the menu now");
}

// ---- theme ----

#[test]
fn no_color_theme() {
    let mut state = sessions_state();
    type_text(&mut state, "pay");
    let buffer = render_with(&mut state, 80, 24, Theme::plain());
    assert_snapshot!("no_color_80x24", buffer_text(&buffer));
    let colored = buffer
        .content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset);
    assert_eq!(colored.count(), 0, "NO_COLOR draws no colour");
    // The selection stays visible.
    let (top, _) = list_area(80, 24, &state);
    let row = state.list.selected - state.list.offset;
    let cell = &buffer[(3, top + row as u16)];
    assert!(cell.modifier.contains(Modifier::REVERSED));
}

// ---- colours that carry meaning ----

#[test]
fn countdown_urgency_colours_cell_by_cell() {
    let mut state = sessions_state();
    let theme = Theme::default();
    let buffer = render(&mut state, 120, 40);
    let cases = [
        ("1h 00m", theme.ok.fg),
        ("10m 00s", theme.warn.fg),
        ("3m 00s", theme.critical.fg),
        ("expired", theme.expired.fg),
    ];
    for (text, want) in cases {
        let found = find_all(&buffer, text);
        assert!(!found.is_empty(), "{text} is on screen");
        for at in found {
            let fgs = fg_of(&buffer, at, text);
            assert!(
                fgs.iter().all(|c| Some(*c) == want),
                "{text} at {at:?}: {fgs:?}, want {want:?}"
            );
        }
    }
    // The urgency words carry the same colours.
    for (word, want) in [
        ("expiring soon", theme.critical.fg),
        ("expiring ", theme.warn.fg),
    ] {
        let at = find_all(&buffer, word)[0];
        assert!(
            fg_of(&buffer, at, word).iter().all(|c| Some(*c) == want),
            "{word}"
        );
    }
    // The colours are distinct.
    assert_eq!(Some(Color::Green), theme.ok.fg);
    assert_eq!(Some(Color::Yellow), theme.warn.fg);
    assert_eq!(Some(Color::LightRed), theme.critical.fg);
    assert_eq!(Some(Color::Red), theme.expired.fg);
}

#[test]
fn header_session_countdown_is_coloured() {
    let mut state = catalog_state(catalog(false));
    let theme = Theme::default();
    let buffer = render(&mut state, 80, 24);
    let at = (
        find_in_row(&buffer, 0, "session 8h 00m").expect("countdown in the header"),
        0,
    );
    assert!(
        fg_of(&buffer, at, "session 8h 00m")
            .iter()
            .all(|c| Some(*c) == theme.ok.fg)
    );
    state.sign_in.session.token_expires_at = Some(now() + secs(200));
    let buffer = render(&mut state, 80, 24);
    let at = (
        find_in_row(&buffer, 0, "session 3m 20s").expect("countdown in the header"),
        0,
    );
    assert!(
        fg_of(&buffer, at, "session 3m 20s")
            .iter()
            .all(|c| Some(*c) == theme.critical.fg)
    );
}

#[test]
fn status_bar_features_the_most_urgent_session() {
    let mut state = sessions_state();
    let buffer = render(&mut state, 80, 24);
    let text = buffer_text(&buffer);
    let status = text.lines().last().unwrap();
    assert!(
        status.contains("shared-services/NetworkAdmin expired"),
        "{status}"
    );
    let at = (find_in_row(&buffer, 23, "expired").unwrap(), 23);
    assert!(
        fg_of(&buffer, at, "expired")
            .iter()
            .all(|c| *c == Color::Red)
    );
}

// ---- hostile strings ----

#[test]
fn malicious_account_names_render_escaped() {
    let mut cat = catalog(false);
    cat.accounts[0].account.name = "evil\x1b[31mred\x07\u{202e}txt\r\nx".into();
    let mut state = catalog_state(cat);
    for (w, h) in [(80, 24), (120, 40)] {
        let buffer = render(&mut state, w, h);
        let text = buffer_text(&buffer);
        assert!(text.contains("evil␛[31mred␇"), "{text}");
        for cell in buffer.content() {
            let s = cell.symbol();
            assert!(
                !s.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{s:?}"
            );
        }
    }
}

// ---- geometry ----

#[test]
fn list_area_matches_the_drawn_list_and_mouse_clicks() {
    let mut big = catalog(false);
    for i in 0..60 {
        big.accounts.push(entry(
            &format!("{:012}", 900_000_000_000u64 + i),
            &format!("team-{i:02}"),
            "team@acme.example",
            &["Developer"],
        ));
    }
    for (w, h, held) in [
        (80, 24, false),
        (120, 40, false),
        (80, 24, true),
        (120, 40, true),
        (100, 30, true),
    ] {
        let mut state = catalog_state(big.clone());
        if held {
            assume(
                &mut state,
                "audit",
                "ReadOnly",
                credentials("ASIAOKEXAMPLE0000001", 3600),
            );
            send(&mut state, Msg::Key(Key::Esc));
            state.toast = None;
        }
        send(&mut state, Msg::Key(Key::Home));
        let buffer = render(&mut state, w, h);
        let (top, rows) = list_area(w, h, &state);
        assert_eq!(
            (state.list.top, state.list.height),
            (top, usize::from(rows))
        );
        let text = buffer_text(&buffer);
        let lines: Vec<&str> = text.lines().collect();
        for (i, hit) in state.hits().iter().take(usize::from(rows)).enumerate() {
            let name = &state.row(hit.row).unwrap().account_name;
            assert!(
                lines[usize::from(top) + i].contains(name.as_str()),
                "{w}x{h} row {i}:\n{text}"
            );
        }
        // The row under the list is not a list row.
        let after = hit_name(&state, usize::from(rows));
        assert!(
            !lines[usize::from(top + rows)].contains(&after),
            "{w}x{h}:\n{text}"
        );
        // A click on the fourth drawn row selects what is drawn there.
        send(&mut state, Msg::Mouse(MouseInput::Click { row: top + 3 }));
        assert_eq!(state.list.selected, 3);
        let buffer = render(&mut state, w, h);
        let x = 3;
        assert_eq!(buffer[(x, top + 3)].bg, Color::Blue, "{w}x{h}");
        assert_ne!(buffer[(x, top + 2)].bg, Color::Blue);
    }
}

fn hit_name(state: &AppState, i: usize) -> String {
    let hit = &state.hits()[i];
    let row = state.row(hit.row).unwrap();
    format!("{}  {}", row.account_name, row.account_id)
}

#[test]
fn scrolled_lists_draw_from_the_offset() {
    let mut big = catalog(false);
    for i in 0..60 {
        big.accounts.push(entry(
            &format!("{:012}", 900_000_000_000u64 + i),
            &format!("team-{i:02}"),
            "team@acme.example",
            &["Developer"],
        ));
    }
    let mut state = catalog_state(big);
    resize(&mut state, 80, 24);
    send(&mut state, Msg::Key(Key::End));
    assert!(state.list.offset > 0);
    assert_snapshot!("catalog_scrolled_to_end_80x24", screen(&mut state, 80, 24));
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut state = sessions_state();
    send(&mut state, Msg::Key(Key::Char('?')));
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (79, 23)] {
        render(&mut state, w, h);
    }
    let (mut state, _) = waiting_state(true, Some(true));
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10)] {
        render(&mut state, w, h);
    }
    let mut state = catalog_state(catalog(true));
    assume(
        &mut state,
        "audit",
        "ReadOnly",
        credentials("ASIAOKEXAMPLE0000001", 3600),
    );
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10)] {
        render(&mut state, w, h);
    }
}

/// The catalog with two chains (one capped, one with MFA) listed after the roles.
fn chains_state() -> AppState {
    use rolecall::core::chain::{ChainSource, ChainSpec};
    let mut pipeline = ChainSpec::new(
        "pipeline",
        ChainSource::Sso {
            session: None,
            account: "payments-prod".into(),
            role: "AdministratorAccess".into(),
        },
        "arn:aws:iam::999988887777:role/pipeline-service",
    );
    pipeline.duration = Some(4 * 3600);
    let mut glass = ChainSpec::new(
        "break-glass",
        ChainSource::Profile("jenkins".into()),
        "arn:aws:iam::444455556666:role/break-glass",
    );
    glass.mfa_serial = Some("arn:aws:iam::444455556666:mfa/oncall".into());
    let mut state = new_state(false);
    state.settings.chains = vec![pipeline, glass];
    send(
        &mut state,
        Msg::Start {
            stored: Some(signed_in()),
        },
    );
    send(&mut state, Msg::Listed(Ok((catalog(false), None))));
    state.toast = None;
    state
}

#[test]
fn chain_rows_are_marked_and_explained() {
    let mut state = chains_state();
    type_text(&mut state, "pipeline");
    snap_both("chain_row", &mut state);
}

#[test]
fn a_held_chain_says_who_it_is_and_why_it_is_short() {
    use rolecall::core::app::msg::ChainDone;
    let mut state = chains_state();
    type_text(&mut state, "pipeline");
    let fx = send(&mut state, Msg::Key(Key::Enter));
    let Some(Effect::AssumeChain { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    send(
        &mut state,
        Msg::ChainAssumed {
            request: *request,
            result: Ok(ChainDone {
                credentials: credentials("ASIACHAINEXAMPLE0001", 3600),
                caller_arn: Some(
                    "arn:aws:sts::999988887777:assumed-role/pipeline-service/rolecall-alice".into(),
                ),
                note: Some(rolecall::core::chain::duration::capped_note(4 * 3600)),
                region: "us-east-1".into(),
            }),
        },
    );
    state.toast = None;
    snap_both("chain_menu", &mut state);
}

#[test]
fn the_mfa_question_and_the_assume_form() {
    use rolecall::core::app::msg::ChainFailed;
    let mut state = chains_state();
    type_text(&mut state, "break-glass");
    let fx = send(&mut state, Msg::Key(Key::Enter));
    let Some(Effect::AssumeChain { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    send(
        &mut state,
        Msg::ChainAssumed {
            request: *request,
            result: Err(ChainFailed::NeedsMfa {
                serial: "arn:aws:iam::444455556666:mfa/oncall".into(),
            }),
        },
    );
    type_text(&mut state, "1234");
    snap_both("chain_mfa", &mut state);

    // "Assume another role…" from a held SSO role, with a duration beyond the chaining cap.
    let mut state = sessions_state();
    send(&mut state, Msg::Key(Key::Esc));
    keys(&mut state, &[Key::Tab, Key::Home, Key::Enter]);
    for _ in 0..5 {
        send(&mut state, Msg::Key(Key::Down));
    }
    send(&mut state, Msg::Key(Key::Enter));
    type_text(&mut state, "arn:aws:iam::555566667777:role/deployer");
    keys(&mut state, &[Key::Tab, Key::Tab, Key::Tab]);
    type_text(&mut state, "4h");
    snap_both("chain_assume_form", &mut state);
}

/// Help lists every key of the screen on view (the search line's too, Esc and quit included)
/// and scrolls when the box does not fit; a key that does not scroll closes it.
#[test]
fn help_lists_every_key_and_scrolls_when_it_does_not_fit() {
    let mut state = catalog_state(catalog(false));
    send(&mut state, Msg::Key(Key::Char('?')));
    let full = screen(&mut state, 120, 40);
    for row in ["backspace", "ctrl-u", "esc", "quit"] {
        assert!(full.contains(row), "{row} missing: {full}");
    }
    let top = screen(&mut state, 50, 12);
    assert!(top.contains("move up"), "{top}");
    assert!(
        !top.contains("quit"),
        "the box is too small for every row: {top}"
    );
    send(&mut state, Msg::Key(Key::End));
    assert!(matches!(state.modal, Modal::Help { scroll } if scroll > 0));
    let bottom = screen(&mut state, 50, 12);
    assert!(bottom.contains("quit"), "{bottom}");
    assert!(!bottom.contains("move up"), "{bottom}");
    assert_snapshot!("help_scrolled_50x12", bottom);
    send(&mut state, Msg::Key(Key::Up));
    assert!(
        matches!(state.modal, Modal::Help { .. }),
        "↑ scrolls, it does not close"
    );
    send(&mut state, Msg::Key(Key::Char('x')));
    assert_eq!(state.modal, Modal::None);
}

/// A warning about a session's expiry counts down with it, it does not freeze at the tick that
/// raised it.
#[test]
fn an_expiry_warning_counts_down() {
    let mut state = sessions_state();
    update(&mut state, Msg::Tick, now());
    let toast = state.toast.clone().expect("a warning");
    let at = |secs: u64| {
        let ctx = ViewCtx {
            now: now() + Duration::from_secs(secs),
            theme: Theme::default(),
        };
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        terminal.draw(|f| draw(f, &state, &ctx)).expect("draw");
        buffer_text(terminal.backend().buffer())
    };
    let first = at(0);
    assert!(first.contains("in 3m 00s"), "{:?}: {first}", toast);
    let later = at(60);
    assert!(later.contains("in 2m 00s"), "{later}");
}

/// On a tiny terminal the header's countdown shortens to what fits with its unit (`8h`), never a
/// bare number.
#[test]
fn a_tiny_header_keeps_the_countdowns_unit() {
    let mut state = catalog_state(catalog(false));
    let text = screen(&mut state, 20, 5);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("8h"), "{header:?}");
}

/// An SSO role's ARN is not `role/NAME`: Identity Center makes `AWSReservedSSO_<set>_<hash>`
/// under `aws-reserved/sso.amazonaws.com/`. Before assuming, the details say so; after, the
/// assumed-role ARN STS reported names the role exactly.
#[test]
fn the_details_show_an_sso_roles_real_arn() {
    let mut state = catalog_state(catalog(false));
    let before = screen(&mut state, 80, 24);
    assert!(
        before.contains(
            "arn:aws:iam::222233334444:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_"
        ),
        "{before}"
    );
    assert!(!before.contains("role/ReadOnly\n"), "{before}");
    let index = state.selected_row().unwrap();
    assert_eq!(
        state.role_arn_of_row(index).as_deref(),
        Some(
            "arn:aws:iam::222233334444:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_… (exact name known after assuming)"
        )
    );
}

#[test]
fn the_details_show_the_exact_sso_role_arn_once_sts_named_it() {
    let mut state = catalog_state(catalog(false));
    assume(
        &mut state,
        "audit",
        "ReadOnly",
        credentials("ASIAOKEXAMPLE0000001", 3600),
    );
    send(&mut state, Msg::Key(Key::Esc));
    let held_id = state.sessions.held[0].id;
    let arn = Some("arn:aws:sts::222233334444:assumed-role/AWSReservedSSO_ReadOnly_5d3e/me".into());
    send(&mut state, Msg::Identity { held_id, arn });
    select(&mut state, "audit", "ReadOnly");
    let index = state.selected_row().unwrap();
    assert_eq!(
        state.role_arn_of_row(index).as_deref(),
        Some(
            "arn:aws:iam::222233334444:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_5d3e"
        )
    );
    let text = screen(&mut state, 120, 40);
    assert!(!text.contains("exact name known"), "{text}");
}

// ---- environments marked in config.toml ----

fn marks() -> rolecall::core::marks::Marks {
    use rolecall::core::marks::{Mark, MarkColour, Marks};
    let mark = |name: &str, pattern: &str, colour, confirm| Mark {
        name: name.to_owned().try_into().unwrap(),
        pattern: pattern.to_owned().try_into().unwrap(),
        colour,
        confirm,
    };
    Marks(vec![
        mark("prod", "*-prod*", MarkColour::Red, true),
        mark("stage", "*-stag*", MarkColour::Yellow, false),
    ])
}

/// The four sessions, with `prod` and `stage` marked; the selection on payments-prod.
fn marked_state() -> AppState {
    let mut state = sessions_state();
    state.settings.marks = marks();
    select(&mut state, "payments-prod", "AdministratorAccess");
    state.toast = None;
    state
}

#[test]
fn marked_environments_in_the_list_the_header_and_the_sessions_panel() {
    let mut state = marked_state();
    snap_both("marked", &mut state);
    let buffer = render(&mut state, 120, 40);
    // The header carries the selection's environment as a red block.
    let x = find_in_row(&buffer, 0, " prod ").expect("the header's badge");
    assert!(
        (x..x + 6).all(|x| buffer[(x, 0)].bg == Color::Red),
        "header"
    );
    // Every badge in the list and the panel is red (yellow for stage); names outside the
    // selection are coloured too.
    let prod = find_all(&buffer, "prod ");
    assert!(prod.len() >= 3, "{prod:?}");
    for (x, y) in prod.iter().copied().filter(|&(_, y)| y > 0) {
        let cell = &buffer[(x, y)];
        assert!(cell.fg == Color::Red || cell.bg == Color::Blue, "({x},{y})");
    }
    let stage = find_all(&buffer, "stage ");
    assert!(!stage.is_empty());
    for at in stage {
        assert_eq!(
            fg_of(&buffer, at, "stage"),
            vec![Color::Yellow; 5],
            "{at:?}"
        );
    }
    // An unmarked account has no badge and no colour.
    let (x, y) = find_all(&buffer, "audit")[0];
    assert_eq!(buffer[(x, y)].fg, Color::Reset);
}

#[test]
fn marked_environments_keep_their_badge_without_colour() {
    let mut state = marked_state();
    let buffer = render_with(&mut state, 80, 24, Theme::plain());
    let colored = buffer
        .content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset);
    assert_eq!(colored.count(), 0, "NO_COLOR draws no colour");
    let text = buffer_text(&buffer);
    assert!(text.lines().next().unwrap().contains(" prod "), "{text}");
    assert!(text.contains("stage payments-staging"), "{text}");
}

#[test]
fn the_copy_box_and_the_question_before_a_confirm_environment() {
    let mut state = marked_state();
    send(&mut state, Msg::Key(Key::Ctrl('y')));
    assert_snapshot!("copy_box_80x24", screen(&mut state, 80, 24));
    send(&mut state, Msg::Key(Key::Esc));
    send(&mut state, Msg::Key(Key::Enter));
    let request = state.requests.credentials.keys().next().copied();
    if let Some(request) = request {
        send(
            &mut state,
            Msg::Credentials {
                request,
                result: Ok(credentials("ASIAOKEXAMPLE0000001", 3600)),
            },
        );
    }
    assert!(state.modal.menu().is_some());
    send(&mut state, Msg::Key(Key::Enter));
    state.toast = None;
    let text = screen(&mut state, 80, 24);
    assert!(text.contains("hand over?"), "{text}");
    assert_snapshot!("confirm_prod_80x24", text);
}
