//! The app's state shared by every screen — who is signed in, the device's records, how
//! sync stands — the reducer that changes it, and the two things screens do with it:
//! save operations (outbox first, then the screen) and ask for a sync round. The sync
//! driver runs rounds one at a time: on start, when the browser comes online, after a
//! save, every few minutes, and on demand; after a failure it waits with backoff.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use hoctap_shared::accounts::LoginResponse;
use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{OpBody, Operation, RecordId};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::clock::ClockNotice;
use crate::replica::Replica;
use crate::storage::{self, Storage, StorageError};
use crate::sync::{self, Event, Report, SyncError};

/// How often a signed-in, online device pulls without being asked.
const PERIODIC_SYNC: Duration = Duration::from_secs(120);

/// How sync stands, for the bar at the top of every screen.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncStatus {
    /// Nothing has run yet in this page.
    NotYet,
    /// A round is running: what it is doing.
    Running(String),
    /// The last round finished at this time (ms), with what it did.
    Done { at_ms: f64, report: Report },
    /// The last round failed; the next try is at `retry_at_ms`.
    Failed { message: String, retry_at_ms: f64, offline: bool },
    /// The session ended on the server: the officer must sign in again.
    SignedOut,
}

/// The app's state.
#[derive(Debug, Clone)]
pub struct AppModel {
    /// Storage has been read.
    pub loaded: bool,
    pub session: Option<Rc<LoginResponse>>,
    pub replica: Rc<RefCell<Replica>>,
    /// Bumped whenever the replica changes.
    pub version: u64,
    pub sync: SyncStatus,
    /// Sync rounds finished since the page opened.
    pub rounds: u64,
    /// The last storage failure, shown until the next successful write.
    pub storage_error: Option<String>,
    /// The criteria sets the device scores with: every shipped version and the sets the
    /// account's province published (see `province_sets`).
    pub sets: Rc<Vec<CriteriaSet>>,
    /// When a sync event last showed the replica's changes (ms): during a round the
    /// screens are redrawn from the replica at most once a second, and at its end.
    pub sync_shown_ms: f64,
    /// What the last push answers said about the device's clock.
    pub clock: ClockNotice,
}

/// How often a running sync round redraws the screens with what it changed.
const SYNC_REDRAW_MS: f64 = 1_000.0;

impl PartialEq for AppModel {
    fn eq(&self, other: &Self) -> bool {
        self.loaded == other.loaded
            && self.session == other.session
            && self.version == other.version
            && self.sync == other.sync
            && self.rounds == other.rounds
            && self.storage_error == other.storage_error
            && self.clock == other.clock
            && Rc::ptr_eq(&self.sets, &other.sets)
    }
}

impl Default for AppModel {
    fn default() -> Self {
        AppModel {
            loaded: false,
            session: None,
            replica: Rc::default(),
            version: 0,
            sync: SyncStatus::NotYet,
            rounds: 0,
            storage_error: None,
            sets: Rc::new(crate::catalog::sets()),
            sync_shown_ms: f64::NEG_INFINITY,
            clock: ClockNotice::default(),
        }
    }
}

/// What changes the state.
#[derive(Debug)]
pub enum Msg {
    Loaded {
        session: Option<LoginResponse>,
        replica: Box<Replica>,
        /// The province's published sets kept on the device.
        province_sets: Vec<CriteriaSet>,
    },
    /// The province's published sets changed (fetched after a sync round).
    ProvinceSets(Vec<CriteriaSet>),
    StorageFailed(String),
    SignedOut,
    /// Operations saved on this device.
    Saved(Vec<Operation>),
    Sync(Event),
    SyncStatus(SyncStatus),
    /// The outbox was discarded (after a warned choice).
    Discarded,
}

impl Reducible for AppModel {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut touched = true;
        match msg {
            Msg::Loaded { session, replica, province_sets } => {
                next.loaded = true;
                next.session = session.map(Rc::new);
                *next.replica.borrow_mut() = *replica;
                if !province_sets.is_empty() {
                    next.sets = Rc::new(crate::province_sets::with_shipped(province_sets));
                }
            }
            Msg::ProvinceSets(sets) => {
                next.sets = Rc::new(crate::province_sets::with_shipped(sets));
                touched = false;
            }
            Msg::StorageFailed(message) => {
                next.loaded = true;
                next.storage_error = Some(message);
                touched = false;
            }
            Msg::SignedOut => {
                next.session = None;
                next.sync = SyncStatus::NotYet;
            }
            Msg::Saved(ops) => {
                next.storage_error = None;
                next.replica.borrow_mut().add_local(ops);
            }
            Msg::Sync(event) => {
                let mut replica = next.replica.borrow_mut();
                match event {
                    Event::Uploading { done, total } => {
                        next.sync = SyncStatus::Running(format!("Đang gửi minh chứng {done}/{total}…"));
                        touched = false;
                    }
                    Event::Sending(ids) => {
                        next.sync = SyncStatus::Running(format!("Đang gửi {} thay đổi…", ids.len()));
                        replica.set_in_flight(&ids, true);
                    }
                    Event::Settled { confirmed, refused, unsent } => {
                        replica.settle(&confirmed, &refused);
                        replica.set_in_flight(&unsent, false);
                    }
                    Event::Received(ops) => {
                        next.sync = SyncStatus::Running(format!("Đã nhận {} thay đổi…", ops.len()));
                        replica.insert(ops);
                    }
                    Event::Restamped(ops) => {
                        next.sync = SyncStatus::Running(format!("Ngày giờ đã đúng: gửi lại {} thay đổi…", ops.len()));
                        replica.insert(ops);
                    }
                }
                // A commune's round brings a hundred pages: redrawing every screen from
                // 100,000 records after each would cost more than the transfer.
                if touched {
                    let now = js_sys::Date::now();
                    if now - self.sync_shown_ms < SYNC_REDRAW_MS {
                        touched = false;
                    } else {
                        next.sync_shown_ms = now;
                    }
                }
            }
            Msg::SyncStatus(status) => {
                if status == SyncStatus::SignedOut {
                    next.session = None;
                }
                if matches!(status, SyncStatus::Done { .. } | SyncStatus::Failed { .. }) {
                    next.rounds += 1;
                }
                // A round that pushed nothing learnt nothing about the clock.
                if let SyncStatus::Done { report, .. } = &status {
                    if report.clock.is_some() || report.skewed > 0 {
                        next.clock = ClockNotice { reading: report.clock, skewed: report.skewed };
                    }
                }
                next.sync = status;
                // The round's last changes are shown whatever the redraw pace held back.
            }
            Msg::Discarded => next.replica.borrow_mut().discard_outbox(),
        }
        if touched {
            next.version = next.replica.borrow().version;
        }
        Rc::new(next)
    }
}

/// What screens get from the app.
#[derive(Debug, Clone, PartialEq)]
pub struct AppContext {
    pub model: UseReducerHandle<AppModel>,
    /// Asks for a sync round now (ignored while one runs; it runs again after).
    pub sync_now: Callback<()>,
}

impl AppContext {
    /// Saves `ops` on the device — the outbox first — then shows them and asks for a
    /// sync. A failed write changes nothing on screen and is returned for the screen to
    /// tell.
    pub async fn save(&self, ops: Vec<Operation>) -> Result<(), StorageError> {
        let storage = Storage::open().await?;
        let result = storage.append_ops(&ops).await;
        storage.close();
        if let Err(err) = result {
            self.model.dispatch(Msg::StorageFailed(err.to_string()));
            return Err(err);
        }
        self.model.dispatch(Msg::Saved(ops));
        self.sync_now.emit(());
        Ok(())
    }

    /// Makes operations on `record` stamped by this device's clock: one per body, in
    /// order. `unit` is the record's unit.
    pub async fn operations(
        &self,
        record: &RecordId,
        unit: &str,
        bodies: Vec<OpBody>,
    ) -> Result<Vec<Operation>, StorageError> {
        let storage = Storage::open().await?;
        let (device, clock) = storage.device().await?;
        storage.close();
        let mut clock: Hlc = clock;
        let now = js_sys::Date::now() as i64;
        let mut ops = Vec::with_capacity(bodies.len());
        for body in bodies {
            clock = clock.tick(now);
            ops.push(Operation {
                id: storage::new_id()?,
                device: device.clone(),
                hlc: clock.clone(),
                record: record.clone(),
                unit: unit.to_string(),
                body,
            });
        }
        Ok(ops)
    }

    /// Makes operations on `record` ([`Self::operations`]) and saves them ([`Self::save`]).
    pub async fn write(&self, record: &RecordId, unit: &str, bodies: Vec<OpBody>) -> Result<(), StorageError> {
        let ops = self.operations(record, unit, bodies).await?;
        self.save(ops).await
    }

    /// [`Self::write`] in the background, then goes to `then` once saved (a failed write
    /// is shown by the app's storage warning).
    pub fn write_soon(&self, record: RecordId, unit: String, bodies: Vec<OpBody>, then: Option<crate::page::Route>) {
        let ctx = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let (Ok(()), Some(route)) = (ctx.write(&record, &unit, bodies).await, then) {
                crate::page::go(&route);
            }
        });
    }

    /// Today in Vietnam, by the server's clock when the device's is known to be wrong.
    pub fn today(&self) -> hoctap_shared::date::Date {
        hoctap_shared::date::Date::in_vietnam(self.model.clock.trusted_now(js_sys::Date::now() as i64))
    }

    /// The signed-in account's unit (empty when signed out).
    pub fn unit(&self) -> String {
        self.model.session.as_ref().map(|s| s.account.unit.clone()).unwrap_or_default()
    }
}

/// Reads the session and the replica from storage.
pub async fn load(model: UseReducerHandle<AppModel>) {
    let loaded = async {
        let storage = Storage::open().await?;
        let session = storage.session().await?;
        let ops = storage.all_ops().await?;
        let outbox = storage.outbox().await?.into_iter().map(|op| op.id);
        let refused = storage.refused().await?;
        let province = storage.province_sets().await?.and_then(|json| crate::province_sets::Published::decode(&json));
        storage.close();
        let province_sets = province.map(crate::province_sets::Published::sets).unwrap_or_default();
        Ok::<_, StorageError>((session, Box::new(Replica::new(ops, outbox, refused)), province_sets))
    };
    match loaded.await {
        Ok((session, replica, province_sets)) => model.dispatch(Msg::Loaded { session, replica, province_sets }),
        Err(err) => model.dispatch(Msg::StorageFailed(err.to_string())),
    }
}

/// Runs sync rounds one at a time.
#[derive(Debug)]
pub struct Driver {
    model: UseReducerHandle<AppModel>,
    running: Cell<bool>,
    again: Cell<bool>,
    attempt: Cell<u32>,
    /// Bumped by each round, so a retry scheduled by an older round does nothing.
    generation: Cell<u64>,
}

impl Driver {
    pub fn new(model: UseReducerHandle<AppModel>) -> Rc<Driver> {
        Rc::new(Driver {
            model,
            running: Cell::new(false),
            again: Cell::new(false),
            attempt: Cell::new(0),
            generation: Cell::new(0),
        })
    }

    /// Starts a round now, or right after the running one.
    pub fn request(self: &Rc<Self>) {
        if self.running.get() {
            self.again.set(true);
            return;
        }
        self.running.set(true);
        // Shown at once, so the bar never reports the previous round as the current one.
        self.model.dispatch(Msg::SyncStatus(SyncStatus::Running("Đang đồng bộ…".to_string())));
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let driver = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            driver.run_round().await;
            driver.running.set(false);
            if driver.again.replace(false) {
                driver.request();
            }
        });
    }

    async fn run_round(self: &Rc<Self>) {
        let model = self.model.clone();
        let on_event = move |event: Event| model.dispatch(Msg::Sync(event));
        let result = async {
            let storage = Storage::open().await?;
            let session = storage.session().await;
            let result = match session {
                Ok(Some(session)) => {
                    let result = sync::round(&storage, &session, &on_event).await.map(Some);
                    // The province's own criteria sets, when they changed; a failure here
                    // never fails the round.
                    if result.is_ok() {
                        if let Some(sets) = crate::province_sets::refresh(&storage, &session).await {
                            self.model.dispatch(Msg::ProvinceSets(sets));
                        }
                    }
                    result
                }
                Ok(None) => Ok(None),
                Err(err) => Err(err.into()),
            };
            if matches!(&result, Err(SyncError::Api(err)) if err.is_unauthenticated()) {
                // The session ended on the server; the device's data stays.
                let _ = storage.sign_out().await;
            }
            storage.close();
            result
        };
        match result.await {
            // Signed out: nothing to sync until someone signs in.
            Ok(None) => self.model.dispatch(Msg::SyncStatus(SyncStatus::NotYet)),
            Ok(Some(report)) => {
                self.attempt.set(0);
                self.model.dispatch(Msg::SyncStatus(SyncStatus::Done { at_ms: js_sys::Date::now(), report }));
            }
            Err(SyncError::Api(err)) if err.is_unauthenticated() => {
                self.model.dispatch(Msg::SyncStatus(SyncStatus::SignedOut));
            }
            Err(err) => {
                let attempt = self.attempt.get();
                self.attempt.set(attempt.saturating_add(1));
                let wait = sync::backoff_ms(attempt, js_sys::Math::random());
                let offline = matches!(&err, SyncError::Api(crate::api::ApiError::Offline));
                self.model.dispatch(Msg::SyncStatus(SyncStatus::Failed {
                    message: err.to_string(),
                    retry_at_ms: js_sys::Date::now() + f64::from(wait),
                    offline,
                }));
                if err.is_transient() {
                    let generation = self.generation.get();
                    let driver = Rc::clone(self);
                    wasm_bindgen_futures::spawn_local(async move {
                        yew::platform::time::sleep(Duration::from_millis(u64::from(wait))).await;
                        if driver.generation.get() == generation && !driver.running.get() {
                            driver.request();
                        }
                    });
                }
            }
        }
    }

    /// Syncs whenever the browser says it is back online, and every few minutes,
    /// for as long as the returned guard lives.
    pub fn watch(self: &Rc<Self>) -> Option<OnlineWatch> {
        let window = web_sys::window()?;
        let driver = Rc::clone(self);
        let closure = Closure::<dyn FnMut()>::new(move || {
            driver.attempt.set(0);
            driver.request();
        });
        window.add_event_listener_with_callback("online", closure.as_ref().unchecked_ref()).ok()?;
        let alive = Rc::new(Cell::new(true));
        {
            let (driver, alive) = (Rc::clone(self), Rc::clone(&alive));
            wasm_bindgen_futures::spawn_local(async move {
                loop {
                    yew::platform::time::sleep(PERIODIC_SYNC).await;
                    if !alive.get() {
                        break;
                    }
                    if crate::api::online() && !driver.running.get() {
                        driver.request();
                    }
                }
            });
        }
        Some(OnlineWatch { window, closure, alive })
    }
}

/// Listens for the browser coming online until dropped.
#[derive(Debug)]
pub struct OnlineWatch {
    window: web_sys::Window,
    closure: Closure<dyn FnMut()>,
    alive: Rc<Cell<bool>>,
}

impl Drop for OnlineWatch {
    fn drop(&mut self) {
        self.alive.set(false);
        let _ = self.window.remove_event_listener_with_callback("online", self.closure.as_ref().unchecked_ref());
    }
}

/// A date as officers write it: dd/mm/yyyy, from milliseconds since the epoch.
pub fn date_vi(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!("{:02}/{:02}/{}", date.get_date(), date.get_month() + 1, date.get_full_year())
}

/// A time of day (hh:mm) from milliseconds since the epoch.
pub fn time_vi(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// A date and time as officers write them: dd/mm/yyyy hh:mm.
pub fn datetime_vi(ms: f64) -> String {
    format!("{} {}", date_vi(ms), time_vi(ms))
}

/// The current year on the device's clock.
pub fn this_year() -> i32 {
    js_sys::Date::new_0().get_full_year() as i32
}

/// The current year in Vietnam by the server's clock when the device's is known to be
/// wrong (see [`crate::clock::ClockNotice::trusted_now`]), else by the device's.
pub fn trusted_year(clock: &ClockNotice) -> i32 {
    hoctap_shared::date::Date::in_vietnam(clock.trusted_now(js_sys::Date::now() as i64)).year()
}
