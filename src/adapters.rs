//! The real implementations of the ports.
//!
//! | module | implements |
//! |---|---|
//! | [`atomic_file`] | atomic, locked, 0600 file writes |
//! | [`aws_identity_center`] | `IdentityCenter` with `aws-sdk-ssooidc` and `aws-sdk-sso` |
//! | [`browser`] | `Opener` with the system browser |
//! | [`endpoints`] | endpoint overrides from the environment (`AWS_ENDPOINT_URL_*`) |

pub mod atomic_file;
pub mod aws_identity_center;
pub mod browser;
pub mod endpoints;
