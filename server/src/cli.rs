//! The administrator commands behind `hoctap criteria …`, `hoctap score` and `hoctap
//! admin invite`, written as functions from inputs to (output, exit code) so tests run
//! them without a process.

use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::criteria::{self, shipped, CriteriaSet};
use hoctap_shared::diagnostic::Severity;
use hoctap_shared::scoring::{self, Evaluation};

use crate::{auth, ApiError, AppState};

/// What a command prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Report {
    fn ok(stdout: String) -> Report {
        Report { stdout, stderr: String::new(), code: 0 }
    }

    fn fail(stderr: String, code: i32) -> Report {
        Report { stdout: String::new(), stderr, code }
    }
}

/// `hoctap criteria check FILE`: every diagnostic, one per line, then a summary.
/// Exit 1 when there are errors, 0 otherwise (warnings alone do not fail).
pub fn criteria_check(file_name: &str, text: &str) -> Report {
    let parsed = criteria::parse(text);
    let mut out = String::new();
    for diagnostic in &parsed.diagnostics {
        out.push_str(&format!("{file_name}: {diagnostic}\n"));
    }
    let errors = parsed.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = parsed.diagnostics.len() - errors;
    match &parsed.set {
        Some(set) => {
            let indicators = set.indicators().count();
            out.push_str(&format!(
                "{file_name}: hợp lệ — {} \"{}\" phiên bản {}, {} tiêu chí, {indicators} chỉ số, {warnings} cảnh báo\n",
                set.id,
                set.name,
                set.version,
                set.criteria.len()
            ));
            Report::ok(out)
        }
        None => {
            out.push_str(&format!("{file_name}: không hợp lệ — {errors} lỗi, {warnings} cảnh báo\n"));
            Report { stdout: out, stderr: String::new(), code: 1 }
        }
    }
}

/// `hoctap criteria list`: the shipped sets.
pub fn criteria_list() -> Report {
    let mut out = String::new();
    for set in shipped::all() {
        let status = match set.status {
            criteria::SetStatus::Official => "chính thức",
            criteria::SetStatus::Provisional => "tạm thời",
        };
        out.push_str(&format!("{}\t{}\t{}\t{}\t{}\n", set.id, set.version, set.model.key(), status, set.name));
    }
    Report::ok(out)
}

/// Where the set to score against comes from.
#[derive(Debug, Clone)]
pub enum SetSource {
    Shipped(String),
    File { name: String, text: String },
}

/// The largest evaluation file `hoctap score` reads. A real one is a few kilobytes;
/// the bound keeps a runaway file (or a giant string inside one) from filling memory.
pub const MAX_EVALUATION_BYTES: u64 = 64 * 1024 * 1024;

/// `hoctap score`: the outcome as pretty JSON on stdout; errors in Vietnamese on
/// stderr with exit 1 (bad evaluation) or 2 (bad set or unreadable input).
pub fn score(source: &SetSource, evaluation_json: &str) -> Report {
    score_from(source, evaluation_json.as_bytes())
}

/// [`score`] reading the evaluation as it streams in (a file, standard input): at most
/// [`MAX_EVALUATION_BYTES`], and past [`scoring::MAX_SCORES`] answers only counted, so
/// a file of millions of answers is refused in bounded memory with a short message.
pub fn score_from(source: &SetSource, evaluation: impl std::io::Read) -> Report {
    let set: CriteriaSet = match source {
        SetSource::Shipped(id) => match shipped::get(id) {
            Some(set) => set,
            None => {
                let known: Vec<String> = shipped::all().into_iter().map(|s| s.id).collect();
                return Report::fail(format!("Không có bộ tiêu chí {id:?}; các bộ có sẵn: {}\n", known.join(", ")), 2);
            }
        },
        SetSource::File { name, text } => match criteria::parse(text).into_result() {
            Ok(set) => set,
            Err(err) => return Report::fail(format!("{name}: {err}\n"), 2),
        },
    };
    let capped = std::io::Read::take(std::io::BufReader::new(evaluation), MAX_EVALUATION_BYTES + 1);
    let mut counted = CountingReader { inner: capped, read: 0 };
    let parsed = serde_json::from_reader::<_, Evaluation>(&mut counted);
    if counted.read > MAX_EVALUATION_BYTES {
        return Report::fail(
            format!("Phiếu đánh giá lớn hơn {} MB: không đọc tiếp\n", MAX_EVALUATION_BYTES / (1024 * 1024)),
            2,
        );
    }
    let evaluation = match parsed {
        Ok(e) => e,
        // The shape was wrong (a value of the wrong kind, too many answers): the file is
        // JSON, but not an evaluation.
        Err(err) if err.classify() == serde_json::error::Category::Data => {
            return Report::fail(format!("Phiếu đánh giá không dùng được: {err}\n"), 2)
        }
        Err(err) => return Report::fail(format!("Phiếu đánh giá không đúng định dạng JSON: {err}\n"), 2),
    };
    match scoring::score(&set, &evaluation) {
        Ok(outcome) => match serde_json::to_string_pretty(&outcome) {
            Ok(json) => Report::ok(json + "\n"),
            Err(err) => Report::fail(format!("Không ghi được kết quả: {err}\n"), 2),
        },
        Err(err) => Report::fail(format!("{err}\n"), 1),
    }
}

/// Counts the bytes read, to tell a file cut at the size bound from a truncated one.
struct CountingReader<R> {
    inner: R,
    read: u64,
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// `hoctap admin invite`: what the operator asked for.
#[derive(Debug, Clone)]
pub struct AdminInvite {
    /// A role key (`province_admin`).
    pub role: String,
    pub unit: String,
    pub display_name: String,
    pub valid_hours: u32,
}

/// `hoctap admin invite`: writes a one-time invitation into the store behind `state`
/// (whose `auth.public_url` is the address put in the link) and prints the link. This
/// is how the first province administrator is made: nothing has a default password.
/// Exit 2 when the request is refused, 1 when the store fails.
pub fn admin_invite(state: &AppState, request: &AdminInvite) -> Report {
    let Some(role) = Role::from_key(&request.role) else {
        let known: Vec<&str> = Role::ALL.iter().map(|role| role.key()).collect();
        return Report::fail(
            format!("Vai trò {:?} không hợp lệ; dùng một trong: {}\n", request.role, known.join(", ")),
            2,
        );
    };
    let create = CreateInvitation {
        role,
        unit: request.unit.clone(),
        display_name: request.display_name.clone(),
        valid_hours: Some(request.valid_hours),
    };
    let invitation = match auth::create_invitation(state, &create, None) {
        Ok(invitation) => invitation,
        Err(err) => {
            let code = if matches!(err, ApiError::Store(_) | ApiError::Crypto { .. }) { 1 } else { 2 };
            return Report::fail(format!("{}\n", err.messages().0), code);
        }
    };
    let unit_name = state.unit(&invitation.unit).ok().flatten().map(|unit| unit.full_name()).unwrap_or_default();
    let api = format!("{}/api/v1/invitations/{}/accept", state.auth.public_url.trim_end_matches('/'), invitation.token);
    Report::ok(format!(
        "Lời mời dùng một lần: {} — {unit_name} ({}), cho {}, hết hạn sau {} giờ.\n\
         {}\n\n\
         Người được mời mở liên kết trên trong trình duyệt để chọn tên đăng nhập và mật khẩu.\n\
         Cũng có thể nhận lời mời bằng API:\n  \
         curl -X POST {api} -H 'Content-Type: application/json' \\\n    \
         -d '{{\"username\": \"<tên đăng nhập>\", \"password\": \"<mật khẩu, ít nhất 10 ký tự>\"}}'\n",
        role.title(),
        invitation.unit,
        request.display_name.trim(),
        request.valid_hours,
        invitation.link,
    ))
}
