//! A throwaway HOME for running the real `rolecall` binary against the emulator: an AWS CLI
//! config naming the emulator's identity center as `[sso-session acme]`, a rolecall config
//! keeping tokens in the file store, a `$BROWSER` that only leaves a mark, and the environment
//! that points everything at 127.0.0.1.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rolecall::emulator::Emulator;

use super::{REGION, START_URL, small_org_toml};

pub const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

pub struct Home {
    dir: tempfile::TempDir,
    url: String,
}

/// stdout or stderr as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The small org, approving every sign-in at once.
pub fn auto_approving_org() -> String {
    small_org_toml().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\napprove_after_seconds = 0",
    )
}

/// The whole environment rolecall runs in: HOME `home`, pointing at the emulator at `url`, logging
/// at debug level to `home/rolecall.log`, with the marker `$BROWSER` (`home/browser.sh`).
pub fn environment(home: &Path, url: &str) -> Vec<(&'static str, OsString)> {
    vec![
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
        ("HOME", home.into()),
        ("ROLECALL_CONFIG", home.join("rolecall.toml").into()),
        ("ROLECALL_LOG_FILE", home.join("rolecall.log").into()),
        ("ROLECALL_LOG", "debug".into()),
        ("AWS_ENDPOINT_URL", url.into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        (
            "ROLECALL_FEDERATION_URL",
            format!("{url}/federation").into(),
        ),
        ("BROWSER", home.join("browser.sh").into()),
    ]
}

/// `program args…` with a cleared environment: [`environment`] only.
pub fn command_in(home: &Path, url: &str, program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(environment(home, url))
        .stdin(Stdio::null());
    cmd
}

impl Home {
    /// The HOME; `aws_config_extra` is appended to ~/.aws/config, `rolecall_extra` to the
    /// rolecall config.
    pub fn new(emu: &Emulator, aws_config_extra: &str, rolecall_extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        std::fs::write(
            aws.join("config"),
            format!(
                "[sso-session acme]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n\
                 sso_registration_scopes = sso:account:access\n{aws_config_extra}"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("rolecall.toml"),
            format!("[storage]\nbackend = \"file\"\n{rolecall_extra}"),
        )
        .unwrap();
        let browser = dir.path().join("browser.sh");
        std::fs::write(
            &browser,
            format!(
                "#!/bin/sh\ntouch '{}'\n",
                dir.path().join("browser-opened").display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Self {
            dir,
            url: emu.url(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `program args…` in this HOME, with a cleared environment pointing at the emulator.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        command_in(self.path(), &self.url, program, args)
    }

    /// The environment `command` gives its programs.
    pub fn environment(&self) -> Vec<(&'static str, OsString)> {
        environment(self.path(), &self.url)
    }

    pub fn rolecall(&self, args: &[&str]) -> Output {
        self.command(BIN, args).output().unwrap()
    }

    /// Whether anything ran `$BROWSER`.
    pub fn browser_opened(&self) -> bool {
        self.path().join("browser-opened").exists()
    }

    /// rolecall's paths in this HOME (as the binary sees them with the cleared environment).
    pub fn paths(&self) -> rolecall::paths::Paths {
        let home = self.path().to_owned();
        rolecall::paths::Paths::from_lookup(|k| (k == "HOME").then(|| home.clone().into())).unwrap()
    }

    /// The catalog cache file of session `name`.
    pub fn catalog_cache(&self, name: &str) -> PathBuf {
        rolecall::catalog::CatalogCache::for_session(&self.paths(), name)
            .path()
            .to_owned()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path().join("rolecall.log")).unwrap_or_default()
    }

    /// Signs in with the device code (the emulator must approve on its own).
    pub fn login(&self) {
        let out = self.rolecall(&["login", "--device-code", "--no-browser"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    /// The AWS CLI's SSO token cache files.
    pub fn cache_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.path().join(".aws/sso/cache"))
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Starts `cmd` with stdin, stdout and stderr piped, and writes `stdin` to it.
pub fn with_stdin(mut cmd: Command, stdin: &str) -> std::process::Child {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child
}
