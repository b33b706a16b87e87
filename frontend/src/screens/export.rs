//! Buttons that fetch a file the server renders — an XLSX or CSV export saved under a
//! plain name, or a printable A4 page opened in a new tab — each saying while it works
//! and, when it fails, why (offline: that reports need the network).

use yew::prelude::*;

use super::remote::{error_words, use_token};
use crate::api;
use crate::files::{self, PrintTab};

/// What a button does with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Export {
    /// Saves it under this name.
    Save(String),
    /// Opens it (HTML) in a new tab to print.
    Print,
}

#[derive(Properties, PartialEq)]
pub struct ExportButtonProps {
    pub label: AttrValue,
    /// The API path of the file.
    pub path: String,
    pub export: Export,
    #[prop_or_default]
    pub primary: bool,
}

#[function_component(ExportButton)]
pub fn export_button(props: &ExportButtonProps) -> Html {
    let token = use_token();
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let onclick = {
        let (busy, error, path, export) = (busy.clone(), error.clone(), props.path.clone(), props.export.clone());
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            // Opened now, while the click still counts, or the browser may block it.
            let tab = matches!(export, Export::Print).then(PrintTab::open);
            busy.set(true);
            error.set(None);
            let (busy, error, path, export, token) =
                (busy.clone(), error.clone(), path.clone(), export.clone(), token.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::call_blob(&path, token.as_deref()).await;
                busy.set(false);
                let blob = match result {
                    Ok(blob) => blob,
                    Err(err) => {
                        if let Some(tab) = tab {
                            tab.close();
                        }
                        error.set(Some(error_words(&err)));
                        return;
                    }
                };
                let done = match (export, tab) {
                    (Export::Save(name), _) => files::save(&blob, &name),
                    (Export::Print, Some(tab)) => tab.show(&blob),
                    (Export::Print, None) => false,
                };
                if !done {
                    error.set(Some(
                        "Trình duyệt không cho mở tệp. Hãy cho phép cửa sổ bật lên rồi thử lại.".to_string(),
                    ));
                }
            });
        })
    };
    let class = if props.primary { "primary" } else { "secondary" };
    html! {
        <span class="export">
            <button type="button" {class} {onclick} disabled={*busy} aria-busy={busy.to_string()}>
                { if *busy { format!("{} — đang tải…", props.label) } else { props.label.to_string() } }
            </button>
            if let Some(message) = &*error { <span class="form-error export-error" role="alert">{ message }</span> }
        </span>
    }
}
