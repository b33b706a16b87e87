//! The hoctap server: an axum app over a [`store::Store`]. [`app`] builds the router
//! that both `main` and the tests use (tests call it without opening a port).

pub mod catalog;
pub mod cli;
pub mod error;
mod routes;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub use catalog::Catalog;
pub use error::ApiError;

/// The largest request body accepted by the API (criteria files and evaluations are
/// a few kilobytes; evidence uploads will get their own limit).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn store::Store>,
    pub catalog: Arc<Catalog>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// The whole application: the JSON API under `/api/v1` and, when `frontend` is given,
/// the built web app at `/` (unknown paths get `index.html`, so deep links work).
pub fn app(state: AppState, frontend: Option<PathBuf>) -> Router {
    let api = routes::router().layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let mut router = Router::new().nest("/api/v1", api.with_state(state));
    if let Some(dir) = frontend {
        let index = dir.join("index.html");
        router = router.fallback_service(
            ServeDir::new(dir).precompressed_br().precompressed_gzip().fallback(ServeFile::new(index)),
        );
    }
    router.layer(TraceLayer::new_for_http())
}
