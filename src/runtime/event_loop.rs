//! The event loop: `select!` over terminal input, effect results, a tick and the stop
//! signals; `update`; spawn the effects; redraw when something changed.

use std::io::{self, Write};
use std::time::Duration;

use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::input::{Input, translate};
use super::services::Services;
use crate::core::app::{AppState, Effect, ExitPlan, Msg, update};
use crate::core::sso::SignedIn;
use crate::ports::identity_center::IdentityCenter;
use crate::ui::{ViewCtx, draw, layout::list_area, theme::Theme};

/// How the loop runs; tests shorten the tick and watch the frames.
pub struct RunOptions {
    pub tick: Duration,
    pub theme: Theme,
    /// Every drawn frame as text, for tests and benchmarks.
    pub frames: Option<mpsc::UnboundedSender<String>>,
    /// Stop on SIGTERM, SIGHUP and SIGINT (off in tests).
    pub handle_signals: bool,
    /// Where OSC 52 clipboard sequences go (the terminal); none in tests.
    pub clipboard: Option<Box<dyn Write + Send>>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            tick: Duration::from_secs(1),
            // The binary sets it from the environment it read (`NO_COLOR`).
            theme: Theme::colored(),
            frames: None,
            handle_signals: true,
            clipboard: None,
        }
    }
}

fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    let mut text = String::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

fn resize_msg(state: &AppState, width: u16, height: u16) -> Msg {
    let (list_top, list_height) = list_area(width, height, state);
    Msg::Resize {
        width,
        height,
        list_top,
        list_height,
    }
}

/// The error `run` ends with when an effect's task panicked.
#[derive(Debug, thiserror::Error)]
#[error("internal error: {0}; please report it")]
pub(crate) struct WorkerPanicked(pub String);

/// Resolves with the stop signal's number when one arrives (never, when `enabled` is false).
async fn stop_signal(enabled: bool) -> i32 {
    if !enabled {
        return std::future::pending().await;
    }
    super::stop::next_stop().await
}

/// Runs the app until it exits; returns what to do after the terminal is restored.
/// `start` is what the token store holds on the first run; `None` resumes a state that ran
/// before (after a subshell).
pub async fn run<B, S, I>(
    terminal: &mut Terminal<B>,
    mut input: S,
    services: Services<I>,
    state: &mut AppState,
    start: Option<Option<SignedIn>>,
    mut options: RunOptions,
) -> io::Result<ExitPlan>
where
    B: Backend,
    S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
    I: IdentityCenter + 'static,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (panics, mut panicked) = mpsc::unbounded_channel::<String>();
    let clock = services.workspace.clock.clone();
    let size = terminal
        .size()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let first = resize_msg(state, size.width, size.height);
    let mut effects = update(state, first, clock.now());
    if let Some(stored) = start {
        effects.extend(update(state, Msg::Start { stored }, clock.now()));
    }
    let mut tick = tokio::time::interval(options.tick);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stop = stop_signal(options.handle_signals);
    tokio::pin!(stop);
    let panic_key = super::debug_panic::trigger();
    let mut dirty = true;
    loop {
        for effect in effects.drain(..) {
            match effect {
                Effect::Exit => return Ok(state.exit.take().unwrap_or_default()),
                Effect::Copy(sequence) => {
                    if let Some(out) = options.clipboard.as_mut() {
                        let _ = out.write_all(sequence.expose().as_bytes());
                        let _ = out.flush();
                    }
                }
                other => services.spawn(other, tx.clone(), &panics),
            }
        }
        if dirty {
            let ctx = ViewCtx {
                now: clock.now(),
                theme: options.theme.clone(),
            };
            let frame = terminal
                .draw(|f| draw(f, state, &ctx))
                .map_err(|e| io::Error::other(e.to_string()))?;
            if let Some(frames) = &options.frames {
                let _ = frames.send(buffer_text(frame.buffer));
            }
            dirty = false;
        }
        let msg = tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => match translate(event) {
                    Input::Msg(msg) => {
                        super::debug_panic::check(panic_key, &msg);
                        msg
                    }
                    Input::Resize(w, h) => {
                        let _ = terminal.autoresize();
                        resize_msg(state, w, h)
                    }
                    Input::Ignored => continue,
                },
                // The terminal went away: leave quietly.
                Some(Err(_)) | None => return Ok(state.exit.take().unwrap_or_default()),
            },
            Some(msg) = rx.recv() => msg,
            // A worker panicked (its message is already on stderr, after the hook restored
            // the terminal): end the app rather than run on without a screen.
            Some(what) = panicked.recv() => return Err(io::Error::other(WorkerPanicked(what))),
            _ = tick.tick() => Msg::Tick,
            signal = &mut stop => return Ok(ExitPlan::Stopped { signal }),
        };
        effects = update(state, msg, clock.now());
        // Panels that come and go (sessions, toasts) move the list: keep the core in step.
        let (width, height) = state.size;
        let (top, rows) = list_area(width, height, state);
        if (top, usize::from(rows).max(1)) != (state.list.top, state.list.height) {
            let resize = resize_msg(state, width, height);
            effects.extend(update(state, resize, clock.now()));
        }
        dirty = true;
    }
}
