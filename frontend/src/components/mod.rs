//! Dumb components: each takes its data as props and reports what the officer did
//! through callbacks (`on_change`, `on_choose`, `on_save`); none holds domain state or touches
//! browser storage.

mod chart;
mod draft_notice;
mod evaluation_form;
mod evidence_viewer;
mod save_bar;
mod set_picker;
mod summary_bar;
mod trend;

pub use chart::{ConsolidationCharts, IndicatorChart};
pub use draft_notice::draft_notice;
pub use evaluation_form::EvaluationFormView;
pub use evidence_viewer::{evidence_thumb, evidence_viewer, use_viewer};
pub use save_bar::{SaveBar, SaveState, UNSAVED};
pub use set_picker::{SetPicker, StatusBadge};
pub use summary_bar::SummaryBar;
pub use trend::trend_line;
