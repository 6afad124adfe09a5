//! Unit tests of the managed block's profiles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::core::catalog::{Account, AccountEntry, AccountId, Roles};
use pretty_assertions::assert_eq;

fn session(name: &str, legacy: bool) -> SsoSession {
    SsoSession {
        name: name.into(),
        start_url: "https://acme.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        scopes: Vec::new(),
        legacy,
    }
}

fn catalog(accounts: &[(&str, &str, Option<&[&str]>)]) -> Catalog {
    Catalog {
        session: "acme".into(),
        listed_at: 0,
        accounts: accounts
            .iter()
            .map(|(id, name, roles)| AccountEntry {
                account: Account {
                    id: AccountId::parse(id).unwrap(),
                    name: (*name).into(),
                    email: None,
                },
                roles: match roles {
                    Some(r) => Roles::Listed(r.iter().map(|s| s.to_string()).collect()),
                    None => Roles::Unavailable {
                        reason: "throttled".into(),
                    },
                },
            })
            .collect(),
    }
}

fn plan<'a>(s: &'a SsoSession, c: &'a Catalog, prune: bool) -> Plan<'a> {
    Plan {
        session: s,
        catalog: c,
        template: super::super::profile_name::DEFAULT_TEMPLATE,
        region: "us-east-2",
        kind: ProfileKind::Sso,
        prune,
    }
}

const HEAD: &str = "# mine\n[default]\nregion = eu-west-1\n";

#[test]
fn sso_profiles_and_the_sso_session_go_into_a_new_block() {
    let s = session("acme", false);
    let c = catalog(&[("111111111111", "prod", Some(&["Admin", "Read Only"]))]);
    let out = populate(HEAD, &plan(&s, &c, false)).unwrap();
    assert_eq!(
        out.text,
        format!(
            "{HEAD}\n{}\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n\
             sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n\
             [profile prod-Admin]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = Admin\n\
             region = us-east-2\n\n[profile prod-Read-Only]\nsso_session = acme\nsso_account_id = 111111111111\n\
             sso_role_name = Read Only\nregion = us-east-2\n{}\n",
            ini_edit::BLOCK_BEGIN,
            ini_edit::BLOCK_END
        )
    );
    assert_eq!(out.profiles, vec!["prod-Admin", "prod-Read-Only"]);
    assert_eq!((out.added, out.removed, out.kept), (2, 0, 0));
    // Again: the same text, nothing added.
    let again = populate(&out.text, &plan(&s, &c, false)).unwrap();
    assert_eq!(again.text, out.text);
    assert_eq!((again.added, again.removed, again.kept), (0, 0, 0));
}

#[test]
fn an_sso_session_outside_the_block_is_not_repeated_and_taken_names_are_skipped() {
    let s = session("acme", false);
    let c = catalog(&[("111111111111", "prod", Some(&["Admin", "Read"]))]);
    let text =
        "[sso-session acme]\nsso_start_url = x\nsso_region = y\n[profile prod-Admin]\nregion = a\n";
    let out = populate(text, &plan(&s, &c, false)).unwrap();
    let block = ini_edit::managed_block(&out.text).unwrap().unwrap();
    assert!(!block.contains("[sso-session"), "{block}");
    assert!(!block.contains("[profile prod-Admin]"), "{block}");
    assert!(block.contains("[profile prod-Read]"), "{block}");
    assert_eq!(out.profiles, vec!["prod-Read"]);
    assert_eq!(out.skipped.len(), 1);
    assert!(out.text.starts_with(text));
}

#[test]
fn gone_roles_stay_unless_pruned_and_unknown_accounts_always_stay() {
    let s = session("acme", false);
    let before = catalog(&[
        ("111111111111", "prod", Some(&["Admin", "Old"])),
        ("222222222222", "dev", Some(&["Admin"])),
    ]);
    let first = populate("", &plan(&s, &before, false)).unwrap();
    let after = catalog(&[
        ("111111111111", "prod", Some(&["Admin"])),
        ("222222222222", "dev", None),
    ]);
    let kept = populate(&first.text, &plan(&s, &after, false)).unwrap();
    let block = ini_edit::managed_block(&kept.text).unwrap().unwrap();
    assert!(block.contains("[profile prod-Old]") && block.contains("[profile dev-Admin]"));
    assert_eq!((kept.added, kept.removed, kept.kept), (0, 0, 2));
    let pruned = populate(&first.text, &plan(&s, &after, true)).unwrap();
    let block = ini_edit::managed_block(&pruned.text).unwrap().unwrap();
    assert!(!block.contains("[profile prod-Old]"), "{block}");
    assert!(
        block.contains("[profile dev-Admin]"),
        "unknown roles are not pruned"
    );
    assert_eq!((pruned.added, pruned.removed, pruned.kept), (0, 1, 1));
}

#[test]
fn another_identity_centers_profiles_stay_and_collisions_get_the_account_id() {
    let other = session("other", false);
    let c1 = catalog(&[("999999999999", "prod", Some(&["Admin"]))]);
    let first = populate("", &plan(&other, &c1, true)).unwrap();
    let acme = session("acme", false);
    let c2 = catalog(&[("111111111111", "prod", Some(&["Admin"]))]);
    let out = populate(&first.text, &plan(&acme, &c2, true)).unwrap();
    let block = ini_edit::managed_block(&out.text).unwrap().unwrap();
    assert!(block.contains("[sso-session other]") && block.contains("[sso-session acme]"));
    assert!(
        block.contains("[profile prod-Admin]\nsso_session = other"),
        "{block}"
    );
    assert!(
        block.contains("[profile prod-Admin-111111111111]\nsso_session = acme"),
        "{block}"
    );
    assert_eq!(out.profiles, vec!["prod-Admin-111111111111"]);
}

#[test]
fn credential_process_and_legacy_profiles() {
    let s = session("acme", false);
    let c = catalog(&[("111111111111", "prod", Some(&["Admin"]))]);
    let mut p = plan(&s, &c, false);
    p.kind = ProfileKind::CredentialProcess {
        program: "/opt/my tools/rolecall".into(),
        platform: Platform::Posix,
    };
    let out = populate("", &p).unwrap();
    let block = ini_edit::managed_block(&out.text).unwrap().unwrap();
    assert_eq!(
        block,
        "[profile prod-Admin]\ncredential_process = '/opt/my tools/rolecall' credential-process \
         111111111111/Admin --session acme\nregion = us-east-2\n"
    );
    // Switching kinds replaces the profiles of this identity center.
    let sso = populate(&out.text, &plan(&s, &c, false)).unwrap();
    let block = ini_edit::managed_block(&sso.text).unwrap().unwrap();
    assert!(!block.contains("credential_process"), "{block}");
    assert_eq!((sso.added, sso.removed, sso.kept), (0, 0, 0));

    let legacy = session("my-sso", true);
    let out = populate("", &plan(&legacy, &c, false)).unwrap();
    let block = ini_edit::managed_block(&out.text).unwrap().unwrap();
    assert_eq!(
        block,
        "[profile prod-Admin]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\n\
         sso_account_id = 111111111111\nsso_role_name = Admin\nregion = us-east-2\n"
    );
}

#[test]
fn shell_words_split_back_as_written() {
    let cmd = credential_process_command("/a b/it's", "s x", "1", "R", Platform::Posix).unwrap();
    assert_eq!(
        split_words(&cmd),
        vec!["/a b/it's", "credential-process", "1/R", "--session", "s x"]
    );
}

#[test]
fn a_section_of_the_block_that_cannot_be_written_again_is_dropped_with_a_notice() {
    let s = session("acme", false);
    let c = catalog(&[("111111111111", "prod", Some(&["Admin"]))]);
    let old = format!(
        "{}\n[profile theirs]\nsso_session = other\nnote = a\u{7f}b\n{}\n",
        ini_edit::BLOCK_BEGIN,
        ini_edit::BLOCK_END
    );
    let out = populate(&old, &plan(&s, &c, false)).unwrap();
    assert_eq!(out.skipped.len(), 1, "{:?}", out.skipped);
    assert!(
        out.skipped[0].starts_with(
            "[profile theirs] dropped from the managed block: the value of note cannot be written: "
        ),
        "{:?}",
        out.skipped
    );
    assert!(!out.text.contains("theirs"), "{}", out.text);
}

#[test]
fn a_bad_template_or_block_is_refused() {
    let s = session("acme", false);
    let c = catalog(&[("111111111111", "prod", Some(&["Admin"]))]);
    let mut p = plan(&s, &c, false);
    p.template = "{nope}";
    assert!(
        populate("", &p)
            .unwrap_err()
            .to_string()
            .contains("unknown placeholder")
    );
    let broken = format!("{}\n", ini_edit::BLOCK_BEGIN);
    assert_eq!(
        populate(&broken, &plan(&s, &c, false))
            .unwrap_err()
            .to_string(),
        format!(
            "line 1: {:?} has no {:?} after it; fix the file by hand",
            ini_edit::BLOCK_BEGIN,
            ini_edit::BLOCK_END
        )
    );
    let unreadable = format!(
        "{}\n[profile a\n{}\n",
        ini_edit::BLOCK_BEGIN,
        ini_edit::BLOCK_END
    );
    let why = populate(&unreadable, &plan(&s, &c, false))
        .unwrap_err()
        .to_string();
    assert!(
        why.starts_with("the rolecall managed block, its line 1: "),
        "{why}"
    );
}

/// Issue 11 §2: a role name with line breaks was written as continuation lines, which botocore
/// refuses and the AWS SDK for JavaScript reads as a `[default]` with a `credential_process`.
/// Now that role is skipped with a notice naming it (escaped) and the others are written.
#[test]
fn a_role_that_cannot_be_written_is_skipped_with_a_notice_and_the_rest_goes_on() {
    let s = session("acme", false);
    let evil = "x\n[default]\ncredential_process = touch /tmp/pwned";
    let c = catalog(&[("111111111111", "prod", Some(&[evil, "Admin", "a\rb"]))]);
    let out = populate("", &plan(&s, &c, false)).unwrap();
    assert_eq!(out.profiles, vec!["prod-Admin"]);
    assert_eq!(
        out.skipped,
        vec![
            "prod/x\\n[default]\\ncredential_process = touch /tmp/pwned skipped: the value of \
             sso_role_name cannot be written: it has a line break or a control character",
            "prod/a\\rb skipped: the value of sso_role_name cannot be written: it has a line \
             break or a control character",
        ]
    );
    assert!(!out.text.contains("pwned"), "{}", out.text);
    assert_eq!(
        crate::config::ini::parse(&out.text)
            .unwrap()
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["sso-session acme", "profile prod-Admin"]
    );
}
