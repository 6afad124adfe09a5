//! Deterministic TOTP MFA devices (RFC 6238: SHA-1, 6 digits, 30 s steps, like AWS virtual MFA
//! devices), evaluated at the emulator's clock so tests that move time move the codes too.
//!
//! A device's secret is its `secret` (base32) from the org file, or else one derived from its
//! serial: the first 20 bytes of `sha256("rolecall-emulator-mfa:" + serial)`. Anyone who knows
//! the serial can therefore compute the codes, which is the point: tests and the demo need no
//! phone.

use std::time::SystemTime;

use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use super::org::MfaDevice;
use super::shared::Shared;
use super::sigv4::constant_time_eq;

/// Code length.
pub(crate) const DIGITS: usize = 6;
/// Seconds per code.
pub(crate) const STEP: u64 = 30;
const DERIVATION_PREFIX: &str = "rolecall-emulator-mfa:";

/// The device's TOTP secret in base32 (RFC 4648, no padding), as an authenticator app takes it.
pub(crate) fn secret_base32(device: &MfaDevice) -> String {
    match &device.secret {
        Some(given) => normalize_base32(given),
        None => match Secret::Raw(derived_secret(&device.serial)).to_encoded() {
            Secret::Encoded(text) => text,
            Secret::Raw(_) => String::new(),
        },
    }
}

/// The org's device with this serial.
pub(crate) fn device<'a>(shared: &'a Shared, serial: &str) -> Option<&'a MfaDevice> {
    shared.org.mfa_devices.iter().find(|d| d.serial == serial)
}

/// The code the device shows now (emulator time); None if the org does not list the serial or
/// its secret is not valid base32.
pub(crate) fn current_code(shared: &Shared, serial: &str) -> Option<String> {
    let totp = totp(device(shared, serial)?)?;
    Some(totp.generate(unix_secs(shared.clock.now())))
}

/// Whether `code` is the device's code for the current or the previous 30 s step.
pub(crate) fn check(shared: &Shared, serial: &str, code: &str) -> bool {
    device(shared, serial).is_some_and(|d| check_device(d, code, shared.clock.now()))
}

/// Whether `code` is the device's code at `now` or one step before.
pub(crate) fn check_device(device: &MfaDevice, code: &str, now: SystemTime) -> bool {
    let Some(totp) = totp(device) else {
        return false;
    };
    let now = unix_secs(now);
    [now, now.saturating_sub(STEP)]
        .iter()
        .any(|t| constant_time_eq(totp.generate(*t).as_bytes(), code.as_bytes()))
}

/// The code the device shows at `now`.
pub(crate) fn code_at(device: &MfaDevice, now: SystemTime) -> Option<String> {
    Some(totp(device)?.generate(unix_secs(now)))
}

fn totp(device: &MfaDevice) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32(device)).to_bytes().ok()?;
    if bytes.is_empty() {
        return None;
    }
    // Unchecked: a user-supplied secret shorter than RFC 4226's 128 bits still works, as it
    // does in authenticator apps.
    Some(TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 0, STEP, bytes))
}

fn derived_secret(serial: &str) -> Vec<u8> {
    let digest = Sha256::digest(format!("{DERIVATION_PREFIX}{serial}").as_bytes());
    digest[..20].to_vec()
}

/// Uppercase, without padding or spaces: what base32 decoders without padding accept.
fn normalize_base32(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '=' && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn unix_secs(t: SystemTime) -> u64 {
    u64::try_from(super::clock::epoch_secs(t)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::emulator::org::Org;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn device(serial: &str, secret: Option<&str>) -> MfaDevice {
        MfaDevice {
            serial: serial.to_owned(),
            secret: secret.map(str::to_owned),
        }
    }

    #[test]
    fn rfc6238_sha1_vector() {
        // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded();
        let Secret::Encoded(b32) = secret else {
            panic!("not encoded")
        };
        let d = device(
            "arn:aws:iam::111111111111:mfa/rfc",
            Some(&b32.to_lowercase()),
        );
        assert_eq!(code_at(&d, at(59)).unwrap(), "287082");
        assert_eq!(code_at(&d, at(1_111_111_109)).unwrap(), "081804");
    }

    #[test]
    fn derived_secrets_are_deterministic_and_distinct() {
        let a = device("arn:aws:iam::111111111111:mfa/alice", None);
        let b = device("arn:aws:iam::111111111111:mfa/bob", None);
        assert_eq!(secret_base32(&a), secret_base32(&a.clone()));
        assert_ne!(secret_base32(&a), secret_base32(&b));
        // 20 bytes → 32 base32 characters.
        assert_eq!(secret_base32(&a).len(), 32);
        let code = code_at(&a, at(1_000_000)).unwrap();
        assert_eq!(code.len(), DIGITS);
        assert!(code.bytes().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn the_current_and_previous_step_are_accepted() {
        let d = device("arn:aws:iam::111111111111:mfa/alice", None);
        let t = 1_700_000_010;
        let now = code_at(&d, at(t)).unwrap();
        let previous = code_at(&d, at(t - STEP)).unwrap();
        let older = code_at(&d, at(t - 2 * STEP)).unwrap();
        let next = code_at(&d, at(t + STEP)).unwrap();
        assert!(check_device(&d, &now, at(t)));
        assert!(check_device(&d, &previous, at(t)));
        assert!(older == now || older == previous || !check_device(&d, &older, at(t)));
        assert!(next == now || next == previous || !check_device(&d, &next, at(t)));
        assert!(!check_device(&d, "12345", at(t)));
        assert!(!check_device(&d, "", at(t)));
    }

    #[test]
    fn invalid_secrets_give_no_codes() {
        let d = device("x", Some("not base32 at all!"));
        assert_eq!(code_at(&d, at(0)), None);
        assert!(!check_device(&d, "000000", at(0)));
    }

    #[test]
    fn codes_follow_the_emulator_clock() {
        let org = Org::parse(
            "[[mfa_devices]]\nserial = \"arn:aws:iam::111111111111:mfa/alice\"\n",
            "t",
        )
        .unwrap();
        let shared = Shared::new(org, "http://127.0.0.1:0".into());
        let serial = "arn:aws:iam::111111111111:mfa/alice";
        let code = current_code(&shared, serial).unwrap();
        assert!(check(&shared, serial, &code));
        assert_eq!(
            current_code(&shared, "arn:aws:iam::111111111111:mfa/nobody"),
            None
        );
        assert!(!check(
            &shared,
            "arn:aws:iam::111111111111:mfa/nobody",
            &code
        ));
        shared.clock.advance_ms(10 * 60 * 1000);
        let later = current_code(&shared, serial).unwrap();
        assert!(check(&shared, serial, &later));
    }
}
