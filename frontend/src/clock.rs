//! Whether this device's clock can be trusted, and how work stamped while it could not
//! is stamped again. Pure: the sync round reads the clocks and the outbox and stores
//! what comes out. Tested natively.
//!
//! The server refuses (`clock_skew`) an operation stamped more than [`SKEW_BOUND_MS`]
//! ahead of its own clock, or before 2000, and stores nothing of it; each push answer
//! carries the server's clock. Such operations stay in the outbox. Once a later answer
//! shows the device's clock within the bound of the server's, they are stamped again
//! from a clock reset to the current time, in outbox order, keeping their ids (the server
//! never stored them) and their `base` references, and are sent again.

use std::collections::BTreeSet;

use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::Operation;

/// How far ahead of the server's clock an operation may be stamped: the server's default
/// bound. A device judged right by it is within a day of the server.
pub const SKEW_BOUND_MS: i64 = 24 * 60 * 60 * 1000;

/// 2000-01-01T00:00:00Z in ms: no operation is stamped earlier.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// The code of a push refusal for a wrong clock.
pub const CLOCK_SKEW: &str = "clock_skew";

/// The device's and the server's clocks at the moment a push was answered (ms since the
/// epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReading {
    pub device_ms: i64,
    pub server_ms: i64,
}

impl ClockReading {
    /// Whether the device's clock is near enough to the server's for what it stamps to be
    /// accepted (within the bound either way, and after 2000).
    pub fn is_right(&self) -> bool {
        self.device_ms >= EARLIEST_MS && self.device_ms.abs_diff(self.server_ms) <= SKEW_BOUND_MS.unsigned_abs()
    }
}

/// What the last push answers said about the device's clock, for the officer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClockNotice {
    /// The clocks at the last answer that carried the server's.
    pub reading: Option<ClockReading>,
    /// Operations kept in the outbox because the server refused their clock.
    pub skewed: usize,
}

impl ClockNotice {
    /// Whether the officer must set the device's date and time.
    pub fn is_wrong(&self) -> bool {
        self.skewed > 0 || self.reading.is_some_and(|r| !r.is_right())
    }

    /// The time now as the server would read it, when the device's clock is known to be
    /// wrong (from the last reading's difference); the device's own reading otherwise.
    /// What the officer is offered by default (an evaluation's year) comes from it, so
    /// a phone a year fast does not start next year's evaluation.
    pub fn trusted_now(&self, device_now_ms: i64) -> i64 {
        match self.reading {
            Some(reading) if !reading.is_right() => {
                device_now_ms.saturating_sub(reading.device_ms.saturating_sub(reading.server_ms))
            }
            _ => device_now_ms,
        }
    }
}

/// Whether a timestamp is one the server refuses, judged by its clock `server_ms`.
pub fn out_of_bounds(hlc: &Hlc, server_ms: i64) -> bool {
    hlc.wall_ms > server_ms.saturating_add(SKEW_BOUND_MS) || hlc.wall_ms < EARLIEST_MS
}

/// Operations stamped again, and the device's clock after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restamped {
    /// The operations whose timestamp changed, in outbox order, ids and bodies unchanged.
    pub ops: Vec<Operation>,
    /// The clock to store: reset when it was itself out of bounds, then moved past every
    /// new timestamp.
    pub clock: Hlc,
}

/// Stamps again the operations of `outbox` (oldest first) that the server refused for
/// their clock (`skewed`) or that it would refuse by `reading`, from the device's
/// `clock` — reset to zero first when it is out of bounds itself, so that the next
/// timestamps come from the current time. Call it only when `reading` is right.
pub fn restamp(outbox: &[Operation], skewed: &BTreeSet<String>, reading: ClockReading, clock: &Hlc) -> Restamped {
    let mut clock = if out_of_bounds(clock, reading.server_ms) { Hlc::zero(&clock.device) } else { clock.clone() };
    let ops = outbox
        .iter()
        .filter(|op| skewed.contains(&op.id) || out_of_bounds(&op.hlc, reading.server_ms))
        .map(|op| {
            clock = clock.tick(reading.device_ms);
            Operation { hlc: clock.clone(), ..op.clone() }
        })
        .collect();
    Restamped { ops, clock }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::protocol::{OpBody, RecordId, RecordKind};
    use hoctap_shared::scoring::Answer;

    const DAY: i64 = 24 * 60 * 60 * 1000;
    /// 2026-05-12T03:00:00Z.
    const NOW: i64 = 1_778_554_800_000;

    fn op(id: &str, wall_ms: i64, counter: u32) -> Operation {
        Operation {
            id: id.to_string(),
            device: "d".to_string(),
            hlc: Hlc { wall_ms, counter, device: "d".to_string() },
            record: RecordId { kind: RecordKind::Evaluation, id: "e".to_string() },
            unit: "hamlet:h".to_string(),
            body: OpBody::SetScore {
                indicator: "1.1".to_string(),
                answer: Answer::Met(true),
                base: vec![format!("base-of-{id}")],
            },
        }
    }

    #[track_caller]
    fn check_right(device_ms: i64, server_ms: i64, expect: bool) {
        assert_eq!(ClockReading { device_ms, server_ms }.is_right(), expect, "device {device_ms}, server {server_ms}");
    }

    #[test]
    fn a_clock_is_right_within_a_day_of_the_server_either_way() {
        check_right(NOW, NOW, true);
        check_right(NOW + DAY, NOW, true);
        check_right(NOW - DAY, NOW, true);
        check_right(NOW + DAY + 1, NOW, false);
        check_right(NOW - DAY - 1, NOW, false);
        check_right(NOW + 365 * DAY, NOW, false);
        check_right(EARLIEST_MS - 1, EARLIEST_MS, false);
        check_right(i64::MIN, NOW, false);
        check_right(i64::MAX, NOW, false);
    }

    #[test]
    fn the_officer_is_told_while_work_waits_for_the_clock_or_the_clock_is_off() {
        let wrong = ClockReading { device_ms: NOW + 365 * DAY, server_ms: NOW };
        let right = ClockReading { device_ms: NOW, server_ms: NOW };
        assert!(ClockNotice { reading: Some(wrong), skewed: 0 }.is_wrong());
        assert!(ClockNotice { reading: Some(right), skewed: 2 }.is_wrong());
        assert!(ClockNotice { reading: None, skewed: 1 }.is_wrong());
        assert!(!ClockNotice { reading: Some(right), skewed: 0 }.is_wrong());
        assert!(!ClockNotice::default().is_wrong());
    }

    #[test]
    fn a_wrong_clock_is_corrected_by_the_last_reading_a_right_one_is_kept() {
        let wrong = ClockReading { device_ms: NOW + 365 * DAY, server_ms: NOW };
        let right = ClockReading { device_ms: NOW + 1_000, server_ms: NOW };
        // An hour after the reading, by the device's (wrong) clock.
        assert_eq!(
            ClockNotice { reading: Some(wrong), skewed: 3 }.trusted_now(NOW + 365 * DAY + 3_600_000),
            NOW + 3_600_000
        );
        assert_eq!(ClockNotice { reading: Some(right), skewed: 0 }.trusted_now(NOW + 5), NOW + 5);
        assert_eq!(ClockNotice::default().trusted_now(NOW), NOW);
    }

    #[test]
    fn timestamps_beyond_a_day_ahead_or_before_2000_are_out_of_bounds() {
        let at = |wall_ms| Hlc { wall_ms, counter: 0, device: "d".to_string() };
        assert!(!out_of_bounds(&at(NOW + DAY), NOW));
        assert!(out_of_bounds(&at(NOW + DAY + 1), NOW));
        assert!(!out_of_bounds(&at(EARLIEST_MS), NOW));
        assert!(out_of_bounds(&at(EARLIEST_MS - 1), NOW));
        assert!(out_of_bounds(&at(0), NOW));
        assert!(!out_of_bounds(&at(i64::MAX), i64::MAX));
    }

    #[test]
    fn a_year_fast_outbox_is_stamped_again_in_order_from_the_current_time() {
        let year = 365 * DAY;
        let outbox = vec![op("a", NOW - 3 * DAY, 0), op("b", NOW + year, 0), op("c", NOW + year, 1)];
        let skewed: BTreeSet<String> = ["b".to_string(), "c".to_string()].into();
        let clock = Hlc { wall_ms: NOW + year, counter: 1, device: "d".to_string() };
        let reading = ClockReading { device_ms: NOW + 5, server_ms: NOW };
        let out = restamp(&outbox, &skewed, reading, &clock);
        let stamps: Vec<(&str, i64, u32)> =
            out.ops.iter().map(|o| (o.id.as_str(), o.hlc.wall_ms, o.hlc.counter)).collect();
        assert_eq!(stamps, vec![("b", NOW + 5, 0), ("c", NOW + 5, 1)]);
        // Only the clock changed: ids, records, bodies and their bases stay.
        for (new, old) in out.ops.iter().zip(&outbox[1..]) {
            assert_eq!(Operation { hlc: old.hlc.clone(), ..new.clone() }, *old);
        }
        assert_eq!(out.clock, Hlc { wall_ms: NOW + 5, counter: 1, device: "d".to_string() });
    }

    #[test]
    fn operations_before_2000_are_stamped_again_even_if_the_server_did_not_say() {
        let outbox = vec![op("old", 1_000, 0), op("fine", NOW - DAY, 0)];
        let clock = Hlc { wall_ms: NOW - DAY, counter: 0, device: "d".to_string() };
        let reading = ClockReading { device_ms: NOW, server_ms: NOW };
        let out = restamp(&outbox, &BTreeSet::new(), reading, &clock);
        assert_eq!(out.ops.len(), 1);
        assert_eq!((out.ops[0].id.as_str(), out.ops[0].hlc.wall_ms), ("old", NOW));
        // A clock within bounds is kept and moves on from where it was.
        assert_eq!(out.clock.wall_ms, NOW);
    }

    #[test]
    fn a_clock_within_bounds_keeps_its_order_with_earlier_work() {
        // The stored clock is an hour ahead (allowed); an operation the server refused
        // anyway is stamped after it, never before what the device already stamped.
        let hour = 60 * 60 * 1000;
        let clock = Hlc { wall_ms: NOW + hour, counter: 3, device: "d".to_string() };
        let outbox = vec![op("x", NOW + hour, 3)];
        let skewed: BTreeSet<String> = ["x".to_string()].into();
        let out = restamp(&outbox, &skewed, ClockReading { device_ms: NOW, server_ms: NOW }, &clock);
        assert_eq!((out.ops[0].hlc.wall_ms, out.ops[0].hlc.counter), (NOW + hour, 4));
        assert_eq!(out.clock, out.ops[0].hlc);
    }

    #[test]
    fn nothing_to_stamp_again_leaves_the_clock_alone() {
        let clock = Hlc { wall_ms: NOW, counter: 2, device: "d".to_string() };
        let out =
            restamp(&[op("a", NOW, 2)], &BTreeSet::new(), ClockReading { device_ms: NOW, server_ms: NOW }, &clock);
        assert_eq!(out, Restamped { ops: vec![], clock });
    }
}
