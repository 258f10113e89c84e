//! Passwords (argon2id) and bearer tokens (random, stored as SHA-256).
//!
//! Hashing and verifying are deliberately slow: call them through `spawn_blocking`.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;

use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Minimum password length accepted for new accounts.
pub const MIN_PASSWORD_LEN: usize = 8;

/// A password that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short.
    #[error("kata sandi minimal {MIN_PASSWORD_LEN} karakter")]
    TooShort,
    /// The hasher failed (should not happen with valid parameters).
    #[error("gagal membuat hash kata sandi: {0}")]
    Hash(String),
}

/// Hashes a new password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(PasswordError::TooShort);
    }
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches `phc`. A malformed stored hash never matches.
#[must_use]
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the username does not exist, so that a login for an unknown
/// user takes as long as one with a wrong password.
#[must_use]
pub fn dummy_hash() -> &'static str {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        hash_password("no-such-user-password").expect("a fixed long password always hashes")
    });
    &DUMMY
}

/// A new bearer token: 32 random bytes, base64url.
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token: hex SHA-256. Tokens have 256 bits of entropy, so a fast hash
/// is enough (unlike passwords).
#[must_use]
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("rahasia-tksk").expect("valid password");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-tksk", &hash));
        assert!(!verify_password("rahasia-tksK", &hash));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(
            hash_password("pendek"),
            Err(PasswordError::TooShort)
        ));
    }

    #[test]
    fn tokens_are_unique_and_their_hash_is_hex() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert!(PasswordHash::new(dummy_hash()).is_ok());
        assert!(!verify_password("anything", dummy_hash()));
    }
}
