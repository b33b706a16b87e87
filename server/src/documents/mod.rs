//! The documents officials use, rendered from report values: XLSX and CSV of the annual
//! report, of its list of recognised subjects and of the five-year review, and printable
//! A4 HTML (report, review, recognition decision) laid out per Nghị định 30/2020/NĐ-CP.
//! Pure functions of `hoctap_shared::annual` values; the routes in `routes::reports`
//! serve them. `registers` renders the register import template and the export of a
//! commune's households and people (`routes::registers`).

pub mod print;
pub mod registers;
pub mod sheets;
pub mod svg;
