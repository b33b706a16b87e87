//! Logging in with a username and a password, slowed after repeated failures.

use hoctap_shared::accounts::{check_username, LoginRequest, LoginResponse, MAX_PASSWORD_BYTES};

use super::{secret, session, throttle};
use crate::store::accounts as stored;
use crate::{ApiError, AppState};

/// Checks the password and starts a session. An unknown username and a wrong
/// password get the same answer after the same work; a disabled account is told so
/// only once its password matched, so a wrong guess learns nothing, and nothing is
/// stored for it.
pub(crate) async fn login(state: &AppState, request: LoginRequest) -> Result<LoginResponse, ApiError> {
    // People type usernames on phones that capitalise the first letter.
    let username = request.username.trim().to_lowercase();
    if !check_username(&username).is_empty() || request.password.len() > MAX_PASSWORD_BYTES {
        // Not a username that can exist: nothing to count, nothing to store.
        return Err(ApiError::WrongCredentials);
    }
    session::check_device(request.device.as_ref())?;
    let _pass = state.login_gate.enter(&username)?;
    let store = state.store.as_ref();
    throttle::check(store, &username, state.clock.now_ms())?;
    let record = stored::account_by_username(store, &username)?;
    let hash = record.as_ref().map(|record| record.password_hash.clone());
    let password = request.password;
    let matches = tokio::task::spawn_blocking(move || {
        secret::verify_password(&password, hash.as_deref().unwrap_or_else(|| secret::decoy_hash()))
    })
    .await
    .map_err(|err| ApiError::Crypto { detail: format!("verification task: {err}") })?;
    match record {
        Some(record) if matches && record.account.disabled => Err(ApiError::AccountDisabled),
        Some(record) if matches => {
            throttle::clear(store, &username)?;
            session::start(state, record.account, request.device)
        }
        _ => {
            throttle::record_failure(store, &username, state.clock.now_ms())?;
            Err(ApiError::WrongCredentials)
        }
    }
}
