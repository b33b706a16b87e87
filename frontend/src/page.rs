//! The only code that touches the page's address and scroll position: the URL hash is
//! a deep link to a set's form (`#cdht-244-2022`), so an officer can bookmark it, the
//! phone's back button returns to the list, and it opens offline from the service
//! worker. Every browser call tolerates failure: a missing window just means no link.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The set id a hash names (`#cdht-244-2022` → `cdht-244-2022`), if any.
pub fn set_id_from_hash(hash: &str) -> Option<String> {
    let id = hash.trim_start_matches('#').trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// The set id in the current address, if any.
pub fn current_set_id() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    set_id_from_hash(&hash)
}

/// Puts `id` (or nothing) in the address, which adds a history entry, and scrolls to the
/// top so the new screen starts at its beginning.
pub fn show_set(id: Option<&str>) {
    if let Some(window) = web_sys::window() {
        // Failing to change the address only loses the deep link; the screen still changes.
        let _ = window.location().set_hash(id.unwrap_or(""));
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Calls `on_change` with the set id whenever the hash changes (back and forward
/// buttons, edited links) until the returned listener is dropped.
#[derive(Debug)]
pub struct HashListener {
    window: web_sys::Window,
    closure: Closure<dyn FnMut()>,
}

impl HashListener {
    pub fn new(on_change: impl Fn(Option<String>) + 'static) -> Option<HashListener> {
        let window = web_sys::window()?;
        let closure = Closure::<dyn FnMut()>::new(move || on_change(current_set_id()));
        window.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref()).ok()?;
        Some(HashListener { window, closure })
    }
}

impl Drop for HashListener {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback("hashchange", self.closure.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::set_id_from_hash;

    #[test]
    fn hash_names_a_set() {
        assert_eq!(set_id_from_hash("#cdht-244-2022").as_deref(), Some("cdht-244-2022"));
        assert_eq!(set_id_from_hash("cdht-244-2022").as_deref(), Some("cdht-244-2022"));
        assert_eq!(set_id_from_hash("#"), None);
        assert_eq!(set_id_from_hash(""), None);
    }
}
