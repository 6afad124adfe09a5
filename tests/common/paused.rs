//! Helpers for tests on tokio's paused clock (`#[tokio::test(start_paused = true)]`).
#![allow(dead_code)]

use std::time::Duration;

/// For a test on tokio's paused clock (`start_paused`), which this thread shares with the
/// emulator: whenever every task waits, the clock jumps to the next timer. Requests on loopback
/// are normally answered before that, but should the kernel be slow to hand one over, the next
/// timer could be an SDK timeout seconds away. This ticker keeps every jump at 1 ms, so such a
/// delay costs a few virtual milliseconds, never a timeout. Dropping the guard stops it.
pub fn small_steps() -> impl Drop {
    struct Stop(tokio::task::JoinHandle<()>);
    impl Drop for Stop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    Stop(tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }))
}

/// The app's clock on tokio's paused clock: the system's time when made, moving as tokio's
/// clock moves. What the app paces by its clock (rebuilding the rows while a listing streams
/// in) then keeps step with the emulator's rate limit, which reads tokio's clock too.
pub struct PausedClock {
    made: tokio::time::Instant,
    at: std::time::SystemTime,
}

impl PausedClock {
    pub fn new() -> Self {
        Self {
            made: tokio::time::Instant::now(),
            at: std::time::SystemTime::now(),
        }
    }
}

impl rolecall::ports::clock::Clock for PausedClock {
    fn now(&self) -> std::time::SystemTime {
        self.at + self.made.elapsed()
    }
}
