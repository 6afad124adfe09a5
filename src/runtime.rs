//! The only impure loop: terminal input, effect results and a one-second tick become `Msg`s
//! for `core::app::update`; effects run on spawned tasks; the screen is redrawn from the state.
//!
//! | module | holds |
//! |---|---|
//! | [`terminal`] | raw mode + alternate screen on the tty, always restored (drop, panic, signals) |
//! | [`input`] | crossterm events → core keys and mouse input |
//! | [`services`] | the ports the effects use, and running one effect (per domain) |
//! | [`debug_panic`] | a panic on a key, in debug builds only (terminal-restore tests) |
//! | [`stop`] | the stop signals and their numbers |
//! | [`event_loop`] | `run`: the loop itself, generic over backend and input stream |

pub(crate) mod debug_panic;
pub(crate) mod event_loop;
pub(crate) mod input;
pub(crate) mod services;
pub(crate) mod stop;
pub(crate) mod terminal;

pub use event_loop::{RunOptions, run};
pub use services::Services;
