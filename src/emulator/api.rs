//! The operations the emulator serves, by the names AWS gives them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Api {
    RegisterClient,
    StartDeviceAuthorization,
    CreateToken,
    Authorize,
    ListAccounts,
    ListAccountRoles,
    GetRoleCredentials,
    Logout,
    AssumeRole,
    GetCallerIdentity,
    GetSessionToken,
}

impl Api {
    pub fn name(self) -> &'static str {
        match self {
            Api::RegisterClient => "RegisterClient",
            Api::StartDeviceAuthorization => "StartDeviceAuthorization",
            Api::CreateToken => "CreateToken",
            Api::Authorize => "Authorize",
            Api::ListAccounts => "ListAccounts",
            Api::ListAccountRoles => "ListAccountRoles",
            Api::GetRoleCredentials => "GetRoleCredentials",
            Api::Logout => "Logout",
            Api::AssumeRole => "AssumeRole",
            Api::GetCallerIdentity => "GetCallerIdentity",
            Api::GetSessionToken => "GetSessionToken",
        }
    }

    /// The SSO portal APIs, which the rate limit applies to.
    pub fn is_portal(self) -> bool {
        matches!(
            self,
            Api::ListAccounts | Api::ListAccountRoles | Api::GetRoleCredentials | Api::Logout
        )
    }
}
