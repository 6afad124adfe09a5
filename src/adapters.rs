//! The real implementations of the ports.
//!
//! | module | implements |
//! |---|---|
//! | [`atomic_file`] | atomic, locked, 0600 file writes |
//! | [`aws_identity_center`] | `IdentityCenter` with `aws-sdk-ssooidc` and `aws-sdk-sso` |
//! | [`aws_sts`] | `Sts` with `aws-sdk-sts`, credentials given per call |
//! | [`aws_sso_cache`] | the AWS CLI v2 SSO token cache (`~/.aws/sso/cache/<sha1>.json`) |
//! | [`browser`] | `Opener` with the system browser |
//! | [`credentials_endpoint`] | the local container-credentials endpoint (loopback, token-checked) |
//! | [`endpoints`] | where each service is reached (config, else `AWS_ENDPOINT_URL_*`) |
//! | [`file_store`] | `SecretStore` as a 0600 JSON file in the state dir |
//! | [`login_name`] | the login name of this process's user (`id -un`) |
//! | [`keyring_store`] | `SecretStore` on the OS keyring (values split to fit Windows' 2,560 bytes) |
//! | [`redirect_page`] | the private local page that hands a credential URL to the browser |
//! | [`read_file`] | reading a user or state file: regular files only, size capped |
//! | [`service_date`] | the service's clock from the `Date` header of its answers (clock skew) |
//! | [`stderr_signin_view`] | the subcommands' `SignInView`s: the code and URL on stderr |
//! | [`store_select`] | which `SecretStore` to use: keyring, file, or auto with a fallback notice |
//! | [`tty_prompt`] | the subcommands' `MfaPrompt`: a piped code, else asked on `/dev/tty` |

pub mod atomic_file;
pub mod aws_identity_center;
pub mod aws_sso_cache;
pub mod aws_sts;
pub(crate) mod browser;
pub(crate) mod credentials_endpoint;
pub(crate) mod endpoints;
pub mod file_store;
pub mod keyring_store;
pub(crate) mod login_name;
pub(crate) mod read_file;
pub(crate) mod redirect_page;
pub(crate) mod service_date;
pub(crate) mod stderr_signin_view;
pub mod store_select;
pub(crate) mod tty_prompt;
