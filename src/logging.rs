//! `tracing` to a log file, never to the screen (the screen belongs to the app and to stdout).
//!
//! The file is `$ROLECALL_LOG_FILE`, else `<state dir>/rolecall/rolecall.log`; the level comes
//! from `ROLECALL_LOG` (an `EnvFilter` directive such as `debug` or `rolecall=trace`), `info`
//! by default.

use std::fs::OpenOptions;
use std::path::PathBuf;

use tracing_subscriber::EnvFilter;

/// Where the log goes.
pub fn log_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ROLECALL_LOG_FILE") {
        return Some(PathBuf::from(path));
    }
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .map(|d| d.join("rolecall").join("rolecall.log"))
}

/// Installs the file logger. Failing to open the file is not fatal: the app runs without a log.
pub fn init() {
    let Some(path) = log_path() else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let Ok(file) = options.open(&path) else {
        return;
    };
    let filter = EnvFilter::try_from_env("ROLECALL_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}
