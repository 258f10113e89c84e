//! A photo's SHA-256, as photos are named everywhere: 64 lower-case hex digits, checked where
//! it enters (a URL, an upload's metadata, a visit, a review note) and trusted from there on.

use std::fmt;
use std::ops::Deref;

/// A lower-case hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256(String);

/// The text is not 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sha256 harus 64 huruf heksadesimal kecil")]
pub struct InvalidSha256;

impl Sha256 {
    /// The hash written as `text`.
    pub fn parse(text: &str) -> Result<Self, InvalidSha256> {
        let valid = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidSha256)
        }
    }

    /// Its text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The object key of the photo it names.
    #[must_use]
    pub fn photo_key(&self) -> String {
        format!("sha256/{}", self.0)
    }
}

impl Deref for Sha256 {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{InvalidSha256, Sha256};

    #[test]
    fn only_64_lower_case_hex_digits_name_a_photo() {
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(
            Sha256::parse(hex).map(|s| s.photo_key()),
            Ok(format!("sha256/{hex}"))
        );
        assert_eq!(Sha256::parse(&hex.to_uppercase()), Err(InvalidSha256));
        assert_eq!(Sha256::parse(&hex[1..]), Err(InvalidSha256));
        assert_eq!(
            Sha256::parse(&format!("{}g", &hex[1..])),
            Err(InvalidSha256)
        );
        assert_eq!(Sha256::parse("../../etc/passwd"), Err(InvalidSha256));
    }
}
