//! XLSX and CSV exports.
