//! hoctap's domain core: criteria sets as data, the scoring engine, indicator ratios
//! and their roll-up, plans and targets, and the versioned unit hierarchy. It does no
//! I/O and reads no clock: callers pass text, time and ids in, and get values back.
//! The same code runs in the browser (WebAssembly) and on the server.

pub mod annual;
pub mod archive;
pub mod authorities;
pub mod consolidation;
pub mod criteria;
pub mod date;
pub mod diagnostic;
mod error;
pub mod hamlets;
pub mod history;
pub mod hlc;
pub mod import;
pub mod indicators;
pub mod merge;
pub mod number;
pub mod plans;
pub mod protocol;
pub mod report;
pub mod scoring;
pub mod selfassess;
pub mod text;
pub mod units;

pub use error::Error;
pub mod accounts;
