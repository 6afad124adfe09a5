//! AWS account ids: exactly 12 ASCII digits.

use serde::{Deserialize, Serialize};

/// An AWS account id. Anything else from the network is not one and is never passed on (to a
/// shell, a file, a URL).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

/// Text that is not an AWS account id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not an AWS account id (12 digits)")]
pub struct AccountIdError {
    pub text: String,
}

impl AccountId {
    /// Whether `text` has the one form an AWS account id has: exactly 12 ASCII digits.
    pub fn is_valid(text: &str) -> bool {
        text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
    }

    /// `text` as an account id, exactly as given (no trimming).
    pub fn parse(text: &str) -> Result<Self, AccountIdError> {
        if Self::is_valid(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err(AccountIdError {
                text: text.to_owned(),
            })
        }
    }

    fn text(&self) -> &str {
        &self.0
    }
}

super::text_id!(AccountId, AccountIdError);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn twelve_ascii_digits_and_nothing_else() {
        let id = AccountId::parse("012345678901").unwrap();
        assert_eq!(id.as_str(), "012345678901");
        assert_eq!(id, "012345678901");
        assert_eq!(id.to_string(), "012345678901");
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            " 12345678901",
            "12345678901 ",
            "1234567890a1",
            "１２３４５６７８９０１２",
            "1$(id)",
            "12345$(id)12",
            "1234567890 1",
            "١٢٣٤٥٦٧٨٩٠١٢",
            "\u{0}12345678901",
        ] {
            let e = AccountId::parse(bad).unwrap_err();
            assert_eq!(e.text, bad);
            assert!(!AccountId::is_valid(bad), "{bad:?}");
        }
        assert_eq!(
            AccountId::parse("1$(id)").unwrap_err().to_string(),
            r#""1$(id)" is not an AWS account id (12 digits)"#
        );
    }

    #[test]
    fn reads_and_writes_as_its_text() {
        let id: AccountId = serde_json::from_str(r#""111122223333""#).unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""111122223333""#);
        let e = serde_json::from_str::<AccountId>(r#""1111""#).unwrap_err();
        assert!(e.to_string().contains("is not an AWS account id"), "{e}");
        assert_eq!("111122223333".parse::<AccountId>().unwrap(), id);
        assert_eq!(String::from(id), "111122223333");
    }
}
