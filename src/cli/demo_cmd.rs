//! `rolecall demo`: the whole app against the built-in emulator, in a throwaway home, so a
//! newcomer sees everything with no AWS account and nothing of their own `~/.aws` is touched.

use std::collections::BTreeMap;

use super::emulator_cmd::DEMO_ORG;
use super::{CliError, DemoArgs};
use crate::adapters::store_select::Backend;
use crate::config::Config;
use crate::config::file::{ConfigFile, SessionEntry};
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
    let entry = SessionEntry {
        name: "demo".into(),
        start_url: emulator.start_url().unwrap_or_default().to_owned(),
        region: emulator.region().to_owned(),
        scopes: vec![crate::core::sso::ACCOUNT_ACCESS_SCOPE.to_owned()],
        endpoint_url: Some(emulator.url()),
    };
    let mut file = ConfigFile::default_enabled();
    // The chains name the built-in organisation's accounts and roles.
    if args.accounts.is_none() {
        file.chains = demo_chains()?;
    }
    file.import_aws_config = false;
    file.storage.backend = Backend::File;
    file.sso_sessions = vec![entry.clone()];
    let config = Config {
        chains: file.chain_specs(),
        file,
        source: None,
        sessions: vec![entry.to_session()],
        endpoints: BTreeMap::from([("demo".to_owned(), emulator.url())]),
        aliases: BTreeMap::new(),
        notices: Vec::new(),
        profile_regions: Vec::new(),
    };
    tracing::info!(url = %emulator.url(), "demo emulator started");
    let child_env = demo_child_env(&emulator.url(), &paths);
    let ctx = super::context::with(paths, config);
    let result = super::app_cmd::run_app_with(ctx, Some("demo"), child_env).await;
    drop(emulator);
    drop(home);
    result
}

/// What the demo's subshell and actions need so the AWS CLI and SDKs inside them reach the
/// demo's emulator (not AWS) and read the demo's own AWS files (where "write a profile" wrote).
fn demo_child_env(url: &str, paths: &Paths) -> Vec<(String, std::ffi::OsString)> {
    vec![
        ("AWS_ENDPOINT_URL".to_owned(), url.into()),
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

/// The demo organisation's chains: a capped cross-account deploy, a two-hop chain into the
/// registry, a third-party role with an external ID, and break glass behind MFA, which asks
/// for its code as a real device's chain does (`rolecall demo-mfa-code` prints it).
fn demo_chains() -> Result<Vec<crate::config::chains::ChainEntry>, CliError> {
    let text = format!(
        r#"
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
mfa_serial = "{DEMO_MFA}"
"#
    );
    ConfigFile::parse(&text)
        .map(|f| f.chains)
        .map_err(|(line, cause)| CliError::Other(format!("demo chains:{line}: {cause}")))
}

/// The demo's MFA device.
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
