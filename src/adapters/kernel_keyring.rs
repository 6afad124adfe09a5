//! [`ExpiringCache`] in the Linux kernel keyring (keyutils, `keyrings(7)`): short-lived role
//! credentials kept where reading them is two system calls (search, read), in front of the
//! Secret Service, one read of which is a D-Bus round trip of about 10 ms.
//!
//! - **Which keyring**: the session keyring of this login (`@s`; a process without one gets
//!   the user-session keyring, as the kernel decides). Every process of the login session
//!   possesses it (the shell, the AWS CLI, botocore and the `credential-process` they start);
//!   a new login (another SSH connection, a new desktop session) starts with an empty one and
//!   fills it from the Secret Service on its first read. Not the user keyring (`@u`): that one
//!   is shared by every process of the UID, in every login and every container without a user
//!   namespace.
//! - **Who can read an entry**: its possessors only (permissions `possessor: view read write
//!   search setattr`, nothing for user, group or others), so another login of the same user
//!   cannot even see it.
//! - **How long**: the key's timeout is the credentials' expiry; the kernel drops it then.
//! - **Where**: kernel memory only, never written to disk or swap by the keyring; gone at
//!   logout and reboot. The Secret Service stays the copy that lasts.
//! - **When it is not there** (docker's default seccomp profile refuses `keyctl`, a kernel
//!   without keys, the per-user quota of 20,000 bytes full): every call is a miss, logged at
//!   debug level only, and the Secret Service answers as before.

use std::time::SystemTime;

use linux_keyutils::{KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
use zeroize::Zeroize;

use crate::ports::secret_store::ExpiringCache;
use crate::secret::Secret;

/// Every entry's description starts with this (`keyctl show @s` lists `rolecall:creds/…`).
const PREFIX: &str = "rolecall:";

/// The kernel keyring of this login session.
pub(crate) struct KernelKeyring {
    ring: KeyRing,
}

impl KernelKeyring {
    /// The session keyring, or `None` where the kernel keyring cannot be used here.
    pub(crate) fn open() -> Option<Self> {
        match KeyRing::from_special_id(KeyRingIdentifier::Session, false) {
            Ok(ring) => Some(Self { ring }),
            Err(e) => {
                tracing::debug!(error = ?e, "no kernel keyring here; the OS keyring alone");
                None
            }
        }
    }
}

fn description(key: &str) -> String {
    format!("{PREFIX}{key}")
}

impl ExpiringCache for KernelKeyring {
    fn get(&self, key: &str) -> Option<Secret<String>> {
        let found = self.ring.search(&description(key)).ok()?;
        let bytes = found
            .read_to_vec()
            .map_err(|e| tracing::debug!(key, error = ?e, "cannot read a kernel keyring entry"))
            .ok()?;
        match String::from_utf8(bytes) {
            Ok(text) => Some(Secret::new(text)),
            Err(e) => {
                e.into_bytes().zeroize();
                None
            }
        }
    }

    fn put(&self, key: &str, value: &Secret<String>, until: SystemTime) {
        let seconds = until
            .duration_since(SystemTime::now())
            .map_or(0, |left| left.as_secs());
        let Ok(seconds) = usize::try_from(seconds) else {
            return;
        };
        if seconds == 0 || value.expose().is_empty() {
            self.remove(key);
            return;
        }
        let kept = self
            .ring
            .add_key(&description(key), value.expose().as_bytes())
            .and_then(|entry| {
                let possessor =
                    Permission::VIEW | Permission::READ | Permission::WRITE | Permission::SEARCH;
                entry
                    .set_timeout(seconds)
                    .and_then(|()| {
                        entry.set_perms(
                            KeyPermissionsBuilder::builder()
                                .posessor(possessor | Permission::SETATTR)
                                .build(),
                        )
                    })
                    .inspect_err(|_| {
                        // Never left behind without its timeout or its permissions.
                        let _ = entry.invalidate();
                    })
            });
        if let Err(e) = kept {
            tracing::debug!(key, error = ?e, "cannot keep an entry in the kernel keyring");
        }
    }

    fn remove(&self, key: &str) {
        if let Ok(found) = self.ring.search(&description(key))
            && let Err(e) = found.invalidate()
        {
            tracing::debug!(key, error = ?e, "cannot drop a kernel keyring entry");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A key of this test run alone.
    fn key(name: &str) -> String {
        format!("test/{name}/{:016x}", rand::random::<u64>())
    }

    fn keyring() -> KernelKeyring {
        KernelKeyring::open().expect("this machine lets tests use the kernel keyring")
    }

    #[test]
    fn an_entry_round_trips_and_is_readable_by_its_possessors_only() {
        let ring = keyring();
        let key = key("round-trip");
        let value = Secret::new(r#"{"accessKeyId":"ASIA","secretAccessKey":"s3cr3t"}"#.to_owned());
        ring.put(&key, &value, SystemTime::now() + Duration::from_secs(600));
        assert_eq!(ring.get(&key), Some(value));

        let entry = ring.ring.search(&description(&key)).unwrap();
        let meta = entry.metadata().unwrap();
        // possessor: view, read, write, search, setattr; user, group, others: nothing.
        assert_eq!(
            meta.get_perms().bits(),
            0x2f00_0000,
            "{:#x}",
            meta.get_perms().bits()
        );
        assert!(
            meta.get_description()
                .starts_with("rolecall:test/round-trip/")
        );

        ring.remove(&key);
        assert_eq!(ring.get(&key), None);
        ring.remove(&key);
    }

    #[test]
    fn an_entry_carries_its_expiry_as_the_kernel_timeout() {
        let ring = keyring();
        let key = key("timeout");
        ring.put(
            &key,
            &Secret::new("v".to_owned()),
            SystemTime::now() + Duration::from_secs(3000),
        );
        let id = ring.ring.search(&description(&key)).unwrap().get_id();
        // /proc/keys: `<id in hex> <flags> <usage> <timeout> …`; the timeout as "49m" here.
        let line = std::fs::read_to_string("/proc/keys")
            .unwrap()
            .lines()
            .find(|l| l.starts_with(&format!("{:08x} ", id.as_raw_id())))
            .map(str::to_owned)
            .unwrap();
        let timeout = line.split_whitespace().nth(3).unwrap();
        assert!(timeout == "49m" || timeout == "50m", "{line}");
        ring.remove(&key);
    }

    #[test]
    fn a_time_already_past_keeps_nothing_and_drops_the_old_entry() {
        let ring = keyring();
        let key = key("past");
        ring.put(
            &key,
            &Secret::new("old".to_owned()),
            SystemTime::now() + Duration::from_secs(600),
        );
        ring.put(
            &key,
            &Secret::new("new".to_owned()),
            SystemTime::now() - Duration::from_secs(1),
        );
        assert_eq!(ring.get(&key), None);
    }

    #[test]
    fn a_missing_entry_is_a_miss() {
        assert_eq!(keyring().get(&key("never-kept")), None);
    }
}
