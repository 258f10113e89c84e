//! Hybrid logical clock (Kulkarni et al., 2014).
//!
//! A stamp is `(wall_ms, counter, node)`. It never goes backwards on one node, and a node that
//! receives a stamp moves its own clock past it, so stamps order causally related events even
//! when phone clocks are wrong. The protocol uses stamps to record *when* something happened;
//! it never lets a phone's clock decide which write wins (see PROTOCOL.md, "Clocks").

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// One hybrid logical clock stamp.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Hlc {
    /// Milliseconds since the Unix epoch, as the node's clock saw them (or later).
    pub wall_ms: u64,
    /// Tie breaker for events within the same millisecond.
    pub counter: u32,
    /// The node that made the stamp: a device id, or a server instance id.
    pub node: String,
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, &self.node).cmp(&(other.wall_ms, other.counter, &other.node))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A node's clock state: the last stamp it issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HlcClock {
    node: String,
    last_wall_ms: u64,
    last_counter: u32,
}

impl HlcClock {
    /// A clock for `node` that has issued nothing yet.
    #[must_use]
    pub fn new(node: impl Into<String>) -> Self {
        Self {
            node: node.into(),
            last_wall_ms: 0,
            last_counter: 0,
        }
    }

    /// The node this clock stamps for.
    #[must_use]
    pub fn node(&self) -> &str {
        &self.node
    }

    /// A new stamp for a local event, given the node's physical time in milliseconds.
    pub fn tick(&mut self, physical_ms: u64) -> Hlc {
        if physical_ms > self.last_wall_ms {
            self.last_wall_ms = physical_ms;
            self.last_counter = 0;
        } else {
            self.last_counter = self.last_counter.saturating_add(1);
        }
        self.current()
    }

    /// Moves the clock past a received stamp and returns a stamp for the receive event.
    pub fn observe(&mut self, remote: &Hlc, physical_ms: u64) -> Hlc {
        let wall = self.last_wall_ms.max(remote.wall_ms).max(physical_ms);
        let counter = if wall == self.last_wall_ms && wall == remote.wall_ms {
            self.last_counter.max(remote.counter).saturating_add(1)
        } else if wall == self.last_wall_ms {
            self.last_counter.saturating_add(1)
        } else if wall == remote.wall_ms {
            remote.counter.saturating_add(1)
        } else {
            0
        };
        self.last_wall_ms = wall;
        self.last_counter = counter;
        self.current()
    }

    /// The last stamp issued, without advancing.
    #[must_use]
    pub fn current(&self) -> Hlc {
        Hlc {
            wall_ms: self.last_wall_ms,
            counter: self.last_counter,
            node: self.node.clone(),
        }
    }
}

/// Milliseconds since the Unix epoch by this machine's clock (0 if the clock is before 1970).
#[must_use]
pub fn physical_now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tick_never_goes_backwards_when_the_physical_clock_does() {
        let mut clock = HlcClock::new("a");
        let first = clock.tick(1_000);
        let second = clock.tick(500);
        assert!(second > first);
        assert_eq!(second.wall_ms, 1_000);
        assert_eq!(second.counter, 1);
    }

    #[test]
    fn observe_moves_past_a_stamp_from_a_clock_that_runs_ahead() {
        let mut phone = HlcClock::new("phone");
        let ahead = phone.tick(10_000);
        let mut server = HlcClock::new("server");
        let received = server.observe(&ahead, 2_000);
        assert!(received > ahead);
        assert!(server.tick(2_001) > received);
    }

    proptest! {
        #[test]
        fn stamps_from_one_clock_are_strictly_increasing(
            events in proptest::collection::vec((0u64..5_000, proptest::option::of(0u64..5_000)), 1..50)
        ) {
            let mut clock = HlcClock::new("n");
            let mut last: Option<Hlc> = None;
            for (physical, remote) in events {
                let stamp = match remote {
                    Some(r) => clock.observe(&Hlc { wall_ms: r, counter: 3, node: "m".into() }, physical),
                    None => clock.tick(physical),
                };
                if let Some(prev) = &last {
                    prop_assert!(stamp > *prev);
                }
                last = Some(stamp);
            }
        }
    }
}
