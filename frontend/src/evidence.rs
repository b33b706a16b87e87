//! Evidence files shown on this device (minh chứng). A file is read from the device when
//! it is there (attached here, or shown here before) and fetched from the server the
//! first time it is shown otherwise, its progress reported as the bytes arrive (a photo
//! takes seconds over a slow network). A fetched file is kept for offline use within
//! [`BOUND`]: past it, the fetched files shown least recently are removed. A file
//! attached on this device is never among them (it may not be on the server yet).
//!
//! A page asks for its files at once ([`use_evidence`]): each is read or fetched once,
//! for its thumbnail and the viewer alike, and its `blob:` URL is released when the page
//! is left.
//!
//! Which files are kept and in what order is a list, least recently shown first, kept
//! as text ([`encode`], [`decode`]); [`touch`] and [`evictions`] decide on it. Those are
//! pure and tested natively; the browser's part is [`load`].

use std::cell::Cell;
use std::rc::Rc;

use hoctap_shared::merge::EvidenceRef;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::app::AppContext;
use crate::storage::{EvidenceFile, Storage};

/// How many bytes of fetched evidence a device keeps for offline use.
pub const BOUND: u64 = 200 * 1024 * 1024;

/// A file fetched from the server to be shown, kept on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub sha256: String,
    pub size: u64,
    /// When it was last shown (or kept), in ms since the epoch.
    pub shown_ms: u64,
}

/// The list as stored: a line `sha256 size shown_ms` per file, in the list's order.
pub fn encode(kept: &[Kept]) -> String {
    kept.iter().map(|k| format!("{} {} {}\n", k.sha256, k.size, k.shown_ms)).collect()
}

/// The list from its text; a line that cannot be read is left out (that file is then
/// kept for good, as a file the device has not sent is).
pub fn decode(text: &str) -> Vec<Kept> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split(' ');
            let sha256 = parts.next()?.to_string();
            Some(Kept { sha256, size: parts.next()?.parse().ok()?, shown_ms: parts.next()?.parse().ok()? })
        })
        .collect()
}

/// Moves `shown` to the end of `kept` (the most recently shown), or adds it there when
/// `add`. Returns whether the list changed: a file not in the list and not added (one
/// attached on this device) changes nothing.
pub fn touch(kept: &mut Vec<Kept>, shown: Kept, add: bool) -> bool {
    let before = kept.len();
    kept.retain(|k| k.sha256 != shown.sha256);
    if add || kept.len() < before {
        kept.push(shown);
        return true;
    }
    false
}

/// How many files at the start of `kept` (the least recently shown) to remove so that
/// the rest fit within `bound`. The last, the file being shown, is never removed, even
/// alone over the bound.
pub fn evictions(kept: &[Kept], bound: u64) -> usize {
    let mut total: u64 = kept.iter().map(|k| k.size).sum();
    let mut count = 0;
    for k in kept.iter().take(kept.len().saturating_sub(1)) {
        if total <= bound {
            break;
        }
        total -= k.size;
        count += 1;
    }
    count
}

/// Where a file being shown is.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Being read or fetched: the bytes received so far.
    Loading(u64),
    /// A `blob:` URL of the file, typed as it is.
    Ready(String),
    /// Why it cannot be shown, for the officer.
    Failed(String),
}

/// How much of `size` bytes `done` is, in percent (0 for an empty file).
pub fn percent(done: u64, size: u64) -> u64 {
    (done.min(size) * 100).checked_div(size).unwrap_or(0)
}

/// `done` of `size` bytes in words: "Đang tải 120 KB / 0,3 MB (39 %)".
pub fn progress_words(done: u64, size: u64) -> String {
    let (done_words, size_words) = (crate::media::size_words(done), crate::media::size_words(size));
    format!("Đang tải {done_words} / {size_words} ({} %)", percent(done, size))
}

/// Reads or fetches every one of `files` (all at once) with the signed-in token, and
/// says where each is, in the same order; the component redraws as they arrive, at
/// every tenth of a file. When the list changes (a file attached or removed) each is
/// read again (from the device, at once, for those already there); the URLs are
/// released then and when the component leaves the page.
#[hook]
pub fn use_evidence(files: Rc<Vec<EvidenceRef>>) -> Vec<Load> {
    let token = use_context::<AppContext>().and_then(|c| c.model.session.as_ref().map(|s| s.token.clone()));
    let loads = use_mut_ref(Vec::new);
    let redraw = use_force_update();
    let count = files.len();
    {
        let loads = loads.clone();
        use_effect_with(files, move |files| {
            *loads.borrow_mut() = vec![Load::Loading(0); files.len()];
            let live = Rc::new(Cell::new(true));
            for (at, file) in files.iter().enumerate() {
                let (file, token, loads, live, redraw) =
                    (file.clone(), token.clone(), loads.clone(), live.clone(), redraw.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let set = |load: Load| match loads.borrow_mut().get_mut(at).filter(|_| live.get()) {
                        Some(slot) => {
                            *slot = load;
                            redraw.force_update();
                        }
                        None => revoke(&load),
                    };
                    let tenth = Cell::new(0);
                    let progress = |done: u64| {
                        let now = (done * 10).checked_div(file.size).unwrap_or(0);
                        if now != tenth.replace(now) {
                            set(Load::Loading(done));
                        }
                    };
                    set(load_file(&file, token.as_deref(), &progress).await);
                });
            }
            move || {
                live.set(false);
                loads.borrow().iter().for_each(revoke);
            }
        });
    }
    // Before the effect has run for a new list, every file is about to be read.
    let now = loads.borrow().clone();
    if now.len() == count {
        now
    } else {
        vec![Load::Loading(0); count]
    }
}

/// Releases the URL of a file no longer shown.
fn revoke(load: &Load) {
    if let Load::Ready(url) = load {
        crate::files::revoke(url);
    }
}

/// `file` read from the device, or fetched and kept, as a URL to show.
async fn load_file(file: &EvidenceRef, token: Option<&str>, on_progress: &dyn Fn(u64)) -> Load {
    match load(file, token, on_progress).await {
        Ok(bytes) => crate::files::bytes_url(&bytes, &file.media_type)
            .map_or_else(|| Load::Failed("Trình duyệt không mở được tệp này.".to_string()), Load::Ready),
        Err(message) => Load::Failed(message),
    }
}

/// The bytes of `file`: from the device when it holds them (remembered as shown now),
/// else fetched from the server with `token`, reporting the bytes received, and kept
/// within [`BOUND`]. The device's storage is not held open while the file is fetched.
pub async fn load(file: &EvidenceRef, token: Option<&str>, on_progress: &dyn Fn(u64)) -> Result<Vec<u8>, String> {
    let shown = Kept { sha256: file.sha256.clone(), size: file.size, shown_ms: js_sys::Date::now() as u64 };
    let storage = Storage::open().await.map_err(|e| e.to_string())?;
    let stored = storage.evidence(&file.sha256).await;
    if let Ok(Some(_)) = stored {
        // When it was shown only orders what is removed first: a failed write loses nothing.
        let _ = storage.keep_shown(None, shown.clone(), BOUND).await;
    }
    storage.close();
    if let Some(stored) = stored.map_err(|e| e.to_string())? {
        return Ok(stored.bytes);
    }
    let path = format!("/evidence/{}", file.sha256);
    let bytes = api::download(&path, token, file.size, on_progress).await.map_err(|e| match e {
        ApiError::Offline => "Tệp chưa có trên máy này; cần có mạng để tải về lần đầu.".to_string(),
        other => other.to_string(),
    })?;
    if bytes.len() as u64 != file.size {
        return Err("Tệp tải về không trọn vẹn. Hãy mở lại khi mạng ổn định hơn.".to_string());
    }
    let fetched = EvidenceFile {
        sha256: file.sha256.clone(),
        media_type: file.media_type.clone(),
        name: file.name.clone(),
        bytes,
        uploaded: true,
    };
    // Shown even when it cannot be kept (the device is full): it is fetched again next time.
    if let Ok(storage) = Storage::open().await {
        let _ = storage.keep_shown(Some(&fetched), shown, BOUND).await;
        storage.close();
    }
    Ok(fetched.bytes)
}

/// How many bytes of fetched evidence the device keeps within [`BOUND`]; `None` when
/// storage cannot be read.
pub async fn kept_bytes() -> Option<u64> {
    let storage = Storage::open().await.ok()?;
    let kept = storage.kept_evidence().await;
    storage.close();
    Some(kept.ok()?.iter().map(|k| k.size).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(sha256: &str, size: u64, shown_ms: u64) -> Kept {
        Kept { sha256: sha256.to_string(), size, shown_ms }
    }

    #[track_caller]
    fn check_evictions(sizes: &[u64], bound: u64, expect: usize) {
        let list: Vec<Kept> =
            sizes.iter().enumerate().map(|(i, &size)| kept(&format!("f{i}"), size, i as u64)).collect();
        assert_eq!(evictions(&list, bound), expect, "{sizes:?} within {bound}");
    }

    #[test]
    fn the_least_recently_shown_go_first_until_the_rest_fit() {
        check_evictions(&[], 100, 0);
        check_evictions(&[40, 30, 30], 100, 0);
        check_evictions(&[40, 30, 31], 100, 1);
        check_evictions(&[10, 10, 90], 100, 1);
        check_evictions(&[10, 10, 95], 100, 2);
        check_evictions(&[60, 60, 60], 100, 2);
        check_evictions(&[0, 0, 101], 100, 2);
    }

    #[test]
    fn the_file_being_shown_is_never_removed() {
        check_evictions(&[150], 100, 0);
        check_evictions(&[10, 150], 100, 1);
        check_evictions(&[10, 20, 150], 0, 2);
    }

    #[test]
    fn showing_moves_a_kept_file_last_and_adds_only_what_the_server_holds() {
        let mut list = vec![kept("a", 1, 1), kept("b", 2, 2), kept("c", 3, 3)];
        assert!(touch(&mut list, kept("a", 1, 9), false));
        assert_eq!(list, [kept("b", 2, 2), kept("c", 3, 3), kept("a", 1, 9)]);
        // A file only this device holds (not sent) is not in the list and stays out.
        assert!(!touch(&mut list, kept("own", 5, 10), false));
        assert_eq!(list.len(), 3);
        // A fetched or sent file comes in last.
        assert!(touch(&mut list, kept("new", 4, 11), true));
        assert_eq!(list.last(), Some(&kept("new", 4, 11)));
        assert!(touch(&mut list, kept("new", 4, 12), true));
        assert_eq!(list.iter().filter(|k| k.sha256 == "new").count(), 1);
    }

    #[test]
    fn the_list_reads_back_what_was_written_and_skips_bad_lines() {
        let list = vec![kept(&"a".repeat(64), 314_572, 1_767_225_600_000), kept("b", 0, 0)];
        assert_eq!(decode(&encode(&list)), list);
        assert_eq!(decode(""), []);
        assert_eq!(decode("x 1\ny z 3\n\nc 5 6"), [kept("c", 5, 6)]);
    }

    #[test]
    fn progress_reads_in_sizes_and_percent() {
        assert_eq!(progress_words(0, 314_572), "Đang tải 0 KB / 0,3 MB (0 %)");
        assert_eq!(progress_words(122_880, 314_572), "Đang tải 0,2 MB / 0,3 MB (39 %)");
        assert_eq!(progress_words(50 * 1024, 0), "Đang tải 50 KB / 0 KB (0 %)");
        assert_eq!(progress_words(400_000, 314_572), "Đang tải 0,4 MB / 0,3 MB (100 %)");
    }
}
