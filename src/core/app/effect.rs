//! What the runtime must do for the core, and what happens after the terminal is restored.

use crate::core::chain::ChainSpec;
use crate::core::credentials::Credentials;
use crate::core::signin;
use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run a sign-in effect; answer with `Msg::SignIn`. `Save` also makes its token current.
    SignIn(signin::Effect),
    /// The token in use was refused (expired or revoked): read the sign-in kept in the store
    /// and answer with `Msg::SignIn(Event::Refused { stored })`, which refreshes it with its
    /// refresh token before anything asks the user.
    RenewSignIn,
    /// List the catalog with the current token; progress as `Msg::Catalog`, then `Msg::Listed`.
    ListCatalog,
    /// Fetch these accounts' roles before any other waiting account, the first first (the
    /// user is looking at them).
    Prioritize {
        account_ids: Vec<String>,
    },
    /// Retry one account's roles; answer with `Msg::RolesRetried`.
    RetryRoles {
        account_id: String,
    },
    /// GetRoleCredentials (kept ones unless `fresh`); answer with `Msg::Credentials`.
    GetCredentials {
        request: u64,
        account_id: String,
        role: String,
        fresh: bool,
    },
    /// Assume a chain (kept credentials unless `fresh`), with `chains` as the ad-hoc chains it
    /// may name as sources and `codes` the MFA codes typed; answer with `Msg::ChainAssumed`.
    AssumeChain {
        request: u64,
        spec: Box<ChainSpec>,
        chains: Vec<ChainSpec>,
        codes: Vec<(String, Secret<String>)>,
        fresh: bool,
    },
    /// GetCallerIdentity for a held session; answer with `Msg::Identity`.
    WhoAmI {
        held_id: u64,
        credentials: Credentials,
    },
    /// Keep the ad-hoc role ARN history in the state dir.
    SaveRoleHistory(Vec<String>),
    OpenUrl(String),
    /// Write these bytes to the terminal: OSC 52 putting text on its clipboard (the text only
    /// in base64; a secret when it is the exports or a console URL).
    Copy(Secret<String>),
    /// Write the regions picked with `r` (as they are now) to the state dir.
    SaveRegions(std::collections::BTreeMap<String, String>),
    /// Write favorites and recents (as they are now) to the state dir.
    SaveFrecency(crate::core::frecency::Frecency),
    /// Write these credentials into `~/.aws/credentials` as `profile`; answer with
    /// `Msg::HandedOver`.
    WriteProfile {
        profile: String,
        credentials: Credentials,
        region: String,
    },
    /// Open the AWS console signed in with these credentials; answer with `Msg::HandedOver`.
    OpenConsole {
        credentials: Credentials,
        /// Credentials from role chaining: the console session follows them (AWS refuses a
        /// `SessionDuration` for them).
        chained: bool,
        /// Copy the sign-in URL instead of opening it; answer with `Msg::Copy`.
        copy: bool,
        /// The region it opens in (the region rule's, as every hand-over).
        region: String,
    },
    /// Check the identity center of the first-run form with the service, then write its
    /// `[sso-session]` to `~/.aws/config`; answer with `Msg::SsoSessionWritten`.
    WriteSsoSession(Box<crate::core::sso_setup::NewSsoSession>),
    /// Leave the event loop; `AppState::exit` says what to do then.
    Exit,
}

/// What runs after the terminal is restored.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ExitPlan {
    #[default]
    Nothing,
    /// Print `export` lines for these credentials on stdout (for `eval`).
    PrintExports {
        label: String,
        credentials: Credentials,
        region: String,
    },
    /// The first-run form wrote `[sso-session NAME]`: start the app on it (it signs in).
    Configured { session: String },
    /// A stop signal (SIGTERM, SIGHUP, SIGINT) ended the app: exit with 128 + `signal`.
    Stopped { signal: i32 },
    /// Run `command` (an `[[actions]]` command; `None`: the user's shell) with these
    /// credentials in its environment, then come back to the app.
    Run {
        label: String,
        credentials: Credentials,
        region: String,
        command: Option<crate::core::action::ActionCommand>,
        /// Wait for a key after it, its output and exit status on screen.
        pause: bool,
        /// The subshell's credentials come from the local endpoint, renewed from this exact
        /// TARGET (a chain's name, else `account-id/role`); `None`: fixed keys.
        served_from: Option<String>,
    },
}
