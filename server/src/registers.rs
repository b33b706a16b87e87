//! Registers of households and people imported from a commune's spreadsheet, and
//! exported in the same layout. The checks and the comparison with what is stored are
//! `hoctap_shared::import`'s; this module reads the uploaded XLSX or CSV into rows,
//! gathers the commune's hamlets and stored records, and runs a confirmed import as a
//! job: its changes become ordinary `set_fields` operations pushed through
//! [`crate::sync::push`] as the signed-in account, so every authority check applies and
//! the hamlets' devices receive them by sync.
//!
//! Jobs live in memory ([`Jobs`]): a restart forgets their progress, not their work —
//! what was pushed is in the log, and confirming the same file again writes only what
//! is still missing.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek};
use std::sync::Mutex;

use calamine::{Data, Reader, Xlsx};
use hoctap_shared::accounts::Account;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::import::{self, Change, Hamlet, ImportJob, JobState, SheetRow};
use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{OpBody, Operation, RecordKind, MAX_OPS_PER_PUSH};
use hoctap_shared::units::{OrgUnit, UnitKind};
use hoctap_shared::Error as DomainError;

use crate::store::StoreError;
use crate::{ApiError, AppState};

/// The most bytes an uploaded workbook may unpack to (its sheets' XML): a 10 MB file of
/// 50,000 rows unpacks to about 20 MB; a zip bomb far more.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;

/// The most rows read from a file before it is refused as too long (blank rows
/// included; the data rows are bounded by [`import::MAX_ROWS`]).
const MAX_READ_ROWS: usize = 2 * import::MAX_ROWS;

/// The most cells read from a workbook's sheet.
const MAX_CELLS: usize = MAX_READ_ROWS * 40;

fn unreadable(detail: impl Into<String>) -> ApiError {
    ApiError::Domain(DomainError::ImportUnreadable { detail: detail.into() })
}

/// The rows of an uploaded file, told apart by their bytes: an XLSX workbook (a zip) or
/// a UTF-8 CSV (with or without a byte order mark, separated by commas, semicolons or
/// tabs, whichever the first line uses most).
pub fn read_rows(bytes: &[u8]) -> Result<Vec<SheetRow>, ApiError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(unreadable("đây là tệp Excel cũ (.xls); hãy mở bằng Excel và lưu thành .xlsx hoặc CSV"));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| unreadable("tệp không phải XLSX, cũng không phải CSV mã hóa UTF-8"))?;
    if text.trim().is_empty() {
        return Err(unreadable("tệp trống"));
    }
    if text.contains('\0') {
        return Err(unreadable("tệp không phải XLSX, cũng không phải CSV mã hóa UTF-8"));
    }
    read_csv(text)
}

fn read_csv(text: &str) -> Result<Vec<SheetRow>, ApiError> {
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        if index >= MAX_READ_ROWS {
            return Err(ApiError::Domain(DomainError::ImportTooManyRows { max: import::MAX_ROWS }));
        }
        let record = record.map_err(|err| unreadable(format!("CSV lỗi ở dòng {}: {err}", index + 1)))?;
        rows.push(SheetRow { number: index + 1, cells: record.iter().map(str::to_string).collect() });
    }
    Ok(rows)
}

/// The unpacked size of a zip's entries, as its directory declares them (the reader
/// stops at the declared size).
pub(crate) fn unpacked_size<R: Read + Seek>(reader: R) -> Result<u64, ApiError> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|_| unreadable("tệp XLSX hỏng"))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| unreadable("tệp XLSX hỏng"))?;
        total = total.saturating_add(entry.size());
    }
    Ok(total)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<SheetRow>, ApiError> {
    if unpacked_size(Cursor::new(bytes))? > MAX_UNPACKED_BYTES {
        return Err(unreadable("tệp XLSX giải nén ra quá lớn; hãy chỉ giữ lại bảng danh sách"));
    }
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable("tệp XLSX hỏng hoặc không phải bảng tính"))?;
    let names = workbook.sheet_names();
    // The template's sheet when there is one, else the first.
    let name = names
        .iter()
        .find(|n| import::compact(n) == "danhsach")
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| unreadable("bảng tính không có trang nào"))?;
    let range = workbook.worksheet_range(&name).map_err(|_| unreadable(format!("không đọc được trang “{name}”")))?;
    let Some((first_row, _)) = range.start() else { return Ok(Vec::new()) };
    let (height, width) = range.get_size();
    if height > MAX_READ_ROWS {
        return Err(ApiError::Domain(DomainError::ImportTooManyRows { max: import::MAX_ROWS }));
    }
    if height.saturating_mul(width) > MAX_CELLS {
        return Err(unreadable("trang danh sách có quá nhiều cột; hãy chỉ giữ lại các cột của tệp mẫu"));
    }
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| SheetRow { number: first_row as usize + i + 1, cells: cells.iter().map(cell_text).collect() })
        .collect())
}

/// A cell as the officer sees it: whole numbers without a decimal point, dates as
/// dd/mm/yyyy, yes/no as Có/Không.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "Có" } else { "Không" }.to_string(),
        Data::DateTime(d) => {
            // Days since 1899-12-30, Excel's day zero (25,569 days before 1970).
            let days = d.as_f64().floor() as i64 - 25_569;
            let date = hoctap_shared::date::Date::in_vietnam(days * 86_400_000);
            format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
        }
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// The commune's current hamlets, by full name, and the stored views of its households
/// and people (those in its hamlets, archived ones included, and at the commune).
pub fn gather(state: &AppState, commune: &str) -> Result<(Vec<Hamlet>, Vec<RecordView>), StoreError> {
    let mut all: Vec<OrgUnit> = Vec::new();
    crate::store::units::for_each(state.store.as_ref(), "hamlet:", |unit| {
        if unit.kind == UnitKind::Hamlet && unit.parent.as_deref() == Some(commune) {
            all.push(unit);
        }
        Ok(())
    })?;
    let mut views = Vec::new();
    for part in std::iter::once(commune.to_string()).chain(all.iter().map(|u| u.id.clone())) {
        views.extend(
            crate::figures::part_views(state, &part)?
                .into_iter()
                .filter(|v| matches!(v.record.kind, RecordKind::Household | RecordKind::Person)),
        );
    }
    let mut hamlets: Vec<Hamlet> = all
        .into_iter()
        .filter(|u| u.valid_to.is_none())
        .map(|u| Hamlet { full_name: u.full_name(), name: u.name.clone(), unit: u.id })
        .collect();
    hamlets.sort_by(|a, b| {
        (hoctap_shared::text::fold(&a.full_name), &a.unit).cmp(&(hoctap_shared::text::fold(&b.full_name), &b.unit))
    });
    Ok((hamlets, views))
}

/// The preview of importing `rows` into `commune` as things stand.
pub fn plan(state: &AppState, commune: &str, rows: &[SheetRow], sha256: &str) -> Result<import::Plan, ApiError> {
    let (hamlets, stored) = gather(state, commune)?;
    let year = hoctap_shared::date::Date::in_vietnam(state.clock.now_ms()).year();
    let ctx = import::Context { commune, hamlets: &hamlets, stored: &stored, year };
    let mut plan = import::plan(rows, &ctx)?;
    plan.preview.file_sha256 = sha256.to_string();
    Ok(plan)
}

/// How many finished jobs are remembered.
const KEPT_JOBS: usize = 100;

/// Import jobs by id, with the commune each imports into.
#[derive(Debug, Default)]
pub struct Jobs {
    jobs: Mutex<BTreeMap<String, (String, ImportJob, u64)>>,
    started: std::sync::atomic::AtomicU64,
}

impl Jobs {
    /// Registers a running job, unless the commune has one running already.
    fn start(&self, commune: &str, job: ImportJob) -> Result<(), ApiError> {
        let mut jobs = self.jobs.lock().map_err(|_| ApiError::ImportRunning)?;
        if jobs.values().any(|(c, j, _)| c == commune && j.state == JobState::Running) {
            return Err(ApiError::ImportRunning);
        }
        let order = self.started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        jobs.insert(job.job.clone(), (commune.to_string(), job, order));
        // Forget the oldest finished jobs beyond the bound.
        while jobs.len() > KEPT_JOBS {
            let oldest = jobs
                .iter()
                .filter(|(_, (_, j, _))| j.state != JobState::Running)
                .min_by_key(|(_, (_, _, order))| *order)
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => jobs.remove(&id),
                None => break,
            };
        }
        Ok(())
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut ImportJob)) {
        if let Ok(mut jobs) = self.jobs.lock() {
            if let Some((_, job, _)) = jobs.get_mut(id) {
                change(job);
            }
        }
    }

    /// A job of `commune`, as it stands.
    pub fn get(&self, commune: &str, id: &str) -> Option<ImportJob> {
        let jobs = self.jobs.lock().ok()?;
        jobs.get(id).filter(|(c, _, _)| c == commune).map(|(_, job, _)| job.clone())
    }
}

/// The most refusals explained in a job's messages.
const MAX_MESSAGES: usize = 20;

/// Starts importing `plan` into `commune` as `account`; returns the job as it starts.
/// The work runs on its own task, pushing at most [`MAX_OPS_PER_PUSH`] operations at a
/// time, each batch durable before the next, and the job's progress moves after each.
pub fn start(state: &AppState, commune: &str, account: Account, plan: import::Plan) -> Result<ImportJob, ApiError> {
    let mut raw = [0u8; 8];
    getrandom::fill(&mut raw).map_err(|err| ApiError::Crypto { detail: format!("getrandom: {err}") })?;
    let id = crate::hex::to_hex(&raw);
    let preview = &plan.preview;
    let job = ImportJob {
        job: id.clone(),
        state: JobState::Running,
        done_rows: 0,
        total_rows: preview.rows,
        created: 0,
        updated: 0,
        unchanged: preview.households.unchanged + preview.people.unchanged,
        skipped: preview.skipped_rows,
        refused: 0,
        messages: Vec::new(),
    };
    state.imports.start(commune, job.clone())?;
    let state = state.clone();
    tokio::spawn(async move {
        let outcome = run(&state, &id, account, plan.changes).await;
        state.imports.update(&id, |job| match outcome {
            Ok(()) => {
                job.state = JobState::Done;
                job.done_rows = job.total_rows;
            }
            Err(error) => {
                tracing::error!(%error, job = %id, "import failed");
                job.state = JobState::Failed;
                job.messages.push(error.messages().0);
            }
        });
    });
    Ok(job)
}

/// The operations of the changes, stamped with the server's clock on the job's own
/// device id (`nhap.<job>`), and pushed batch by batch.
async fn run(state: &AppState, id: &str, account: Account, changes: Vec<Change>) -> Result<(), ApiError> {
    let device = format!("nhap.{id}");
    let mut hlc = Hlc::zero(&device);
    let mut made = 0usize;
    for batch in changes.chunks(MAX_OPS_PER_PUSH) {
        let mut ops = Vec::with_capacity(batch.len());
        for change in batch {
            made += 1;
            hlc = hlc.tick(state.clock.now_ms());
            ops.push(Operation {
                id: format!("{device}-{made:06}"),
                device: device.clone(),
                hlc: hlc.clone(),
                record: change.record.clone(),
                unit: change.unit.clone(),
                body: OpBody::SetFields { fields: change.fields.clone() },
            });
        }
        // The history names the import as the device its changes came from.
        let from = crate::sync::DeviceName { id: device.clone(), label: "Nhập sổ từ Excel".to_string() };
        let pusher = crate::sync::Pusher::Account(account.clone());
        let response = crate::sync::push_from(state, &ops, pusher, Some(from)).await?;
        let refused: BTreeMap<&str, &str> =
            response.rejected.iter().map(|r| (r.op.as_str(), r.message.as_str())).collect();
        let last = batch.last().map_or(0, |c| c.ordinal);
        state.imports.update(id, |job| {
            for (change, op) in batch.iter().zip(&ops) {
                match refused.get(op.id.as_str()) {
                    Some(message) => {
                        job.refused += 1;
                        if job.messages.len() < MAX_MESSAGES {
                            job.messages.push(format!("Dòng {}: {message}", change.row));
                        }
                    }
                    None if change.new => job.created += 1,
                    None => job.updated += 1,
                }
            }
            // The changes are in row order: every data row before the last one pushed
            // is done (that one may have more changes in the next batch).
            job.done_rows = job.done_rows.max(last.saturating_sub(1));
        });
    }
    Ok(())
}
