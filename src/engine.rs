//! The engine under the TUI and the subcommands: it runs the pure core's effects against the
//! ports. Everything here is a library API; `rolecall login` and the app both drive it.
//!
//! | module | holds |
//! |---|---|
//! | [`signin`] | runs a `core::signin::SignIn` to the end |
//! | [`pkce`] | the browser half of PKCE: a one-shot loopback listener for the redirect |

pub mod pkce;
pub mod signin;
