//! `rolecall demo`: the whole app against the built-in emulator, in a throwaway home, so a
//! newcomer sees everything with no AWS account and nothing of their own `~/.aws` is touched.

use super::emulator_cmd::DEMO_ORG;
use super::{CliError, DemoArgs};
use crate::config::Config;
use crate::emulator::{Emulator, Org, org_generate};
use crate::paths::Paths;

pub(crate) async fn run_demo(args: DemoArgs) -> Result<(), CliError> {
    let mut org = match args.accounts {
        Some(0) => return Err(CliError::Usage("--accounts must be at least 1".into())),
        Some(n) => org_generate::generate(n, 42),
        None => Org::parse(DEMO_ORG, "assets/demo-org.toml")?,
    };
    if org.settings.approve_after_seconds.is_none() {
        org.settings.approve_after_seconds = Some(3.0);
    }
    let emulator = Emulator::start(org, 0).await?;
    let home = tempfile::Builder::new()
        .prefix("rolecall-demo-")
        .tempdir()
        .map_err(|e| CliError::Other(format!("cannot make a throwaway home: {e}")))?;
    let home_path = home.path().to_path_buf();
    let paths =
        Paths::from_lookup(|name| (name == "HOME").then(|| home_path.clone().into_os_string()))
            .map_err(|e| CliError::Other(e.to_string()))?;
    // The demo's configuration is a real config.toml in the throwaway home, so that a
    // `rolecall` started inside the demo (a `credential_process` profile) reads it too.
    let text = demo_config(
        emulator.start_url().unwrap_or_default(),
        emulator.region(),
        &emulator.url(),
        args.accounts.is_none(),
    );
    crate::adapters::atomic_file::write_atomic(&paths.config_file, text.as_bytes(), 0o600)
        .map_err(|e| CliError::Other(format!("cannot write the demo's config: {e}")))?;
    let config = Config::load(&paths)?;
    tracing::info!(url = %emulator.url(), "demo emulator started");
    let child_env = demo_child_env(&emulator.url(), &paths);
    let ctx = super::context::with(paths, config);
    let result = super::app_cmd::run_app_with(ctx, Some("demo"), child_env).await;
    drop(emulator);
    drop(home);
    result
}

/// What the demo's subshell and actions need so the AWS CLI and SDKs inside them reach the
/// demo's emulator (not AWS) and read the demo's own AWS files (where "write a profile" wrote),
/// and a `rolecall` inside them (a `credential_process` profile) reads the demo's config and
/// kept sign-in.
fn demo_child_env(url: &str, paths: &Paths) -> Vec<(String, std::ffi::OsString)> {
    let home = &paths.home;
    vec![
        ("AWS_ENDPOINT_URL".to_owned(), url.into()),
        (
            "ROLECALL_CONFIG".to_owned(),
            paths.config_file.clone().into_os_string(),
        ),
        (
            "XDG_STATE_HOME".to_owned(),
            home.join(".local").join("state").into_os_string(),
        ),
        (
            "XDG_CACHE_HOME".to_owned(),
            home.join(".cache").into_os_string(),
        ),
        (
            "AWS_CONFIG_FILE".to_owned(),
            paths.aws_config.clone().into_os_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".to_owned(),
            paths.aws_credentials.clone().into_os_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".into()),
    ]
}

/// The demo's config.toml: its identity center at the emulator, tokens in a file (no keyring
/// prompt), nothing read from the AWS CLI's files, and (for the built-in organisation) its
/// chains.
fn demo_config(start_url: &str, region: &str, url: &str, chains: bool) -> String {
    let chains = if chains { DEMO_CHAINS } else { "" };
    format!(
        "import_aws_config = false\n\n[storage]\nbackend = \"file\"\n\n[[sso_sessions]]\n\
         name = \"demo\"\nstart_url = {start_url:?}\nregion = {region:?}\n\
         endpoint_url = {url:?}\n{chains}"
    )
}

/// The demo organisation's chains: a capped cross-account deploy, a two-hop chain into the
/// registry, a third-party role with an external ID, and break glass behind MFA, which asks
/// for its code as a real device's chain does (`rolecall demo-mfa-code` prints it).
const DEMO_CHAINS: &str = r#"
[[chains]]
name = "etl-deployer"
source = "tools-ci/DevOps"
role_arn = "arn:aws:iam::406881644574:role/etl-deployer"
duration = "4h"

[[chains]]
name = "ecr-push"
source_chain = "etl-deployer"
role_arn = "arn:aws:iam::909061163445:role/ecr-push"

[[chains]]
name = "vendor-monitoring"
source = "observability-prod/ReadOnlyAccess"
role_arn = "arn:aws:iam::249804992253:role/vendor-monitoring"
external_id = "acme-7f3c9e21-monitoring"

[[chains]]
name = "break-glass"
source = "security-audit/ReadOnlyAccess"
role_arn = "arn:aws:iam::482167869816:role/break-glass"
mfa_serial = "arn:aws:iam::482167869816:mfa/demo"
"#;

/// The demo's MFA device (the break-glass chain's `mfa_serial` above).
pub(crate) const DEMO_MFA: &str = "arn:aws:iam::482167869816:mfa/demo";

/// Prints the current code of an emulator MFA device whose secret is derived from its serial.
pub(crate) fn print_mfa_code(serial: &str) -> Result<(), CliError> {
    let device = crate::emulator::org::MfaDevice {
        serial: serial.to_owned(),
        secret: None,
    };
    let code = crate::emulator::mfa::code_at(&device, std::time::SystemTime::now())
        .ok_or_else(|| CliError::Other("no code for that device".into()))?;
    say!("{code}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::ConfigFile;

    #[test]
    fn the_demo_config_names_the_emulator_a_file_store_and_the_chains() {
        let text = demo_config(
            "http://127.0.0.1:9/start",
            "eu-west-1",
            "http://127.0.0.1:9",
            true,
        );
        let file = ConfigFile::parse(&text).unwrap();
        assert!(!file.import_aws_config);
        assert_eq!(
            file.storage.backend,
            crate::adapters::store_select::Backend::File
        );
        let session = &file.sso_sessions[0];
        assert_eq!(session.name, "demo");
        assert_eq!(session.endpoint_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(file.chains.len(), 4);
        let generated = demo_config("https://x/start", "us-east-1", "http://127.0.0.1:9", false);
        assert!(ConfigFile::parse(&generated).unwrap().chains.is_empty());
    }
}
