//! One EventSub WebSocket session as a stream: a task reads the socket
//! (answering Pings, watching for silence), creates the wanted
//! subscriptions on each new session, moves to the reconnect URL when asked,
//! opens a new session after a lost connection, and hands events to the
//! [`WebSocket`] stream in order.
//!
//! The wanted set (what the program asked for, less what Twitch revoked) is
//! kept apart from the live set (what exists on the current session), so a
//! subscription that could not be created is tried again on the next
//! session rather than forgotten.

use super::backoff;
use super::close::{after_close, close_code_meaning, AfterClose};
use super::connection::{self, SocketUrl, Ws};
use super::decode::DecodeEvent;
use super::dedup::{self, Seen};
use super::error::EventSubError;
use super::events::{Lifecycle, Notification, Revocation, SessionEvent, SubscriptionInfo};
use super::message::{self, Item, Message, Parsed, SessionInfo};
use super::subscribe;
use super::timestamp;
use super::wanted::Wanted;
use crate::client::Inner;
use crate::Error;
use futures_util::{SinkExt, Stream, StreamExt};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;

/// How many ids of subscriptions made on earlier sessions are remembered, to
/// delete them when they stand in the way.
const OURS_KEPT: usize = 1000;

/// How long the old socket of a reconnect is read after the new one's
/// welcome, waiting for the server to close it.
const OLD_SOCKET_DRAIN: Duration = Duration::from_secs(2);

/// One item of the stream.
type StreamItem<E> = Result<SessionEvent<E>, Error>;

/// An EventSub WebSocket session: a [`Stream`] of [`SessionEvent`]s.
///
/// Made by [`WebSocketBuilder::connect`](super::WebSocketBuilder::connect).
/// It keeps itself alive until it is closed or dropped: a lost connection
/// opens a new session (after a backoff) and creates the subscriptions
/// again; a `session_reconnect` moves to the new URL without losing or
/// doubling an event. The stream ends after a fatal error, which is its last
/// item. Events wait in memory until read, so read the stream steadily.
///
/// Dropping it stops the session at once (Twitch disables its
/// subscriptions when the socket closes); [`WebSocket::close`] also deletes them.
pub struct WebSocket<E> {
    events: mpsc::UnboundedReceiver<StreamItem<E>>,
    session_id: Arc<Mutex<String>>,
    stop: Option<mpsc::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl<E> std::fmt::Debug for WebSocket<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocket").field("session_id", &self.session_id()).finish_non_exhaustive()
    }
}

impl<E> WebSocket<E> {
    /// The id of the current session (it changes after a lost connection).
    pub fn session_id(&self) -> String {
        self.session_id.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Deletes the session's subscriptions, closes the socket and waits for
    /// both. Failures to delete are logged: Twitch disables the
    /// subscriptions of a closed session anyway.
    pub async fn close(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(()).await;
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl<E> Drop for WebSocket<E> {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl<E> Stream for WebSocket<E> {
    type Item = StreamItem<E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

/// The settings of a session, from the builder.
pub(crate) struct Settings {
    pub inner: Arc<Inner>,
    pub base: SocketUrl,
    pub tls: Option<Arc<rustls::ClientConfig>>,
    pub wanted: Vec<Wanted>,
    pub backoff: (Duration, Duration),
}

/// Why serving a connection stopped.
enum End {
    /// The connection is gone; a new session may follow.
    Lost(Error),
    /// The session cannot go on.
    Fatal(Error),
    /// [`WebSocket::close`] was called.
    Stop,
    /// The [`WebSocket`] was dropped.
    Gone,
}

/// What a frame asks of the session.
enum Step {
    Go,
    Reconnect(String),
    Welcome(SessionInfo),
    End(End),
}

struct Session<E> {
    inner: Arc<Inner>,
    base: SocketUrl,
    tls: Option<Arc<rustls::ClientConfig>>,
    backoff: (Duration, Duration),
    wanted: Vec<Wanted>,
    /// Subscription id → the wanted one it is, on the current session.
    live: HashMap<String, Wanted>,
    /// Ids created on earlier sessions, newest last.
    ours: VecDeque<String>,
    session_id: Arc<Mutex<String>>,
    keepalive: Duration,
    seen: Seen,
    events: mpsc::UnboundedSender<StreamItem<E>>,
    stop: mpsc::Receiver<()>,
    /// Set once a stop was received: the stop channel is not watched any more.
    stopping: bool,
}

/// Opens the first session and starts the task that keeps it.
pub(crate) async fn start<E: DecodeEvent>(settings: Settings) -> Result<WebSocket<E>, Error> {
    let (events, rx) = mpsc::unbounded_channel();
    let (stop_tx, stop) = mpsc::channel(1);
    let session_id = Arc::new(Mutex::new(String::new()));
    let mut session = Session {
        inner: settings.inner,
        base: settings.base,
        tls: settings.tls,
        backoff: settings.backoff,
        wanted: settings.wanted,
        live: HashMap::new(),
        ours: VecDeque::new(),
        session_id: session_id.clone(),
        keepalive: Duration::from_secs(10),
        seen: Seen::new(),
        events,
        stop,
        stopping: false,
    };
    let ws = match session.open_session(true).await {
        Ok(ws) => ws,
        Err(End::Lost(e) | End::Fatal(e)) => return Err(e),
        Err(End::Stop | End::Gone) => {
            return Err(Error::EventSub(EventSubError::Protocol {
                message: "the session stopped while opening".into(),
            }))
        }
    };
    let task = tokio::spawn(session.run(ws));
    Ok(WebSocket { events: rx, session_id, stop: Some(stop_tx), task: Some(task) })
}

impl<E: DecodeEvent> Session<E> {
    /// Serves connections until the session ends.
    async fn run(mut self, mut ws: Ws) {
        loop {
            let end = self.serve(&mut ws).await;
            match end {
                End::Stop => return self.shut_down(ws).await,
                End::Gone => return,
                End::Fatal(e) => {
                    let _ = self.events.send(Err(e));
                    return;
                }
                End::Lost(why) => {
                    drop(ws);
                    match self.renew(why).await {
                        Some(new) => ws = new,
                        None => return,
                    }
                }
            }
        }
    }

    /// Reads `ws` until it ends, following `session_reconnect`s.
    async fn serve(&mut self, ws: &mut Ws) -> End {
        loop {
            match self.next_step(ws).await {
                Step::Go | Step::Welcome(_) => {}
                Step::Reconnect(url) => {
                    if let Err(end) = self.hand_over(ws, url).await {
                        return end;
                    }
                }
                Step::End(end) => return end,
            }
        }
    }

    /// Waits for the next frame of `ws` (or a stop) and acts on it.
    async fn next_step(&mut self, ws: &mut Ws) -> Step {
        let watchdog = self.watchdog();
        tokio::select! {
            _ = self.stop.recv(), if !self.stopping => Step::End(End::Stop),
            frame = tokio::time::timeout(watchdog, ws.next()) => match frame {
                Err(_) => Step::End(End::Lost(lost(format!(
                    "no message or ping for {:.1} s (keepalive {:.1} s); the connection is taken as dead",
                    watchdog.as_secs_f64(),
                    self.keepalive.as_secs_f64()
                )))),
                Ok(frame) => self.on_frame(ws, frame).await,
            },
        }
    }

    /// Acts on one frame of `ws` (`None`: the stream ended).
    async fn on_frame(
        &mut self,
        ws: &mut Ws,
        frame: Option<Result<Frame, tokio_tungstenite::tungstenite::Error>>,
    ) -> Step {
        match frame {
            None => Step::End(End::Lost(lost("the connection ended without a close frame".into()))),
            Some(Err(e)) => Step::End(End::Lost(lost(format!("the connection failed: {e}")))),
            Some(Ok(Frame::Text(text))) => self.on_text(&text),
            Some(Ok(Frame::Ping(_))) => {
                // The Pong tungstenite queued goes out now, not with the next read.
                let _ = ws.flush().await;
                Step::Go
            }
            Some(Ok(Frame::Close(frame))) => {
                let (code, reason) = match frame {
                    Some(f) => (Some(u16::from(f.code)), f.reason.to_string()),
                    None => (None, String::new()),
                };
                Step::End(closed(code, reason))
            }
            Some(Ok(Frame::Binary(_))) => {
                tracing::debug!("eventsub: ignored a binary frame");
                Step::Go
            }
            Some(Ok(Frame::Pong(_) | Frame::Frame(_))) => Step::Go,
        }
    }

    fn on_text(&mut self, text: &str) -> Step {
        let Parsed { metadata, message } = match message::parse(text) {
            Ok(parsed) => parsed,
            Err(why) => {
                tracing::warn!("eventsub: skipped a message: {why}");
                return Step::Go;
            }
        };
        match message {
            Message::Keepalive => Step::Go,
            Message::Welcome(info) => Step::Welcome(info),
            Message::Reconnect(info) => match info.reconnect_url {
                Some(url) if !url.is_empty() => Step::Reconnect(url),
                _ => {
                    tracing::warn!("eventsub: a session_reconnect without a reconnect_url was ignored");
                    Step::Go
                }
            },
            Message::Notification { subscription, items } => {
                if too_old(&metadata.message_timestamp, &metadata.message_id) {
                    return Step::Go;
                }
                self.notify(&metadata.message_id, &metadata.message_timestamp, subscription, items)
            }
            Message::Revocation(subscription) => {
                if too_old(&metadata.message_timestamp, &metadata.message_id)
                    || !self.seen.first_time(&metadata.message_id)
                {
                    return Step::Go;
                }
                self.revoked(&subscription);
                self.emit(Ok(SessionEvent::Revocation(Revocation { message_id: metadata.message_id, subscription })))
            }
            Message::Other(kind) => {
                tracing::debug!(kind, "eventsub: ignored a message of a type this version does not know");
                Step::Go
            }
        }
    }

    /// Decodes and hands on each new event of a notification.
    fn notify(&mut self, message_id: &str, timestamp: &str, subscription: SubscriptionInfo, items: Vec<Item>) -> Step {
        for item in items {
            let id = item.id.unwrap_or_else(|| message_id.to_owned());
            if !self.seen.first_time(&id) {
                tracing::debug!(message_id = %id, "eventsub: dropped a duplicate");
                continue;
            }
            let decoded = E::decode(&subscription.subscription_type, &subscription.version, item.event);
            let out = match decoded {
                Ok(event) => Ok(SessionEvent::Notification(Notification {
                    message_id: id,
                    message_timestamp: timestamp.to_owned(),
                    subscription: subscription.clone(),
                    event,
                })),
                Err(e) => Err(Error::EventSub(EventSubError::Decode(e))),
            };
            if let Step::End(end) = self.emit(out) {
                return Step::End(end);
            }
        }
        Step::Go
    }

    /// Forgets a revoked subscription: no longer live, no longer wanted.
    fn revoked(&mut self, subscription: &SubscriptionInfo) {
        let wanted = self.live.remove(&subscription.id);
        self.wanted.retain(|w| match &wanted {
            Some(revoked) => w != revoked,
            None => !w.matches(&subscription.subscription_type, &subscription.version, &subscription.condition),
        });
    }

    fn emit(&self, item: StreamItem<E>) -> Step {
        match self.events.send(item) {
            Ok(()) => Step::Go,
            Err(_) => Step::End(End::Gone),
        }
    }

    fn lifecycle(&self, event: Lifecycle) -> Step {
        self.emit(Ok(SessionEvent::Lifecycle(event)))
    }

    /// How long silence may last: the keepalive plus a margin that scales
    /// with it (a quarter, and at least a second, or the keepalive itself
    /// when that is under a second), so a 10 s keepalive allows 12.5 s and a
    /// mock's 0.5 s allows 1 s.
    fn watchdog(&self) -> Duration {
        watchdog(self.keepalive)
    }

    /// Moves from `ws` to `url` (a `session_reconnect`): keeps reading `ws`
    /// until the new connection's welcome, then closes it. Subscriptions move
    /// with the session; the dedup window spans both sockets.
    async fn hand_over(&mut self, ws: &mut Ws, url: String) -> Result<(), End> {
        if let Step::End(end) = self.lifecycle(Lifecycle::Reconnecting { url: url.clone() }) {
            return Err(end);
        }
        let target =
            SocketUrl::parse(&url).map_err(|e| End::Lost(lost(format!("the reconnect URL is refused: {e}"))))?;
        let timeout = self.inner.config.connect_timeout;
        // Owned, so that the connecting future does not hold `self`.
        let (tls, agent) = (self.tls.clone(), self.inner.config.user_agent.clone());
        let connecting = connection::open(&target, tls.as_ref(), &agent, timeout);
        tokio::pin!(connecting);
        let mut new: Option<Ws> = None;
        let mut old_open = true;
        let welcome_by = tokio::time::sleep(timeout.saturating_mul(2));
        tokio::pin!(welcome_by);
        loop {
            let watchdog = self.watchdog();
            // Biased: what the old socket already holds is read before the
            // new socket's welcome, so no event is left behind on it.
            tokio::select! {
                biased;
                _ = self.stop.recv(), if !self.stopping => {
                    if let Some(mut new) = new {
                        let _ = new.close(None).await;
                    }
                    return Err(End::Stop);
                }
                frame = tokio::time::timeout(watchdog, ws.next()), if old_open => {
                    // The old socket may end before the new one is welcomed
                    // (a close racing the welcome): keep waiting for it.
                    let step = match frame {
                        Err(_) => Step::End(End::Lost(lost("the old connection went silent".into()))),
                        Ok(frame) => self.on_frame(ws, frame).await,
                    };
                    match step {
                        Step::Go | Step::Welcome(_) | Step::Reconnect(_) => {}
                        Step::End(End::Lost(why)) => {
                            tracing::debug!(%why, "eventsub: the old connection ended during the reconnect");
                            old_open = false;
                        }
                        Step::End(end) => return Err(end),
                    }
                }
                frame = next_of(new.as_mut()) => {
                    let Some(new_ws) = new.as_mut() else { continue };
                    match self.on_frame(new_ws, frame).await {
                        Step::Welcome(info) => {
                            self.welcomed(&info);
                            if let Some(mut old) = new.take() {
                                std::mem::swap(ws, &mut old);
                                if old_open {
                                    self.drain(&mut old).await?;
                                    let _ = tokio::time::timeout(timeout, old.close(None)).await;
                                }
                            }
                            let session_id = info.id;
                            if let Step::End(end) = self.lifecycle(Lifecycle::Reconnected { session_id }) {
                                return Err(end);
                            }
                            return Ok(());
                        }
                        Step::Go => {}
                        Step::Reconnect(_) => tracing::debug!("eventsub: a reconnect on the new connection was ignored"),
                        Step::End(end) => return Err(end),
                    }
                }
                opened = &mut connecting, if new.is_none() => match opened {
                    Ok(ws) => new = Some(ws),
                    Err(e) => return Err(End::Lost(Error::EventSub(e))),
                },
                _ = &mut welcome_by => {
                    return Err(End::Lost(lost(format!("no welcome from the reconnect URL {}", target.shown()))));
                }
            }
        }
    }

    /// Acts on what `old` still delivers until the server closes it (it
    /// does once the new socket is welcomed, and events it sent on the old
    /// one just before may still be on their way), for at most
    /// [`OLD_SOCKET_DRAIN`]; then it is closed.
    async fn drain(&mut self, old: &mut Ws) -> Result<(), End> {
        let until = tokio::time::Instant::now() + OLD_SOCKET_DRAIN;
        while let Ok(frame) = tokio::time::timeout_at(until, old.next()).await {
            match self.on_frame(old, frame).await {
                Step::Go | Step::Welcome(_) | Step::Reconnect(_) => {}
                Step::End(End::Lost(_)) => break,
                Step::End(end) => return Err(end),
            }
        }
        Ok(())
    }

    /// Takes what a welcome says.
    fn welcomed(&mut self, info: &SessionInfo) {
        if let Some(seconds) = info.keepalive_timeout_seconds.filter(|s| s.is_finite() && *s > 0.0) {
            self.keepalive = Duration::from_secs_f64(seconds.min(3600.0));
        }
        *self.session_id.lock().unwrap_or_else(|e| e.into_inner()) = info.id.clone();
    }

    /// After a lost connection: new sessions, with backoff, until one holds.
    async fn renew(&mut self, why: Error) -> Option<Ws> {
        let mut reason = reason_of(&why);
        let (base, max) = self.backoff;
        for attempt in 1u32.. {
            if let Step::End(_) = self.lifecycle(Lifecycle::ConnectionLost { reason }) {
                return None;
            }
            let wait = backoff::delay(base, max, attempt);
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "eventsub: opening a new session");
            tokio::select! {
                _ = self.stop.recv(), if !self.stopping => return None,
                _ = tokio::time::sleep(wait) => {}
            }
            match self.open_session(false).await {
                Ok(ws) => {
                    let session_id = self.session_id.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    if let Step::End(_) = self.lifecycle(Lifecycle::NewSession { session_id }) {
                        return None;
                    }
                    return Some(ws);
                }
                Err(End::Lost(e)) => reason = format!("opening a new session failed: {}", reason_of(&e)),
                Err(End::Fatal(e)) => {
                    let _ = self.events.send(Err(e));
                    return None;
                }
                Err(End::Stop | End::Gone) => return None,
            }
        }
        None
    }

    /// Opens a connection to the base URL, waits for its welcome and creates
    /// the wanted subscriptions on it. On the first session every one must
    /// be created; on later ones a failure is reported and tried next time.
    async fn open_session(&mut self, first: bool) -> Result<Ws, End> {
        let config = &self.inner.config;
        let mut ws = connection::open(&self.base, self.tls.as_ref(), &config.user_agent, config.connect_timeout)
            .await
            .map_err(|e| End::Lost(Error::EventSub(e)))?;
        let welcome_by = config.connect_timeout;
        let info = match tokio::time::timeout(welcome_by, self.until_welcome(&mut ws)).await {
            Ok(info) => info?,
            Err(_) => {
                return Err(End::Lost(protocol(format!(
                    "no welcome within {} s of connecting",
                    welcome_by.as_secs_f64()
                ))))
            }
        };
        self.welcomed(&info);
        self.step(self.lifecycle(Lifecycle::Welcome { session_id: info.id.clone() }))?;
        // What the last session held is now an orphan to delete if it stands in the way.
        for (id, _) in self.live.drain() {
            self.ours.push_back(id);
        }
        while self.ours.len() > OURS_KEPT {
            self.ours.pop_front();
        }
        let failures = self.subscribe_all(&mut ws, &info.id).await?;
        if let Some((wanted, error)) = failures.into_iter().next().filter(|_| first) {
            let failed = EventSubError::Subscribe {
                subscription_type: wanted.subscription_type().to_owned(),
                version: wanted.version().to_owned(),
                source: Box::new(error),
            };
            let _ = ws.close(None).await;
            return Err(End::Fatal(Error::EventSub(failed)));
        }
        Ok(ws)
    }

    fn step(&self, step: Step) -> Result<(), End> {
        match step {
            Step::End(end) => Err(end),
            _ => Ok(()),
        }
    }

    /// Reads until the welcome; anything else before it is acted on as usual.
    async fn until_welcome(&mut self, ws: &mut Ws) -> Result<SessionInfo, End> {
        loop {
            let frame = tokio::select! {
                _ = self.stop.recv(), if !self.stopping => return Err(End::Stop),
                frame = ws.next() => frame,
            };
            match self.on_frame(ws, frame).await {
                Step::Welcome(info) => return Ok(info),
                Step::Go => {}
                Step::Reconnect(_) => tracing::debug!("eventsub: a reconnect before the welcome was ignored"),
                Step::End(end) => return Err(end),
            }
        }
    }

    /// Creates every wanted subscription at once, reading the socket
    /// meanwhile (Pings, early events); those refused with 409 or 429 are
    /// tried once more after deleting this program's subscriptions of other
    /// sessions. Returns the ones that failed.
    async fn subscribe_all(&mut self, ws: &mut Ws, session_id: &str) -> Result<Vec<(Wanted, Error)>, End> {
        let results = self.while_reading(ws, create_all(self.inner.clone(), self.wanted.clone(), session_id)).await?;
        let mut retry = Vec::new();
        let mut failed = Vec::new();
        for (wanted, result) in results {
            match result {
                Ok(id) => self.subscribed(wanted, id)?,
                Err(e) if subscribe::in_the_way(&e) => retry.push((wanted, e)),
                Err(e) => failed.push((wanted, e)),
            }
        }
        if !retry.is_empty() {
            self.retry_in_the_way(ws, session_id, retry, &mut failed).await?;
        }
        for (wanted, error) in &failed {
            let reason = error.to_string();
            let (subscription_type, version) = (wanted.subscription_type().to_owned(), wanted.version().to_owned());
            self.step(self.lifecycle(Lifecycle::SubscribeFailed { subscription_type, version, reason }))?;
        }
        Ok(failed)
    }

    /// Deletes this program's subscriptions of other sessions, then tries `retry` once more.
    async fn retry_in_the_way(
        &mut self,
        ws: &mut Ws,
        session_id: &str,
        retry: Vec<(Wanted, Error)>,
        failed: &mut Vec<(Wanted, Error)>,
    ) -> Result<(), End> {
        let (inner, live, ours) = (self.inner.clone(), session_id.to_owned(), Vec::from(self.ours.clone()));
        let wanted = self.wanted.clone();
        let cleared = self
            .while_reading(ws, async move { subscribe::delete_orphans(&inner, &live, &wanted, &ours).await })
            .await?;
        match cleared {
            Ok(count) => {
                self.step(self.lifecycle(Lifecycle::OrphansDeleted { count }))?;
                let again: Vec<Wanted> = retry.into_iter().map(|(w, _)| w).collect();
                let results = self.while_reading(ws, create_all(self.inner.clone(), again, session_id)).await?;
                for (wanted, result) in results {
                    match result {
                        Ok(id) => self.subscribed(wanted, id)?,
                        Err(e) => failed.push((wanted, e)),
                    }
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "eventsub: could not delete subscriptions of earlier sessions");
                failed.extend(retry);
            }
        }
        Ok(())
    }

    fn subscribed(&mut self, wanted: Wanted, id: String) -> Result<(), End> {
        let (subscription_type, version) = (wanted.subscription_type().to_owned(), wanted.version().to_owned());
        self.live.insert(id.clone(), wanted);
        self.step(self.lifecycle(Lifecycle::Subscribed { subscription_type, version, id }))
    }

    /// Drives `work` to its end while reading `ws` (so Pings are answered and
    /// events that arrive meanwhile are handed on).
    async fn while_reading<T>(&mut self, ws: &mut Ws, work: impl Future<Output = T>) -> Result<T, End> {
        tokio::pin!(work);
        loop {
            let watchdog = self.watchdog();
            tokio::select! {
                out = &mut work => return Ok(out),
                _ = self.stop.recv(), if !self.stopping => return Err(End::Stop),
                frame = tokio::time::timeout(watchdog, ws.next()) => {
                    let step = match frame {
                        Err(_) => Step::End(End::Lost(lost("the connection went silent".into()))),
                        Ok(frame) => self.on_frame(ws, frame).await,
                    };
                    match step {
                        Step::Go | Step::Welcome(_) => {}
                        Step::Reconnect(url) => self.hand_over(ws, url).await?,
                        Step::End(end) => return Err(end),
                    }
                }
            }
        }
    }

    /// [`WebSocket::close`]: deletes the live subscriptions, then closes the socket.
    async fn shut_down(mut self, mut ws: Ws) {
        self.stopping = true;
        let inner = self.inner.clone();
        let ids: Vec<String> = self.live.drain().map(|(id, _)| id).collect();
        let deleting = futures_util::future::join_all(ids.iter().map(|id| subscribe::delete(&inner, id)));
        let deleted = self.while_reading(&mut ws, deleting).await;
        if let Ok(results) = deleted {
            for error in results.into_iter().filter_map(Result::err) {
                tracing::warn!(%error, "eventsub: a subscription could not be deleted on close");
            }
        }
        let _ = tokio::time::timeout(self.inner.config.connect_timeout, ws.close(None)).await;
    }
}

/// Creates each of `wanted` on `session_id`, all at once.
async fn create_all(inner: Arc<Inner>, wanted: Vec<Wanted>, session_id: &str) -> Vec<(Wanted, Result<String, Error>)> {
    let results = futures_util::future::join_all(wanted.iter().map(|w| subscribe::create(&inner, w, session_id))).await;
    wanted.into_iter().zip(results).collect()
}

/// The next frame of `ws`, or never when there is none yet.
async fn next_of(ws: Option<&mut Ws>) -> Option<Result<Frame, tokio_tungstenite::tungstenite::Error>> {
    match ws {
        Some(ws) => ws.next().await,
        None => std::future::pending().await,
    }
}

/// See [`Session::watchdog`].
pub(crate) fn watchdog(keepalive: Duration) -> Duration {
    let margin = (keepalive / 4).max(keepalive.min(Duration::from_secs(1)));
    keepalive + margin
}

/// Messages older than the dedup window are replays: dropped.
fn too_old(timestamp: &str, message_id: &str) -> bool {
    match timestamp::age_seconds(timestamp) {
        Some(age) if age > dedup::WINDOW.as_secs_f64() => {
            tracing::debug!(message_id, age_s = age as u64, "eventsub: dropped a message older than ten minutes");
            true
        }
        _ => false,
    }
}

/// What a close frame with `code` means for the session.
fn closed(code: Option<u16>, reason: String) -> End {
    match (after_close(code), code) {
        (AfterClose::Fail, Some(code)) => End::Fatal(Error::EventSub(EventSubError::Closed { code, reason })),
        (_, Some(code)) => {
            let meaning = close_code_meaning(code).map(|m| format!(" ({m})")).unwrap_or_default();
            End::Lost(lost(format!("the server closed the connection with {code}{meaning}")))
        }
        (_, None) => End::Lost(lost("the server closed the connection".into())),
    }
}

fn lost(reason: String) -> Error {
    Error::EventSub(EventSubError::ConnectionLost { reason })
}

/// How [`Lifecycle::ConnectionLost`] says what happened.
fn reason_of(error: &Error) -> String {
    match error {
        Error::EventSub(EventSubError::ConnectionLost { reason }) => reason.clone(),
        other => other.to_string(),
    }
}

fn protocol(message: String) -> Error {
    Error::EventSub(EventSubError::Protocol { message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_margin_scales_with_the_keepalive() {
        assert_eq!(watchdog(Duration::from_secs(10)), Duration::from_millis(12_500));
        assert_eq!(watchdog(Duration::from_secs(2)), Duration::from_secs(3));
        assert_eq!(watchdog(Duration::from_millis(500)), Duration::from_secs(1));
        assert_eq!(watchdog(Duration::from_secs(600)), Duration::from_secs(750));
    }
}
