//! The real implementations of the ports.
//!
//! | module | implements |
//! |---|---|
//! | [`atomic_file`] | atomic, locked, 0600 file writes |
//! | [`aws_identity_center`] | `IdentityCenter` with `aws-sdk-ssooidc` and `aws-sdk-sso` |
//! | [`aws_sts`] | `Sts` with `aws-sdk-sts`, credentials given per call |
//! | [`aws_sso_cache`] | the AWS CLI v2 SSO token cache (`~/.aws/sso/cache/<sha1>.json`) |
//! | [`browser`] | `Opener` with the system browser |
//! | [`endpoints`] | endpoint overrides from the environment (`AWS_ENDPOINT_URL_*`) |
//! | [`file_store`] | `SecretStore` as a 0600 JSON file in the state dir |
//! | [`keyring_store`] | `SecretStore` on the OS keyring (values split to fit Windows' 2,560 bytes) |
//! | [`redirect_page`] | the private local page that hands a credential URL to the browser |
//! | [`read_file`] | reading a user or state file: regular files only, size capped |
//! | [`service_date`] | the service's clock from the `Date` header of its answers (clock skew) |
//! | [`store_select`] | which `SecretStore` to use: keyring, file, or auto with a fallback notice |

pub mod atomic_file;
pub mod aws_identity_center;
pub mod aws_sso_cache;
pub mod aws_sts;
pub mod browser;
pub mod endpoints;
pub mod file_store;
pub mod keyring_store;
pub mod read_file;
pub mod redirect_page;
pub mod service_date;
pub mod store_select;
