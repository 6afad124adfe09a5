//! Identifiers that have a form, parsed once where they come in (the portal, config files, the
//! command line) and carried inward typed: an [`AccountId`] is 12 ASCII digits, a [`RoleArn`] is
//! `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`, a [`Region`] is `eu-west-1`-shaped. Each reads
//! and writes as its text (serde `try_from`/`into` `String`), so files holding them keep their
//! bytes; reading one that lacks the form fails with a typed error naming the text.
//!
//! Role names have no such form here: the portal's are data whatever they hold (they are kept,
//! escaped and quoted where they go), so they stay `String`.

mod account_id;
mod region;
mod role_arn;

pub use account_id::{AccountId, AccountIdError};
pub use region::{Region, RegionError};
pub use role_arn::{RoleArn, RoleArnError};

/// The traits every text identifier here has: read as its text (`as_str`, `Deref<str>`,
/// `Display`, comparison with `str`/`String`), made only through `parse` (`TryFrom`, `FromStr`,
/// serde), turned back into its text (`From<Self> for String`).
macro_rules! text_id {
    ($ty:ident, $error:ty) => {
        impl $ty {
            /// The text, as it came in.
            pub fn as_str(&self) -> &str {
                self.text()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::borrow::Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $error;
            fn try_from(text: String) -> Result<Self, $error> {
                Self::parse(&text)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = $error;
            fn try_from(text: &str) -> Result<Self, $error> {
                Self::parse(text)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $error;
            fn from_str(text: &str) -> Result<Self, $error> {
                Self::parse(text)
            }
        }

        impl From<$ty> for String {
            fn from(id: $ty) -> String {
                id.as_str().to_owned()
            }
        }

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<String> for $ty {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<$ty> for str {
            fn eq(&self, other: &$ty) -> bool {
                self == other.as_str()
            }
        }

        impl PartialEq<$ty> for &str {
            fn eq(&self, other: &$ty) -> bool {
                *self == other.as_str()
            }
        }

        impl PartialEq<$ty> for String {
            fn eq(&self, other: &$ty) -> bool {
                self == other.as_str()
            }
        }
    };
}
use text_id;
