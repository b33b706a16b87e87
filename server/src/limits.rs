//! Rate limits for what anyone may call without an account: citizens' answers to a
//! self-assessment campaign, their photos and their receipt lookups. Token buckets in
//! memory, per campaign and per address: a restart forgets them, which only lets a
//! burst through once. The number of buckets kept is bounded; when full, buckets that
//! have refilled are forgotten first, and if none has, the request is refused as if its
//! own bucket were empty.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::{ApiError, AppState};

/// The most buckets one [`Buckets`] keeps.
const MAX_KEYS: usize = 100_000;

/// Token buckets of one kind: `capacity` requests at once, then `per_minute`.
#[derive(Debug)]
pub struct Buckets {
    capacity: f64,
    per_ms: f64,
    kept: Mutex<BTreeMap<String, (f64, i64)>>,
}

impl Buckets {
    pub fn new(capacity: u32, per_minute: u32) -> Buckets {
        Buckets { capacity: f64::from(capacity), per_ms: f64::from(per_minute) / 60_000.0, kept: Mutex::default() }
    }

    fn level(&self, (tokens, at_ms): (f64, i64), now_ms: i64) -> f64 {
        (tokens + (now_ms - at_ms).max(0) as f64 * self.per_ms).min(self.capacity)
    }

    /// Takes one token of `key`'s bucket, or says in how many seconds one will be there.
    pub fn take(&self, key: &str, now_ms: i64) -> Result<(), ApiError> {
        let mut kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !kept.contains_key(key) && kept.len() >= MAX_KEYS {
            kept.retain(|_, bucket| self.level(*bucket, now_ms) < self.capacity);
            if kept.len() >= MAX_KEYS {
                return Err(ApiError::TooManyRequests { retry_after_s: 60 });
            }
        }
        let bucket = kept.entry(key.to_string()).or_insert((self.capacity, now_ms));
        let tokens = self.level(*bucket, now_ms);
        if tokens < 1.0 {
            let wait_ms = ((1.0 - tokens) / self.per_ms).ceil();
            return Err(ApiError::TooManyRequests { retry_after_s: (wait_ms / 1000.0).ceil().max(1.0) as u64 });
        }
        *bucket = (tokens - 1.0, now_ms);
        Ok(())
    }
}

/// The limits of citizens' requests.
#[derive(Debug)]
pub struct CitizenLimits {
    /// Answers and photos per campaign: a village meeting's burst, then 30 a second.
    pub campaign: Buckets,
    /// Answers and photos per address: a family's phones behind one address, a
    /// meeting's Wi-Fi, then two a second.
    pub address: Buckets,
    /// Receipt lookups per address.
    pub lookups: Buckets,
}

impl Default for CitizenLimits {
    fn default() -> CitizenLimits {
        CitizenLimits {
            campaign: Buckets::new(600, 1_800),
            address: Buckets::new(120, 120),
            lookups: Buckets::new(30, 30),
        }
    }
}

/// The address a request came from: the connection's, or with
/// [`crate::config::Config::trust_proxy`] the last one the proxy appended to
/// `X-Forwarded-For`. `-` when neither is known (requests made inside the process).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer(pub String);

impl FromRequestParts<AppState> for Peer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Peer, ApiError> {
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty());
            if let Some(address) = forwarded {
                return Ok(Peer(address.chars().take(64).collect()));
            }
        }
        let connected = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(Peer(connected.unwrap_or_else(|| "-".to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_lets_its_burst_through_then_refills_at_its_rate() {
        let buckets = Buckets::new(3, 60);
        for _ in 0..3 {
            buckets.take("a", 0).expect("the burst");
        }
        match buckets.take("a", 0) {
            Err(ApiError::TooManyRequests { retry_after_s }) => assert_eq!(retry_after_s, 1),
            other => panic!("{other:?}"),
        }
        buckets.take("b", 0).expect("another key has its own bucket");
        buckets.take("a", 1_000).expect("one a second");
        assert!(buckets.take("a", 1_500).is_err());
        buckets.take("a", 60_000).expect("refilled");
    }
}
