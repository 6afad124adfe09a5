//! `rolecall emulator`: the local IAM Identity Center + STS in the foreground.

use std::io::Write;

use super::{CliError, EmulatorArgs};
use crate::emulator::{Api, Emulator, Org, org_generate};

/// The organization `rolecall emulator` and `rolecall demo` serve when given no file.
pub(crate) const DEMO_ORG: &str = include_str!("../../assets/demo-org.toml");

/// Builds the org the arguments ask for.
pub(crate) fn org_for(args: &EmulatorArgs) -> Result<Org, CliError> {
    let mut org = match (&args.org, args.accounts) {
        (Some(path), _) => Org::load(path)?,
        (None, Some(0)) => return Err(CliError::Usage("--accounts must be at least 1".into())),
        (None, Some(n)) => org_generate::generate(n, 42),
        (None, None) => Org::parse(DEMO_ORG, "assets/demo-org.toml")?,
    };
    if let Some(after) = args.approve_after {
        if !(after >= 0.0 && after.is_finite()) {
            return Err(CliError::Usage(
                "--approve-after takes seconds, 0 or more".into(),
            ));
        }
        org.settings.approve_after_seconds = Some(after);
    }
    if let Some(rps) = args.rate_limit {
        if !(rps > 0.0 && rps.is_finite()) {
            return Err(CliError::Usage(
                "--rate-limit takes a positive number of requests per second".into(),
            ));
        }
        org.faults.rate_limit_rps = Some(rps);
    }
    if let Some(ms) = args.latency_ms {
        for api in [
            Api::ListAccounts,
            Api::ListAccountRoles,
            Api::GetRoleCredentials,
            Api::Logout,
        ] {
            org.faults.latency_ms.insert(api.name().to_owned(), ms);
        }
    }
    Ok(org)
}

/// The `export` lines that point an AWS SDK or the AWS CLI at a running emulator.
pub(crate) fn exports(emulator: &Emulator) -> Vec<String> {
    let mut lines = vec![
        format!("export AWS_ENDPOINT_URL={}", emulator.url()),
        format!("export AWS_REGION={}", emulator.region()),
        format!("export AWS_DEFAULT_REGION={}", emulator.region()),
        "export AWS_EC2_METADATA_DISABLED=true".to_owned(),
    ];
    if let Some(start_url) = emulator.start_url() {
        lines.push(format!("export ROLECALL_SSO_START_URL={start_url}"));
    }
    lines.push(format!("export ROLECALL_EMULATOR_URL={}", emulator.url()));
    lines
}

pub(crate) fn run(args: EmulatorArgs) -> Result<(), CliError> {
    let org = org_for(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    runtime.block_on(async move {
        let accounts = org.accounts.len();
        let emulator = Emulator::start(org, args.port).await?;
        let mut stdout = std::io::stdout().lock();
        for line in exports(&emulator) {
            let _ = writeln!(stdout, "{line}");
        }
        let _ = stdout.flush();
        drop(stdout);
        note!(
            "rolecall emulator: {accounts} accounts on {url}; approve sign-ins at {url}/device; Ctrl-C stops it",
            url = emulator.url()
        );
        emulator.run_until(shutdown_signal()).await;
        Ok(())
    })
}

/// Resolves on Ctrl-C, SIGTERM or SIGHUP.
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let hup = signal(SignalKind::hangup());
        match (term, hup) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
