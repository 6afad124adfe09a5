//! Writing into awkward `~/.aws/credentials` and `~/.aws/config` files
//! (tests/fixtures/aws_files/: `#` and `;` comments, CRLF, mixed endings, no final newline,
//! duplicate sections, unicode names, very long values, other tools' sections, an empty file):
//! after every write — a credentials profile, a config profile's region, the managed block —
//! every byte outside what we edit survives, directly and through a symlink. A missing file and
//! directory are created private; a read-only file is refused and left exactly as it was; a
//! looser mode is reported (and tightened when asked); the lock keeps concurrent writers from
//! losing each other's profiles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rolecall::adapters::atomic_file::FileLock;
use rolecall::aws_files::ini_edit::{BLOCK_BEGIN, BLOCK_END, managed_block, replace_block};
use rolecall::aws_files::write::CREDENTIAL_KEYS;
use rolecall::aws_files::{
    AwsFilesError, FileMode, update_file, write_profile, write_profile_region,
};
use rolecall::config::ini;
use rolecall::core::credentials::Credentials;
use rolecall::secret::Secret;

const PROFILE: &str = "rolecall-test";
/// Every fixture is written with each name: ours, and a unicode one that some fixtures have.
const PROFILES: [&str; 2] = [PROFILE, "perfil-señor"];

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
    assert!(files.len() >= 17, "the corpus is there");
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

/// Whether `line` sets one of `keys`.
fn sets_one_of(line: &str, keys: &[&str]) -> bool {
    let line = line.trim_start().to_lowercase();
    keys.iter().any(|k| {
        line.strip_prefix(k)
            .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
    })
}

/// The lines of a section after its header that do not set `keys` (endings cut off).
fn other_lines<'a>(section: &'a str, keys: &[&str]) -> Vec<&'a str> {
    section
        .split_inclusive('\n')
        .skip(1)
        .filter(|l| !sets_one_of(l, keys))
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .collect()
}

/// Everything outside `[section]` of `result` is `original`'s, byte for byte; inside it, every
/// line that does not set one of `keys` is still there, in order; each key is set once.
fn assert_only_section_changed(
    name: &str,
    original: &str,
    result: &str,
    section_name: &str,
    keys: &[&str],
) {
    let (before, section, after) = split(result, section_name)
        .unwrap_or_else(|| panic!("{name}: [{section_name}] is written"));
    match split(original, section_name) {
        Some((b, old_section, a)) => {
            assert_eq!(before, b, "{name}: bytes before [{section_name}] changed");
            assert_eq!(after, a, "{name}: bytes after [{section_name}] changed");
            assert_eq!(
                other_lines(section, keys),
                other_lines(old_section, keys),
                "{name}: lines of [{section_name}] that are not ours changed"
            );
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
    for key in keys {
        assert_eq!(
            section.lines().filter(|l| sets_one_of(l, &[key])).count(),
            1,
            "{name}: {key} once in {section:?}"
        );
    }
    // Lines we add use the file's line ending (the file's last line may have none).
    if first_ending_is_crlf(original) {
        for line in section
            .split_inclusive('\n')
            .filter(|l| sets_one_of(l, keys))
        {
            assert!(
                line.ends_with("\r\n") || !line.ends_with('\n'),
                "{name}: CRLF kept: {line:?}"
            );
        }
    }
}

/// Whether the first line break of `text` is CRLF.
fn first_ending_is_crlf(text: &str) -> bool {
    text.find('\n')
        .is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
}

/// Writes `creds` as `profile` into `path` and checks the result against `original`.
fn write_and_check(name: &str, path: &Path, original: &str, profile: &str, n: u32) -> String {
    write_profile(path, profile, &credentials(n)).unwrap();
    let result = std::fs::read_to_string(path).unwrap();
    assert_only_section_changed(name, original, &result, profile, &CREDENTIAL_KEYS);
    result
}

#[test]
fn every_byte_outside_our_section_survives() {
    let home = tempfile::tempdir().unwrap();
    for (name, original) in corpus() {
        for profile in PROFILES {
            let name = format!("{name} [{profile}]");
            let path = home.path().join(&name);
            std::fs::write(&path, &original).unwrap();
            let result = write_and_check(&name, &path, &original, profile, 1);

            // What we wrote reads back (for files our reader accepts).
            if let Ok(sections) = ini::parse(&result) {
                let ours = sections.iter().rev().find(|s| s.name == profile).unwrap();
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
                if name.starts_with("existing_profile.ini") && profile == PROFILE {
                    assert_eq!(
                        ours.get("mfa_serial"),
                        Some("arn:aws:iam::1:mfa/me"),
                        "unknown keys stay"
                    );
                }
            }

            // A second write replaces our values in place and still touches nothing else.
            let second = write_and_check(&name, &path, &original, profile, 2);
            assert_eq!(second.len(), result.len(), "{name}: same shape, new values");
            assert!(
                second.contains("ASIANEW2") && !second.contains("ASIANEW1"),
                "{name}"
            );
        }
    }
}

#[test]
fn every_byte_outside_a_config_profile_survives() {
    let home = tempfile::tempdir().unwrap();
    for (name, original) in corpus() {
        let path = home.path().join(&name);
        std::fs::write(&path, &original).unwrap();
        for region in ["eu-west-1", "ap-southeast-2"] {
            write_profile_region(&path, PROFILE, region, FileMode::Keep).unwrap();
            let result = std::fs::read_to_string(&path).unwrap();
            let section = format!("profile {PROFILE}");
            assert_only_section_changed(&name, &original, &result, &section, &["region"]);
            assert!(result.contains(&format!("region = {region}")), "{name}");
        }
    }
}

#[test]
fn every_byte_outside_the_managed_block_survives() {
    let home = tempfile::tempdir().unwrap();
    let body = |n: usize| -> Vec<String> {
        (0..n)
            .flat_map(|i| [format!("[profile managed-{i}]"), format!("region = r{i}")])
            .collect()
    };
    for (name, original) in corpus() {
        let path = home.path().join(&name);
        std::fs::write(&path, &original).unwrap();
        for n in [3, 1, 4] {
            update_file(&path, FileMode::Keep, |old| {
                replace_block(old, &body(n)).map_err(|e| e.to_string())
            })
            .unwrap();
            let result = std::fs::read_to_string(&path).unwrap();
            let added = result
                .strip_prefix(&original)
                .unwrap_or_else(|| panic!("{name}: the original is no longer a prefix"));
            let block_at = added.find(BLOCK_BEGIN).unwrap();
            assert!(
                added[..block_at].chars().all(|c| c == '\r' || c == '\n') && block_at <= 4,
                "{name}: {added:?}"
            );
            assert!(added.trim_end().ends_with(BLOCK_END), "{name}: {added:?}");
            let eol = if first_ending_is_crlf(&original) {
                "\r\n"
            } else {
                "\n"
            };
            let expected: String = body(n).iter().map(|l| format!("{l}{eol}")).collect();
            assert_eq!(managed_block(&result).unwrap().unwrap(), expected, "{name}");
        }
    }
}

#[cfg(unix)]
#[test]
fn every_byte_survives_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let dotfiles = dir.path().join("dotfiles");
    let aws = dir.path().join(".aws");
    std::fs::create_dir(&dotfiles).unwrap();
    std::fs::create_dir(&aws).unwrap();
    for (name, original) in corpus() {
        let real = dotfiles.join(&name);
        std::fs::write(&real, &original).unwrap();
        let link = aws.join(&name);
        std::os::unix::fs::symlink(Path::new("../dotfiles").join(&name), &link).unwrap();
        write_profile(&link, PROFILE, &credentials(1)).unwrap();
        let result = std::fs::read_to_string(&real).unwrap();
        assert_only_section_changed(&name, &original, &result, PROFILE, &CREDENTIAL_KEYS);
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink(), "{name}: the link survives");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&aws)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".ini"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "nothing lands beside the link: {leftovers:?}"
    );
}

#[test]
fn very_long_values_survive_and_a_long_old_token_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    let huge = "A".repeat(1 << 20);
    let old_token = "T".repeat(200_000);
    let original = format!(
        "[other-tool]\nblob = {huge}\n\n[{PROFILE}]\naws_session_token = {old_token}\n\
         keep = {huge}\n\n[after]\nk = v\n"
    );
    std::fs::write(&path, &original).unwrap();
    let result = write_and_check("huge", &path, &original, PROFILE, 7);
    assert!(!result.contains(&old_token));
    assert_eq!(result.matches(&huge).count(), 2);
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
    assert_eq!(written.notice(), None);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    // So is a new config file, whose mode is otherwise kept.
    let config = path.with_file_name("config");
    let written = write_profile_region(&config, "dev", "eu-west-1", FileMode::Keep).unwrap();
    assert_eq!((written.looser_mode, written.notice()), (None, None));
    assert_eq!(mode(&config), 0o600);
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
fn a_looser_mode_is_reported_and_made_0600_when_it_should_be() {
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
    // The config file keeps its own mode, and says so.
    let config = dir.path().join("config");
    std::fs::write(&config, "[default]\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).unwrap();
    let written = write_profile_region(&config, "dev", "eu-west-1", FileMode::Keep).unwrap();
    assert_eq!(
        (written.looser_mode, written.tightened),
        (Some(0o640), false)
    );
    let notice = written.notice().unwrap();
    assert!(
        notice.contains("is mode 0640")
            && notice.contains("tighten_permissions = true under [aws_files]"),
        "{notice}"
    );
    assert!(!notice.contains('\n'));
    assert_eq!(mode(&config), 0o640);
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[default]\n\n[profile dev]\nregion = eu-west-1\n"
    );
    // Asked to tighten it (`[aws_files] tighten_permissions`), it is 0600 from then on.
    let written =
        write_profile_region(&config, "default", "us-east-2", FileMode::for_config(true)).unwrap();
    assert_eq!(
        (written.looser_mode, written.tightened),
        (Some(0o640), true)
    );
    assert!(written.notice().unwrap().contains("was mode 0640"));
    assert_eq!(mode(&config), 0o600);
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[default]\nregion = us-east-2\n\n[profile dev]\nregion = eu-west-1\n"
    );
    let written = write_profile_region(&config, "dev", "eu-west-2", FileMode::Keep).unwrap();
    assert_eq!((written.looser_mode, written.notice()), (None, None));
}

/// The names in `dir`.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused_and_left_exactly_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for (name, original) in corpus() {
        for read_only in [0o444, 0o400, 0o550] {
            let path = dir.path().join(&name);
            std::fs::write(&path, &original).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(read_only)).unwrap();
            let before = names_in(dir.path());
            let attempts = [
                write_profile(&path, PROFILE, &credentials(1)),
                write_profile_region(&path, PROFILE, "eu-west-1", FileMode::Private),
                update_file(&path, FileMode::Keep, |old| {
                    replace_block(old, &["[profile x]".to_owned()]).map_err(|e| e.to_string())
                }),
            ];
            for attempt in attempts {
                let err = attempt.unwrap_err();
                assert!(
                    matches!(err, AwsFilesError::ReadOnly { .. }),
                    "{name}: {err}"
                );
                assert_eq!(
                    err.to_string(),
                    format!(
                        "{} is read-only; rolecall leaves it alone (make it writable to let it write)",
                        path.display()
                    )
                );
            }
            assert_eq!(std::fs::read_to_string(&path).unwrap(), original, "{name}");
            assert_eq!(mode(&path), read_only, "{name}");
            let after = names_in(dir.path());
            assert!(
                after
                    .iter()
                    .all(|n| before.contains(n) || n.ends_with(".lock")),
                "{name}: nothing but the lock appeared: {after:?}"
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            std::fs::remove_file(&path).unwrap();
        }
    }
    // Through a symlink, the target's mode counts.
    let real = dir.path().join("real");
    std::fs::write(&real, "[default]\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o444)).unwrap();
    let link = dir.path().join("credentials");
    std::os::unix::fs::symlink("real", &link).unwrap();
    let err = write_profile(&link, PROFILE, &credentials(1)).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "[default]\n");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
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
