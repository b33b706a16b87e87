//! An invitation link as a QR code, drawn as one SVG path so the page needs no image
//! and no canvas: the officer shows the screen and the invited person scans it with a
//! phone camera. The encoding is `qrcodegen`'s (error correction level M, the usual
//! choice for a code shown on a screen); here it only becomes a path.

use qrcodegen::{QrCode, QrCodeEcc};

/// The quiet zone around the code, in modules, as the standard asks.
pub const BORDER: i32 = 4;

/// A QR code ready to draw: `size` modules a side (quiet zone included) and the path of
/// its dark modules in a `0 0 size size` view box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrPath {
    pub size: i32,
    pub path: String,
}

/// The QR code of `text`, or `None` when it is too long for any QR version (a link is
/// far below that).
pub fn qr_path(text: &str) -> Option<QrPath> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let n = code.size();
    let mut path = String::new();
    // Each run of dark modules on a row is one rectangle: a few hundred of them rather
    // than a thousand squares.
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < n && code.get_module(x, y) {
                x += 1;
            }
            path.push_str(&format!("M{} {}h{}v1h-{}z", start + BORDER, y + BORDER, x - start, x - start));
        }
    }
    Some(QrPath { size: n + 2 * BORDER, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_path_of_runs() {
        let link = format!("http://192.168.1.5:8080/#moi/{}", "a1".repeat(32));
        let qr = qr_path(&link).expect("a link fits");
        // Version 6 at level M holds 106 bytes: 41 modules, and the quiet zone.
        assert_eq!(qr.size, 41 + 2 * BORDER);
        assert!(qr.path.starts_with("M4 4h7v1h-7z"), "the top-left finder pattern: {}", &qr.path[..40]);
        // Same text, same code.
        assert_eq!(qr_path(&link), Some(qr));
        assert_eq!(qr_path(&"x".repeat(5_000)), None);
    }
}
