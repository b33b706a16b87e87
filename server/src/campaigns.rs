//! Citizens' self-assessment campaigns (issue 18): what a campaign's link shows and
//! takes without an account, where an answer stands for its citizen, the hamlet's queue
//! with the people each answer may be, and an officer's accepting or discarding of an
//! answer. Nothing a citizen sends reaches the registers by itself: accepting is the
//! officer's act, pushed through [`crate::sync::push_from`] as the officer's account,
//! so every authority check applies, and the officer then scores as usual.

use std::collections::BTreeMap;

use hoctap_shared::accounts::Account;
use hoctap_shared::archive;
use hoctap_shared::criteria::{self, CriteriaSet};
use hoctap_shared::date::Date;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge::{RecordView, Status};
use hoctap_shared::protocol::{evaluation_id, FieldEdit, OpBody, Operation, RecordId, RecordKind};
use hoctap_shared::scoring::Context;
use hoctap_shared::selfassess::{
    self, Accepted, AnswerState, Campaign, CampaignSummary, CitizenStatus, Place, PublicCampaign, QueueAnswer,
    ReceiptStatus, SelfAssessment, StoredAnswer, SubmitAnswer, MAX_PHOTO_BYTES, RECEIPT_ALPHABET, RECEIPT_CHARS,
    SELF_ASSESSMENT_FIELD,
};
use hoctap_shared::text::fold;
use hoctap_shared::units::{OrgUnit, UnitKind};

use crate::limits::Peer;
use crate::store::campaigns as stored;
use crate::store::StoreError;
use crate::{ApiError, AppState};

/// Photos a campaign takes per answer it allows (a form has a dozen indicators; most
/// citizens send none or a few).
const PHOTOS_PER_ANSWER: usize = 4;

/// A campaign that does not exist, or lies outside the caller's scope.
pub fn no_campaign() -> ApiError {
    ApiError::NotFound {
        what: "đợt tự đánh giá (đường dẫn không đúng hoặc đã bị xóa)".to_string()
    }
}

/// The person an answer makes when accepted as someone new.
fn new_person_id(campaign: &str, answer: &str) -> String {
    format!("tdg.{}.{answer}", campaign.get(..16).unwrap_or(campaign))
}

fn no_answer() -> ApiError {
    ApiError::NotFound { what: "phiếu tự đánh giá".to_string() }
}

/// The campaign `id`, or 404.
pub fn campaign(state: &AppState, id: &str) -> Result<Campaign, ApiError> {
    stored::get(state.store.as_ref(), id)?.ok_or_else(no_campaign)
}

/// The hamlets whose people answer `campaign`: its hamlet, or the commune's current
/// hamlets.
fn hamlets(state: &AppState, campaign: &Campaign) -> Result<Vec<OrgUnit>, StoreError> {
    let Some(unit) = state.unit(&campaign.unit)? else { return Ok(Vec::new()) };
    if unit.kind == UnitKind::Hamlet {
        return Ok(vec![unit]);
    }
    Ok(crate::reports::stored_children(state, &unit.id)?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Hamlet && u.valid_to.is_none())
        .collect())
}

/// `Thôn Đông, Xã Cửu An, Tỉnh Thanh Hóa`: the unit and the units above it.
fn title(state: &AppState, unit: &str) -> Result<String, StoreError> {
    let mut names = Vec::new();
    let mut current = Some(unit.to_string());
    while let Some(id) = current.take().filter(|_| names.len() < 4) {
        let Some(known) = state.unit(&id)? else { break };
        names.push(known.full_name());
        current = state.parent_of(&id)?;
    }
    Ok(names.join(", "))
}

/// Why `campaign` takes no answer on `today`, in a citizen's words; `None` while open.
fn closed_because(state: &AppState, campaign: &Campaign, today: Date) -> Result<Option<String>, StoreError> {
    Ok(if campaign.closed_at_ms.is_some() {
        Some("Đợt tự đánh giá này đã kết thúc. Cảm ơn bà con đã quan tâm.".to_string())
    } else if today > campaign.valid_until {
        Some(format!("Đợt tự đánh giá này đã hết hạn nhận phiếu ngày {}.", campaign.valid_until))
    } else if stored::count(state.store.as_ref(), &campaign.id)? >= campaign.max_answers {
        Some("Đợt tự đánh giá này đã nhận đủ số phiếu. Hãy liên hệ cán bộ thôn.".to_string())
    } else {
        None
    })
}

fn set_of(state: &AppState, campaign: &Campaign) -> Result<CriteriaSet, ApiError> {
    let sets = state.criteria()?;
    criteria::resolve(&sets, &campaign.set, Some(&campaign.set_version))
        .cloned()
        .ok_or_else(|| ApiError::NotFound { what: format!("bộ tiêu chí {}", campaign.set) })
}

/// The consent text a citizen agrees to (Nghị định 13/2023/NĐ-CP on personal data).
fn consent(title: &str, year: i32) -> String {
    format!(
        "Thông tin bạn gửi (họ tên, năm sinh, chủ hộ hoặc địa chỉ, số điện thoại nếu có, các câu trả lời \
         và ảnh) chỉ dùng để đánh giá, công nhận danh hiệu “Công dân học tập” năm {year} của {title}. Chỉ cán bộ \
         phụ trách việc đánh giá, công nhận (thôn, xã và cấp trên theo quy định) được xem; không công khai, \
         không dùng vào việc khác. Thông tin được giữ trong hồ sơ đánh giá theo quy định. Theo Nghị định \
         13/2023/NĐ-CP, bạn có quyền đề nghị xem, sửa hoặc xóa thông tin của mình bằng cách liên hệ cán bộ \
         thôn."
    )
}

/// What the link shows (`GET /c/{token}`).
pub fn public(state: &AppState, token: &str) -> Result<PublicCampaign, ApiError> {
    let campaign = campaign(state, token)?;
    let today = Date::in_vietnam(state.clock.now_ms());
    let why = closed_because(state, &campaign, today)?;
    let title = title(state, &campaign.unit)?;
    let hamlets =
        hamlets(state, &campaign)?.into_iter().map(|u| Place { name: u.full_name(), id: u.id }).collect::<Vec<_>>();
    let set = if why.is_none() { Some(set_of(state, &campaign)?) } else { None };
    Ok(PublicCampaign {
        consent: consent(&title, campaign.year),
        title,
        hamlets,
        year: campaign.year,
        valid_until: campaign.valid_until,
        open: why.is_none(),
        closed_because: why,
        set,
        max_photo_bytes: MAX_PHOTO_BYTES as u64,
    })
}

/// Takes a token of the caller's address, then of the campaign's (which must exist, so a
/// made-up token makes no bucket), and answers the campaign.
fn limited(state: &AppState, token: &str, peer: &Peer) -> Result<Campaign, ApiError> {
    let now_ms = state.clock.now_ms();
    state.citizen_limits.address.take(&peer.0, now_ms)?;
    let campaign = campaign(state, token)?;
    state.citizen_limits.campaign.take(&campaign.id, now_ms)?;
    Ok(campaign)
}

fn valid_answer_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn new_receipt() -> Result<String, ApiError> {
    let mut raw = [0u8; RECEIPT_CHARS];
    getrandom::fill(&mut raw).map_err(|err| ApiError::Crypto { detail: format!("getrandom: {err}") })?;
    // 256 is a multiple of 32: each character is uniform.
    Ok(raw.iter().map(|b| RECEIPT_ALPHABET[usize::from(b % 32)] as char).collect())
}

/// Takes a citizen's answer: `(true, receipt)` when new, `(false, receipt)` when this
/// answer id came before (the phone did not hear the first reply), whatever was sent.
pub async fn take(
    state: &AppState,
    token: &str,
    peer: &Peer,
    submitted: SubmitAnswer,
) -> Result<(bool, String), ApiError> {
    limited(state, token, peer)?;
    if !valid_answer_id(&submitted.id) {
        return Err(ApiError::BadRequest { detail: "mã phiếu cần 8–64 chữ, số hoặc dấu -".to_string() });
    }
    let _taking = state.campaign_lock.lock().await;
    let store = state.store.as_ref();
    // Read again under the lock: a close that came meanwhile is seen.
    let campaign = campaign(state, token)?;
    if let Some(earlier) = stored::answer(store, token, &submitted.id)? {
        return Ok((false, earlier.receipt));
    }
    let now_ms = state.clock.now_ms();
    if let Some(why) = closed_because(state, &campaign, Date::in_vietnam(now_ms))? {
        return Err(if campaign.open(Date::in_vietnam(now_ms)) {
            ApiError::CampaignFull
        } else {
            ApiError::CampaignClosed { why }
        });
    }
    let mut answer = submitted.answer;
    let places = hamlets(state, &campaign)?;
    if answer.hamlet.trim().is_empty() && places.len() == 1 {
        answer.hamlet = places[0].id.clone();
    }
    let set = set_of(state, &campaign)?;
    let mut problems = selfassess::check(&answer, &set, campaign.year);
    if !places.iter().any(|u| u.id == answer.hamlet) {
        problems.push("Cần chọn thôn nơi bạn sống".to_string());
    }
    for (code, sha) in &answer.photos {
        if problems.len() < 50 && !stored::has_photo(store, token, sha)? {
            problems.push(format!("Ảnh của chỉ số {code} chưa gửi tới máy chủ; hãy gửi lại"));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidAnswer { problems });
    }
    let mut kept =
        StoredAnswer { receipt: String::new(), answer, received_at_ms: now_ms, state: AnswerState::Received };
    for _ in 0..8 {
        kept.receipt = new_receipt()?;
        if stored::take(store, token, &submitted.id, &kept)? {
            return Ok((true, kept.receipt));
        }
    }
    Err(ApiError::Crypto { detail: "eight receipts in a row were taken".to_string() })
}

/// Closes a campaign: from the moment this returns, its link takes no answer (closing
/// again changes nothing).
pub async fn close(state: &AppState, id: &str) -> Result<Campaign, ApiError> {
    let _closing = state.campaign_lock.lock().await;
    let mut campaign = campaign(state, id)?;
    if campaign.closed_at_ms.is_none() {
        campaign.closed_at_ms = Some(state.clock.now_ms());
        stored::put(state.store.as_ref(), &campaign)?;
    }
    Ok(campaign)
}

/// Keeps a photo a citizen sends before the answer that names it.
pub fn put_photo(state: &AppState, token: &str, peer: &Peer, sha256: &str, bytes: &[u8]) -> Result<(), ApiError> {
    let campaign = limited(state, token, peer)?;
    let today = Date::in_vietnam(state.clock.now_ms());
    if !campaign.open(today) {
        let why = closed_because(state, &campaign, today)?.unwrap_or_default();
        return Err(ApiError::CampaignClosed { why });
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ApiError::EvidenceTooLarge { size: bytes.len(), max: MAX_PHOTO_BYTES });
    }
    if !crate::evidence::sniff(bytes).is_some_and(|t| t.starts_with("image/")) {
        return Err(ApiError::EvidenceTypeNotAllowed);
    }
    let store = state.store.as_ref();
    if stored::has_photo(store, token, sha256)? {
        return Ok(());
    }
    let cap = (campaign.max_answers as usize).saturating_mul(PHOTOS_PER_ANSWER);
    if stored::photos(store, token, cap)? >= cap {
        return Err(ApiError::CampaignFull);
    }
    crate::evidence::put(state, sha256, bytes, &format!("campaign:{token}"))?;
    stored::add_photo(store, token, sha256)?;
    Ok(())
}

/// Where the answer of a receipt stands, as its citizen may know it.
pub fn receipt_status(state: &AppState, peer: &Peer, typed: &str) -> Result<ReceiptStatus, ApiError> {
    state.citizen_limits.lookups.take(&peer.0, state.clock.now_ms())?;
    let not_found = || ApiError::NotFound { what: "mã biên nhận này".to_string() };
    let receipt = selfassess::normalise_receipt(typed).ok_or_else(not_found)?;
    let store = state.store.as_ref();
    let (campaign, answer) = stored::by_receipt(store, &receipt)?.ok_or_else(not_found)?;
    let kept = stored::answer(store, &campaign, &answer)?.ok_or_else(not_found)?;
    Ok(match kept.state {
        AnswerState::Received => ReceiptStatus { status: CitizenStatus::Received, comment: None },
        AnswerState::Discarded { reason, .. } => {
            ReceiptStatus { status: CitizenStatus::Discarded, comment: Some(reason) }
        }
        AnswerState::Linked { evaluation, .. } => {
            let record = RecordId { kind: RecordKind::Evaluation, id: evaluation };
            match crate::sync::record_view(state, &record)? {
                Some(view) if view.status == Status::Recognised => {
                    ReceiptStatus { status: CitizenStatus::Recognised, comment: None }
                }
                Some(view) if view.status == Status::Returned => {
                    ReceiptStatus { status: CitizenStatus::Returned, comment: view.comment.clone() }
                }
                _ => ReceiptStatus { status: CitizenStatus::Reviewing, comment: None },
            }
        }
    })
}

/// The campaigns of `unit` and the units below it, newest first, with their counts.
pub fn summaries(state: &AppState, unit: &str) -> Result<Vec<CampaignSummary>, ApiError> {
    let sets = state.criteria()?;
    let mut out = Vec::new();
    for campaign in stored::all(state.store.as_ref())? {
        if !state.unit_covers(unit, &campaign.unit)? {
            continue;
        }
        let (mut waiting, mut linked, mut discarded) = (0, 0, 0);
        for (_, answer) in stored::answers(state.store.as_ref(), &campaign.id)? {
            match answer.state {
                AnswerState::Received => waiting += 1,
                AnswerState::Linked { .. } => linked += 1,
                AnswerState::Discarded { .. } => discarded += 1,
            }
        }
        let set_name = criteria::resolve(&sets, &campaign.set, Some(&campaign.set_version))
            .map_or_else(|| campaign.set.clone(), |s| s.name.clone());
        out.push(CampaignSummary {
            place: crate::reports::name_of(state, &campaign.unit),
            set_name,
            answers: waiting + linked + discarded,
            waiting,
            linked,
            discarded,
            campaign,
        });
    }
    Ok(out)
}

/// The people and households of a hamlet, as stored.
fn register(state: &AppState, hamlet: &str) -> Result<Vec<RecordView>, StoreError> {
    Ok(crate::figures::part_views(state, hamlet)?
        .into_iter()
        .filter(|v| matches!(v.record.kind, RecordKind::Person | RecordKind::Household))
        .collect())
}

/// The queue of `campaign`: every answer in the order received, with the people of its
/// hamlet it may be and the earlier answer it repeats.
pub fn queue(state: &AppState, campaign: &Campaign) -> Result<Vec<QueueAnswer>, ApiError> {
    let mut answers = stored::answers(state.store.as_ref(), &campaign.id)?;
    answers.sort_by(|a, b| (a.1.received_at_ms, &a.0).cmp(&(b.1.received_at_ms, &b.0)));
    // Each hamlet's register, read once, then indexed once.
    let mut views: BTreeMap<String, Vec<RecordView>> = BTreeMap::new();
    for (_, kept) in &answers {
        if !views.contains_key(&kept.answer.hamlet) {
            views.insert(kept.answer.hamlet.clone(), register(state, &kept.answer.hamlet)?);
        }
    }
    let registers: BTreeMap<&String, selfassess::Register> =
        views.iter().map(|(hamlet, views)| (hamlet, selfassess::Register::of(views))).collect();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut first: BTreeMap<(String, i32), String> = BTreeMap::new();
    let mut out = Vec::with_capacity(answers.len());
    for (id, kept) in answers {
        let hamlet = kept.answer.hamlet.clone();
        if !names.contains_key(&hamlet) {
            names.insert(hamlet.clone(), crate::reports::name_of(state, &hamlet));
        }
        let candidates = match (&kept.state, registers.get(&hamlet)) {
            (AnswerState::Received, Some(register)) => register.candidates(&kept.answer),
            _ => Vec::new(),
        };
        let key = (fold(&kept.answer.name), kept.answer.birth_year);
        let duplicate_of = match first.get(&key) {
            Some(receipt) => Some(receipt.clone()),
            None => {
                first.insert(key, kept.receipt.clone());
                None
            }
        };
        out.push(QueueAnswer {
            id,
            receipt: kept.receipt,
            received_at_ms: kept.received_at_ms,
            hamlet_name: names[&hamlet].clone(),
            answer: kept.answer,
            state: kept.state,
            candidates,
            duplicate_of,
        });
    }
    Ok(out)
}

/// The answer `answer` of `campaign` as it waits in the queue.
pub fn queued(state: &AppState, campaign: &Campaign, answer: &str) -> Result<QueueAnswer, ApiError> {
    queue(state, campaign)?.into_iter().find(|a| a.id == answer).ok_or_else(no_answer)
}

/// Discards a waiting answer with the officer's reason.
pub async fn discard(
    state: &AppState,
    account: &Account,
    campaign: &Campaign,
    answer: &str,
    reason: &str,
) -> Result<(), ApiError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 || reason.chars().any(char::is_control) {
        return Err(ApiError::BadRequest {
            detail: "cần ghi lý do loại phiếu (tối đa 500 ký tự)".to_string()
        });
    }
    let _changing = state.campaign_lock.lock().await;
    let store = state.store.as_ref();
    let mut kept = stored::answer(store, &campaign.id, answer)?.ok_or_else(no_answer)?;
    if kept.state != AnswerState::Received {
        return Err(ApiError::AnswerNotWaiting {
            detail: "Phiếu này đã được ghép hoặc đã loại trước đó.".to_string()
        });
    }
    kept.state =
        AnswerState::Discarded { reason: reason.to_string(), by: account.id.clone(), at_ms: state.clock.now_ms() };
    stored::update(store, &campaign.id, answer, &kept)?;
    Ok(())
}

/// A `set_fields` edit of a new value.
fn field(name: &str, value: serde_json::Value) -> FieldEdit {
    FieldEdit { field: name.to_string(), value, base: Vec::new() }
}

/// Accepts a waiting answer as the person `person` of its hamlet (or a new person made
/// from the answer): opens the person's evaluation of the campaign's set and year (or
/// takes the draft there is) with the self-assessment beside it and the citizen's
/// photos as its evidence. The officer scores it afterwards, as any other.
pub async fn accept(
    state: &AppState,
    account: &Account,
    campaign: &Campaign,
    answer: &str,
    person: Option<&str>,
) -> Result<Accepted, ApiError> {
    let refuse = |detail: &str| ApiError::AnswerNotWaiting { detail: detail.to_string() };
    let changing = state.campaign_lock.lock().await;
    let store = state.store.as_ref();
    let mut kept = stored::answer(store, &campaign.id, answer)?.ok_or_else(no_answer)?;
    if kept.state != AnswerState::Received {
        return Err(refuse("Phiếu này đã được ghép hoặc đã loại trước đó."));
    }
    let set = set_of(state, campaign)?;
    let hamlet = kept.answer.hamlet.clone();
    let views = register(state, &hamlet)?;
    let now_ms = state.clock.now_ms();
    let mut ops_fields: Vec<(RecordId, Vec<FieldEdit>)> = Vec::new();
    let person = match person {
        Some(id) => {
            let found = views
                .iter()
                .find(|v| v.record.kind == RecordKind::Person && v.record.id == id && !archive::is_deleted(v))
                .ok_or_else(|| refuse("Không thấy người này trong sổ của thôn."))?;
            found.record.clone()
        }
        None => {
            // The same id every time this answer is accepted as a new person, so an accept
            // tried again after a failure writes the same person, not a second one.
            let record = RecordId { kind: RecordKind::Person, id: new_person_id(&campaign.id, answer) };
            let mut fields =
                vec![field("name", kept.answer.name.trim().into()), field("birth_year", kept.answer.birth_year.into())];
            if let Some(household) = selfassess::Register::of(&views).household_headed_by(&kept.answer.household_head) {
                fields.push(field("household", household.into()));
            }
            ops_fields.push((record.clone(), fields));
            record
        }
    };
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: evaluation_id(&person, &set.id, campaign.year) };
    let link = SelfAssessment::of(&campaign.id, answer, &kept);
    let link_value = serde_json::to_value(&link).map_err(|_| refuse("Không ghi được phiếu."))?;
    match crate::sync::record_view(state, &evaluation)? {
        Some(view) if !archive::is_deleted(&view) => {
            if view.value(SELF_ASSESSMENT_FIELD).is_some() {
                return Err(refuse(
                    "Người này đã có một phiếu tự đánh giá khác trong năm; hãy loại phiếu này (lý do: trùng phiếu).",
                ));
            }
            if !matches!(view.status, Status::Draft | Status::Returned) {
                return Err(refuse(
                    "Phiếu đánh giá năm nay của người này đã gửi xét duyệt hoặc đã công nhận; hãy loại phiếu tự \
                     đánh giá (lý do: đã được đánh giá).",
                ));
            }
            ops_fields.push((evaluation.clone(), vec![field(SELF_ASSESSMENT_FIELD, link_value)]));
        }
        deleted => {
            let context = Context { subject_group: kept.answer.subject_group.clone(), ..Context::default() };
            ops_fields.push((
                evaluation.clone(),
                vec![
                    field("set", set.id.clone().into()),
                    field(hoctap_shared::consolidation::SET_VERSION_FIELD, set.version.clone().into()),
                    field("year", campaign.year.into()),
                    field("subject", serde_json::to_value(&person).unwrap_or_default()),
                    field("context", serde_json::to_value(&context).unwrap_or_default()),
                    field(SELF_ASSESSMENT_FIELD, link_value),
                ],
            ));
            // A deleted evaluation of the person comes back, as "Bắt đầu đánh giá" brings it.
            if let (Some(_), Some((_, fields))) = (deleted, ops_fields.last_mut()) {
                fields.push(field(archive::DELETED_FIELD, serde_json::Value::Null));
            }
        }
    }
    // The answer is linked before the operations are pushed: the authority check of the
    // `self_assessment` field reads it.
    let before = kept.state.clone();
    kept.state = AnswerState::Linked { person: person.id.clone(), evaluation: evaluation.id.clone() };
    stored::update(store, &campaign.id, answer, &kept)?;
    drop(changing);

    let device = format!("tdg.{}", crate::auth::new_id()?);
    let mut hlc = Hlc::zero(&device);
    let mut ops = Vec::new();
    let mut op = |record: &RecordId, body: OpBody| {
        hlc = hlc.tick(now_ms);
        ops.push(Operation {
            id: format!("{device}-{}", ops.len() + 1),
            device: device.clone(),
            hlc: hlc.clone(),
            record: record.clone(),
            unit: hamlet.clone(),
            body,
        });
    };
    for (record, fields) in ops_fields {
        op(&record, OpBody::SetFields { fields });
    }
    for (indicator, sha256) in &kept.answer.photos {
        let Some(meta) = crate::evidence::meta(state, sha256)? else { continue };
        crate::evidence::record_upload(state, sha256, &account.id)?;
        op(
            &evaluation,
            OpBody::AttachEvidence {
                indicator: indicator.clone(),
                sha256: sha256.clone(),
                media_type: meta.media_type,
                size: meta.size,
                name: Some("Ảnh người dân gửi kèm phiếu tự đánh giá".to_string()),
            },
        );
    }
    let from = crate::sync::DeviceName {
        id: device.clone(), label: "Phiếu tự đánh giá của người dân".to_string()
    };
    let pushed = crate::sync::push_from(state, &ops, crate::sync::Pusher::Account(account.clone()), Some(from)).await;
    // The link stands once the evaluation's operation is stored; a photo refused then
    // only stays off the evaluation (the queue still shows it).
    let linking = ops.iter().find(|o| o.record == evaluation).map(|o| o.id.clone()).unwrap_or_default();
    let response = match pushed {
        Ok(response) if response.accepted.contains(&linking) || response.duplicates.contains(&linking) => response,
        failed => {
            let _changing = state.campaign_lock.lock().await;
            kept.state = before;
            stored::update(store, &campaign.id, answer, &kept)?;
            let message = failed?.rejected.into_iter().next().map(|r| r.message).unwrap_or_default();
            return Err(refuse(&message));
        }
    };
    for refused in &response.rejected {
        tracing::warn!(campaign = %campaign.id, answer, message = %refused.message, "a citizen's photo was not attached");
    }
    Ok(Accepted { person, evaluation })
}
