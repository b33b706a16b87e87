//! The OpenAPI document at `/api/openapi.json` is kept true: it names exactly the routes
//! the router serves, every operation documents its errors with the one error schema,
//! wire fixtures and real responses validate against the schemas it declares, and
//! `docs/openapi.json` is its copy.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hoctap_server::store::SledStore;
use hoctap_server::{app, AppState, Catalog};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::golden::{assert_golden, data, read};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Operations that no client error can reach: they take no input beyond their path,
/// and only a failing store (500) or nothing at all can make them fail.
const NO_CLIENT_ERRORS: [(&str, &str); 4] =
    [("GET", "/api/v1/criteria"), ("GET", "/api/v1/health"), ("GET", "/api/v1/indicators"), ("GET", "/api/v1/plans")];

fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::load_shipped().expect("shipped catalogue loads"))).clone()
}

/// Status, content type and body text of one request through `app()`.
async fn call(method: &str, uri: &str, body: impl Into<Body>) -> (StatusCode, String, String) {
    let store = Arc::new(SledStore::temporary().expect("temporary store"));
    let router = app(AppState::new(store, catalog()), None);
    let request = Request::builder().method(method).uri(uri).body(body.into()).expect("request");
    let response = router.oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, content_type, String::from_utf8_lossy(&bytes).into_owned())
}

/// The served document, as text and parsed.
async fn served() -> (String, Value) {
    let (status, content_type, text) = call("GET", "/api/openapi.json", Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(content_type.starts_with("application/json"), "content type {content_type:?}");
    let document = serde_json::from_str(&text).unwrap_or_else(|err| panic!("the document is not JSON: {err}"));
    (text, document)
}

/// Every operation of the document: method (upper case), path, operation object.
fn operations(document: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method.to_uppercase(), path.clone(), operation));
            }
        }
    }
    found
}

/// A validator for `schema`, a schema taken from the document (it may `$ref` the
/// document's components, which are carried along as `$defs`).
fn validator(document: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = schema.clone();
    root["$defs"] = document["components"]["schemas"].clone();
    let text = root.to_string().replace("#/components/schemas/", "#/$defs/");
    let root: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|err| panic!("not a valid JSON schema: {err}\n{schema}"))
}

/// The errors of validating `instance` against `schema`, as text (empty when valid).
fn problems(document: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    validator(document, schema).iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[track_caller]
fn assert_valid(what: &str, document: &Value, schema: &Value, instance: &Value) {
    let found = problems(document, schema, instance);
    assert!(found.is_empty(), "{what} does not match its schema {schema}:\n{}", found.join("\n"));
}

#[track_caller]
fn assert_invalid(what: &str, document: &Value, schema: &Value, instance: &Value) {
    assert!(!problems(document, schema, instance).is_empty(), "{what} should not match {schema}");
}

fn component(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The JSON schema the document declares for a request body.
fn request_schema(document: &Value, method: &str, path: &str) -> Value {
    let operation = &document["paths"][path][method.to_lowercase()];
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {path} declares no JSON request body");
    schema.clone()
}

/// Calls the API and checks the answer against the schema the document declares for
/// that operation and status.
async fn check_response(document: &Value, method: &str, template: &str, uri: &str, body: &str) -> (StatusCode, Value) {
    let (status, content_type, text) = call(method, uri, body.to_string()).await;
    let operation = &document["paths"][template][method.to_lowercase()];
    assert!(operation.is_object(), "{method} {template} is not documented");
    let response = &operation["responses"][status.as_str()];
    assert!(response.is_object(), "{method} {uri} answered {status}, which the document does not list:\n{text}");
    assert!(content_type.starts_with("application/json"), "{method} {uri}: content type {content_type:?}");
    let schema = &response["content"]["application/json"]["schema"];
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{uri}: not JSON: {text}"));
    assert_valid(&format!("{method} {uri} ({status})"), document, schema, &value);
    (status, value)
}

#[tokio::test]
async fn document_is_openapi_3_and_names_exactly_the_served_routes() {
    let (_, document) = served().await;
    let version = document["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3."), "not OpenAPI 3: {version:?}");
    assert!(document["info"]["title"].is_string() && document["info"]["version"].is_string());

    let documented: BTreeSet<(String, String)> = operations(&document).into_iter().map(|(m, p, _)| (m, p)).collect();
    let served: BTreeSet<(String, String)> =
        hoctap_server::api_routes().into_iter().map(|(m, p)| (m.to_string(), p)).collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let not_served: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && not_served.is_empty(),
        "served but not documented (add #[utoipa::path] and list it in ApiDoc): {undocumented:?}\n\
         documented but not served: {not_served:?}"
    );
}

#[tokio::test]
async fn document_matches_its_copy_in_docs() {
    let (text, _) = served().await;
    assert_golden("../../docs/openapi.json", &text);
}

#[tokio::test]
async fn every_operation_documents_its_errors_and_parameters() {
    let (_, document) = served().await;
    let error_schema = component("ErrorBody");
    let mut wrong = Vec::new();
    for (method, path, operation) in operations(&document) {
        let name = format!("{method} {path}");
        for key in ["operationId", "summary"] {
            if !operation[key].is_string() {
                wrong.push(format!("{name}: no {key}"));
            }
        }
        if operation["tags"].as_array().is_none_or(Vec::is_empty) {
            wrong.push(format!("{name}: no tag"));
        }
        let responses = operation["responses"].as_object().cloned().unwrap_or_default();
        if !responses.keys().any(|status| status.starts_with('2')) {
            wrong.push(format!("{name}: no success response"));
        }
        for (status, response) in &responses {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &response["content"]["application/json"]["schema"];
                if *schema != error_schema {
                    wrong.push(format!("{name}: {status} is not the JSON error body but {schema}"));
                }
            }
        }
        let client_errors = responses.keys().any(|status| status.starts_with('4'));
        let exempt = NO_CLIENT_ERRORS.iter().any(|(m, p)| *m == method && *p == path);
        if client_errors == exempt {
            wrong.push(if exempt {
                format!("{name} is listed in NO_CLIENT_ERRORS but documents a 4xx")
            } else {
                format!("{name} documents no 4xx error")
            });
        }
        let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
        if secured != responses.contains_key("401") && !path.ends_with("/auth/login") {
            wrong.push(format!("{name}: bearer security and a 401 response must go together"));
        }
        let declared: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .filter_map(|p| p["name"].as_str())
            .collect();
        let in_path: BTreeSet<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        if declared != in_path {
            wrong.push(format!("{name}: path parameters {declared:?}, path has {in_path:?}"));
        }
    }
    for (method, path) in NO_CLIENT_ERRORS {
        if document["paths"][path][method.to_lowercase()].is_null() {
            wrong.push(format!("NO_CLIENT_ERRORS names {method} {path}, which is not documented"));
        }
    }
    let schemes = &document["components"]["securitySchemes"]["bearer"];
    if schemes["type"] != "http" || schemes["scheme"] != "bearer" {
        wrong.push(format!("no bearer security scheme: {schemes}"));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn wire_fixtures_validate_against_the_schemas() {
    let (_, document) = served().await;
    let fixture = |name: &str| -> Value {
        serde_json::from_str(&read(&data(&format!("wire/v1/{name}")))).unwrap_or_else(|err| panic!("{name}: {err}"))
    };
    let push = fixture("push-request.json");
    let push_schema = request_schema(&document, "POST", "/api/v1/sync/push");
    assert_valid("push-request.json", &document, &push_schema, &push);
    assert_valid("pull-response.json", &document, &component("PullResponse"), &fixture("pull-response.json"));
    assert_valid("push-response.json", &document, &component("PushResponse"), &fixture("push-response.json"));
    let v2: Value = serde_json::from_str(&read(&data("wire/v2/push-response.json"))).expect("v2/push-response.json");
    assert_valid("v2/push-response.json", &document, &component("PushCounted"), &v2);
    // The push's answer is either, as its `ack` asked.
    let answer = document["paths"]["/api/v1/sync/push"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"]
        .clone();
    assert_valid("push-response.json as the push's answer", &document, &answer, &fixture("push-response.json"));
    assert_valid("v2/push-response.json as the push's answer", &document, &answer, &v2);
    for transition in fixture("transitions.json").as_array().into_iter().flatten() {
        assert_valid("a transition of transitions.json", &document, &component("Transition"), transition);
    }

    // The schemas are not vacuous: what the server would refuse, they refuse too.
    let mut changed = push.clone();
    changed["ops"][0]["body"] = json!({ "type": "set_score", "indicator": "2.1", "answer": "8.5", "base": [] });
    assert_invalid("a score given as a string", &document, &push_schema, &changed);
    changed["ops"][0]["body"] =
        json!({ "type": "set_score", "indicator": "2.1", "answer": { "numerator": 3 }, "base": [] });
    assert_invalid("a share without its denominator", &document, &push_schema, &changed);
    changed["ops"][0]["body"] = json!({ "type": "rename_everything" });
    assert_invalid("an unknown operation type", &document, &push_schema, &changed);
    changed["ops"][0]["body"] = json!({ "type": "transition", "transition": { "action": "recognise",
        "decision": { "number": "15/QĐ-UBND", "date": "20/11/2026", "authority": "UBND" } } });
    assert_invalid("a decision dated dd/mm/yyyy", &document, &push_schema, &changed);
    let mut changed = push;
    changed.as_object_mut().map(|o| o.remove("protocol"));
    assert_invalid("a push without its protocol", &document, &push_schema, &changed);
}

#[tokio::test]
async fn responses_validate_against_the_schemas_their_operations_declare() {
    let (_, document) = served().await;
    let doc = &document;
    check_response(doc, "GET", "/api/v1/health", "/api/v1/health", "").await;
    let (_, sets) = check_response(doc, "GET", "/api/v1/criteria", "/api/v1/criteria", "").await;
    // Every shipped set: points, levels, shares, bands and area pass marks all appear.
    for id in sets.as_array().into_iter().flatten().filter_map(|s| s["id"].as_str()) {
        check_response(doc, "GET", "/api/v1/criteria/{id}", &format!("/api/v1/criteria/{id}"), "").await;
    }
    let (status, body) = check_response(doc, "GET", "/api/v1/criteria/{id}", "/api/v1/criteria/khong-co", "").await;
    assert_eq!((status, &body["error"]["code"]), (StatusCode::NOT_FOUND, &json!("unknown_criteria_set")));
    check_response(doc, "GET", "/api/v1/indicators", "/api/v1/indicators", "").await;
    check_response(doc, "GET", "/api/v1/plans", "/api/v1/plans", "").await;
    check_response(doc, "GET", "/api/v1/units/{id}", "/api/v1/units/province:01:2025", "").await;

    let evaluation = r#"{"set":"cdht-324-2023","context":{"subject_group":"nguoi_dan"},"scores":{"1.1":8,"1.2":8,"1.3":8,"1.4":8,"2.1":8,"2.2":8,"2.3":8,"2.4":8,"3.1":8,"3.2":8}}"#;
    let score = "/api/v1/evaluations/score";
    let evaluation_schema = request_schema(doc, "POST", score);
    assert_valid("an evaluation", doc, &evaluation_schema, &serde_json::from_str(evaluation).expect("JSON"));
    let (status, _) = check_response(doc, "POST", score, score, evaluation).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) =
        check_response(doc, "POST", score, score, r#"{"set":"cdht-244-2022","scores":{"1.1":-1}}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    check_response(doc, "POST", score, score, "{\"set\": 12").await;

    let many_problems = read(&data("criteria/many-problems.toml"));
    let check = "/api/v1/criteria/check";
    let (_, body) = check_response(doc, "POST", check, check, &many_problems).await;
    assert_eq!(body["valid"], false);

    let login = "/api/v1/auth/login";
    let (status, _) =
        check_response(doc, "POST", login, login, r#"{"username":"khong-co","password":"sai mat khau"}"#).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = check_response(doc, "GET", "/api/v1/auth/me", "/api/v1/auth/me", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
