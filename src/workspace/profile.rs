//! A profile in the AWS CLI's files: the credentials in `~/.aws/credentials`, the region in
//! `~/.aws/config` (`rolecall write` and the app's "Write a profile" alike).

use crate::aws_files::{
    AwsFilesError, FileMode, Overwrite, Written, write_profile_region, write_profile_with,
};
use crate::core::credentials::Credentials;

use super::Workspace;

/// What writing a profile did to each file.
pub struct ProfileWritten {
    pub credentials: Written,
    /// The region's section of `~/.aws/config`, when a region was written.
    pub config: Option<Written>,
}

impl ProfileWritten {
    /// What the files' writers had to say (a section repaired, a mode tightened, …).
    pub fn notices(&self) -> impl Iterator<Item = String> + '_ {
        [Some(&self.credentials), self.config.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(Written::notice)
    }
}

impl Workspace {
    /// The mode `~/.aws/config` is written with (`[aws_files] tighten_permissions`).
    pub fn aws_config_mode(&self) -> FileMode {
        FileMode::for_config(self.config.file.aws_files.tighten_permissions)
    }

    /// Writes the profile: credentials, then (when given) its region. A section rolecall did
    /// not write is replaced only with [`Overwrite::Force`]. Blocks on the files' lock: call
    /// it off the async threads.
    pub fn write_profile(
        &self,
        profile: &str,
        credentials: &Credentials,
        region: Option<&str>,
        overwrite: Overwrite,
    ) -> Result<ProfileWritten, AwsFilesError> {
        let written =
            write_profile_with(&self.paths.aws_credentials, profile, credentials, overwrite)?;
        let config = match region {
            Some(region) => Some(write_profile_region(
                &self.paths.aws_config,
                profile,
                region,
                self.aws_config_mode(),
            )?),
            None => None,
        };
        Ok(ProfileWritten {
            credentials: written,
            config,
        })
    }
}
