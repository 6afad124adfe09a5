//! Reading a user's or our own state file, safely: only a regular file (a FIFO in place of
//! `~/.aws/config` would block the read forever, a device would never end), and no more than
//! a cap (a 100 MB config is a mistake or an attack, not a config). Every reader of a file a
//! user or another program can replace goes through here.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The cap for configuration-like files: `config.toml`, `~/.aws/config`, `~/.aws/credentials`,
/// the file secret store, the SSO token cache.
pub(crate) const CONFIG_LIMIT: u64 = 16 * 1024 * 1024;

/// The cap for the catalog cache (tens of thousands of accounts fit in a few MB).
pub(crate) const CACHE_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a file was refused. It is the `io::Error`'s inner error, so a caller's message reads
/// `cannot read PATH: not a regular file …`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refused {
    #[error("not a regular file (a FIFO, a device or a directory); refusing to read it")]
    NotRegular,
    #[error("larger than {} MiB; refusing to read it", .0 / (1024 * 1024))]
    TooLarge(u64),
}

fn refused(why: Refused) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

/// Whether `e` is a refusal of ours (not a missing or unreadable file).
#[cfg(test)]
fn is_refused(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Refused>())
}

/// The bytes of `path`, a regular file of at most `limit` bytes. A missing file is
/// `ErrorKind::NotFound`, as with `std::fs::read`.
pub(crate) fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    // Looked at before opening: opening a FIFO for reading blocks until a writer comes.
    if !std::fs::metadata(path)?.is_file() {
        return Err(refused(Refused::NotRegular));
    }
    let file = File::open(path)?;
    // And again what was opened (the path may have been replaced in between).
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refused(Refused::NotRegular));
    }
    if meta.len() > limit {
        return Err(refused(Refused::TooLarge(limit)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(refused(Refused::TooLarge(limit)));
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text (`ErrorKind::InvalidData` otherwise, as with
/// `std::fs::read_to_string`).
pub(crate) fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read(path, limit)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("config");
        std::fs::write(&path, "[default]\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_text(&path, 100).ok().as_deref(), Some("[default]\n"));
        let missing = read(&dir.path().join("nope"), 100).err();
        assert_eq!(missing.map(|e| e.kind()), Some(io::ErrorKind::NotFound));
    }

    #[test]
    fn a_file_over_the_cap_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("config");
        std::fs::write(&path, vec![b'#'; 2 * 1024 * 1024 + 1]).unwrap_or_else(|e| panic!("{e}"));
        let Err(e) = read(&path, 2 * 1024 * 1024) else {
            panic!("read")
        };
        assert!(is_refused(&e));
        assert_eq!(e.to_string(), "larger than 2 MiB; refusing to read it");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let Err(e) = read(dir.path(), 100) else {
            panic!("read")
        };
        assert!(is_refused(&e), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("config");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(made.success());
        let Err(e) = read(&path, 100) else {
            panic!("read")
        };
        assert_eq!(
            e.to_string(),
            "not a regular file (a FIFO, a device or a directory); refusing to read it"
        );
    }
}
