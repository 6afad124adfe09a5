//! Our reader of `~/.aws/config` and `~/.aws/credentials` against botocore, the AWS CLI's own:
//! every file of tests/fixtures/aws_config_corpus/ (odd but mostly legal: comments after
//! headers, indented keys, nested blocks, CRLF, a BOM, unicode, `[DEFAULT]`, quoted names…) and
//! a few hundred generated ones are read by both (one `python3` call for all of them). Where
//! botocore reads a file we read the same sections, keys and values, the same profiles and the
//! same sso-sessions; where it refuses one we refuse it too, at the same line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pretty_assertions::assert_eq;
use rolecall::config::ini;
use rolecall::config::profile_map;
use serde_json::{Value, json};

fn corpus() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws_config_corpus");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ini"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus is there: {}", files.len());
    files
}

const ORACLE: &str = r#"
import sys, json, configparser
import botocore.configloader as c, botocore.exceptions as x
out = []
for p in sys.argv[1:]:
    try:
        raw = c.raw_config_parse(p)
    except x.ConfigParseError as e:
        err = e.kwargs.get("error")
        line = getattr(err, "lineno", None)
        if line is None and isinstance(err, configparser.ParsingError):
            line = err.errors[0][0]
        out.append({"refused": str(err), "line": line})
        continue
    m = c.build_profile_map(raw)
    out.append({
        "raw": raw,
        "profiles": {k: sorted(v) for k, v in m["profiles"].items()},
        "sso_sessions": sorted(m["sso_sessions"]),
    })
print(json.dumps(out))
"#;

/// botocore's reading of each file.
fn botocore(paths: &[PathBuf]) -> Vec<Value> {
    let mut python = Command::new("python3");
    python
        .arg("-c")
        .arg(ORACLE)
        .args(paths)
        .env("PYTHONUTF8", "1");
    let all: Vec<Value> =
        serde_json::from_value(crate::common::botocore::json_of(&mut python)).unwrap();
    assert_eq!(all.len(), paths.len());
    all
}

/// Our reading of a file, in botocore's shape.
fn ours(text: &str) -> Value {
    let sections = match ini::parse(text) {
        Ok(sections) => sections,
        Err(e) => return json!({ "refused": e.cause, "line": e.line }),
    };
    let mut raw = BTreeMap::new();
    for section in &sections {
        let keys: BTreeMap<&str, Value> = section
            .entries
            .iter()
            .map(|e| {
                let value = match ini::nested(&e.value) {
                    Some(Ok(pairs)) => json!(pairs.into_iter().collect::<BTreeMap<_, _>>()),
                    Some(Err(bad)) => json!({ "unreadable nested line": bad }),
                    None => json!(e.value),
                };
                (e.key.as_str(), value)
            })
            .collect();
        raw.insert(section.name.clone(), json!(keys));
    }
    let profiles: BTreeMap<String, Vec<&str>> = profile_map::profiles(&sections)
        .into_iter()
        .map(|(name, s)| {
            let mut keys: Vec<&str> = s.entries.iter().map(|e| e.key.as_str()).collect();
            keys.sort_unstable();
            (name, keys)
        })
        .collect();
    let sso_sessions: Vec<String> = profile_map::sso_sessions(&sections).into_keys().collect();
    json!({ "raw": raw, "profiles": profiles, "sso_sessions": sso_sessions })
}

/// Compares both readings of each `(name, text)`; returns how many botocore refused.
fn differential(files: &[(String, String)]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, (_, text))| {
            let path = dir.path().join(format!("{i}.ini"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let theirs = botocore(&paths);
    let mut refused = 0;
    let mut differ = Vec::new();
    for ((name, text), theirs) in files.iter().zip(theirs) {
        let ours = ours(text);
        let same = if theirs.get("refused").is_some() {
            refused += 1;
            // Where botocore names the line, we name the same one.
            ours.get("refused").is_some()
                && (theirs["line"].is_null() || ours["line"] == theirs["line"])
        } else {
            ours == theirs
        };
        if !same {
            differ.push(format!(
                "{name}: {text:?}\n  ours:     {ours}\n  botocore: {theirs}"
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} files read otherwise than botocore reads them:\n{}",
        differ.len(),
        files.len(),
        differ.join("\n")
    );
    refused
}

#[test]
fn the_corpus_reads_as_botocore_reads_it() {
    let files = corpus();
    let refused = differential(&files);
    eprintln!("botocore refused {refused} of {} corpus files", files.len());
    assert!(
        (5..20).contains(&refused),
        "some of the corpus is refused by botocore, most is not: {refused}"
    );
}

/// A tiny deterministic generator (xorshift), so a failure names a reproducible file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const HEADERS: &[&str] = &[
    "default",
    "profile {}",
    "profile  {} ",
    "profile\t{}",
    "profile \"{} x\"",
    "sso-session {}",
    "services {}",
    "{}",
    "plugins",
    "preview",
    "DEFAULT",
    "profile {} extra",
];
const AFTER_HEADER: &[&str] = &["", "", "", " # note", "\t; c", ";c", " #[x]"];
const KEYS: &[&str] = &[
    "region",
    "Region",
    "output",
    "sso_start_url",
    "sso_region",
    "sso_session",
    "role_arn",
    "source_profile",
    "credential_process",
    "cli_pager",
    "my key",
    "AWS_ACCESS_KEY_ID",
];
const SEPARATORS: &[&str] = &[" = ", "=", " =", "= ", ": ", ":", " \t= \t"];
const VALUES: &[&str] = &[
    "us-east-1",
    "",
    "json",
    "a=b",
    "x # not a comment",
    "y ; neither",
    "https://acme.awsapps.com/start#/",
    "señor 日本",
    "arn:aws:iam::123456789012:role/r",
    "/bin/tool --a=1 'q'",
    "  padded  ",
];
const COMMENTS: &[&str] = &["# c", "; c", "  # indented", "\t;tab", ""];

/// A random file that is legal more often than not.
fn generate(rng: &mut Rng) -> String {
    let newline = match rng.below(20) {
        0..=3 => "\r\n",
        4 => "\r",
        _ => "\n",
    };
    let mut lines: Vec<String> = Vec::new();
    if rng.chance(3) {
        lines.push("\u{feff}".to_owned());
    }
    if rng.chance(30) {
        lines.push(rng.pick(COMMENTS).to_owned());
    }
    let mut used_headers = Vec::new();
    for n in 0..rng.below(6) {
        let header = rng
            .pick(HEADERS)
            .replace("{}", &format!("p{n}{}", rng.below(3)));
        if used_headers.contains(&header) && !rng.chance(5) {
            continue;
        }
        used_headers.push(header.clone());
        let indent = if rng.chance(15) { "  " } else { "" };
        lines.push(format!("{indent}[{header}]{}", rng.pick(AFTER_HEADER)));
        let key_indent = match rng.below(6) {
            0 => "  ",
            1 => "\t",
            _ => "",
        };
        let mut used_keys: Vec<String> = Vec::new();
        for _ in 0..rng.below(6) {
            let key = rng.pick(KEYS);
            if used_keys.contains(&key.to_lowercase()) && !rng.chance(5) {
                continue;
            }
            used_keys.push(key.to_lowercase());
            if rng.chance(15) {
                lines.push(format!(
                    "{key_indent}{key}{}",
                    rng.pick(&[" =", "=", " = "])
                ));
                for _ in 0..1 + rng.below(3) {
                    let nested = format!("{}{}", rng.pick(&["k", "max", "x y"]), rng.below(4));
                    let sep = rng.pick(&[" = ", "=", " =\t", "= "]);
                    let value = rng.pick(VALUES);
                    lines.push(format!("{key_indent}    {nested}{sep}{value}"));
                    if rng.chance(10) {
                        lines.push(rng.pick(COMMENTS).to_owned());
                    }
                }
            } else {
                let sep = rng.pick(SEPARATORS);
                let value = rng.pick(VALUES);
                lines.push(format!("{key_indent}{key}{sep}{value}"));
                if rng.chance(8) {
                    lines.push(format!("{key_indent}   continued = {}", rng.pick(VALUES)));
                }
            }
            if rng.chance(15) {
                lines.push(rng.pick(COMMENTS).to_owned());
            }
            if rng.chance(5) {
                lines.push(" \t ".to_owned());
            }
        }
    }
    let mut text = lines.join(newline);
    if rng.chance(80) {
        text.push_str(newline);
    }
    text
}

#[test]
fn generated_files_read_as_botocore_reads_them() {
    let mut rng = Rng(0x5eed_2026_1129);
    let files: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("generated #{i}"), generate(&mut rng)))
        .collect();
    let refused = differential(&files);
    eprintln!(
        "botocore refused {refused} of {} generated files",
        files.len()
    );
    assert!(
        refused < 250,
        "most generated files are legal: {refused} refused"
    );
}

/// Where botocore refuses a file, our reader still reads the rest and says why, by line.
#[test]
fn a_refused_file_is_read_as_far_as_it_goes() {
    let read = ini::read("[default]\nregion = a\n[profile x]\nk = 1\n[default]\noutput = json\n");
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].line, 5);
    assert!(
        read.problems[0]
            .cause
            .contains("[\"default\"] appears again (first at line 1)")
    );
    let default = &read.sections[0];
    assert_eq!(default.get("region"), Some("a"));
    assert_eq!(default.get("output"), Some("json"));
    assert_eq!(read.sections[1].get("k"), Some("1"));
}

// ---- What rolecall makes of the real files: nothing in them stops it. ----

const BIN: &str = env!("CARGO_BIN_EXE_rolecall");

/// A HOME with this `~/.aws/config` (and a credentials file with `[jenkins]`), rolecall's
/// config keeping tokens in the file store.
fn home(aws_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let aws = dir.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(aws.join("config"), aws_config).unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[jenkins]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("rolecall.toml"),
        "[storage]\nbackend = \"file\"\n",
    )
    .unwrap();
    dir
}

fn load(home: &Path) -> Result<rolecall::config::Config, String> {
    let home = home.to_path_buf();
    let paths = rolecall::paths::Paths::from_lookup(move |k| match k {
        "HOME" => Some(home.clone().into_os_string()),
        "ROLECALL_CONFIG" => Some(home.join("rolecall.toml").into_os_string()),
        _ => None,
    })
    .unwrap();
    rolecall::config::Config::load(&paths).map_err(|e| e.to_string())
}

fn rolecall(home: &Path, config: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("ROLECALL_CONFIG", config)
        .env("ROLECALL_LOG_FILE", home.join("rolecall.log"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// Files botocore reads (a comment after a header, indented keys, an incomplete
/// [sso-session] no profile uses) start rolecall.
const ODD_BUT_LEGAL: &str = "\
[sso-session acme] # the company's
  sso_start_url = https://acme.awsapps.com/start
  sso_region = us-east-1
[sso-session half]\t; being set up
sso_start_url = https://half.awsapps.com/start
[profile dev]\t; c
sso_session = acme
sso_account_id = 111111111111
sso_role_name = Dev
";

/// An identity center and an SSO profile, written plainly.
const PLAIN: &str = "\
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
[profile dev]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = Dev
";

/// Profiles rolecall cannot use, the profiles chained from them, and one it can (`reader`).
const UNUSABLE: &str = include_str!("../fixtures/aws_config_corpus/unusable_profiles.ini");

#[test]
fn odd_but_legal_files_start_rolecall() {
    let dir = home(ODD_BUT_LEGAL);
    let config = load(dir.path()).expect("the config loads");
    let sessions: Vec<&str> = config.sessions.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sessions, ["acme"]);
    assert_eq!(config.session(None).unwrap().name, "acme");
}

#[test]
fn unusable_profiles_and_their_children_stop_nothing() {
    let dir = home(&format!("{PLAIN}{UNUSABLE}"));
    let config = load(dir.path()).expect("the config loads");
    let mut chains: Vec<&str> = config.chains.iter().map(|c| c.name.as_str()).collect();
    chains.sort_unstable();
    assert_eq!(chains, ["reader"]);
}

#[test]
fn status_says_once_what_was_skipped_with_file_and_line() {
    let dir = home(&format!("{ODD_BUT_LEGAL}{UNUSABLE}"));
    let out = rolecall(dir.path(), &dir.path().join("rolecall.toml"), &["status"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("acme\thttps://acme.awsapps.com/start\tnot signed in"),
        "{stdout}"
    );
    let config = dir.path().join(".aws/config");
    let config = config.display();
    for (line, what) in [
        (4, "[sso-session \"half\"] has no sso_region"),
        (
            12,
            "profile \"web\" is skipped: it assumes its role with a web identity token",
        ),
        (
            15,
            "profile \"web-child\" is skipped: its source_profile \"web\" is skipped",
        ),
        (
            18,
            "profile \"imds\" is skipped: credential_source = EcsContainer is not supported",
        ),
        (22, "profile \"long\" is skipped: duration_seconds = 50000"),
        (25, "profile \"long-grandchild\" is skipped"),
        (28, "profile \"long-child\" is skipped"),
        (31, "profile \"loop-a\" is skipped"),
        (
            34,
            "profile \"loop-b\" is skipped: its source_profile leads round in a circle",
        ),
        (
            37,
            "profile \"nowhere\" is skipped: its source_profile \"missing\" is in neither",
        ),
    ] {
        let needle = format!("rolecall: {config}:{line}: {what}");
        assert_eq!(
            stderr.matches(&needle).count(),
            1,
            "once: {needle}\n{stderr}"
        );
    }
    assert_eq!(stderr.lines().count(), 10, "{stderr}");
}

#[test]
fn one_identity_center_per_start_url() {
    // An [sso-session] and a legacy profile with its start URL (a migration), and two legacy
    // profiles sharing another: two identity centers, and chains from any of them work.
    let dir = home(
        "\
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
[profile acme-legacy]
sso_start_url = https://ACME.awsapps.com/start/#/
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Admin
[profile old1]
sso_start_url = https://old.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 222222222222
sso_role_name = Dev
[profile old2]
sso_start_url = https://old.awsapps.com/start/
sso_region = eu-west-1
sso_account_id = 333333333333
sso_role_name = Ops
[profile from-acme-legacy]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = acme-legacy
[profile from-old2]
role_arn = arn:aws:iam::123456789012:role/y
source_profile = old2
",
    );
    let config = load(dir.path()).unwrap();
    let sessions: Vec<&str> = config.sessions.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sessions, ["acme", "old1"]);
    for chain in ["from-acme-legacy", "from-old2"] {
        let spec = config.chains.get(chain).unwrap();
        let rolecall::core::chain::ChainSource::Sso { session, .. } = &spec.source else {
            panic!("{chain}: {:?}", spec.source);
        };
        let named = config.session(session.as_deref()).map(|s| s.name.clone());
        assert!(named.is_ok(), "{chain}: {named:?}");
    }
    // A legacy profile's name still finds its identity center.
    assert_eq!(config.session(Some("old2")).unwrap().name, "old1");

    // Only one identity center: no --session needed.
    let single = home(
        "\
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
[profile acme-legacy]
sso_start_url = https://acme.awsapps.com/start#/
sso_region = us-east-1
",
    );
    let config = load(single.path()).unwrap();
    assert_eq!(
        config.session(None).map(|s| s.name.clone()).ok(),
        Some("acme".into())
    );
}

#[test]
fn a_missing_rolecall_config_is_an_error() {
    let dir = home(PLAIN);
    let missing = dir.path().join("nope.toml");
    let out = rolecall(dir.path(), &missing, &["status"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
}
