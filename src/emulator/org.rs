//! The organization file: what the emulator pretends exists.
//!
//! An org file is TOML. Every table and key is optional except where noted; unknown keys are
//! rejected so a typo never silently changes a test.
//!
//! ```toml
//! [settings]                          # lifetimes in seconds (before `time_scale` is applied)
//! access_token_seconds = 28800        # SSO access token (8 h)
//! refresh_token_seconds = 7776000     # refresh token (90 days)
//! client_registration_seconds = 7776000
//! device_code_seconds = 600           # how long a user code can be approved
//! device_poll_interval = 5            # `interval` returned by StartDeviceAuthorization
//! auth_code_seconds = 300             # authorization-code (PKCE) lifetime
//! role_credentials_seconds = 3600     # SSO GetRoleCredentials lifetime
//! approve_after_seconds = 3           # auto-approve device codes and /authorize (demo); unset = never
//! time_scale = 1.0                    # 60.0 makes a 1 h credential last one minute
//! seed = 42                           # seeds the 5xx dice
//!
//! [faults]                            # see `Faults`; can be changed at run time
//! latency_ms = { ListAccounts = 20 }  # per API name, or "*" for all
//! rate_limit_rps = 20.0               # token bucket on the SSO portal APIs (HTTP 429)
//! rate_limit_burst = 20
//! error_5xx_ratio = 0.0
//! clock_offset_seconds = 0
//! slow_down_polls = 0                 # answer slow_down to the first N polls of each device code
//! network_down = false                # cut every connection, as if the network were gone
//!
//! [[identity_centers]]
//! id = "d-9067c0ffee"
//! start_url = "https://acme.awsapps.com/start"
//! region = "us-east-1"
//!
//! [[permission_sets]]                 # optional; unknown names get role_credentials_seconds
//! name = "AdministratorAccess"
//! session_seconds = 3600
//!
//! [[accounts]]
//! id = "111111111111"                 # 12 digits
//! name = "payments-prod"
//! email = "aws+payments-prod@acme.example"
//! permission_sets = ["AdministratorAccess", "ReadOnlyAccess"]
//!
//! [[accounts]]
//! id = "222222222222"
//! name = "etl-prod"
//! permission_sets = ["ReadOnlyAccess"]
//!
//! [[users]]
//! name = "alice"
//! identity_center = "d-9067c0ffee"    # default: the first identity center
//! accounts = ["*"]                    # account ids or names, "*" = all
//! permission_sets = ["*"]             # filter on the accounts' permission sets
//!
//! [[iam_users]]                       # long-term keys the STS endpoint accepts
//! account = "111111111111"
//! name = "jenkins"
//! access_key_id = "AKIA..."
//! secret_access_key = "..."
//!
//! [[iam_roles]]                       # roles reachable with sts:AssumeRole
//! account = "222222222222"
//! name = "ecr-push"
//! max_session_seconds = 3600          # 3600..=43200
//! trust.principals = ["111111111111", "arn:aws:iam::111111111111:user/jenkins"]
//! trust.principal_arn_like = ["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_*"]
//! trust.external_id = "partner-42"
//! trust.require_mfa = false
//! trust.allow_tag_session = true
//! trust.allow_source_identity = true
//!
//! [[mfa_devices]]                     # TOTP devices; the secret defaults to one derived from the serial
//! serial = "arn:aws:iam::111111111111:mfa/alice"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::faults::Faults;

/// A whole organization: identity centers, accounts, users, IAM principals.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Org {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub faults: Faults,
    #[serde(default)]
    pub identity_centers: Vec<IdentityCenter>,
    #[serde(default)]
    pub permission_sets: Vec<PermissionSet>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub iam_users: Vec<IamUser>,
    #[serde(default)]
    pub iam_roles: Vec<IamRole>,
    #[serde(default)]
    pub mfa_devices: Vec<MfaDevice>,
}

/// Lifetimes and behaviour switches.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub access_token_seconds: u64,
    pub refresh_token_seconds: u64,
    pub client_registration_seconds: u64,
    pub device_code_seconds: u64,
    pub device_poll_interval: u64,
    pub auth_code_seconds: u64,
    pub role_credentials_seconds: u64,
    pub approve_after_seconds: Option<f64>,
    pub time_scale: f64,
    pub seed: u64,
    /// Regions where STS answers `RegionDisabledException` (as for an opt-in region STS was
    /// not activated in).
    pub sts_disabled_regions: Vec<String>,
    /// Serve account ids that are not 12 digits, as a compromised portal could (for the tests
    /// that prove rolecall drops them). Off: such an id is an error in the org file.
    pub hostile_account_ids: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            access_token_seconds: 8 * 3600,
            refresh_token_seconds: 90 * 24 * 3600,
            client_registration_seconds: 90 * 24 * 3600,
            device_code_seconds: 600,
            device_poll_interval: 5,
            auth_code_seconds: 300,
            role_credentials_seconds: 3600,
            approve_after_seconds: None,
            time_scale: 1.0,
            seed: 42,
            sts_disabled_regions: Vec::new(),
            hostile_account_ids: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenter {
    pub id: String,
    pub start_url: String,
    #[serde(default = "default_region")]
    pub region: String,
}

fn default_region() -> String {
    "us-east-1".to_owned()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    pub name: String,
    #[serde(default)]
    pub session_seconds: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub permission_sets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    #[serde(default)]
    pub identity_center: Option<String>,
    #[serde(default = "star")]
    pub accounts: Vec<String>,
    #[serde(default = "star")]
    pub permission_sets: Vec<String>,
}

fn star() -> Vec<String> {
    vec!["*".to_owned()]
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IamUser {
    pub account: String,
    pub name: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IamRole {
    pub account: String,
    pub name: String,
    #[serde(default = "default_max_session")]
    pub max_session_seconds: u64,
    #[serde(default)]
    pub trust: Trust,
}

fn default_max_session() -> u64 {
    3600
}

/// The parts of a trust policy the emulator evaluates.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Trust {
    /// Account ids (`"111111111111"` or `"arn:aws:iam::111111111111:root"`), IAM user or role
    /// ARNs, or `"*"`.
    pub principals: Vec<String>,
    /// `aws:PrincipalArn` `StringLike` patterns (`*` and `?` wildcards).
    pub principal_arn_like: Vec<String>,
    /// `sts:ExternalId` must equal this.
    pub external_id: Option<String>,
    /// `aws:MultiFactorAuthPresent` must be true.
    pub require_mfa: bool,
    /// The trust policy also allows `sts:TagSession`.
    pub allow_tag_session: bool,
    /// The trust policy also allows `sts:SetSourceIdentity`.
    pub allow_source_identity: bool,
}

impl Default for Trust {
    fn default() -> Self {
        Self {
            principals: Vec::new(),
            principal_arn_like: Vec::new(),
            external_id: None,
            require_mfa: false,
            allow_tag_session: true,
            allow_source_identity: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MfaDevice {
    pub serial: String,
    /// Base32 TOTP secret; derived from the serial when absent.
    #[serde(default)]
    pub secret: Option<String>,
}

/// Why an org file could not be used. The message is one line naming the file and line.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Org {
    /// Reads and validates an org file.
    pub fn load(path: &Path) -> Result<Self, OrgError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| OrgError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text, &shown)
    }

    /// Parses and validates org TOML; `origin` names the source in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Self, OrgError> {
        let org: Org = toml::from_str(text).map_err(|e| {
            let (line, message) = crate::toml_error::locate(text, &e);
            OrgError::Parse {
                path: origin.to_owned(),
                line,
                message,
            }
        })?;
        org.validate().map_err(|message| OrgError::Invalid {
            path: origin.to_owned(),
            message,
        })?;
        Ok(org)
    }

    fn validate(&self) -> Result<(), String> {
        if self.identity_centers.is_empty() && !self.accounts.is_empty() {
            return Err("accounts are listed but there is no [[identity_centers]]".into());
        }
        let mut seen = BTreeMap::new();
        for account in &self.accounts {
            let well_formed =
                account.id.len() == 12 && account.id.bytes().all(|b| b.is_ascii_digit());
            if !well_formed && !self.settings.hostile_account_ids {
                return Err(format!(
                    "account {:?} has id {:?}: an account id is 12 digits",
                    account.name, account.id
                ));
            }
            if let Some(other) = seen.insert(account.id.as_str(), account.name.as_str()) {
                return Err(format!(
                    "account id {} is used by both {other:?} and {:?}",
                    account.id, account.name
                ));
            }
        }
        let mut names = BTreeMap::new();
        for account in &self.accounts {
            if names.insert(account.name.as_str(), ()).is_some() {
                return Err(format!("two accounts are named {:?}", account.name));
            }
        }
        let mut keys = BTreeMap::new();
        for user in &self.iam_users {
            if !seen.contains_key(user.account.as_str()) {
                return Err(format!(
                    "iam user {:?} is in account {}, which is not listed",
                    user.name, user.account
                ));
            }
            if keys.insert(user.access_key_id.as_str(), ()).is_some() {
                return Err(format!(
                    "access key id {} is used twice",
                    user.access_key_id
                ));
            }
        }
        let faults = &self.faults;
        if !(0.0..=1.0).contains(&faults.error_5xx_ratio) {
            return Err("faults.error_5xx_ratio must be between 0 and 1".into());
        }
        if faults
            .rate_limit_rps
            .is_some_and(|r| !(r > 0.0 && r.is_finite()))
        {
            return Err("faults.rate_limit_rps must be a positive number".into());
        }
        if self
            .settings
            .approve_after_seconds
            .is_some_and(|s| !(s >= 0.0 && s.is_finite()))
        {
            return Err("settings.approve_after_seconds must be 0 or more".into());
        }
        for user in &self.users {
            if let Some(ic) = &user.identity_center
                && !self.identity_centers.iter().any(|c| &c.id == ic)
            {
                return Err(format!(
                    "user {:?} names identity center {ic:?}, which is not listed",
                    user.name
                ));
            }
        }
        for role in &self.iam_roles {
            if !seen.contains_key(role.account.as_str()) {
                return Err(format!(
                    "iam role {:?} is in account {}, which is not listed",
                    role.name, role.account
                ));
            }
            if !(3600..=43200).contains(&role.max_session_seconds) {
                return Err(format!(
                    "iam role {:?}: max_session_seconds must be 3600..=43200, not {}",
                    role.name, role.max_session_seconds
                ));
            }
        }
        if !(self.settings.time_scale > 0.0 && self.settings.time_scale.is_finite()) {
            return Err("settings.time_scale must be a positive number".into());
        }
        Ok(())
    }

    /// The identity center a start URL belongs to (trailing slashes and `#/` ignored).
    pub fn identity_center_by_url(&self, start_url: &str) -> Option<&IdentityCenter> {
        let want = normalize_start_url(start_url);
        self.identity_centers
            .iter()
            .find(|c| normalize_start_url(&c.start_url) == want)
    }

    /// The user who signs in at an identity center: the first user assigned to it.
    pub fn default_user(&self, identity_center: &str) -> Option<&User> {
        let first_ic = self.identity_centers.first().map(|c| c.id.as_str());
        self.users
            .iter()
            .find(|u| u.identity_center.as_deref().or(first_ic) == Some(identity_center))
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The accounts a user may see, in file order.
    pub fn accounts_for<'a>(&'a self, user: &'a User) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts.iter().filter(move |a| user_sees(user, a))
    }

    /// The permission sets a user holds in an account, in file order.
    pub fn roles_for<'a>(
        &'a self,
        user: &'a User,
        account: &'a Account,
    ) -> impl Iterator<Item = &'a str> + 'a {
        account
            .permission_sets
            .iter()
            .filter(move |ps| user.permission_sets.iter().any(|p| p == "*" || p == *ps))
            .map(String::as_str)
    }

    pub fn permission_set_seconds(&self, name: &str) -> u64 {
        self.permission_sets
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.session_seconds)
            .unwrap_or(self.settings.role_credentials_seconds)
    }

    pub fn iam_role(&self, account: &str, name: &str) -> Option<&IamRole> {
        self.iam_roles
            .iter()
            .find(|r| r.account == account && r.name == name)
    }
}

/// Whether a user is assigned to an account.
pub fn user_sees(user: &User, account: &Account) -> bool {
    user.accounts
        .iter()
        .any(|p| p == "*" || p == &account.id || p == &account.name)
}

fn normalize_start_url(url: &str) -> &str {
    url.trim_end_matches('/')
        .trim_end_matches("#")
        .trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_error_names_the_line() {
        let text = "[settings]\naccess_token_seconds = 60\ndevice_poll_interval = \"soon\"\n";
        let err = Org::parse(text, "org.toml").unwrap_err().to_string();
        assert!(err.starts_with("org.toml:3: "), "{err}");
        assert!(!err.contains('\n'));
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let text = "[[identity_centers]]\nid = \"d-1\"\nstart_url = \"https://x/start\"\nregoin = \"eu-west-1\"\n";
        let err = Org::parse(text, "o.toml").unwrap_err().to_string();
        assert!(err.starts_with("o.toml:4: "), "{err}");
        assert!(err.contains("regoin"), "{err}");
    }

    #[test]
    fn bad_account_ids_are_rejected() {
        let text = "[[identity_centers]]\nid = \"d-1\"\nstart_url = \"https://x/start\"\n[[accounts]]\nid = \"12\"\nname = \"a\"\n";
        let err = Org::parse(text, "o.toml").unwrap_err().to_string();
        assert_eq!(
            err,
            "o.toml: account \"a\" has id \"12\": an account id is 12 digits"
        );
    }

    #[test]
    fn users_see_only_their_accounts_and_permission_sets() {
        let text = r#"
[[identity_centers]]
id = "d-1"
start_url = "https://x.awsapps.com/start"
[[accounts]]
id = "111111111111"
name = "a"
permission_sets = ["Admin", "ReadOnly"]
[[accounts]]
id = "222222222222"
name = "b"
permission_sets = ["Admin"]
[[users]]
name = "u"
accounts = ["a"]
permission_sets = ["ReadOnly"]
"#;
        let org = Org::parse(text, "o").unwrap();
        let user = org.default_user("d-1").unwrap();
        let accounts: Vec<_> = org.accounts_for(user).map(|a| a.name.as_str()).collect();
        assert_eq!(accounts, ["a"]);
        let roles: Vec<_> = org
            .roles_for(user, org.account("111111111111").unwrap())
            .collect();
        assert_eq!(roles, ["ReadOnly"]);
        assert!(
            org.identity_center_by_url("https://x.awsapps.com/start/#/")
                .is_some()
        );
    }
}
