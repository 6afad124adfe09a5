//! The signals that stop the app (SIGTERM, SIGHUP, SIGINT), with their numbers, so the process
//! can exit with 128 + the signal like other programs once the terminal is restored.

/// Resolves with the number of the first stop signal.
pub(crate) async fn next_stop() -> i32 {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let hup = signal(SignalKind::hangup());
        let int = signal(SignalKind::interrupt());
        if let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (term, hup, int) {
            return tokio::select! {
                _ = term.recv() => 15,
                _ = hup.recv() => 1,
                _ = int.recv() => 2,
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    2
}
