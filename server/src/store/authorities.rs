//! Each province's recipients of annual reports and recognising authorities
//! (`province_authorities`: province id → [`StoredAuthorities`] JSON), set by its
//! administrator ([`hoctap_shared::authorities`]). Not derived from the log, so a backup
//! copies it as it is. A province that never set them has no entry: the defaults apply.

use hoctap_shared::authorities::StoredAuthorities;

use super::{Store, StoreError};

/// Province id → [`StoredAuthorities`].
pub const PROVINCE_AUTHORITIES: &str = "province_authorities";

/// What `province` set, if anything.
pub fn get(store: &dyn Store, province: &str) -> Result<Option<StoredAuthorities>, StoreError> {
    let Some(bytes) = store.get(PROVINCE_AUTHORITIES, province.as_bytes())? else { return Ok(None) };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| StoreError::Corrupt { key: format!("{PROVINCE_AUTHORITIES}/{province}") })
}

/// Replaces what `province` set, durably.
pub fn put(store: &dyn Store, province: &str, value: &StoredAuthorities) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(value).map_err(|_| StoreError::Corrupt { key: PROVINCE_AUTHORITIES.to_string() })?;
    store.put(PROVINCE_AUTHORITIES, province.as_bytes(), &bytes)?;
    store.flush()
}
