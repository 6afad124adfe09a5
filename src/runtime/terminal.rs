//! The terminal while the app runs: raw mode, the alternate screen, mouse capture and
//! bracketed paste (a paste arrives as one event, not as keys), drawn
//! on stdout when it is a terminal and on `/dev/tty` otherwise (so `eval "$(rolecall)"` keeps
//! stdout for the exports). It is restored however the app ends: normally, on an error
//! (the guard's drop), on a panic (the hook), and on SIGTERM/SIGHUP/SIGINT (the event loop
//! stops and the guard drops).

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Whether the terminal is currently in the app's mode.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Where the app draws.
pub(crate) type TtyBackend = CrosstermBackend<Box<dyn Write + Send>>;

/// The terminal's output: stdout when it is a terminal, else `/dev/tty`.
pub(crate) fn open_output() -> io::Result<Box<dyn Write + Send>> {
    if io::stdout().is_terminal() {
        return Ok(Box::new(io::stdout()));
    }
    let tty = std::fs::OpenOptions::new().write(true).open("/dev/tty")?;
    Ok(Box::new(tty))
}

/// Puts the terminal back: cooked mode, main screen, cursor, no mouse capture. Safe to call
/// more than once and from a panic hook.
pub(crate) fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    if let Ok(mut out) = open_output() {
        let _ = execute!(
            out,
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = out.flush();
    }
}

/// Restores the terminal when dropped.
#[derive(Debug)]
pub(crate) struct TerminalGuard(());

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Enters the app's terminal mode and installs the panic hook.
pub(crate) fn enter() -> io::Result<(Terminal<TtyBackend>, TerminalGuard)> {
    install_panic_hook();
    let mut out = open_output()?;
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = TerminalGuard(());
    execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    let terminal = Terminal::new(CrosstermBackend::new(out))?;
    Ok((terminal, guard))
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
