//! Citizens' self-assessment campaigns and what they received (issue 18). Not derived
//! from the log, so a backup copies them as they are.
//!
//! - `campaigns`: campaign id → [`Campaign`] JSON;
//! - `campaign_answers`: campaign id \0 answer id (made by the citizen's phone, so a
//!   resend is the same answer) → [`StoredAnswer`] JSON;
//! - `campaign_receipts`: receipt → campaign id \0 answer id;
//! - `campaign_counts`: campaign id → how many answers it took (u32, big-endian), so
//!   the cap is checked without reading the answers;
//! - `campaign_photos`: campaign id \0 SHA-256 → ∅: the photos sent to the campaign
//!   (the bytes are evidence files, see `crate::evidence`).

use hoctap_shared::selfassess::{Campaign, StoredAnswer};

use super::{for_each, Store, StoreError, Write};

pub const CAMPAIGNS: &str = "campaigns";
pub const CAMPAIGN_ANSWERS: &str = "campaign_answers";
pub const CAMPAIGN_RECEIPTS: &str = "campaign_receipts";
pub const CAMPAIGN_COUNTS: &str = "campaign_counts";
pub const CAMPAIGN_PHOTOS: &str = "campaign_photos";

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8], key: impl FnOnce() -> String) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|_| StoreError::Corrupt { key: key() })
}

fn encode<T: serde::Serialize>(value: &T, keyspace: &str) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|_| StoreError::Corrupt { key: keyspace.to_string() })
}

fn answer_key(campaign: &str, answer: &str) -> Vec<u8> {
    [campaign.as_bytes(), b"\0", answer.as_bytes()].concat()
}

/// Stores a new campaign durably; `false` when the id is taken.
pub fn open(store: &dyn Store, campaign: &Campaign) -> Result<bool, StoreError> {
    if !store.insert_new(CAMPAIGNS, campaign.id.as_bytes(), &encode(campaign, CAMPAIGNS)?)? {
        return Ok(false);
    }
    store.flush()?;
    Ok(true)
}

pub fn get(store: &dyn Store, id: &str) -> Result<Option<Campaign>, StoreError> {
    let Some(bytes) = store.get(CAMPAIGNS, id.as_bytes())? else { return Ok(None) };
    decode(&bytes, || format!("{CAMPAIGNS}/{id}")).map(Some)
}

/// Replaces a campaign (closing it), durably.
pub fn put(store: &dyn Store, campaign: &Campaign) -> Result<(), StoreError> {
    store.put(CAMPAIGNS, campaign.id.as_bytes(), &encode(campaign, CAMPAIGNS)?)?;
    store.flush()
}

/// Every campaign, newest first.
pub fn all(store: &dyn Store) -> Result<Vec<Campaign>, StoreError> {
    let mut out: Vec<Campaign> = Vec::new();
    for_each(store, CAMPAIGNS, b"", |key, value| {
        out.push(decode(value, || format!("{CAMPAIGNS}/{}", String::from_utf8_lossy(key)))?);
        Ok::<(), StoreError>(())
    })?;
    out.sort_by(|a, b| b.opened_at_ms.cmp(&a.opened_at_ms).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

/// The answer `answer` of `campaign`, if it came.
pub fn answer(store: &dyn Store, campaign: &str, answer: &str) -> Result<Option<StoredAnswer>, StoreError> {
    let Some(bytes) = store.get(CAMPAIGN_ANSWERS, &answer_key(campaign, answer))? else { return Ok(None) };
    decode(&bytes, || format!("{CAMPAIGN_ANSWERS}/{campaign}/{answer}")).map(Some)
}

/// Every answer of `campaign` with its id, in id order.
pub fn answers(store: &dyn Store, campaign: &str) -> Result<Vec<(String, StoredAnswer)>, StoreError> {
    let prefix = [campaign.as_bytes(), b"\0"].concat();
    let mut out = Vec::new();
    for_each(store, CAMPAIGN_ANSWERS, &prefix, |key, value| {
        let id = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
        let stored: StoredAnswer = decode(value, || format!("{CAMPAIGN_ANSWERS}/{campaign}/{id}"))?;
        out.push((id, stored));
        Ok::<(), StoreError>(())
    })?;
    Ok(out)
}

/// How many answers `campaign` took.
pub fn count(store: &dyn Store, campaign: &str) -> Result<u32, StoreError> {
    let Some(bytes) = store.get(CAMPAIGN_COUNTS, campaign.as_bytes())? else { return Ok(0) };
    let raw: [u8; 4] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| StoreError::Corrupt { key: format!("{CAMPAIGN_COUNTS}/{campaign}") })?;
    Ok(u32::from_be_bytes(raw))
}

/// Takes a new answer durably under its receipt, counted; `false` when the receipt is
/// taken (the caller draws another). The caller holds the campaign lock and has checked
/// that the answer id is new.
pub fn take(store: &dyn Store, campaign: &str, answer: &str, stored: &StoredAnswer) -> Result<bool, StoreError> {
    let key = answer_key(campaign, answer);
    if !store.insert_new(CAMPAIGN_RECEIPTS, stored.receipt.as_bytes(), &key)? {
        return Ok(false);
    }
    let taken = count(store, campaign)?.saturating_add(1);
    store.apply(&[
        Write::Put { keyspace: CAMPAIGN_ANSWERS, key, value: encode(stored, CAMPAIGN_ANSWERS)? },
        Write::Put {
            keyspace: CAMPAIGN_COUNTS,
            key: campaign.as_bytes().to_vec(),
            value: taken.to_be_bytes().to_vec(),
        },
    ])?;
    store.flush()?;
    Ok(true)
}

/// Records that `sha256` was sent to `campaign`, durably.
pub fn add_photo(store: &dyn Store, campaign: &str, sha256: &str) -> Result<(), StoreError> {
    store.put(CAMPAIGN_PHOTOS, &answer_key(campaign, sha256), &[])?;
    store.flush()
}

/// Whether `sha256` was sent to `campaign`.
pub fn has_photo(store: &dyn Store, campaign: &str, sha256: &str) -> Result<bool, StoreError> {
    Ok(store.get(CAMPAIGN_PHOTOS, &answer_key(campaign, sha256))?.is_some())
}

/// How many photos were sent to `campaign`, counting up to `limit`.
pub fn photos(store: &dyn Store, campaign: &str, limit: usize) -> Result<usize, StoreError> {
    let prefix = [campaign.as_bytes(), b"\0"].concat();
    Ok(store.scan(CAMPAIGN_PHOTOS, &prefix, None, limit)?.len())
}

/// Replaces a stored answer (its state), durably.
pub fn update(store: &dyn Store, campaign: &str, answer: &str, stored: &StoredAnswer) -> Result<(), StoreError> {
    store.put(CAMPAIGN_ANSWERS, &answer_key(campaign, answer), &encode(stored, CAMPAIGN_ANSWERS)?)?;
    store.flush()
}

/// The campaign and answer a receipt names.
pub fn by_receipt(store: &dyn Store, receipt: &str) -> Result<Option<(String, String)>, StoreError> {
    let Some(bytes) = store.get(CAMPAIGN_RECEIPTS, receipt.as_bytes())? else { return Ok(None) };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (campaign, answer) =
        text.split_once('\0').ok_or_else(|| StoreError::Corrupt { key: format!("{CAMPAIGN_RECEIPTS}/{receipt}") })?;
    Ok(Some((campaign.to_string(), answer.to_string())))
}
