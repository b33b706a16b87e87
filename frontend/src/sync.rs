//! Sending the outbox and fetching what changed: one round of sync, and when to try
//! again after a failure.
//!
//! A round uploads evidence files the server lacks, pushes the outbox in batches (the
//! server answers only once the batch is durable, counting what it accepted and listing
//! the rest; a batch sent twice changes nothing, so a dropped connection is simply
//! retried), then pulls pages of operations after the
//! stored cursor. Each step is stored before the next begins, so a round cut short at
//! any point resumes where it stopped, without duplicates. What happens is reported as
//! [`Event`]s so the screen shows progress and per-record state as it goes.
//!
//! An operation the server refuses for the device's clock (`clock_skew`) is not a
//! refusal of the work: it stays in the outbox, and the round reports both clocks. Once
//! an answer shows the device's clock right, the round stamps those operations again
//! ([`crate::clock::restamp`]) and sends them again, so the officer only sets the clock.
//!
//! Over a slow network the bytes are what cost: batches and pages are as large as the
//! server takes, a push goes gzip-compressed, and a pull leaves out the operations this
//! device made itself since [`Storage::own_since`] — it holds them already, so a
//! thousand operations pushed are not downloaded again by the same round.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use hoctap_shared::accounts::LoginResponse;
use hoctap_shared::protocol::{
    Operation, PullResponse, PushCounted, PushRequest, Rejection, MAX_OPS_PER_PUSH, MAX_PULL_PAGE, PROTOCOL_VERSION,
};

use crate::api::{self, ApiError, Body};
use crate::clock::{self, ClockReading};
use crate::storage::{Storage, StorageError};

/// Operations per push: as many as the server takes, since each push waits for a round
/// trip and a flush on the server.
pub const BATCH: usize = MAX_OPS_PER_PUSH;
/// Operations per pulled page: as many as the server sends.
pub const PAGE: usize = MAX_PULL_PAGE;

/// What a round did, step by step.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Evidence files uploaded so far, of how many.
    Uploading { done: usize, total: usize },
    /// These operations are on their way.
    Sending(Vec<String>),
    /// The server confirmed or refused them; the rest of the batch is unsent again.
    Settled { confirmed: Vec<String>, refused: Vec<Rejection>, unsent: Vec<String> },
    /// Operations pulled from the server.
    Received(Vec<Operation>),
    /// Outbox operations stamped again, now that the device's clock is right.
    Restamped(Vec<Operation>),
}

/// A finished round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub refused: usize,
    pub received: usize,
    /// Operations left in the outbox because another account made them.
    pub held: usize,
    /// Operations left in the outbox because the server refused their clock.
    pub skewed: usize,
    /// The device's and the server's clocks at the last push answer.
    pub clock: Option<ClockReading>,
}

/// Why a round stopped.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl SyncError {
    /// Whether a later round may succeed by itself.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Api(e) if e.is_transient())
    }
}

/// How long to wait before retry number `attempt` (0 for the first retry): doubling from
/// 2 s up to 60 s, spread by `jitter` (0 to 1) so many devices do not retry together.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    let base = 2_000u32.saturating_mul(1u32 << attempt.min(5)).min(60_000);
    let spread = f64::from(base) * 0.2 * (jitter.clamp(0.0, 1.0) * 2.0 - 1.0);
    (f64::from(base) + spread).round() as u32
}

/// An outbox operation as it is sent: one recorded before the device knew its unit
/// (saved before the first login) is claimed for the account's unit.
pub fn claimed(mut op: Operation, unit: &str) -> Operation {
    if op.unit.is_empty() {
        op.unit = unit.to_string();
    }
    op
}

/// One round of sync for `session` over the device's `storage`, reporting each step to
/// `on_event`.
pub async fn round(storage: &Storage, session: &LoginResponse, on_event: &dyn Fn(Event)) -> Result<Report, SyncError> {
    let token = Some(session.token.as_str());
    let mut report = Report::default();
    let (device, _) = storage.device().await?;

    // 1. Evidence first: the server refuses an attachment whose file it lacks. The
    // outbox is taken before: every file its attachments name was stored before them, so
    // it is among the files uploaded now. What is saved during the round waits for the
    // next one (an attachment pushed ahead of its file would be refused for good).
    let outbox = storage.outbox().await?;
    let pending = storage.pending_evidence().await?;
    let total = pending.len();
    for (done, file) in pending.into_iter().enumerate() {
        on_event(Event::Uploading { done, total });
        let path = format!("/evidence/{}", file.sha256);
        let body = Body::Bytes { bytes: &file.bytes, media_type: &file.media_type };
        match api::call_empty("PUT", &path, token, body).await {
            Ok(_) => storage.mark_uploaded(&file.sha256).await?,
            // A file the server will never take (too large, wrong type) must not block
            // the rest: its attachment is refused with the reason and shown.
            Err(err) if !err.is_transient() && !err.is_unauthenticated() => {}
            Err(err) => return Err(err.into()),
        }
    }
    if total > 0 {
        on_event(Event::Uploading { done: total, total });
    }

    // 2. The outbox, oldest first, only the signed-in account's own work. Operations the
    // server refused for the device's clock stay; once an answer shows the clock right,
    // they are stamped again and sent again in this round.
    let owner = storage.outbox_owner().await?;
    if owner.as_deref().is_some_and(|o| o != session.account.id) {
        report.held = storage.outbox_len().await? as usize;
    } else {
        let taken: BTreeSet<String> = outbox.iter().map(|op| op.id.clone()).collect();
        let mut pushed = push_outbox(storage, outbox, session, &device, on_event, &mut report).await?;
        if let Some(reading) = pushed.reading.filter(ClockReading::is_right) {
            let (_, clock) = storage.device().await?;
            if !pushed.skewed.is_empty() || clock::out_of_bounds(&clock, reading.server_ms) {
                let restamped = clock::restamp(&storage.outbox().await?, &pushed.skewed, reading, &clock);
                storage.restamp(&restamped.ops, &restamped.clock).await?;
                if !restamped.ops.is_empty() {
                    on_event(Event::Restamped(restamped.ops));
                    let mut again = storage.outbox().await?;
                    again.retain(|op| taken.contains(&op.id));
                    pushed = push_outbox(storage, again, session, &device, on_event, &mut report).await?;
                }
            }
        }
        report.skewed = pushed.skewed.len();
        report.clock = pushed.reading;
    }

    // 3. What changed on the server, page by page from the stored cursor, without what
    // this device made since `own_since` (it holds those; the cursor still moves past
    // them).
    let mut cursor = storage.cursor().await?;
    let own_since = storage.own_since().await?;
    let device_param = String::from(js_sys::encode_uri_component(&device));
    let (_, mut clock) = storage.device().await?;
    let path =
        |after: u64| format!("/sync/pull?after={after}&limit={PAGE}&device={device_param}&own_since={own_since}");
    let mut next = Some(start_pull(path(cursor), token));
    while let Some(fetching) = next.take() {
        let page = fetching.finish().await?;
        // The next page downloads while this one is stored and shown: on a slow link
        // the app's work per page hides behind the transfer. (Were this page not stored
        // after all, the cursor would not move and the next round asks again.)
        let done = !page.more || page.cursor == cursor;
        if !done {
            next = Some(start_pull(path(page.cursor), token));
        }
        let now = js_sys::Date::now() as i64;
        for op in &page.ops {
            clock = clock.receive(&op.hlc, now);
        }
        storage.store_pulled(&page.ops, &clock, page.cursor).await?;
        report.received += page.ops.len();
        cursor = page.cursor;
        if !page.ops.is_empty() {
            on_event(Event::Received(page.ops));
        }
    }
    Ok(report)
}

/// What one push answer settles of a batch.
#[derive(Debug, Default, PartialEq)]
struct Settlement {
    /// Stored on the server, by this push or an earlier one: they leave the outbox.
    confirmed: Vec<String>,
    /// Refused, with why: kept on the device and shown.
    refused: Vec<Rejection>,
    /// Refused for the device's clock: they stay in the outbox.
    skewed: Vec<String>,
    /// Neither confirmed nor refused (the clock's refusals included): they stay in the
    /// outbox, to be sent again.
    unsent: Vec<String>,
}

/// What `answer` settles of the batch `ids` (in the order sent). The answer counts the
/// operations it accepted and lists the rest, so what was sent and not listed was
/// accepted — when the count says so. When it does not, the unlisted operations stay in
/// the outbox: sending them again is harmless (a stored one comes back a duplicate),
/// dropping one the server never stored would lose the officer's work. Whatever the
/// answer lists that was not sent in this batch is left alone.
fn settlement(ids: Vec<String>, answer: PushCounted) -> Settlement {
    let answer = answer.per_op(&ids);
    let sent: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    // A refusal for the device's clock is not a refusal of the work: it stays in the
    // outbox, unsent, to be stamped again once the clock is right.
    let (skewed, refused): (Vec<Rejection>, Vec<Rejection>) =
        answer.rejected.into_iter().filter(|r| sent.contains(r.op.as_str())).partition(|r| r.code == clock::CLOCK_SKEW);
    let confirmed: Vec<String> = answer
        .accepted
        .into_iter()
        .chain(answer.duplicates.into_iter().filter(|id| sent.contains(id.as_str())))
        .collect();
    let answered: BTreeSet<&str> =
        confirmed.iter().map(String::as_str).chain(refused.iter().map(|r| r.op.as_str())).collect();
    let unsent: Vec<String> = ids.iter().filter(|id| !answered.contains(id.as_str())).cloned().collect();
    Settlement { confirmed, refused, skewed: skewed.into_iter().map(|r| r.op).collect(), unsent }
}

/// What pushing the outbox learnt about the device's clock.
#[derive(Debug, Default)]
struct Pushed {
    /// Operations refused for their clock: still in the outbox.
    skewed: BTreeSet<String>,
    /// The clocks at the last answer that carried the server's.
    reading: Option<ClockReading>,
}

/// Pushes `outbox` (the outbox as it was taken) in batches, settling each answer before
/// the next (except the clock's refusals, which stay in the outbox).
async fn push_outbox(
    storage: &Storage,
    outbox: Vec<Operation>,
    session: &LoginResponse,
    device: &str,
    on_event: &dyn Fn(Event),
    report: &mut Report,
) -> Result<Pushed, SyncError> {
    let token = Some(session.token.as_str());
    let mut pushed = Pushed::default();
    let batches: Vec<&[Operation]> = outbox.chunks(BATCH).collect();
    let unit = session.account.unit.as_str();
    let start_push = |batch: &[Operation]| {
        let ids: Vec<String> = batch.iter().map(|op| op.id.clone()).collect();
        on_event(Event::Sending(ids.clone()));
        let sent: Vec<Operation> = batch.iter().cloned().map(|op| claimed(op, unit)).collect();
        let request = PushRequest { protocol: PROTOCOL_VERSION, device: device.to_string(), ops: sent.clone() };
        let token = token.map(str::to_string);
        let answer = Started::start(async move {
            let path = "/sync/push?ack=count";
            api::call::<PushCounted>("POST", path, token.as_deref(), Body::compressed_json(&request)).await
        });
        (ids, sent, answer)
    };
    let mut next = batches.first().map(|batch| start_push(batch));
    let mut index = 0;
    while let Some((ids, sent, answer)) = next.take() {
        let answer = match answer.finish().await {
            Ok(answer) => answer,
            Err(err) => {
                on_event(Event::Settled { confirmed: vec![], refused: vec![], unsent: ids });
                return Err(err.into());
            }
        };
        let batch = batches[index];
        index += 1;
        // The next batch goes out while this one is settled here (pushes stay one at
        // a time, in order). Were the device to stop before settling, this batch is
        // sent again and answered as already stored.
        if let Some(following) = batches.get(index) {
            next = Some(start_push(following));
        }
        if let Some(server_ms) = answer.server_ms {
            pushed.reading = Some(ClockReading { device_ms: js_sys::Date::now() as i64, server_ms });
        }
        let Settlement { confirmed, refused, skewed, unsent } = settlement(ids, answer);
        pushed.skewed.extend(skewed);
        let confirmed_set: BTreeSet<&str> = confirmed.iter().map(String::as_str).collect();
        // An operation saved before the first login went out claimed for the account's
        // unit: the device keeps it as the server holds it, since the pull below
        // leaves the device's own operations out.
        let claimed_here: Vec<Operation> = batch
            .iter()
            .zip(sent)
            .filter(|(saved, sent)| saved.unit != sent.unit && confirmed_set.contains(sent.id.as_str()))
            .map(|(_, sent)| sent)
            .collect();
        storage.keep_sent(&claimed_here).await?;
        storage.settle(&confirmed, &refused).await?;
        report.sent += confirmed.len();
        report.refused += refused.len();
        on_event(Event::Settled { confirmed, refused, unsent });
        if !claimed_here.is_empty() {
            on_event(Event::Received(claimed_here));
        }
    }
    Ok(pushed)
}

/// A request started now and awaited later: it runs whether or not it is awaited yet.
struct Started<T> {
    promise: js_sys::Promise,
    answer: Rc<RefCell<Option<Result<T, ApiError>>>>,
}

impl<T: 'static> Started<T> {
    fn start(request: impl std::future::Future<Output = Result<T, ApiError>> + 'static) -> Started<T> {
        let answer = Rc::new(RefCell::new(None));
        let slot = answer.clone();
        // `future_to_promise` runs the future at once, whether or not it is awaited.
        let promise = wasm_bindgen_futures::future_to_promise(async move {
            let result = request.await;
            *slot.borrow_mut() = Some(result);
            Ok(wasm_bindgen::JsValue::UNDEFINED)
        });
        Started { promise, answer }
    }

    async fn finish(self) -> Result<T, ApiError> {
        // The promise always resolves: its future returns `Ok` and keeps the answer.
        let _ = wasm_bindgen_futures::JsFuture::from(self.promise).await;
        let answer = self.answer.borrow_mut().take();
        answer.unwrap_or_else(|| Err(ApiError::Decode("không nhận được câu trả lời".to_string())))
    }
}

/// A pull of the page after `path`'s cursor, started now.
fn start_pull(path: String, token: Option<&str>) -> Started<PullResponse> {
    let token = token.map(str::to_string);
    Started::start(async move { api::call::<PullResponse>("GET", &path, token.as_deref(), Body::None).await })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute_with_bounded_jitter() {
        let middle: Vec<u32> = (0..8).map(|a| backoff_ms(a, 0.5)).collect();
        assert_eq!(middle, vec![2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
        assert_eq!(backoff_ms(0, 0.0), 1_600);
        assert_eq!(backoff_ms(0, 1.0), 2_400);
        assert_eq!(backoff_ms(40, 1.0), 72_000);
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    fn refusal(op: &str, code: &str) -> Rejection {
        Rejection { op: op.to_string(), code: code.to_string(), message: "lý do".to_string() }
    }

    #[track_caller]
    fn check_settlement(sent: &[&str], answer: PushCounted, confirmed: &[&str], skewed: &[&str], unsent: &[&str]) {
        let refused: Vec<Rejection> = answer.rejected.iter().filter(|r| r.code != clock::CLOCK_SKEW).cloned().collect();
        let settled = settlement(ids(sent), answer);
        let expect = Settlement { confirmed: ids(confirmed), refused, skewed: ids(skewed), unsent: ids(unsent) };
        assert_eq!(settled, expect);
        // Every operation sent is settled or stays in the outbox; none is lost.
        for id in sent {
            let settled_here = settled.confirmed.iter().chain(settled.unsent.iter()).any(|s| s == id)
                || settled.refused.iter().any(|r| r.op == *id);
            assert!(settled_here, "{id} is neither settled nor kept");
        }
    }

    #[test]
    fn a_counted_answer_settles_what_was_sent_and_not_listed_as_accepted() {
        let answer = |accepted, duplicates: &[&str], rejected: Vec<Rejection>| PushCounted {
            accepted,
            duplicates: ids(duplicates),
            rejected,
            server_ms: Some(1),
        };
        // All accepted.
        check_settlement(&["a", "b"], answer(2, &[], vec![]), &["a", "b"], &[], &[]);
        // A retried batch: all duplicates, all confirmed.
        check_settlement(&["a", "b"], answer(0, &["a", "b"], vec![]), &["a", "b"], &[], &[]);
        // A refusal is kept with its reason; the clock's stays in the outbox.
        check_settlement(&["a", "b"], answer(1, &[], vec![refusal("a", "record_locked")]), &["b"], &[], &[]);
        check_settlement(&["a", "b"], answer(1, &[], vec![refusal("b", "clock_skew")]), &["a"], &["b"], &["b"]);
        // A mix: accepted first (in the order sent), then the duplicates.
        let mixed = vec![refusal("b", "forbidden"), refusal("d", "clock_skew")];
        check_settlement(&["a", "b", "c", "d", "e"], answer(2, &["c"], mixed), &["a", "e", "c"], &["d"], &["d"]);
    }

    #[test]
    fn ops_a_counted_answer_does_not_account_for_stay_in_the_outbox() {
        let answer = |accepted, duplicates: &[&str]| PushCounted {
            accepted,
            duplicates: ids(duplicates),
            rejected: vec![refusal("c", "clock_skew")],
            server_ms: None,
        };
        // The count is not what was sent less what was listed: only the listed settle.
        check_settlement(&["a", "b", "c", "d"], answer(1, &["a"]), &["a"], &["c"], &["b", "c", "d"]);
        check_settlement(&["a", "b", "c", "d"], answer(3, &["a"]), &["a"], &["c"], &["b", "c", "d"]);
        check_settlement(&["a", "b", "c"], answer(0, &["a"]), &["a"], &["c"], &["b", "c"]);
        // An answer listing what was not sent is of another batch: it settles nothing
        // but what it says of this batch.
        check_settlement(&["a", "b", "c"], answer(1, &["z"]), &[], &["c"], &["a", "b", "c"]);
        let stray = PushCounted { rejected: vec![refusal("y", "forbidden")], ..answer(2, &[]) };
        let settled = settlement(ids(&["a", "b"]), stray);
        assert_eq!((settled.confirmed, settled.refused, settled.unsent), (vec![], vec![], ids(&["a", "b"])));
    }

    #[test]
    fn an_op_saved_before_login_is_claimed_for_the_accounts_unit() {
        let json = r#"{"id":"o","device":"d","hlc":{"wall_ms":1,"counter":0,"device":"d"},
            "record":{"kind":"person","id":"p"},"unit":"","body":{"type":"set_fields","fields":[]}}"#;
        let op: Operation = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(claimed(op.clone(), "hamlet:h").unit, "hamlet:h");
        let mut own = op;
        own.unit = "hamlet:x".to_string();
        assert_eq!(claimed(own, "hamlet:h").unit, "hamlet:x");
    }
}
