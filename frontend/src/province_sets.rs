//! The criteria sets a province adapted and published (issue 17): the device fetches
//! the list after a sync round when it changed (its entity tag), keeps it, and scores
//! with those sets beside the shipped ones, offline too. A published version never
//! changes and is never withdrawn, so evaluations made with it keep it.

use hoctap_shared::accounts::LoginResponse;
use hoctap_shared::criteria::CriteriaSet;
use serde::Deserialize;

use crate::storage::Storage;

/// What the device reads of `GET /units/{unit}/criteria`.
#[derive(Debug, Default, Deserialize)]
pub struct Published {
    #[serde(default)]
    pub etag: String,
    #[serde(default)]
    pub sets: Vec<PublishedSet>,
}

#[derive(Debug, Deserialize)]
pub struct PublishedSet {
    pub set: CriteriaSet,
}

impl Published {
    /// The list decoded from the server's JSON, or `None` when it does not decode (a set
    /// in a format newer than this app's): the device then keeps the list it had, and
    /// asks again at the next round. Decoded whole, as the shipped sets are: decoding
    /// each set apart would cost the phone app 7 KB.
    pub fn decode(json: &str) -> Option<Published> {
        serde_json::from_str(json).ok()
    }

    pub fn sets(self) -> Vec<CriteriaSet> {
        self.sets.into_iter().map(|p| p.set).collect()
    }
}

/// The shipped sets, every version, and the province's published ones.
pub fn with_shipped(province: Vec<CriteriaSet>) -> Vec<CriteriaSet> {
    let mut sets = crate::catalog::sets();
    // The server refuses a shipped id for a province's set; should one come, the
    // shipped set wins.
    let province: Vec<CriteriaSet> =
        province.into_iter().filter(|p| !sets.iter().any(|s| s.id == p.id && s.version == p.version)).collect();
    sets.extend(province);
    sets
}

/// Fetches the province's list when it changed since the kept one, and keeps it.
/// `Some(sets)` when it changed. A failure leaves the kept list (the next round tries
/// again); it never fails the sync round.
pub async fn refresh(storage: &Storage, session: &LoginResponse) -> Option<Vec<CriteriaSet>> {
    let kept = storage.province_sets().await.ok().flatten().and_then(|json| Published::decode(&json));
    let etag = kept.as_ref().map(|k| quoted(&k.etag)).filter(|e| e.len() > 2);
    let path = format!("/units/{}/criteria", crate::reports::encode_component(&session.account.unit));
    let json = crate::api::get_if_changed(&path, Some(&session.token), etag.as_deref()).await.ok()??;
    let published = Published::decode(&json)?;
    storage.keep_province_sets(&json).await.ok()?;
    Some(published.sets())
}

/// An entity tag as HTTP writes it, in double quotes.
fn quoted(etag: &str) -> String {
    if etag.starts_with('"') || etag.starts_with("W/") {
        etag.to_string()
    } else {
        format!("\"{etag}\"")
    }
}

#[cfg(test)]
mod tests {
    use hoctap_shared::criteria::shipped;

    use super::*;

    #[test]
    fn a_province_set_is_added_beside_every_shipped_version() {
        let mut adapted = shipped::get("gdht-448-2016").expect("shipped");
        adapted.id = "gdht-gia-lai-2027".to_string();
        adapted.version = "2027.1".to_string();
        let json = serde_json::json!({ "etag": "abc", "sets": [{ "set": adapted, "published_at_ms": 1, "published_by": "Lan" }] });
        let published = Published::decode(&json.to_string()).expect("decodes");
        assert_eq!(published.etag, "abc");
        let sets = with_shipped(published.sets());
        assert_eq!(sets.len(), shipped::every_version().len() + 1);
        assert!(hoctap_shared::criteria::resolve(&sets, "gdht-gia-lai-2027", Some("2027.1")).is_some());
        assert_eq!(quoted("abc"), "\"abc\"");
        assert_eq!(quoted("\"abc\""), "\"abc\"");
    }

    #[test]
    fn a_list_that_does_not_decode_is_not_kept_and_a_shipped_copy_is_not_added_twice() {
        assert!(Published::decode("{not json").is_none());
        let good = shipped::get("gdht-448-2016").expect("shipped");
        let json = serde_json::json!({ "etag": "t", "sets": [{ "set": { "id": 1 } }, { "set": good }] });
        assert!(Published::decode(&json.to_string()).is_none(), "not stored: the device keeps the list it had");
        let copy = shipped::get("cdht-324-2023").expect("shipped");
        assert_eq!(with_shipped(vec![copy]).len(), shipped::every_version().len());
    }
}
