//! A local IAM Identity Center + STS on loopback, speaking the real wire protocols so the
//! unmodified AWS SDK clients and the AWS CLI can talk to it with only an endpoint override.
//!
//! It backs every test, `rolecall demo` and `rolecall emulator`.
//!
//! | module | holds |
//! |---|---|
//! | [`org`] | the organization file (format documented there) |
//! | [`org_generate`] | a generator for large organizations |
//! | [`server`] | the HTTP server, router and the [`Emulator`] handle |
//! | [`shared`] | [`Shared`](shared::Shared): the state every handler reads, admitting a request (faults) |
//! | [`oidc`] | SSO OIDC: RegisterClient, StartDeviceAuthorization, CreateToken |
//! | [`authorize`] | the browser pages: device approval, `/authorize` for PKCE |
//! | [`portal`] | the SSO portal: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout |
//! | [`sts`] | STS query protocol: AssumeRole, GetCallerIdentity, GetSessionToken |
//! | [`sigv4`] | SigV4 signature verification |
//! | [`trust`] | trust-policy evaluation |
//! | [`mfa`] | deterministic TOTP MFA devices |
//! | [`federation`] | the console federation endpoint: getSigninToken and login |
//! | [`admin`] | test-only routes under `/_emulator/` |
//! | [`faults`] | latency, rate limit, 5xx ratio, clock offset, network down |
//! | [`network`] | the listener and connections that the network-down fault cuts |
//! | [`store`], [`clock`], [`ids`], [`aws_error`], [`api`] | state, time, identifiers, error shapes, API names |

pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod authorize;
pub(crate) mod aws_error;
pub(crate) mod clock;
pub(crate) mod faults;
pub(crate) mod federation;
pub(crate) mod ids;
pub(crate) mod mfa;
pub(crate) mod network;
pub mod oidc;
pub mod org;
pub mod org_generate;
pub(crate) mod portal;
pub mod server;
pub mod shared;
pub mod sigv4;
pub mod store;
pub(crate) mod sts;
pub(crate) mod trust;

pub use api::Api;
pub use faults::Faults;
pub use org::{Org, OrgError};
pub use server::{Emulator, StartError};
