//! The full-screen app as a pure state machine: `update(&mut AppState, Msg, now) -> Vec<Effect>`.
//! The runtime turns terminal input and port results into `Msg`s, runs the `Effect`s, and
//! redraws from the state; nothing here does IO or reads the clock.
//!
//! | module | holds |
//! |---|---|
//! | [`key`] | keys and mouse input, independent of the terminal library |
//! | [`command`] | every command, declared once: name, description, default keys per context |
//! | [`keymap`] | (context, key) → command: defaults and `[keys]`; help and hints come from it |
//! | [`state`] | `AppState`: sign-in, catalog list, sessions, requests, one modal, settings |
//! | [`msg`] | `Msg`: what happened |
//! | [`effect`] | `Effect`: what the runtime must do; `ExitPlan` |
//! | [`prompt`] | the MFA code question and the "assume another role" form |
//! | [`requests`] | requests in flight, by request id |
//! | [`urgency`] | how close a session is to expiry, for colours and warnings |
//! | [`update`] | the transitions, by domain: sign-in, listing, credentials, chains, the hand-over, keys, paste |

pub(crate) mod command;
pub(crate) mod effect;
pub(crate) mod key;
pub(crate) mod keymap;
pub mod msg;
pub(crate) mod prompt;
pub(crate) mod requests;
pub mod state;
pub(crate) mod update;
pub mod urgency;

pub use command::Command;
pub use effect::{Effect, ExitPlan};
pub use key::{Key, MouseInput};
pub use keymap::Keymap;
pub use msg::Msg;
pub use state::AppState;
pub use update::update;
