//! Browser tests of `media.rs` in headless Chromium (wasm-bindgen-test): evidence files
//! go through the real decoder, canvas, JPEG encoder and SubtleCrypto, since those are
//! what the native tests cannot reach. Test images are drawn on a canvas here and
//! exported the way a camera or a file picker would hand them over.
#![cfg(target_arch = "wasm32")]

use hoctap_frontend::media::{self, fit_within, sniff, MediaError, MediaKind, Prepared, MAX_EVIDENCE_BYTES, MAX_SIDE};
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap};

wasm_bindgen_test_configure!(run_in_browser);

/// Panics with the browser's words; tests only.
#[track_caller]
fn ok<T, E: std::fmt::Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(err) => panic!("{what}: {err:?}"),
    }
}

#[track_caller]
fn some<T>(option: Option<T>, what: &str) -> T {
    match option {
        Some(value) => value,
        None => panic!("{what}: none"),
    }
}

/// A `width` × `height` canvas with a gradient, shapes and text, so that encoders have
/// something to compress and a wrong scale would show.
fn picture(width: u32, height: u32) -> HtmlCanvasElement {
    let document = some(web_sys::window().and_then(|w| w.document()), "document");
    let canvas: HtmlCanvasElement = ok(ok(document.create_element("canvas"), "canvas").dyn_into(), "canvas type");
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d =
        ok(some(ok(canvas.get_context("2d"), "context"), "2d context").dyn_into(), "context type");
    let (w, h) = (f64::from(width), f64::from(height));
    // Bands of colour across the picture, so it is neither flat nor noise.
    for band in 0..24 {
        context.set_fill_style_str(&format!("hsl({}, 70%, 50%)", band * 15));
        context.fill_rect(w * f64::from(band) / 24.0, 0.0, w / 24.0 + 1.0, h);
    }
    context.set_fill_style_str("#ffffff");
    context.fill_rect(w * 0.1, h * 0.1, w * 0.3, h * 0.2);
    context.set_fill_style_str("#111111");
    context.set_font(&format!("{}px sans-serif", (h / 10.0).max(8.0)));
    ok(context.fill_text("Biên bản họp thôn", w * 0.1, h * 0.6), "text");
    canvas
}

/// The canvas exported as `media_type` (`canvas.toBlob`).
async fn export(canvas: &HtmlCanvasElement, media_type: &str, quality: f64) -> Blob {
    let promise = Promise::new(&mut |resolve, reject| {
        if let Err(err) = canvas.to_blob_with_type_and_encoder_options(&resolve, media_type, &quality.into()) {
            let _ = reject.call1(&JsValue::NULL, &err);
        }
    });
    ok(ok(JsFuture::from(promise).await, "toBlob").dyn_into::<Blob>(), "toBlob gave no blob")
}

fn file_of_blob(blob: &Blob, name: &str) -> File {
    ok(File::new_with_blob_sequence(&Array::of1(blob), name), "new File")
}

fn file_of_bytes(bytes: &[u8], name: &str) -> File {
    ok(File::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)), name), "new File")
}

async fn bytes_of(blob: &Blob) -> Vec<u8> {
    Uint8Array::new(&ok(JsFuture::from(blob.array_buffer()).await, "arrayBuffer")).to_vec()
}

/// The pixel size the browser decodes `bytes` to.
async fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let window = some(web_sys::window(), "window");
    let blob = ok(Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes))), "blob");
    let promise = ok(window.create_image_bitmap_with_blob(&blob), "createImageBitmap");
    let bitmap: ImageBitmap = ok(ok(JsFuture::from(promise).await, "decode").dyn_into(), "bitmap");
    let size = (bitmap.width(), bitmap.height());
    bitmap.close();
    size
}

/// SHA-256 computed here, straight from SubtleCrypto, to check `prepare` against.
async fn digest(bytes: &[u8]) -> String {
    let crypto = ok(some(web_sys::window(), "window").crypto(), "crypto");
    let promise = ok(crypto.subtle().digest_with_str_and_u8_array("SHA-256", bytes), "digest");
    let digest = Uint8Array::new(&ok(JsFuture::from(promise).await, "digest")).to_vec();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

async fn prepared(file: File) -> Prepared {
    ok(media::prepare(file).await, "prepare")
}

#[track_caller]
fn assert_lowercase_hex_sha256(sha256: &str) {
    assert_eq!(sha256.len(), 64, "{sha256}");
    assert!(sha256.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{sha256}");
}

#[wasm_bindgen_test]
async fn a_large_png_becomes_a_jpeg_within_the_longest_side() {
    let png = export(&picture(3000, 2000), "image/png", 1.0).await;
    assert_eq!(sniff(&bytes_of(&png).await), Some(MediaKind::Png));
    let out = prepared(file_of_blob(&png, "anh-hop-thon.png")).await;

    assert_eq!(sniff(&out.bytes), Some(MediaKind::Jpeg));
    assert_eq!(out.media_type, "image/jpeg");
    let expect = fit_within(3000, 2000, MAX_SIDE);
    assert_eq!(expect, (1280, 853));
    assert_eq!(decoded_size(&out.bytes).await, expect);
    assert_eq!((out.width, out.height), (Some(expect.0), Some(expect.1)));
    assert_eq!(out.size, out.bytes.len() as u64);
    assert!(out.size <= MAX_EVIDENCE_BYTES, "{} bytes", out.size);
    assert_eq!(out.name.as_deref(), Some("anh-hop-thon.jpg"));
    assert_lowercase_hex_sha256(&out.sha256);
    assert_eq!(out.sha256, digest(&out.bytes).await);
}

#[wasm_bindgen_test]
async fn a_portrait_photo_is_shrunk_by_its_height() {
    let jpeg = export(&picture(1500, 4000), "image/jpeg", 0.9).await;
    let out = prepared(file_of_blob(&jpeg, "doc.jpg")).await;
    assert_eq!(sniff(&out.bytes), Some(MediaKind::Jpeg));
    assert_eq!(decoded_size(&out.bytes).await, (480, 1280));
    assert_eq!((out.width, out.height), (Some(480), Some(1280)));
}

#[wasm_bindgen_test]
async fn a_png_that_fits_keeps_its_size_and_becomes_a_jpeg_within_the_limit() {
    let png = export(&picture(640, 480), "image/png", 1.0).await;
    let out = prepared(file_of_blob(&png, "nho.png")).await;
    assert_eq!(sniff(&out.bytes), Some(MediaKind::Jpeg));
    assert_eq!(decoded_size(&out.bytes).await, (640, 480));
    assert_eq!((out.width, out.height), (Some(640), Some(480)));
    assert!(out.size <= MAX_EVIDENCE_BYTES, "{} bytes", out.size);
    assert_eq!(out.sha256, digest(&out.bytes).await);
}

#[wasm_bindgen_test]
async fn a_small_jpeg_smaller_than_its_reencoding_is_kept_as_it_is() {
    // Quality 0.3 is well below the 0.8 re-encoding, so re-encoding would only grow it.
    let jpeg = export(&picture(800, 600), "image/jpeg", 0.3).await;
    let original = bytes_of(&jpeg).await;
    let out = prepared(file_of_blob(&jpeg, "IMG_0042.JPG")).await;
    assert!(
        out.bytes == original,
        "re-encoded ({} bytes) instead of keeping the original ({} bytes)",
        out.bytes.len(),
        original.len()
    );
    assert_eq!(out.media_type, "image/jpeg");
    assert_eq!(out.name.as_deref(), Some("IMG_0042.JPG"));
    assert_eq!((out.width, out.height), (Some(800), Some(600)));
    assert_eq!(out.sha256, digest(&original).await);
}

#[wasm_bindgen_test]
async fn a_pdf_passes_through_unchanged() {
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let out = prepared(file_of_bytes(pdf, "bien-ban.pdf")).await;
    assert_eq!(out.bytes, pdf.to_vec());
    assert_eq!(out.media_type, "application/pdf");
    assert_eq!(out.size, pdf.len() as u64);
    assert_eq!(out.name.as_deref(), Some("bien-ban.pdf"));
    assert_eq!((out.width, out.height), (None, None));
    assert_eq!(out.sha256, digest(pdf).await);
}

#[wasm_bindgen_test]
async fn the_digest_is_sha256() {
    let sha = ok(media::sha256_hex(b"abc").await, "sha256");
    assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[wasm_bindgen_test]
async fn a_text_file_is_refused_whatever_its_name() {
    let err = media::prepare(file_of_bytes("Biên bản họp thôn".as_bytes(), "anh.jpg")).await;
    assert_eq!(err, Err(MediaError::Unsupported));
    let empty = media::prepare(file_of_bytes(&[], "trong.pdf")).await;
    assert_eq!(empty, Err(MediaError::Unsupported));
}

#[wasm_bindgen_test]
async fn a_pdf_over_the_limit_is_refused_with_its_size() {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(3_565_158, b' ');
    let err = media::prepare(file_of_bytes(&pdf, "lon.pdf")).await;
    assert_eq!(err, Err(MediaError::TooLarge { size: 3_565_158, limit: MAX_EVIDENCE_BYTES }));
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(message, "Tệp 3,4 MB, vượt giới hạn 2,0 MB. Hãy chọn tệp nhỏ hơn.");
}

#[wasm_bindgen_test]
async fn a_damaged_photo_is_a_decode_error() {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0x42; 200]);
    match media::prepare(file_of_bytes(&bytes, "hong.png")).await {
        Err(MediaError::Decode(detail)) => assert!(!detail.is_empty()),
        other => panic!("expected a decode error, got {other:?}"),
    }
}
