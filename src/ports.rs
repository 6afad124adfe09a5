//! The small traits the app reaches the world through. Adapters implement them for real
//! (`crate::adapters`); unit tests implement them with fakes.
//!
//! | module | port |
//! |---|---|
//! | [`identity_center`] | SSO OIDC + the SSO portal |
//! | [`secret_store`] | where tokens and credentials are kept |
//! | [`clock`] | what time it is |
//! | [`opener`] | opening a URL in the user's browser |
//! | [`sts`] | STS: AssumeRole, GetSessionToken, GetCallerIdentity |
//! | [`mfa_prompt`] | asking the person for an MFA code |
//! | [`signin_view`] | what the person signing in is shown |
//! | [`reporter`] | how the use cases tell people what happens (notes, progress, MFA) |

pub mod clock;
pub mod identity_center;
pub(crate) mod mfa_prompt;
pub mod opener;
pub mod reporter;
pub mod secret_store;
pub(crate) mod signin_view;
pub(crate) mod sts;
