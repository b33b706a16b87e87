//! The hoctap web app: the Yew component tree and [`run`], which mounts it into the page.
//!
//! The app carries the criteria sets (validated by the shared crate's loader when the
//! app is built, see `build.rs`; scored by the same engine the server runs) and keeps its
//! unit's records on the device, so an officer can register people, score, attach
//! evidence and review with no network. Every change is an operation written to the device's outbox before anything
//! else; the sync driver ([`app::Driver`]) sends it when the server can be reached.
//! Screens live in [`screens`], one per address (see [`page::Route`]).

pub mod api;
pub mod app;
pub mod catalog;
pub mod chart;
pub mod citizen;
pub mod clock;
mod components;
pub mod draft;
pub mod evaluation;
pub mod evidence;
pub mod files;
pub mod history;
pub mod media;
pub mod office;
pub mod outbox;
pub mod page;
pub mod plan_form;
pub mod province_sets;
pub mod recognition;
pub mod records;
pub mod replica;
pub mod reports;
pub mod review_table;
pub(crate) mod screens;
pub mod storage;
pub mod sync;
pub mod trend;

use std::rc::Rc;

use yew::prelude::*;

use app::{AppContext, AppModel, Driver};

/// A JS error as text, for the detail of a message (storage and media errors).
pub(crate) fn js_text(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Root component: loads the device's state, runs the sync driver, follows the address.
#[function_component(App)]
fn app() -> Html {
    let model = use_reducer(AppModel::default);
    let route = use_state(page::current);
    let driver = use_memo((), {
        let model = model.clone();
        move |_| Driver::new(model)
    });
    {
        let (model, driver) = (model.clone(), Rc::clone(&driver));
        use_effect_with((), move |_| {
            let watch = driver.watch();
            wasm_bindgen_futures::spawn_local(async move {
                app::load(model).await;
                // Ask once to keep the data through storage pressure; the device screen
                // shows the answer.
                let _ = storage::persist().await;
                driver.request();
            });
            move || drop(watch)
        });
    }
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = page::HashListener::new(move |r| route.set(r));
            move || drop(listener)
        });
    }
    let sync_now = {
        let driver = Rc::clone(&driver);
        Callback::from(move |()| driver.request())
    };
    let context = AppContext { model: model.clone(), sync_now };
    html! {
        <ContextProvider<AppContext> context={context}>
            { screens::screen(&route, &model) }
        </ContextProvider<AppContext>>
    }
}

/// Mounts the app into the page's body.
pub fn run() {
    yew::Renderer::<App>::new().render();
}
