//! Where rolecall's and the AWS CLI's files live, from the environment (XDG on Unix).
//!
//! | what | where |
//! |---|---|
//! | config | `$ROLECALL_CONFIG`, else `$XDG_CONFIG_HOME/rolecall/config.toml`, else `~/.config/rolecall/config.toml` |
//! | cache (catalog) | `$XDG_CACHE_HOME/rolecall`, else `~/.cache/rolecall` |
//! | state (file secret store, log) | `$XDG_STATE_HOME/rolecall`, else `~/.local/state/rolecall` |
//! | AWS config | `$AWS_CONFIG_FILE`, else `~/.aws/config` |
//! | AWS credentials | `$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials` |
//! | AWS CLI SSO token cache | `~/.aws/sso/cache` |

use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub home: PathBuf,
    pub config_file: PathBuf,
    /// `config_file` was named by `$ROLECALL_CONFIG` (then it must exist).
    pub config_file_named: bool,
    pub cache_dir: PathBuf,
    pub state_dir: PathBuf,
    pub aws_config: PathBuf,
    pub aws_credentials: PathBuf,
    pub sso_cache_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot find your home directory: set HOME")]
pub struct NoHome;

impl Paths {
    /// From the process environment.
    pub fn from_env() -> Result<Self, NoHome> {
        Self::from_lookup(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
    }

    /// From any variable lookup (tests pass a map).
    pub fn from_lookup(env: impl Fn(&str) -> Option<OsString>) -> Result<Self, NoHome> {
        let home = env("HOME")
            .map(PathBuf::from)
            .or_else(dirs::home_dir)
            .ok_or(NoHome)?;
        let xdg = |var: &str, fallback: &[&str]| {
            env(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .unwrap_or_else(|| fallback.iter().fold(home.clone(), |p, part| p.join(part)))
                .join("rolecall")
        };
        let named = env("ROLECALL_CONFIG").map(PathBuf::from);
        let config_file_named = named.is_some();
        let config_file =
            named.unwrap_or_else(|| xdg("XDG_CONFIG_HOME", &[".config"]).join("config.toml"));
        let aws_dir = home.join(".aws");
        Ok(Self {
            config_file,
            config_file_named,
            cache_dir: xdg("XDG_CACHE_HOME", &[".cache"]),
            state_dir: xdg("XDG_STATE_HOME", &[".local", "state"]),
            aws_config: env("AWS_CONFIG_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| aws_dir.join("config")),
            aws_credentials: env("AWS_SHARED_CREDENTIALS_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| aws_dir.join("credentials")),
            sso_cache_dir: aws_dir.join("sso").join("cache"),
            home,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_under_home() {
        let p = Paths::from_lookup(lookup(&[("HOME", "/h")])).unwrap();
        assert_eq!(
            p.config_file,
            PathBuf::from("/h/.config/rolecall/config.toml")
        );
        assert_eq!(p.cache_dir, PathBuf::from("/h/.cache/rolecall"));
        assert_eq!(p.state_dir, PathBuf::from("/h/.local/state/rolecall"));
        assert_eq!(p.aws_config, PathBuf::from("/h/.aws/config"));
        assert_eq!(p.sso_cache_dir, PathBuf::from("/h/.aws/sso/cache"));
    }

    #[test]
    fn environment_overrides() {
        let p = Paths::from_lookup(lookup(&[
            ("HOME", "/h"),
            ("XDG_CONFIG_HOME", "/x/conf"),
            ("XDG_CACHE_HOME", "relative/ignored"),
            ("AWS_CONFIG_FILE", "/a/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/a/creds"),
        ]))
        .unwrap();
        assert_eq!(p.config_file, PathBuf::from("/x/conf/rolecall/config.toml"));
        assert_eq!(p.cache_dir, PathBuf::from("/h/.cache/rolecall"));
        assert_eq!(p.aws_config, PathBuf::from("/a/config"));
        assert_eq!(p.aws_credentials, PathBuf::from("/a/creds"));
        let p =
            Paths::from_lookup(lookup(&[("HOME", "/h"), ("ROLECALL_CONFIG", "/c.toml")])).unwrap();
        assert_eq!(p.config_file, PathBuf::from("/c.toml"));
    }
}
