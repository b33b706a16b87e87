//! One test binary for every cross-crate test, so the workspace links it once.

mod api;
mod auth;
mod authority;
mod cli;
mod consolidation;
mod criteria;
mod durability;
mod exports;
mod faults;
mod fuzz;
mod golden;
mod indicators;
mod input;
mod merge;
mod openapi;
mod plans;
mod print;
mod properties;
mod report_fixture;
mod reports;
mod scoring;
mod staff;
mod sync;
mod tidy;
mod units;
