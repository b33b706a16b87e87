//! Evidence files (minh chứng) prepared in the browser before they are stored: photos
//! from the camera or disk are shrunk so their longest side is at most [`MAX_SIDE`] and
//! re-encoded as JPEG, PDFs are kept as they are, anything else is refused, and the
//! result is hashed with the browser's SHA-256 (`crypto.subtle`), the content address
//! the server checks.
//!
//! Shrinking happens on the device because officers upload from phones over slow links
//! and the server refuses files over [`MAX_EVIDENCE_BYTES`]. The type is read from the
//! bytes ([`sniff`], the same signatures the server's `evidence::sniff` accepts), never
//! from the file's name or the browser's guess.
//!
//! The sizing, sniffing and decisions are pure functions, tested natively; [`prepare`]
//! strings them together with the browser's image decoder, a canvas and SubtleCrypto.
//! Nothing here panics: every browser failure is a [`MediaError`] carrying the
//! browser's own words.

use crate::js_text;
use hoctap_shared::protocol::OpBody;
use js_sys::{Promise, Uint8Array};
use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap, Window};

/// The longest side, in pixels, of a stored photo.
pub const MAX_SIDE: u32 = 1280;

/// The JPEG quality photos are re-encoded with (`canvas.toBlob`'s encoder option).
pub const JPEG_QUALITY: f64 = 0.8;

/// The largest evidence file the server accepts by default (`Config::max_evidence_bytes`
/// in `server/src/config.rs`): 2 MB.
pub const MAX_EVIDENCE_BYTES: u64 = 2 * 1024 * 1024;

/// How many leading bytes [`sniff`] needs (WebP's signature ends at byte 12).
const SNIFF_LEN: i32 = 16;

/// The kinds of evidence file hoctap accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MediaKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl MediaKind {
    /// The media type the server records for this kind.
    pub fn media_type(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::Webp => "image/webp",
            MediaKind::Pdf => "application/pdf",
        }
    }

    /// Whether this kind is a photo, to be shrunk and re-encoded.
    pub fn is_image(self) -> bool {
        !matches!(self, MediaKind::Pdf)
    }
}

/// The kind of file `bytes` start like, if hoctap accepts it (the server's signatures).
pub fn sniff(bytes: &[u8]) -> Option<MediaKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(MediaKind::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(MediaKind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(MediaKind::Pdf)
    } else {
        None
    }
}

/// The size of a `width` × `height` image scaled down, keeping its aspect ratio, so that
/// neither side exceeds `max_side`. Never scales up and never returns a zero side (a
/// one-pixel-high panorama stays one pixel high).
pub fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let (width, height, max_side) = (width.max(1), height.max(1), max_side.max(1));
    let longest = width.max(height);
    if longest <= max_side {
        return (width, height);
    }
    // Integer arithmetic, rounded to the nearest pixel; the longest side becomes exactly
    // `max_side` and the other cannot exceed it.
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max_side).clamp(1, max_side)
    };
    (scale(width), scale(height))
}

/// Whether to store a photo's original bytes instead of its re-encoding: only a JPEG
/// that already fits and is no bigger than the re-encoded one (re-encoding it again
/// would lose quality for nothing).
pub fn keep_original(kind: MediaKind, width: u32, height: u32, original_len: u64, encoded_len: u64) -> bool {
    kind == MediaKind::Jpeg && width.max(height) <= MAX_SIDE && original_len <= encoded_len
}

/// `size` against [`MAX_EVIDENCE_BYTES`].
pub fn check_size(size: u64) -> Result<(), MediaError> {
    if size > MAX_EVIDENCE_BYTES {
        Err(MediaError::TooLarge { size, limit: MAX_EVIDENCE_BYTES })
    } else {
        Ok(())
    }
}

/// `bytes` in megabytes (1 MB = 1024 × 1024 bytes, as the limit is counted) with one
/// decimal and a decimal comma: `3,4`. Rounded up, so a file one byte over a 2,0 MB
/// limit reads 2,1 MB, never "2,0 MB, over the 2,0 MB limit".
pub fn format_mb(bytes: u64) -> String {
    const MB: u128 = 1024 * 1024;
    let tenths = (u128::from(bytes) * 10).div_ceil(MB);
    format!("{},{}", tenths / 10, tenths % 10)
}

/// `bytes` in words, always with their unit, as a size is shown to officers: "85 KB"
/// under a tenth of a megabyte, "0,3 MB" up to a gigabyte, "3,5 GB" from there (a whole
/// number without its ",0": "200 MB"); rounded up like [`format_mb`], so no file that
/// exists reads "0 KB".
pub fn size_words(bytes: u64) -> String {
    if bytes < 100 * 1024 {
        return format!("{} KB", bytes.div_ceil(1024));
    }
    // A gigabyte is a thousand and twenty-four megabytes as a megabyte is of kilobytes.
    let (number, unit) = if bytes < 1 << 30 { (format_mb(bytes), "MB") } else { (format_mb(bytes / 1024), "GB") };
    format!("{} {unit}", number.strip_suffix(",0").unwrap_or(&number))
}

/// The name a photo is stored under once re-encoded as JPEG: the original's stem with
/// `.jpg` (`IMG_0042.PNG` → `IMG_0042.jpg`), so the name says what the bytes are.
pub fn jpeg_name(name: &str) -> String {
    let stem = match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    };
    format!("{stem}.jpg")
}

/// `bytes` as lowercase hexadecimal (the digest's spelling on the wire).
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 0xF)] as char]).collect()
}

/// Why a file could not be prepared as evidence, with the message the officer reads.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MediaError {
    /// Neither a JPEG, PNG or WebP photo nor a PDF, judged by the bytes.
    #[error("Chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF.")]
    Unsupported,
    /// The file to store (after shrinking, for photos) is over the server's limit.
    #[error("Tệp {} MB, vượt giới hạn {} MB. Hãy chọn tệp nhỏ hơn.", format_mb(*.size), format_mb(*.limit))]
    TooLarge { size: u64, limit: u64 },
    /// The browser could not read the file's bytes (removed, permission revoked).
    #[error("Không đọc được tệp ({0}). Hãy chọn lại tệp.")]
    Read(String),
    /// The bytes look like a photo but the browser cannot decode them (damaged file).
    #[error("Không mở được ảnh, có thể tệp đã bị hỏng ({0}).")]
    Decode(String),
    /// Drawing or re-encoding the shrunk photo failed.
    #[error("Không thu nhỏ được ảnh ({0}).")]
    Encode(String),
    /// SubtleCrypto refused to hash the file.
    #[error("Không tính được mã SHA-256 của tệp ({0}).")]
    Digest(String),
    /// A browser facility this needs is missing (SubtleCrypto exists only on pages
    /// opened over HTTPS or from localhost).
    #[error("Không chuẩn bị được minh chứng: trình duyệt không hỗ trợ {0}.")]
    Unavailable(&'static str),
}

/// An evidence file ready to store and attach: the bytes, what they are, and their
/// SHA-256, the name the server stores them under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    /// One of the server's accepted types: `image/jpeg` for every photo, or
    /// `application/pdf`.
    pub media_type: String,
    /// Lowercase hexadecimal SHA-256 of `bytes`.
    pub sha256: String,
    /// `bytes.len()`.
    pub size: u64,
    /// The file's name as the officer chose it (`.jpg` for re-encoded photos); `None`
    /// when the browser gave none.
    pub name: Option<String>,
    /// Pixel size of the stored photo (upright, as the browser shows it); `None` for PDFs.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl Prepared {
    /// The operation body that attaches this file to `indicator` of an evaluation.
    pub fn attach(&self, indicator: &str) -> OpBody {
        OpBody::AttachEvidence {
            indicator: indicator.to_string(),
            sha256: self.sha256.clone(),
            media_type: self.media_type.clone(),
            size: self.size,
            name: self.name.clone(),
        }
    }
}

/// Prepares `file` (from `<input type="file">`) as evidence: a photo becomes a JPEG
/// whose longest side is at most [`MAX_SIDE`] (the original kept when it is a JPEG that
/// already fits and is smaller), a PDF stays as it is, and the result must be within
/// [`MAX_EVIDENCE_BYTES`].
pub async fn prepare(file: File) -> Result<Prepared, MediaError> {
    let head = read_blob(&file.slice_with_i32_and_i32(0, SNIFF_LEN).map_err(|e| MediaError::Read(js_text(&e)))?)
        .await
        .map_err(MediaError::Read)?;
    let kind = sniff(&head).ok_or(MediaError::Unsupported)?;
    let name = Some(file.name()).filter(|n| !n.is_empty());
    let original_len = file.size() as u64;
    let (bytes, name, width, height) = if kind.is_image() {
        let (bytes, reencoded, width, height) = shrink(&file, kind, original_len).await?;
        let name = if reencoded { name.as_deref().map(jpeg_name) } else { name };
        (bytes, name, Some(width), Some(height))
    } else {
        // Refused before reading, so a huge PDF is never copied into memory.
        check_size(original_len)?;
        (read_blob(&file).await.map_err(MediaError::Read)?, name, None, None)
    };
    let size = bytes.len() as u64;
    check_size(size)?;
    // Every photo leaves as a JPEG: re-encoded, or an original JPEG kept.
    let media_type = if kind.is_image() { MediaKind::Jpeg } else { kind }.media_type().to_string();
    let sha256 = sha256_hex(&bytes).await?;
    Ok(Prepared { bytes, media_type, sha256, size, name, width, height })
}

/// Decodes the photo, draws it at [`fit_within`] size on a canvas and exports a JPEG.
/// Returns the bytes to store, whether they are the re-encoding (so the name changes),
/// and their pixel size.
async fn shrink(file: &File, kind: MediaKind, original_len: u64) -> Result<(Vec<u8>, bool, u32, u32), MediaError> {
    let window = window()?;
    let promise = window.create_image_bitmap_with_blob(file).map_err(|e| MediaError::Decode(js_text(&e)))?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|e| MediaError::Decode(js_text(&e)))?
        .dyn_into()
        .map_err(|_| MediaError::Decode("createImageBitmap".to_string()))?;
    let (width, height) = (bitmap.width(), bitmap.height());
    let drawn = draw(&window, &bitmap, fit_within(width, height, MAX_SIDE));
    // The decoded pixels can be tens of megabytes; free them now, not at collection.
    bitmap.close();
    let (canvas, (out_width, out_height)) = drawn?;
    let encoded = read_blob(&to_jpeg(&canvas).await?).await.map_err(MediaError::Encode)?;
    // Release the canvas's backing store too (browsers keep it until collection).
    canvas.set_width(0);
    canvas.set_height(0);
    if keep_original(kind, width, height, original_len, encoded.len() as u64) {
        let original = read_blob(file).await.map_err(MediaError::Read)?;
        return Ok((original, false, width, height));
    }
    Ok((encoded, true, out_width, out_height))
}

/// A canvas of `size` holding `bitmap` scaled to fit it, on white: JPEG has no
/// transparency, and a transparent PNG would otherwise turn black.
fn draw(
    window: &Window,
    bitmap: &ImageBitmap,
    size: (u32, u32),
) -> Result<(HtmlCanvasElement, (u32, u32)), MediaError> {
    let (width, height) = size;
    let document = window.document().ok_or(MediaError::Unavailable("tài liệu trang (document)"))?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|e| MediaError::Encode(js_text(&e)))?
        .dyn_into()
        .map_err(|_| MediaError::Unavailable("khung vẽ (canvas)"))?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(|e| MediaError::Encode(js_text(&e)))?
        .ok_or(MediaError::Unavailable("khung vẽ 2D (canvas 2d)"))?
        .dyn_into()
        .map_err(|_| MediaError::Unavailable("khung vẽ 2D (canvas 2d)"))?;
    // The default ("low", bilinear) aliases when shrinking a 4000-pixel photo by three;
    // "high" keeps the text of a photographed document legible. Set by name because
    // web-sys types it behind a feature this crate does not otherwise need.
    let _ = js_sys::Reflect::set(&context, &JsValue::from_str("imageSmoothingQuality"), &JsValue::from_str("high"));
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(|e| MediaError::Encode(js_text(&e)))?;
    Ok((canvas, size))
}

/// The canvas as a JPEG at [`JPEG_QUALITY`]: `canvas.toBlob` wrapped in a promise (its
/// callback is the promise's `resolve`; it receives `null` when encoding fails).
async fn to_jpeg(canvas: &HtmlCanvasElement) -> Result<Blob, MediaError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let quality = JsValue::from_f64(JPEG_QUALITY);
        if let Err(err) = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &quality) {
            let _ = reject.call1(&JsValue::NULL, &err);
        }
    });
    let value = JsFuture::from(promise).await.map_err(|e| MediaError::Encode(js_text(&e)))?;
    value.dyn_into::<Blob>().map_err(|_| MediaError::Encode("trình duyệt không tạo được ảnh JPEG".to_string()))
}

/// The bytes of a blob (or file), or the browser's words for why not.
async fn read_blob(blob: &Blob) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|e| js_text(&e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The lowercase hexadecimal SHA-256 of `bytes`, computed by the browser
/// (`crypto.subtle.digest`), which only exists in secure contexts (HTTPS, localhost).
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, MediaError> {
    let crypto = window()?.crypto().map_err(|_| MediaError::Unavailable("mã hóa (crypto)"))?;
    let subtle = js_sys::Reflect::get(&crypto, &JsValue::from_str("subtle")).unwrap_or(JsValue::UNDEFINED);
    if subtle.is_undefined() || subtle.is_null() {
        return Err(MediaError::Unavailable("mã hóa SHA-256 (crypto.subtle, chỉ có khi mở ứng dụng qua HTTPS)"));
    }
    let promise =
        crypto.subtle().digest_with_str_and_u8_array("SHA-256", bytes).map_err(|e| MediaError::Digest(js_text(&e)))?;
    let digest = JsFuture::from(promise).await.map_err(|e| MediaError::Digest(js_text(&e)))?;
    Ok(to_hex(&Uint8Array::new(&digest).to_vec()))
}

fn window() -> Result<Window, MediaError> {
    web_sys::window().ok_or(MediaError::Unavailable("cửa sổ trình duyệt (window)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_fit(width: u32, height: u32, max_side: u32, expect: (u32, u32)) {
        assert_eq!(fit_within(width, height, max_side), expect, "fit_within({width}, {height}, {max_side})");
    }

    #[test]
    fn fit_within_shrinks_the_longest_side_to_the_limit_and_keeps_the_ratio() {
        check_fit(3000, 2000, 1280, (1280, 853));
        check_fit(2000, 3000, 1280, (853, 1280));
        check_fit(4032, 3024, 1280, (1280, 960));
        check_fit(4000, 4000, 1280, (1280, 1280));
        check_fit(1281, 1, 1280, (1280, 1));
        check_fit(100_000, 1, 1280, (1280, 1));
        check_fit(u32::MAX, u32::MAX - 1, 1280, (1280, 1280));
        check_fit(2561, 1000, 1280, (1280, 500));
    }

    #[test]
    fn fit_within_never_scales_up_and_never_returns_zero() {
        check_fit(1280, 1280, 1280, (1280, 1280));
        check_fit(640, 480, 1280, (640, 480));
        check_fit(1, 1, 1280, (1, 1));
        check_fit(0, 0, 1280, (1, 1));
        check_fit(0, 5000, 1280, (1, 1280));
        check_fit(300, 200, 0, (1, 1));
    }

    #[test]
    fn fit_within_stays_within_the_limit_for_every_shape() {
        for width in (1..=5000).step_by(37) {
            for height in (1..=5000).step_by(41) {
                let (w, h) = fit_within(width, height, MAX_SIDE);
                assert!(w >= 1 && h >= 1 && w.max(h) <= MAX_SIDE, "{width}×{height} → {w}×{h}");
                assert!(w <= width && h <= height, "{width}×{height} scaled up to {w}×{h}");
                if width.max(height) > MAX_SIDE {
                    assert_eq!(w.max(h), MAX_SIDE, "{width}×{height} → {w}×{h}");
                }
            }
        }
    }

    #[test]
    fn sniff_reads_the_accepted_signatures() {
        let cases: [(&[u8], Option<MediaKind>); 10] = [
            (&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'], Some(MediaKind::Jpeg)),
            (&[0xFF, 0xD8, 0xFF, 0xE1], Some(MediaKind::Jpeg)),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some(MediaKind::Png)),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Some(MediaKind::Webp)),
            (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3", Some(MediaKind::Pdf)),
            (b"RIFF\x24\0\0\0WAVEfmt ", None),
            (b"\x89PNG\r\n", None),
            (b"GIF89a", None),
            (b"Bien ban hop", None),
            (b"", None),
        ];
        for (bytes, expect) in cases {
            assert_eq!(sniff(bytes), expect, "{bytes:?}");
        }
    }

    #[test]
    fn media_types_are_exactly_the_servers() {
        let all = [MediaKind::Jpeg, MediaKind::Png, MediaKind::Webp, MediaKind::Pdf];
        let types: Vec<&str> = all.iter().map(|k| k.media_type()).collect();
        assert_eq!(types, ["image/jpeg", "image/png", "image/webp", "application/pdf"]);
        assert_eq!(all.map(MediaKind::is_image), [true, true, true, false]);
    }

    #[test]
    fn only_a_fitting_jpeg_no_bigger_than_its_reencoding_is_kept() {
        assert!(keep_original(MediaKind::Jpeg, 1280, 960, 100_000, 100_000));
        assert!(keep_original(MediaKind::Jpeg, 640, 480, 50_000, 80_000));
        assert!(!keep_original(MediaKind::Jpeg, 640, 480, 80_001, 80_000));
        assert!(!keep_original(MediaKind::Jpeg, 1281, 960, 50_000, 80_000));
        assert!(!keep_original(MediaKind::Png, 640, 480, 50_000, 80_000));
        assert!(!keep_original(MediaKind::Webp, 640, 480, 50_000, 80_000));
    }

    #[test]
    fn the_limit_is_the_servers_default_and_is_inclusive() {
        assert_eq!(MAX_EVIDENCE_BYTES, 2_097_152);
        assert_eq!(check_size(MAX_EVIDENCE_BYTES), Ok(()));
        assert_eq!(
            check_size(MAX_EVIDENCE_BYTES + 1),
            Err(MediaError::TooLarge { size: MAX_EVIDENCE_BYTES + 1, limit: MAX_EVIDENCE_BYTES })
        );
    }

    #[test]
    fn sizes_read_in_megabytes_with_a_decimal_comma_rounded_up() {
        let cases = [
            (0, "0,0"),
            (1, "0,1"),
            (1024 * 1024, "1,0"),
            (2 * 1024 * 1024, "2,0"),
            (2 * 1024 * 1024 + 1, "2,1"),
            (3_565_158, "3,4"),
            (15 * 1024 * 1024 + 512 * 1024, "15,5"),
        ];
        for (bytes, expect) in cases {
            assert_eq!(format_mb(bytes), expect, "{bytes} bytes");
        }
    }

    #[test]
    fn sizes_in_words_carry_their_unit() {
        let cases = [
            (0, "0 KB"),
            (1, "1 KB"),
            (1024, "1 KB"),
            (85 * 1024, "85 KB"),
            (100 * 1024 - 1, "100 KB"),
            (100 * 1024, "0,1 MB"),
            (314_572, "0,3 MB"),
            (870_400, "0,9 MB"),
            (2 * 1024 * 1024, "2 MB"),
            (2 * 1024 * 1024 + 1, "2,1 MB"),
            (200 * 1024 * 1024, "200 MB"),
            (1 << 30, "1 GB"),
            (3_758_096_384, "3,5 GB"),
        ];
        for (bytes, expect) in cases {
            assert_eq!(size_words(bytes), expect, "{bytes} bytes");
        }
    }

    #[test]
    fn messages_are_vietnamese() {
        let cases = [
            (MediaError::Unsupported, "Chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF."),
            (
                MediaError::TooLarge { size: 3_565_158, limit: MAX_EVIDENCE_BYTES },
                "Tệp 3,4 MB, vượt giới hạn 2,0 MB. Hãy chọn tệp nhỏ hơn.",
            ),
            (
                MediaError::Decode("The source image could not be decoded.".to_string()),
                "Không mở được ảnh, có thể tệp đã bị hỏng (The source image could not be decoded.).",
            ),
            (
                MediaError::Unavailable("mã hóa SHA-256 (crypto.subtle, chỉ có khi mở ứng dụng qua HTTPS)"),
                "Không chuẩn bị được minh chứng: trình duyệt không hỗ trợ mã hóa SHA-256 (crypto.subtle, chỉ có khi mở ứng dụng qua HTTPS).",
            ),
        ];
        for (err, expect) in cases {
            assert_eq!(err.to_string(), expect);
        }
    }

    #[test]
    fn reencoded_photos_are_named_jpg() {
        let cases = [
            ("IMG_0042.PNG", "IMG_0042.jpg"),
            ("anh.chup.webp", "anh.chup.jpg"),
            ("image.jpeg", "image.jpg"),
            ("ảnh hội họp", "ảnh hội họp.jpg"),
            (".hidden", ".hidden.jpg"),
        ];
        for (name, expect) in cases {
            assert_eq!(jpeg_name(name), expect);
        }
    }

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(to_hex(&[]), "");
    }

    #[test]
    fn a_prepared_file_attaches_as_an_operation() {
        let prepared = Prepared {
            bytes: b"%PDF-1.4\n".to_vec(),
            media_type: "application/pdf".to_string(),
            sha256: "a".repeat(64),
            size: 9,
            name: Some("bien-ban.pdf".to_string()),
            width: None,
            height: None,
        };
        assert_eq!(
            prepared.attach("2.1"),
            OpBody::AttachEvidence {
                indicator: "2.1".to_string(),
                sha256: "a".repeat(64),
                media_type: "application/pdf".to_string(),
                size: 9,
                name: Some("bien-ban.pdf".to_string()),
            }
        );
    }
}
