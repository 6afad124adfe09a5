//! The full-screen app as a pure state machine: `update(&mut AppState, Msg, now) -> Vec<Effect>`.
//! The runtime turns terminal input and port results into `Msg`s, runs the `Effect`s, and
//! redraws from the state; nothing here does IO or reads the clock.
//!
//! | module | holds |
//! |---|---|
//! | [`key`] | keys and mouse input, independent of the terminal library |
//! | [`command`] | what a key can do, with the description `?` help shows |
//! | [`keymap`] | key → command bindings, defaults and `[keys]` from config.toml |
//! | [`state`] | `AppState`: everything the screen shows |
//! | [`msg`] | `Msg`: what happened |
//! | [`effect`] | `Effect`: what the runtime must do; `ExitPlan` |
//! | [`prompt`] | the MFA code question and the "assume another role" form |
//! | [`urgency`] | how close a session is to expiry, for colours and warnings |
//! | [`update`] | the transitions |

pub mod command;
pub mod effect;
pub mod key;
pub mod keymap;
pub mod msg;
pub mod prompt;
pub mod state;
pub mod update;
pub mod urgency;

pub use command::Command;
pub use effect::{Effect, ExitPlan};
pub use key::{Key, MouseInput};
pub use keymap::Keymap;
pub use msg::Msg;
pub use state::AppState;
pub use update::update;
