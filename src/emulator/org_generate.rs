//! A generator for large organizations, for tests, benchmarks and `rolecall emulator --accounts N`.
//!
//! [`generate`] builds an [`Org`] of any size from a seed: one identity center at
//! [`START_URL`], a `demo` user who sees every account, accounts named `<team>-<env>-<n>` with
//! unique 12-digit ids and two to five permission sets each, and a handful of IAM users, roles
//! and an MFA device shaped like the demo org's so role chaining can be exercised at scale.
//! The same `(accounts, seed)` always gives the same org; 100 000 accounts take a few tens of
//! milliseconds.
//!
//! The first account (`accounts[0]`) is the "tools" account: it always holds
//! `AdministratorAccess`, `DevOps` and `ReadOnlyAccess`, the IAM users `jenkins` and
//! `no-perms-user` and the MFA device `arn:aws:iam::<tools>:mfa/demo`. The roles are:
//!
//! | role | where | trust |
//! |---|---|---|
//! | `deployer` | every 50th account from index 1 | the tools account, limited by `principal_arn_like` to its `DevOps` / `AdministratorAccess` SSO roles and `jenkins` |
//! | `vendor-monitoring` | account 2 | its own account and the tools account, with `external_id` |
//! | `break-glass` | account 3 | its own account and the tools account, `require_mfa` |
//! | `s3-reader` | account 4 | the IAM user `jenkins` |
//!
//! With fewer accounts the roles fall back to the last account.

use super::org::{
    Account, IamRole, IamUser, IdentityCenter, MfaDevice, Org, PermissionSet, Settings, Trust, User,
};

/// The start URL of every generated org.
pub const START_URL: &str = "https://generated.awsapps.com/start";

/// The identity center id of every generated org.
pub const IDENTITY_CENTER_ID: &str = "d-9067000000";

/// The region of the generated identity center.
pub const REGION: &str = "us-east-1";

/// Every permission set a generated account may hold, with its session length in seconds.
pub const PERMISSION_SETS: [(&str, u64); 8] = [
    ("AdministratorAccess", 3600),
    ("PowerUserAccess", 14400),
    ("DevOps", 14400),
    ("DataScientist", 14400),
    ("SecurityAudit", 14400),
    ("Billing", 14400),
    ("ReadOnlyAccess", 43200),
    ("ViewOnlyAccess", 43200),
];

/// Team words for account names (`<team>-<env>-<n>`).
const TEAMS: [&str; 32] = [
    "payments",
    "identity",
    "search",
    "data-platform",
    "mobile-api",
    "web-frontend",
    "ml-training",
    "observability",
    "checkout",
    "catalog",
    "inventory",
    "shipping",
    "billing",
    "ledger",
    "fraud",
    "notifications",
    "messaging",
    "growth",
    "ads",
    "recommendations",
    "analytics",
    "reporting",
    "edge",
    "cdn",
    "auth",
    "profile",
    "media",
    "streaming",
    "support",
    "partner-api",
    "platform",
    "ingest",
];

/// Environment words for account names.
const ENVS: [&str; 5] = ["prod", "staging", "dev", "qa", "perf"];

/// Every `deployer` role sits in an account whose index is 1 modulo this.
pub const DEPLOYER_EVERY: usize = 50;

/// Account ids are `FIRST_ID + k` for distinct `k < ID_SPACE`, so always 12 digits.
const FIRST_ID: u64 = 100_000_000_000;
const ID_SPACE: u64 = 900_000_000_000;
/// Coprime with `ID_SPACE` (= 2^11 · 3^2 · 5^11), so `i ↦ i · ID_STRIDE mod ID_SPACE` is a
/// bijection and ids never repeat.
const ID_STRIDE: u64 = 982_451_653;

/// SplitMix64: tiny, fast and stable across crate versions, which `StdRng` does not promise.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the tiny modulo bias does not matter here.
    fn below(&mut self, n: usize) -> usize {
        // `n` is at most a few dozen, so the cast back cannot truncate.
        (self.next() % n as u64) as usize
    }
}

/// The `i`-th account id for a seed: 12 digits, distinct for distinct `i`.
fn account_id(i: usize, offset: u64) -> String {
    let k = (u128::from(offset) + i as u128 * u128::from(ID_STRIDE)) % u128::from(ID_SPACE);
    // `k < ID_SPACE`, which fits in a u64.
    format!("{}", FIRST_ID + k as u64)
}

/// Two to five distinct permission sets, in [`PERMISSION_SETS`] order.
fn permission_sets(rng: &mut SplitMix64) -> Vec<String> {
    let count = 2 + rng.below(4);
    let mut order: [usize; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
    // Partial Fisher–Yates: the first `count` slots become a random subset.
    for slot in 0..count {
        let pick = slot + rng.below(order.len() - slot);
        order.swap(slot, pick);
    }
    let chosen = &mut order[..count];
    chosen.sort_unstable();
    chosen
        .iter()
        .map(|&i| PERMISSION_SETS[i].0.to_owned())
        .collect()
}

/// An org of `accounts` accounts, the same for the same `seed`. See the module docs.
pub fn generate(accounts: usize, seed: u64) -> Org {
    let mut rng = SplitMix64(seed);
    let id_offset = rng.next() % ID_SPACE;
    let team_shift = rng.below(TEAMS.len());

    let mut list = Vec::with_capacity(accounts);
    for i in 0..accounts {
        // Mixed radix over (team, env, n): distinct `i` give distinct names.
        let team = TEAMS[(i + team_shift) % TEAMS.len()];
        let env = ENVS[(i / TEAMS.len()) % ENVS.len()];
        let n = i / (TEAMS.len() * ENVS.len()) + 1;
        let name = format!("{team}-{env}-{n}");
        list.push(Account {
            id: account_id(i, id_offset),
            email: Some(format!("aws+{name}@generated.example")),
            name,
            permission_sets: permission_sets(&mut rng),
        });
    }
    if let Some(tools) = list.first_mut() {
        tools.permission_sets = ["AdministratorAccess", "DevOps", "ReadOnlyAccess"]
            .map(str::to_owned)
            .to_vec();
    }

    let mut org = Org {
        settings: Settings {
            device_poll_interval: 1,
            ..Settings::default()
        },
        identity_centers: vec![IdentityCenter {
            id: IDENTITY_CENTER_ID.to_owned(),
            start_url: START_URL.to_owned(),
            region: REGION.to_owned(),
        }],
        permission_sets: PERMISSION_SETS
            .iter()
            .map(|&(name, seconds)| PermissionSet {
                name: name.to_owned(),
                session_seconds: Some(seconds),
            })
            .collect(),
        users: vec![User {
            name: "demo".to_owned(),
            identity_center: Some(IDENTITY_CENTER_ID.to_owned()),
            accounts: vec!["*".to_owned()],
            permission_sets: vec!["*".to_owned()],
        }],
        ..Org::default()
    };
    add_principals(&mut org, &list, seed);
    org.accounts = list;
    org
}

/// The IAM users, roles and MFA device; nothing when there are no accounts.
fn add_principals(org: &mut Org, accounts: &[Account], seed: u64) {
    let Some(tools) = accounts.first().map(|a| a.id.clone()) else {
        return;
    };
    let nth = |i: usize| accounts[i.min(accounts.len() - 1)].id.clone();
    let mut keys = SplitMix64(seed ^ 0x6B65_7973); // "keys"
    let jenkins_arn = format!("arn:aws:iam::{tools}:user/jenkins");
    for name in ["jenkins", "no-perms-user"] {
        let bits = keys.next();
        org.iam_users.push(IamUser {
            account: tools.clone(),
            name: name.to_owned(),
            access_key_id: format!("AKIAEXAMPLE{:09X}", bits & 0xF_FFFF_FFFF),
            secret_access_key: format!("generatedEXAMPLEsecret{:018X}", u128::from(bits)),
        });
    }

    let sso = |permission_set: &str| {
        format!(
            "arn:aws:iam::{tools}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{permission_set}_*"
        )
    };
    let deployer_trust = Trust {
        principals: vec![tools.clone()],
        principal_arn_like: vec![
            sso("DevOps"),
            sso("AdministratorAccess"),
            jenkins_arn.clone(),
        ],
        ..Trust::default()
    };
    for account in accounts.iter().skip(1).step_by(DEPLOYER_EVERY) {
        org.iam_roles.push(IamRole {
            account: account.id.clone(),
            name: "deployer".to_owned(),
            max_session_seconds: 3600,
            trust: deployer_trust.clone(),
        });
    }
    if accounts.len() == 1 {
        // No second account: the tools account deploys to itself.
        org.iam_roles.push(IamRole {
            account: tools.clone(),
            name: "deployer".to_owned(),
            max_session_seconds: 3600,
            trust: deployer_trust,
        });
    }

    let vendor = nth(2);
    org.iam_roles.push(IamRole {
        account: vendor.clone(),
        name: "vendor-monitoring".to_owned(),
        max_session_seconds: 3600,
        trust: Trust {
            principals: vec![vendor, tools.clone()],
            external_id: Some(format!("generated-{seed}")),
            ..Trust::default()
        },
    });
    let guarded = nth(3);
    org.iam_roles.push(IamRole {
        account: guarded.clone(),
        name: "break-glass".to_owned(),
        max_session_seconds: 3600,
        trust: Trust {
            principals: vec![guarded, tools.clone()],
            require_mfa: true,
            ..Trust::default()
        },
    });
    org.iam_roles.push(IamRole {
        account: nth(4),
        name: "s3-reader".to_owned(),
        max_session_seconds: 43200,
        trust: Trust {
            principals: vec![jenkins_arn],
            ..Trust::default()
        },
    });
    org.mfa_devices.push(MfaDevice {
        serial: format!("arn:aws:iam::{tools}:mfa/demo"),
        secret: None,
    });
}

/// [`generate`] as org-file TOML, for writing a generated org to a file.
pub fn generate_toml(accounts: usize, seed: u64) -> String {
    let org = generate(accounts, seed);
    toml::to_string(&org)
        .unwrap_or_else(|e| unreachable!("a generated org always serializes to TOML: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn has_the_requested_number_of_accounts() {
        for n in [0, 1, 2, 5, 37, 1000] {
            assert_eq!(generate(n, 7).accounts.len(), n);
        }
    }

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let org = generate(100_000, 42);
        let ids: HashSet<_> = org.accounts.iter().map(|a| a.id.as_str()).collect();
        let names: HashSet<_> = org.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(ids.len(), 100_000);
        assert_eq!(names.len(), 100_000);
        for account in &org.accounts {
            assert_eq!(account.id.len(), 12, "{}", account.id);
            assert!(
                account.id.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                account.id
            );
            assert!(
                (2..=5).contains(&account.permission_sets.len()),
                "{account:?}"
            );
            let distinct: HashSet<_> = account.permission_sets.iter().collect();
            assert_eq!(distinct.len(), account.permission_sets.len(), "{account:?}");
        }
        assert_eq!(
            org.iam_roles
                .iter()
                .filter(|r| r.name == "deployer")
                .count(),
            2000
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_org_and_another_seed_does_not() {
        let a = generate_toml(300, 9);
        assert_eq!(a, generate_toml(300, 9));
        assert_ne!(a, generate_toml(300, 10));
    }

    #[test]
    fn names_follow_team_env_n() {
        let org = generate(TEAMS.len() * ENVS.len() + 1, 0);
        let last = org
            .accounts
            .last()
            .map(|a| a.name.as_str())
            .unwrap_or_default();
        assert!(last.ends_with("-prod-2"), "{last}");
        assert!(org.accounts.iter().all(|a| {
            a.email.as_deref() == Some(format!("aws+{}@generated.example", a.name).as_str())
        }));
    }

    #[test]
    fn the_toml_round_trips_and_validates() {
        for n in [0, 1, 3, 250] {
            let text = generate_toml(n, 1234);
            let org = Org::parse(&text, "generated.toml").unwrap();
            assert_eq!(org.accounts.len(), n);
            assert_eq!(toml::to_string(&org).unwrap(), text);
            assert_eq!(org.settings.device_poll_interval, 1);
            assert_eq!(org.settings.approve_after_seconds, None);
            assert!(org.identity_center_by_url(START_URL).is_some());
            let user = org.default_user(IDENTITY_CENTER_ID).unwrap();
            assert_eq!(user.name, "demo");
            assert_eq!(org.accounts_for(user).count(), n);
        }
    }

    #[test]
    fn chaining_principals_point_at_real_accounts() {
        let org = generate(120, 5);
        let tools = &org.accounts[0];
        assert!(tools.permission_sets.iter().any(|p| p == "DevOps"));
        for role in &org.iam_roles {
            assert!(org.account(&role.account).is_some(), "{role:?}");
        }
        let jenkins = org.iam_users.iter().find(|u| u.name == "jenkins").unwrap();
        assert_eq!(jenkins.account, tools.id);
        for user in &org.iam_users {
            assert!(user.access_key_id.starts_with("AKIAEXAMPLE"));
            assert_eq!(user.access_key_id.len(), 20);
            assert_eq!(user.secret_access_key.len(), 40);
        }
        assert!(org.iam_roles.iter().any(|r| r.trust.external_id.is_some()));
        assert!(org.iam_roles.iter().any(|r| r.trust.require_mfa));
        assert_eq!(
            org.iam_roles
                .iter()
                .filter(|r| r.name == "deployer")
                .count(),
            3
        );
        assert!(org.iam_role(&org.accounts[1].id, "deployer").is_some());
        assert_eq!(org.mfa_devices.len(), 1);
    }

    #[test]
    fn one_account_still_has_every_role() {
        let org = generate(1, 3);
        let id = &org.accounts[0].id;
        for name in ["deployer", "vendor-monitoring", "break-glass", "s3-reader"] {
            assert!(org.iam_role(id, name).is_some(), "{name}");
        }
    }

    #[test]
    fn no_accounts_means_no_principals() {
        let org = generate(0, 3);
        assert!(org.iam_roles.is_empty() && org.iam_users.is_empty());
        assert_eq!(org.users.len(), 1);
    }
}
