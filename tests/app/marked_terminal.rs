//! `[[environments]]` in a real terminal: the binary in tmux, its screen read with the SGR
//! escape sequences of every cell (`capture-pane -e`). A badge is drawn in its colour —
//! `colour = "red"` is the terminal's own red, colour 1 of its palette, which crossterm writes
//! as `ESC[38;5;1m` — on a matching row of the list and of the sessions panel only, and the
//! header shows the selected row's badge on that colour. With `NO_COLOR=1` the badges' text
//! stays, the header's in reverse video, and nothing has a colour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::common;
use common::cli_home::{BIN, Home, auto_approving_org};
use common::tmux::{Colour, Pen, Tmux, pens, pens_of};

const PROD: &str = "[[environments]]\nname = \"prod\"\npattern = \"*-prod*\"\ncolour = \"red\"\n";
/// The terminal's red.
const RED: Option<Colour> = Some(Colour::Indexed(1));

/// The list's rows of `screen` showing `role` of `account` (without the details pane on their
/// right), at least one.
fn rows<'a>(screen: &'a str, account: &str, role: &str) -> Vec<&'a str> {
    let rows: Vec<&str> = screen
        .lines()
        .filter_map(|l| l.split('│').next())
        .filter(|l| {
            let text: String = pens(l).iter().map(|c| c.0).collect();
            text.contains(&format!("{account} ")) && text.contains(role)
        })
        .collect();
    assert!(!rows.is_empty(), "no row {account} {role}:\n{screen}");
    rows
}

/// The list's rows with their badges, once both accounts' roles are listed.
fn listed(tmux: &Tmux) -> String {
    tmux.wait_for_escapes("both accounts' rows", Duration::from_secs(30), |s| {
        s.contains("PowerUserAccess") && s.contains("payments-prod") && !s.contains("loading")
    })
}

/// The sessions panel's row of the held payments-prod role.
fn held_row(screen: &str) -> &str {
    screen
        .lines()
        .find(|l| pens_of(l, "prod payments-prod/").is_some())
        .unwrap()
}

/// The header's line: the first of the screen.
fn header(screen: &str) -> &str {
    screen.lines().next().unwrap()
}

#[test]
fn the_environment_badge_is_drawn_in_its_colour_and_without_colour_under_no_color() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(common::start(&auto_approving_org()));
    let home = Home::new(&emu, "", PROD);
    home.login();
    let tmux = Tmux::start_with("marked", home.path(), home.environment());

    tmux.run_app(BIN, "");
    let screen = listed(&tmux);
    // payments-dev's rows: no badge, and nothing on them is red.
    for row in rows(&screen, "payments-dev", "ReadOnlyAccess") {
        assert_eq!(pens_of(row, "prod"), None, "{row:?}");
        assert!(pens(row).iter().all(|c| c.1.fg != RED), "{row:?}");
    }
    // payments-prod's rows: the badge and the name in red, bold; the role not.
    for row in rows(&screen, "payments-prod", "Access") {
        let badge = pens_of(row, "prod ").unwrap();
        assert!(badge[..4].iter().all(|p| p.fg == RED && p.bold), "{row:?}");
        let name = pens_of(row, "payments-prod").unwrap();
        assert!(name.iter().all(|p| p.fg == RED), "{row:?}");
        assert!(row.contains("\u{1b}[38;5;1m"), "{row:?}");
    }
    // The header has no badge while a payments-dev row is selected; with a prod row selected
    // it shows ` prod ` on red.
    tmux.type_text("payments-dev");
    tmux.wait_selected("payments-dev", Duration::from_secs(10));
    let screen = tmux.screen_with_escapes();
    assert_eq!(pens_of(header(&screen), " prod "), None, "{screen}");
    tmux.send(&["C-u"]);
    tmux.type_text("payments-prod");
    let screen = tmux.wait_for_escapes("the header's badge", Duration::from_secs(10), |s| {
        pens_of(header(s), " prod ").is_some()
    });
    let badge = pens_of(header(&screen), " prod ").unwrap();
    let block = Pen {
        fg: Some(Colour::Indexed(0)),
        bg: RED,
        bold: true,
        reverse: false,
    };
    assert!(badge.iter().all(|p| *p == block), "{:?}", header(&screen));
    // Assumed, the role is held: the sessions panel's row has the badge in red.
    tmux.send(&["Enter"]);
    tmux.wait_text("Quit and print the exports", Duration::from_secs(20));
    tmux.send(&["Escape"]);
    let screen = tmux.wait_for_escapes("the held session", Duration::from_secs(10), |s| {
        s.lines()
            .any(|l| pens_of(l, "prod payments-prod/").is_some())
    });
    let held = held_row(&screen);
    let badge = pens_of(held, "prod payments-prod/").unwrap();
    assert!(badge[..4].iter().all(|p| p.fg == RED && p.bold), "{held:?}");
    quit_holding_a_session(&tmux);

    // NO_COLOR: the same screens, the badges' text kept, not one colour anywhere.
    tmux.run_app("env", &format!("NO_COLOR=1 {BIN}"));
    let screen = listed(&tmux);
    // The session kept from the run before is held again, its badge's text kept.
    let held = held_row(&screen);
    let badge = pens_of(held, "prod payments-prod/").unwrap();
    assert!(badge[..4].iter().all(|p| p.bold), "{held:?}");
    for row in rows(&screen, "payments-prod", "Access") {
        let badge = pens_of(row, "prod ").unwrap();
        assert!(badge[..4].iter().all(|p| p.bold), "{row:?}");
    }
    for row in rows(&screen, "payments-dev", "Access") {
        assert_eq!(pens_of(row, "prod"), None, "{row:?}");
    }
    tmux.type_text("payments-prod");
    let screen = tmux.wait_for_escapes("the header's badge", Duration::from_secs(10), |s| {
        pens_of(header(s), " prod ").is_some()
    });
    // The header's badge stands out by reverse video instead.
    let badge = pens_of(header(&screen), " prod ").unwrap();
    assert!(
        badge.iter().all(|p| p.reverse && p.bold),
        "{:?}",
        header(&screen)
    );
    for line in screen.lines() {
        let coloured: Vec<_> = pens(line)
            .into_iter()
            .filter(|c| c.1.fg.is_some() || c.1.bg.is_some())
            .collect();
        assert!(coloured.is_empty(), "NO_COLOR drew a colour: {line:?}");
    }
    quit_holding_a_session(&tmux);
}

fn quit_holding_a_session(tmux: &Tmux) {
    tmux.send(&["C-c"]);
    tmux.wait_text("again to quit", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));
}
