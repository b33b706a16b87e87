//! What can go wrong with browser storage, each with the Vietnamese message the
//! officer reads. A full disk is told apart from other failures, because the officer
//! can act on it (free space, then save again).

use std::rc::Rc;

use thiserror::Error;

/// The browser's own words under rexie's generic "idb error", for the message.
fn detail(err: &rexie::Error) -> String {
    match std::error::Error::source(err) {
        Some(source) => source.to_string(),
        None => err.to_string(),
    }
}

/// A failed read or write of the device's storage.
#[derive(Debug, Clone, Error)]
pub enum StorageError {
    /// Bộ nhớ đầy: the browser refused the write for lack of quota.
    #[error("Không lưu được vào bộ nhớ của trình duyệt: bộ nhớ đã đầy. Hãy xóa bớt dữ liệu hoặc ứng dụng khác trên máy rồi lưu lại.")]
    QuotaExceeded(#[source] Rc<rexie::Error>),
    /// The database could not be opened (private browsing, storage disabled, blocked
    /// by another tab with an older version).
    #[error("Không lưu được vào bộ nhớ của trình duyệt: không mở được cơ sở dữ liệu trên máy ({}).", detail(.0))]
    Open(#[source] Rc<rexie::Error>),
    #[error("Không lưu được vào bộ nhớ của trình duyệt: ghi dữ liệu thất bại ({}).", detail(.0))]
    Write(#[source] Rc<rexie::Error>),
    #[error("Không lưu được vào bộ nhớ của trình duyệt: đọc dữ liệu thất bại ({}).", detail(.0))]
    Read(#[source] Rc<rexie::Error>),
    /// The transaction ended without committing.
    #[error("Không lưu được vào bộ nhớ của trình duyệt: trình duyệt đã hủy lần ghi. Hãy lưu lại.")]
    Aborted,
    /// A stored record that this version cannot read.
    #[error("Không lưu được vào bộ nhớ của trình duyệt: dữ liệu trên máy không đọc được ({0}).")]
    Corrupt(String),
    /// IndexedDB holds a newer database version than this build opens.
    #[error("Không lưu được vào bộ nhớ của trình duyệt: dữ liệu trên máy thuộc phiên bản mới hơn của ứng dụng. Hãy tải lại trang để cập nhật ứng dụng.")]
    NewerDatabase(#[source] Rc<rexie::Error>),
    /// The database was written by a newer version of the app.
    #[error("Không lưu được vào bộ nhớ của trình duyệt: dữ liệu trên máy thuộc phiên bản mới hơn (lược đồ {found}, bản này đọc đến {supported}). Hãy tải lại trang để cập nhật ứng dụng.")]
    NewerSchema { found: u32, supported: u32 },
    /// No random source for new ids.
    #[error("Không lưu được vào bộ nhớ của trình duyệt: không tạo được mã mới ({0}).")]
    NoRandomness(String),
    /// A browser storage API failed outside IndexedDB.
    #[error("Không lưu được vào bộ nhớ của trình duyệt: {0}")]
    Browser(String),
}

impl StorageError {
    pub(super) fn open(err: rexie::Error) -> StorageError {
        if format!("{err:?}").contains("VersionError") {
            return StorageError::NewerDatabase(Rc::new(err));
        }
        StorageError::classify(err, StorageError::Open)
    }

    pub(super) fn write(err: rexie::Error) -> StorageError {
        StorageError::classify(err, StorageError::Write)
    }

    pub(super) fn read(err: rexie::Error) -> StorageError {
        StorageError::classify(err, StorageError::Read)
    }

    pub(super) fn corrupt(err: impl std::fmt::Display) -> StorageError {
        StorageError::Corrupt(err.to_string())
    }

    /// Whether the browser refused for lack of space.
    pub fn is_quota_exceeded(&self) -> bool {
        matches!(self, StorageError::QuotaExceeded(_))
    }

    /// The DOM exception's name is the only reliable sign of a full quota; rexie keeps
    /// it inside its message.
    fn classify(err: rexie::Error, otherwise: fn(Rc<rexie::Error>) -> StorageError) -> StorageError {
        let text = format!("{err} {err:?}");
        if text.contains("QuotaExceeded") {
            StorageError::QuotaExceeded(Rc::new(err))
        } else {
            otherwise(Rc::new(err))
        }
    }
}
