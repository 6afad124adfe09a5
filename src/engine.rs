//! The engine under the TUI and the subcommands: it runs the pure core's effects against the
//! ports. Everything here is a library API; `rolecall login` and the app both drive it.
//!
//! | module | holds |
//! |---|---|
//! | [`chain`] | assuming a role chain: sources, MFA, AssumeRole, who am I |
//! | [`signin`] | runs a `core::signin::SignIn` to the end |
//! | [`tokens`] | a usable token without asking anyone (stored or silently refreshed) |
//! | [`role_credentials`] | GetRoleCredentials, kept until close to expiry |
//! | [`pkce`] | the browser half of PKCE: a one-shot loopback listener for the redirect |
//! | [`subshell`] | a shell or command run with a role's credentials in its environment |
//! | [`console`] | the AWS console sign-in URL from role credentials (the federation endpoint) |

pub(crate) mod chain;
pub(crate) mod console;
pub(crate) mod pkce;
pub(crate) mod role_credentials;
pub mod signin;
pub(crate) mod subshell;
pub mod tokens;
