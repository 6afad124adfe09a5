//! botocore as the oracle of what the AWS CLI reads from `~/.aws` files we wrote.

use std::path::Path;
use std::process::Command;

/// What botocore reads as `[sso-session NAME]` of the config file `config`: (start URL, region,
/// scopes), or None when it has no such section.
pub fn sso_session(config: &Path, name: &str) -> Option<(String, String, String)> {
    let mut python = Command::new("python3");
    python
        .args([
            "-c",
            "import json,sys,botocore.session\n\
             s=botocore.session.Session().full_config.get('sso_sessions',{}).get(sys.argv[1])\n\
             print(json.dumps(s and [s.get('sso_start_url'),s.get('sso_region'),s.get('sso_registration_scopes')]))",
            name,
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", config.parent().unwrap_or(config))
        .env("AWS_CONFIG_FILE", config);
    serde_json::from_value(json_of(&mut python)).unwrap()
}

/// Runs a `python3` command that prints one JSON value (botocore's reading of something) and
/// returns the value; a failure (botocore missing, its exception) fails the test with stderr.
pub fn json_of(python: &mut Command) -> serde_json::Value {
    let out = python
        .output()
        .expect("python3 with botocore (tests/run.sh installs awscli)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
