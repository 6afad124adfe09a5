//! `rolecall demo`: the whole app against the built-in emulator, in a throwaway home, so a
//! newcomer sees everything with no AWS account and nothing of their own `~/.aws` is touched.

use std::collections::BTreeMap;

use super::context::Context;
use super::emulator_cmd::DEMO_ORG;
use super::{CliError, DemoArgs};
use crate::adapters::store_select::Backend;
use crate::config::Config;
use crate::config::file::{ConfigFile, SessionEntry};
use crate::emulator::{Emulator, Org, org_generate};
use crate::paths::Paths;

pub async fn run_demo(args: DemoArgs) -> Result<(), CliError> {
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
    file.import_aws_config = false;
    file.storage.backend = Backend::File;
    file.sso_sessions = vec![entry.clone()];
    let config = Config {
        chains: file.chain_specs(),
        file,
        source: None,
        sessions: vec![entry.to_session()],
        endpoints: BTreeMap::from([("demo".to_owned(), emulator.url())]),
    };
    tracing::info!(url = %emulator.url(), "demo emulator started");
    let ctx = Context::with(paths, config);
    let result = super::app_cmd::run_app(ctx, Some("demo")).await;
    drop(emulator);
    drop(home);
    result
}
