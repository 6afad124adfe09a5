//! The first run against a real identity center: the `[sso-session NAME]` that `aws configure
//! sso` would write, written into `~/.aws/config` with the byte-preserving editor (so the AWS
//! CLI shares it). `rolecall setup`, `rolecall login` on a terminal and the app's first-run
//! form all write it here.

use crate::aws_files::AwsFilesError;
use crate::aws_files::sso_session::{SessionWritten, write_sso_session};
use crate::core::sso::{ACCOUNT_ACCESS_SCOPE, SsoSession};
use crate::core::sso_setup::NewSsoSession;

use super::Workspace;
use super::sign_in::CLIENT_NAME;
use crate::core::signin::Method;
use crate::ports::identity_center::{IdcError, IdentityCenter};

impl Workspace {
    /// Writes `session` into the AWS CLI's config, keeping every other byte. An
    /// `[sso-session NAME]` that names another identity center is refused unless `force`.
    /// Blocks on the file's lock: call it off the async threads.
    pub(crate) fn write_sso_session(
        &self,
        session: &NewSsoSession,
        force: bool,
    ) -> Result<SessionWritten, AwsFilesError> {
        write_sso_session(
            &self.paths.aws_config,
            session,
            force,
            self.aws_config_mode(),
        )
    }
}

impl Workspace {
    /// Asks the identity center `session` names whether it knows it: RegisterClient and
    /// StartDeviceAuthorization at its region's endpoint, before anything is written (a wrong
    /// region or an unknown start URL fails here).
    pub(crate) async fn check_identity_center(
        &self,
        session: &NewSsoSession,
    ) -> Result<(), IdcError> {
        let sso = to_sso_session(session);
        let idc = self.identity_center(&sso);
        let request = self.sign_in_request(&sso, Method::DeviceCode, false, CLIENT_NAME);
        let registration = idc
            .register_client(&request.register_request(Method::DeviceCode))
            .await?;
        idc.start_device_authorization(&registration, session.start_url.as_str())
            .await?;
        Ok(())
    }
}

/// The identity center a new `[sso-session]` names, to sign in to.
pub(crate) fn to_sso_session(session: &NewSsoSession) -> SsoSession {
    SsoSession {
        name: session.name.clone(),
        start_url: session.start_url.as_str().to_owned(),
        region: session.region.as_str().to_owned(),
        scopes: vec![ACCOUNT_ACCESS_SCOPE.to_owned()],
        legacy: false,
    }
}
