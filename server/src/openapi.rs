//! The OpenAPI 3 document of the whole API, generated from the handlers'
//! `#[utoipa::path]` attributes and the wire types' `ToSchema` derives (never written by
//! hand), served at `/api/openapi.json`. The `openapi` test checks it against the route
//! table and the wire fixtures, and keeps a copy in `docs/openapi.json`.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use hoctap_shared::diagnostic::Diagnostic;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    accounts, authorities, campaigns, consolidation, criteria, evidence, health, plans, province_criteria, registers,
    reports, sessions, staff, sync, units,
};

// Mirrors the private body that `ApiError::into_response` builds in `crate::error`. The
// `openapi` test checks real error responses against this schema, and `deny_unknown_fields`
// makes it refuse a field the mirror lacks.

/// The body of every error response: a stable code, a message in Vietnamese and in
/// English, and for some codes the details a form needs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// Stable and meant for programs: `not_found`, `forbidden`, `score_out_of_range` …
    #[schema(examples("not_found", "forbidden"))]
    code: String,
    /// For the officer, in Vietnamese.
    message: String,
    /// The same in English.
    message_en: String,
    /// Every problem found in a criteria file or data (`invalid_criteria_set`,
    /// `invalid_data`); absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    diagnostics: Vec<Diagnostic>,
    /// The codes of refused credentials (`password_too_short` …), so a form can mark
    /// each field (`credentials_refused`); absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<String>,
}

/// The name of the security scheme that `security(("bearer" = []))` refers to.
const BEARER: &str = "bearer";

/// Adds the bearer scheme: a session token from `POST /auth/login`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A session token from `POST /api/v1/auth/login` or an accepted invitation, sent as \
                         `Authorization: Bearer <token>`. It stops working when it expires or is revoked.",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "hoctap API",
        description = "The JSON API of hoctap: reference data (criteria sets, ratios, plans, units), scoring, \
                       accounts and invitations, offline sync (push and pull of operations), evidence files and \
                       consolidated figures. Every error is JSON with a stable `code`, a Vietnamese `message` and \
                       an English `message_en`. The sync protocol is described in `docs/api.md`."
    ),
    paths(
        sync::sync_push,
        sync::sync_pull,
        sync::records_show,
        sync::records_history,
        sync::records_origins,
        evidence::evidence_get,
        evidence::evidence_put,
        consolidation::consolidation_show,
        health::health_show,
        criteria::criteria_list,
        criteria::criteria_check,
        criteria::criteria_show,
        criteria::evaluations_score,
        plans::indicators_list,
        plans::plans_list,
        plans::plans_show,
        reports::reports_show,
        reports::reports_narrative_update,
        reports::reports_submit,
        reports::reports_version_show,
        reports::reports_children_list,
        reports::reports_decisions_list,
        reports::reports_xlsx,
        reports::reports_csv,
        reports::reports_recognised_xlsx,
        reports::reports_recognised_csv,
        reports::reports_print,
        reports::reports_decision_print,
        reports::reviews_show,
        reports::reviews_xlsx,
        reports::reviews_csv,
        reports::reviews_print,
        reports::unit_plan_show,
        reports::unit_plan_update,
        reports::unit_plan_import,
        authorities::unit_authorities_show,
        campaigns::unit_campaigns_open,
        campaigns::unit_campaigns_list,
        campaigns::campaign_close,
        campaigns::campaign_answers_list,
        campaigns::campaign_photo_show,
        campaigns::campaign_answer_accept,
        campaigns::campaign_answer_discard,
        campaigns::citizen_campaign_show,
        campaigns::citizen_photo_put,
        campaigns::citizen_answer_send,
        campaigns::receipt_show,
        authorities::unit_authorities_update,
        province_criteria::unit_criteria_list,
        province_criteria::unit_criteria_source,
        province_criteria::unit_criteria_publish,
        province_criteria::unit_criteria_template,
        province_criteria::unit_criteria_from_xlsx,
        reports::unit_lineage_show,
        reports::unit_lineage_overview_show,
        reports::lineage_assignments_update,
        reports::lineage_districts_list,
        reports::lineage_districts_update,
        units::units_show,
        units::units_close,
        registers::registers_template,
        registers::registers_export,
        registers::registers_import_preview,
        registers::registers_import,
        registers::registers_import_show,
        accounts::unit_accounts_list,
        accounts::unit_permissions_show,
        staff::unit_staff_show,
        accounts::auth_login,
        accounts::auth_logout,
        accounts::auth_me,
        accounts::invitations_create,
        accounts::invitations_show,
        accounts::invitations_accept,
        accounts::invitations_resend,
        accounts::invitations_revoke,
        accounts::accounts_list,
        accounts::accounts_revoke,
        accounts::accounts_restore,
        sessions::account_sessions_list,
        sessions::sessions_revoke,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "sync", description = "Push and pull of operations; a record's current view"),
        (name = "evidence", description = "Evidence files (minh chứng), addressed by SHA-256"),
        (name = "consolidation", description = "Ratios and results rolled up the unit hierarchy"),
        (name = "criteria", description = "Criteria sets (bộ tiêu chí)"),
        (name = "scoring", description = "Scoring an evaluation against a set"),
        (name = "plans", description = "Plans, their targets, and the ratio definitions they refer to"),
        (name = "reports", description = "Annual reports, their frozen versions and exports, the five-year review"),
        (name = "units", description = "The administrative hierarchy"),
        (name = "registers", description = "A commune's households and people as spreadsheets: template, import with preview and progress, export"),
        (name = "auth", description = "Logging in and out"),
        (name = "invitations", description = "Inviting officers, sending invitations again or revoking them, and accepting them"),
        (name = "accounts", description = "Accounts, their sessions, staff pages, and what they may do"),
        (name = "health", description = "Liveness"),
    )
)]
pub struct ApiDoc;

/// The document, pretty-printed once.
pub fn document_json() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        // Serialising plain data structures cannot fail; an empty document would show it.
        let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
        text.push('\n');
        text
    })
}

/// `GET /api/openapi.json` (public, outside `/api/v1`).
pub async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document_json())
}
