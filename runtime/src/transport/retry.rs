//! When a failed request is sent again, and after how long.
//!
//! - 429 Too Many Requests: any method (Twitch did not act on it); wait until
//!   `Ratelimit-Reset` (the rate limiter does that), else back off. Not when
//!   `Ratelimit-Remaining` is above 0: that 429 is a limit of the endpoint
//!   (EventSub's cost), which no wait lifts (transport/mod.rs).
//! - 5xx, a dropped or refused connection, a timeout: only idempotent methods
//!   (GET, PUT, DELETE), since a POST or PATCH may have taken effect.
//! - Anything else is the answer.
//!
//! Retries are bounded by [`Config::max_retries`]; backoff doubles from
//! [`Config::retry_base_delay`] up to [`Config::retry_max_delay`], with jitter
//! so that concurrent requests do not come back in lockstep.

use crate::config::Config;
use crate::Error;
use std::time::Duration;

/// Why a request is being tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    TooManyRequests,
    Status(u16),
    Timeout,
    Network,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::TooManyRequests => write!(f, "429 Too Many Requests"),
            Reason::Status(s) => write!(f, "{s} {}", status_reason(*s)),
            Reason::Timeout => write!(f, "timeout"),
            Reason::Network => write!(f, "connection error"),
        }
    }
}

fn status_reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// Whether an answer's status is worth another try.
pub(crate) fn retry_status(status: u16, idempotent: bool) -> Option<Reason> {
    match status {
        429 => Some(Reason::TooManyRequests),
        500..=599 if idempotent => Some(Reason::Status(status)),
        _ => None,
    }
}

/// Whether a transport error is worth another try.
pub(crate) fn retry_error(error: &Error, idempotent: bool) -> Option<Reason> {
    match error {
        Error::Timeout { .. } if idempotent => Some(Reason::Timeout),
        Error::Network { .. } if idempotent => Some(Reason::Network),
        _ => None,
    }
}

/// The pause before retry number `retry` (1 for the first), with "equal
/// jitter": half fixed, half random, so it never collapses to zero.
pub(crate) fn backoff(config: &Config, retry: u32) -> Duration {
    let exp = config.retry_base_delay.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
    let capped = exp.min(config.retry_max_delay);
    let half = capped / 2;
    let jitter = if half.is_zero() { Duration::ZERO } else { half.mul_f64(crate::random::unit_interval()) };
    half + jitter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_requests_are_retried_on_5xx_and_network_errors() {
        assert_eq!(retry_status(503, true), Some(Reason::Status(503)));
        assert_eq!(retry_status(503, false), None);
        assert_eq!(retry_status(429, false), Some(Reason::TooManyRequests));
        assert_eq!(retry_status(404, true), None);
        assert_eq!(retry_status(200, true), None);
        let net = Error::network("x", "reset");
        let timeout = Error::Timeout { endpoint: "x".into(), seconds: 1 };
        assert_eq!(retry_error(&net, true), Some(Reason::Network));
        assert_eq!(retry_error(&net, false), None);
        assert_eq!(retry_error(&timeout, true), Some(Reason::Timeout));
        let decode = Error::Decode { endpoint: "x".into(), path: ".".into(), message: "eof".into() };
        assert_eq!(retry_error(&decode, true), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let mut c = Config::new("x");
        c.retry_base_delay = Duration::from_millis(100);
        c.retry_max_delay = Duration::from_millis(1000);
        for _ in 0..50 {
            let first = backoff(&c, 1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = backoff(&c, 3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            let late = backoff(&c, 30);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_millis(1000), "{late:?}");
        }
        c.retry_base_delay = Duration::ZERO;
        assert_eq!(backoff(&c, 2), Duration::ZERO);
    }
}
