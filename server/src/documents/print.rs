//! Printable A4 HTML documents.
