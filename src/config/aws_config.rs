//! Zero-config start: the identity centers and assume-role profiles the AWS CLI already knows,
//! from `~/.aws/config` (and the profile names of `~/.aws/credentials`).
//!
//! Every complete `[sso-session NAME]` and every legacy profile with its own `sso_start_url` is
//! an identity center — ONE per start URL (compared after [`start_url_key`]): a legacy profile
//! whose start URL an `[sso-session]` or an earlier legacy profile already has is an alias of
//! that identity center. Nothing in these files stops rolecall: what botocore would refuse and
//! what rolecall cannot use is skipped with a one-line notice `file:line: why`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::ini::{self, Section};
use super::profile_map;
use crate::core::chain::ChainSpec;
use crate::core::sso::{ACCOUNT_ACCESS_SCOPE, SsoSession};

/// Why `~/.aws/config` could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum AwsConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// What the AWS CLI's files give rolecall.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsConfig {
    pub sessions: Vec<SsoSession>,
    pub chains: Vec<ChainSpec>,
    /// Other names of an identity center (a legacy profile sharing its start URL) → its name.
    pub aliases: BTreeMap<String, String>,
    /// One line each (`file:line: why`) for what was skipped.
    pub notices: Vec<String>,
    /// The `region` of the user's SSO profiles (not rolecall's managed ones).
    pub profile_regions: Vec<super::profile_regions::ProfileRegion>,
}

/// A file's text, or `None` when there is no file. Bytes that are not UTF-8 are replaced (with
/// a notice: botocore refuses such a file).
fn read_text(path: &Path, notices: &mut Vec<String>) -> Result<Option<String>, AwsConfigError> {
    match crate::adapters::read_file::read(path, crate::adapters::read_file::CONFIG_LIMIT) {
        Ok(bytes) => Ok(Some(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let line = text[..e.utf8_error().valid_up_to()].matches('\n').count() + 1;
                notices.push(format!(
                    "{}:{line}: not UTF-8, which the AWS CLI refuses; read as far as it goes",
                    path.display()
                ));
                text
            }
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(AwsConfigError::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// Reads the AWS config file (`config`) and the section names of the credentials file
/// (`credentials`); a missing file is an empty one.
pub fn load_all(config: &Path, credentials: &Path) -> Result<AwsConfig, AwsConfigError> {
    let mut notices = Vec::new();
    let text = read_text(config, &mut notices)?.unwrap_or_default();
    let creds = ini::read(&read_text(credentials, &mut notices)?.unwrap_or_default());
    let shown = credentials.display();
    notices.extend(
        creds
            .problems
            .iter()
            .map(|p| format!("{shown}:{}: {}", p.line, p.cause)),
    );
    let credential_profiles: BTreeSet<String> =
        creds.sections.into_iter().map(|s| s.name).collect();
    let mut found = from_text(&text, &config.display().to_string(), &credential_profiles);
    notices.append(&mut found.notices);
    found.notices = notices;
    Ok(found)
}

/// Reads AWS config text; `origin` names it in notices; `credential_profiles` are the
/// sections of the credentials file (where a `source_profile` may point).
pub fn from_text(text: &str, origin: &str, credential_profiles: &BTreeSet<String>) -> AwsConfig {
    let parsed = ini::read(text);
    let mut notices: Vec<String> = parsed
        .problems
        .iter()
        .map(|p| format!("{origin}:{}: {}", p.line, p.cause))
        .collect();
    let (sessions, aliases) = identity_centers(&parsed.sections, origin, &mut notices);
    let chains = super::chains::from_aws_profiles(
        &parsed.sections,
        &super::chains::Known {
            origin,
            sessions: &sessions,
            aliases: &aliases,
            credential_profiles,
        },
        &mut notices,
    );
    AwsConfig {
        sessions,
        chains,
        aliases,
        notices,
        profile_regions: super::profile_regions::from_sections(text, &parsed.sections),
    }
}

/// A start URL for comparison: scheme and host lower-cased, a trailing `#/`, `#` and `/`
/// dropped (`https://Acme.awsapps.com/start/#/` is `https://acme.awsapps.com/start`).
pub fn start_url_key(url: &str) -> String {
    let url = url.trim();
    let url = url
        .strip_suffix("#/")
        .or_else(|| url.strip_suffix('#'))
        .unwrap_or(url);
    let url = url.trim_end_matches('/');
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    format!(
        "{}://{}{path}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    )
}

/// Every section that wins for its name (botocore: the later one, whole), in file order.
fn winners<'a>(
    sections: &'a [Section],
    named: &BTreeMap<String, &'a Section>,
) -> Vec<(String, &'a Section)> {
    let mut out: Vec<(String, &Section)> =
        named.iter().map(|(name, s)| (name.clone(), *s)).collect();
    let at = |s: &Section| sections.iter().position(|x| std::ptr::eq(x, s));
    out.sort_by_key(|(_, s)| at(s));
    out
}

fn identity_centers(
    sections: &[Section],
    origin: &str,
    notices: &mut Vec<String>,
) -> (Vec<SsoSession>, BTreeMap<String, String>) {
    let mut sessions: Vec<SsoSession> = Vec::new();
    let mut aliases = BTreeMap::new();
    let mut skip = |section: &Section, what: String| {
        notices.push(format!(
            "{origin}:{}: {what}; rolecall skips it",
            section.line
        ));
    };
    for (name, section) in winners(sections, &profile_map::sso_sessions(sections)) {
        let (Some(start_url), Some(region)) =
            (section.get("sso_start_url"), section.get("sso_region"))
        else {
            let missing = if section.get("sso_start_url").is_none() {
                "sso_start_url"
            } else {
                "sso_region"
            };
            skip(section, format!("[sso-session {name:?}] has no {missing}"));
            continue;
        };
        let scopes: Vec<String> = section
            .get("sso_registration_scopes")
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_else(|| vec![ACCOUNT_ACCESS_SCOPE.to_owned()]);
        let key = start_url_key(start_url);
        if let Some(same) = sessions.iter().find(|s| start_url_key(&s.start_url) == key) {
            aliases.insert(name, same.name.clone());
            continue;
        }
        sessions.push(SsoSession {
            name,
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes,
            legacy: false,
        });
    }
    for (name, section) in winners(sections, &profile_map::profiles(sections)) {
        if section.get("sso_session").is_some() {
            continue;
        }
        let Some(start_url) = section.get("sso_start_url") else {
            continue;
        };
        let key = start_url_key(start_url);
        if let Some(same) = sessions.iter().find(|s| start_url_key(&s.start_url) == key) {
            aliases.insert(name, same.name.clone());
            continue;
        }
        let Some(region) = section.get("sso_region") else {
            skip(
                section,
                format!("profile {name:?} has sso_start_url but no sso_region"),
            );
            continue;
        };
        sessions.push(SsoSession {
            name,
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes: Vec::new(),
            legacy: true,
        });
    }
    (sessions, aliases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::chain::{ChainOrigin, ChainSource, duration};
    use pretty_assertions::assert_eq;

    fn read(text: &str) -> AwsConfig {
        from_text(text, "/h/.aws/config", &BTreeSet::new())
    }

    #[test]
    fn sso_sessions_and_legacy_profiles() {
        let text = "\
[default]
region = us-east-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 111111111111

[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 2
sso_role_name = R

[profile old2]
sso_start_url = https://OLD.awsapps.com/start/#/
sso_region = us-west-2

[profile migrating]
sso_start_url = https://acme.awsapps.com/start/
sso_region = eu-west-1
";
        let found = read(text);
        assert_eq!(
            found.sessions,
            vec![
                SsoSession {
                    name: "acme".into(),
                    start_url: "https://acme.awsapps.com/start".into(),
                    region: "eu-west-1".into(),
                    scopes: vec!["sso:account:access".into()],
                    legacy: false,
                },
                SsoSession {
                    name: "old".into(),
                    start_url: "https://old.awsapps.com/start".into(),
                    region: "us-west-2".into(),
                    scopes: vec![],
                    legacy: true,
                },
            ]
        );
        assert_eq!(
            found.aliases,
            BTreeMap::from([
                ("migrating".to_owned(), "acme".to_owned()),
                ("old2".to_owned(), "old".to_owned()),
            ])
        );
        assert_eq!(found.notices, Vec::<String>::new());
    }

    #[test]
    fn start_urls_compare_without_case_of_host_slash_or_fragment() {
        for same in [
            "https://acme.awsapps.com/start",
            "https://ACME.awsapps.com/start/",
            "https://acme.awsapps.com/start#/",
            "HTTPS://acme.awsapps.com/start/#/",
            " https://acme.awsapps.com/start# ",
        ] {
            assert_eq!(
                start_url_key(same),
                "https://acme.awsapps.com/start",
                "{same}"
            );
        }
        assert_ne!(
            start_url_key("https://acme.awsapps.com/Start"),
            start_url_key("https://acme.awsapps.com/start")
        );
    }

    #[test]
    fn an_incomplete_sso_session_is_skipped_with_its_line() {
        let found = read(
            "[sso-session half]\nsso_start_url = https://half.awsapps.com/start\n[sso-session ok]\nsso_start_url = https://ok.awsapps.com/start\nsso_region = us-east-1\n",
        );
        assert_eq!(found.sessions.len(), 1);
        assert_eq!(
            found.notices,
            ["/h/.aws/config:1: [sso-session \"half\"] has no sso_region; rolecall skips it"]
        );
    }

    #[test]
    fn a_malformed_line_is_a_notice_and_the_rest_is_read() {
        let found = read(
            "[profile a]\nregion us-east-1\n[sso-session x] # note\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n",
        );
        assert_eq!(found.sessions.len(), 1);
        assert_eq!(found.notices.len(), 1);
        assert!(
            found.notices[0].starts_with("/h/.aws/config:2: "),
            "{:?}",
            found.notices
        );
    }

    #[test]
    fn what_botocore_refuses_in_either_file_is_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let credentials = dir.path().join("credentials");
        std::fs::write(&config, b"[profile a]\nregion = caf\xe9\n[profile b]\n").unwrap();
        std::fs::write(&credentials, "[ci]\nk = 1\n[ci]\nk = 2\n").unwrap();
        let found = load_all(&config, &credentials).unwrap();
        assert_eq!(
            found.notices,
            [
                format!(
                    "{}:2: not UTF-8, which the AWS CLI refuses; read as far as it goes",
                    config.display()
                ),
                format!(
                    "{}:3: [\"ci\"] appears again (first at line 1); the AWS CLI refuses the file",
                    credentials.display()
                ),
                format!(
                    "{}:4: \"k\" is set twice in this section (first at line 2); the AWS CLI refuses the file",
                    credentials.display()
                ),
            ]
        );
    }

    #[test]
    fn missing_files_are_empty() {
        let found = load_all(
            Path::new("/nonexistent/aws/config"),
            Path::new("/nonexistent/aws/credentials"),
        )
        .unwrap();
        assert_eq!(found, AwsConfig::default());
    }

    /// Chains read from the AWS CLI's profiles (the rules are `super::chains`'s).
    fn aws(text: &str) -> (Vec<ChainSpec>, Vec<String>) {
        let found = from_text(
            text,
            "/h/.aws/config",
            &BTreeSet::from(["jenkins".to_owned()]),
        );
        (found.chains, found.notices)
    }

    #[test]
    fn aws_cli_profiles_become_chains() {
        let text = "\
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
[profile sso-tools]
sso_session = acme
sso_account_id = 764289909412
sso_role_name = DevOps
[profile deploy]
role_arn = arn:aws:iam::406881644574:role/etl-deployer
source_profile = sso-tools
duration_seconds = 3600
[profile push]
role_arn = arn:aws:iam::909061163445:role/ecr-push
source_profile = deploy
role_session_name = ci
[profile reader]
role_arn = arn:aws:iam::295922081140:role/s3-reader
source_profile = jenkins
mfa_serial = arn:aws:iam::764289909412:mfa/jenkins
[profile env]
role_arn = arn:aws:iam::295922081140:role/s3-reader
credential_source = Environment
";
        let (chains, notices) = aws(text);
        assert_eq!(notices, Vec::<String>::new());
        let by_name = |n: &str| chains.iter().find(|c| c.name == n).unwrap();
        assert_eq!(chains.len(), 4, "{chains:?}");
        assert!(matches!(
            &by_name("deploy").source,
            ChainSource::Sso { session: Some(s), account, role }
                if s == "acme" && account == "764289909412" && role == "DevOps"
        ));
        assert_eq!(by_name("push").source, ChainSource::Chain("deploy".into()));
        assert_eq!(by_name("push").session_name.as_deref(), Some("ci"));
        assert_eq!(
            by_name("reader").source,
            ChainSource::Profile("jenkins".into())
        );
        assert!(by_name("reader").mfa_serial.is_some());
        assert_eq!(by_name("env").source, ChainSource::Environment);
        assert!(chains.iter().all(|c| c.origin == ChainOrigin::AwsProfile));
    }

    /// One unusable profile never stops the others: it is skipped with its file, line and
    /// why, and so is every profile chained from it.
    #[test]
    fn unusable_profiles_are_skipped_with_their_line_and_so_are_their_children() {
        let text = include_str!("../../tests/fixtures/aws_config_corpus/unusable_profiles.ini");
        let (chains, notices) = aws(text);
        assert_eq!(
            chains.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["reader"]
        );
        let f = "/h/.aws/config";
        assert_eq!(
            notices,
            [
                format!(
                    "{f}:3: profile \"web\" is skipped: it assumes its role with a web identity token (web_identity_token_file), which rolecall does not support"
                ),
                format!(
                    "{f}:6: profile \"web-child\" is skipped: its source_profile \"web\" is skipped"
                ),
                format!(
                    "{f}:9: profile \"imds\" is skipped: credential_source = EcsContainer is not supported by rolecall (it never calls the instance metadata service); use Environment or a source profile"
                ),
                format!(
                    "{f}:13: profile \"long\" is skipped: duration_seconds = 50000: {}",
                    duration::check_range(50_000).unwrap_err()
                ),
                format!(
                    "{f}:16: profile \"long-grandchild\" is skipped: its source_profile \"long-child\" is skipped"
                ),
                format!(
                    "{f}:19: profile \"long-child\" is skipped: its source_profile \"long\" is skipped"
                ),
                format!(
                    "{f}:22: profile \"loop-a\" is skipped: its source_profile \"loop-b\" is skipped"
                ),
                format!(
                    "{f}:25: profile \"loop-b\" is skipped: its source_profile leads round in a circle (loop-a -> loop-b -> loop-a)"
                ),
                format!(
                    "{f}:28: profile \"nowhere\" is skipped: its source_profile \"missing\" is in neither the config nor the credentials file"
                ),
            ]
        );
    }
}
