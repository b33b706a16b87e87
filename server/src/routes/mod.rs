//! The API's routes, one module per resource; handlers are named `resource_verb`. The
//! router is built from one table, [`table`], which the OpenAPI test also reads, so a
//! route cannot be served without being documented.

pub(crate) mod accounts;
pub(crate) mod authorities;
pub(crate) mod campaigns;
pub(crate) mod consolidation;
pub(crate) mod criteria;
pub(crate) mod evidence;
pub(crate) mod health;
pub(crate) mod plans;
pub(crate) mod province_criteria;
pub(crate) mod registers;
pub(crate) mod reports;
pub(crate) mod sessions;
pub(crate) mod staff;
pub(crate) mod sync;
mod unique_keys;
pub(crate) mod units;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::handler::Handler;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::{ApiError, AppState};

/// The largest push body (1,000 operations with room to spare).
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verb {
    Get,
    Post,
    Put,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
        }
    }
}

/// One row of the route table: a method and a path under `/api/v1`, and what serves them.
struct Route {
    verb: Verb,
    path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H: Handler<T, AppState>, T: 'static>(verb: Verb, path: &'static str, handler: H) -> Route {
    Route { verb, path, handler: on(verb.filter(), handler) }
}

impl Route {
    /// A body limit of its own instead of the API's default.
    fn limit(self, bytes: usize) -> Route {
        Route { handler: self.handler.layer(DefaultBodyLimit::max(bytes)), ..self }
    }
}

/// Every route of the API. Each handler also carries a `#[utoipa::path]` with the same
/// method and path, listed in [`crate::openapi::ApiDoc`]; the OpenAPI test checks that
/// the document and this table name the same routes.
fn table(max_evidence_bytes: usize) -> Vec<Route> {
    use Verb::{Get, Post, Put};
    vec![
        route(Post, "/sync/push", sync::sync_push).limit(MAX_PUSH_BYTES),
        route(Get, "/sync/pull", sync::sync_pull),
        route(Get, "/records/{kind}/{id}", sync::records_show),
        route(Get, "/records/{kind}/{id}/history", sync::records_history),
        route(Post, "/records/origins", sync::records_origins),
        route(Get, "/evidence/{sha256}", evidence::evidence_get).limit(max_evidence_bytes + 1),
        route(Put, "/evidence/{sha256}", evidence::evidence_put).limit(max_evidence_bytes + 1),
        route(Get, "/consolidation/{unit}", consolidation::consolidation_show),
        route(Get, "/health", health::health_show),
        route(Get, "/criteria", criteria::criteria_list),
        route(Post, "/criteria/check", criteria::criteria_check),
        route(Get, "/criteria/{id}", criteria::criteria_show),
        route(Post, "/evaluations/score", criteria::evaluations_score),
        route(Get, "/indicators", plans::indicators_list),
        route(Get, "/plans", plans::plans_list),
        route(Get, "/plans/{id}", plans::plans_show),
        route(Get, "/reports/{unit}/{year}", reports::reports_show),
        route(Put, "/reports/{unit}/{year}/narrative", reports::reports_narrative_update),
        route(Post, "/reports/{unit}/{year}/submit", reports::reports_submit),
        route(Get, "/reports/{unit}/{year}/versions/{version}", reports::reports_version_show),
        route(Get, "/reports/{unit}/{year}/children", reports::reports_children_list),
        route(Get, "/reports/{unit}/{year}/decisions", reports::reports_decisions_list),
        route(Get, "/reports/{unit}/{year}/report.xlsx", reports::reports_xlsx),
        route(Get, "/reports/{unit}/{year}/report.csv", reports::reports_csv),
        route(Get, "/reports/{unit}/{year}/recognised.xlsx", reports::reports_recognised_xlsx),
        route(Get, "/reports/{unit}/{year}/recognised.csv", reports::reports_recognised_csv),
        route(Get, "/reports/{unit}/{year}/print", reports::reports_print),
        route(Get, "/reports/{unit}/{year}/decisions/print", reports::reports_decision_print),
        route(Get, "/reviews/{unit}", reports::reviews_show),
        route(Get, "/reviews/{unit}/review.xlsx", reports::reviews_xlsx),
        route(Get, "/reviews/{unit}/review.csv", reports::reviews_csv),
        route(Get, "/reviews/{unit}/print", reports::reviews_print),
        route(Get, "/units/{id}/plan", reports::unit_plan_show),
        route(Put, "/units/{id}/plan", reports::unit_plan_update),
        route(Post, "/units/{id}/plan/import", reports::unit_plan_import),
        route(Get, "/units/{id}/authorities", authorities::unit_authorities_show),
        route(Post, "/units/{id}/campaigns", campaigns::unit_campaigns_open),
        route(Get, "/units/{id}/campaigns", campaigns::unit_campaigns_list),
        route(Post, "/campaigns/{id}/close", campaigns::campaign_close),
        route(Get, "/campaigns/{id}/answers", campaigns::campaign_answers_list),
        route(Get, "/campaigns/{id}/photos/{sha256}", campaigns::campaign_photo_show),
        route(Post, "/campaigns/{id}/answers/{answer}/accept", campaigns::campaign_answer_accept),
        route(Post, "/campaigns/{id}/answers/{answer}/discard", campaigns::campaign_answer_discard),
        route(Get, "/c/{token}", campaigns::citizen_campaign_show),
        route(Put, "/c/{token}/photos/{sha256}", campaigns::citizen_photo_put)
            .limit(hoctap_shared::selfassess::MAX_PHOTO_BYTES + 1),
        route(Post, "/c/{token}/answers", campaigns::citizen_answer_send)
            .limit(hoctap_shared::selfassess::MAX_ANSWER_BYTES),
        route(Get, "/receipts/{receipt}", campaigns::receipt_show),
        route(Put, "/units/{id}/authorities", authorities::unit_authorities_update),
        route(Get, "/units/{id}/criteria", province_criteria::unit_criteria_list),
        route(Post, "/units/{id}/criteria", province_criteria::unit_criteria_publish)
            .limit(province_criteria::MAX_CRITERIA_BYTES),
        route(Get, "/units/{id}/criteria/{set}/source", province_criteria::unit_criteria_source),
        route(Get, "/units/{id}/criteria/{set}/template.xlsx", province_criteria::unit_criteria_template),
        route(Post, "/units/{id}/criteria/from-xlsx", province_criteria::unit_criteria_from_xlsx)
            .limit(province_criteria::MAX_CRITERIA_BYTES),
        route(Get, "/units/{id}/lineage", reports::unit_lineage_show),
        route(Get, "/units/{id}/lineage/overview", reports::unit_lineage_overview_show),
        route(Put, "/lineage/assignments", reports::lineage_assignments_update),
        route(Get, "/lineage/districts", reports::lineage_districts_list),
        route(Put, "/lineage/districts/{code}", reports::lineage_districts_update),
        route(Get, "/units/{id}", units::units_show),
        route(Post, "/units/{id}/close", units::units_close),
        route(Get, "/units/{id}/registers/template.xlsx", registers::registers_template),
        route(Get, "/units/{id}/registers.xlsx", registers::registers_export),
        route(Post, "/units/{id}/registers/import/preview", registers::registers_import_preview)
            .limit(hoctap_shared::import::MAX_FILE_BYTES),
        route(Post, "/units/{id}/registers/import", registers::registers_import)
            .limit(hoctap_shared::import::MAX_FILE_BYTES),
        route(Get, "/units/{id}/registers/import/{job}", registers::registers_import_show),
        route(Get, "/units/{id}/accounts", accounts::unit_accounts_list),
        route(Get, "/units/{id}/permissions", accounts::unit_permissions_show),
        route(Get, "/units/{id}/staff", staff::unit_staff_show),
        route(Post, "/auth/login", accounts::auth_login),
        route(Post, "/auth/logout", accounts::auth_logout),
        route(Get, "/auth/me", accounts::auth_me),
        route(Post, "/invitations", accounts::invitations_create),
        route(Get, "/invitations/{token}", accounts::invitations_show),
        route(Post, "/invitations/{token}/accept", accounts::invitations_accept),
        route(Post, "/invitations/{id}/resend", accounts::invitations_resend),
        route(Post, "/invitations/{id}/revoke", accounts::invitations_revoke),
        route(Get, "/accounts", accounts::accounts_list),
        route(Post, "/accounts/{id}/revoke", accounts::accounts_revoke),
        route(Post, "/accounts/{id}/restore", accounts::accounts_restore),
        route(Get, "/accounts/{id}/sessions", sessions::account_sessions_list),
        route(Post, "/sessions/{id}/revoke", sessions::sessions_revoke),
    ]
}

/// The API router (to be nested under [`crate::API_PREFIX`]). Routes that share a path
/// are merged by axum.
pub fn router(max_evidence_bytes: usize) -> Router<AppState> {
    table(max_evidence_bytes)
        .into_iter()
        .fold(Router::new(), |router, route| router.route(route.path, route.handler))
        .fallback(|| async { ApiError::NotFound { what: "đường dẫn API này".to_string() } })
}

/// Method and full path (`/api/v1/...`) of every route the router serves, sorted.
pub fn list() -> Vec<(&'static str, String)> {
    let mut routes: Vec<(&'static str, String)> = table(0)
        .into_iter()
        .map(|route| (route.verb.as_str(), format!("{}{}", crate::API_PREFIX, route.path)))
        .collect();
    routes.sort();
    routes
}

/// Decodes a JSON body, turning every failure into a clear 400 instead of axum's
/// plain-text rejection. A body that gives one key twice in an object, at any depth,
/// is refused before it is decoded (see [`unique_keys`]).
fn decode<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if let Some(key) = unique_keys::first_duplicate(body) {
        return Err(ApiError::BadRequest {
            detail: format!("khóa {key:?} xuất hiện hai lần trong cùng một đối tượng JSON"),
        });
    }
    serde_json::from_slice(body)
        .map_err(|err| ApiError::BadRequest { detail: format!("JSON không hợp lệ: {err}") })
}

/// The request body as bytes, with the size limit's rejection turned into the same JSON
/// error as every other (axum's own is plain text).
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<RawBody, ApiError> {
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(RawBody(bytes)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::BodyTooLarge)
            }
            Err(rejection) => Err(ApiError::BadRequest { detail: rejection.body_text() }),
        }
    }
}
