//! Writing a profile into awkward credentials files (tests/fixtures/aws_files/): every byte
//! outside our section survives; a missing file and directory are created private; a symlink
//! survives; the file ends 0600; the lock keeps concurrent writers from losing each other's
//! profiles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rolecall::adapters::atomic_file::FileLock;
use rolecall::aws_files::{write_profile, write_profile_region};
use rolecall::config::ini;
use rolecall::core::credentials::Credentials;
use rolecall::secret::Secret;

const PROFILE: &str = "rolecall-test";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws_files")
}

fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(corpus_dir())
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
    assert!(files.len() >= 10, "the corpus is there");
    files
}

fn credentials(n: u32) -> Credentials {
    Credentials {
        access_key_id: format!("ASIANEW{n}"),
        secret_access_key: Secret::new(format!("secret/{n}+key")),
        session_token: Some(Secret::new(format!("token{n}=="))),
        expires_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)),
    }
}

/// Byte offsets of the lines of `text` (each line's start).
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts.retain(|&i| i < text.len());
    starts
}

fn is_header_line(line: &str) -> bool {
    !line.starts_with([' ', '\t']) && line.trim().starts_with('[') && line.trim().ends_with(']')
}

/// `(before, section, after)`: `section` runs from the `[name]` header line (the last one) up
/// to the next header line.
fn split<'a>(text: &'a str, name: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let starts = line_starts(text);
    let line_at = |i: usize| {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        &text[starts[i]..end]
    };
    let header = (0..starts.len())
        .rev()
        .find(|&i| line_at(i).trim() == format!("[{name}]"))?;
    let next = (header + 1..starts.len())
        .find(|&i| is_header_line(line_at(i)))
        .map_or(text.len(), |i| starts[i]);
    Some((
        &text[..starts[header]],
        &text[starts[header]..next],
        &text[next..],
    ))
}

fn assert_only_our_section_changed(name: &str, original: &str, result: &str) {
    let (before, section, after) = split(result, PROFILE).expect("our section is written");
    match split(original, PROFILE) {
        Some((b, _, a)) => {
            assert_eq!(before, b, "{name}: bytes before our section changed");
            assert_eq!(after, a, "{name}: bytes after our section changed");
        }
        None => {
            assert_eq!(after, "", "{name}: a new section goes at the end");
            let added = before
                .strip_prefix(original)
                .unwrap_or_else(|| panic!("{name}: the original is no longer a prefix"));
            assert!(
                added.chars().all(|c| c == '\r' || c == '\n') && added.len() <= 4,
                "{name}: only a line break and a blank line may separate us: {added:?}"
            );
        }
    }
    // Our section holds our keys once, with the file's line ending.
    let crlf =
        original.contains("\r\n") && original.find('\n') == original.find("\r\n").map(|i| i + 1);
    for key in [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "expiration",
    ] {
        assert_eq!(
            section
                .lines()
                .filter(|l| l.trim_start().to_lowercase().starts_with(key))
                .count(),
            1,
            "{name}: {key} once in {section:?}"
        );
    }
    if crlf {
        assert!(
            !section.replace("\r\n", "").contains('\n'),
            "{name}: CRLF kept: {section:?}"
        );
    }
}

#[test]
fn every_byte_outside_our_section_survives() {
    let home = tempfile::tempdir().unwrap();
    for (name, original) in corpus() {
        let path = home.path().join(&name);
        std::fs::write(&path, &original).unwrap();
        write_profile(&path, PROFILE, &credentials(1)).unwrap();
        let result = std::fs::read_to_string(&path).unwrap();
        assert_only_our_section_changed(&name, &original, &result);

        // What we wrote reads back (for files our reader accepts).
        if let Ok(sections) = ini::parse(&result) {
            let ours = sections.iter().rev().find(|s| s.name == PROFILE).unwrap();
            assert_eq!(ours.get("aws_access_key_id"), Some("ASIANEW1"), "{name}");
            assert_eq!(
                ours.get("aws_secret_access_key"),
                Some("secret/1+key"),
                "{name}"
            );
            assert_eq!(ours.get("aws_session_token"), Some("token1=="), "{name}");
            assert_eq!(
                ours.get("expiration"),
                Some("2027-01-15T08:00:00Z"),
                "{name}"
            );
            if name == "existing_profile.ini" {
                assert_eq!(
                    ours.get("mfa_serial"),
                    Some("arn:aws:iam::1:mfa/me"),
                    "unknown keys stay"
                );
            }
        }

        // A second write replaces our values in place and still touches nothing else.
        write_profile(&path, PROFILE, &credentials(2)).unwrap();
        let second = std::fs::read_to_string(&path).unwrap();
        assert_only_our_section_changed(&name, &original, &second);
        assert_eq!(second.len(), result.len(), "{name}: same shape, new values");
        assert!(
            second.contains("ASIANEW2") && !second.contains("ASIANEW1"),
            "{name}"
        );
    }
}

#[test]
fn without_a_session_token_the_old_one_goes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    std::fs::write(
        &path,
        std::fs::read(corpus_dir().join("existing_profile.ini")).unwrap(),
    )
    .unwrap();
    let mut creds = credentials(3);
    creds.session_token = None;
    creds.expires_at = None;
    write_profile(&path, PROFILE, &creds).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("oldtoken") && !text.contains("aws_session_token"),
        "{text}"
    );
    assert!(!text.contains("expiration"), "{text}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn a_missing_file_and_directory_are_created_private() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join(".aws").join("credentials");
    let written = write_profile(&path, "dev", &credentials(1)).unwrap();
    assert_eq!(written.path, path);
    assert_eq!(written.looser_mode, None);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("[dev]\naws_access_key_id = ASIANEW1\n"),
        "{text}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_looser_mode_is_made_0600_and_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    std::fs::write(&path, "[default]\nregion = x\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let written = write_profile(&path, "dev", &credentials(1)).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(written.looser_mode, Some(0o644));
    let notice = written.notice().unwrap();
    assert!(
        notice.contains("was mode 0644") && notice.contains("0600 now"),
        "{notice}"
    );
    assert!(!notice.contains('\n'));
    // The config file keeps its own mode.
    let config = dir.path().join("config");
    std::fs::write(&config, "[default]\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).unwrap();
    let written = write_profile_region(&config, "dev", "eu-west-1").unwrap();
    assert_eq!(written.looser_mode, None);
    assert_eq!(mode(&config), 0o640);
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[default]\n\n[profile dev]\nregion = eu-west-1\n"
    );
    write_profile_region(&config, "default", "us-east-2").unwrap();
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[default]\nregion = us-east-2\n\n[profile dev]\nregion = eu-west-1\n"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_written_through_and_the_link_survives() {
    let dir = tempfile::tempdir().unwrap();
    let dotfiles = dir.path().join("dotfiles");
    std::fs::create_dir(&dotfiles).unwrap();
    let real = dotfiles.join("aws-credentials");
    std::fs::write(&real, "# mine\n[default]\naws_access_key_id = A\n").unwrap();
    let aws = dir.path().join(".aws");
    std::fs::create_dir(&aws).unwrap();
    let link = aws.join("credentials");
    std::os::unix::fs::symlink("../dotfiles/aws-credentials", &link).unwrap();

    let written = write_profile(&link, "dev", &credentials(1)).unwrap();
    assert_eq!(written.path, aws.join("../dotfiles/aws-credentials"));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(
        text.starts_with("# mine\n[default]\naws_access_key_id = A\n\n[dev]\n"),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&link).unwrap(), text);
}

#[test]
fn two_writers_never_lose_each_others_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    std::fs::write(&path, "# shared\n[default]\nregion = x\n").unwrap();
    let writers: Vec<_> = ["alpha", "beta"]
        .into_iter()
        .map(|profile| {
            let path = path.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    write_profile(&path, profile, &credentials(i)).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# shared\n[default]\nregion = x\n"),
        "{text}"
    );
    let sections = ini::parse(&text).unwrap();
    let names: Vec<&str> = sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{text}");
    assert_eq!(names[0], "default");
    assert!(
        names.contains(&"alpha") && names.contains(&"beta"),
        "{text}"
    );
    for profile in ["alpha", "beta"] {
        let s = sections.iter().find(|s| s.name == profile).unwrap();
        assert_eq!(s.get("aws_access_key_id"), Some("ASIANEW49"), "{text}");
    }
}

#[test]
fn a_held_lock_keeps_a_writer_waiting_until_it_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    let held = FileLock::acquire(&path).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            write_profile(&path, "dev", &credentials(1)).unwrap();
            tx.send(()).unwrap();
        })
    };
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "the writer went ahead while the lock was held"
    );
    assert!(!path.exists());
    drop(held);
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the writer finishes once the lock is free");
    writer.join().unwrap();
    assert!(std::fs::read_to_string(&path).unwrap().contains("[dev]"));
}
