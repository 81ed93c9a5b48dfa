//! The sessions of the EventSub WebSocket and their connections: which
//! connection receives a session's messages, the reconnect handover (the old
//! connection keeps receiving until the new one is welcomed), what a lost
//! connection does to the session's subscriptions, the timers tests set, and
//! the last messages kept for resending.
//!
//! Locks: this registry's lock is never held while the kept subscriptions
//! (`Created`) are locked from here; created.rs may call in while it holds its
//! own lock (the WebSocket rules), so the order is always Created, then this.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};

use super::messages::{self, Outgoing};
use crate::created::Created;

/// Messages kept for the resend control; older ones are forgotten.
const KEPT_MESSAGES: usize = 1_000;
/// How long a disconnected session stays listed.
const KEEP_DISCONNECTED: Duration = Duration::from_secs(600);
/// Disconnected sessions listed at most; the oldest go first.
const MAX_DISCONNECTED: usize = 1_000;
/// Twitch's default keepalive timeout, and the query's bounds.
pub const DEFAULT_KEEPALIVE_SECONDS: u64 = 10;
pub const KEEPALIVE_SECONDS: std::ops::RangeInclusive<u64> = 10..=600;
/// Twitch's reconnect grace period.
const DEFAULT_RECONNECT_GRACE_MS: u64 = 30_000;

/// The timers tests may change (`POST /mock/eventsub/timers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// Replaces the query's `keepalive_timeout_seconds` when set.
    pub keepalive_ms: Option<u64>,
    /// Time to the first subscription; unset: the keepalive timeout, as at Twitch.
    pub welcome_window_ms: Option<u64>,
    pub reconnect_grace_ms: u64,
    /// How long a lost session's subscriptions stay enabled (Twitch's orphans).
    pub orphan_grace_ms: u64,
}

impl Default for Timers {
    fn default() -> Self {
        Timers {
            keepalive_ms: None,
            welcome_window_ms: None,
            reconnect_grace_ms: DEFAULT_RECONNECT_GRACE_MS,
            orphan_grace_ms: 0,
        }
    }
}

/// What a connection's task is told to do.
#[derive(Debug)]
pub enum Out {
    /// Send this text frame.
    Text(String),
    /// Send a close frame with this code and end.
    Close(u16),
    /// End without a close frame (a TCP close).
    Hangup,
    /// Stop sending keepalives and pings.
    Silence,
    /// The keepalive timeout changed.
    Keepalive(Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Connected,
    Reconnecting,
    Disconnected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Connected => "connected",
            Status::Reconnecting => "reconnecting",
            Status::Disconnected => "disconnected",
        }
    }
}

#[derive(Debug)]
struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<Out>,
}

#[derive(Debug)]
struct Session {
    connected_at: String,
    status: Status,
    /// The welcomed connection that gets the session's messages.
    active: Option<Conn>,
    /// Open sockets of this session (two during a reconnect handover).
    open: usize,
    /// The user whose subscriptions it holds (bound by the first one).
    user_id: Option<String>,
    /// A subscription was created on it (the welcome window is met).
    subscribed: bool,
    ended: Option<Instant>,
}

#[derive(Debug)]
struct Reconnect {
    session_id: String,
    issued: Instant,
    grace: Duration,
    used: bool,
    /// The connection that was told to reconnect.
    conn_id: u64,
}

#[derive(Debug)]
struct Sent {
    session_id: String,
    out: Outgoing,
}

#[derive(Debug, Default)]
struct Registry {
    sessions: HashMap<String, Session>,
    reconnects: HashMap<String, Reconnect>,
    sent: VecDeque<Sent>,
}

/// What a new connection needs to know about its session.
#[derive(Debug, Clone)]
pub struct Start {
    pub session_id: String,
    pub conn_id: u64,
    pub connected_at: String,
    /// The keepalive timeout the welcome announces.
    pub keepalive: Duration,
    /// `keepalive_timeout_seconds` as sent: an integer, or a fraction for millisecond timers.
    pub keepalive_seconds: Value,
    /// Time allowed for the first subscription; `None` after a reconnect.
    pub welcome_window: Option<Duration>,
}

/// One session as the sessions control lists it.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub id: String,
    pub status: Status,
    pub user_id: Option<String>,
    pub connections: usize,
}

/// Why a session cannot take a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Gone,
    OtherUser,
}

/// The EventSub WebSocket side of the mock: every session and connection.
#[derive(Debug)]
pub struct EventSub {
    created: Arc<Created>,
    registry: Mutex<Registry>,
    timers: Mutex<Timers>,
    /// `ws://127.0.0.1:PORT/ws` (or `wss://`), set when the server binds.
    url: OnceLock<String>,
    shutdown: watch::Sender<bool>,
    next_conn: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The subscription status a lost connection leaves (Get EventSub Subscriptions' names).
pub fn status_of_close(code: Option<u16>) -> &'static str {
    match code {
        Some(4000) => "websocket_internal_error",
        Some(4001) => "websocket_received_inbound_traffic",
        Some(4002) => "websocket_failed_ping_pong",
        Some(4003) => "websocket_connection_unused",
        Some(4004) => "websocket_failed_to_reconnect",
        Some(4005) => "websocket_network_timeout",
        Some(4006) => "websocket_network_error",
        _ => "websocket_disconnected",
    }
}

impl EventSub {
    pub fn new(created: Arc<Created>) -> EventSub {
        EventSub {
            created,
            registry: Mutex::default(),
            timers: Mutex::default(),
            url: OnceLock::new(),
            shutdown: watch::channel(false).0,
            next_conn: AtomicU64::new(1),
        }
    }

    /// The kept subscriptions (Helix's), which sessions bind.
    pub fn created(&self) -> &Created {
        &self.created
    }

    pub fn set_url(&self, url: String) {
        let _ = self.url.set(url);
    }

    /// Where clients connect; empty before the server is bound.
    pub fn url(&self) -> &str {
        self.url.get().map(String::as_str).unwrap_or_default()
    }

    /// Changes to `true` when the server stops; connection tasks end then.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn timers(&self) -> Timers {
        *lock(&self.timers)
    }

    /// Sets timers for sessions opened from now on; a new keepalive also
    /// reaches the open connections.
    pub fn set_timers(&self, timers: Timers) {
        let old = std::mem::replace(&mut *lock(&self.timers), timers);
        if let (Some(ms), true) = (timers.keepalive_ms, old.keepalive_ms != timers.keepalive_ms) {
            let registry = lock(&self.registry);
            for conn in registry.sessions.values().filter_map(|s| s.active.as_ref()) {
                let _ = conn.tx.send(Out::Keepalive(Duration::from_millis(ms.max(1))));
            }
        }
    }

    fn keepalive(&self, query_seconds: Option<u64>) -> (Duration, Value) {
        match self.timers().keepalive_ms {
            Some(ms) => {
                let ms = ms.max(1);
                let seconds = if ms % 1000 == 0 { json!(ms / 1000) } else { json!(ms as f64 / 1000.0) };
                (Duration::from_millis(ms), seconds)
            }
            None => {
                let s = query_seconds.unwrap_or(DEFAULT_KEEPALIVE_SECONDS);
                let s = s.clamp(*KEEPALIVE_SECONDS.start(), *KEEPALIVE_SECONDS.end());
                (Duration::from_secs(s), json!(s))
            }
        }
    }

    /// A new session for a connection to the base URL.
    pub fn open(&self, query_seconds: Option<u64>, tx: mpsc::UnboundedSender<Out>) -> Start {
        let (keepalive, keepalive_seconds) = self.keepalive(query_seconds);
        let window = self.timers().welcome_window_ms.map(Duration::from_millis).unwrap_or(keepalive);
        let conn_id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let session_id = super::clock::session_id();
        let connected_at = super::clock::now();
        let forgotten = {
            let mut registry = lock(&self.registry);
            let forgotten = prune(&mut registry);
            registry.sessions.insert(
                session_id.clone(),
                Session {
                    connected_at: connected_at.clone(),
                    status: Status::Connected,
                    active: Some(Conn { id: conn_id, tx }),
                    open: 1,
                    user_id: None,
                    subscribed: false,
                    ended: None,
                },
            );
            forgotten
        };
        for id in forgotten {
            self.created.forget_session(&id);
        }
        Start { session_id, conn_id, connected_at, keepalive, keepalive_seconds, welcome_window: Some(window) }
    }

    /// A connection to a reconnect URL: its session, once per URL and within
    /// the grace period; `None` is the 4007 of an invalid reconnect.
    pub fn claim(&self, token: &str) -> Option<Start> {
        let (keepalive, keepalive_seconds) = self.keepalive(None);
        let mut registry = lock(&self.registry);
        let r = registry.reconnects.get_mut(token)?;
        if r.used || r.issued.elapsed() > r.grace {
            return None;
        }
        r.used = true;
        let session_id = r.session_id.clone();
        let session = registry.sessions.get_mut(&session_id).filter(|s| s.status == Status::Reconnecting)?;
        session.open += 1;
        let conn_id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let connected_at = session.connected_at.clone();
        Some(Start { session_id, conn_id, connected_at, keepalive, keepalive_seconds, welcome_window: None })
    }

    /// The reconnected connection was welcomed: it gets the session's
    /// messages from now on, and the old one is closed normally.
    pub fn welcomed(&self, session_id: &str, conn_id: u64, tx: mpsc::UnboundedSender<Out>) {
        let mut registry = lock(&self.registry);
        let Some(session) = registry.sessions.get_mut(session_id) else { return };
        if session.status == Status::Disconnected {
            let _ = tx.send(Out::Close(4007));
            return;
        }
        let old = session.active.replace(Conn { id: conn_id, tx });
        session.status = Status::Connected;
        if let Some(old) = old {
            let _ = old.tx.send(Out::Close(1000));
        }
    }

    /// A connection ended. When it was the session's active one (no finished
    /// handover), the session is lost and its subscriptions are disabled with
    /// `status`, after the orphan grace period.
    pub fn ended(self: &Arc<Self>, session_id: &str, conn_id: u64, status: &'static str) {
        let lost = {
            let mut registry = lock(&self.registry);
            let Some(session) = registry.sessions.get_mut(session_id) else { return };
            session.open = session.open.saturating_sub(1);
            let lost = session.active.as_ref().is_some_and(|c| c.id == conn_id);
            if lost {
                session.active = None;
                session.status = Status::Disconnected;
                session.ended = Some(Instant::now());
            }
            lost
        };
        if !lost {
            return;
        }
        let grace = Duration::from_millis(self.timers().orphan_grace_ms);
        if grace.is_zero() {
            self.created.set_session_status(session_id, status);
            return;
        }
        let (me, id) = (self.clone(), session_id.to_owned());
        let mut stop = self.shutdown_signal();
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(grace) => {}
                _ = stop.changed() => {}
            }
            me.created.set_session_status(&id, status);
        });
    }

    /// Whether a subscription was ever created on the session.
    pub fn has_subscribed(&self, session_id: &str) -> bool {
        lock(&self.registry).sessions.get(session_id).is_some_and(|s| s.subscribed)
    }

    /// Whether `user_id` may add a subscription to the session now.
    pub fn check_session(&self, session_id: &str, user_id: &str) -> Result<String, Refusal> {
        let registry = lock(&self.registry);
        let session = registry.sessions.get(session_id).filter(|s| s.status != Status::Disconnected);
        let session = session.ok_or(Refusal::Gone)?;
        match &session.user_id {
            Some(u) if u != user_id => Err(Refusal::OtherUser),
            _ => Ok(session.connected_at.clone()),
        }
    }

    /// A subscription of `user_id` was created on the session.
    pub fn bind(&self, session_id: &str, user_id: &str) {
        if let Some(s) = lock(&self.registry).sessions.get_mut(session_id) {
            s.user_id.get_or_insert_with(|| user_id.to_owned());
            s.subscribed = true;
        }
    }

    /// Sends a message to the session's active connection; `keep` remembers
    /// it for the resend control. False when no connection is there.
    pub fn deliver(&self, session_id: &str, out: Outgoing, keep: bool) -> bool {
        let mut registry = lock(&self.registry);
        let sent = registry
            .sessions
            .get(session_id)
            .and_then(|s| s.active.as_ref())
            .is_some_and(|c| c.tx.send(Out::Text(out.text.clone())).is_ok());
        if keep {
            if registry.sent.len() >= KEPT_MESSAGES {
                registry.sent.pop_front();
            }
            registry.sent.push_back(Sent { session_id: session_id.to_owned(), out });
        }
        sent
    }

    /// Sends a kept message again, same id and timestamp; the last one when
    /// no id is given. `None`: no such message is kept.
    pub fn resend(&self, message_id: Option<&str>) -> Option<(String, bool)> {
        let (session_id, out) = {
            let registry = lock(&self.registry);
            let found = match message_id {
                Some(id) => registry.sent.iter().rev().find(|s| s.out.message_id == id),
                None => registry.sent.back(),
            }?;
            (found.session_id.clone(), found.out.clone())
        };
        let id = out.message_id.clone();
        Some((id, self.deliver(&session_id, out, false)))
    }

    /// Sends `session_reconnect` with a fresh reconnect URL; after the grace
    /// period without a handover the old connection is closed with 4004.
    pub fn start_reconnect(self: &Arc<Self>, session_id: &str) -> Option<String> {
        let grace = Duration::from_millis(self.timers().reconnect_grace_ms);
        let token = super::clock::reconnect_token();
        let url = format!("{}?reconnect={token}", self.url());
        {
            let mut registry = lock(&self.registry);
            let session = registry.sessions.get_mut(session_id).filter(|s| s.status != Status::Disconnected)?;
            let conn = session.active.as_ref()?;
            let conn_id = conn.id;
            let _ = conn.tx.send(Out::Text(messages::reconnect(session_id, &session.connected_at, &url).text));
            session.status = Status::Reconnecting;
            registry.reconnects.retain(|_, r| r.issued.elapsed() < r.grace + KEEP_DISCONNECTED);
            let reconnect =
                Reconnect { session_id: session_id.to_owned(), issued: Instant::now(), grace, used: false, conn_id };
            registry.reconnects.insert(token.clone(), reconnect);
        }
        let (me, mut stop) = (self.clone(), self.shutdown_signal());
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(grace) => me.grace_over(&token),
                _ = stop.changed() => {}
            }
        });
        Some(url)
    }

    /// The reconnect grace period ran out: 4004 unless the handover happened.
    fn grace_over(&self, token: &str) {
        let registry = lock(&self.registry);
        let Some(r) = registry.reconnects.get(token) else { return };
        let Some(session) = registry.sessions.get(&r.session_id) else { return };
        if session.status != Status::Reconnecting {
            return;
        }
        if let Some(conn) = session.active.as_ref().filter(|c| c.id == r.conn_id) {
            let _ = conn.tx.send(Out::Close(4004));
        }
    }

    /// Tells the session's active connection to do something; false when it has none.
    pub fn tell(&self, session_id: &str, out: Out) -> bool {
        let registry = lock(&self.registry);
        let conn = registry.sessions.get(session_id).and_then(|s| s.active.as_ref());
        conn.is_some_and(|c| c.tx.send(out).is_ok())
    }

    /// Every session still listed, newest first.
    pub fn sessions(&self) -> Vec<SessionView> {
        let registry = lock(&self.registry);
        let mut list: Vec<(&String, &Session)> = registry.sessions.iter().collect();
        list.sort_by(|a, b| b.1.connected_at.cmp(&a.1.connected_at));
        list.into_iter()
            .map(|(id, s)| SessionView {
                id: id.clone(),
                status: s.status,
                user_id: s.user_id.clone(),
                connections: s.open,
            })
            .collect()
    }
}

/// Forgets sessions disconnected long ago, and the oldest when too many are
/// kept; returns their ids (their disabled subscriptions go too).
fn prune(registry: &mut Registry) -> Vec<String> {
    let mut gone: Vec<(Instant, String)> =
        registry.sessions.iter().filter_map(|(id, s)| s.ended.map(|at| (at, id.clone()))).collect();
    gone.sort();
    let excess = gone.len().saturating_sub(MAX_DISCONNECTED);
    let forget: Vec<String> = gone
        .into_iter()
        .enumerate()
        .filter(|(i, (at, _))| *i < excess || at.elapsed() > KEEP_DISCONNECTED)
        .map(|(_, (_, id))| id)
        .collect();
    for id in &forget {
        registry.sessions.remove(id);
    }
    forget
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub() -> Arc<EventSub> {
        Arc::new(EventSub::new(Arc::new(Created::default())))
    }

    #[test]
    fn the_keepalive_is_clamped_or_set_by_the_timer() {
        let h = hub();
        assert_eq!(h.keepalive(None), (Duration::from_secs(10), json!(10)));
        assert_eq!(h.keepalive(Some(3)), (Duration::from_secs(10), json!(10)), "clamped up");
        assert_eq!(h.keepalive(Some(9000)), (Duration::from_secs(600), json!(600)), "clamped down");
        assert_eq!(h.keepalive(Some(42)), (Duration::from_secs(42), json!(42)));
        h.set_timers(Timers { keepalive_ms: Some(500), ..Timers::default() });
        assert_eq!(h.keepalive(Some(42)), (Duration::from_millis(500), json!(0.5)), "the timer wins");
        h.set_timers(Timers { keepalive_ms: Some(2000), ..Timers::default() });
        assert_eq!(h.keepalive(None).1, json!(2));
    }

    #[test]
    fn kept_messages_are_bounded_and_resent_as_they_were() {
        let h = hub();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let start = h.open(None, tx);
        let mut last = None;
        for _ in 0..KEPT_MESSAGES + 5 {
            let out = messages::keepalive();
            last = Some(out.clone());
            assert!(h.deliver(&start.session_id, out, true));
        }
        assert_eq!(lock(&h.registry).sent.len(), KEPT_MESSAGES);
        let last = last.expect("sent");
        assert_eq!(h.resend(None), Some((last.message_id.clone(), true)));
        let mut texts = Vec::new();
        while let Ok(Out::Text(t)) = rx.try_recv() {
            texts.push(t);
        }
        assert_eq!(texts.last(), Some(&last.text), "the same text again");
        assert_eq!(h.resend(Some("nope")), None);
    }

    #[test]
    fn old_disconnected_sessions_are_forgotten() {
        let mut registry = Registry::default();
        for i in 0..MAX_DISCONNECTED + 3 {
            let session = Session {
                connected_at: String::new(),
                status: Status::Disconnected,
                active: None,
                open: 0,
                user_id: None,
                subscribed: false,
                ended: Some(Instant::now()),
            };
            registry.sessions.insert(format!("s{i}"), session);
        }
        assert_eq!(prune(&mut registry).len(), 3);
        assert_eq!(registry.sessions.len(), MAX_DISCONNECTED);
    }
}
