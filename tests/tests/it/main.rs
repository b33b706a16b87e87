//! One test binary for every cross-crate test, so the workspace links it once.

mod api;
mod cli;
mod criteria;
mod golden;
mod indicators;
mod merge;
mod plans;
mod properties;
mod scoring;
mod tidy;
mod units;
