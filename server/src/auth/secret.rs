//! The secrets of authentication, in one place: random tokens and ids, their hex form
//! and SHA-256 keys, and argon2id password hashes. Nothing here touches the store.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::hex::{from_hex, to_hex};
use crate::ApiError;

/// Random bytes in a session or invitation token.
const TOKEN_BYTES: usize = 32;

/// A token handed out once: the client keeps `hex`; the store keeps only `key`, its
/// SHA-256, so a copy of the data directory contains no working token.
#[derive(Debug)]
pub(crate) struct Token {
    pub hex: String,
    pub key: [u8; 32],
}

pub(crate) fn new_token() -> Result<Token, ApiError> {
    let mut raw = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut raw).map_err(|err| ApiError::Crypto { detail: format!("getrandom: {err}") })?;
    Ok(Token { hex: to_hex(&raw), key: Sha256::digest(raw).into() })
}

/// The store key of a token the client presented; `None` when it is not a token at
/// all (so it cannot match anything).
pub(crate) fn key_of(hex: &str) -> Option<[u8; 32]> {
    let raw = from_hex(hex)?;
    (raw.len() == TOKEN_BYTES).then(|| Sha256::digest(&raw).into())
}

/// A fresh random id (32 hex digits) for an account or a hamlet.
pub(crate) fn new_id() -> Result<String, ApiError> {
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|err| ApiError::Crypto { detail: format!("getrandom: {err}") })?;
    Ok(to_hex(&raw))
}

/// An argon2id hash (PHC string, salt included) with the crate's default parameters,
/// which follow the OWASP recommendation. Slow on purpose: call it off the async
/// runtime (`spawn_blocking`).
pub(crate) fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| ApiError::Crypto { detail: format!("argon2: {err}") })
}

/// Whether `password` matches the stored PHC string. A malformed stored hash matches
/// nothing.
pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// A hash to verify against when the username is unknown, so that a login for a
/// missing account takes as long as one with a wrong password.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("không phải mật khẩu của ai").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    //! Hex round trips and password hashes.

    use super::{from_hex, hash_password, key_of, new_token, to_hex, verify_password};

    #[test]
    fn tokens_round_trip_through_hex() {
        let token = new_token().expect("token");
        assert_eq!(token.hex.len(), 64);
        assert_eq!(key_of(&token.hex), Some(token.key));
        assert_eq!(key_of(&token.hex.to_uppercase()), Some(token.key));
        assert_eq!(key_of(&token.hex[..62]), None);
        assert_eq!(key_of("zz"), None);
        assert_eq!(from_hex(&to_hex(&[0, 1, 0xab, 0xff])), Some(vec![0, 1, 0xab, 0xff]));
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("mot-mat-khau-dai").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("mot-mat-khau-dai", &hash));
        assert!(!verify_password("mot-mat-khau-dai ", &hash));
        assert!(!verify_password("mot-mat-khau-dai", "not a hash"));
    }
}
