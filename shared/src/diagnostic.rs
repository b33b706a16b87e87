//! Diagnostics returned by every loader of data files (criteria sets, ratio
//! definitions, plans, unit lists). A loader never stops at the first problem: it
//! returns what it could build and every diagnostic it found, so an administrator
//! fixes a file in one pass.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    /// The file cannot be used until this is fixed.
    Error,
    /// The file loads, but something looks wrong.
    Warning,
}

/// One problem found in a data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, machine-readable kind, e.g. `duplicate-code` (documented in
    /// `docs/criteria-format.md`).
    pub code: String,
    /// Where in the file, as a path of keys: `criteria[2].indicators[1].max`.
    pub path: String,
    /// 1-based line, when the loader can tell.
    pub line: Option<u32>,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: &str, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    pub fn warning(code: &str, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            code: code.to_string(),
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    pub fn at_line(mut self, line: Option<u32>) -> Diagnostic {
        self.line = line;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "lỗi",
            Severity::Warning => "cảnh báo",
        };
        write!(f, "{severity}[{}]", self.code)?;
        match (self.line, self.path.is_empty()) {
            (Some(line), true) => write!(f, " dòng {line}")?,
            (Some(line), false) => write!(f, " dòng {line}, {}", self.path)?,
            (None, false) => write!(f, " {}", self.path)?,
            (None, true) => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads TOML into `T`, turning a syntax or type error into one `syntax` diagnostic
/// with its line. `what` names the kind of file in the message ("tệp kế hoạch").
pub fn from_toml<T: serde::de::DeserializeOwned>(source: &str, what: &str) -> Result<T, Diagnostic> {
    toml::from_str(source).map_err(|err| {
        let line = err.span().map(|s| line_of(source, s.start));
        Diagnostic::error("syntax", "", format!("{what} không đúng cú pháp hoặc sai kiểu dữ liệu: {}", err.message()))
            .at_line(line)
    })
}

/// Whether any of the diagnostics is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// The 1-based line of a byte offset in `source`.
pub fn line_of(source: &str, offset: usize) -> u32 {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count() as u32 + 1
}

/// The line of the `nth` (0-based) line in `source` that assigns `value` to `key`
/// (`code = "1.1"`). Lets validation point at the table that holds a code without
/// threading spans through every type.
pub fn line_of_assignment(source: &str, key: &str, value: &str, nth: usize) -> Option<u32> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let Some((k, v)) = line.split_once('=') else { return false };
            k.trim() == key && v.trim().trim_matches(|c| c == '"' || c == '\'') == value
        })
        .nth(nth)
        .map(|(index, _)| index as u32 + 1)
}
