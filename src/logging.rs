//! `tracing` to a log file, never to the screen (the screen belongs to the app and to stdout).
//!
//! The file is `$ROLECALL_LOG_FILE`, else `<state dir>/rolecall/rolecall.log`; the level comes
//! from `ROLECALL_LOG` (an `EnvFilter` directive such as `debug` or `rolecall=trace`), `info`
//! by default.
//!
//! No level may put a secret in the file. Two guards hold whatever `ROLECALL_LOG` asks for:
//! - [`transport_caps`]: the AWS SDK and the HTTP/TLS crates under it log request and response
//!   headers and bodies (the SSO bearer token, OIDC and STS answers) at `trace`, so they are
//!   capped at `debug` (the SDK) and `info` (hyper, h2, rustls, tower, axum);
//! - [`redact`]: every formatted line passes through a scrubber for secret-shaped values before
//!   it is written.

pub(crate) mod redact;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Where the log goes.
pub fn log_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ROLECALL_LOG_FILE") {
        return Some(PathBuf::from(path));
    }
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .map(|d| d.join("rolecall").join("rolecall.log"))
}

/// Creates rolecall's state directory private to the user (0700, as the README says) when the
/// log is about to open there (the log would create it with the umask's mode); one left open
/// by an older version is closed. Failing is not fatal: whatever writes there says so.
pub fn prepare_state_dir() {
    let Ok(paths) = crate::paths::Paths::from_env() else {
        return;
    };
    let dir = &paths.state_dir;
    if log_path().is_some_and(|log| log.parent() == Some(dir.as_path())) {
        let _ = crate::adapters::atomic_file::create_private_dir(dir);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(dir)
            && meta.is_dir()
            && meta.permissions().mode() & 0o077 != 0
        {
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
}

/// Crates (target prefixes) whose `trace` (and for the transport, `debug`) events carry
/// requests and responses, with the most they may log.
const CAPS: &[(&str, LevelFilter)] = &[
    ("aws_smithy", LevelFilter::DEBUG),
    ("aws_sdk", LevelFilter::DEBUG),
    ("aws_config", LevelFilter::DEBUG),
    ("aws_runtime", LevelFilter::DEBUG),
    ("aws_sigv4", LevelFilter::DEBUG),
    ("aws_credential_types", LevelFilter::DEBUG),
    ("aws_types", LevelFilter::DEBUG),
    ("hyper", LevelFilter::INFO),
    ("h2", LevelFilter::INFO),
    ("rustls", LevelFilter::INFO),
    ("tokio_rustls", LevelFilter::INFO),
    ("reqwest", LevelFilter::INFO),
    ("tower", LevelFilter::INFO),
    ("tower_http", LevelFilter::INFO),
    ("axum", LevelFilter::INFO),
    // Logs the browser's command line at debug.
    ("webbrowser", LevelFilter::INFO),
];

/// The caps on the SDK and transport crates, which no `ROLECALL_LOG` lifts.
pub fn transport_caps() -> Targets {
    CAPS.iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |t, (target, level)| t.with_target(*target, *level),
    )
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
    let Ok(mut file) = options.open(&path) else {
        return;
    };
    // A log that cannot be written (a full disk) is said once, here, before any screen is
    // drawn; the run then goes on without a log instead of failing at every event.
    if let Err(e) = writeln!(file, "--- rolecall {} started", env!("CARGO_PKG_VERSION")) {
        let _ = writeln!(
            std::io::stderr(),
            "rolecall: cannot write the log {}: {e}; running without a log",
            crate::core::terminal_text::Shown(&path.display().to_string())
        );
        return;
    }
    let filter = EnvFilter::try_from_env("ROLECALL_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(RedactingWriter::new(file))
        .with_filter(filter.and(transport_caps()));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// A writer that scrubs every formatted event with [`redact::redact`] before writing it.
/// The formatter hands over one whole event per `write`, so keys and values are never split.
pub struct RedactingWriter<W> {
    inner: Mutex<W>,
}

impl<W: Write> RedactingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner: Mutex::new(inner),
        }
    }

    /// Writes `buf` scrubbed; says all of `buf` was taken.
    fn write_redacted(&self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let clean = redact::redact(&text);
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| std::io::Error::other("the log writer is poisoned"))?;
        inner.write_all(clean.as_bytes())?;
        Ok(buf.len())
    }
}

/// One event's handle on a [`RedactingWriter`].
pub struct EventWriter<'a, W>(&'a RedactingWriter<W>);

impl<W: Write> Write for EventWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_redacted(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.inner.lock() {
            Ok(mut inner) => inner.flush(),
            Err(_) => Ok(()),
        }
    }
}

impl<'a, W: Write + 'a> MakeWriter<'a> for RedactingWriter<W> {
    type Writer = EventWriter<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        EventWriter(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_asked_for_everything_still_caps_the_transport() {
        let caps = transport_caps();
        let would = |target: &str, level: LevelFilter| {
            caps.would_enable(target, &level.into_level().unwrap())
        };
        assert!(would("rolecall::engine::signin", LevelFilter::TRACE));
        assert!(!would(
            "aws_smithy_runtime::client::orchestrator",
            LevelFilter::TRACE
        ));
        assert!(would(
            "aws_smithy_runtime::client::orchestrator",
            LevelFilter::DEBUG
        ));
        assert!(!would("aws_sigv4::http_request::sign", LevelFilter::TRACE));
        assert!(!would(
            "hyper_util::client::legacy::pool",
            LevelFilter::DEBUG
        ));
        assert!(!would("h2::codec::framed_read", LevelFilter::DEBUG));
        assert!(!would("rustls::client::hs", LevelFilter::DEBUG));
    }

    #[test]
    fn the_writer_scrubs_what_it_is_given() {
        let writer = RedactingWriter::new(Vec::new());
        writer
            .make_writer()
            .write_all(b"headers: {\"x-amz-sso_bearer_token\": \"aoa123\"}\n")
            .unwrap();
        let written = String::from_utf8(writer.inner.into_inner().unwrap()).unwrap();
        assert_eq!(
            written,
            "headers: {\"x-amz-sso_bearer_token\": \"[redacted]\"}\n"
        );
    }
}
