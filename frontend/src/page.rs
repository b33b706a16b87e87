//! The only code that touches the page's address, scroll position and leaving, and the
//! browser's confirm and prompt dialogs. The URL hash
//! names the screen (`#so/nguoi`, `#danh-gia/<id>`, `#moi/<token>`, `#bao-cao/2026` …), so an officer can
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
    /// A new person in a household: `#them/nguoi/ho/<household id>`.
    NewMember(String),
    /// One record: `#ho-so/nguoi/<id>`.
    Record(RecordId),
    /// An evaluation: `#danh-gia/<id>`.
    Evaluation(String),
    /// The commune's review queue.
    Review,
    /// The review queue of one hamlet: `#duyet?thon=<hamlet record id>` (the home's
    /// waiting counts per hamlet link here).
    ReviewHamlet(String),
    /// Records in conflict, or one of them: `#xung-dot`, `#xung-dot/ho/<id>`.
    Conflicts(Option<RecordId>),
    /// Consolidated figures and charts.
    Report,
    /// The annual report of the signed-in account's unit: `#bao-cao` (this year) or
    /// `#bao-cao/<year>`.
    AnnualReport(Option<i32>),
    /// A submitted, frozen version of it: `#bao-cao/<year>/ban/<n>`.
    ReportVersion {
        year: i32,
        version: u32,
    },
    /// The unit's plan and targets as they apply: `#ke-hoach`.
    Plan,
    /// The five-year review (sơ kết): `#so-ket`.
    YearsReview,
    /// How today's unit came out of the old ones, and where their hamlets count: `#sap-nhap`.
    Lineage,
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

/// A report year in an address: four digits from 2000 to 2100 (the years an evaluation
/// may carry), so a mistyped address opens the home screen instead of asking the server
/// for year 20266.
pub(crate) fn year_of(text: &str) -> Option<i32> {
    let year: i32 = text.parse().ok().filter(|_| text.len() == 4)?;
    (2000..=2100).contains(&year).then_some(year)
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
            ["them", "nguoi", "ho", id] => Route::NewMember(id.to_string()),
            ["ho-so", kind, id] => record(kind, id).map_or(Route::Home, Route::Record),
            ["danh-gia", id] => Route::Evaluation(id.to_string()),
            ["duyet"] => Route::Review,
            [review] if review.starts_with("duyet?") => match review.strip_prefix("duyet?thon=") {
                Some(hamlet) if !hamlet.is_empty() => Route::ReviewHamlet(hamlet.to_string()),
                _ => Route::Review,
            },
            ["xung-dot"] => Route::Conflicts(None),
            ["xung-dot", kind, id] => record(kind, id).map_or(Route::Home, |r| Route::Conflicts(Some(r))),
            ["tong-hop"] => Route::Report,
            ["bao-cao"] => Route::AnnualReport(None),
            ["bao-cao", year] => year_of(year).map_or(Route::Home, |y| Route::AnnualReport(Some(y))),
            ["bao-cao", year, "ban", n] => match (year_of(year), n.parse::<u32>()) {
                (Some(year), Ok(version)) if version > 0 => Route::ReportVersion { year, version },
                _ => Route::Home,
            },
            ["ke-hoach"] => Route::Plan,
            ["so-ket"] => Route::YearsReview,
            ["sap-nhap"] => Route::Lineage,
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
            Route::NewMember(household) => format!("them/nguoi/ho/{household}"),
            Route::Record(r) => format!("ho-so/{}/{}", kind_slug(r.kind), r.id),
            Route::Evaluation(id) => format!("danh-gia/{id}"),
            Route::Review => "duyet".to_string(),
            Route::ReviewHamlet(hamlet) => format!("duyet?thon={hamlet}"),
            Route::Conflicts(None) => "xung-dot".to_string(),
            Route::Conflicts(Some(r)) => format!("xung-dot/{}/{}", kind_slug(r.kind), r.id),
            Route::Report => "tong-hop".to_string(),
            Route::AnnualReport(None) => "bao-cao".to_string(),
            Route::AnnualReport(Some(year)) => format!("bao-cao/{year}"),
            Route::ReportVersion { year, version } => format!("bao-cao/{year}/ban/{version}"),
            Route::Plan => "ke-hoach".to_string(),
            Route::YearsReview => "so-ket".to_string(),
            Route::Lineage => "sap-nhap".to_string(),
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

/// The lineage screen ("Sáp nhập": old units, hamlet assignments, districts), which
/// lives in the office app: only commune and province offices use it.
pub const LINEAGE_HREF: &str = "/office.html#sap-nhap";

impl Route {
    /// Where this route's screen lives when it is one of the office app's: the report
    /// screens (annual report and its versions, plan, five-year review) and the lineage
    /// screen are used by commune and province offices only, so they are downloaded
    /// with `office.html` under the same hash, never with the phone app.
    pub fn office_href(&self) -> Option<String> {
        match self {
            Route::AnnualReport(_)
            | Route::ReportVersion { .. }
            | Route::Plan
            | Route::YearsReview
            | Route::Lineage => Some(format!("/office.html#{}", self.hash())),
            _ => None,
        }
    }
}

/// The office app's hash (without `#`) of a recognition decision listed in the report
/// of `year`: `quyet-dinh/2026?so=15%2FQ%C4%90-UBND&ngay=2026-11-03`. The number is
/// percent-encoded, as it holds `/` and Vietnamese letters.
pub fn decision_hash(year: i32, number: &str, date: hoctap_shared::date::Date) -> String {
    format!("quyet-dinh/{year}?so={}&ngay={}", crate::reports::encode_component(number), date.iso())
}

/// The address of a recognition decision's page, in the office app (see
/// [`decision_hash`]): `/office.html#quyet-dinh/2026?so=15%2FQ%C4%90-UBND&ngay=2026-11-03`.
pub fn decision_href(year: i32, number: &str, date: hoctap_shared::date::Date) -> String {
    format!("/office.html#{}", decision_hash(year, number, date))
}

/// Opens another page of the site (the office app), adding a history entry.
pub fn open(href: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(href);
    }
}

/// Goes to `route` (adding a history entry) and scrolls to the top.
pub fn go(route: &Route) {
    if let Some(window) = web_sys::window() {
        // Failing to change the address only loses the deep link; the screen still changes.
        let _ = window.location().set_hash(&route.hash());
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Puts the cursor in the element with this id (the next entry of a form), and scrolls
/// to the top so the officer sees the line saying what was saved.
pub fn focus(id: &str) {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
        if let Some(element) = window.document().and_then(|d| d.get_element_by_id(id)) {
            let _ = element.unchecked_into::<web_sys::HtmlElement>().focus();
        }
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

/// Asks the browser to confirm before the page is closed or reloaded, for as long as it
/// lives (while an officer has typed text that is not yet saved anywhere).
#[derive(Debug)]
pub struct LeaveWarning {
    window: web_sys::Window,
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl LeaveWarning {
    pub fn new() -> Option<LeaveWarning> {
        let window = web_sys::window()?;
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
            event.prevent_default();
            // Older browsers ask only when `returnValue` is set.
            let _ = js_sys::Reflect::set(&event, &"returnValue".into(), &"".into());
        });
        window.add_event_listener_with_callback("beforeunload", closure.as_ref().unchecked_ref()).ok()?;
        Some(LeaveWarning { window, closure })
    }
}

impl Drop for LeaveWarning {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback("beforeunload", self.closure.as_ref().unchecked_ref());
    }
}

/// Asks the officer to confirm `message` (the browser's own dialog); `false` when there
/// is no window.
pub fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

/// Asks the officer for a line of text (the browser's own dialog); `None` when cancelled.
pub fn prompt(message: &str) -> Option<String> {
    web_sys::window()?.prompt_with_message(message).ok().flatten()
}

/// The value of the input `id` on the page (empty when there is none): for a form read
/// once, when it is sent.
pub fn input_value(id: &str) -> String {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    element.and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
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
            Route::NewMember("h-1".to_string()),
            Route::Record(person.clone()),
            Route::Evaluation("e-1".to_string()),
            Route::Review,
            Route::ReviewHamlet("h-1".to_string()),
            Route::Conflicts(None),
            Route::Conflicts(Some(person)),
            Route::Report,
            Route::AnnualReport(None),
            Route::AnnualReport(Some(2026)),
            Route::ReportVersion { year: 2025, version: 2 },
            Route::Plan,
            Route::YearsReview,
            Route::Lineage,
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
        assert_eq!(Route::parse("#duyet?thon="), Route::Review);
        assert_eq!(Route::parse("#duyet?nam=2026"), Route::Review);
        assert_eq!(Route::parse(""), Route::Home);
    }

    #[test]
    fn a_decision_link_opens_that_decision_in_the_office_app() {
        use crate::office::route::OfficeRoute;
        use hoctap_shared::date::Date;
        let day = Date::new(2026, 11, 3).expect("a date");
        let href = decision_href(2026, "15/QĐ-UBND", day);
        assert_eq!(href, "/office.html#quyet-dinh/2026?so=15%2FQ%C4%90-UBND&ngay=2026-11-03");
        for number in ["15/QĐ-UBND", "07/2026/QĐ-HKH xã Đông Hạ", "12 & 13", "Số 3?"] {
            let href = decision_href(2027, number, day);
            let hash = href.strip_prefix("/office.html").expect("an office address");
            let route = OfficeRoute::Decision { year: 2027, number: number.to_string(), date: day };
            assert_eq!(OfficeRoute::parse(hash), route, "{href}");
            assert_eq!(route.href(), hash);
        }
    }

    #[test]
    fn report_addresses() {
        assert_eq!(Route::parse("#bao-cao"), Route::AnnualReport(None));
        assert_eq!(Route::parse("#bao-cao/2026"), Route::AnnualReport(Some(2026)));
        assert_eq!(Route::parse("#bao-cao/2026/ban/3"), Route::ReportVersion { year: 2026, version: 3 });
        assert_eq!(Route::ReportVersion { year: 2026, version: 3 }.href(), "#bao-cao/2026/ban/3");
        assert_eq!(Route::parse("#ke-hoach"), Route::Plan);
        assert_eq!(Route::parse("#so-ket"), Route::YearsReview);
        assert_eq!(Route::parse("#sap-nhap"), Route::Lineage);
        // Not a year, or no version: the home screen, never a request for year 0.
        for bad in [
            "#bao-cao/20266",
            "#bao-cao/abcd",
            "#bao-cao/1999",
            "#bao-cao/2026/ban/0",
            "#bao-cao/2026/ban/x",
            "#bao-cao/2026/ban",
            "#bao-cao/+202",
        ] {
            assert_eq!(Route::parse(bad), Route::Home, "{bad}");
        }
    }
}
