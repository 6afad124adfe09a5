//! Random identifiers and secrets in the shapes AWS uses.

use rand::Rng;
use rand::distr::{Alphanumeric, Uniform};

fn from_alphabet(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    let Ok(pick) = Uniform::new(0, alphabet.len()) else {
        return String::new();
    };
    (0..len)
        .map(|_| char::from(alphabet[rng.sample(pick)]))
        .collect()
}

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `ASIA` + 16 characters: a temporary access key id.
pub(crate) fn temporary_access_key_id() -> String {
    format!("ASIA{}", from_alphabet(UPPER_DIGITS, 16))
}

/// A 40-character secret access key.
pub(crate) fn secret_access_key() -> String {
    from_alphabet(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        40,
    )
}

/// An opaque session token of the length STS returns.
pub(crate) fn session_token() -> String {
    format!("IQoJb3JpZ2luX2Vj{}", opaque(300))
}

/// A random alphanumeric string.
pub(crate) fn opaque(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// An RFC 8628 user code: eight characters from an unambiguous alphabet, `XXXX-XXXX`.
pub(crate) fn user_code() -> String {
    let raw = from_alphabet(b"BCDFGHJKLMNPQRSTVWXZ", 8);
    format!("{}-{}", &raw[..4], &raw[4..])
}

/// A role or user id suffix such as `AROA...`.
pub(crate) fn principal_id(prefix: &str, seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(seed.as_bytes());
    let tail: String = digest
        .iter()
        .take(17)
        .map(|b| char::from(UPPER_DIGITS[usize::from(*b) % UPPER_DIGITS.len()]))
        .collect();
    format!("{prefix}{tail}")
}

/// A request id in the UUID shape AWS uses.
pub(crate) fn request_id() -> String {
    let hex = from_alphabet(b"0123456789abcdef", 32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let akid = temporary_access_key_id();
        assert_eq!(akid.len(), 20);
        assert!(akid.starts_with("ASIA"));
        assert_eq!(secret_access_key().len(), 40);
        let code = user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert_ne!(opaque(32), opaque(32));
        assert_eq!(principal_id("AROA", "x"), principal_id("AROA", "x"));
    }
}
