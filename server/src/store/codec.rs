//! The binary encodings of the log's values (layout version 2), each value starting
//! with its version byte, so that values written by earlier builds (JSON, starting
//! with `{`) are read as they are and a data directory needs no rewrite to be read:
//!
//! - an operation (`OP_V2`): its id, device, clock and record as compact binary (an id
//!   that is a lowercase UUID in 16 bytes, integers as varints, the clock's device
//!   left out when it is the operation's), then its body: a score or fields (almost
//!   every operation) in binary, a field's value as its JSON text; any other body as
//!   JSON;
//! - a record's view (`VIEW_V2`): its JSON's length, then the JSON deflated (views
//!   repeat field names, op ids and clocks; they are rewritten with every batch that
//!   touches the record).

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge::RecordView;
use hoctap_shared::number::Points;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordId, RecordKind};
use hoctap_shared::scoring::Answer;

use super::StoreError;

/// The version byte of an operation encoded by [`encode_op`].
const OP_V2: u8 = 2;
/// The version byte of a view encoded by [`encode_view`].
const VIEW_V2: u8 = 2;
/// The first byte of a value written as JSON by earlier builds.
const JSON: u8 = b'{';

/// An operation as stored.
pub fn encode_op(op: &Operation) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.push(OP_V2);
    put_str(&mut out, &op.id);
    put_str(&mut out, &op.device);
    put_varint(&mut out, zigzag(op.hlc.wall_ms));
    put_varint(&mut out, u64::from(op.hlc.counter));
    if op.hlc.device == op.device {
        out.push(0);
    } else {
        out.push(1);
        put_str(&mut out, &op.hlc.device);
    }
    out.push(kind_byte(op.record.kind));
    put_str(&mut out, &op.record.id);
    put_str(&mut out, &op.unit);
    put_body(&mut out, &op.body);
    out
}

/// The body's tags: JSON, a score, fields.
const BODY_JSON: u8 = 0;
const BODY_SCORE: u8 = 1;
const BODY_FIELDS: u8 = 2;

fn put_body(out: &mut Vec<u8>, body: &OpBody) {
    match body {
        OpBody::SetScore { indicator, answer, base } => {
            out.push(BODY_SCORE);
            put_str(out, indicator);
            match answer {
                Answer::Met(met) => out.push(u8::from(*met)),
                Answer::Points(points) => {
                    out.push(2);
                    put_varint(out, zigzag(points.hundredths()));
                }
                Answer::Share { numerator, denominator } => {
                    out.push(3);
                    put_varint(out, *numerator);
                    put_varint(out, *denominator);
                }
            }
            put_list(out, base);
        }
        OpBody::SetFields { fields } => {
            out.push(BODY_FIELDS);
            put_varint(out, fields.len() as u64);
            for edit in fields {
                put_str(out, &edit.field);
                put_str(out, &edit.value.to_string());
                put_list(out, &edit.base);
            }
        }
        other => {
            out.push(BODY_JSON);
            // Serializing our own plain data types cannot fail.
            out.extend(serde_json::to_vec(other).unwrap_or_default());
        }
    }
}

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    put_varint(out, items.len() as u64);
    for item in items {
        put_str(out, item);
    }
}

fn body(input: &mut Input<'_>) -> Option<OpBody> {
    match input.byte()? {
        BODY_JSON => serde_json::from_slice(std::mem::take(&mut input.bytes)).ok(),
        BODY_SCORE => {
            let indicator = input.string()?;
            let answer = match input.byte()? {
                0 => Answer::Met(false),
                1 => Answer::Met(true),
                2 => Answer::Points(Points::from_hundredths(unzigzag(input.varint()?))),
                3 => Answer::Share { numerator: input.varint()?, denominator: input.varint()? },
                _ => return None,
            };
            Some(OpBody::SetScore { indicator, answer, base: input.list()? })
        }
        BODY_FIELDS => {
            let count = input.varint()?;
            let mut fields = Vec::new();
            for _ in 0..count {
                let field = input.string()?;
                let value = serde_json::from_str(&input.string()?).ok()?;
                fields.push(FieldEdit { field, value, base: input.list()? });
            }
            Some(OpBody::SetFields { fields })
        }
        _ => None,
    }
}

/// An operation as [`encode_op`] or an earlier build (JSON) stored it.
pub fn decode_op(bytes: &[u8]) -> Result<Operation, StoreError> {
    let corrupt = || StoreError::Corrupt { key: "log".to_string() };
    match bytes.first() {
        Some(&JSON) => serde_json::from_slice(bytes).map_err(|_| corrupt()),
        Some(&OP_V2) => {
            let mut input = Input { bytes: &bytes[1..] };
            let id = input.string().ok_or_else(corrupt)?;
            let device = input.string().ok_or_else(corrupt)?;
            let wall_ms = unzigzag(input.varint().ok_or_else(corrupt)?);
            let counter = u32::try_from(input.varint().ok_or_else(corrupt)?).map_err(|_| corrupt())?;
            let hlc_device = match input.byte().ok_or_else(corrupt)? {
                0 => device.clone(),
                1 => input.string().ok_or_else(corrupt)?,
                _ => return Err(corrupt()),
            };
            let kind = kind_of(input.byte().ok_or_else(corrupt)?).ok_or_else(corrupt)?;
            let record_id = input.string().ok_or_else(corrupt)?;
            let unit = input.string().ok_or_else(corrupt)?;
            let body = body(&mut input).ok_or_else(corrupt)?;
            if !input.bytes.is_empty() {
                return Err(corrupt());
            }
            Ok(Operation {
                id,
                device,
                hlc: Hlc { wall_ms, counter, device: hlc_device },
                record: RecordId { kind, id: record_id },
                unit,
                body,
            })
        }
        _ => Err(corrupt()),
    }
}

thread_local! {
    /// Each thread's deflate and inflate states, reused: a new one allocates (and
    /// zeroes) a few hundred kilobytes, more than a view's whole encoding costs.
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
    static INFLATE: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// The longest view's JSON a stored view may unpack to (a hostile or damaged length is
/// refused before anything is allocated).
const MAX_VIEW_JSON: u64 = 64 << 20;

/// A record's view as stored: the version byte, the JSON's length, the JSON deflated.
pub fn encode_view(view: &RecordView) -> Vec<u8> {
    // Serializing our own plain data types cannot fail.
    let json = serde_json::to_vec(view).unwrap_or_default();
    let mut out = Vec::with_capacity(json.len() / 2 + 64);
    out.push(VIEW_V2);
    put_varint(&mut out, json.len() as u64);
    let header = out.len();
    let compressed = DEFLATE.with(|state| {
        let mut deflate = state.borrow_mut();
        deflate.reset();
        loop {
            let read = deflate.total_in() as usize;
            if out.len() == out.capacity() {
                out.reserve(json.len() / 4 + 64);
            }
            match deflate.compress_vec(&json[read..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    });
    if compressed {
        out
    } else {
        // Compressing into memory does not fail; were it to, the JSON is still readable.
        out.truncate(header);
        json
    }
}

/// A view as [`encode_view`] or an earlier build (JSON) stored it.
pub fn decode_view(bytes: &[u8]) -> Result<RecordView, StoreError> {
    let corrupt = || StoreError::Corrupt { key: "views".to_string() };
    match bytes.first() {
        Some(&JSON) => serde_json::from_slice(bytes).map_err(|_| corrupt()),
        Some(&VIEW_V2) => {
            let mut input = Input { bytes: &bytes[1..] };
            let length = input.varint().filter(|n| *n <= MAX_VIEW_JSON).ok_or_else(corrupt)?;
            let compressed = input.bytes;
            let mut json = Vec::with_capacity(length as usize);
            INFLATE.with(|state| {
                let mut inflate = state.borrow_mut();
                inflate.reset(false);
                // The whole JSON fits the buffer, so one call ends the stream, whichever
                // backend flate2 uses.
                let ended = inflate.decompress_vec(compressed, &mut json, FlushDecompress::Finish);
                let whole = inflate.total_in() as usize == compressed.len() && json.len() as u64 == length;
                match ended {
                    Ok(Status::StreamEnd) if whole => Ok(()),
                    _ => Err(corrupt()),
                }
            })?;
            serde_json::from_slice(&json).map_err(|_| corrupt())
        }
        _ => Err(corrupt()),
    }
}

fn kind_byte(kind: RecordKind) -> u8 {
    match kind {
        RecordKind::Person => 0,
        RecordKind::Household => 1,
        RecordKind::Clan => 2,
        RecordKind::Unit => 3,
        RecordKind::Hamlet => 4,
        RecordKind::Evaluation => 5,
    }
}

fn kind_of(byte: u8) -> Option<RecordKind> {
    const KINDS: [RecordKind; 6] = [
        RecordKind::Person,
        RecordKind::Household,
        RecordKind::Clan,
        RecordKind::Unit,
        RecordKind::Hamlet,
        RecordKind::Evaluation,
    ];
    KINDS.get(usize::from(byte)).copied()
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A string: a lowercase hyphenated UUID as tag 1 and its 16 bytes, anything else as
/// tag 0, its length and its bytes.
fn put_str(out: &mut Vec<u8>, text: &str) {
    match uuid_bytes(text) {
        Some(bytes) => {
            out.push(1);
            out.extend_from_slice(&bytes);
        }
        None => {
            out.push(0);
            put_varint(out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// The 16 bytes of a lowercase hyphenated UUID (`8-4-4-4-12` hex digits), which
/// [`uuid_text`] writes back exactly.
fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    let raw = text.as_bytes();
    if raw.len() != 36 || [8, 13, 18, 23].iter().any(|&i| raw[i] != b'-') {
        return None;
    }
    let digits: Vec<u8> = raw.iter().copied().filter(|&b| b != b'-').collect();
    if digits.len() != 32 {
        return None;
    }
    let value = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 16];
    for (i, pair) in digits.chunks(2).enumerate() {
        out[i] = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(out)
}

fn uuid_text(bytes: &[u8]) -> String {
    let hex = crate::hex::to_hex(bytes);
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Bytes being read.
struct Input<'a> {
    bytes: &'a [u8],
}

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(*first)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(taken)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    fn list(&mut self) -> Option<Vec<String>> {
        let count = self.varint()?;
        // Each item takes at least two bytes: a count beyond them is corrupt.
        if count > self.bytes.len() as u64 {
            return None;
        }
        (0..count).map(|_| self.string()).collect()
    }

    fn string(&mut self) -> Option<String> {
        match self.byte()? {
            0 => {
                let len = usize::try_from(self.varint()?).ok()?;
                String::from_utf8(self.take(len)?.to_vec()).ok()
            }
            1 => Some(uuid_text(self.take(16)?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str, device: &str, hlc_device: &str, wall_ms: i64, body: OpBody) -> Operation {
        Operation {
            id: id.to_string(),
            device: device.to_string(),
            hlc: Hlc { wall_ms, counter: 7, device: hlc_device.to_string() },
            record: RecordId { kind: RecordKind::Evaluation, id: "cdht-244-2022:2026:person:p-1".to_string() },
            unit: "hamlet:00004-th-3".to_string(),
            body,
        }
    }

    #[test]
    fn operations_round_trip_and_shrink() {
        let uuid = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        let body = OpBody::SetScore {
            indicator: "1.1".to_string(),
            answer: hoctap_shared::scoring::Answer::Met(true),
            base: vec![uuid.to_string()],
        };
        for op in [
            op(
                uuid,
                "f47ac10b-58cc-4372-a567-0e02b2c3d479",
                "f47ac10b-58cc-4372-a567-0e02b2c3d479",
                1_790_000_000_000,
                body.clone(),
            ),
            op("sinh-1-00004-012345", "sinh-1", "sinh-1", 0, body.clone()),
            op("Upper-0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", "d", "another", -5, body.clone()),
            op("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5B", "", "", i64::MAX, body.clone()),
            op("x", "y", "y", i64::MIN, OpBody::Transition { transition: hoctap_shared::protocol::Transition::Submit }),
        ] {
            let stored = encode_op(&op);
            assert_eq!(decode_op(&stored).expect("decodes"), op);
            let json = serde_json::to_vec(&op).expect("json");
            assert!(stored.len() < json.len(), "{} >= {}", stored.len(), json.len());
            // What an earlier build wrote is read as it is.
            assert_eq!(decode_op(&json).expect("json decodes"), op);
        }
        assert!(decode_op(b"").is_err());
        assert!(decode_op(&[OP_V2, 0, 200]).is_err());
        assert!(decode_op(&[9, 1, 2]).is_err());
    }

    #[test]
    fn every_record_kind_has_its_byte() {
        for byte in 0..=u8::MAX {
            if let Some(kind) = kind_of(byte) {
                assert_eq!(kind_byte(kind), byte);
            }
        }
        assert_eq!(kind_of(6), None);
    }

    #[test]
    fn views_round_trip_and_read_json() {
        let op = op("a", "b", "b", 1, OpBody::SetFields { fields: Vec::new() });
        let view = hoctap_shared::merge::view(&op.record, [&op]);
        let stored = encode_view(&view);
        assert_eq!(stored[0], VIEW_V2);
        assert_eq!(decode_view(&stored).expect("decodes"), view);
        assert_eq!(decode_view(&serde_json::to_vec(&view).expect("json")).expect("json decodes"), view);
        assert!(decode_view(&[VIEW_V2, 1, 2, 3]).is_err());
        // A view far larger than the buffers first reserved, repetitive and not.
        let fields = (0..400)
            .map(|i| FieldEdit {
                field: format!("f{i}"),
                value: serde_json::json!(format!("{:x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))),
                base: Vec::new(),
            })
            .collect();
        let big = Operation { body: OpBody::SetFields { fields }, ..op };

        let view = hoctap_shared::merge::view(&big.record, [&big]);
        let stored = encode_view(&view);
        assert!(stored.len() < serde_json::to_vec(&view).expect("json").len());
        assert_eq!(decode_view(&stored).expect("decodes"), view);
        assert!(decode_view(&stored[..stored.len() / 2]).is_err(), "a truncated view is corrupt");
        let mut longer = stored.clone();
        longer.push(0);
        assert!(decode_view(&longer).is_err(), "bytes after the stream are corrupt");
        // One operation setting many fields repeats its id, device and clock in each:
        // it compresses far more than most.
        let fields = (0..60)
            .map(|i| FieldEdit { field: format!("f{i}"), value: serde_json::json!(i), base: Vec::new() })
            .collect();
        let many = Operation { body: OpBody::SetFields { fields }, ..big.clone() };
        let view = hoctap_shared::merge::view(&many.record, [&many]);
        let stored = encode_view(&view);
        assert!(stored.len() * 5 < serde_json::to_vec(&view).expect("json").len(), "{}", stored.len());
        assert_eq!(decode_view(&stored).expect("decodes"), view);
    }
}
