//! The organization file: the shipped demo org loads and has what the demo and the chaining
//! tests rely on, and broken files are reported in one line naming the file and line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rolecall::emulator::Org;
use rolecall::emulator::org_generate;

fn demo_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-org.toml")
}

fn demo() -> Org {
    Org::load(&demo_path()).expect("assets/demo-org.toml loads")
}

const SSO_PREFIX: &str = ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_";

#[test]
fn the_demo_org_loads_with_about_forty_accounts() {
    let org = demo();
    assert!(
        (35..=50).contains(&org.accounts.len()),
        "{}",
        org.accounts.len()
    );
    assert_eq!(org.identity_centers.len(), 1);
    let ic = org
        .identity_center_by_url("https://acme-corp.awsapps.com/start")
        .unwrap();
    assert_eq!(ic.region, "us-east-1");
    assert_eq!(org.settings.approve_after_seconds, Some(3.0));
    assert!((1..=2).contains(&org.settings.device_poll_interval));
    assert_eq!(org.faults, Default::default());
}

#[test]
fn demo_account_ids_names_and_emails_are_unique() {
    let org = demo();
    let ids: HashSet<_> = org.accounts.iter().map(|a| a.id.as_str()).collect();
    let names: HashSet<_> = org.accounts.iter().map(|a| a.name.as_str()).collect();
    let emails: HashSet<_> = org
        .accounts
        .iter()
        .filter_map(|a| a.email.as_deref())
        .collect();
    assert_eq!(ids.len(), org.accounts.len());
    assert_eq!(names.len(), org.accounts.len());
    assert_eq!(emails.len(), org.accounts.len());
    for account in &org.accounts {
        assert_eq!(
            account.email.as_deref(),
            Some(format!("aws+{}@acme-corp.example", account.name).as_str())
        );
    }
    // Realistic ids, not a counter.
    let mut sorted: Vec<u64> = org.accounts.iter().map(|a| a.id.parse().unwrap()).collect();
    sorted.sort_unstable();
    assert!(sorted.windows(2).all(|w| w[1] - w[0] > 1));
}

#[test]
fn every_demo_account_has_two_to_five_known_permission_sets() {
    let org = demo();
    let defined: HashSet<_> = org
        .permission_sets
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    for account in &org.accounts {
        let sets = &account.permission_sets;
        assert!((2..=5).contains(&sets.len()), "{}: {sets:?}", account.name);
        let distinct: HashSet<_> = sets.iter().collect();
        assert_eq!(distinct.len(), sets.len(), "{}", account.name);
        for set in sets {
            assert!(defined.contains(set.as_str()), "{}: {set}", account.name);
        }
    }
    assert_eq!(org.permission_set_seconds("AdministratorAccess"), 3600);
    assert_eq!(org.permission_set_seconds("ReadOnlyAccess"), 43200);
    assert_eq!(org.permission_set_seconds("DevOps"), 14400);
}

#[test]
fn the_demo_user_signs_in_and_sees_everything() {
    let org = demo();
    let user = org.default_user(&org.identity_centers[0].id).unwrap();
    assert_eq!(user.name, "demo");
    assert_eq!(org.accounts_for(user).count(), org.accounts.len());
    let prod = org
        .accounts
        .iter()
        .find(|a| a.name == "payments-prod")
        .unwrap();
    assert!(
        !org.roles_for(user, prod)
            .any(|r| r == "AdministratorAccess")
    );
}

#[test]
fn the_demo_chaining_roles_exist() {
    let org = demo();
    let by_name = |name: &str| {
        org.accounts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no account {name}"))
            .id
            .clone()
    };
    let tools = by_name("tools-ci");

    for role in &org.iam_roles {
        assert!(org.account(&role.account).is_some(), "{role:?}");
        assert!((3600..=43200).contains(&role.max_session_seconds));
    }

    // (a) cross-account, narrowed to the tools account's SSO roles.
    let deployer = org.iam_role(&by_name("data-etl"), "etl-deployer").unwrap();
    assert!(deployer.trust.principals.contains(&tools));
    for set in ["DevOps", "AdministratorAccess"] {
        let pattern = format!("arn:aws:iam::{tools}{SSO_PREFIX}{set}_*");
        assert!(
            deployer.trust.principal_arn_like.contains(&pattern),
            "{pattern}"
        );
    }

    // (b) external id.
    let vendor = org
        .iam_role(&by_name("observability-prod"), "vendor-monitoring")
        .unwrap();
    assert!(
        vendor
            .trust
            .external_id
            .as_deref()
            .is_some_and(|id| !id.is_empty())
    );

    // (c) MFA, backed by a listed device.
    let security = by_name("security-audit");
    let glass = org.iam_role(&security, "break-glass").unwrap();
    assert!(glass.trust.require_mfa);
    assert_eq!(glass.max_session_seconds, 3600);
    let device = org.mfa_devices.first().unwrap();
    assert_eq!(device.serial, format!("arn:aws:iam::{security}:mfa/demo"));
    assert!(device.secret.is_none());

    // (d) a prod pipeline role trusting the tools account.
    let pipeline = org
        .iam_role(&by_name("payments-prod"), "pipeline-service")
        .unwrap();
    assert_eq!(pipeline.trust.principals, std::slice::from_ref(&tools));

    // (e) a role trusting one IAM user, who exists with fake keys.
    let reader = org.iam_role(&by_name("log-archive"), "s3-reader").unwrap();
    let jenkins_arn = format!("arn:aws:iam::{tools}:user/jenkins");
    assert_eq!(reader.trust.principals, [jenkins_arn]);
    let keys: HashSet<_> = org.iam_users.iter().map(|u| &u.access_key_id).collect();
    assert_eq!(keys.len(), org.iam_users.len());
    for user in &org.iam_users {
        assert_eq!(user.account, tools);
        assert!(user.access_key_id.starts_with("AKIA"));
        assert_eq!(user.access_key_id.len(), 20);
        assert!(
            user.access_key_id[4..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert_eq!(user.secret_access_key.len(), 40);
        assert!(user.secret_access_key.contains("EXAMPLE"));
    }
    assert!(org.iam_users.iter().any(|u| u.name == "jenkins"));
    assert!(org.iam_users.iter().any(|u| u.name == "no-perms-user"));
}

/// Writes `text` to a temporary file and returns the one-line error `Org::load` gives.
fn load_error(text: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken-org.toml");
    std::fs::write(&path, text).unwrap();
    let err = Org::load(&path).unwrap_err().to_string();
    assert!(!err.contains('\n'), "{err:?}");
    (path.display().to_string(), err)
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let (path, err) =
        load_error("[settings]\ndevice_poll_interval = 1\napprove_after_seconds = = 3\n[faults]\n");
    assert!(err.starts_with(&format!("{path}:3: ")), "{err}");
}

#[test]
fn a_wrong_type_or_unknown_key_names_the_file_and_line() {
    let text = "[[identity_centers]]\nid = \"d-1\"\nstart_url = \"https://x.awsapps.com/start\"\n\n[[accounts]]\nid = \"111111111111\"\nname = \"a\"\npermission_sets = \"ReadOnlyAccess\"\n";
    let (path, err) = load_error(text);
    assert!(err.starts_with(&format!("{path}:8: ")), "{err}");

    let text =
        "[[iam_roles]]\naccount = \"111111111111\"\nname = \"r\"\ntrust.principal = [\"*\"]\n";
    let (path, err) = load_error(text);
    assert!(err.starts_with(&format!("{path}:4: ")), "{err}");
    assert!(err.contains("principal"), "{err}");
}

#[test]
fn invalid_content_names_the_file() {
    let text = "[[identity_centers]]\nid = \"d-1\"\nstart_url = \"https://x.awsapps.com/start\"\n[[accounts]]\nid = \"111111111111\"\nname = \"a\"\n[[accounts]]\nid = \"111111111111\"\nname = \"b\"\n";
    let (path, err) = load_error(text);
    assert!(err.starts_with(&format!("{path}: ")), "{err}");
    assert!(err.contains("111111111111"), "{err}");
}

#[test]
fn a_missing_file_names_the_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/no-such-org.toml");
    let err = Org::load(&path).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}: ", path.display())), "{err}");
    assert!(!err.contains('\n'), "{err:?}");
}

#[test]
fn a_generated_org_written_to_a_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.toml");
    std::fs::write(&path, org_generate::generate_toml(500, 42)).unwrap();
    let org = Org::load(&path).unwrap();
    assert_eq!(org.accounts.len(), 500);
    assert!(
        org.identity_center_by_url(org_generate::START_URL)
            .is_some()
    );
}
