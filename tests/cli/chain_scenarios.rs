//! The seeds' STS scenarios, end to end: the real `rolecall` binary (and the AWS CLI) against the
//! emulator serving the demo organisation, in a throwaway HOME. Each test is one scenario of
//! issue 6; chains come from config.toml's `[[chains]]` and the AWS CLI's own profiles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::process::Output;
use std::time::{Duration, SystemTime};

use common::cli_home::{BIN, Home, text, with_stdin};
use common::*;
use rolecall::emulator::Emulator;

const JENKINS: &str = "[jenkins]\naws_access_key_id = AKIAEXAMPLEJENKINS01\naws_secret_access_key = jenkinsEXAMPLEsecretKEY/doNotUse/0000001\n";
const JENKINS_MFA: &str = "[jenkins-mfa]\naws_access_key_id = AKIAEXAMPLEJENKINS01\naws_secret_access_key = jenkinsEXAMPLEsecretKEY/doNotUse/0000001\nmfa_serial = arn:aws:iam::482167869816:mfa/demo\n";
const NO_PERMS: &str = "[no-perms]\naws_access_key_id = AKIAEXAMPLENOPERMS01\naws_secret_access_key = noPermsEXAMPLEsecretKEY/doNotUse/0000002\n";
const MFA_SERIAL: &str = "arn:aws:iam::482167869816:mfa/demo";

/// The demo organisation at the test start URL, approving sign-ins at once, with one more
/// role: a landing role an IAM user without permissions may assume.
fn org() -> String {
    include_str!("../../assets/demo-org.toml")
        .replace("https://acme-corp.awsapps.com/start", START_URL)
        .replace("approve_after_seconds = 3", "approve_after_seconds = 0")
        + r#"
[[iam_roles]]
account = "295922081140"
name = "support-readonly"
max_session_seconds = 3600
trust.principals = ["arn:aws:iam::764289909412:user/no-perms-user"]
"#
}

/// Every chain the scenarios use, and the ECR-login action.
const CHAINS: &str = r#"
[[actions]]
name = "ECR login"
command = "echo registry={account_id}.dkr.ecr.{region}.amazonaws.com; aws sts get-caller-identity --query Account --output text"

[[chains]]
name = "registry"
source_profile = "jenkins"
role_arn = "arn:aws:iam::909061163445:role/ecr-push"

[[chains]]
name = "reader"
source_profile = "jenkins"
role_arn = "arn:aws:iam::295922081140:role/s3-reader"

[[chains]]
name = "reader-as-nobody"
source_profile = "no-perms"
role_arn = "arn:aws:iam::295922081140:role/s3-reader"

[[chains]]
name = "support"
source_profile = "no-perms"
role_arn = "arn:aws:iam::295922081140:role/support-readonly"
session_name = "ticket-4711-{user}"

[[chains]]
name = "pipeline"
source = "tools-ci/DevOps"
role_arn = "arn:aws:iam::011403187894:role/pipeline-service"
duration = "4h"
tags = { team = "platform", cost-center = "42" }
transitive_tag_keys = ["team"]
source_identity = "alice"

[[chains]]
name = "vendor-wrong-id"
source = "observability-prod/ReadOnlyAccess"
role_arn = "arn:aws:iam::249804992253:role/vendor-monitoring"
external_id = "not-the-id"

[[chains]]
name = "vendor"
source = "observability-prod/ReadOnlyAccess"
role_arn = "arn:aws:iam::249804992253:role/vendor-monitoring"
external_id = "acme-7f3c9e21-monitoring"

[[chains]]
name = "break-glass"
source = "security-audit/ReadOnlyAccess"
role_arn = "arn:aws:iam::482167869816:role/break-glass"
mfa_serial = "arn:aws:iam::482167869816:mfa/demo"

[[chains]]
name = "reader-with-mfa"
source_profile = "jenkins-mfa"
role_arn = "arn:aws:iam::295922081140:role/s3-reader"

[[chains]]
name = "far-away"
source = "tools-ci/DevOps"
role_arn = "arn:aws:iam::011403187894:role/pipeline-service"
region = "ap-east-1"
"#;

/// The AWS CLI's own assume-role profile: appears as a chain with no rolecall config.
const AWS_PROFILES: &str = "\n[profile jenkins]\nregion = us-east-1\n\n[profile deploy]\nrole_arn = arn:aws:iam::406881644574:role/etl-deployer\nsource_profile = jenkins\nrole_session_name = deploy-from-cli\n";

async fn home() -> (Emulator, Home) {
    let emu = start(&org()).await;
    let home = Home::new(&emu, AWS_PROFILES, CHAINS);
    std::fs::write(
        home.path().join(".aws/credentials"),
        format!("{JENKINS}\n{NO_PERMS}\n{JENKINS_MFA}"),
    )
    .unwrap();
    (emu, home)
}

async fn signed_in() -> (Emulator, Home) {
    let (emu, home) = home().await;
    home.login();
    (emu, home)
}

/// `rolecall args…` with `USER=alice` and `stdin` on standard input.
fn rolecall_with(home: &Home, args: &[&str], stdin: &str) -> Output {
    let mut cmd = home.command(BIN, args);
    cmd.env("USER", "alice");
    with_stdin(cmd, stdin).wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn whoami(home: &Home, target: &str) -> String {
    ok(&rolecall_with(home, &["whoami", target], ""))
        .trim()
        .to_owned()
}

/// `aws sts get-caller-identity` (with `--profile` when given): the caller's ARN.
fn aws_whoami(home: &Home, profile: Option<&str>) -> String {
    let mut args = vec![
        "sts",
        "get-caller-identity",
        "--query",
        "Arn",
        "--output",
        "text",
    ];
    if let Some(p) = profile {
        args.extend(["--profile", p]);
    }
    let out = home
        .command("aws", &args)
        .output()
        .expect("the AWS CLI (`aws`) must be installed: tests/run.sh installs it");
    ok(&out).trim().to_owned()
}

fn assert_no_secret_leaked(emu: &Emulator, home: &Home, outputs: &[&Output]) {
    let log = home.log();
    assert!(
        log.lines().any(|l| l.contains("DEBUG")),
        "the debug log was written"
    );
    for secret in emu.issued_secrets() {
        assert!(!log.contains(&secret), "a secret reached the log");
        for out in outputs {
            assert!(
                !text(&out.stderr).contains(&secret),
                "a secret reached stderr"
            );
        }
    }
}

// 1. Jenkins (an IAM user in tools-ci) assumes the registry role in shared-services; the
//    ECR-login action gets the destination account as the registry id.
#[tokio::test(flavor = "multi_thread")]
async fn ci_user_pushes_to_the_registry_of_another_account() {
    let (emu, home) = home().await;
    let out = rolecall_with(&home, &["action", "ECR login", "registry"], "");
    let stdout = ok(&out);
    assert!(
        stdout.contains("registry=909061163445.dkr.ecr.us-east-1.amazonaws.com"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.trim() == "909061163445"),
        "the action ran as the registry account: {stdout}"
    );
    let printed = ok(&rolecall_with(
        &home,
        &["action", "ecr login", "registry", "--print"],
        "",
    ));
    assert!(
        printed.starts_with("echo registry='909061163445'.dkr.ecr.'us-east-1'."),
        "{printed}"
    );
    let record = emu.assumed().pop().unwrap();
    assert_eq!(record.caller, "arn:aws:iam::764289909412:user/jenkins");
    assert_eq!(record.role_arn, "arn:aws:iam::909061163445:role/ecr-push");
    assert_no_secret_leaked(&emu, &home, &[&out]);
}

// 2. Before, the source; after, the assumed role; an untrusted caller gets advice.
#[tokio::test(flavor = "multi_thread")]
async fn caller_identity_before_and_after_and_advice_when_not_trusted() {
    let (_emu, home) = home().await;
    assert_eq!(
        aws_whoami(&home, Some("jenkins")),
        "arn:aws:iam::764289909412:user/jenkins"
    );
    let after = ok(&rolecall_with(
        &home,
        &[
            "exec",
            "reader",
            "--",
            "aws",
            "sts",
            "get-caller-identity",
            "--query",
            "Arn",
            "--output",
            "text",
        ],
        "",
    ));
    assert_eq!(
        after.trim(),
        "arn:aws:sts::295922081140:assumed-role/s3-reader/rolecall-alice"
    );
    let denied = rolecall_with(&home, &["env", "reader-as-nobody"], "");
    let stderr = text(&denied.stderr);
    assert_eq!(denied.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "reader-as-nobody: the role's trust policy does not allow arn:aws:iam::764289909412:user/no-perms-user; check the principal, external ID or MFA condition of arn:aws:iam::295922081140:role/s3-reader"
        ),
        "{stderr}"
    );
    assert!(text(&denied.stdout).is_empty(), "no exports on failure");
}

// 3. SSO credentials of the tools account chain into the pipeline service role; the AWS CLI
//    reads the profile written from the chained session.
#[tokio::test(flavor = "multi_thread")]
async fn sso_role_chains_into_a_pipeline_role_and_the_aws_cli_reads_the_profile() {
    let (emu, home) = signed_in().await;
    let out = rolecall_with(&home, &["write", "pipeline", "--region", REGION], "");
    assert_eq!(ok(&out), "pipeline\n");
    let arn = aws_whoami(&home, Some("pipeline"));
    assert_eq!(
        arn,
        "arn:aws:sts::011403187894:assumed-role/pipeline-service/rolecall-alice"
    );
    let record = emu.assumed().pop().unwrap();
    assert!(
        record
            .caller
            .starts_with("arn:aws:sts::764289909412:assumed-role/AWSReservedSSO_DevOps_"),
        "{}",
        record.caller
    );
    // 8. Asked for 4 h from a role session: capped at 1 h, and said so.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("pipeline: capped at 1h (asked 4h)") && stderr.contains("role chaining"),
        "{stderr}"
    );
    assert_eq!(record.duration_seconds, 3600);
    // 7. Session tags, transitive keys and source identity reached STS.
    assert_eq!(
        record.tags,
        [
            ("cost-center".to_owned(), "42".to_owned()),
            ("team".to_owned(), "platform".to_owned())
        ]
    );
    assert_eq!(record.transitive_tag_keys, ["team"]);
    assert_eq!(record.source_identity.as_deref(), Some("alice"));
    assert_no_secret_leaked(&emu, &home, &[&out]);
}

// 4. An IAM user with no permissions assumes a role with its keys; the session name shows.
#[tokio::test(flavor = "multi_thread")]
async fn an_iam_user_without_permissions_assumes_a_role_named_by_its_session() {
    let (_emu, home) = home().await;
    assert_eq!(
        whoami(&home, "support"),
        "arn:aws:sts::295922081140:assumed-role/support-readonly/ticket-4711-alice"
    );
    // The AWS CLI's own assume-role profile is a chain too.
    assert_eq!(
        whoami(&home, "deploy"),
        "arn:aws:sts::406881644574:assumed-role/etl-deployer/deploy-from-cli"
    );
}

// 5. A third-party role: the wrong external ID is advice, the right one credentials.
#[tokio::test(flavor = "multi_thread")]
async fn external_id_wrong_then_right() {
    let (_emu, home) = signed_in().await;
    let wrong = rolecall_with(&home, &["env", "vendor-wrong-id"], "");
    let stderr = text(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("trust policy does not allow arn:aws:sts::249804992253:assumed-role/AWSReservedSSO_ReadOnlyAccess_")
            && stderr.contains("external ID"),
        "{stderr}"
    );
    let exports = ok(&rolecall_with(
        &home,
        &["env", "vendor", "--shell", "bash"],
        "",
    ));
    assert!(
        exports.contains("export AWS_ACCESS_KEY_ID='ASIA"),
        "the exports"
    );
}

// 6. An MFA-protected role: a wrong code is a clear message, the device's code works.
#[tokio::test(flavor = "multi_thread")]
async fn mfa_wrong_code_then_right_code() {
    let (emu, home) = signed_in().await;
    let right = emu.mfa_code(MFA_SERIAL).unwrap();
    let wrong = wrong_code(&right);
    let out = rolecall_with(&home, &["whoami", "break-glass"], &format!("{wrong}\n"));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("MFA code for arn:aws:iam::482167869816:mfa/demo"),
        "the prompt: {stderr}"
    );
    assert!(
        stderr.contains(
            "break-glass: the MFA code for arn:aws:iam::482167869816:mfa/demo was not accepted"
        ),
        "{stderr}"
    );
    let code = emu.mfa_code(MFA_SERIAL).unwrap();
    let out = rolecall_with(&home, &["whoami", "break-glass"], &format!("{code}\n"));
    assert_eq!(
        ok(&out).trim(),
        "arn:aws:sts::482167869816:assumed-role/break-glass/rolecall-alice"
    );
    assert!(emu.assumed().pop().unwrap().mfa);
    // No code at all (stdin closed) is a message, not a hang.
    let out = rolecall_with(&home, &["whoami", "break-glass", "--fresh"], "");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("an MFA code from arn:aws:iam::482167869816:mfa/demo is needed")
    );
}

// 8. A duration below 15 minutes is refused where it is written.
#[tokio::test(flavor = "multi_thread")]
async fn a_ten_minute_chain_is_refused_with_file_and_line() {
    let emu = start(&org()).await;
    let home = Home::new(
        &emu,
        "",
        "[[chains]]\nname = \"short\"\nsource_profile = \"jenkins\"\nrole_arn = \"arn:aws:iam::295922081140:role/s3-reader\"\nduration = \"10m\"\n",
    );
    let out = home.rolecall(&["env", "short"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("rolecall.toml:4: chain \"short\": a session of 10m cannot be asked for: STS sessions last 15 min to 12 h"),
        "{stderr}"
    );
}

// 9. The source expires under a held chain (STS's clock says so, the kept copy does not):
//    refreshing works and `ExpiredToken` never reaches the user. When the source then needs a
//    sign-in, the user is told to sign in.
#[tokio::test(flavor = "multi_thread")]
async fn an_expired_source_is_fetched_anew_when_the_chain_refreshes() {
    let (emu, home) = signed_in().await;
    let first = ok(&rolecall_with(
        &home,
        &["credential-process", "pipeline"],
        "",
    ));
    // The DevOps permission set's sessions last 4 h; the sign-in's token 8 h.
    emu.advance(Duration::from_secs(5 * 3600));
    let out = rolecall_with(&home, &["credential-process", "pipeline", "--fresh"], "");
    let second = ok(&out);
    assert_ne!(first, second, "new credentials");
    let doc: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(doc["Version"], 1);
    assert!(
        !text(&out.stderr).contains("ExpiredToken"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        home.log()
            .contains("source credentials expired; fetching them anew"),
        "the kept source was refused and fetched again"
    );
    // The identity center's sign-in is revoked: refreshing now asks for a sign-in.
    emu.revoke_tokens();
    emu.advance(Duration::from_secs(5 * 3600));
    let out = rolecall_with(&home, &["credential-process", "pipeline", "--fresh"], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("rolecall login --session acme"), "{stderr}");
    assert!(!stderr.contains("ExpiredToken"), "{stderr}");
}

// STS disabled in the chain's region: advice, not a raw error.
#[tokio::test(flavor = "multi_thread")]
async fn a_region_where_sts_is_disabled_is_explained() {
    let (_emu, home) = signed_in().await;
    let out = rolecall_with(&home, &["env", "far-away"], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("far-away: STS is not activated in ap-east-1 for this account"),
        "{stderr}"
    );
}

/// Credentials expire when STS says, not later.
#[tokio::test(flavor = "multi_thread")]
async fn chained_credentials_expire_within_the_cap() {
    let (_emu, home) = signed_in().await;
    let doc: serde_json::Value = serde_json::from_str(&ok(&rolecall_with(
        &home,
        &["credential-process", "pipeline"],
        "",
    )))
    .unwrap();
    let expiration = doc["Expiration"].as_str().unwrap();
    let t = time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339)
        .unwrap();
    let left = SystemTime::from(t)
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(left <= Duration::from_secs(3600), "{left:?}");
    assert!(left > Duration::from_secs(3000), "{left:?}");
}

// An IAM user's profile with an MFA device: GetSessionToken with the code first (kept), then
// AssumeRole with the session; the next assume needs no code.
#[tokio::test(flavor = "multi_thread")]
async fn an_iam_user_with_mfa_gets_a_session_token_first() {
    use rolecall::emulator::Api;
    let (emu, home) = home().await;
    let code = emu.mfa_code(MFA_SERIAL).unwrap();
    let out = rolecall_with(&home, &["whoami", "reader-with-mfa"], &format!("{code}\n"));
    assert_eq!(
        ok(&out).trim(),
        "arn:aws:sts::295922081140:assumed-role/s3-reader/rolecall-alice"
    );
    assert!(text(&out.stderr).contains("MFA code for arn:aws:iam::482167869816:mfa/demo"));
    assert_eq!(emu.stats(Api::GetSessionToken).requests, 1);
    let again = rolecall_with(&home, &["whoami", "reader-with-mfa", "--fresh"], "");
    ok(&again);
    assert!(
        !text(&again.stderr).contains("MFA code"),
        "no second prompt"
    );
    assert_eq!(
        emu.stats(Api::GetSessionToken).requests,
        1,
        "the session token was kept"
    );
}

// Chains leak nothing: every secret the emulator issued (SSO and STS credentials, tokens) is
// absent from the debug log, every message and every process's command line while chains are
// assumed (with MFA from stdin and from a session token), handed to the AWS CLI and to actions.
#[tokio::test(flavor = "multi_thread")]
async fn chain_flows_leak_no_secret() {
    use common::leaks::{ArgvSampler, Secrets};
    let (emu, home) = signed_in().await;
    let sampler = ArgvSampler::start();
    let mut outputs = Vec::new();
    outputs.push(rolecall_with(&home, &["whoami", "pipeline"], ""));
    outputs.push(rolecall_with(
        &home,
        &["write", "pipeline", "--region", REGION],
        "",
    ));
    outputs.push(rolecall_with(
        &home,
        &["action", "ECR login", "registry"],
        "",
    ));
    let code = emu.mfa_code(MFA_SERIAL).unwrap();
    outputs.push(rolecall_with(
        &home,
        &["whoami", "break-glass"],
        &format!("{code}\n"),
    ));
    let code = emu.mfa_code(MFA_SERIAL).unwrap();
    outputs.push(rolecall_with(
        &home,
        &["whoami", "reader-with-mfa"],
        &format!("{code}\n"),
    ));
    outputs.push(rolecall_with(&home, &["env", "reader-as-nobody"], ""));
    let arn = aws_whoami(&home, Some("pipeline"));
    let (argv, rounds) = sampler.finish();
    assert!(arn.contains("assumed-role/pipeline-service"), "{arn}");
    assert!(rounds > 10, "the sampler ran ({rounds} rounds)");
    assert!(
        argv.iter().any(|l| l.contains("get-caller-identity")),
        "the sampler saw the short-lived children"
    );
    let secrets = Secrets::new(emu.issued_secrets());
    assert!(secrets.len() > 6, "SSO and STS credentials were issued");
    // The control: the credentials file holds secrets the search finds.
    let credentials = std::fs::read_to_string(home.path().join(".aws/credentials")).unwrap();
    assert!(
        !secrets.found_in(&credentials).is_empty(),
        "the search finds secrets"
    );
    secrets.assert_none_in("the debug log", &home.log());
    for line in &argv {
        secrets.assert_none_in("a command line", line);
    }
    for out in &outputs {
        secrets.assert_none_in("stderr", &text(&out.stderr));
    }
    // `whoami` prints an ARN, never a key.
    secrets.assert_none_in("whoami's stdout", &text(&outputs[0].stdout));
}

// Signing out drops the credentials of the chains that start at that identity center: the
// next credential-process asks for a sign-in instead of answering from what was kept.
#[tokio::test(flavor = "multi_thread")]
async fn logout_forgets_the_chains_of_the_identity_center() {
    let (_emu, home) = signed_in().await;
    ok(&rolecall_with(
        &home,
        &["credential-process", "pipeline"],
        "",
    ));
    let kept = ok(&rolecall_with(
        &home,
        &["credential-process", "pipeline"],
        "",
    ));
    assert!(kept.contains("\"Version\":1"));
    ok(&rolecall_with(&home, &["logout"], ""));
    let out = rolecall_with(&home, &["credential-process", "pipeline"], "");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty());
}

/// `AWS_REGION` of `rolecall env TARGET --shell bash`.
fn exported_region(home: &Home, target: &str) -> String {
    let out = ok(&rolecall_with(
        home,
        &["env", target, "--shell", "bash"],
        "",
    ));
    out.lines()
        .find_map(|l| l.strip_prefix("export AWS_REGION="))
        .unwrap_or_else(|| panic!("no AWS_REGION in:\n{out}"))
        .trim_matches(['\'', '"'])
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chains_own_region_beats_the_apps_which_beats_the_identity_centers() {
    let (_emu, home) = signed_in().await;
    let config = home.path().join("rolecall.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[[chains]]\nname = \"reader-in-frankfurt\"\nsource_profile = \"jenkins\"\nrole_arn = \"arn:aws:iam::295922081140:role/s3-reader\"\nregion = \"eu-central-1\"\n\n[app]\nregion = \"eu-west-1\"\n",
    );
    std::fs::write(&config, text).unwrap();
    assert_eq!(
        exported_region(&home, "reader-in-frankfurt"),
        "eu-central-1"
    );
    assert_eq!(exported_region(&home, "reader"), "eu-west-1");
    assert_eq!(exported_region(&home, "pipeline"), "eu-west-1");
    assert_eq!(exported_region(&home, "tools-ci/DevOps"), "eu-west-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_lists_the_kept_credentials_of_chains() {
    let (_emu, home) = signed_in().await;
    ok(&rolecall_with(&home, &["env", "reader"], ""));
    let status = ok(&rolecall_with(&home, &["status"], ""));
    let row = status
        .lines()
        .find(|l| l.trim_start().starts_with("reader\t"))
        .unwrap_or_else(|| panic!("no row for the chain reader in:\n{status}"));
    assert!(row.contains("ASIA") && row.contains('m'), "{row}");
    assert!(!status.contains("registry"), "only kept chains:\n{status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_piped_code_that_is_not_six_digits_is_said_once() {
    let (_emu, home) = signed_in().await;
    let out = rolecall_with(&home, &["whoami", "break-glass"], "12ab\n");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("rolecall: ") && !l.contains("MFA code for"))
        .collect();
    assert_eq!(
        said,
        [
            "rolecall: break-glass: what was typed for arn:aws:iam::482167869816:mfa/demo is not a 6-digit MFA code"
        ],
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denial_of_a_chain_sending_tags_or_a_source_identity_names_the_actions() {
    let (_emu, home) = signed_in().await;
    let config = home.path().join("rolecall.toml");
    let mut text_config = std::fs::read_to_string(&config).unwrap();
    // vendor-monitoring trusts observability-prod with its external ID, but not sts:TagSession.
    text_config.push_str(
        "\n[[chains]]\nname = \"vendor-tagged\"\nsource = \"observability-prod/ReadOnlyAccess\"\nrole_arn = \"arn:aws:iam::249804992253:role/vendor-monitoring\"\nexternal_id = \"acme-7f3c9e21-monitoring\"\ntags = { team = \"platform\" }\nsource_identity = \"alice\"\n",
    );
    std::fs::write(&config, text_config).unwrap();
    let out = rolecall_with(&home, &["env", "vendor-tagged"], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sts:TagSession") && stderr.contains("sts:SetSourceIdentity"),
        "{stderr}"
    );
    // A chain that sends neither is not told about them.
    let out = rolecall_with(&home, &["env", "vendor-wrong-id"], "");
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains("sts:TagSession") && !stderr.contains("sts:SetSourceIdentity"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn user_in_a_session_name_is_the_login_name_when_user_is_not_set() {
    let (_emu, home) = home().await;
    // The environment `home.command` gives has no USER, USERNAME or LOGNAME.
    let login = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let login = text(&login.stdout).trim().to_owned();
    let out = home.command(BIN, &["whoami", "support"]).output().unwrap();
    assert_eq!(
        ok(&out).trim(),
        format!("arn:aws:sts::295922081140:assumed-role/support-readonly/ticket-4711-{login}")
    );
}

// A chain behind MFA whose kept credentials are inside the SDKs' refresh window (a 15-minute
// session): renewing would need a code, and credential-process never prompts for one there; it
// hands out the kept credentials and says why on stderr.
#[tokio::test(flavor = "multi_thread")]
async fn an_mfa_chain_inside_the_refresh_window_hands_out_the_kept_credentials() {
    let emu = start(&org()).await;
    let chains = format!(
        "{CHAINS}\n[[chains]]\nname = \"break-glass-short\"\nsource = \"security-audit/ReadOnlyAccess\"\nrole_arn = \"arn:aws:iam::482167869816:role/break-glass\"\nmfa_serial = \"{MFA_SERIAL}\"\nduration = \"15m\"\n"
    );
    let home = Home::new(&emu, AWS_PROFILES, &chains);
    home.login();
    let code = emu.mfa_code(MFA_SERIAL).unwrap();
    let first = ok(&rolecall_with(
        &home,
        &["credential-process", "break-glass-short"],
        &format!("{code}\n"),
    ));
    let assumed = emu.assumed().len();

    let out = rolecall_with(&home, &["credential-process", "break-glass-short"], "");
    assert_eq!(ok(&out), first, "the kept credentials");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "rolecall: break-glass-short: cannot renew the credentials that expire at"
        ) && stderr.contains("an MFA code from arn:aws:iam::482167869816:mfa/demo is needed"),
        "{stderr}"
    );
    assert!(!stderr.contains("MFA code for"), "no prompt: {stderr}");
    assert_eq!(
        emu.assumed().len(),
        assumed,
        "nothing assumed without a code"
    );
}
