//! The only code that touches the page's address and scroll position. The URL hash
//! names the screen (`#so/nguoi`, `#danh-gia/<id>`, `#moi/<token>` …), so an officer can
//! bookmark a screen, the phone's back button returns to the previous one, and every
//! screen opens offline from the service worker. Every browser call tolerates failure:
//! a missing window just means no link.

use hoctap_shared::protocol::{RecordId, RecordKind};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A screen of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The unit's home (or the login screen when signed out).
    Home,
    Login,
    /// Accepting an invitation: `#moi/<token>`.
    Invitation(String),
    /// A register: `#so/nguoi`, `#so/ho`, `#so/dong-ho`, `#so/don-vi`, `#so/thon`.
    Register(RecordKind),
    /// A new record of a kind: `#them/nguoi`.
    NewRecord(RecordKind),
    /// One record: `#ho-so/nguoi/<id>`.
    Record(RecordId),
    /// An evaluation: `#danh-gia/<id>`.
    Evaluation(String),
    /// The commune's review queue.
    Review,
    /// Records in conflict, or one of them: `#xung-dot`, `#xung-dot/ho/<id>`.
    Conflicts(Option<RecordId>),
    /// Consolidated figures and charts.
    Report,
    /// The device: storage, sync, refused changes, signing out.
    Device,
    /// The criteria sets, to try scoring without saving: `#bo-tieu-chi`, or one set:
    /// `#bo-tieu-chi/<set>` (also the older `#<set>`).
    Sets(Option<String>),
}

/// The address word of a record kind.
pub fn kind_slug(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Person => "nguoi",
        RecordKind::Household => "ho",
        RecordKind::Clan => "dong-ho",
        RecordKind::Unit => "don-vi",
        RecordKind::Hamlet => "thon",
        RecordKind::Evaluation => "danh-gia",
    }
}

fn kind_of(slug: &str) -> Option<RecordKind> {
    [RecordKind::Person, RecordKind::Household, RecordKind::Clan, RecordKind::Unit, RecordKind::Hamlet]
        .into_iter()
        .find(|k| kind_slug(*k) == slug)
}

impl Route {
    /// The route a hash names; anything unknown is the home screen.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim();
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let record = |kind: &str, id: &str| kind_of(kind).map(|kind| RecordId { kind, id: id.to_string() });
        match parts.as_slice() {
            [] => Route::Home,
            ["dang-nhap"] => Route::Login,
            ["moi", token] => Route::Invitation(token.to_string()),
            ["so", kind] => kind_of(kind).map_or(Route::Home, Route::Register),
            ["them", kind] => kind_of(kind).map_or(Route::Home, Route::NewRecord),
            ["ho-so", kind, id] => record(kind, id).map_or(Route::Home, Route::Record),
            ["danh-gia", id] => Route::Evaluation(id.to_string()),
            ["duyet"] => Route::Review,
            ["xung-dot"] => Route::Conflicts(None),
            ["xung-dot", kind, id] => record(kind, id).map_or(Route::Home, |r| Route::Conflicts(Some(r))),
            ["tong-hop"] => Route::Report,
            ["thiet-bi"] => Route::Device,
            ["bo-tieu-chi"] => Route::Sets(None),
            ["bo-tieu-chi", set] => Route::Sets(Some(set.to_string())),
            [set] => Route::Sets(Some(set.to_string())),
            _ => Route::Home,
        }
    }

    /// The hash of this route (without `#`).
    pub fn hash(&self) -> String {
        match self {
            Route::Home => String::new(),
            Route::Login => "dang-nhap".to_string(),
            Route::Invitation(token) => format!("moi/{token}"),
            Route::Register(kind) => format!("so/{}", kind_slug(*kind)),
            Route::NewRecord(kind) => format!("them/{}", kind_slug(*kind)),
            Route::Record(r) => format!("ho-so/{}/{}", kind_slug(r.kind), r.id),
            Route::Evaluation(id) => format!("danh-gia/{id}"),
            Route::Review => "duyet".to_string(),
            Route::Conflicts(None) => "xung-dot".to_string(),
            Route::Conflicts(Some(r)) => format!("xung-dot/{}/{}", kind_slug(r.kind), r.id),
            Route::Report => "tong-hop".to_string(),
            Route::Device => "thiet-bi".to_string(),
            Route::Sets(None) => "bo-tieu-chi".to_string(),
            Route::Sets(Some(set)) => format!("bo-tieu-chi/{set}"),
        }
    }

    /// A link to this route, for `href`.
    pub fn href(&self) -> String {
        format!("#{}", self.hash())
    }
}

/// The route in the current address.
pub fn current() -> Route {
    web_sys::window().and_then(|w| w.location().hash().ok()).map_or(Route::Home, |h| Route::parse(&h))
}

/// Goes to `route` (adding a history entry) and scrolls to the top.
pub fn go(route: &Route) {
    if let Some(window) = web_sys::window() {
        // Failing to change the address only loses the deep link; the screen still changes.
        let _ = window.location().set_hash(&route.hash());
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Calls `on_change` with the route whenever the hash changes (links, back and forward
/// buttons, edited addresses) until the returned listener is dropped.
#[derive(Debug)]
pub struct HashListener {
    window: web_sys::Window,
    closure: Closure<dyn FnMut()>,
}

impl HashListener {
    pub fn new(on_change: impl Fn(Route) + 'static) -> Option<HashListener> {
        let window = web_sys::window()?;
        let closure = Closure::<dyn FnMut()>::new(move || {
            on_change(current());
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
        });
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
    use super::*;

    #[test]
    fn every_route_survives_its_own_hash() {
        let person = RecordId { kind: RecordKind::Person, id: "p-1".to_string() };
        let routes = [
            Route::Home,
            Route::Login,
            Route::Invitation("tok".to_string()),
            Route::Register(RecordKind::Household),
            Route::NewRecord(RecordKind::Clan),
            Route::Record(person.clone()),
            Route::Evaluation("e-1".to_string()),
            Route::Review,
            Route::Conflicts(None),
            Route::Conflicts(Some(person)),
            Route::Report,
            Route::Device,
            Route::Sets(None),
            Route::Sets(Some("cdht-244-2022".to_string())),
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.href()), route);
        }
    }

    #[test]
    fn older_set_links_and_unknown_addresses_still_open() {
        assert_eq!(Route::parse("#cdht-244-2022"), Route::Sets(Some("cdht-244-2022".to_string())));
        assert_eq!(Route::parse("#so/khong-co"), Route::Home);
        assert_eq!(Route::parse("#a/b/c/d"), Route::Home);
        assert_eq!(Route::parse(""), Route::Home);
    }
}
