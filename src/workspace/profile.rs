//! A profile in the AWS CLI's files: the credentials in `~/.aws/credentials`, the region in
//! `~/.aws/config`.

use crate::aws_files::{AwsFilesError, FileMode};
use crate::core::credentials::Credentials;

use super::Workspace;

impl Workspace {
    /// The mode `~/.aws/config` is written with (`[aws_files] tighten_permissions`).
    pub fn aws_config_mode(&self) -> FileMode {
        FileMode::for_config(self.config.file.aws_files.tighten_permissions)
    }

    /// Writes the profile (credentials, then region); says what was done, notices included.
    /// Blocks on the files' lock: call it off the async threads.
    pub fn write_profile(
        &self,
        profile: &str,
        credentials: &Credentials,
        region: &str,
    ) -> Result<String, AwsFilesError> {
        let written =
            crate::aws_files::write_profile(&self.paths.aws_credentials, profile, credentials)?;
        let config = crate::aws_files::write_profile_region(
            &self.paths.aws_config,
            profile,
            region,
            self.aws_config_mode(),
        )?;
        let mut text = format!("wrote profile {profile} to {}", written.path.display());
        for notice in [written.notice(), config.notice()].into_iter().flatten() {
            text = format!("{text}; {notice}");
        }
        Ok(text)
    }
}
