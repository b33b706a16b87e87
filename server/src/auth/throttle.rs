//! Slowing repeated failed logins. After three failures in a row for a username, each
//! further attempt must wait 2^(n−3) seconds after the last failure (at most 15
//! minutes); a success clears the count, and a day without failures forgets it.
//! Counted per username whether or not the account exists, so the answer says nothing
//! about which usernames are real.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::store::accounts::{self as stored, LoginFailures as Failures};
use crate::store::{Store, StoreError};
use crate::ApiError;

/// Failures allowed before attempts are slowed.
const FREE_FAILURES: u32 = 3;
const MAX_WAIT_MS: i64 = 15 * 60 * 1000;
/// A count this old is forgotten.
const FORGET_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// How long after the last of `count` consecutive failures the next attempt waits.
fn wait_ms(count: u32) -> i64 {
    if count < FREE_FAILURES {
        return 0;
    }
    // 2^(count-3) seconds; the shift is capped well above the 15-minute ceiling.
    (1000i64 << (count - FREE_FAILURES).min(20)).min(MAX_WAIT_MS)
}

fn load(store: &dyn Store, username: &str, now_ms: i64) -> Result<Option<Failures>, StoreError> {
    let Some(failures) = stored::login_failures(store, username)? else {
        return Ok(None);
    };
    Ok((now_ms - failures.last_ms < FORGET_AFTER_MS).then_some(failures))
}

/// Refuses the attempt with how long to wait, when the username is being slowed.
pub(crate) fn check(store: &dyn Store, username: &str, now_ms: i64) -> Result<(), ApiError> {
    if let Some(failures) = load(store, username, now_ms)? {
        let until = failures.last_ms + wait_ms(failures.count);
        if now_ms < until {
            let retry_after_s = u64::try_from((until - now_ms + 999) / 1000).unwrap_or(1);
            return Err(ApiError::TooManyAttempts { retry_after_s });
        }
    }
    Ok(())
}

pub(crate) fn record_failure(store: &dyn Store, username: &str, now_ms: i64) -> Result<(), StoreError> {
    let count = load(store, username, now_ms)?.map_or(0, |f| f.count).saturating_add(1);
    let failures = Failures { count, last_ms: now_ms };
    stored::put_login_failures(store, username, &failures)
}

pub(crate) fn clear(store: &dyn Store, username: &str) -> Result<(), StoreError> {
    stored::clear_login_failures(store, username)
}

/// The usernames whose password is being checked right now. A second attempt for the
/// same username while one is in progress is refused, so a burst of parallel guesses
/// cannot all read the count before any of them records a failure.
#[derive(Debug, Default)]
pub struct LoginGate {
    busy: Mutex<BTreeSet<String>>,
}

/// Holds a username in the gate until dropped (also when the request is cancelled).
#[derive(Debug)]
pub(crate) struct GatePass<'a> {
    gate: &'a LoginGate,
    username: String,
}

impl LoginGate {
    pub(crate) fn enter(&self, username: &str) -> Result<GatePass<'_>, ApiError> {
        let mut busy = self.busy.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !busy.insert(username.to_string()) {
            return Err(ApiError::TooManyAttempts { retry_after_s: 1 });
        }
        Ok(GatePass { gate: self, username: username.to_string() })
    }
}

impl Drop for GatePass<'_> {
    fn drop(&mut self) {
        let mut busy = self.gate.busy.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        busy.remove(&self.username);
    }
}

#[cfg(test)]
mod tests {
    //! The waiting schedule.

    use super::wait_ms;

    #[test]
    fn waits_double_after_the_third_failure_up_to_fifteen_minutes() {
        let seconds: Vec<i64> = (0..=16).map(|n| wait_ms(n) / 1000).collect();
        assert_eq!(seconds, [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
        assert_eq!(wait_ms(u32::MAX), 15 * 60 * 1000);
    }
}
