//! Read-modify-write of an AWS file: the lock (`<file>.lock`) is held from the read to the
//! rename, the new text goes to a temporary file in the same directory (fsync, rename), a
//! symlinked file is written through to its target so the link survives, and a read-only file
//! is refused (left exactly as it was). The credentials file is always left 0600; the config
//! file keeps its mode unless `[aws_files] tighten_permissions` is set. A mode that lets group
//! or others in is reported by the caller either way.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use zeroize::Zeroizing;

use super::AwsFilesError;
use super::ini_edit;
use crate::adapters::atomic_file::{FileLock, write_atomic};
use crate::core::credentials::Credentials;

/// The mode a rewritten file gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// Always 0600 (it holds secrets, or the user asked for it).
    Private,
    /// The old file's mode; 0600 for a new file.
    Keep,
}

impl FileMode {
    /// The config file's: kept, or 0600 when `[aws_files] tighten_permissions` is set.
    pub fn for_config(tighten: bool) -> Self {
        if tighten { Self::Private } else { Self::Keep }
    }
}

/// Mode bits that let group or others in.
const OPEN_TO_OTHERS: u32 = 0o077;

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file actually replaced (a symlink's target).
    pub path: PathBuf,
    /// The old file's mode when it let group or others in.
    pub looser_mode: Option<u32>,
    /// Whether that mode is 0600 now.
    pub tightened: bool,
}

impl Written {
    /// One line for stderr when the old mode let group or others in.
    pub fn notice(&self) -> Option<String> {
        let path = self.path.display();
        self.looser_mode.map(|mode| {
            if self.tightened {
                format!("{path} was mode {mode:04o} (open to group or others); it is 0600 now")
            } else {
                format!(
                    "{path} is mode {mode:04o} (open to group or others): `chmod 600` it, or set \
                     tighten_permissions = true under [aws_files] in rolecall's config"
                )
            }
        })
    }
}

/// Follows symlinks (up to 40) to the file they name; the path itself when it is not a link.
/// A dangling link resolves to where it points, so writing creates its target.
pub fn resolve_link(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&current) else {
            break;
        };
        current = match current.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    current
}

/// Whether the owner may not write the file (its mode says so; root would be let through).
/// Refuses a read-only file at `path` up front (a missing file can be created), so a command
/// that writes two files finds out before it writes the first.
pub fn ensure_writable(path: &Path) -> Result<(), AwsFilesError> {
    let target = resolve_link(path);
    match std::fs::metadata(&target) {
        Ok(meta) if is_read_only(&meta) => Err(AwsFilesError::ReadOnly {
            path: target.display().to_string(),
        }),
        _ => Ok(()),
    }
}

fn is_read_only(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        mode_of(meta) & 0o200 == 0
    }
    #[cfg(not(unix))]
    {
        meta.permissions().readonly()
    }
}

fn mode_of(meta: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0o600
    }
}

/// Why an edit refused to change a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The text cannot be edited (a one-line cause).
    Cause(String),
    /// The section belongs to another tool or to the user (a one-line cause).
    NotOurs(String),
}

impl From<String> for Refusal {
    fn from(cause: String) -> Self {
        Self::Cause(cause)
    }
}

impl From<ini_edit::EditError> for Refusal {
    fn from(e: ini_edit::EditError) -> Self {
        Self::Cause(e.to_string())
    }
}

/// Rewrites `path` with `edit(old text)` (a missing file is empty text) under the file's lock.
/// `edit` refuses with a one-line cause; the file is then untouched. So is a read-only file.
pub fn update_file<E: Into<Refusal>>(
    path: &Path,
    mode: FileMode,
    edit: impl FnOnce(&str) -> Result<String, E>,
) -> Result<Written, AwsFilesError> {
    let target = resolve_link(path);
    let shown = || target.display().to_string();
    let io = |source| AwsFilesError::Io {
        path: shown(),
        source,
    };
    let _lock = FileLock::acquire(&target).map_err(io)?;
    let (old, old_mode) =
        match crate::adapters::read_file::read(&target, crate::adapters::read_file::CONFIG_LIMIT) {
            Ok(bytes) => {
                let meta = std::fs::metadata(&target).map_err(io)?;
                if is_read_only(&meta) {
                    return Err(AwsFilesError::ReadOnly { path: shown() });
                }
                let mode = Some(mode_of(&meta));
                let text = String::from_utf8(bytes)
                    .map_err(|_| AwsFilesError::NotText { path: shown() })?;
                (Zeroizing::new(text), mode)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (Zeroizing::new(String::new()), None)
            }
            Err(e) => return Err(io(e)),
        };
    let new = Zeroizing::new(edit(&old).map_err(|e| match e.into() {
        Refusal::Cause(cause) => AwsFilesError::Refused {
            path: shown(),
            cause,
        },
        Refusal::NotOurs(cause) => AwsFilesError::NotOurs {
            path: shown(),
            cause,
        },
    })?);
    let new_mode = match (mode, old_mode) {
        (FileMode::Keep, Some(m)) => m,
        _ => 0o600,
    };
    write_atomic(&target, new.as_bytes(), new_mode).map_err(io)?;
    let looser_mode = old_mode.filter(|m| m & OPEN_TO_OTHERS != 0);
    Ok(Written {
        path: target,
        looser_mode,
        tightened: looser_mode.is_some() && new_mode & OPEN_TO_OTHERS == 0,
    })
}

/// `2026-11-23T18:04:05Z`.
pub fn iso8601_utc(t: SystemTime) -> Option<String> {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).ok()?)
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// The keys we own in a credentials profile.
pub const CREDENTIAL_KEYS: [&str; 4] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "expiration",
];

/// The setting that marks a credentials profile as rolecall's: `managed_by = rolecall`. A key
/// botocore and the AWS SDKs ignore and keep, so it survives tools that rewrite the file through
/// a parser (a comment would not).
pub const MARKER: (&str, &str) = ("managed_by", "rolecall");

/// May `write` replace a section another tool (or the user) wrote?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Only a section rolecall wrote (or a new or empty one); refuse any other.
    OursOnly,
    /// Any section; one rolecall did not write loses all its keys (`--force`).
    Force,
}

/// Whose a credentials section is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    /// No such section, or one without keys.
    Nobody,
    Rolecall,
    /// Someone else's: its keys.
    Other(Vec<String>),
}

fn owner_of(text: &str, profile: &str) -> Owner {
    let Some(keys) = ini_edit::section_keys(text, profile) else {
        return Owner::Nobody;
    };
    let marked = ini_edit::section_value(text, profile, MARKER.0).as_deref() == Some(MARKER.1);
    // What rolecall wrote before it marked its sections: temporary keys with an expiry.
    let unmarked_ours = keys.iter().all(|k| CREDENTIAL_KEYS.contains(&k.as_str()))
        && [CREDENTIAL_KEYS[2], CREDENTIAL_KEYS[3]]
            .iter()
            .all(|k| keys.iter().any(|have| have == k));
    if keys.is_empty() {
        Owner::Nobody
    } else if marked || unmarked_ours {
        Owner::Rolecall
    } else {
        Owner::Other(keys)
    }
}

/// The credentials file `text` with `[profile]` holding `set` (plus the marker). Keys we own
/// that `set` lacks go; a section rolecall did not write is refused, or with
/// [`Overwrite::Force`] left with exactly `set`.
fn credentials_edit(
    text: &str,
    profile: &str,
    set: &[(&str, &str)],
    overwrite: Overwrite,
) -> Result<String, Refusal> {
    let mut set = set.to_vec();
    set.push(MARKER);
    let lacking: Vec<&str> = CREDENTIAL_KEYS
        .into_iter()
        .filter(|k| !set.iter().any(|(have, _)| have == k))
        .collect();
    let remove = match (owner_of(text, profile), overwrite) {
        (Owner::Other(keys), Overwrite::OursOnly) => {
            return Err(Refusal::NotOurs(format!(
                "[{profile}] was not written by rolecall (it has {}); rolecall leaves it \
                 alone: choose another --profile, or pass --force to replace its keys",
                keys.join(", ")
            )));
        }
        (Owner::Other(_), Overwrite::Force) => ini_edit::Remove::AllOthers,
        _ => ini_edit::Remove::Keys(&lacking),
    };
    Ok(ini_edit::set_section(text, profile, &set, remove)?)
}

/// Writes `credentials` as `[profile]` of the credentials file at `path` (0600), keeping every
/// other byte. Keys we own that these credentials lack (a session token, an expiry) go. A
/// section rolecall did not write is refused (see [`write_profile_with`]).
pub fn write_profile(
    path: &Path,
    profile: &str,
    credentials: &Credentials,
) -> Result<Written, AwsFilesError> {
    write_profile_with(path, profile, credentials, Overwrite::OursOnly)
}

/// [`write_profile`], saying whether a section another tool wrote may be replaced.
pub fn write_profile_with(
    path: &Path,
    profile: &str,
    credentials: &Credentials,
    overwrite: Overwrite,
) -> Result<Written, AwsFilesError> {
    let expiration = credentials.expires_at.and_then(iso8601_utc);
    let mut set: Vec<(&str, &str)> = vec![
        (CREDENTIAL_KEYS[0], credentials.access_key_id.as_str()),
        (CREDENTIAL_KEYS[1], credentials.secret_access_key.expose()),
    ];
    if let Some(token) = &credentials.session_token {
        set.push((CREDENTIAL_KEYS[2], token.expose()));
    }
    if let Some(at) = &expiration {
        set.push((CREDENTIAL_KEYS[3], at));
    }
    update_file(path, FileMode::Private, |old| {
        credentials_edit(old, profile, &set, overwrite)
    })
}

/// The config file's sections for a profile: `[profile NAME]`; for `default`, whichever of
/// `[default]` and `[profile default]` the file has (both when it has both: botocore takes the
/// later one whole, the AWS SDK for Rust prefers `[profile default]`), else `[default]`.
pub fn config_sections(text: &str, profile: &str) -> Vec<String> {
    if profile != "default" {
        return vec![format!("profile {profile}")];
    }
    let present: Vec<String> = ["default", "profile default"]
        .into_iter()
        .filter(|s| ini_edit::has_section(text, s))
        .map(str::to_owned)
        .collect();
    if present.is_empty() {
        vec!["default".to_owned()]
    } else {
        present
    }
}

/// Sets `region` in the profile's section(s) of the config file at `path` (its mode kept, or
/// made 0600 with [`FileMode::Private`]).
pub fn write_profile_region(
    path: &Path,
    profile: &str,
    region: &str,
    mode: FileMode,
) -> Result<Written, AwsFilesError> {
    update_file(path, mode, |old| {
        config_sections(old, profile)
            .iter()
            .try_fold(old.to_owned(), |text, section| {
                ini_edit::set_section(
                    &text,
                    section,
                    &[("region", region)],
                    ini_edit::Remove::Keys(&[]),
                )
            })
    })
}
