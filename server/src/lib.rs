//! The hoctap server: an axum app over a [`store::Store`]. [`app`] builds the router
//! that both `main` and the tests use (tests call it without opening a port).

pub mod auth;
pub mod backup;
pub mod campaigns;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod criteria_sheet;
pub mod districts;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod figures;
pub mod generate;
pub mod hamlets;
pub mod hex;
pub mod hierarchy;
pub mod limits;
pub mod openapi;
pub mod registers;
mod rejections;
pub mod reports;
mod routes;
pub mod sample;
pub mod store;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use hoctap_shared::units::{self, OrgUnit};
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub use catalog::Catalog;
pub use error::ApiError;

/// Where the versioned JSON API lives.
pub const API_PREFIX: &str = "/api/v1";

/// Method and full path of every API route the router serves, sorted (what the OpenAPI
/// document must describe).
pub fn api_routes() -> Vec<(&'static str, String)> {
    routes::list()
}

/// The largest request body accepted by the API (criteria files and evaluations are
/// a few kilobytes; evidence uploads will get their own limit).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn store::Store>,
    pub catalog: Arc<Catalog>,
    pub clock: Arc<dyn clock::Clock>,
    /// Serialises appends to the operation log (see [`sync::push`]).
    pub log_lock: Arc<tokio::sync::Mutex<()>>,
    /// The last sequence number known to be on disk: pulls stop there (see
    /// [`sync::Durable`]).
    pub durable: Arc<sync::Durable>,
    pub config: Arc<config::Config>,
    /// Session and invitation lifetimes, and the address used in invitation links.
    pub auth: auth::AuthConfig,
    /// Usernames whose login is being checked at this moment.
    pub login_gate: Arc<auth::LoginGate>,
    /// Serialises the writes of session records.
    pub session_lock: Arc<auth::SessionLock>,
    /// Each part's figures counted so far (see [`figures`]).
    pub figures: Arc<figures::Cache>,
    /// The fingerprint of the catalogue's counting rules, kept with counted figures.
    pub rules: Arc<str>,
    /// Register imports running or finished lately (see [`registers`]).
    pub imports: Arc<registers::Jobs>,
    /// Bumped whenever a province publishes a criteria set.
    pub criteria_generation: Arc<store::criteria::Generation>,
    /// The shipped sets with every province's published ones, as last read.
    pub criteria_cache: Arc<catalog::SetsCache>,
    /// Held while a publication is checked and stored, so two provinces cannot take one
    /// id, nor one province store a lower version after a higher, at the same moment.
    pub criteria_publishing: Arc<std::sync::Mutex<()>>,
    /// Rate limits of citizens' requests (see [`limits`]).
    pub citizen_limits: Arc<limits::CitizenLimits>,
    /// Held while a campaign's answer is taken, discarded or marked accepted, and while a
    /// campaign is closed, so its count, its receipts and an answer's state change one at
    /// a time (an accept's push runs after, under the log lock).
    pub campaign_lock: Arc<tokio::sync::Mutex<()>>,
}

impl AppState {
    /// State over `store` with the shipped catalogue's copy and the system clock.
    pub fn new(store: Arc<dyn store::Store>, catalog: Arc<Catalog>) -> AppState {
        let rules = figures::rules_fingerprint(&catalog).into();
        AppState {
            store,
            catalog,
            clock: Arc::new(clock::SystemClock),
            log_lock: Arc::default(),
            durable: Arc::default(),
            config: Arc::default(),
            auth: auth::AuthConfig::default(),
            login_gate: Arc::default(),
            session_lock: Arc::default(),
            figures: Arc::default(),
            rules,
            imports: Arc::default(),
            criteria_generation: Arc::default(),
            criteria_cache: Arc::default(),
            criteria_publishing: Arc::default(),
            citizen_limits: Arc::default(),
            campaign_lock: Arc::default(),
        }
    }

    /// Every criteria set an evaluation may name, every version: the shipped ones and
    /// those provinces published (ids are unique across provinces, so one list serves
    /// every unit). Read again from the store after a publication.
    pub fn criteria(&self) -> Result<Arc<Vec<hoctap_shared::criteria::CriteriaSet>>, store::StoreError> {
        Ok(self.published_criteria()?.0)
    }

    /// The province that published set `id`; `None` for a shipped set (or none).
    pub fn criteria_province(&self, id: &str) -> Result<Option<String>, store::StoreError> {
        Ok(self.published_criteria()?.1.get(id).cloned())
    }

    fn published_criteria(&self) -> Result<catalog::Published, store::StoreError> {
        let generation = self.criteria_generation.current();
        if let Some(published) = self.criteria_cache.get(generation) {
            return Ok(published);
        }
        let mut sets = self.catalog.criteria.clone();
        let mut owners = std::collections::BTreeMap::new();
        for (province, id, version, entry) in store::criteria::every_province(self.store.as_ref())? {
            // Every stored file loaded when it was published.
            match hoctap_shared::criteria::parse(&entry.toml).set {
                Some(set) if !sets.iter().any(|s| s.id == set.id && s.version == set.version) => {
                    owners.insert(set.id.clone(), province);
                    sets.push(set);
                }
                Some(_) => {}
                None => tracing::warn!(%province, %id, %version, "a published criteria set no longer loads"),
            }
        }
        Ok(self.criteria_cache.keep(generation, sets, owners))
    }

    /// A unit: provinces and communes from the shipped hierarchy, hamlets and other
    /// units registered at run time from `units` (JSON `OrgUnit`). `None` when unknown.
    pub fn unit(&self, id: &str) -> Result<Option<OrgUnit>, store::StoreError> {
        if let Some(known) = self.catalog.units.get(id) {
            return Ok(Some(known.clone()));
        }
        self.stored_unit(id)
    }

    /// A unit registered at run time (hamlets, districts: [`store::units`]).
    fn stored_unit(&self, id: &str) -> Result<Option<OrgUnit>, store::StoreError> {
        store::units::get(self.store.as_ref(), id)
    }

    /// The parent of a unit: provinces and communes come from the shipped hierarchy,
    /// except an old commune registered in a district ([`districts`]); hamlets and
    /// other units registered at run time are stored ([`store::units`]).
    /// `None` at the top or for an unknown unit.
    pub fn parent_of(&self, unit: &str) -> Result<Option<String>, store::StoreError> {
        if let Some(known) = self.catalog.units.get(unit) {
            // An old commune an administrator placed in a district counts under it.
            if known.kind == units::UnitKind::Commune && known.valid_to.is_some() {
                if let Some(district) = districts::district_of(self, unit)? {
                    return Ok(Some(district));
                }
            }
            return Ok(known.parent.clone());
        }
        Ok(self.stored_unit(unit)?.and_then(|u| u.parent))
    }

    /// Whether `account` may take `action` on `unit`: its role allows the action and the
    /// unit is the account's own or lies under it.
    pub fn account_may(
        &self,
        account: &hoctap_shared::accounts::Account,
        action: hoctap_shared::accounts::Action,
        unit: &str,
    ) -> Result<bool, store::StoreError> {
        Ok(account.role.allows(action) && self.unit_covers(&account.unit, unit)?)
    }

    /// Whether `ancestor` is `unit` itself or lies above it. An old unit (before 1 July
    /// 2025) also lies under the units it went into, so a commune of today reaches the
    /// history of the communes it was formed from.
    pub fn unit_covers(&self, ancestor: &str, unit: &str) -> Result<bool, store::StoreError> {
        self.covers_within(ancestor, unit, 2)
    }

    /// Whether `ancestor` is `unit` itself or lies above it as recorded (not through
    /// the lineage of the reform).
    pub fn unit_contains(&self, ancestor: &str, unit: &str) -> Result<bool, store::StoreError> {
        self.covers_within(ancestor, unit, 0)
    }

    fn covers_within(&self, ancestor: &str, unit: &str, lineage_hops: u8) -> Result<bool, store::StoreError> {
        if unit == ancestor {
            return Ok(true);
        }
        for id in hierarchy::ancestors(self, unit)? {
            if id == ancestor {
                return Ok(true);
            }
            if lineage_hops > 0 && self.catalog.units.get(&id).is_some_and(|u| u.valid_to.is_some()) {
                for (successor, _) in self.catalog.units.successors_of(&id) {
                    if self.covers_within(ancestor, &successor.id, lineage_hops - 1)? {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// Runs blocking work (the store's reads, writes and flushes) on tokio's blocking pool,
/// so the runtime's worker threads — two on a 2-core server — keep serving other
/// requests. A panic inside `work` is resumed in the caller, as if it had run inline.
pub(crate) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(error) => match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // Cancelled only when the runtime shuts down, with no caller left to answer.
            Err(error) => std::panic::resume_unwind(Box::new(error.to_string())),
        },
    }
}

/// The whole application: the JSON API under `/api/v1`, its OpenAPI document at
/// `/api/openapi.json` and, when `frontend` is given,
/// the built web app at `/` (unknown paths get `index.html`, so deep links work; `/c/…`,
/// a campaign's link, gets the citizen's page `citizen.html`).
///
/// The web app's files are sent precompressed: for `x`, a browser that accepts brotli
/// or gzip gets the build's `x.br` or `x.gz` sibling (scripts/build-frontend.sh writes
/// them) with `x`'s `Content-Type`, `Content-Encoding` and `Vary: Accept-Encoding`;
/// others, or a file with no sibling, get `x` itself. Nothing is compressed per request.
pub fn app(state: AppState, frontend: Option<PathBuf>) -> Router {
    // A gzip'd request body is inflated before any extractor reads it, so the body
    // limits count inflated bytes (a small bomb is refused as too large); another
    // encoding is refused with 415, made JSON like every other rejection.
    let api = routes::router(state.config.max_evidence_bytes)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestDecompressionLayer::new().gzip(true).no_br().no_deflate().no_zstd())
        .layer(axum::middleware::map_response(rejections::json_rejections));
    let mut router = Router::new()
        .route("/api/openapi.json", axum::routing::get(openapi::openapi_json))
        .nest(API_PREFIX, api.with_state(state));
    if let Some(dir) = frontend {
        let index = ServeFile::new(dir.join("index.html")).precompressed_br().precompressed_gzip();
        // A campaign's link, `/c/<token>` (issue 18), opens the citizen's page, never the
        // officers' app; `/c/sw.js` is its service worker (scope `/c/`).
        let citizen = ServeFile::new(dir.join("citizen.html")).precompressed_br().precompressed_gzip();
        router = router
            .nest_service("/c", ServeDir::new(dir.join("c")).precompressed_br().precompressed_gzip().fallback(citizen));
        router = router.fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip().fallback(index));
    }
    router
        .layer(axum::middleware::from_fn(shell_cache_control))
        .layer(CompressionLayer::new().gzip(true).no_br().no_deflate().no_zstd().compress_when(compressible()))
        .layer(TraceLayer::new_for_http())
}

/// What is gzip'd per request: answers over 1 KiB that are not compressed already —
/// the API's JSON, CSV and the OpenAPI document. The app's files come precompressed
/// (their `Content-Encoding` is set, so they are left alone), and images, PDFs and
/// the zip-based office documents would not shrink.
fn compressible() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate, SizeAbove};
    DefaultPredicate::new()
        .and(SizeAbove::new(1024))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/vnd.openxmlformats"))
        .and(NotForContentType::const_new("application/vnd.oasis"))
}

/// The app shell (pages, `sw.js`, the manifest) must be revalidated on every load so a
/// new version is seen; the service worker decides when it takes over. API responses
/// are never cached by the browser.
async fn shell_cache_control(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let shell = path == "/sw.js"
        || path == "/c/sw.js"
        || path.ends_with(".html")
        || path.ends_with(".webmanifest")
        || !path.rsplit('/').next().unwrap_or_default().contains('.');
    if shell || path.starts_with("/api/") {
        response
            .headers_mut()
            .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-cache"));
    }
    response
}
