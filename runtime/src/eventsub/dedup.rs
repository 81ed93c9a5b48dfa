//! The message ids seen in the last ten minutes, to drop what Twitch delivers
//! twice (delivery is at least once, and during a reconnect the old and the
//! new socket may both carry a message). Ten minutes because older messages
//! are dropped by their timestamp anyway; the count is capped too, so a flood
//! cannot grow it without bound (the oldest ids go first).

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

/// How long an id is remembered, and the age past which a message is dropped.
pub(crate) const WINDOW: Duration = Duration::from_secs(600);

/// The most ids remembered at once.
pub(crate) const MAX_IDS: usize = 100_000;

/// Ids seen within [`WINDOW`], at most `cap` of them.
#[derive(Debug)]
pub(crate) struct Seen {
    ids: HashSet<String>,
    order: VecDeque<(Instant, String)>,
    window: Duration,
    cap: usize,
}

impl Seen {
    pub fn new() -> Seen {
        Seen::with_limits(WINDOW, MAX_IDS)
    }

    pub fn with_limits(window: Duration, cap: usize) -> Seen {
        Seen { ids: HashSet::new(), order: VecDeque::new(), window, cap: cap.max(1) }
    }

    /// Records `id`; `false` when it was seen within the window (a duplicate).
    pub fn first_time(&mut self, id: &str) -> bool {
        self.first_time_at(id, Instant::now())
    }

    fn first_time_at(&mut self, id: &str, now: Instant) -> bool {
        while self.order.front().is_some_and(|(at, _)| now.saturating_duration_since(*at) >= self.window) {
            self.forget_oldest();
        }
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() >= self.cap {
            self.forget_oldest();
        }
        self.ids.insert(id.to_owned());
        self.order.push_back((now, id.to_owned()));
        true
    }

    fn forget_oldest(&mut self) {
        if let Some((_, old)) = self.order.pop_front() {
            self.ids.remove(&old);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_id_is_a_duplicate_within_the_window_only() {
        let mut seen = Seen::with_limits(Duration::from_secs(600), 10);
        let t0 = Instant::now();
        assert!(seen.first_time_at("a", t0));
        assert!(!seen.first_time_at("a", t0 + Duration::from_secs(599)));
        assert!(seen.first_time_at("b", t0 + Duration::from_secs(599)));
        assert!(seen.first_time_at("a", t0 + Duration::from_secs(601)), "forgotten after ten minutes");
    }

    #[test]
    fn memory_stays_bounded_and_the_oldest_ids_go_first() {
        let mut seen = Seen::with_limits(Duration::from_secs(600), 3);
        let t0 = Instant::now();
        for id in ["1", "2", "3", "4", "5"] {
            assert!(seen.first_time_at(id, t0));
        }
        assert_eq!(seen.len(), 3);
        assert!(!seen.first_time_at("5", t0));
        assert!(seen.first_time_at("1", t0), "the oldest was dropped for room");
    }
}
