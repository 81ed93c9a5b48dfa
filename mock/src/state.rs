//! Mutable server state shared by all requests: the data set, the tokens
//! minted so far, the rate-limit buckets and the request counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::config::MockConfig;
use crate::created::Created;
use crate::dataset::Dataset;
use crate::eventsub::EventSub;
use crate::faults::Faults;
use crate::flows::Flows;
use crate::token::{random_token, TokenInfo, TokenUser};

/// Counters a test can read through `MockServer::stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MockStats {
    /// Helix requests refused with 429 because the token's points bucket was empty.
    pub rate_limited: u64,
    /// App tokens minted through `POST /oauth2/token` (client credentials).
    pub app_tokens_minted: u64,
    /// Calls to `GET /oauth2/validate`, valid or not.
    pub validate_calls: u64,
    /// Requests under `/helix`, whatever their outcome.
    pub helix_requests: u64,
    /// User tokens refreshed through the `refresh_token` grant.
    pub refreshes: u64,
    /// Requests that came over HTTP/2 (only over TLS, as ALPN chose).
    pub http2_requests: u64,
}

/// Rate-limit headers for one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the bucket is full again.
    pub reset: u64,
    /// Whether the request got its point; `false`: the bucket was empty (429).
    pub granted: bool,
}

#[derive(Debug, Default)]
struct Bucket {
    /// Which window (of `config.bucket_window`) the count is for.
    window: u64,
    used: u32,
}

#[derive(Debug, Default)]
struct Counters {
    app_tokens_minted: AtomicU64,
    validate_calls: AtomicU64,
    helix_requests: AtomicU64,
    rate_limited: AtomicU64,
    refreshes: AtomicU64,
    http2_requests: AtomicU64,
}

pub struct MockState {
    pub config: MockConfig,
    pub data: RwLock<Dataset>,
    tokens: Mutex<HashMap<String, TokenInfo>>,
    buckets: Mutex<HashMap<String, Bucket>>,
    counters: Counters,
    /// Faults tests injected (`MockServer::faults`).
    pub faults: Faults,
    /// Polls, predictions, rewards, EventSub subscriptions and blocked terms requests created.
    pub created: Arc<Created>,
    /// The EventSub WebSocket sessions (they bind subscriptions of `created`).
    pub eventsub: Arc<EventSub>,
    /// Device codes, authorization codes and refresh tokens (user login flows).
    pub flows: Flows,
    /// Replaces `config.token_lifetime` when a test changes it at run time.
    token_lifetime: Mutex<Option<std::time::Duration>>,
    /// When the last refresh token was spent (and its successor issued).
    last_refresh: Mutex<Option<std::time::Instant>>,
    /// Each (sender, channel)'s last chat message and when it was sent, for
    /// Twitch's rule that the same text twice within 30 s is dropped.
    last_chat: Mutex<HashMap<(String, String), (String, Instant)>>,
}

/// How long Twitch drops a message identical to the sender's previous one in that channel.
pub const DUPLICATE_CHAT_WINDOW: std::time::Duration = std::time::Duration::from_secs(30);

impl MockState {
    /// Records a chat message; false when the sender sent the same text to
    /// the channel within [`DUPLICATE_CHAT_WINDOW`] (Twitch drops it).
    pub fn chat_is_new(&self, sender: &str, channel: &str, text: &str) -> bool {
        let now = Instant::now();
        let mut last = lock(&self.last_chat);
        last.retain(|_, (_, at)| now.duration_since(*at) < DUPLICATE_CHAT_WINDOW);
        let key = (sender.to_owned(), channel.to_owned());
        if last.get(&key).is_some_and(|(previous, _)| previous == text) {
            return false;
        }
        last.insert(key, (text.to_owned(), now));
        true
    }
}

/// A panic in one request must not take the whole mock down with poisoned locks.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MockState {
    pub fn new(config: MockConfig) -> MockState {
        let data = Dataset::build(&config);
        let created = Arc::new(Created::default());
        MockState {
            config,
            data: RwLock::new(data),
            tokens: Mutex::new(HashMap::new()),
            buckets: Mutex::new(HashMap::new()),
            counters: Counters::default(),
            faults: Faults::default(),
            eventsub: Arc::new(EventSub::new(created.clone())),
            created,
            flows: Flows::default(),
            token_lifetime: Mutex::new(None),
            last_refresh: Mutex::new(None),
            last_chat: Mutex::new(HashMap::new()),
        }
    }

    /// Mints a token for this server's client; `user` is `None` for an app token.
    pub fn mint(&self, user: Option<TokenUser>, scopes: Vec<String>) -> String {
        let token = random_token();
        let info = TokenInfo {
            client_id: self.config.client_id.clone(),
            user,
            scopes,
            expires_at: Instant::now() + self.token_lifetime(),
        };
        lock(&self.tokens).insert(token.clone(), info);
        self.flows.remember(&token);
        token
    }

    /// A user token for a login of the data set; `None` if there is no such user.
    pub fn mint_user(&self, login: &str, scopes: Vec<String>) -> Option<String> {
        let user = self.user(login)?;
        Some(self.mint(Some(user), scopes))
    }

    /// The user of the data set with this login.
    pub fn user(&self, login: &str) -> Option<TokenUser> {
        let data = self.data.read().unwrap_or_else(PoisonError::into_inner);
        let u = data.user_by_login(login)?;
        Some(TokenUser { id: u.get("id")?.as_str()?.to_string(), login: u.get("login")?.as_str()?.to_string() })
    }

    /// How long tokens minted now stay valid.
    pub fn token_lifetime(&self) -> std::time::Duration {
        lock(&self.token_lifetime).unwrap_or(self.config.token_lifetime)
    }

    /// Changes the lifetime of tokens minted from now on.
    pub fn set_token_lifetime(&self, lifetime: std::time::Duration) {
        *lock(&self.token_lifetime) = Some(lifetime);
    }

    /// The token's details while it is valid; `None` when unknown, revoked or expired.
    pub fn lookup(&self, token: &str) -> Option<TokenInfo> {
        let tokens = lock(&self.tokens);
        let info = tokens.get(token)?;
        (info.expires_at > Instant::now()).then(|| info.clone())
    }

    /// Forgets a token; returns whether it existed.
    pub fn revoke(&self, token: &str) -> bool {
        lock(&self.tokens).remove(token).is_some()
    }

    /// Makes a token expire now (it stays known, so errors say "invalid").
    pub fn expire(&self, token: &str) {
        if let Some(info) = lock(&self.tokens).get_mut(token) {
            info.expires_at = Instant::now();
        }
    }

    /// Takes one point from `key`'s bucket: `config.bucket_size` points per
    /// `config.bucket_window`, windows aligned on the Unix epoch (so the
    /// default 800 per 60 s refills on the minute). When the bucket is empty
    /// the point is not granted and the request is to be answered 429.
    pub fn take_rate_limit(&self, key: &str) -> RateLimit {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        let size = self.config.bucket_size;
        let window_ms = (self.config.bucket_window.as_millis() as u64).max(1);
        let window = now / window_ms;
        // Whole seconds, rounded up, as Twitch's header carries.
        let reset = ((window + 1) * window_ms).div_ceil(1000);
        let mut buckets = lock(&self.buckets);
        let bucket = buckets.entry(key.to_string()).or_default();
        if bucket.window != window {
            *bucket = Bucket { window, used: 0 };
        }
        let granted = bucket.used < size;
        if granted {
            bucket.used += 1;
        } else {
            self.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        RateLimit { limit: size, remaining: size.saturating_sub(bucket.used), reset, granted }
    }

    pub fn count_app_token(&self) {
        self.counters.app_tokens_minted.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_validate(&self) {
        self.counters.validate_calls.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_helix(&self) {
        self.counters.helix_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_http2(&self) {
        self.counters.http2_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_refresh(&self) {
        *lock(&self.last_refresh) = Some(std::time::Instant::now());
        self.counters.refreshes.fetch_add(1, Ordering::Relaxed);
    }

    /// When the last refresh token was spent.
    pub fn last_refresh(&self) -> Option<std::time::Instant> {
        *lock(&self.last_refresh)
    }

    pub fn stats(&self) -> MockStats {
        MockStats {
            app_tokens_minted: self.counters.app_tokens_minted.load(Ordering::Relaxed),
            validate_calls: self.counters.validate_calls.load(Ordering::Relaxed),
            helix_requests: self.counters.helix_requests.load(Ordering::Relaxed),
            rate_limited: self.counters.rate_limited.load(Ordering::Relaxed),
            refreshes: self.counters.refreshes.load(Ordering::Relaxed),
            http2_requests: self.counters.http2_requests.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RATE_LIMIT;
    use std::time::Duration;

    fn state() -> MockState {
        MockState::new(MockConfig { users: 12, games: 3, routes: &[], ..MockConfig::default() })
    }

    #[test]
    fn user_tokens_know_their_user() {
        let s = state();
        let t = s.mint_user("shroud", vec!["a".into()]).expect("known user");
        let info = s.lookup(&t).expect("valid");
        let user = info.user.clone().expect("user token");
        assert_eq!((user.id.as_str(), user.login.as_str()), ("10003", "shroud"));
        assert_eq!(info.scopes, vec!["a".to_string()]);
        assert!(info.expires_in() > 3600);
        assert!(s.mint_user("nobody", vec![]).is_none());
    }

    #[test]
    fn expired_and_revoked_tokens_stop_working() {
        let s = state();
        let a = s.mint(None, vec![]);
        let b = s.mint(None, vec![]);
        assert_ne!(a, b);
        assert_eq!(a.len(), 30);
        s.expire(&a);
        assert!(s.lookup(&a).is_none());
        assert!(s.revoke(&b));
        assert!(s.lookup(&b).is_none());
        assert!(!s.revoke(&b));
    }

    #[test]
    fn zero_lifetime_tokens_are_born_expired() {
        let s = MockState::new(MockConfig {
            users: 1,
            token_lifetime: Duration::ZERO,
            routes: &[],
            ..MockConfig::default()
        });
        let t = s.mint(None, vec![]);
        assert!(s.lookup(&t).is_none());
    }

    #[test]
    fn rate_limit_counts_down_per_key() {
        let s = state();
        let first = s.take_rate_limit("x");
        let second = s.take_rate_limit("x");
        let other = s.take_rate_limit("y");
        assert_eq!(first.limit, RATE_LIMIT);
        assert_eq!(first.remaining, RATE_LIMIT - 1);
        // The window may roll over between calls; then the count restarts.
        assert!(second.remaining == RATE_LIMIT - 2 || second.reset > first.reset);
        assert_eq!(other.remaining, RATE_LIMIT - 1);
        assert!(first.reset.is_multiple_of(60));
    }

    #[test]
    fn an_empty_bucket_refuses_until_the_next_window() {
        let s = MockState::new(MockConfig {
            users: 1,
            bucket_size: 3,
            bucket_window: Duration::from_millis(400),
            routes: &[],
            ..MockConfig::default()
        });
        // Start at the beginning of a window so the four takes share it.
        while SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() % 400 > 100 {
            std::thread::sleep(Duration::from_millis(5));
        }
        let takes: Vec<RateLimit> = (0..4).map(|_| s.take_rate_limit("k")).collect();
        assert_eq!(
            takes.iter().map(|t| (t.remaining, t.granted)).collect::<Vec<_>>(),
            [(2, true), (1, true), (0, true), (0, false)]
        );
        assert_eq!(s.stats().rate_limited, 1);
        std::thread::sleep(Duration::from_millis(450));
        assert!(s.take_rate_limit("k").granted);
    }
}
