//! Browser tests of `api.rs` in headless Chromium (wasm-bindgen-test): a push's body is
//! compressed by the browser's own `CompressionStream`, which native tests cannot reach,
//! so it is checked here by decompressing it again with `DecompressionStream`, as the
//! server's gzip decoder would.
#![cfg(target_arch = "wasm32")]

use hoctap_frontend::api::{self, COMPRESS_ABOVE};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{
    FieldEdit, OpBody, Operation, PushRequest, RecordId, RecordKind, MAX_OPS_PER_PUSH, PROTOCOL_VERSION,
};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Panics with the browser's words; tests only.
#[track_caller]
fn ok<T, E: std::fmt::Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(err) => panic!("{what}: {err:?}"),
    }
}

/// `bytes` decompressed by the browser's `DecompressionStream("gzip")`.
async fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let global = js_sys::global();
    let constructor = ok(Reflect::get(&global, &JsValue::from_str("DecompressionStream")), "DecompressionStream");
    let constructor: js_sys::Function = ok(constructor.dyn_into(), "a constructor");
    let stream = ok(Reflect::construct(&constructor, &Array::of1(&JsValue::from_str("gzip"))), "new");
    let source = ok(web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes))), "blob");
    let plain = source.stream().pipe_through(stream.unchecked_ref());
    let response = ok(web_sys::Response::new_with_opt_readable_stream(Some(&plain)), "response");
    let buffer = ok(JsFuture::from(ok(response.array_buffer(), "read")).await, "decompress");
    Uint8Array::new(&buffer).to_vec()
}

/// A full push of a commune officer's evaluation scores, as `sync::round` sends it.
fn full_push() -> PushRequest {
    let device = "0193b4c2-7f1e-7a10-9c55-3f2d1e0a4b61";
    let ops = (0..MAX_OPS_PER_PUSH)
        .map(|i| Operation {
            id: format!("0193b4c2-8001-7000-8000-{i:012}"),
            device: device.to_string(),
            hlc: Hlc { wall_ms: 1_795_420_801_000 + i as i64, counter: 0, device: device.to_string() },
            record: RecordId { kind: RecordKind::Evaluation, id: format!("ev-{}", i / 12) },
            unit: "hamlet:0193a8e2-0000-7000-8000-000000000001".to_string(),
            body: OpBody::SetFields {
                fields: vec![FieldEdit {
                    field: format!("score:{}.{}", i % 12 / 4 + 1, i % 4 + 1),
                    value: serde_json::json!(i % 10),
                    base: vec![],
                }],
            },
        })
        .collect();
    PushRequest { protocol: PROTOCOL_VERSION, device: device.to_string(), ops }
}

#[wasm_bindgen_test]
async fn a_push_body_compresses_to_gzip_that_decompresses_to_the_same_json() {
    let json = ok(serde_json::to_string(&full_push()), "json");
    assert!(json.len() > COMPRESS_ABOVE);
    let gzipped = api::gzip(json.as_bytes()).await.unwrap_or_else(|| panic!("Chromium has CompressionStream"));
    assert_eq!(gzipped[..3], [0x1f, 0x8b, 0x08], "a gzip member (deflate)");
    assert!(gzipped.len() * 5 < json.len(), "{} bytes of JSON gzipped to {}", json.len(), gzipped.len());
    let back = gunzip(&gzipped).await;
    assert!(back == json.as_bytes(), "decompressed {} bytes, sent {}", back.len(), json.len());
}

#[wasm_bindgen_test]
async fn empty_and_unicode_bodies_round_trip() {
    for text in ["", "{\"ghi_chú\":\"Gia đình học tập — đạt\"}"] {
        let gzipped = api::gzip(text.as_bytes()).await.unwrap_or_else(|| panic!("Chromium has CompressionStream"));
        assert_eq!(gunzip(&gzipped).await, text.as_bytes());
    }
}
