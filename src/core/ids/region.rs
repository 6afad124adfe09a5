//! AWS region names: lowercase letters and digits in words joined by single `-`.

use serde::{Deserialize, Serialize};

/// A region name (`eu-west-1`, `us-gov-west-1`), as written on a command line or in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(String);

/// Text that is not a region name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a region name (such as eu-west-1)")]
pub struct RegionError {
    pub text: String,
}

impl Region {
    /// `text` as a region: at most 32 bytes, starting with a lowercase letter, of lowercase
    /// letters and digits with single `-` between them.
    pub fn parse(text: &str) -> Result<Self, RegionError> {
        let ok = !text.is_empty()
            && text.len() <= 32
            && text.split('-').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
            && text.starts_with(|c: char| c.is_ascii_lowercase());
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(RegionError {
                text: text.to_owned(),
            })
        }
    }

    fn text(&self) -> &str {
        &self.0
    }
}

super::text_id!(Region, RegionError);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn region_names_have_their_form() {
        for ok in [
            "eu-west-1",
            "us-gov-west-1",
            "cn-north-1",
            "eusc-de-east-1",
            "local",
        ] {
            assert_eq!(Region::parse(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "EU-west-1",
            "eu--west-1",
            "-eu",
            "eu-",
            "1eu",
            "eu west",
            "eu\n",
        ] {
            assert_eq!(Region::parse(bad).unwrap_err().text, bad, "{bad:?}");
        }
        assert_eq!(
            Region::parse("x y").unwrap_err().to_string(),
            r#""x y" is not a region name (such as eu-west-1)"#
        );
        let r: Region = serde_json::from_str(r#""ap-east-1""#).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), r#""ap-east-1""#);
        assert!(serde_json::from_str::<Region>(r#""Ap""#).is_err());
    }
}
