//! Bad input, bounded (issue 14, requirement 6): a request body that gives one key
//! twice is refused at any depth, and an evaluation with thousands or millions of
//! unknown indicators is refused early, in bounded memory, with a short message that
//! lists the first problems and counts the rest.

use std::io::Read;
use std::sync::Arc;

use axum::http::StatusCode;
use hoctap_server::cli::{self, SetSource};
use hoctap_server::store::MemoryStore;
use hoctap_shared::accounts::Role;
use hoctap_shared::criteria::shipped;
use hoctap_shared::scoring::{self, Evaluation, MAX_PROBLEMS_LISTED, MAX_SCORES};
use serde_json::{json, Value};

use crate::auth::{backends, code_of, World, PASSWORD};

/// A body that must be refused as `bad_request` naming `key`, changing nothing.
#[track_caller]
fn refused_for_key(world: &World, uri: &str, token: Option<&str>, body: &str, key: &str) {
    let before = world.snapshot();
    let (status, reply) = world.call_raw("POST", uri, token, Some(body.to_string()));
    let context = format!("{}: {uri} {body}: {reply}", world.backend);
    assert_eq!((status, code_of(&reply)), (StatusCode::BAD_REQUEST, "bad_request"), "{context}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("khóa {key:?} xuất hiện hai lần")), "{context}");
    assert!(world.snapshot() == before, "{context}: a refused body changed the store");
}

#[test]
fn issue_14_duplicate_keys_are_refused_at_any_depth() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let a = world.units.a.clone();
        let (token, _) = world.account(Role::Collaborator, &a, "ctv.an");

        // Sign-in: the same body once with each key is fine; twice is refused.
        refused_for_key(
            &world,
            "/auth/login",
            None,
            &format!(r#"{{"username": "ctv.an", "password": "sai", "password": "{PASSWORD}"}}"#),
            "password",
        );
        assert_eq!(world.login("ctv.an", PASSWORD).0, StatusCode::OK, "{backend}");

        // A push: at the top, inside an operation, and deep inside a field's value.
        let op = |unit: &str, value: &str| {
            format!(
                r#"{{"id": "op-1", "device": "may-1", "hlc": {{"wall_ms": 1767225600000, "counter": 0, "device": "may-1"}},
                    "record": {{"kind": "household", "id": "ho-1"}}, "unit": {unit},
                    "body": {{"type": "set_fields", "fields": [{{"field": "ghi_chu", "value": {value}, "base": []}}]}}}}"#
            )
        };
        let push = |device: &str, op: String| format!(r#"{{"protocol": 1, "device": {device}, "ops": [{op}]}}"#);
        let own = format!("{a:?}");
        let cases = [
            (push(r#""may-1", "device": "may-2""#, op(&own, "1")), "device"),
            (push(r#""may-1""#, op(&format!(r#"{own}, "unit": "hamlet:khac""#), "1")), "unit"),
            (push(r#""may-1""#, op(&own, r#"{"to": {"sau": [1, {"khoa": 1, "khoa": 2}]}}"#)), "khoa"),
        ];
        for (body, key) in &cases {
            refused_for_key(&world, "/sync/push", Some(&token), body, key);
        }
        // The same push without the repetition is taken.
        let (status, reply) = world.call_raw(
            "POST",
            "/sync/push",
            Some(&token),
            Some(push(r#""may-1""#, op(&own, r#"{"to": {"sau": [1, {"khoa": 1, "khac": 2}]}}"#))),
        );
        assert_eq!(status, StatusCode::OK, "{backend}: {reply}");
        assert!(reply["rejected"].as_array().is_some_and(Vec::is_empty), "{backend}: {reply}");
    }
}

/// `{"set": "<set>", "scores": {"x0": 1, "x1": 1, …}}` with `count` unknown indicators,
/// produced as it is read, so a test of millions holds none of it.
struct UnknownScores {
    head: Vec<u8>,
    next: usize,
    count: usize,
    pending: Vec<u8>,
    offset: usize,
}

impl UnknownScores {
    fn new(set: &str, count: usize) -> UnknownScores {
        let head = format!(r#"{{"set": "{set}", "scores": {{"#).into_bytes();
        UnknownScores { head, next: 0, count, pending: Vec::new(), offset: 0 }
    }
}

impl Read for UnknownScores {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.head.is_empty() {
            self.pending = std::mem::take(&mut self.head);
            self.offset = 0;
        }
        if self.pending.is_empty() {
            // A few thousand entries at a time; ids are written by hand, since this
            // runs millions of times in an unoptimised build.
            while self.pending.len() < 64 * 1024 && self.next <= self.count {
                if self.next == self.count {
                    self.pending.extend_from_slice(b"}}");
                } else {
                    self.pending.extend_from_slice(b"\"x");
                    let mut digits = [0u8; 20];
                    let (mut i, mut n) = (digits.len(), self.next);
                    loop {
                        i -= 1;
                        digits[i] = b'0' + (n % 10) as u8;
                        n /= 10;
                        if n == 0 {
                            break;
                        }
                    }
                    self.pending.extend_from_slice(&digits[i..]);
                    self.pending.extend_from_slice(if self.next + 1 < self.count { b"\":1," } else { b"\":1" });
                }
                self.next += 1;
            }
            self.offset = 0;
        }
        let n = buf.len().min(self.pending.len() - self.offset);
        buf[..n].copy_from_slice(&self.pending[self.offset..self.offset + n]);
        self.offset += n;
        if self.offset == self.pending.len() {
            self.pending.clear();
        }
        Ok(n)
    }
}

/// Issue 14: four million unknown indicator ids took 1.5 GB and produced a 223 MB
/// message. Now they are counted, not kept, and the message is a line.
#[test]
fn issue_14_millions_of_unknown_indicators_are_refused_in_a_short_message() {
    const MILLIONS: usize = 4_000_000;
    let mut text = Vec::new();
    UnknownScores::new("cdht-244-2022", MILLIONS).read_to_end(&mut text).expect("generated");
    let err = serde_json::from_slice::<Evaluation>(&text).expect_err("refused");
    drop(text);
    let message = err.to_string();
    assert!(message.len() < 4096, "{} bytes", message.len());
    assert!(message.contains("chấm 4000000 chỉ số, vượt giới hạn 1000"), "{message}");

    // The command line streams its file: the same refusal, never holding it whole.
    let report =
        cli::score_from(&SetSource::Shipped("cdht-244-2022".into()), UnknownScores::new("cdht-244-2022", 200_000));
    assert_eq!(report.code, 2, "{}", report.stderr);
    assert!(report.stderr.len() < 4096, "{} bytes", report.stderr.len());
    assert!(report.stderr.contains("chấm 200000 chỉ số"), "{}", report.stderr);
}

/// Within the bound, every problem is found but only the first are listed; the rest
/// are counted, and the count of the whole is right.
#[test]
fn issue_14_the_first_problems_are_listed_and_the_rest_counted() {
    let set = shipped::get("cdht-244-2022").expect("shipped");
    let indicators = set.indicators().count();
    let check = |unknown: usize| {
        let report = cli::score_from(&SetSource::Shipped(set.id.clone()), UnknownScores::new(&set.id, unknown));
        assert_eq!(report.code, 1, "{}", report.stderr);
        // Every indicator of the set is missing too.
        let total = unknown + indicators;
        assert!(report.stderr.starts_with(&format!("Phiếu đánh giá có {total} lỗi: ")), "{}", report.stderr);
        assert!(report.stderr.contains("Chỉ số x0: không có trong bộ tiêu chí"), "{}", report.stderr);
        let more = total - MAX_PROBLEMS_LISTED;
        assert!(report.stderr.trim_end().ends_with(&format!("… và {more} lỗi khác")), "{}", report.stderr);
        assert!(report.stderr.len() < 4096, "{} bytes", report.stderr.len());
    };
    check(MAX_SCORES);
    check(30);

    // Built in memory rather than read: refused before any answer is looked at.
    let scores = (0..=MAX_SCORES).map(|i| (format!("x{i}"), scoring::Answer::Met(true))).collect();
    let evaluation = Evaluation { set: set.id.clone(), context: Default::default(), scores };
    let err = scoring::score(&set, &evaluation).expect_err("refused");
    assert_eq!((err.code(), err.problem_count()), ("too_many_scores", 1), "{err}");
}

#[test]
fn issue_14_the_scoring_api_refuses_too_many_answers_briefly() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let scores = |count: usize| -> Value { (0..count).map(|i| (format!("x{i}"), json!(1))).collect() };
    let (status, reply) =
        world.call("POST", "/evaluations/score", None, Some(json!({"set": "cdht-244-2022", "scores": scores(5_000)})));
    assert_eq!((status, code_of(&reply)), (StatusCode::BAD_REQUEST, "bad_request"), "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("chấm 5000 chỉ số, vượt giới hạn 1000") && message.len() < 4096, "{message}");

    let (status, reply) =
        world.call("POST", "/evaluations/score", None, Some(json!({"set": "cdht-244-2022", "scores": scores(100)})));
    assert_eq!((status, code_of(&reply)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_evaluation"), "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("lỗi khác") && message.len() < 4096, "{message}");
}
