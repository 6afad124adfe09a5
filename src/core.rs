//! The pure core: data and decisions, no IO. Nothing here knows tokio, the clock, the file
//! system, the SDK or the terminal; time comes in as arguments.
//!
//! | module | holds |
//! |---|---|
//! | [`app`] | the full-screen app's state machine |
//! | [`action`] | `[[actions]]` commands: names as quoted words and `ROLECALL_*` variables |
//! | [`exports`] | `export` lines for shells |
//! | [`target`] | naming a role on the command line (exact, alias, fuzzy) |
//! | [`start_url`] | an identity center's start URL as a person gives it, and the region it names |
//! | [`sso_setup`] | the first run's answers (portal URL, region, session name) checked into an `[sso-session]` |
//! | [`sso`] | identity centers, registrations, tokens: what sign-in produces |
//! | [`idc_error`] | [`IdcError`](idc_error::IdcError): identity center failures, by what happens next |
//! | [`signin`] | the device-code sign-in state machine (polling cadence, `slow_down`, expiry) |
//! | [`ids`] | account ids, role ARNs, region names: parsed once where they come in |
//! | [`catalog`] | accounts and roles, and what changed between two listings |
//! | [`listing`] | what a listing reports (progress events, summary) and folding retried roles in |
//! | [`chain`] | role chains: sources, durations, session names, error advice |
//! | [`region`] | the one region rule: which region credentials are used in |
//! | [`countdown`] | remaining lifetimes as people read them |
//! | [`credentials`] | AWS credentials and their remaining lifetime |
//! | [`container_credentials`] | the container-credentials format of the local endpoint: token check, answer, renewal |
//! | [`clock_skew`] | expiries stated in AWS's time moved to ours |
//! | [`partition`] | AWS partitions by region, and their console and sign-in hosts |
//! | [`time_bounds`] | how far ahead an expiry is believed; date math that cannot overflow |
//! | [`pkce`] | the S256 challenge, the authorize URL, the redirect check |
//! | [`template`] | `{placeholder}` templates, filled from a lookup |
//! | [`profile_name`] | profile names from a template, sanitised |
//! | [`rate`] | the adaptive request rate (raise on success, halve on 429) |
//! | [`search`] | fuzzy search over account × role rows as the user types (incremental, cached) |
//! | [`terminal_text`] | text from the network made safe for a terminal (the app's and the CLI's escaping) |
//! | [`frecency`] | favorites and recents, and the search boost they give |
//! | [`natural`] | natural order for names people read (`dev-2` before `dev-10`) |
//! | [`marks`] | environments marked in config.toml: patterns, badges, colours, confirmation |

pub(crate) mod action;
pub mod app;
pub mod catalog;
pub mod chain;
pub(crate) mod clock_skew;
pub(crate) mod container_credentials;
pub(crate) mod countdown;
pub mod credentials;
pub(crate) mod exports;
pub mod frecency;
pub(crate) mod idc_error;
pub mod ids;
pub(crate) mod listing;
pub mod marks;
pub(crate) mod natural;
pub(crate) mod partition;
pub(crate) mod pkce;
pub mod profile_name;
pub(crate) mod rate;
pub(crate) mod region;
pub mod search;
pub mod signin;
pub mod sso;
pub mod sso_setup;
pub mod start_url;
pub(crate) mod target;
pub(crate) mod template;
pub(crate) mod terminal_text;
pub mod time_bounds;
