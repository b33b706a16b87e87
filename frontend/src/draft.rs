//! Keeping what an officer types in a form as a draft on the device, so that no answer
//! is lost when the form is left unsaved — by a link, the bottom bar, a closed tab or a
//! crash (issue 15). On every render a form tells [`use_draft`] how it differs from the
//! stored values; the hook writes that to the device's `drafts` store a moment after the
//! last change, and at once when the form loses focus, the page is hidden or closed, or
//! the form is left. When the form opens again the draft is laid over the stored values.
//! Saving the form leaves nothing that differs, which deletes the draft. Drafts stay on
//! the device: sync never reads them and nothing counts them.
//!
//! A draft's answers are text by key (a field's key, an indicator's code), as the form
//! holds them; each form says what its keys and texts mean.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::AppContext;
use crate::storage::{Answers, Draft, Storage};

/// How long after the last change the draft is written: a word typed is one write, not
/// one per letter.
const QUIET: Duration = Duration::from_millis(400);

/// What a form shows about its draft.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftStatus {
    /// When the draft laid over the form as it opened was written (ms since the epoch),
    /// until the form no longer differs from the stored values.
    pub restored_ms: Option<f64>,
    /// The form differs from the stored values (kept as a draft, or about to be).
    pub unsaved: bool,
    /// Why the last draft write failed, for the officer.
    pub error: Option<String>,
}

impl DraftStatus {
    /// The unsaved changes are on the device.
    pub fn kept(&self) -> bool {
        self.unsaved && self.error.is_none()
    }
}

/// What [`use_draft`] gives a form.
#[derive(Debug, Clone)]
pub struct UseDraft {
    pub status: DraftStatus,
    /// Writes the draft now (the form lost focus).
    pub flush: Callback<()>,
    /// Deletes the draft for good: a new record's form was saved and is being left (its
    /// answers still differ from the empty form it started from).
    pub forget: Callback<()>,
}

/// Keeps the draft of the form at `form` (its address) for the signed-in account.
/// `changes` is how the form differs from the stored values now (empty: it does not);
/// `label` names the form on the home screen; `on_restore` is given a kept draft's
/// answers once, when the form opens.
#[hook]
pub fn use_draft(form: String, label: String, changes: Answers, on_restore: Callback<Answers>) -> UseDraft {
    let ctx = use_context::<AppContext>();
    let account = ctx.and_then(|c| c.model.session.as_ref().map(|s| s.account.id.clone())).unwrap_or_default();
    let redraw = use_force_update();
    let keeper = use_memo((account, form), move |(account, form)| Keeper {
        account: account.clone(),
        form: form.clone(),
        label: RefCell::default(),
        ready: Cell::new(false),
        left: Cell::new(false),
        forgotten: Cell::new(false),
        kept: RefCell::new(None),
        latest: RefCell::default(),
        generation: Cell::new(0),
        storage: RefCell::new(None),
        restored_ms: Cell::new(None),
        error: RefCell::new(None),
        redraw,
    });
    *keeper.label.borrow_mut() = label;
    {
        let keeper = Rc::clone(&keeper);
        // Once per keeper: the form at one address, for one account.
        use_effect_with(Rc::as_ptr(&keeper) as usize, move |_| {
            keeper.open(on_restore);
            let listeners = Listeners::watch(&keeper);
            move || {
                drop(listeners);
                keeper.leave();
            }
        });
    }
    let unsaved = !changes.is_empty();
    keeper.changed(changes);
    let status = DraftStatus { restored_ms: keeper.restored_ms.get(), unsaved, error: keeper.error.borrow().clone() };
    let flush = {
        let keeper = Rc::clone(&keeper);
        Callback::from(move |()| keeper.flush())
    };
    let forget = Callback::from(move |()| {
        keeper.forgotten.set(true);
        keeper.flush();
    });
    UseDraft { status, flush, forget }
}

/// One form's draft as this page knows it.
struct Keeper {
    account: String,
    form: String,
    label: RefCell<String>,
    /// The kept draft has been read (and laid over the form): writing may start.
    ready: Cell<bool>,
    /// The form is gone: the connection closes after the last write.
    left: Cell<bool>,
    /// The form's answers are saved for good: the draft is deleted, whatever follows.
    forgotten: Cell<bool>,
    /// What the device's draft holds as far as this page knows (empty: no draft), or
    /// `None` when unknown (not read yet, or the last write failed).
    kept: RefCell<Option<Answers>>,
    /// How the form differs from the stored values now.
    latest: RefCell<Answers>,
    /// Bumped by every change, so that only the last change's wait writes.
    generation: Cell<u64>,
    /// A connection opened with the form, so that a write asked for as the page closes
    /// is made at once rather than after opening the database.
    storage: RefCell<Option<Rc<Storage>>>,
    restored_ms: Cell<Option<f64>>,
    error: RefCell<Option<String>>,
    redraw: UseForceUpdateHandle,
}

impl Keeper {
    /// Opens the database and reads the kept draft, handing it to `on_restore`.
    fn open(self: &Rc<Self>, on_restore: Callback<Answers>) {
        let keeper = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let read = async {
                let storage = Rc::new(Storage::open().await?);
                *keeper.storage.borrow_mut() = Some(Rc::clone(&storage));
                storage.draft(&keeper.account, &keeper.form).await
            };
            match read.await {
                Ok(Some(draft)) => {
                    *keeper.kept.borrow_mut() = Some(draft.answers.clone());
                    *keeper.latest.borrow_mut() = draft.answers.clone();
                    keeper.restored_ms.set(Some(draft.saved_ms));
                    on_restore.emit(draft.answers);
                }
                Ok(None) => *keeper.kept.borrow_mut() = Some(Answers::new()),
                Err(err) => *keeper.error.borrow_mut() = Some(err.to_string()),
            }
            keeper.ready.set(true);
            if keeper.kept.borrow().is_some() {
                // What was typed while the draft was read (the form may be gone already).
                keeper.flush();
            }
            if keeper.left.get() {
                keeper.close();
            }
            keeper.redraw.force_update();
        });
    }

    /// Notes how the form differs now; writes it after a quiet spell, or at once when
    /// it no longer differs (the draft is deleted).
    fn changed(self: &Rc<Self>, latest: Answers) {
        if *self.latest.borrow() == latest {
            return;
        }
        let differs = !latest.is_empty();
        *self.latest.borrow_mut() = latest;
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        if !self.ready.get() {
            return;
        }
        if !differs {
            self.restored_ms.set(None);
            return self.flush();
        }
        let keeper = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            yew::platform::time::sleep(QUIET).await;
            if keeper.generation.get() == generation {
                keeper.flush();
            }
        });
    }

    /// Writes how the form differs now, unless the device's draft already holds it.
    fn flush(self: &Rc<Self>) {
        if !self.ready.get() {
            return;
        }
        let latest = if self.forgotten.get() { Answers::new() } else { self.latest.borrow().clone() };
        if self.kept.borrow().as_ref() == Some(&latest) {
            return;
        }
        *self.kept.borrow_mut() = Some(latest.clone());
        let draft = Draft {
            account: self.account.clone(),
            form: self.form.clone(),
            label: self.label.borrow().clone(),
            saved_ms: js_sys::Date::now(),
            answers: latest,
        };
        // The connection is opened with the form; without it (it could not be opened)
        // nothing can be kept, and the form already says why.
        let Some(storage) = self.storage.borrow().clone() else { return };
        let keeper = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let result = if draft.answers.is_empty() {
                storage.delete_draft(&draft.account, &draft.form).await
            } else {
                storage.put_draft(&draft).await
            };
            drop(storage);
            if keeper.left.get() {
                keeper.close();
            }
            let error = result.err().map(|err| err.to_string());
            if error.is_some() {
                // Unknown now: the next change or flush writes again.
                *keeper.kept.borrow_mut() = None;
            }
            if *keeper.error.borrow() != error {
                *keeper.error.borrow_mut() = error;
                keeper.redraw.force_update();
            }
        });
    }

    /// The form is left: what it differs by is written now.
    fn leave(self: &Rc<Self>) {
        self.left.set(true);
        self.flush();
        self.close();
    }

    /// Closes the connection once no write holds it (the last write to end closes it).
    fn close(&self) {
        let storage = self.storage.borrow_mut().take();
        if let Some(storage) = storage {
            match Rc::try_unwrap(storage) {
                Ok(storage) => storage.close(),
                Err(held) => *self.storage.borrow_mut() = Some(held),
            }
        }
    }
}

/// Writes the draft when the page is hidden (the officer switched apps; a phone may
/// then end the page without another word) or closed.
struct Listeners {
    window: web_sys::Window,
    document: web_sys::Document,
    on_hide: Closure<dyn FnMut()>,
}

impl Listeners {
    fn watch(keeper: &Rc<Keeper>) -> Option<Listeners> {
        let window = web_sys::window()?;
        let document = window.document()?;
        // Writing when the page shows again too costs nothing: nothing differs then.
        let on_hide = {
            let keeper = Rc::clone(keeper);
            Closure::<dyn FnMut()>::new(move || keeper.flush())
        };
        let listen = on_hide.as_ref().unchecked_ref();
        window.add_event_listener_with_callback("pagehide", listen).ok()?;
        document.add_event_listener_with_callback("visibilitychange", listen).ok()?;
        Some(Listeners { window, document, on_hide })
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        let listen = self.on_hide.as_ref().unchecked_ref();
        let _ = self.window.remove_event_listener_with_callback("pagehide", listen);
        let _ = self.document.remove_event_listener_with_callback("visibilitychange", listen);
    }
}
