//! Every transition of the app, without a terminal.

use std::time::{Duration, SystemTime};

use pretty_assertions::assert_eq;

use super::*;
use crate::core::app::Keymap;
use crate::core::app::effect::ExitPlan;
use crate::core::app::key::{Key, MouseInput};
use crate::core::app::state::{AppSettings, SessionInfo};
use crate::core::app::state::{CopyFrom, DefaultAction, Handover, HandoverAction};
use crate::core::catalog::{Account, AccountEntry, Roles};
use crate::core::catalog::{Catalog, CatalogDiff};
use crate::core::credentials::Credentials;
use crate::core::frecency::Frecency;
use crate::core::idc_error::IdcError;
use crate::core::signin;
use crate::core::signin::{Event as SignInEvent, Failure};
use crate::core::sso::SignedIn;
use crate::core::sso::{DeviceAuthorization, Registration, SsoToken};
use crate::secret::Secret;

pub(super) fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_457_045)
}

pub(super) fn later(secs: u64) -> SystemTime {
    now() + Duration::from_secs(secs)
}

fn entry(id: &str, name: &str, roles: &[&str]) -> AccountEntry {
    AccountEntry {
        account: Account {
            id: crate::core::catalog::AccountId::parse(id).unwrap(),
            name: name.into(),
            email: Some(format!("{name}@acme.example")),
        },
        roles: Roles::Listed(roles.iter().map(|r| r.to_string()).collect()),
    }
}

pub(super) fn catalog() -> Catalog {
    let mut broken = entry("333333333333", "search-dev", &[]);
    broken.roles = Roles::Unavailable {
        reason: "throttled".into(),
    };
    Catalog {
        session: "acme".into(),
        listed_at: 1_795_457_000,
        accounts: vec![
            entry(
                "111111111111",
                "payments-prod",
                &["AdministratorAccess", "ReadOnlyAccess"],
            ),
            entry("222222222222", "payments-staging", &["PowerUserAccess"]),
            broken,
        ],
    }
}

pub(super) fn state() -> AppState {
    let mut s = AppState::new(
        SessionInfo {
            name: "acme".into(),
            start_url: "https://acme.awsapps.com/start".into(),
            region: "us-east-1".into(),
            token_expires_at: None,
        },
        Catalog::default(),
        Frecency::default(),
        AppSettings::default(),
        Keymap::default(),
    );
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
            list_top: 3,
            list_height: 2,
        },
        now(),
    );
    s
}

pub(super) fn signed_in(expires: u64) -> SignedIn {
    SignedIn {
        registration: Registration {
            client_id: "c".into(),
            client_secret: Secret::new("s".into()),
            expires_at: later(90 * 86_400),
            grant_types: vec![],
        },
        token: SsoToken {
            access_token: Secret::new("a".into()),
            expires_at: later(expires),
            refresh_token: None,
        },
    }
}

pub(super) fn creds(expires: u64) -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: Secret::new("secret".into()),
        session_token: Some(Secret::new("token".into())),
        expires_at: Some(later(expires)),
    }
}

/// A signed-in state with the catalog listed.
pub(super) fn ready() -> AppState {
    let mut s = state();
    let fx = update(
        &mut s,
        Msg::Start {
            stored: Some(signed_in(28_800)),
        },
        now(),
    );
    assert_eq!(fx, vec![Effect::ListCatalog]);
    update(&mut s, Msg::Listed(Ok((catalog(), None))), now());
    s
}

/// Presses `key` and returns the GetRoleCredentials request it made.
pub(super) fn ask(s: &mut AppState, key: Key) -> u64 {
    let fx = update(s, Msg::Key(key), now());
    match fx.first() {
        Some(Effect::GetCredentials { request, .. }) => *request,
        other => panic!("no GetCredentials: {other:?}"),
    }
}

/// Answers credentials request `request`.
pub(super) fn answer(
    s: &mut AppState,
    request: u64,
    result: Result<Credentials, Failed>,
) -> Vec<Effect> {
    update(s, Msg::Credentials { request, result }, now())
}

/// Assumes the selected role: Enter, and credentials for an hour.
fn assume_selected(s: &mut AppState) -> Vec<Effect> {
    let request = ask(s, Key::Enter);
    answer(s, request, Ok(creds(3600)))
}

pub(super) fn typed(s: &mut AppState, text: &str) {
    for c in text.chars() {
        update(s, Msg::Key(Key::Char(c)), now());
    }
}

fn names(s: &AppState) -> Vec<String> {
    s.hits()
        .iter()
        .filter_map(|h| s.row(h.row))
        .map(|r| format!("{}/{}", r.account_name, r.role_name))
        .collect()
}

#[test]
fn a_valid_token_opens_the_catalog_and_lists_it() {
    let s = ready();
    assert_eq!(s.screen, Screen::Catalog);
    assert_eq!(s.sign_in.session.token_expires_at, Some(later(28_800)));
    assert_eq!(s.hits().len(), 4, "three roles and one unavailable account");
    assert!(s.list.refresh.is_none());
}

#[test]
fn a_fresh_cached_catalog_is_not_listed_again() {
    let mut s = state();
    s.list.stale = false;
    let fx = update(
        &mut s,
        Msg::Start {
            stored: Some(signed_in(28_800)),
        },
        now(),
    );
    assert!(fx.is_empty());
}

#[test]
fn no_token_shows_the_sign_in_screen_and_registers() {
    let mut s = state();
    let fx = update(&mut s, Msg::Start { stored: None }, now());
    assert_eq!(s.screen, Screen::SignIn);
    assert!(matches!(
        fx.as_slice(),
        [Effect::SignIn(signin::Effect::Register { .. })]
    ));
}

fn waiting() -> AppState {
    let mut s = state();
    update(&mut s, Msg::Start { stored: None }, now());
    update(
        &mut s,
        Msg::SignIn(SignInEvent::Registered(Ok(signed_in(0).registration))),
        now(),
    );
    let fx = update(
        &mut s,
        Msg::SignIn(SignInEvent::DeviceStarted(Ok(DeviceAuthorization {
            device_code: Secret::new("d".into()),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "http://127.0.0.1:1/device".into(),
            verification_uri_complete: "http://127.0.0.1:1/device?user_code=ABCD-EFGH".into(),
            expires_in: 600,
            interval: 1,
        }))),
        now(),
    );
    assert!(matches!(
        fx.as_slice(),
        [Effect::SignIn(signin::Effect::WakeAt { .. })]
    ));
    s
}

#[test]
fn sign_in_keys_open_the_browser_and_copy_the_code() {
    let mut s = waiting();
    assert_eq!(s.screen, Screen::SignIn);
    assert_eq!(
        update(&mut s, Msg::Key(Key::Char('o')), now()),
        vec![Effect::OpenUrl(
            "http://127.0.0.1:1/device?user_code=ABCD-EFGH".into()
        )]
    );
    assert_eq!(
        update(&mut s, Msg::Key(Key::Char('c')), now()),
        vec![Effect::Copy(Secret::new(
            "\x1b]52;c;QUJDRC1FRkdI\x07".into()
        ))]
    );
    // Nobody can know whether the terminal took it: say what was done.
    let said = s.toast.clone().unwrap().text;
    assert!(!said.contains("copied"), "{said}");
    assert!(
        said.contains("OSC 52") && said.contains("may ignore"),
        "{said}"
    );
}

#[test]
fn copying_where_osc_52_cannot_work_says_so() {
    use crate::core::app::state::{Clipboard, TmuxOptions};
    let mut s = waiting();
    s.settings.clipboard = Clipboard::from_terminal(Some("linux"), None, false);
    assert_eq!(update(&mut s, Msg::Key(Key::Char('c')), now()), vec![]);
    let toast = s.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Warn);
    assert!(toast.text.contains("TERM=linux"), "{}", toast.text);
    assert!(toast.text.contains("ABCD-EFGH"), "type it: {}", toast.text);
    // tmux drops OSC 52 unless set-clipboard is on.
    let tmux = |set, pass| {
        Some(TmuxOptions {
            set_clipboard: set,
            allow_passthrough: pass,
        })
    };
    let off = Clipboard::from_terminal(Some("screen"), tmux(Some("external"), Some("off")), false);
    assert!(matches!(&off, Clipboard::Unavailable(why) if why.contains("set-clipboard on")));
    let on = Clipboard::from_terminal(Some("tmux-256color"), tmux(Some("on"), None), false);
    assert_eq!(on, Clipboard::Unknown);
    // tmux ignoring programs' OSC 52 but passing sequences through: wrapped for it.
    let pass = Clipboard::from_terminal(
        Some("tmux-256color"),
        tmux(Some("external"), Some("on")),
        false,
    );
    assert_eq!(pass, Clipboard::TmuxPassthrough);
    assert_eq!(
        Clipboard::from_terminal(Some("xterm"), None, false),
        Clipboard::Unknown
    );
    // GNU screen (STY set, or its TERM outside tmux) does not pass OSC 52 on.
    for (term, sty) in [("screen.xterm-256color", false), ("xterm-256color", true)] {
        let screen = Clipboard::from_terminal(Some(term), None, sty);
        assert!(
            matches!(&screen, Clipboard::Unavailable(why) if why.contains("screen")),
            "{screen:?}"
        );
    }
}

#[test]
fn approval_saves_switches_to_the_catalog_and_lists() {
    let mut s = waiting();
    update(&mut s, Msg::SignIn(SignInEvent::Wake { id: 1 }), later(1));
    let mut token = signed_in(28_800).token;
    token.expires_at = later(28_801);
    let fx = update(
        &mut s,
        Msg::SignIn(SignInEvent::Polled {
            id: 1,
            result: Ok(token),
        }),
        later(1),
    );
    assert!(matches!(fx[0], Effect::SignIn(signin::Effect::Save(_))));
    assert_eq!(fx[1], Effect::ListCatalog);
    assert_eq!(s.screen, Screen::Catalog);
    assert_eq!(s.sign_in.session.token_expires_at, Some(later(28_801)));
    assert!(s.sign_in.machine.is_none());
}

#[test]
fn a_denied_sign_in_can_be_retried() {
    let mut s = waiting();
    update(&mut s, Msg::SignIn(SignInEvent::Wake { id: 1 }), later(1));
    update(
        &mut s,
        Msg::SignIn(SignInEvent::Polled {
            id: 1,
            result: Err(IdcError::AccessDenied),
        }),
        later(1),
    );
    let phase = &s.sign_in.machine.as_ref().unwrap().phase;
    assert_eq!(*phase, signin::Phase::Failed(Failure::Denied));
    let fx = update(&mut s, Msg::Key(Key::Char('r')), later(2));
    assert!(matches!(
        fx.as_slice(),
        [Effect::SignIn(signin::Effect::Register { .. })]
    ));
}

#[test]
fn typing_filters_backspace_widens_esc_clears_then_quits() {
    let mut s = ready();
    typed(&mut s, "prod read");
    assert_eq!(names(&s), ["payments-prod/ReadOnlyAccess"]);
    for _ in 0..5 {
        update(&mut s, Msg::Key(Key::Backspace), now());
    }
    assert_eq!(s.list.query, "prod");
    assert_eq!(names(&s).len(), 2);
    assert!(update(&mut s, Msg::Key(Key::Esc), now()).is_empty());
    assert_eq!(s.list.query, "");
    // Esc never quits: not on an empty search, not pressed again and again.
    for _ in 0..3 {
        assert_eq!(update(&mut s, Msg::Key(Key::Esc), now()), vec![]);
    }
    assert_eq!(s.exit, None);
}

#[test]
fn q_quits_on_an_empty_search_and_types_otherwise() {
    let mut s = ready();
    typed(&mut s, "aq");
    assert_eq!(
        s.list.query, "aq",
        "q types into a search that is not empty"
    );
    update(&mut s, Msg::Key(Key::Ctrl('u')), now());
    assert_eq!(
        update(&mut s, Msg::Key(Key::Char('q')), now()),
        vec![Effect::Exit]
    );
    assert_eq!(s.exit, Some(ExitPlan::Nothing));
}

#[test]
fn esc_then_a_letter_read_as_alt_loses_no_key() {
    // A terminal sends Esc then `d` as ESC `d`, which reads as alt-d when both arrive at once.
    let mut s = ready();
    typed(&mut s, "pay");
    update(&mut s, Msg::Key(Key::Alt('d')), now());
    typed(&mut s, "ata");
    assert_eq!(s.list.query, "data");
    // In the menu, Esc closes it and the letter is not lost either.
    let mut s = holding();
    s.modal = Modal::Menu(Handover {
        held_id: s.sessions.held[0].id,
        selected: 0,
    });
    update(&mut s, Msg::Key(Key::Alt('x')), now());
    assert!(s.modal.menu().is_none());
    assert_eq!(s.list.query, "x");
}

/// The first-run form: Esc never quits (it clears the field, then says which key quits);
/// ctrl-c does, and `q` types.
#[test]
fn esc_in_the_first_run_form_never_quits() {
    use crate::core::app::prompt::{Prompt, SetupForm};
    let mut s = state();
    s.modal = Modal::prompt_of(Prompt::Setup(SetupForm::default()));
    let setup = |s: &AppState| match &s.modal {
        Modal::Prompt(p) => match p.as_ref() {
            Prompt::Setup(form) => form.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("the form closed: {other:?}"),
    };
    typed(&mut s, "https://q");
    assert_eq!(setup(&s).values[0], "https://q");
    assert_eq!(update(&mut s, Msg::Key(Key::Esc), now()), vec![]);
    assert_eq!(setup(&s).values[0], "", "Esc clears the field");
    assert_eq!(update(&mut s, Msg::Key(Key::Esc), now()), vec![]);
    assert_eq!(
        setup(&s).error.as_deref(),
        Some("nothing is configured yet: ctrl-c quits")
    );
    assert_eq!(s.exit, None);
    assert_eq!(
        update(&mut s, Msg::Key(Key::Ctrl('c')), now()),
        vec![Effect::Exit]
    );
    assert_eq!(s.exit, Some(ExitPlan::Nothing));
}

/// A ready state holding one session.
pub(super) fn holding() -> AppState {
    let mut s = ready();
    assume_selected(&mut s);
    update(&mut s, Msg::Key(Key::Esc), now());
    assert!(s.modal.menu().is_none() && s.sessions.held.len() == 1);
    s
}

#[test]
fn quitting_while_sessions_are_held_asks_once() {
    let mut s = holding();
    // The first ctrl-c asks; another key keeps the app.
    assert_eq!(update(&mut s, Msg::Key(Key::Ctrl('c')), now()), vec![]);
    let toast = s.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Warn);
    assert!(toast.text.contains("1 session"), "{}", toast.text);
    assert!(toast.text.contains("again to quit"), "{}", toast.text);
    update(&mut s, Msg::Key(Key::Down), now());
    assert_eq!(s.exit, None);
    assert!(s.toast.is_none(), "the question is withdrawn");
    // Asked again, q confirms.
    assert_eq!(update(&mut s, Msg::Key(Key::Char('q')), now()), vec![]);
    assert_eq!(
        update(&mut s, Msg::Key(Key::Char('q')), now()),
        vec![Effect::Exit]
    );
    // Configured off: quits at once.
    let mut s = holding();
    s.settings.confirm_quit = false;
    assert_eq!(
        update(&mut s, Msg::Key(Key::Ctrl('c')), now()),
        vec![Effect::Exit]
    );
}

#[test]
fn letters_bound_on_the_sign_in_screen_type_into_the_search() {
    let mut s = ready();
    typed(&mut s, "cor");
    assert_eq!(s.list.query, "cor");
}

#[test]
fn selection_moves_clamps_and_scrolls() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Down), now());
    update(&mut s, Msg::Key(Key::Down), now());
    assert_eq!(
        (s.list.selected, s.list.offset),
        (2, 1),
        "list_height 2 scrolls"
    );
    update(&mut s, Msg::Key(Key::End), now());
    assert_eq!(s.list.selected, 3);
    update(&mut s, Msg::Key(Key::Down), now());
    assert_eq!(s.list.selected, 3, "clamped");
    update(&mut s, Msg::Key(Key::Home), now());
    assert_eq!((s.list.selected, s.list.offset), (0, 0));
    update(&mut s, Msg::Key(Key::PageDown), now());
    assert_eq!(s.list.selected, 2);
}

#[test]
fn mouse_scroll_and_click() {
    let mut s = ready();
    update(&mut s, Msg::Mouse(MouseInput::ScrollDown), now());
    assert_eq!(s.list.selected, 3);
    update(&mut s, Msg::Mouse(MouseInput::ScrollUp), now());
    assert_eq!(s.list.selected, 0);
    update(&mut s, Msg::Mouse(MouseInput::Click { row: 4 }), now());
    assert_eq!(s.list.selected, 1);
    update(&mut s, Msg::Mouse(MouseInput::Click { row: 1 }), now());
    assert_eq!(s.list.selected, 1, "clicks outside the list do nothing");
}

#[test]
fn assume_gets_credentials_then_the_menu_prints_exports() {
    let mut s = ready();
    let fx = update(&mut s, Msg::Key(Key::Enter), now());
    let Effect::GetCredentials {
        request,
        account_id,
        role,
        fresh,
    } = fx[0].clone()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (account_id.as_str(), role.as_str(), fresh),
        ("111111111111", "AdministratorAccess", false)
    );
    assert_eq!(fx[1], Effect::SaveFrecency(s.frecency.clone()));
    // A second Enter while it is in flight does not ask again.
    assert!(update(&mut s, Msg::Key(Key::Enter), now()).is_empty());
    answer(&mut s, request, Ok(creds(3600)));
    assert_eq!(s.sessions.held.len(), 1);
    assert_eq!(
        s.sessions.held[0].label(),
        "payments-prod/AdministratorAccess"
    );
    assert!(s.modal.menu().is_some());
    // The first entry quits printing the exports.
    let fx = update(&mut s, Msg::Key(Key::Enter), now());
    assert_eq!(fx, vec![Effect::Exit]);
    let Some(ExitPlan::PrintExports { label, region, .. }) = &s.exit else {
        panic!()
    };
    assert_eq!(
        (label.as_str(), region.as_str()),
        ("payments-prod/AdministratorAccess", "us-east-1")
    );
}

/// Assumes the first row and returns the state with the hand-over menu open.
fn with_menu(actions: Vec<crate::core::app::state::CustomAction>) -> AppState {
    let mut s = ready();
    s.settings.actions = actions;
    assume_selected(&mut s);
    s
}

fn pick(s: &mut AppState, action: HandoverAction) -> Vec<Effect> {
    let index = s
        .handover_actions()
        .iter()
        .position(|a| *a == action)
        .unwrap();
    for _ in 0..index {
        update(s, Msg::Key(Key::Down), now());
    }
    update(s, Msg::Key(Key::Enter), now())
}

#[test]
fn the_menu_shows_exports_and_closes() {
    let mut s = with_menu(Vec::new());
    pick(&mut s, HandoverAction::ShowExports);
    assert!(matches!(s.modal, Modal::Exports { .. }));
    update(&mut s, Msg::Key(Key::Esc), now());
    assert_eq!(s.modal, Modal::None);
    assert!(s.modal.menu().is_none());
}

#[test]
fn the_menu_opens_a_subshell_writes_a_profile_and_opens_the_console() {
    let mut s = with_menu(Vec::new());
    assert_eq!(pick(&mut s, HandoverAction::Subshell), vec![Effect::Exit]);
    let Some(ExitPlan::Run {
        command: None,
        label,
        served_from,
        ..
    }) = &s.exit
    else {
        panic!("{:?}", s.exit)
    };
    assert_eq!(label, "payments-prod/AdministratorAccess");
    // The subshell is served, renewed from exactly this role: by account id, never by a name.
    let account_id = s.sessions.held[0].account_id.clone();
    assert_eq!(
        served_from.as_deref(),
        Some(format!("{account_id}/AdministratorAccess").as_str())
    );

    let mut s = with_menu(Vec::new());
    let fx = pick(&mut s, HandoverAction::WriteProfile);
    let [
        Effect::WriteProfile {
            profile, region, ..
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (profile.as_str(), region.as_str()),
        ("payments-prod-AdministratorAccess", "us-east-1")
    );
    update(&mut s, Msg::HandedOver(Ok("wrote profile".into())), now());
    assert_eq!(s.toast.as_ref().unwrap().text, "wrote profile");

    let mut s = with_menu(Vec::new());
    let fx = pick(&mut s, HandoverAction::Console);
    assert!(matches!(fx.as_slice(), [Effect::OpenConsole { .. }]));
    update(
        &mut s,
        Msg::HandedOver(Err("no browser".to_owned().into())),
        now(),
    );
    assert_eq!(s.toast.as_ref().unwrap().level, Level::Error);
}

#[test]
fn custom_actions_fill_placeholders_and_run_by_key() {
    let ecr = crate::core::app::state::CustomAction {
        name: "ECR login".into(),
        key: Some(Key::Char('e')),
        pause: true,
        command: "login {account_id}.dkr.ecr.{region}.amazonaws.com as {profile} in {account_name}"
            .into(),
    };
    let mut s = with_menu(vec![ecr]);
    // A hostile name from the portal: it reaches the command as one quoted word, and as data.
    s.sessions.held[0].account_name = "sandbox$(touch x)'`id`".into();
    assert_eq!(s.action_label(HandoverAction::Custom(0)), "ECR login");
    assert_eq!(
        update(&mut s, Msg::Key(Key::Char('e')), now()),
        vec![Effect::Exit]
    );
    let Some(ExitPlan::Run {
        command: Some(command),
        served_from: None,
        ..
    }) = &s.exit
    else {
        panic!("{:?}", s.exit)
    };
    assert_eq!(
        command.shown,
        "login '111111111111'.dkr.ecr.'us-east-1'.amazonaws.com as 'sandbox--touch-x---id--AdministratorAccess' in 'sandbox$(touch x)'\\''`id`'"
    );
    assert_eq!(
        command.script,
        "login \"${ROLECALL_ACCOUNT_ID}\".dkr.ecr.\"${ROLECALL_REGION}\".amazonaws.com as \"${ROLECALL_PROFILE}\" in \"${ROLECALL_ACCOUNT_NAME}\""
    );
    assert!(
        command
            .env
            .contains(&("ROLECALL_ACCOUNT_NAME", "sandbox$(touch x)'`id`".to_owned())),
        "{:?}",
        command.env
    );
}

#[test]
fn print_exports_as_the_default_action_skips_the_menu() {
    let mut s = ready();
    s.settings.default_action = DefaultAction::PrintExports;
    let fx = assume_selected(&mut s);
    assert_eq!(fx, vec![Effect::Exit]);
}

#[test]
fn unknown_answers_are_ignored() {
    let mut s = ready();
    assert!(answer(&mut s, 999, Ok(creds(1))).is_empty());
    assert!(s.sessions.held.is_empty());
}

#[test]
fn an_unavailable_account_is_retried_and_its_roles_arrive() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::End), now());
    assert!(s.list.is_unavailable(s.list.selected));
    let fx = update(&mut s, Msg::Key(Key::Enter), now());
    assert_eq!(
        fx,
        vec![Effect::RetryRoles {
            account_id: "333333333333".into()
        }]
    );
    update(
        &mut s,
        Msg::RolesRetried {
            account_id: "333333333333".into(),
            result: Ok(Roles::Listed(vec!["ReadOnlyAccess".into()])),
        },
        now(),
    );
    assert!(names(&s).contains(&"search-dev/ReadOnlyAccess".to_owned()));
}

#[test]
fn expiring_sessions_warn_once_and_toasts_expire() {
    let mut s = holding();
    s.toast = None;
    update(&mut s, Msg::Tick, later(60));
    assert!(s.toast.is_none(), "an hour left is fine");
    update(&mut s, Msg::Tick, later(3600 - 14 * 60));
    let toast = s.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Warn);
    let text = toast.text_at(later(3600 - 14 * 60));
    assert!(
        text.contains("payments-prod/AdministratorAccess expires in 14m 00s"),
        "{text}"
    );
    assert!(text.contains("ctrl-e"));
    let text = toast.text_at(later(3600 - 13 * 60));
    assert!(
        text.contains("expires in 13m 00s"),
        "it counts down: {text}"
    );
    s.toast = None;
    update(&mut s, Msg::Tick, later(3600 - 13 * 60));
    assert!(s.toast.is_none(), "warned once");
    s.toast = Some(Toast {
        text: "x".into(),
        level: Level::Info,
        until: later(1),
        countdown: None,
    });
    update(&mut s, Msg::Tick, later(2));
    assert!(s.toast.is_none());
}

#[test]
fn refreshing_a_held_session_replaces_its_credentials() {
    let mut s = ready();
    let request = ask(&mut s, Key::Enter);
    answer(&mut s, request, Ok(creds(600)));
    update(&mut s, Msg::Key(Key::Esc), now());
    update(&mut s, Msg::Key(Key::Tab), now());
    assert_eq!(s.focus, Focus::Sessions);
    let fx = update(&mut s, Msg::Key(Key::Ctrl('e')), now());
    let Effect::GetCredentials { request, fresh, .. } = fx[0] else {
        panic!()
    };
    assert!(fresh && s.sessions.held[0].refreshing);
    answer(&mut s, request, Ok(creds(3600)));
    assert_eq!(s.sessions.held.len(), 1);
    assert!(!s.sessions.held[0].refreshing);
    assert_eq!(s.sessions.held[0].credentials.expires_at, Some(later(3600)));
}

#[test]
fn an_expired_sign_in_during_work_asks_to_sign_in_again() {
    let mut s = ready();
    let request = ask(&mut s, Key::Enter);
    let fx = answer(
        &mut s,
        request,
        Err(Failed {
            message: "expired".into(),
            needs_sign_in: true,
        }),
    );
    // The refresh token comes first (renewal_tests); with nothing kept, the user is asked.
    assert_eq!(fx, vec![Effect::RenewSignIn]);
    let fx = update(
        &mut s,
        Msg::SignIn(SignInEvent::Refused { stored: None }),
        now(),
    );
    assert_eq!(s.screen, Screen::SignIn);
    assert!(matches!(
        fx.as_slice(),
        [Effect::SignIn(signin::Effect::Register { .. })]
    ));
}

#[test]
fn a_failed_listing_keeps_the_catalog_and_says_why() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Ctrl('r')), now());
    assert!(s.list.refresh.is_some());
    assert!(
        update(&mut s, Msg::Key(Key::Ctrl('r')), now()).is_empty(),
        "one at a time"
    );
    update(
        &mut s,
        Msg::Listed(Err(Failed {
            message: "network down".into(),
            needs_sign_in: false,
        })),
        now(),
    );
    assert_eq!(s.hits().len(), 4);
    assert_eq!(s.toast.as_ref().unwrap().level, Level::Error);
    assert!(s.list.refresh.is_none());
}

#[test]
fn a_refresh_marks_new_roles_and_keeps_the_selection() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Down), now());
    let selected = s.list.role_at(s.list.selected).unwrap();
    let mut newer = catalog();
    newer.accounts.insert(
        0,
        entry("444444444444", "analytics-prod", &["DataScientist"]),
    );
    let diff = CatalogDiff::between(&catalog(), &newer);
    update(&mut s, Msg::Listed(Ok((newer, Some(diff)))), now());
    assert_eq!(s.list.role_at(s.list.selected).unwrap(), selected);
    assert_eq!(s.list.new_roles.len(), 1);
    assert!(s.toast.as_ref().unwrap().text.contains("1 new"));
}

#[test]
fn progress_events_fill_the_refresh_line_and_selection_prioritizes() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Ctrl('r')), now());
    update(
        &mut s,
        Msg::Catalog(CatalogEvent::RolesFetched {
            account_id: "1".into(),
            roles: Roles::Listed(Vec::new()),
            done: 3,
            total: 9,
        }),
        now(),
    );
    update(
        &mut s,
        Msg::Catalog(CatalogEvent::Rate { per_sec: 18.0 }),
        now(),
    );
    assert_eq!(
        s.list.refresh.map(|r| (r.done, r.total, r.rate)),
        Some((3, 9, 18.0))
    );
    // An account the listing left out (its id is not 12 digits) is said, not hidden.
    update(
        &mut s,
        Msg::Catalog(CatalogEvent::AccountRejected {
            name: "odd".into(),
            id: "12345".into(),
        }),
        now(),
    );
    let toast = s.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Warn);
    assert_eq!(
        toast.text,
        "account odd dropped: its id 12345 is not an AWS account id (12 digits)"
    );
    let fx = update(&mut s, Msg::Key(Key::Down), now());
    assert_eq!(
        fx,
        vec![Effect::Prioritize {
            account_ids: vec!["111111111111".into()]
        }]
    );
}

#[test]
fn favorites_are_pinned_first() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::End), now());
    update(&mut s, Msg::Key(Key::Up), now());
    let fx = update(&mut s, Msg::Key(Key::Ctrl('f')), now());
    assert_eq!(fx, vec![Effect::SaveFrecency(s.frecency.clone())]);
    assert_eq!(names(&s)[0], "payments-staging/PowerUserAccess");
    assert_eq!(s.list.selected, 0, "the pinned role stays selected");
}

#[test]
fn assuming_keeps_the_list_and_the_selection() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Down), now());
    let before = s.list.role_at(s.list.selected).unwrap();
    update(&mut s, Msg::Key(Key::Enter), now());
    assert_eq!(s.hits().len(), 4, "the list is still there");
    assert_eq!(s.list.role_at(s.list.selected).unwrap(), before);
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Char('?')), now());
    assert_eq!(s.modal, Modal::Help { scroll: 0 });
    assert_eq!(s.list.query, "", "? is not typed");
    update(&mut s, Msg::Key(Key::Char('x')), now());
    assert_eq!(s.modal, Modal::None);
    assert_eq!(s.list.query, "");
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut s = waiting();
    assert_eq!(
        update(&mut s, Msg::Key(Key::Ctrl('c')), now()),
        vec![Effect::Exit]
    );
}

// ---------------------------------------------------------------------------------------------
// Chains

pub(super) fn with_chain() -> AppState {
    use crate::core::chain::{ChainSource, ChainSpec};
    let mut s = state();
    let mut spec = ChainSpec::new(
        "deploy",
        ChainSource::Sso {
            session: None,
            account: "payments-prod".into(),
            role: "AdministratorAccess".into(),
        },
        "arn:aws:iam::999999999999:role/deployer",
    );
    spec.mfa_serial = Some("arn:aws:iam::999999999999:mfa/me".into());
    s.settings.chains = vec![spec];
    update(
        &mut s,
        Msg::Start {
            stored: Some(signed_in(28_800)),
        },
        now(),
    );
    update(&mut s, Msg::Listed(Ok((catalog(), None))), now());
    s
}

/// Answers chain request `request`.
pub(super) fn answer_chain(
    s: &mut AppState,
    request: u64,
    result: Result<crate::core::app::msg::ChainDone, crate::core::app::msg::ChainFailed>,
) -> Vec<Effect> {
    update(s, Msg::ChainAssumed { request, result }, now())
}

pub(super) fn chain_request(fx: &[Effect]) -> (u64, bool, usize) {
    match fx.first() {
        Some(Effect::AssumeChain {
            request,
            fresh,
            codes,
            ..
        }) => (*request, *fresh, codes.len()),
        other => panic!("no AssumeChain: {other:?}"),
    }
}

#[test]
fn a_chain_asks_for_mfa_then_holds_its_credentials_and_refreshes_fresh() {
    use crate::core::app::msg::{ChainDone, ChainFailed};
    let mut s = with_chain();
    typed(&mut s, "deploy");
    let (request, fresh, codes) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    assert_eq!((fresh, codes), (false, 0));
    // Asked twice at once: one request.
    assert!(
        !update(&mut s, Msg::Key(Key::Enter), now())
            .iter()
            .any(|e| matches!(e, Effect::AssumeChain { .. }))
    );
    let serial = "arn:aws:iam::999999999999:mfa/me".to_owned();
    answer_chain(&mut s, request, Err(ChainFailed::NeedsMfa { serial }));
    assert!(s.modal.prompt().is_some(), "the MFA question is open");
    typed(&mut s, "123456");
    let (request, _, codes) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    assert_eq!(codes, 1, "the code goes with the request");
    assert!(s.modal.prompt().is_none());
    answer_chain(
        &mut s,
        request,
        Ok(ChainDone {
            credentials: creds(3600),
            caller_arn: Some("arn:aws:sts::999999999999:assumed-role/deployer/me".into()),
            note: None,
            region: "eu-west-1".into(),
        }),
    );
    assert_eq!(s.sessions.held.len(), 1);
    let held = s.sessions.held[0].clone();
    assert_eq!(held.label(), "↪ deploy");
    assert_eq!(held.account_name, "999999999999");
    assert_eq!(held.region.as_deref(), Some("eu-west-1"));
    assert!(s.modal.menu().is_some(), "the menu opens");
    // Exports carry the chain's region; refreshing re-assumes from the source.
    update(&mut s, Msg::Key(Key::Esc), now());
    update(&mut s, Msg::Key(Key::Tab), now());
    let (_, fresh, _) = chain_request(&update(&mut s, Msg::Key(Key::Ctrl('e')), now()));
    assert!(fresh && s.sessions.held[0].refreshing);
}

/// Every hand-over of the app takes its region from the one rule (a `[[regions]]` rule here),
/// the console included (it used the identity center's region whatever the rule said).
#[test]
fn every_hand_over_uses_the_region_rule_the_console_too() {
    use crate::core::region::{RegionContext, RegionRule};
    let rule = RegionContext {
        rules: vec![RegionRule {
            account: "payments-*".into(),
            role: None,
            region: crate::core::ids::Region::parse("eu-central-1").unwrap(),
        }],
        ..RegionContext::default()
    };
    let regions = |action| {
        let mut s = with_menu(Vec::new());
        s.settings.regions = rule.clone();
        let fx = pick(&mut s, action);
        if let Some(ExitPlan::PrintExports { region, .. } | ExitPlan::Run { region, .. }) = s.exit {
            return region;
        }
        match fx.as_slice() {
            [Effect::OpenConsole { region, .. } | Effect::WriteProfile { region, .. }] => {
                region.clone()
            }
            fx => panic!("{fx:?}"),
        }
    };
    for action in [
        HandoverAction::Console,
        HandoverAction::WriteProfile,
        HandoverAction::PrintExports,
        HandoverAction::Subshell,
    ] {
        assert_eq!(regions(action), "eu-central-1", "{action:?}");
    }
}

/// `r` asks the region of the selected session (or row) with the one it has now prefilled;
/// the answer is checked, kept (saved between runs) and every hand-over, the console included,
/// uses it; an empty answer gives the choice back to the rule.
#[test]
fn r_picks_the_region_of_a_session_or_row_and_the_hand_overs_use_it() {
    use crate::core::app::prompt::Prompt;
    let region_asked = |s: &AppState| match s.modal.prompt() {
        Some(Prompt::Region(q)) => Some((q.input.clone(), q.error.is_some())),
        _ => None,
    };
    let mut s = with_menu(Vec::new());
    update(&mut s, Msg::Key(Key::Esc), now());
    update(&mut s, Msg::Key(Key::Tab), now());
    update(&mut s, Msg::Key(Key::Char('r')), now());
    assert_eq!(region_asked(&s), Some(("us-east-1".into(), false)));
    update(&mut s, Msg::Key(Key::Ctrl('u')), now());
    typed(&mut s, "-x Y");
    assert!(update(&mut s, Msg::Key(Key::Enter), now()).is_empty());
    assert_eq!(
        region_asked(&s),
        Some(("-x".into(), true)),
        "refused, still asked"
    );
    update(&mut s, Msg::Key(Key::Ctrl('u')), now());
    typed(&mut s, "eu-west-2");
    let fx = update(&mut s, Msg::Key(Key::Enter), now());
    let saved = std::collections::BTreeMap::from([(
        "111111111111/AdministratorAccess".to_owned(),
        "eu-west-2".to_owned(),
    )]);
    assert_eq!(fx, vec![Effect::SaveRegions(saved.clone())]);
    assert_eq!(s.chosen_regions, saved);
    assert!(s.modal.prompt().is_none());
    update(&mut s, Msg::Key(Key::Enter), now());
    let fx = pick(&mut s, HandoverAction::Console);
    let [Effect::OpenConsole { region, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(region, "eu-west-2");
    // The same role's row has it too; an empty answer forgets it.
    update(&mut s, Msg::Key(Key::Tab), now());
    update(&mut s, Msg::Key(Key::Char('r')), now());
    assert_eq!(region_asked(&s), Some(("eu-west-2".into(), false)));
    update(&mut s, Msg::Key(Key::Ctrl('u')), now());
    let fx = update(&mut s, Msg::Key(Key::Enter), now());
    assert_eq!(fx, vec![Effect::SaveRegions(Default::default())]);
    // A letter types into a search that is not empty.
    typed(&mut s, "pay");
    update(&mut s, Msg::Key(Key::Char('r')), now());
    assert!(s.modal.prompt().is_none());
    assert_eq!(s.list.query, "payr");
}

#[test]
fn cancelling_the_mfa_question_stops_the_refresh_and_a_denial_is_a_toast() {
    use crate::core::app::msg::ChainFailed;
    let mut s = with_chain();
    typed(&mut s, "deploy");
    let (request, ..) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    answer_chain(
        &mut s,
        request,
        Err(ChainFailed::NeedsMfa { serial: "s".into() }),
    );
    update(&mut s, Msg::Key(Key::Esc), now());
    assert!(s.modal.prompt().is_none() && s.requests.chains.is_empty());
    let (request, ..) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    answer_chain(
        &mut s,
        request,
        Err(ChainFailed::Failed(Failed {
            message: "deploy: the role's trust policy does not allow x".into(),
            needs_sign_in: false,
        })),
    );
    let toast = s.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Error);
    assert!(toast.text.contains("trust policy"));
    assert!(s.sessions.held.is_empty());
}

#[test]
fn a_paste_is_one_edit_of_the_query_without_control_characters_or_commands() {
    let mut s = ready();
    // `q` would quit if typed as a key; line breaks and escapes are dropped.
    let fx = update(&mut s, Msg::Paste("q\u{1b}\r\n".into()), now());
    assert_eq!(fx, vec![]);
    assert_eq!(s.list.query, "q");
    update(&mut s, Msg::Key(Key::Ctrl('u')), now());
    update(&mut s, Msg::Paste("payments-staging\n".into()), now());
    assert_eq!(s.list.query, "payments-staging");
    assert_eq!(names(&s), ["payments-staging/PowerUserAccess"]);
    // A huge paste is cut to a length a query can use.
    update(&mut s, Msg::Key(Key::Ctrl('u')), now());
    update(&mut s, Msg::Paste("x".repeat(100_000)), now());
    assert_eq!(s.list.query.chars().count(), paste::PASTE_LIMIT);
    assert!(names(&s).is_empty());
}

#[test]
fn a_wrong_mfa_code_keeps_the_question_open_for_the_next_code() {
    use crate::core::app::msg::ChainFailed;
    use crate::core::app::prompt::Prompt;
    let mut s = with_chain();
    typed(&mut s, "deploy");
    let (request, ..) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    let serial = "arn:aws:iam::999999999999:mfa/me".to_owned();
    answer_chain(
        &mut s,
        request,
        Err(ChainFailed::NeedsMfa {
            serial: serial.clone(),
        }),
    );
    typed(&mut s, "111111");
    let (request, ..) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    answer_chain(
        &mut s,
        request,
        Err(ChainFailed::WrongMfa {
            serial: serial.clone(),
        }),
    );
    let Some(Prompt::Mfa(question)) = s.modal.prompt() else {
        panic!("the question is closed: {:?}", s.modal)
    };
    assert_eq!(question.input, "", "ready for the next code");
    assert_eq!(question.serial, serial);
    assert!(question.error.unwrap().to_string().contains("not accepted"));
    typed(&mut s, "222222");
    let (_, _, codes) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    assert_eq!(codes, 1);
}

#[test]
fn a_custom_action_pauses_after_it_ran_unless_configured_not_to() {
    let parse = |extra: &str| -> crate::core::app::state::CustomAction {
        toml::from_str(&format!("name = \"n\"\ncommand = \"true\"\n{extra}")).unwrap()
    };
    assert!(parse("").pause, "pauses by default");
    assert!(!parse("pause = false").pause);
    for (action, pause) in [(parse(""), true), (parse("pause = false"), false)] {
        let mut s = with_menu(vec![action]);
        pick(&mut s, HandoverAction::Custom(0));
        let Some(ExitPlan::Run { pause: planned, .. }) = &s.exit else {
            panic!("{:?}", s.exit)
        };
        assert_eq!(*planned, pause);
    }
    // The subshell is interactive: nothing to pause for.
    let mut s = with_menu(Vec::new());
    pick(&mut s, HandoverAction::Subshell);
    assert!(matches!(s.exit, Some(ExitPlan::Run { pause: false, .. })));
}

#[test]
fn one_modal_at_a_time_and_a_question_is_never_hidden() {
    use crate::core::app::msg::ChainFailed;
    let start = |s: &mut AppState| {
        typed(s, "deploy");
        let (chain, ..) = chain_request(&update(s, Msg::Key(Key::Enter), now()));
        update(s, Msg::Key(Key::Ctrl('u')), now());
        typed(s, "poweruser");
        (chain, ask(s, Key::Enter))
    };
    let needs_mfa = || Err(ChainFailed::NeedsMfa { serial: "s".into() });
    // Credentials arriving while a question is asked: held and selected, the question stays.
    let mut s = with_chain();
    let (chain, role) = start(&mut s);
    answer_chain(&mut s, chain, needs_mfa());
    answer(&mut s, role, Ok(creds(3600)));
    assert!(s.modal.prompt().is_some(), "{:?}", s.modal);
    assert_eq!(s.sessions.held.len(), 1);
    assert_eq!(s.sessions.selected, 0);
    update(&mut s, Msg::Key(Key::Esc), now());
    assert_eq!(s.modal, Modal::None);
    // A question arriving while the menu is open takes its place.
    let mut s = with_chain();
    let (chain, role) = start(&mut s);
    answer(&mut s, role, Ok(creds(3600)));
    assert!(s.modal.menu().is_some());
    answer_chain(&mut s, chain, needs_mfa());
    assert!(s.modal.prompt().is_some(), "{:?}", s.modal);
    assert_eq!(s.context(), Context::Prompt);
}

#[test]
fn a_paste_into_a_question_only_types_whatever_the_keys_are_bound_to() {
    use crate::core::app::msg::ChainFailed;
    use crate::core::app::prompt::Prompt;
    let mut s = with_chain();
    // `1` answers questions here: typed, it submits; pasted, it is a digit.
    s.keymap = Keymap::with_overrides(&[(Key::Char('1'), Command::Submit)].into());
    typed(&mut s, "deploy");
    let (request, ..) = chain_request(&update(&mut s, Msg::Key(Key::Enter), now()));
    answer_chain(
        &mut s,
        request,
        Err(ChainFailed::NeedsMfa { serial: "s".into() }),
    );
    assert_eq!(update(&mut s, Msg::Paste("12a34567".into()), now()), vec![]);
    let Some(Prompt::Mfa(question)) = s.modal.prompt() else {
        panic!("the question is closed: {:?}", s.modal)
    };
    assert_eq!(question.input, "123456");
}

#[test]
fn the_first_list_after_sign_in_starts_at_the_top() {
    let chains = with_chain().settings.chains;
    let mut s = AppState::new(
        state().sign_in.session.clone(),
        Catalog::default(),
        Frecency::default(),
        AppSettings {
            chains,
            ..AppSettings::default()
        },
        Keymap::default(),
    );
    let resize = Msg::Resize {
        width: 80,
        height: 24,
        list_top: 3,
        list_height: 2,
    };
    update(&mut s, resize, now());
    let stored = Some(signed_in(28_800));
    update(&mut s, Msg::Start { stored }, now());
    update(&mut s, Msg::Listed(Ok((catalog(), None))), now());
    assert_eq!(s.list.selected, 0, "the first row is selected");
    assert_eq!(s.list.offset, 0, "the list is not scrolled");
    assert_eq!(names(&s)[0], "payments-prod/AdministratorAccess");
}

/// With no query the list is grouped: favorites, then recently used roles, then the rest in
/// natural order (`dev-2` before `dev-10`).
#[test]
fn the_empty_query_lists_favorites_then_recents_then_the_rest_naturally() {
    let mut s = state();
    let mut frecency = Frecency::default();
    let role = |id: &str, name: &str| crate::core::catalog::RoleRef {
        account_id: id.into(),
        role_name: name.into(),
    };
    frecency.toggle_favorite(&role("444444444444", "Admin"));
    frecency.record_use(&role("333333333333", "Admin"), 1_795_457_000);
    s.frecency = frecency;
    let stored = Some(signed_in(28_800));
    update(&mut s, Msg::Start { stored }, now());
    let listed = Catalog {
        session: "acme".into(),
        listed_at: 1_795_457_000,
        accounts: vec![
            entry("111111111111", "dev-10", &["Admin"]),
            entry("222222222222", "dev-2", &["ReadOnly", "Admin"]),
            entry("333333333333", "dev-3", &["Admin"]),
            entry("444444444444", "dev-4", &["Admin"]),
        ],
    };
    update(&mut s, Msg::Listed(Ok((listed, None))), now());
    assert_eq!(
        names(&s),
        [
            "dev-4/Admin",
            "dev-3/Admin",
            "dev-2/Admin",
            "dev-2/ReadOnly",
            "dev-10/Admin"
        ]
    );
}

// ---- environments marked `confirm`, copying ----

fn prod_marked(confirm: bool) -> crate::core::marks::Marks {
    use crate::core::marks::{Mark, MarkColour, Marks};
    Marks(vec![Mark {
        name: "prod".to_owned().try_into().unwrap(),
        pattern: "*-prod*".to_owned().try_into().unwrap(),
        colour: MarkColour::Red,
        confirm,
    }])
}

/// The menu open for payments-prod/AdministratorAccess, with prod marked.
fn marked_menu(confirm: bool) -> AppState {
    let mut s = ready();
    s.settings.marks = prod_marked(confirm);
    assume_selected(&mut s);
    assert!(s.modal.menu().is_some());
    s
}

fn decoded(effect: &Effect) -> String {
    use base64::Engine as _;
    let Effect::Copy(sequence) = effect else {
        panic!("not a copy: {effect:?}")
    };
    let text = sequence.expose();
    let payload = text
        .strip_prefix("\x1b]52;c;")
        .and_then(|t| t.strip_suffix('\x07'))
        .unwrap_or_else(|| panic!("not OSC 52: {text:?}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn every_hand_over_of_a_confirm_environment_asks_first() {
    for action in [
        HandoverAction::PrintExports,
        HandoverAction::Subshell,
        HandoverAction::WriteProfile,
        HandoverAction::Console,
    ] {
        let mut s = marked_menu(true);
        assert_eq!(pick(&mut s, action), vec![], "{action:?} asks");
        let held_id = s.sessions.held[0].id;
        assert_eq!(s.modal, Modal::Confirm { held_id, action });
        assert!(s.exit.is_none());
        // Other keys leave it asking; n says no.
        assert_eq!(update(&mut s, Msg::Key(Key::Enter), now()), vec![]);
        assert!(matches!(s.modal, Modal::Confirm { .. }));
        assert_eq!(update(&mut s, Msg::Key(Key::Char('n')), now()), vec![]);
        assert_eq!(s.modal, Modal::None);
        assert!(s.exit.is_none(), "{action:?}");
        // y hands over.
        let mut s = marked_menu(true);
        pick(&mut s, action);
        let fx = update(&mut s, Msg::Key(Key::Char('y')), now());
        assert!(!fx.is_empty(), "{action:?}: {fx:?}");
    }
    // Not marked confirm: no question.
    let mut s = marked_menu(false);
    assert_eq!(pick(&mut s, HandoverAction::Subshell), vec![Effect::Exit]);
    // Showing the (masked) exports is not a hand-over.
    let mut s = marked_menu(true);
    pick(&mut s, HandoverAction::ShowExports);
    assert!(matches!(s.modal, Modal::Exports { .. }));
}

#[test]
fn print_exports_by_default_asks_too_for_a_confirm_environment() {
    let mut s = ready();
    s.settings.marks = prod_marked(true);
    s.settings.default_action = DefaultAction::PrintExports;
    let fx = assume_selected(&mut s);
    assert!(
        fx.iter().all(|e| matches!(e, Effect::WhoAmI { .. })),
        "{fx:?}"
    );
    assert!(matches!(
        s.modal,
        Modal::Confirm {
            action: HandoverAction::PrintExports,
            ..
        }
    ));
    assert_eq!(
        update(&mut s, Msg::Key(Key::Char('y')), now()),
        vec![Effect::Exit]
    );
    assert!(matches!(s.exit, Some(ExitPlan::PrintExports { .. })));
}

#[test]
fn the_copy_box_copies_the_id_the_arn_the_exports_and_asks_for_a_console_url() {
    let mut s = marked_menu(false);
    let id = s.sessions.held[0].id;
    // y in the menu opens the copy box for these credentials.
    update(&mut s, Msg::Key(Key::Char('y')), now());
    assert_eq!(s.modal, Modal::Copy(CopyFrom::Held(id)));
    let fx = update(&mut s, Msg::Key(Key::Char('i')), now());
    assert_eq!(decoded(&fx[0]), "111111111111");
    let said = s.toast.clone().unwrap().text;
    assert!(
        said.contains("the account id: sent to the terminal's clipboard (OSC 52)"),
        "{said}"
    );
    assert!(!said.contains("copied"), "{said}");

    // The SSO role's exact ARN is known once STS said who the credentials are.
    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    assert_eq!(update(&mut s, Msg::Key(Key::Char('a')), now()), vec![]);
    let said = s.toast.clone().unwrap().text;
    assert!(
        said.contains("not copied") && said.contains("AWSReservedSSO_AdministratorAccess_…"),
        "{said}"
    );
    let arn =
        "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d/me";
    update(
        &mut s,
        Msg::Identity {
            held_id: id,
            arn: Some(arn.into()),
        },
        now(),
    );
    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    let fx = update(&mut s, Msg::Key(Key::Char('a')), now());
    assert_eq!(
        decoded(&fx[0]),
        "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0a1b2c3d"
    );

    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    let fx = update(&mut s, Msg::Key(Key::Char('e')), now());
    let exports = decoded(&fx[0]);
    assert!(
        exports.contains("export AWS_SECRET_ACCESS_KEY='secret'\n"),
        "{exports}"
    );
    assert!(
        exports.contains("export AWS_SESSION_TOKEN='token'\n"),
        "{exports}"
    );

    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    let fx = update(&mut s, Msg::Key(Key::Char('u')), now());
    assert!(
        matches!(fx.as_slice(), [Effect::OpenConsole { copy: true, .. }]),
        "{fx:?}"
    );
    let url = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=t";
    let fx = update(
        &mut s,
        Msg::Copy {
            what: "a console sign-in URL".into(),
            text: Secret::new(url.into()),
        },
        now(),
    );
    assert_eq!(decoded(&fx[0]), url);
}

#[test]
fn copying_a_row_not_assumed_offers_the_id_and_says_what_the_arn_is() {
    let mut s = ready();
    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    assert!(matches!(s.modal, Modal::Copy(CopyFrom::Row(_))));
    // The exports need credentials: e does nothing here.
    assert_eq!(update(&mut s, Msg::Key(Key::Char('e')), now()), vec![]);
    assert!(matches!(s.modal, Modal::Copy(CopyFrom::Row(_))));
    let fx = update(&mut s, Msg::Key(Key::Char('i')), now());
    assert_eq!(decoded(&fx[0]), "111111111111");
    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    update(&mut s, Msg::Key(Key::Esc), now());
    assert_eq!(s.modal, Modal::None);
}

#[test]
fn copying_the_exports_of_a_confirm_environment_asks_first() {
    let mut s = marked_menu(true);
    update(&mut s, Msg::Key(Key::Char('y')), now());
    assert_eq!(update(&mut s, Msg::Key(Key::Char('e')), now()), vec![]);
    assert!(matches!(
        s.modal,
        Modal::Confirm {
            action: HandoverAction::CopyExports,
            ..
        }
    ));
    let fx = update(&mut s, Msg::Key(Key::Char('y')), now());
    assert!(decoded(&fx[0]).contains("AWS_ACCESS_KEY_ID"));
}

#[test]
fn copying_says_honestly_where_it_cannot_work_and_wraps_for_tmux_passthrough() {
    use crate::core::app::state::{Clipboard, TmuxOptions};
    let mut s = ready();
    // GNU screen: nothing sent, and why.
    s.settings.clipboard = Clipboard::from_terminal(Some("screen"), None, true);
    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    assert_eq!(update(&mut s, Msg::Key(Key::Char('i')), now()), vec![]);
    let toast = s.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Warn);
    assert!(
        toast
            .text
            .starts_with("cannot copy the account id: GNU screen"),
        "{}",
        toast.text
    );
    // tmux without set-clipboard, passthrough on: wrapped, and said so.
    s.settings.clipboard = Clipboard::from_terminal(
        Some("tmux-256color"),
        Some(TmuxOptions {
            set_clipboard: Some("external"),
            allow_passthrough: Some("on"),
        }),
        false,
    );
    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    let fx = update(&mut s, Msg::Key(Key::Char('i')), now());
    let Effect::Copy(sequence) = &fx[0] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        sequence.expose(),
        "\x1bPtmux;\x1b\x1b]52;c;MTExMTExMTExMTEx\x07\x1b\\"
    );
    assert!(s.toast.clone().unwrap().text.contains("tmux's passthrough"));
    // tmux dropping it: nothing sent.
    s.settings.clipboard = Clipboard::from_terminal(
        Some("tmux-256color"),
        Some(TmuxOptions {
            set_clipboard: Some("external"),
            allow_passthrough: Some("off"),
        }),
        false,
    );
    update(&mut s, Msg::Key(Key::Ctrl('y')), now());
    assert_eq!(update(&mut s, Msg::Key(Key::Char('i')), now()), vec![]);
    assert!(s.toast.clone().unwrap().text.contains("set-clipboard on"));
}

#[test]
fn a_hostile_name_reaches_the_terminal_only_inside_base64() {
    let hostile = "\x1b]52;c;evil\x07\x1b[2J";
    let sequence = crate::core::app::state::Clipboard::Unknown
        .sequence(hostile)
        .unwrap();
    let text = sequence.expose();
    assert_eq!(text.matches('\x1b').count(), 1, "{text:?}");
    assert_eq!(text.matches('\x07').count(), 1, "{text:?}");
}
mod streaming;
