//! How long to wait before opening a new session after a lost connection:
//! doubling from the base up to the cap, with "equal jitter" (half fixed,
//! half random, as the HTTP retries do) so that many clients dropped at once
//! by the same server do not come back in lockstep.

use std::time::Duration;

/// The default first wait ([`WebSocketBuilder::reconnect_backoff`](super::WebSocketBuilder::reconnect_backoff)).
pub const DEFAULT_RECONNECT_BASE: Duration = Duration::from_millis(500);
/// The default longest wait.
pub const DEFAULT_RECONNECT_MAX: Duration = Duration::from_secs(30);

/// The wait before attempt `attempt` (1 for the first) to open a new session.
pub(crate) fn delay(base: Duration, max: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let capped = exp.min(max);
    let half = capped / 2;
    half + half.mul_f64(crate::random::unit_interval())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_jitter_up_to_the_cap() {
        let (base, max) = (Duration::from_millis(100), Duration::from_millis(1000));
        for _ in 0..50 {
            let first = delay(base, max, 1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = delay(base, max, 3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            let late = delay(base, max, 40);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_millis(1000), "{late:?}");
        }
        assert_eq!(delay(Duration::ZERO, max, 3), Duration::ZERO);
    }
}
