//! `~/.aws/credentials` under real processes: the release-path `rolecall write` binary (signed
//! in to the emulator once; later writes use the kept role credentials, so each is a whole
//! process that reads, edits and replaces the file under its lock).
//!
//! - Two writers at once, 200 profiles each: every profile is there at the end, with its
//!   writer's keys, and the file parses with our reader and with the AWS CLI's (botocore).
//! - A writer killed with SIGKILL at random points, 200 times: after every kill the file is
//!   byte for byte the old version or the new one, never anything in between; the temporary
//!   files killed writers left are gone after the next write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::cli_home::{Home, auto_approving_org, text};
use common::start;
use rand::{Rng, SeedableRng};
use rolecall::config::ini;

const WRITES: usize = 200;
/// The two tests take turns: the kill test times runs, and the other would skew that.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
/// What `~/.aws/credentials` holds before rolecall writes: another tool's profile, comments of
/// both kinds, a value longer than a page.
fn user_head() -> String {
    format!(
        "# my own keys; do not lose this comment\n[default]\naws_access_key_id = AKIAMINE\n\
         aws_secret_access_key = mine\n\n; saml2aws\n[saml]\nx_security_token_expires = 2030-01-01\n\
         aws_session_token = {}\n",
        "Q".repeat(5000)
    )
}

/// `HOME/.aws/credentials`.
fn credentials_path(home: &Home) -> PathBuf {
    home.path().join(".aws").join("credentials")
}

/// `rolecall write TARGET --profile NAME`, not yet run.
fn write_command(home: &Home, target: &str, profile: &str) -> Command {
    home.command(
        common::cli_home::BIN,
        &["write", target, "--profile", profile],
    )
}

fn write(home: &Home, target: &str, profile: &str) {
    let out = write_command(home, target, profile).output().unwrap();
    assert!(
        out.status.success(),
        "rolecall write {target} --profile {profile}: {}",
        text(&out.stderr)
    );
}

/// The profiles of the file as the AWS CLI reads it (botocore's own parser):
/// profile → aws_access_key_id.
fn botocore_keys(path: &Path) -> BTreeMap<String, String> {
    let script = "import json, sys\n\
                  from botocore.configloader import raw_config_parse\n\
                  parsed = raw_config_parse(sys.argv[1])\n\
                  print(json.dumps({k: v.get('aws_access_key_id', '') for k, v in parsed.items()}))";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 with botocore (tests/run.sh installs awscli)");
    assert!(out.status.success(), "botocore: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Our own reader: profile → aws_access_key_id.
fn our_keys(text: &str) -> BTreeMap<String, String> {
    ini::parse(text)
        .unwrap()
        .into_iter()
        .map(|s| {
            let key = s.get("aws_access_key_id").unwrap_or_default().to_owned();
            (s.name, key)
        })
        .collect()
}

/// The temporary files beside the credentials file.
fn temp_files(home: &Home) -> Vec<String> {
    std::fs::read_dir(home.path().join(".aws"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// A signed-in HOME whose credentials file starts with the user's own text, and the access
/// key id each target's kept credentials have.
async fn ready(targets: &[&str]) -> (rolecall::emulator::Emulator, Home, Vec<String>) {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    std::fs::write(credentials_path(&home), user_head()).unwrap();
    let mut keys = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let prime = format!("prime-{i}");
        write(&home, target, &prime);
        let text = std::fs::read_to_string(credentials_path(&home)).unwrap();
        keys.push(our_keys(&text)[&prime].clone());
    }
    (emu, home, keys)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_writers_at_once_keep_every_profile() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let targets = [
        "payments-dev/PowerUserAccess",
        "payments-prod/ReadOnlyAccess",
    ];
    let (_emu, home, keys) = ready(&targets).await;
    let home = std::sync::Arc::new(home);
    let started = Instant::now();
    let writers: Vec<_> = ["alpha", "beta"]
        .into_iter()
        .zip(targets)
        .map(|(prefix, target)| {
            let home = home.clone();
            tokio::task::spawn_blocking(move || {
                for i in 0..WRITES {
                    write(&home, target, &format!("{prefix}-{i}"));
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    eprintln!(
        "{} writes by two processes at once in {:.1} s",
        2 * WRITES,
        started.elapsed().as_secs_f64()
    );

    let path = credentials_path(&home);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(&user_head()),
        "the user's own text is kept"
    );
    let ours = our_keys(&text);
    let theirs = botocore_keys(&path);
    for (reader, profiles) in [("ours", &ours), ("botocore", &theirs)] {
        assert_eq!(profiles.len(), 2 * WRITES + 4, "{reader}: every profile");
        assert_eq!(profiles["default"], "AKIAMINE", "{reader}");
        assert!(profiles.contains_key("saml"), "{reader}");
        for i in 0..WRITES {
            assert_eq!(
                profiles[&format!("alpha-{i}")],
                keys[0],
                "{reader}: alpha-{i}"
            );
            assert_eq!(
                profiles[&format!("beta-{i}")],
                keys[1],
                "{reader}: beta-{i}"
            );
        }
    }
    assert!(temp_files(&home).is_empty(), "{:?}", temp_files(&home));
}

/// What a write of `profile` appends to a file ending in a non-blank line: a blank line, then
/// the section the first write made (`prime-0`) under the new name.
fn appended(template: &str, profile: &str) -> String {
    format!(
        "\n{}",
        template.replacen("[prime-0]", &format!("[{profile}]"), 1)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_writer_killed_at_random_points_leaves_the_old_or_the_new_file() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let target = "payments-dev/PowerUserAccess";
    let (_emu, home, _) = ready(&[target]).await;
    let path = credentials_path(&home);
    // A large file makes the read-edit-write a good part of each run, so kills land inside it.
    let mut text = std::fs::read_to_string(&path).unwrap();
    let template = text[text.find("[prime-0]").unwrap()..].to_owned();
    text = format!(
        "{}\n[bulky]\nblob = {}\n{}",
        user_head(),
        "B".repeat(2 << 20),
        appended(&template, "prime-0")
    );
    std::fs::write(&path, &text).unwrap();

    // How long a whole run takes, to spread the kills over it.
    let mut runs: Vec<Duration> = (0..5)
        .map(|i| {
            let before = std::fs::read_to_string(&path).unwrap();
            let t = Instant::now();
            write(&home, target, &format!("timing-{i}"));
            let took = t.elapsed();
            let after = std::fs::read_to_string(&path).unwrap();
            assert_eq!(after, before + &appended(&template, &format!("timing-{i}")));
            took
        })
        .collect();
    runs.sort();
    let run = runs[runs.len() / 2];
    let seed: u64 = rand::rng().random();
    eprintln!("a run takes {runs:?}; kill seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let (mut old_kept, mut new_written, mut finished) = (0, 0, 0);
    let mut temps_left = std::collections::BTreeSet::new();
    let mut written = Vec::new();
    for i in 0..WRITES {
        let profile = format!("k-{i}");
        let before = std::fs::read_to_string(&path).unwrap();
        let mut child = write_command(&home, target, &profile)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if i % 2 == 0 {
            // Anywhere in the run.
            std::thread::sleep(run.mul_f64(rng.random_range(0.0..1.1)));
        } else {
            // Aimed: once this writer's temporary file is there, somewhere in the write.
            let mark = format!(".credentials.rolecall-{}-", child.id());
            let limit = Instant::now() + 10 * run;
            while Instant::now() < limit
                && child.try_wait().unwrap().is_none()
                && !temp_files(&home).iter().any(|n| n.starts_with(&mark))
            {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(run.mul_f64(rng.random_range(0.0..0.5)));
        }
        if child.try_wait().unwrap().is_some() {
            finished += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        temps_left.extend(temp_files(&home));
        let after = std::fs::read_to_string(&path).unwrap();
        if after == before {
            old_kept += 1;
        } else {
            assert!(
                after == before.clone() + &appended(&template, &profile),
                "kill {i} (seed {seed}): the file is neither the old nor the new version \
                 ({} bytes, was {})",
                after.len(),
                before.len()
            );
            new_written += 1;
            written.push(profile);
        }
    }
    eprintln!(
        "{WRITES} kills: {old_kept} left the old file, {new_written} the new one \
         ({finished} runs had finished); {} left a temporary file behind",
        temps_left.len()
    );
    assert!(
        old_kept > 0 && new_written > 0,
        "kills landed both before and after the rename"
    );
    assert!(
        !temps_left.is_empty(),
        "no kill landed between creating the temporary file and the rename"
    );

    // The next write cleans up whatever killed writers left, and everything parses.
    write(&home, target, "after-the-kills");
    assert_eq!(temp_files(&home), Vec::<String>::new());
    let text = std::fs::read_to_string(&path).unwrap();
    let ours = our_keys(&text);
    assert_eq!(
        ours,
        botocore_keys(&path),
        "both readers see the same profiles"
    );
    let mut expected: Vec<String> = ["default", "saml", "bulky", "prime-0", "after-the-kills"]
        .map(String::from)
        .into_iter()
        .chain((0..runs.len()).map(|i| format!("timing-{i}")))
        .chain(written)
        .collect();
    expected.sort();
    assert_eq!(ours.into_keys().collect::<Vec<_>>(), expected);
}
