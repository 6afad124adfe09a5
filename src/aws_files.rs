//! Writing the AWS CLI's own files: named profiles in `~/.aws/credentials`, their region and
//! the managed block of profiles in `~/.aws/config`, keeping every byte outside what we edit.
//!
//! | module | holds |
//! |---|---|
//! | [`command_line`] | `credential_process` command lines quoted for POSIX or Windows (pure) |
//! | [`ini_check`] | the one check every name and value written passes |
//! | [`ini_edit`] | pure in-place INI edits on text: set/remove a section, the managed block |
//! | [`profile_name`] | profile names from a template, sanitised (pure; lives in `core`) |
//! | [`populate`] | pure: the managed block's profiles for one identity center's catalog |
//! | [`populate_chains`] | pure: the managed block's `credential_process` profiles for config.toml's chains |
//! | [`sso_session`] | an `[sso-session]` in `~/.aws/config`, as `aws configure sso` writes it |
//! | [`write`] | read-modify-write under a lock, atomically, 0600, through symlinks |

pub mod command_line;
pub(crate) mod ini_check;
pub mod ini_edit;
pub mod populate;
pub mod populate_chains;
pub(crate) mod sso_session;
pub use crate::core::profile_name;
pub mod write;

pub use write::{
    FileMode, Overwrite, Refusal, Written, ensure_writable, update_file, write_profile,
    write_profile_region, write_profile_with,
};

/// Why an AWS file was not written (the file is then as it was).
#[derive(Debug, thiserror::Error)]
pub enum AwsFilesError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not UTF-8 text; rolecall leaves it alone")]
    NotText { path: String },
    #[error("{path} is read-only; rolecall leaves it alone (make it writable to let it write)")]
    ReadOnly { path: String },
    #[error("{path}: {cause}")]
    Refused { path: String, cause: String },
    /// The section belongs to someone else (a usage error: `--force` or another name).
    #[error("{path}: {cause}")]
    NotOurs { path: String, cause: String },
}
