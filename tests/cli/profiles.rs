//! `rolecall write` and `rolecall populate` with the AWS CLI as the peer: the real binary
//! against the emulator in a throwaway HOME; `aws sts get-caller-identity` reads what we wrote.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::cli_home::{BIN, auto_approving_org, text};
use common::*;
use rolecall::aws_files::ini_edit::{BLOCK_BEGIN, BLOCK_END, managed_block};
use rolecall::emulator::Emulator;

struct Home {
    dir: tempfile::TempDir,
    url: String,
}

/// `~/.aws/config` before rolecall touches it: an identity center, a comment, a CRLF-free
/// profile of the user's own, no final newline.
const CONFIG_HEAD: &str = "# my own config\n[default]\nregion = eu-west-1\n\n";

impl Home {
    fn new(emu: &Emulator) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        std::fs::write(
            aws.join("config"),
            format!(
                "{CONFIG_HEAD}[sso-session acme]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n\
                 sso_registration_scopes = sso:account:access\n\n; the user's own profile\n\
                 [profile mine]\nregion = ap-south-1"
            ),
        )
        .unwrap();
        std::fs::write(
            aws.join("credentials"),
            "# keys of another tool\n[saml]\naws_access_key_id = AKIASAML\r\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("rolecall.toml"),
            "[storage]\nbackend = \"file\"\n",
        )
        .unwrap();
        Self {
            dir,
            url: emu.url(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        common::cli_home::command_in(self.path(), &self.url, program, args)
    }

    fn rolecall(&self, args: &[&str]) -> Output {
        self.command(BIN, args).output().unwrap()
    }

    /// `aws sts get-caller-identity --profile NAME`: the caller's ARN.
    fn whoami(&self, profile: &str) -> String {
        let out = self
            .command(
                "aws",
                &[
                    "sts",
                    "get-caller-identity",
                    "--profile",
                    profile,
                    "--output",
                    "json",
                ],
            )
            .output()
            .expect("the AWS CLI (`aws`) must be installed: tests/run.sh installs it");
        assert!(
            out.status.success(),
            "aws --profile {profile}: {}",
            text(&out.stderr)
        );
        let who: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        who["Arn"].as_str().unwrap().to_owned()
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(".aws").join(name)).unwrap()
    }
}

async fn signed_in_home() -> (Emulator, Home) {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu);
    let out = home.rolecall(&["login", "--device-code"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (emu, home)
}

fn assert_no_secret_in_the_log(emu: &Emulator, home: &Home) {
    let log = std::fs::read_to_string(home.path().join("rolecall.log")).unwrap_or_default();
    for secret in emu.issued_secrets() {
        assert!(!log.contains(&secret), "a secret reached the log");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_written_profile_is_what_the_aws_cli_signs_with() {
    let (emu, home) = signed_in_home().await;
    let config_before = home.read("config");

    let out = home.rolecall(&[
        "write",
        "payments-dev/PowerUserAccess",
        "--profile",
        "dev",
        "--region",
        REGION,
    ]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(text(&out.stdout), "dev\n");
    assert!(
        stderr.contains("wrote profile dev for payments-dev/PowerUserAccess (expires in "),
        "{stderr}"
    );
    assert!(stderr.contains(&home.path().join(".aws/credentials").display().to_string()));

    let credentials = home.read("credentials");
    assert!(
        credentials.starts_with("# keys of another tool\n[saml]\naws_access_key_id = AKIASAML\r\n"),
        "{credentials}"
    );
    for key in [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "expiration",
    ] {
        assert!(
            credentials.contains(&format!("\n{key} = ")),
            "{key}: {credentials}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(home.path().join(".aws/credentials")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    // The region went into [profile dev] of the config, after everything that was there.
    let config = home.read("config");
    assert_eq!(
        config,
        format!("{config_before}\n\n[profile dev]\nregion = {REGION}\n")
    );

    assert!(
        home.whoami("dev")
            .starts_with("arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PowerUserAccess_"),
    );

    // The default name comes from the template; writing again replaces in place.
    let out = home.rolecall(&["write", "payments-prod/ReadOnlyAccess", "--region", REGION]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "payments-prod-ReadOnlyAccess\n");
    assert!(
        home.whoami("payments-prod-ReadOnlyAccess")
            .starts_with("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnlyAccess_"),
    );
    let out = home.rolecall(&["write", "payments-dev/PowerUserAccess", "--profile", "dev"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = home.read("credentials");
    assert_eq!(again.matches("[dev]").count(), 1, "{again}");
    assert_eq!(again.matches("aws_session_token").count(), 2, "{again}");

    // A target that names nothing: exit 2, the file untouched.
    let out = home.rolecall(&["write", "zzz-nothing"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(home.read("credentials"), again);
    assert_no_secret_in_the_log(&emu, &home);
}

#[tokio::test(flavor = "multi_thread")]
async fn populated_sso_profiles_work_with_the_cached_token() {
    let (emu, home) = signed_in_home().await;
    let config_before = home.read("config");

    let out = home.rolecall(&["populate"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let names: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(
        names,
        [
            "payments-dev-AdministratorAccess",
            "payments-dev-PowerUserAccess",
            "payments-dev-ReadOnlyAccess",
            "payments-prod-AdministratorAccess",
            "payments-prod-ReadOnlyAccess",
        ]
    );
    assert!(stderr.contains("acme: 5 profiles in "), "{stderr}");
    assert!(stderr.contains("(5 new, 0 removed)"), "{stderr}");

    let config = home.read("config");
    // Everything that was there is still there, byte for byte, then our block.
    let rest = config
        .strip_prefix(&config_before)
        .expect("the old config is kept");
    assert!(
        rest.starts_with(&format!("\n\n{BLOCK_BEGIN}\n")),
        "{rest:?}"
    );
    assert!(rest.ends_with(&format!("{BLOCK_END}\n")), "{rest:?}");
    let block = managed_block(&config).unwrap().unwrap();
    assert!(
        !block.contains("[sso-session"),
        "the file has one already: {block}"
    );
    assert!(
        block.contains(&format!(
            "[profile payments-prod-ReadOnlyAccess]\nsso_session = acme\nsso_account_id = 111111111111\n\
             sso_role_name = ReadOnlyAccess\nregion = {REGION}\n"
        )),
        "{block}"
    );

    assert!(
        home.whoami("payments-prod-ReadOnlyAccess")
            .starts_with("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnlyAccess_")
    );
    assert!(
        home.whoami("payments-dev-PowerUserAccess")
            .starts_with("arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PowerUserAccess_")
    );

    // Populating again changes nothing.
    let out = home.rolecall(&["populate", "--prune"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("(0 new, 0 removed)"));
    assert_eq!(home.read("config"), config);
    assert_no_secret_in_the_log(&emu, &home);
}

#[tokio::test(flavor = "multi_thread")]
async fn credential_process_profiles_name_this_binary_and_work() {
    let (_emu, home) = signed_in_home().await;
    let out = home.rolecall(&[
        "populate",
        "--credential-process",
        "--template",
        "cp-{account_id}-{role_name}",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .lines()
            .any(|l| l == "cp-222222222222-PowerUserAccess")
    );
    let program = std::fs::canonicalize(BIN).unwrap();
    let block = managed_block(&home.read("config")).unwrap().unwrap();
    assert!(
        block.contains(&format!(
            "[profile cp-222222222222-PowerUserAccess]\ncredential_process = {} credential-process \
             222222222222/PowerUserAccess --session acme\nregion = {REGION}\n",
            program.display()
        )),
        "{block}"
    );
    assert!(!block.contains("sso_session"), "{block}");
    // The AWS CLI runs it and signs with what it answers.
    assert!(
        home.whoami("cp-222222222222-PowerUserAccess")
            .starts_with("arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PowerUserAccess_")
    );
}

/// Flag values that cannot be written, and a section another tool wrote: exit 2, one line on
/// stderr saying why, both files untouched. `--force` replaces the other tool's section whole.
#[tokio::test(flavor = "multi_thread")]
async fn bad_flags_and_other_tools_sections_are_refused_with_the_files_untouched() {
    let (emu, home) = signed_in_home().await;
    let before = (home.read("config"), home.read("credentials"));
    for region in ["us-east-1\nfoo=bar", "", "a = b", "eu-west-1 "] {
        for args in [
            vec!["populate", "--region", region],
            vec!["write", "payments-dev/PowerUserAccess", "--region", region],
        ] {
            let out = home.rolecall(&args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("--region"), "{args:?}: {stderr}");
            assert_eq!((home.read("config"), home.read("credentials")), before);
        }
    }
    for profile in ["DEFAULT", "a\nb"] {
        let args = [
            "write",
            "payments-dev/PowerUserAccess",
            "--profile",
            profile,
        ];
        let out = home.rolecall(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{profile:?}: {}",
            text(&out.stderr)
        );
        assert_eq!((home.read("config"), home.read("credentials")), before);
    }

    // [saml] belongs to another tool.
    let args = ["write", "payments-dev/PowerUserAccess", "--profile", "saml"];
    let out = home.rolecall(&args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("[saml] was not written by rolecall") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(home.read("credentials"), before.1);

    let out = home.rolecall(&[args.as_slice(), &["--force", "--region", REGION]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let credentials = home.read("credentials");
    assert!(!credentials.contains("AKIASAML"), "{credentials}");
    assert!(
        credentials.contains("managed_by = rolecall"),
        "{credentials}"
    );
    assert!(
        home.whoami("saml")
            .starts_with("arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PowerUserAccess_"),
    );
    // Now it is ours: no --force needed.
    let out = home.rolecall(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_no_secret_in_the_log(&emu, &home);
}

/// `write --region` with a read-only `~/.aws/config`: the region cannot be written, so nothing
/// is (the credentials profile is not left behind without its region), and the message says why.
#[tokio::test(flavor = "multi_thread")]
async fn write_with_a_region_into_a_read_only_config_writes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let (_emu, home) = signed_in_home().await;
    let config = home.path().join(".aws").join("config");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = (home.read("config"), home.read("credentials"));
    let out = home.rolecall(&[
        "write",
        "payments-dev/PowerUserAccess",
        "--profile",
        "dev",
        "--region",
        REGION,
    ]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!((home.read("config"), home.read("credentials")), before);
}

/// config.toml's `[[chains]]` get `credential_process` profiles in the managed block, which the
/// AWS CLI (botocore) reads back; populating again changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn populate_writes_a_credential_process_profile_per_chain() {
    let (_emu, home) = signed_in_home().await;
    std::fs::write(
        home.path().join("rolecall.toml"),
        "[storage]\nbackend = \"file\"\n\n[[chains]]\nname = \"deploy\"\n\
         source = \"payments-prod/AdministratorAccess\"\n\
         role_arn = \"arn:aws:iam::222222222222:role/deploy\"\nregion = \"eu-central-1\"\n",
    )
    .unwrap();
    let out = home.rolecall(&["populate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).lines().any(|l| l == "deploy"),
        "{}",
        text(&out.stdout)
    );
    let program = std::fs::canonicalize(BIN).unwrap();
    let first = home.read("config");
    let block = managed_block(&first).unwrap().unwrap();
    assert!(
        block.contains(&format!(
            "[profile deploy]\ncredential_process = {} credential-process deploy\nregion = eu-central-1\n",
            program.display()
        )),
        "{block}"
    );
    let got = home
        .command(
            "aws",
            &[
                "configure",
                "get",
                "credential_process",
                "--profile",
                "deploy",
            ],
        )
        .output()
        .unwrap();
    assert_eq!(
        text(&got.stdout).trim(),
        format!("{} credential-process deploy", program.display()),
        "{}",
        text(&got.stderr)
    );
    let again = home.rolecall(&["populate"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(home.read("config"), first);
}
