//! The server's one error type. Each variant maps to an HTTP status and a JSON body
//! with a stable code and a message in Vietnamese (and English); internal details are
//! logged, never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::accounts::{Action, CredentialProblem, Role};
use hoctap_shared::diagnostic::Diagnostic;
use hoctap_shared::units::UnitKind;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found: {what}")]
    NotFound { what: String },

    /// The request body is not what the endpoint takes (bad JSON, wrong shape).
    #[error("bad request: {detail}")]
    BadRequest { detail: String },

    /// A domain rule refused the input (a score out of range, a wrong set …).
    #[error(transparent)]
    Domain(#[from] hoctap_shared::Error),

    /// A criteria file with errors; every diagnostic is returned.
    #[error("invalid criteria set")]
    InvalidCriteria { diagnostics: Vec<Diagnostic> },

    /// A province publishing a set under the id of a shipped set.
    #[error("criteria set id {id} is a shipped set's")]
    CriteriaIdShipped { id: String },

    /// A province publishing a set under an id another province published.
    #[error("criteria set id {id} is another province's")]
    CriteriaIdTaken { id: String },

    /// A province publishing a version of its set that it already published.
    #[error("criteria set {id} version {version} already published")]
    CriteriaVersionExists { id: String, version: String },

    /// A province publishing a version not above its newest of the same set.
    #[error("criteria version {version} is not above {newest}")]
    CriteriaVersionNotNewer { version: String, newest: String },

    /// A plan with errors; every diagnostic is returned.
    #[error("invalid plan")]
    InvalidPlan { diagnostics: Vec<Diagnostic> },

    /// A document could not be rendered (a spreadsheet writer failed). Logged in full.
    #[error("document: {detail}")]
    Document { detail: String },

    /// A hamlet assigned to a new commune its old commune did not go into.
    #[error("{unit} cannot be assigned to {to}")]
    BadAssignment { unit: String, to: String },

    /// A district that cannot be registered as sent; every problem is listed.
    #[error("district refused: {problems:?}")]
    BadDistrict { problems: Vec<String> },

    /// A province's report recipients or recognising authorities with problems, each
    /// in Vietnamese.
    #[error("invalid authorities: {} problem(s)", problems.len())]
    InvalidAuthorities { problems: Vec<String> },

    /// A self-assessment campaign with problems, each in Vietnamese.
    #[error("invalid campaign: {} problem(s)", problems.len())]
    InvalidCampaign { problems: Vec<String> },

    /// A citizen's answer with problems, each in Vietnamese.
    #[error("invalid answer: {} problem(s)", problems.len())]
    InvalidAnswer { problems: Vec<String> },

    /// The campaign takes no more answers: closed, or past its last day.
    #[error("campaign closed")]
    CampaignClosed { why: String },

    /// The campaign took as many answers as its officer allowed.
    #[error("campaign full")]
    CampaignFull,

    /// Too many requests from one address or to one campaign; retry after
    /// `retry_after_s` seconds.
    #[error("too many requests; retry after {retry_after_s} s")]
    TooManyRequests { retry_after_s: u64 },

    /// An answer already accepted or discarded, or a person who cannot take it.
    #[error("answer not waiting: {detail}")]
    AnswerNotWaiting { detail: String },

    /// Storage failed. Logged in full; the client only learns that it failed, or that
    /// the disk is full (507 `storage_full`: nothing of the request was acknowledged, so
    /// the device keeps it and retries).
    #[error("storage: {0}")]
    Store(#[from] crate::store::StoreError),

    /// No valid session: the token is missing, unknown, expired or revoked.
    #[error("unauthenticated")]
    Unauthenticated,

    /// A login with an unknown username or a wrong password (the two are not told
    /// apart, so usernames cannot be probed).
    #[error("wrong username or password")]
    WrongCredentials,

    /// The right password of an account an administrator revoked: it stays shut until a
    /// province administrator restores it. Only told after the password matched, so it
    /// reveals nothing to someone guessing.
    #[error("account disabled")]
    AccountDisabled,

    /// Too many failed logins for one username; the next attempt is allowed after
    /// `retry_after_s` seconds.
    #[error("too many failed logins; retry after {retry_after_s} s")]
    TooManyAttempts { retry_after_s: u64 },

    /// The account's role does not allow the action, or the unit lies outside its scope.
    #[error("forbidden: {action:?} on {unit}")]
    Forbidden { action: Action, unit: String },

    /// The caller may not invite anyone to this role.
    #[error("role {role:?} may not be invited by this account")]
    RoleNotInvitable { role: Role },

    /// A role attached to the wrong kind of unit (a hamlet collaborator on a commune).
    #[error("role {role:?} does not fit unit {unit}")]
    RoleDoesNotFitUnit { role: Role, unit: String },

    /// An operation on a unit of the wrong kind (hamlets are created under communes).
    #[error("unit {unit} is not a current {expected:?}")]
    WrongUnitKind { unit: String, expected: UnitKind },

    /// A new username or password broke the rules; every problem is listed.
    #[error("credentials refused: {problems:?}")]
    CredentialsRefused { problems: Vec<CredentialProblem> },

    #[error("username {username} is taken")]
    UsernameTaken { username: String },

    /// An invitation that never existed or was already used (not told apart).
    #[error("invitation not found or already used")]
    InvitationNotFound,

    #[error("invitation expired")]
    InvitationExpired,

    /// Sending again an invitation that was accepted or revoked.
    #[error("invitation accepted or revoked")]
    InvitationClosed,

    /// An account revoking (or restoring) itself: a manager could lock itself out.
    #[error("an account may not revoke or restore itself")]
    OwnAccount,

    /// A backup file that cannot be restored (`line` 0 when not tied to one line).
    #[error("backup line {line}: {detail}")]
    Backup { line: usize, detail: String },

    /// Restore needs an empty data directory.
    #[error("data directory not empty")]
    DataDirNotEmpty,

    /// A request body over the endpoint's size limit.
    #[error("request body too large")]
    BodyTooLarge,

    /// An evidence file over the size limit.
    #[error("evidence of {size} bytes exceeds {max}")]
    EvidenceTooLarge { size: usize, max: usize },

    /// An evidence file whose content is not JPEG, PNG, WebP or PDF.
    #[error("evidence type not allowed")]
    EvidenceTypeNotAllowed,

    /// The uploaded bytes do not hash to the address they were sent to (a truncated or
    /// corrupted upload).
    #[error("evidence hash mismatch: claimed {claimed}, actual {actual}")]
    EvidenceHashMismatch { claimed: String, actual: String },

    /// A push in another protocol version than this server speaks.
    #[error("protocol {got} not supported")]
    UnsupportedProtocol { got: u32 },

    /// A register import is already running for the commune.
    #[error("an import is running for this commune")]
    ImportRunning,

    /// The file sent to confirm an import is not the one previewed (its SHA-256 differs).
    #[error("import file differs from the previewed one")]
    ImportFileChanged,

    /// A hamlet cannot be closed or merged as asked; `problem` says why, in Vietnamese.
    #[error("hamlet not closable: {problem}")]
    HamletNotClosable { problem: String },

    /// Hashing a password or drawing random bytes failed. Logged; never sent.
    #[error("crypto: {detail}")]
    Crypto { detail: String },
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    message_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    diagnostics: Vec<Diagnostic>,
    /// The codes of refused credentials (`password_too_short` …), so a form can mark
    /// each field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<&'static str>,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::InvalidCriteria { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_criteria_set"),
            ApiError::InvalidPlan { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_plan"),
            ApiError::CriteriaIdShipped { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "criteria_id_shipped"),
            ApiError::CriteriaIdTaken { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "criteria_id_taken"),
            ApiError::CriteriaVersionExists { .. } => (StatusCode::CONFLICT, "criteria_version_exists"),
            ApiError::CriteriaVersionNotNewer { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "criteria_version_not_newer")
            }
            ApiError::Document { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "document_failed"),
            ApiError::BadAssignment { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "bad_assignment"),
            ApiError::BadDistrict { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "bad_district"),
            ApiError::InvalidAuthorities { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_authorities"),
            ApiError::InvalidCampaign { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_campaign"),
            ApiError::InvalidAnswer { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_answer"),
            ApiError::CampaignClosed { .. } => (StatusCode::GONE, "campaign_closed"),
            ApiError::CampaignFull => (StatusCode::CONFLICT, "campaign_full"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::AnswerNotWaiting { .. } => (StatusCode::CONFLICT, "answer_not_waiting"),
            ApiError::Store(crate::store::StoreError::Full(_)) => (StatusCode::INSUFFICIENT_STORAGE, "storage_full"),
            ApiError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "storage_failed"),
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::WrongCredentials => (StatusCode::UNAUTHORIZED, "wrong_credentials"),
            ApiError::AccountDisabled => (StatusCode::FORBIDDEN, "account_disabled"),
            ApiError::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            ApiError::Forbidden { .. } => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::EvidenceTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "evidence_too_large"),
            ApiError::BodyTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
            ApiError::Backup { .. } => (StatusCode::BAD_REQUEST, "backup_invalid"),
            ApiError::DataDirNotEmpty => (StatusCode::CONFLICT, "data_dir_not_empty"),
            ApiError::EvidenceTypeNotAllowed => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "evidence_type_not_allowed"),
            ApiError::EvidenceHashMismatch { .. } => (StatusCode::BAD_REQUEST, "evidence_hash_mismatch"),
            ApiError::UnsupportedProtocol { .. } => (StatusCode::BAD_REQUEST, "unsupported_protocol"),
            ApiError::RoleNotInvitable { .. } => (StatusCode::FORBIDDEN, "role_not_invitable"),
            ApiError::RoleDoesNotFitUnit { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "role_does_not_fit_unit"),
            ApiError::WrongUnitKind { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_unit_kind"),
            ApiError::CredentialsRefused { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "credentials_refused"),
            ApiError::UsernameTaken { .. } => (StatusCode::CONFLICT, "username_taken"),
            ApiError::InvitationNotFound => (StatusCode::NOT_FOUND, "invitation_not_found"),
            ApiError::InvitationExpired => (StatusCode::GONE, "invitation_expired"),
            ApiError::InvitationClosed => (StatusCode::CONFLICT, "invitation_closed"),
            ApiError::OwnAccount => (StatusCode::UNPROCESSABLE_ENTITY, "own_account"),
            ApiError::Crypto { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
            ApiError::ImportRunning => (StatusCode::CONFLICT, "import_running"),
            ApiError::ImportFileChanged => (StatusCode::CONFLICT, "import_file_changed"),
            ApiError::HamletNotClosable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "hamlet_not_closable"),
            ApiError::Domain(err) => match err {
                hoctap_shared::Error::UnknownSet { .. } => (StatusCode::NOT_FOUND, err.code()),
                _ => (StatusCode::UNPROCESSABLE_ENTITY, err.code()),
            },
        }
    }

    /// The Vietnamese and English messages (also what the command line prints).
    pub fn messages(&self) -> (String, String) {
        match self {
            ApiError::NotFound { what } => (format!("Không tìm thấy: {what}"), format!("Not found: {what}")),
            ApiError::BadRequest { detail } => {
                (format!("Yêu cầu không hợp lệ: {detail}"), format!("Bad request: {detail}"))
            }
            ApiError::InvalidPlan { diagnostics } => (
                format!(
                    "Kế hoạch có {} lỗi, xem danh sách chẩn đoán",
                    diagnostics.iter().filter(|d| d.is_error()).count()
                ),
                "The plan has errors; see the diagnostics".to_string(),
            ),
            ApiError::CriteriaIdShipped { id } => (
                format!("Mã {id:?} là mã của một bộ tiêu chí có sẵn; hãy đặt mã riêng cho bộ của tỉnh."),
                format!("{id:?} is the id of a shipped set; give the province's set an id of its own."),
            ),
            ApiError::CriteriaIdTaken { id } => (
                format!("Mã {id:?} đã được một tỉnh khác dùng cho bộ tiêu chí của tỉnh đó; hãy đặt mã riêng, ví dụ thêm tên tỉnh."),
                format!("{id:?} is another province's set; give the province's set an id of its own."),
            ),
            ApiError::CriteriaVersionExists { id, version } => (
                format!("Phiên bản {version} của bộ {id} đã được ban hành; hãy nâng số phiên bản."),
                format!("Version {version} of {id} is already published; raise the version."),
            ),
            ApiError::CriteriaVersionNotNewer { version, newest } => (
                format!("Phiên bản {version} không cao hơn phiên bản mới nhất đã ban hành ({newest})."),
                format!("Version {version} is not above the newest published ({newest})."),
            ),
            ApiError::Document { .. } => (
                "Máy chủ không tạo được tệp; vui lòng thử lại sau.".to_string(),
                "The server could not produce the file; please retry later.".to_string(),
            ),
            ApiError::BadAssignment { unit, to } => (
                format!("Không thể phân {unit} về {to}: đơn vị cũ không được sáp nhập một phần vào đơn vị này."),
                format!("{unit} cannot be assigned to {to}: its old commune was not partly merged into it."),
            ),
            ApiError::BadDistrict { problems } => (
                format!("Không đăng ký được huyện: {}.", problems.join("; ")),
                format!("The district cannot be registered: {} problem(s), listed in Vietnamese.", problems.len()),
            ),
            ApiError::InvalidAuthorities { problems } => (
                format!("Chưa lưu nơi nhận và cơ quan công nhận: {}.", problems.join("; ")),
                format!("Recipients and authorities not saved: {} problem(s), listed in Vietnamese.", problems.len()),
            ),
            ApiError::InvalidAnswer { problems } => (
                format!("Phiếu chưa gửi được: {}.", problems.join("; ")),
                format!("The answer was not taken: {} problem(s), listed in Vietnamese.", problems.len()),
            ),
            ApiError::CampaignClosed { why } => (why.clone(), "The campaign takes no more answers.".to_string()),
            ApiError::CampaignFull => (
                "Đợt tự đánh giá đã nhận đủ số phiếu. Hãy liên hệ cán bộ thôn.".to_string(),
                "The campaign has taken as many answers as it allows.".to_string(),
            ),
            ApiError::TooManyRequests { retry_after_s } => (
                format!("Máy chủ đang nhận nhiều yêu cầu. Hãy thử lại sau {retry_after_s} giây."),
                format!("Too many requests. Retry after {retry_after_s} seconds."),
            ),
            ApiError::AnswerNotWaiting { detail } => (detail.clone(), "The answer cannot be taken so.".to_string()),
            ApiError::InvalidCampaign { problems } => (
                format!("Chưa mở được đợt tự đánh giá: {}.", problems.join("; ")),
                format!("The campaign was not opened: {} problem(s), listed in Vietnamese.", problems.len()),
            ),
            ApiError::InvalidCriteria { diagnostics } => (
                format!(
                    "Bộ tiêu chí có {} lỗi, xem danh sách chẩn đoán",
                    diagnostics.iter().filter(|d| d.is_error()).count()
                ),
                "The criteria set has errors; see the diagnostics".to_string(),
            ),
            ApiError::Store(crate::store::StoreError::Full(_)) => (
                "Máy chủ đã hết dung lượng lưu trữ; thao tác chưa được lưu, thiết bị sẽ gửi lại sau.".to_string(),
                "The server has run out of storage space; nothing was saved, the device will send it again later."
                    .to_string(),
            ),
            ApiError::Store(_) => (
                "Máy chủ không ghi hoặc đọc được dữ liệu. Dữ liệu đã lưu không bị ảnh hưởng; vui lòng thử lại sau."
                    .to_string(),
                "The server could not read or write its data; stored data is unaffected. Please retry later."
                    .to_string(),
            ),
            ApiError::Domain(err) => {
                (err.to_string(), "The input was refused by a domain rule; see the Vietnamese message".to_string())
            }
            ApiError::Unauthenticated => (
                "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.".to_string(),
                "Not signed in, or the session has expired or was revoked. Please sign in again.".to_string(),
            ),
            ApiError::WrongCredentials => {
                ("Tên đăng nhập hoặc mật khẩu không đúng.".to_string(), "Wrong username or password.".to_string())
            }
            ApiError::AccountDisabled => (
                "Tài khoản đã bị khóa; liên hệ lãnh đạo xã hoặc quản trị tỉnh để mở lại.".to_string(),
                "The account is disabled; ask the commune leader or the province administrator to restore it."
                    .to_string(),
            ),
            ApiError::TooManyAttempts { retry_after_s } => (
                format!("Đăng nhập sai quá nhiều lần. Vui lòng chờ {retry_after_s} giây rồi thử lại."),
                format!("Too many failed logins. Please wait {retry_after_s} seconds and try again."),
            ),
            ApiError::EvidenceTooLarge { size, max } => (
                format!(
                    "Tệp minh chứng {} KB vượt giới hạn {} KB; hãy chụp lại hoặc thu nhỏ ảnh.",
                    size / 1024,
                    max / 1024
                ),
                format!("The evidence file ({} KB) exceeds the limit of {} KB.", size / 1024, max / 1024),
            ),
            ApiError::Backup { line, detail } => (
                if *line == 0 {
                    format!("Bản sao lưu không dùng được: {detail}")
                } else {
                    format!("Bản sao lưu không dùng được (dòng {line}): {detail}")
                },
                format!("The backup cannot be restored (line {line}): {detail}"),
            ),
            ApiError::DataDirNotEmpty => (
                "Chỉ khôi phục vào thư mục dữ liệu trống, để không trộn lẫn hai kho dữ liệu.".to_string(),
                "Restore only into an empty data directory.".to_string(),
            ),
            ApiError::BodyTooLarge => (
                "Dữ liệu gửi lên quá lớn; hãy gửi thành nhiều lần nhỏ hơn.".to_string(),
                "The request body is too large; send it in smaller parts.".to_string(),
            ),
            ApiError::EvidenceTypeNotAllowed => (
                "Chỉ nhận minh chứng là ảnh JPEG, PNG, WebP hoặc tệp PDF (kiểm tra theo nội dung tệp).".to_string(),
                "Only JPEG, PNG, WebP images and PDF files are accepted (checked by content).".to_string(),
            ),
            ApiError::EvidenceHashMismatch { .. } => (
                "Tệp tải lên không khớp mã SHA-256 (tệp bị cắt hoặc hỏng khi truyền); thiết bị sẽ tải lại.".to_string(),
                "The uploaded bytes do not match their SHA-256 (truncated or corrupted); upload again.".to_string(),
            ),
            ApiError::UnsupportedProtocol { got } => (
                format!("Phiên bản giao thức đồng bộ {got} không được hỗ trợ; hãy tải lại ứng dụng."),
                format!("Sync protocol version {got} is not supported; reload the app."),
            ),
            // The unit is logged, not sent: it may be an id, or a unit the caller may not
            // learn anything about.
            ApiError::Forbidden { action, .. } => (
                format!("Tài khoản không có quyền {} đối với đơn vị này.", action.verb()),
                format!("This account may not {} this unit.", action_en(*action)),
            ),
            ApiError::RoleNotInvitable { role } => (
                format!("Tài khoản không được mời người khác vào vai trò {}.", role.title()),
                format!("This account may not invite anyone to the role {}.", role.key()),
            ),
            ApiError::RoleDoesNotFitUnit { role, unit } => (
                match role.unit_kind() {
                    Some(kind) => format!(
                        "Vai trò {} phải gắn với một {} đang hoạt động; {unit} không phải.",
                        role.title(),
                        kind_vi(kind)
                    ),
                    None => format!("Đơn vị {unit} không tồn tại hoặc không còn hoạt động."),
                },
                format!("The role {} does not fit unit {unit}.", role.key()),
            ),
            ApiError::WrongUnitKind { unit, expected } => (
                format!("Đơn vị {unit} không phải là {} đang hoạt động.", kind_vi(*expected)),
                format!("Unit {unit} is not a current {expected:?}."),
            ),
            ApiError::CredentialsRefused { problems } => (
                problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
                format!(
                    "The username or password was refused: {}",
                    problems.iter().map(|p| p.code()).collect::<Vec<_>>().join(", ")
                ),
            ),
            ApiError::UsernameTaken { username } => (
                format!("Tên đăng nhập {username:?} đã có người dùng; vui lòng chọn tên khác."),
                format!("The username {username:?} is taken; please choose another."),
            ),
            ApiError::InvitationNotFound => (
                "Lời mời không tồn tại hoặc đã được dùng. Vui lòng xin quản trị viên một lời mời mới.".to_string(),
                "The invitation does not exist or was already used. Ask an administrator for a new one.".to_string(),
            ),
            ApiError::InvitationExpired => (
                "Lời mời đã hết hạn. Vui lòng xin quản trị viên một lời mời mới.".to_string(),
                "The invitation has expired. Ask an administrator for a new one.".to_string(),
            ),
            ApiError::ImportRunning => (
                "Xã đang nhập một tệp danh sách; hãy chờ lần nhập đó xong rồi thử lại.".to_string(),
                "An import is already running for this commune; wait for it to finish.".to_string(),
            ),
            ApiError::ImportFileChanged => (
                "Tệp gửi lên khác với tệp đã xem trước; hãy xem trước lại rồi xác nhận.".to_string(),
                "The file differs from the one previewed; preview it again, then confirm.".to_string(),
            ),
            ApiError::HamletNotClosable { problem } => {
                (problem.clone(), "The hamlet cannot be closed as asked; see the Vietnamese message".to_string())
            }
            ApiError::InvitationClosed => (
                "Lời mời này đã được nhận hoặc đã bị thu hồi nên không gửi lại được; hãy tạo lời mời mới nếu cần."
                    .to_string(),
                "This invitation was accepted or revoked and cannot be sent again; create a new one if needed."
                    .to_string(),
            ),
            ApiError::OwnAccount => (
                "Không thể tự khóa hay mở lại tài khoản của chính mình; hãy nhờ người quản lý khác.".to_string(),
                "An account cannot revoke or restore itself; ask another manager.".to_string(),
            ),
            ApiError::Crypto { .. } => (
                "Máy chủ gặp lỗi nội bộ; vui lòng thử lại sau.".to_string(),
                "The server hit an internal error; please retry later.".to_string(),
            ),
        }
    }
}

fn action_en(action: Action) -> &'static str {
    match action {
        Action::Read => "read",
        Action::Write => "write to",
        Action::Review => "review",
        Action::Administer => "administer",
    }
}

fn kind_vi(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Province => "tỉnh, thành phố",
        UnitKind::District => "huyện",
        UnitKind::Commune => "xã, phường, đặc khu",
        UnitKind::Hamlet => "thôn, tổ dân phố",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let (message, message_en) = self.messages();
        let problems = match &self {
            ApiError::CredentialsRefused { problems } => problems.iter().map(|p| p.code()).collect(),
            _ => Vec::new(),
        };
        // Headers the HTTP specification asks for: how to authenticate, when to retry.
        let extra_header = match &self {
            ApiError::Unauthenticated => Some((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))),
            ApiError::TooManyAttempts { retry_after_s } | ApiError::TooManyRequests { retry_after_s } => {
                Some((header::RETRY_AFTER, HeaderValue::from(*retry_after_s)))
            }
            _ => None,
        };
        let diagnostics = match self {
            ApiError::InvalidCriteria { diagnostics } | ApiError::InvalidPlan { diagnostics } => diagnostics,
            ApiError::Domain(hoctap_shared::Error::InvalidData(diagnostics)) => diagnostics,
            _ => Vec::new(),
        };
        let body = Json(ErrorBody { error: ErrorDetail { code, message, message_en, diagnostics, problems } });
        let mut response = (status, body).into_response();
        if let Some((name, value)) = extra_header {
            response.headers_mut().insert(name, value);
        }
        response
    }
}
