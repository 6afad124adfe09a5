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
use rolecall::aws_files::ini_edit::{
    BLOCK_BEGIN, BLOCK_END, NewSection, managed_block, replace_block,
};
use rolecall::aws_files::write::{CREDENTIAL_KEYS, MARKER};

/// The keys a credentials write sets: ours and the marker.
const WRITTEN_KEYS: [&str; 5] = [
    CREDENTIAL_KEYS[0],
    CREDENTIAL_KEYS[1],
    CREDENTIAL_KEYS[2],
    CREDENTIAL_KEYS[3],
    MARKER.0,
];
use rolecall::aws_files::{
    AwsFilesError, FileMode, Overwrite, update_file, write_profile, write_profile_region,
    write_profile_with,
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
    assert_only_section_changed(name, original, &result, profile, &WRITTEN_KEYS);
    result
}

#[test]
fn every_byte_outside_our_section_survives() {
    let home = tempfile::tempdir().unwrap();
    // (original, result, profile) files for botocore, read at the end in one go.
    let mut for_botocore = Vec::new();
    for (name, original) in corpus() {
        for profile in PROFILES {
            let name = format!("{name} [{profile}]");
            let path = home.path().join(&name);
            std::fs::write(&path, &original).unwrap();
            let before = home.path().join(format!("{name}.before"));
            std::fs::write(&before, &original).unwrap();
            let result = write_and_check(&name, &path, &original, profile, 1);
            let after = home.path().join(format!("{name}.after"));
            std::fs::write(&after, &result).unwrap();
            for_botocore.push((before, after, profile));

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
    // Every file botocore read before the write it reads after it, with our profile as meant.
    let paths: Vec<&Path> = for_botocore
        .iter()
        .flat_map(|(b, a, _)| [b.as_path(), a.as_path()])
        .collect();
    let parsed = botocore_parse_all(&paths);
    let mut checked = 0;
    for ((before, _, profile), pair) in for_botocore.iter().zip(parsed.chunks(2)) {
        if pair[0].is_err() {
            continue; // a file botocore refuses already (duplicate sections)
        }
        let after = pair[1]
            .as_ref()
            .unwrap_or_else(|e| panic!("{}: botocore refuses the result: {e}", before.display()));
        assert_eq!(
            after[*profile]["aws_access_key_id"],
            "ASIANEW1",
            "{}",
            before.display()
        );
        assert_eq!(after[*profile]["managed_by"], "rolecall");
        checked += 1;
    }
    assert!(checked >= 20, "botocore read {checked} results");
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
    let body = |n: usize| -> Vec<NewSection> {
        (0..n)
            .map(|i| NewSection {
                name: format!("profile managed-{i}"),
                settings: vec![("region".to_owned(), format!("r{i}"))],
            })
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
            let expected: String = body(n)
                .iter()
                .map(|s| {
                    format!(
                        "[{}]{eol}{} = {}{eol}",
                        s.name, s.settings[0].0, s.settings[0].1
                    )
                })
                .collect::<Vec<_>>()
                .join(eol);
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
        assert_only_section_changed(&name, &original, &result, PROFILE, &WRITTEN_KEYS);
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
        "[other-tool]\nblob = {huge}\n\n[{PROFILE}]\nmanaged_by = rolecall\naws_session_token = {old_token}\n\
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
                    replace_block(
                        old,
                        &[NewSection {
                            name: "profile x".into(),
                            settings: Vec::new(),
                        }],
                    )
                    .map_err(|e| e.to_string())
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

// ---- botocore as the oracle ----

/// botocore's reading of the INI file at `path`: `configloader.raw_config_parse`, as JSON
/// (`{"sections": {name: {key: value}}}`), or the error it raises.
fn botocore_parse(path: &Path) -> Result<serde_json::Value, String> {
    botocore_parse_all(&[path]).remove(0)
}

/// [`botocore_parse`] of several files in one run of python.
fn botocore_parse_all(paths: &[&Path]) -> Vec<Result<serde_json::Value, String>> {
    let script = r#"
import json, sys
from botocore import configloader
def parse(path):
    try:
        return {"sections": configloader.raw_config_parse(path)}
    except Exception as e:
        return {"error": "%s: %s" % (type(e).__name__, e)}
print(json.dumps([parse(p) for p in sys.argv[1:]]))
"#;
    let mut python = std::process::Command::new("python3");
    python.args(["-c", script]).args(paths);
    let all: Vec<serde_json::Value> =
        serde_json::from_value(crate::common::botocore::json_of(&mut python)).unwrap();
    all.into_iter()
        .map(|v| match v.get("error") {
            Some(e) => Err(e.as_str().unwrap_or_default().to_owned()),
            None => Ok(v["sections"].clone()),
        })
        .collect()
}

/// botocore's profile map of a config file (`build_profile_map`): `{"profiles": {..}}`.
fn botocore_profiles(path: &Path) -> serde_json::Value {
    let script = r#"
import json, sys
from botocore import configloader
print(json.dumps(configloader.build_profile_map(configloader.raw_config_parse(sys.argv[1]))))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A small deterministic generator (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A name made of pieces that INI readers treat specially, and ordinary ones.
    fn hostile_name(&mut self) -> String {
        const PIECES: &[&str] = &[
            "Admin",
            "x",
            "\n",
            "\r",
            "\r\n",
            "[default]",
            "[",
            "]",
            "=",
            ":",
            "#",
            ";",
            " ",
            "\t",
            "'",
            "\"",
            "\\",
            "\u{85}",
            "\u{2028}",
            "\u{0}",
            "\u{1b}",
            "\u{7f}",
            "credential_process = touch /tmp/pwned",
            "\n  ",
            " ;c",
            " #c",
            "ü",
            "$(id)",
            "\n[profile evil]\nregion = x",
            "DEFAULT",
            "=x",
            "a = b",
        ];
        let n = 1 + self.below(5);
        (0..n).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }
}

#[test]
fn populate_with_arbitrary_names_reads_back_exactly_in_botocore_and_ours() {
    use rolecall::aws_files::populate::{Plan, ProfileKind, populate};
    use rolecall::core::catalog::{Account, AccountEntry, Catalog, Roles};
    use rolecall::core::sso::SsoSession;

    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    let session = SsoSession {
        name: "acme".into(),
        start_url: "https://acme.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        scopes: Vec::new(),
        legacy: false,
    };
    let mut generator = Gen(0x5eed_1234_abcd_0001);
    for case in 0..200 {
        let accounts: Vec<AccountEntry> = (0..4)
            .map(|i| AccountEntry {
                account: Account {
                    id: format!("{:012}", case * 10 + i).parse().unwrap(),
                    name: generator.hostile_name(),
                    email: None,
                },
                roles: Roles::Listed(vec![
                    generator.hostile_name(),
                    format!("Legal{i}"),
                    generator.hostile_name(),
                ]),
            })
            .collect();
        let catalog = Catalog {
            session: "acme".into(),
            listed_at: 0,
            accounts,
        };
        let credential_process = case % 2 == 1;
        let plan = Plan {
            session: &session,
            catalog: &catalog,
            template: "{account_id}-{role_name}",
            region: "us-east-2",
            kind: if credential_process {
                ProfileKind::CredentialProcess {
                    program: "/usr/local/bin/rolecall".into(),
                    platform: rolecall::aws_files::command_line::Platform::Posix,
                }
            } else {
                ProfileKind::Sso
            },
            prune: false,
        };
        let out = match populate("[default]\nregion = eu-west-1\n", &plan) {
            Ok(out) => out,
            Err(e) => panic!("case {case}: one bad name stops the whole populate: {e}"),
        };
        let path = dir.path().join(format!("config{case}"));
        std::fs::write(&path, &out.text).unwrap();
        cases.push((case, catalog, out, credential_process, path));
    }
    // botocore reads every case's file in one run.
    let paths: Vec<&Path> = cases.iter().map(|c| c.4.as_path()).collect();
    let all_parsed = botocore_parse_all(&paths);
    for ((case, catalog, out, credential_process, _), parsed) in cases.iter().zip(all_parsed) {
        let (case, credential_process) = (*case, *credential_process);
        let ctx = format!("case {case}:\n{}", out.text);
        let parsed = parsed.unwrap_or_else(|e| panic!("{ctx}\nbotocore: {e}"));
        let sections = parsed.as_object().unwrap();

        // Exactly the sections we meant, each with exactly the keys we meant: every profile
        // is one row of the catalog (its name from the template), no row twice.
        let mut fixed = serde_json::Map::new();
        fixed.insert("default".into(), serde_json::json!({"region": "eu-west-1"}));
        if !credential_process {
            fixed.insert(
                "sso-session acme".into(),
                serde_json::json!({
                    "sso_start_url": "https://acme.awsapps.com/start",
                    "sso_region": "eu-west-1",
                    "sso_registration_scopes": "sso:account:access",
                }),
            );
        }
        let meant = |account_id: &str, role: &str| {
            if credential_process {
                serde_json::json!({
                    // (the quoting itself is checked against botocore's splitters in
                    // aws_files::command_line)
                    "credential_process": rolecall::aws_files::populate::credential_process_command(
                        "/usr/local/bin/rolecall",
                        "acme",
                        account_id,
                        role,
                        rolecall::aws_files::command_line::Platform::Posix,
                    )
                    .ok(),
                    "region": "us-east-2",
                })
            } else {
                serde_json::json!({
                    "sso_session": "acme",
                    "sso_account_id": account_id,
                    "sso_role_name": role,
                    "region": "us-east-2",
                })
            }
        };
        let mut used_rows = std::collections::HashSet::new();
        for (section, values) in sections {
            if let Some(expected) = fixed.get(section) {
                assert_eq!(values, expected, "{ctx}\nbotocore reads [{section}]");
                continue;
            }
            let name = section.strip_prefix("profile ").unwrap_or_else(|| {
                panic!("{ctx}\nbotocore sees a section we never meant: [{section:?}]")
            });
            assert!(
                out.profiles.iter().any(|p| p == name),
                "{ctx}\nbotocore sees a profile we never meant: {name:?}"
            );
            let row = catalog
                .rows()
                .enumerate()
                .find(|(_, (a, r))| meant(&a.id, r) == *values)
                .unwrap_or_else(|| {
                    panic!("{ctx}\n[{section}] is no role of the catalog: {values}")
                });
            let (index, (account, role)) = row;
            let base = rolecall::core::profile_name::sanitize(&format!("{}-{role}", account.id));
            assert!(
                name == base || name == format!("{base}-{}", account.id),
                "{ctx}\n[{section}] holds {role:?}"
            );
            assert!(used_rows.insert(index), "{ctx}\n{role:?} written twice");
        }
        assert_eq!(
            sections.len(),
            fixed.len() + out.profiles.len(),
            "{ctx}\nevery profile we wrote is read"
        );
        for i in 0..4 {
            let legal = format!("{:012}-Legal{i}", case * 10 + i);
            assert!(
                out.profiles.contains(&legal),
                "{ctx}\na legal role is written: {legal}"
            );
        }

        // Our reader agrees.
        let ours = ini::parse(&out.text).unwrap_or_else(|e| panic!("{ctx}\nour reader: {e}"));
        let ours: std::collections::BTreeMap<String, serde_json::Value> = ours
            .iter()
            .map(|s| {
                let keys: serde_json::Map<String, serde_json::Value> = s
                    .entries
                    .iter()
                    .map(|e| (e.key.clone(), serde_json::Value::String(e.value.clone())))
                    .collect();
                (s.name.clone(), serde_json::Value::Object(keys))
            })
            .collect();
        let botocore: std::collections::BTreeMap<String, serde_json::Value> =
            sections.clone().into_iter().collect();
        assert_eq!(
            ours, botocore,
            "{ctx}\nour reader reads what botocore reads"
        );

        // Every role not written is named in a notice.
        assert_eq!(
            out.profiles.len() + out.skipped.len(),
            catalog.rows().count(),
            "{ctx}\n{:?}",
            out.skipped
        );
    }
}

/// Header lines botocore reads as `[jenkins]` (credentials) or `[profile jenkins]` (config).
const HEADER_FORMS: &[&str] = &[
    "[{}]",
    "[{}] ; a note",
    "[{}]# c",
    "[{}]\t; c",
    "  [{}]",
    "\t[{}]  ",
];

#[test]
fn the_editor_finds_every_header_botocore_reads_and_never_adds_a_second() {
    let dir = tempfile::tempdir().unwrap();
    for (i, form) in HEADER_FORMS.iter().enumerate() {
        // The credentials file: a section rolecall wrote, under an odd header.
        let path = dir.path().join(format!("credentials{i}"));
        let header = form.replace("{}", PROFILE);
        let original = format!(
            "[other]\nk = v\n{header}\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n\
             aws_session_token = t\nexpiration = 2020-01-01T00:00:00Z\n[after]\nk = v\n"
        );
        std::fs::write(&path, &original).unwrap();
        let written = write_profile(&path, PROFILE, &credentials(1));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(written.is_ok(), "{header:?}: {written:?}");
        let parsed = botocore_parse(&path).unwrap_or_else(|e| panic!("{header:?}: {e}\n{text}"));
        assert_eq!(
            parsed[PROFILE]["aws_access_key_id"], "ASIANEW1",
            "{header:?}\n{text}"
        );
        assert_eq!(parsed["after"]["k"], "v", "{header:?}");

        // The config file: a profile's region.
        let path = dir.path().join(format!("config{i}"));
        for name in [
            format!("profile {PROFILE}"),
            format!("profile  {PROFILE} "),
            format!("profile\t{PROFILE}"),
        ] {
            let header = form.replace("{}", &name);
            std::fs::write(
                &path,
                format!(
                    "{header}\nsso_session = acme\nregion = us-east-1\n\n[default]\nregion = x\n"
                ),
            )
            .unwrap();
            write_profile_region(&path, PROFILE, "eu-west-1", FileMode::Keep).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let profiles = botocore_profiles(&path);
            assert_eq!(
                profiles["profiles"][PROFILE],
                serde_json::json!({"sso_session": "acme", "region": "eu-west-1"}),
                "{header:?}\n{text}"
            );
        }
    }
}

#[test]
fn an_indented_header_after_a_setting_is_a_continuation_not_a_section() {
    // botocore reads `  [x]` right after a setting as part of that setting's value.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, "[default]\nnote = a\n  [profile rolecall-test]\n").unwrap();
    write_profile_region(&path, PROFILE, "eu-west-1", FileMode::Keep).unwrap();
    let profiles = botocore_profiles(&path);
    assert_eq!(profiles["profiles"][PROFILE]["region"], "eu-west-1");
}

#[test]
fn write_region_for_default_edits_the_section_botocore_uses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    for original in [
        "[profile default]\nsso_session = acme\nregion = us-east-1\n",
        "[default]\noutput = json\n\n[profile default]\nsso_session = acme\nregion = us-east-1\n",
        "[profile default]\nsso_session = acme\n\n[default]\nsso_session = acme\nregion = us-east-1\n",
    ] {
        std::fs::write(&path, original).unwrap();
        write_profile_region(&path, "default", "eu-west-1", FileMode::Keep).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let profiles = botocore_profiles(&path);
        assert_eq!(
            profiles["profiles"]["default"],
            serde_json::json!({"sso_session": "acme", "region": "eu-west-1"}),
            "{original:?}\n{text}"
        );
    }
}

#[test]
fn write_refuses_a_section_another_tool_wrote_and_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    for original in [
        "[jenkins]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = s\n",
        "[jenkins]\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\n\
         x_security_token_expires = 2020-01-01T00:00:00Z\nx_principal_arn = arn\n",
    ] {
        std::fs::write(&path, original).unwrap();
        let refused = write_profile(&path, "jenkins", &credentials(1));
        assert!(
            matches!(refused, Err(AwsFilesError::NotOurs { .. })),
            "{original:?}: {refused:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

        // With --force the section holds exactly what rolecall writes: the other tool's keys go.
        write_profile_with(&path, "jenkins", &credentials(1), Overwrite::Force).unwrap();
        let parsed = botocore_parse(&path).unwrap();
        assert_eq!(
            parsed["jenkins"],
            serde_json::json!({
                "aws_access_key_id": "ASIANEW1",
                "aws_secret_access_key": "secret/1+key",
                "aws_session_token": "token1==",
                "expiration": "2027-01-15T08:00:00Z",
                "managed_by": "rolecall",
            })
        );
        // Marked as ours, the next write needs no --force.
        write_profile(&path, "jenkins", &credentials(2)).unwrap();
    }
}

#[test]
fn a_section_rolecall_wrote_before_it_marked_them_is_still_ours() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    std::fs::write(
        &path,
        "[dev]\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\n\
         expiration = 2020-01-01T00:00:00Z\n",
    )
    .unwrap();
    write_profile(&path, "dev", &credentials(1)).unwrap();
    assert_eq!(
        botocore_parse(&path).unwrap()["dev"]["managed_by"],
        "rolecall"
    );
}

/// The marker is a key the AWS SDK for Rust's own profile parser accepts: it reads the keys we
/// wrote from a marked section.
#[tokio::test]
#[allow(deprecated)] // aws-config's own names for aws_runtime's types (not a dependency of ours)
async fn the_rust_sdk_reads_a_marked_profile() {
    use aws_config::profile::ProfileFileCredentialsProvider;
    use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
    use aws_sdk_sts::config::ProvideCredentials;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    std::fs::write(&path, "[other] ; a note\nk = v\n").unwrap();
    write_profile(&path, PROFILE, &credentials(4)).unwrap();
    std::fs::write(dir.path().join("no-config"), "").unwrap();
    let files = ProfileFiles::builder()
        .with_file(ProfileFileKind::Credentials, &path)
        .with_file(ProfileFileKind::Config, dir.path().join("no-config"))
        .build();
    let provider = ProfileFileCredentialsProvider::builder()
        .profile_files(files)
        .profile_name(PROFILE)
        .build();
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEW4");
    assert_eq!(creds.secret_access_key(), "secret/4+key");
    assert_eq!(creds.session_token(), Some("token4=="));
}
