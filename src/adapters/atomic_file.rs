//! Writing files people care about without ever leaving them half-written: a temporary file in
//! the same directory, fsync, rename over the old one, fsync the directory. Mode 0600 for
//! anything holding a secret. An advisory lock (`<file>.lock`) keeps a second writer out.
//!
//! The temporary file is named `.<file>.rolecall-<pid>-<random>.tmp`. A writer killed between
//! creating it and the rename (SIGKILL, power loss) leaves it behind; the next write of the same
//! file removes such leftovers once their writer is gone (see [`remove_stale_temps`]).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What every temporary file of ours has after `.<file>.`.
const TEMP_MARK: &str = "rolecall-";
const TEMP_SUFFIX: &str = ".tmp";
/// A leftover whose writer cannot be checked (no `/proc`) is stale after this long; so is one
/// whose pid was reused by a live process. No write of ours takes minutes.
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Creates `dir` (and parents) private to the user when it does not exist.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Replaces `path` with `bytes` atomically; the new file has mode `mode` (Unix).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    create_private_dir(dir)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("rolecall");
    remove_stale_temps(dir, name);
    let mut temp = tempfile::Builder::new()
        .prefix(&format!("{}{}-", temp_prefix(name), std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `.<file>.rolecall-`: how our temporary files for `file` begin.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.{TEMP_MARK}")
}

/// The writer's pid in the name of one of our temporary files for `name`.
fn temp_owner(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name
        .strip_prefix(&temp_prefix(name))?
        .strip_suffix(TEMP_SUFFIX)?;
    rest.split_once('-')?.0.parse().ok()
}

/// Whether process `pid` is running: `None` where that cannot be told (no `/proc`).
fn pid_alive(pid: u32) -> Option<bool> {
    let proc_dir = Path::new("/proc");
    if !proc_dir.join("self").exists() {
        return None;
    }
    match std::fs::read_to_string(proc_dir.join(pid.to_string()).join("stat")) {
        // `pid (comm) S …`: a zombie has exited; only its parent has not reaped it yet.
        Ok(stat) => Some(
            stat.rsplit_once(')')
                .is_none_or(|(_, rest)| !rest.trim_start().starts_with('Z')),
        ),
        Err(_) => Some(false),
    }
}

/// Removes the temporary files a killed writer left beside `dir/name`: ours (by their name)
/// whose writer is no longer running, or that are older than any write takes. A live writer's
/// file, this process's own and anything not named like ours are left alone. Best effort: a
/// leftover that cannot be removed now is tried again next time.
pub fn remove_stale_temps(dir: &Path, name: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| temp_owner(n, name)) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if (pid_alive(pid) == Some(false) || old) && std::fs::remove_file(entry.path()).is_ok() {
            tracing::debug!(file = ?entry.path(), "removed a temporary file a killed writer left");
            removed += 1;
        }
    }
    removed
}

/// An exclusive advisory lock on `<path>.lock`, held until dropped.
#[derive(Debug)]
pub struct FileLock {
    file: File,
}

impl FileLock {
    /// Waits for the lock on `path`.
    pub fn acquire(path: &Path) -> io::Result<Self> {
        let lock_path = lock_path(path);
        if let Some(dir) = lock_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&lock_path)?;
        file.lock()?;
        Ok(Self { file })
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_set_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f.json");
        write_atomic(&path, b"one", 0o600).unwrap();
        write_atomic(&path, b"two", 0o600).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dir_mode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dir_mode, 0o700);
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    /// The pid of a process that has exited and been reaped.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn temp_names_carry_the_writers_pid() {
        assert_eq!(
            temp_owner(".credentials.rolecall-4242-Ab12Cd.tmp", "credentials"),
            Some(4242)
        );
        assert_eq!(
            temp_owner(".credentials.rolecall-x-Ab.tmp", "credentials"),
            None
        );
        assert_eq!(
            temp_owner(".config.rolecall-4242-Ab.tmp", "credentials"),
            None
        );
        assert_eq!(temp_owner(".credentials.Ab12Cd.tmp", "credentials"), None);
        assert_eq!(temp_owner("credentials", "credentials"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leftovers_of_a_dead_writer_go_and_a_live_writers_stay() {
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str| {
            std::fs::write(dir.path().join(name), "half").unwrap();
            name.to_owned()
        };
        let dead = make(&format!(".credentials.rolecall-{}-aaaaaa.tmp", dead_pid()));
        let live = make(".credentials.rolecall-1-bbbbbb.tmp");
        let mine = make(&format!(
            ".credentials.rolecall-{}-cccccc.tmp",
            std::process::id()
        ));
        let other_file = make(&format!(".config.rolecall-{}-dddddd.tmp", dead_pid()));
        let not_ours = make(".credentials.eeeeee.tmp");
        let old_live = make(".credentials.rolecall-1-ffffff.tmp");
        File::options()
            .write(true)
            .open(dir.path().join(&old_live))
            .unwrap()
            .set_modified(SystemTime::now() - STALE_AFTER - Duration::from_secs(1))
            .unwrap();

        assert_eq!(remove_stale_temps(dir.path(), "credentials"), 2);
        let exists = |name: &str| dir.path().join(name).exists();
        assert!(!exists(&dead), "a dead writer's leftover goes");
        assert!(!exists(&old_live), "one older than any write goes");
        for kept in [&live, &mine, &other_file, &not_ours] {
            assert!(exists(kept), "{kept} stays");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_write_cleans_up_after_a_killed_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        let leftover = dir
            .path()
            .join(format!(".credentials.rolecall-{}-zzzzzz.tmp", dead_pid()));
        std::fs::write(&leftover, "[half").unwrap();
        write_atomic(&path, b"[whole]\n", 0o600).unwrap();
        assert!(!leftover.exists());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["credentials"]);
    }

    #[test]
    fn the_lock_excludes_a_second_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        let held = FileLock::acquire(&path).unwrap();
        let other = File::options().write(true).open(lock_path(&path)).unwrap();
        assert!(other.try_lock().is_err());
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
