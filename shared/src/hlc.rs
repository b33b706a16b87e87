//! Hybrid logical clocks. Every operation carries one, so that operations from devices
//! offline for days, or with clocks that are wrong, still have an order that respects
//! causality: an operation made after seeing another always sorts after it. The clock
//! reading is passed in; this module never reads time itself.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A timestamp: physical milliseconds, a counter for events within the same
/// millisecond, and the device that made it (the final tie-break, so two devices never
/// produce equal timestamps).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub device: String,
}

impl Ord for Hlc {
    fn cmp(&self, other: &Hlc) -> Ordering {
        (self.wall_ms, self.counter, &self.device).cmp(&(other.wall_ms, other.counter, &other.device))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Hlc) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hlc {
    /// The zero timestamp of a device that has done nothing yet.
    pub fn zero(device: &str) -> Hlc {
        Hlc { wall_ms: 0, counter: 0, device: device.to_string() }
    }

    /// The timestamp of a new local event, given the device's last timestamp and its
    /// clock reading. Always greater than `self`, even if the clock went backwards.
    pub fn tick(&self, now_ms: i64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc { wall_ms: now_ms, counter: 0, device: self.device.clone() }
        } else {
            Hlc { wall_ms: self.wall_ms, counter: self.counter.saturating_add(1), device: self.device.clone() }
        }
    }

    /// The device's timestamp after seeing `remote` (e.g. on pull): greater than both
    /// its own last timestamp and the remote one, so what it does next sorts after
    /// everything it has seen.
    pub fn receive(&self, remote: &Hlc, now_ms: i64) -> Hlc {
        let wall = now_ms.max(self.wall_ms).max(remote.wall_ms);
        let counter = if wall == self.wall_ms && wall == remote.wall_ms {
            self.counter.max(remote.counter).saturating_add(1)
        } else if wall == self.wall_ms {
            self.counter.saturating_add(1)
        } else if wall == remote.wall_ms {
            remote.counter.saturating_add(1)
        } else {
            0
        };
        Hlc { wall_ms: wall, counter, device: self.device.clone() }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}@{}", self.wall_ms, self.counter, self.device)
    }
}

#[cfg(test)]
mod tests {
    use super::Hlc;

    #[test]
    fn tick_is_monotonic_even_when_the_clock_goes_back() {
        let a = Hlc::zero("d1").tick(1_000);
        let b = a.tick(900);
        let c = b.tick(900);
        assert!(a < b && b < c);
        assert_eq!((b.wall_ms, b.counter), (1_000, 1));
    }

    #[test]
    fn receive_sorts_after_both() {
        let local = Hlc { wall_ms: 5_000, counter: 3, device: "d1".into() };
        // A device whose clock is a day ahead.
        let remote = Hlc { wall_ms: 5_000 + 86_400_000, counter: 7, device: "d2".into() };
        let seen = local.receive(&remote, 4_000);
        assert!(seen > local && seen > remote);
        let next = seen.tick(4_000);
        assert!(next > remote);
    }
}
