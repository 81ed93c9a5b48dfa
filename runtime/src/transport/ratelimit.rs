//! Helix's rate limit, kept on the client side: one points bucket per token,
//! shared by every task and clone of a client, fed by the `Ratelimit-Limit`,
//! `Ratelimit-Remaining` and `Ratelimit-Reset` headers of each answer.
//!
//! A request reserves a point before it is sent. When the points Twitch last
//! reported, less those reserved by requests still in flight, are used up, the
//! request waits: for answers in flight (which bring fresh figures), or, when
//! the bucket is empty, until its reset. So a batch of concurrent requests
//! never fires more requests than the bucket holds, and a 429 is the exception
//! (another process sharing the token), not the way the limit is found.
//!
//! Before the first answer on a token, the bucket is assumed to hold
//! [`Config::assumed_bucket`](crate::Config::assumed_bucket) points: Twitch's
//! documented 800 by default, so a batch goes out in one round trip instead of
//! waiting for a probe request. If the real bucket is smaller or already
//! drained, the 429s that follow carry the true figures; the limiter holds the
//! retries until the reset, and from then on every request stays within them.

use crate::response::RateLimit;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

/// Waiting for a reset starts this long after the second Twitch names, so
/// that the bucket has surely refilled when the request arrives.
const RESET_SLACK: Duration = Duration::from_millis(100);

/// Twitch's bucket refills within a minute: a reset further away than this
/// (a client clock behind Twitch's, a hostile header) is taken as this far,
/// so one wait is at most a window and the bucket then counts as refilled.
const WINDOW: Duration = Duration::from_secs(60);

/// Which bucket a request draws from: a digest of its token (never the token
/// itself), or 0 for requests sent without one.
pub(crate) type BucketKey = u64;

pub(crate) fn bucket_key(token: Option<&str>) -> BucketKey {
    use std::hash::{Hash, Hasher};
    let Some(token) = token else { return 0 };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    token.hash(&mut h);
    h.finish() | 1
}

#[derive(Debug, Default)]
struct Bucket {
    /// The last figures Twitch sent for this token, if any answer carried them.
    figures: Option<RateLimit>,
    /// Points reserved by requests sent but not answered yet.
    in_flight: u32,
}

/// What a request may do now.
#[derive(Debug, PartialEq)]
enum Decision {
    Send,
    /// The bucket is empty: wait this long (until its reset).
    WaitForReset(Duration),
    /// Every point left is reserved by requests in flight: wait for an answer.
    WaitForAnswer,
}

impl Bucket {
    /// `assumed`: the points taken to be left while no answer has said (at least 1).
    fn decide(&mut self, now: Duration, assumed: u32) -> Decision {
        let Some(figures) = &mut self.figures else {
            return if self.in_flight < assumed.max(1) { Decision::Send } else { Decision::WaitForAnswer };
        };
        if now.as_secs() >= figures.reset && (figures.remaining < figures.limit || figures.remaining == 0) {
            // The reset has passed: Twitch has refilled the bucket (a limit of
            // 0 counts as 1, so a past reset never makes a waiting loop).
            figures.remaining = figures.limit.max(1);
        }
        if figures.remaining > self.in_flight {
            Decision::Send
        } else if figures.remaining == 0 {
            let reset = Duration::from_secs(figures.reset).saturating_add(RESET_SLACK);
            Decision::WaitForReset(reset.saturating_sub(now).clamp(RESET_SLACK, WINDOW + RESET_SLACK))
        } else {
            Decision::WaitForAnswer
        }
    }

    /// Takes in the figures of one answer. Answers arrive out of order, so
    /// within one window the lowest `remaining` wins; a later reset starts a
    /// new window.
    fn update(&mut self, mut new: RateLimit, now: Duration) {
        new.reset = new.reset.min(now.saturating_add(WINDOW).as_secs());
        self.figures = Some(match self.figures {
            Some(old) if new.reset < old.reset => old,
            Some(old) if new.reset == old.reset => RateLimit { remaining: old.remaining.min(new.remaining), ..new },
            _ => new,
        });
    }
}

/// The buckets of one client (all its clones share them).
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    /// Points a bucket is taken to hold until an answer gives its figures.
    assumed: u32,
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
    /// Woken whenever a reservation ends.
    answered: Notify,
    /// The last figures any answer carried, for [`crate::Client::rate_limit`].
    last: Mutex<Option<RateLimit>>,
}

impl RateLimiter {
    pub fn new(assumed: u32) -> RateLimiter {
        RateLimiter { assumed, ..RateLimiter::default() }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<BucketKey, Bucket>> {
        self.buckets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves one point of `key`'s bucket, waiting as long as it takes (a
    /// reset is at most one window away; the call's deadline bounds the rest).
    /// `on_wait` is told of each wait for a reset before it starts.
    pub async fn acquire(&self, key: BucketKey, what: &str, on_wait: &(dyn Fn(Duration) + Sync)) -> Permit<'_> {
        loop {
            // Registered before looking, so an answer between the look and the
            // wait is not missed.
            let answered = self.answered.notified();
            tokio::pin!(answered);
            answered.as_mut().enable();
            let decision = {
                let mut buckets = self.lock();
                let bucket = buckets.entry(key).or_default();
                let decision = bucket.decide(unix_now(), self.assumed);
                if decision == Decision::Send {
                    bucket.in_flight += 1;
                }
                decision
            };
            match decision {
                Decision::Send => return Permit { limiter: self, key, open: true },
                Decision::WaitForReset(wait) => {
                    tracing::debug!(
                        wait_ms = wait.as_millis() as u64,
                        "{what}: rate-limit bucket empty, waiting for its reset"
                    );
                    on_wait(wait);
                    tokio::time::sleep(wait).await;
                }
                Decision::WaitForAnswer => answered.await,
            }
        }
    }

    /// The last figures Helix sent, on any token of this client.
    pub fn last(&self) -> Option<RateLimit> {
        *self.last.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn release(&self, key: BucketKey, figures: Option<RateLimit>) {
        {
            let mut buckets = self.lock();
            let bucket = buckets.entry(key).or_default();
            bucket.in_flight = bucket.in_flight.saturating_sub(1);
            if let Some(figures) = figures {
                bucket.update(figures, unix_now());
            }
        }
        if let Some(figures) = figures {
            *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(figures);
        }
        self.answered.notify_waiters();
    }
}

/// One reserved point. Dropping it without an answer (an error, a cancelled
/// future) gives the point back.
pub(crate) struct Permit<'a> {
    limiter: &'a RateLimiter,
    key: BucketKey,
    open: bool,
}

impl Permit<'_> {
    /// Ends the reservation with the figures the answer carried.
    pub fn answered(mut self, figures: Option<RateLimit>) {
        self.open = false;
        self.limiter.release(self.key, figures);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.open {
            self.limiter.release(self.key, None);
        }
    }
}

/// The `Ratelimit-*` headers of an answer, when all three are there.
pub(crate) fn figures(headers: &http::HeaderMap) -> Option<RateLimit> {
    let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    Some(RateLimit {
        limit: u32::try_from(num("ratelimit-limit")?).unwrap_or(u32::MAX),
        remaining: u32::try_from(num("ratelimit-remaining")?).unwrap_or(u32::MAX),
        reset: num("ratelimit-reset")?,
    })
}

/// Time since the Unix epoch.
pub(crate) fn unix_now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rl(limit: u32, remaining: u32, reset: u64) -> RateLimit {
        RateLimit { limit, remaining, reset }
    }

    #[test]
    fn unknown_buckets_are_assumed_to_hold_the_configured_points() {
        let now = Duration::from_secs(100);
        let mut b = Bucket::default();
        assert_eq!(b.decide(now, 1), Decision::Send);
        b.in_flight = 1;
        assert_eq!(b.decide(now, 1), Decision::WaitForAnswer, "1: one probe request at a time");
        assert_eq!(b.decide(now, 0), Decision::WaitForAnswer, "0 counts as 1");
        assert_eq!(b.decide(now, 800), Decision::Send);
        b.in_flight = 800;
        assert_eq!(b.decide(now, 800), Decision::WaitForAnswer);
        // Once an answer has said, its figures rule, not the assumption.
        b.update(rl(5, 0, 120), now);
        b.in_flight = 0;
        assert_eq!(b.decide(now, 800), Decision::WaitForReset(Duration::from_millis(20_100)));
    }

    #[test]
    fn points_in_flight_are_reserved() {
        let mut b = Bucket { figures: Some(rl(10, 3, 200)), in_flight: 2 };
        assert_eq!(b.decide(Duration::from_secs(100), 1), Decision::Send);
        b.in_flight = 3;
        assert_eq!(b.decide(Duration::from_secs(100), 1), Decision::WaitForAnswer);
    }

    #[test]
    fn an_empty_bucket_waits_for_its_reset_then_refills() {
        let mut b = Bucket { figures: Some(rl(10, 0, 200)), in_flight: 0 };
        assert_eq!(b.decide(Duration::from_millis(199_500), 1), Decision::WaitForReset(Duration::from_millis(600)));
        assert_eq!(b.decide(Duration::from_secs(200), 1), Decision::Send);
        assert_eq!(b.figures.map(|f| f.remaining), Some(10));
    }

    #[test]
    fn a_far_reset_counts_as_one_window_then_the_bucket_refills() {
        let now = Duration::from_secs(100);
        let mut far = Bucket::default();
        far.update(rl(10, 0, u64::MAX), now);
        let Decision::WaitForReset(wait) = far.decide(now, 1) else { panic!("waits") };
        assert!(wait <= WINDOW + RESET_SLACK, "{wait:?}");
        // One window later the bucket counts as refilled: no second wait.
        assert_eq!(far.decide(now + WINDOW, 1), Decision::Send);
        // Even a bucket Twitch says holds nothing at all.
        let mut zero = Bucket::default();
        zero.update(rl(0, 0, 50), now);
        assert_eq!(zero.decide(now, 1), Decision::Send);
    }

    #[test]
    fn out_of_order_answers_keep_the_lowest_figure_of_a_window() {
        let mut b = Bucket::default();
        b.update(rl(10, 4, 200), Duration::from_secs(200));
        b.update(rl(10, 6, 200), Duration::from_secs(200));
        assert_eq!(b.figures.map(|f| f.remaining), Some(4));
        b.update(rl(10, 9, 150), Duration::from_secs(200));
        assert_eq!(b.figures.map(|f| f.remaining), Some(4));
        b.update(rl(10, 9, 260), Duration::from_secs(200));
        assert_eq!(b.figures, Some(rl(10, 9, 260)));
    }

    #[test]
    fn keys_never_are_the_token() {
        assert_eq!(bucket_key(None), 0);
        assert_ne!(bucket_key(Some("a")), bucket_key(Some("b")));
        assert_ne!(bucket_key(Some("a")), 0);
    }

    #[tokio::test]
    async fn concurrent_tasks_share_the_bucket() {
        let limiter = std::sync::Arc::new(RateLimiter::new(1));
        limiter.release(7, Some(rl(5, 2, u64::MAX)));
        let a = limiter.acquire(7, "t", &|_| {}).await;
        let b = limiter.acquire(7, "t", &|_| {}).await;
        // Both points are reserved: a third request waits for an answer.
        let l2 = limiter.clone();
        let third = tokio::spawn(async move {
            let _p = l2.acquire(7, "t", &|_| {}).await;
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!third.is_finished());
        // An answer saying one point is left lets it go.
        a.answered(Some(rl(5, 2, u64::MAX)));
        tokio::time::timeout(Duration::from_secs(2), third).await.expect("woken").expect("no panic");
        drop(b);
        assert_eq!(limiter.last(), Some(rl(5, 2, u64::MAX)));
    }
}
