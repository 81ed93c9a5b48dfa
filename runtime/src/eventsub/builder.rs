//! [`Client::eventsub_websocket`] and its [`WebSocketBuilder`]: the wanted
//! subscriptions, checked as they are added, and the session's settings.

use super::backoff::{DEFAULT_RECONNECT_BASE, DEFAULT_RECONNECT_MAX};
use super::connection::{self, SocketUrl};
use super::decode::DecodeEvent;
use super::session::{self, Settings, WebSocket};
use super::wanted::{self, Wanted};
use crate::client::{Client, Inner};
use crate::token::{Permits, TokenKind, User};
use crate::Error;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

impl<T: TokenKind> Client<T> {
    /// Starts an EventSub WebSocket session for this client's user token:
    /// add the wanted subscriptions, then [`connect`](WebSocketBuilder::connect).
    /// `E` is what each event decodes to (`serde_json::Value`, or
    /// ttv-helix's `eventsub::Event`). Twitch delivers WebSocket events to
    /// user tokens only, so an app client does not compile.
    pub fn eventsub_websocket<E: DecodeEvent>(&self) -> WebSocketBuilder<E>
    where
        T: Permits<User>,
    {
        WebSocketBuilder {
            inner: self.inner.clone(),
            wanted: Vec::new(),
            keepalive_seconds: None,
            url: None,
            backoff: (DEFAULT_RECONNECT_BASE, DEFAULT_RECONNECT_MAX),
            _event: PhantomData,
        }
    }
}

/// The subscriptions and settings of an EventSub WebSocket session, from
/// [`Client::eventsub_websocket`].
pub struct WebSocketBuilder<E> {
    inner: Arc<Inner>,
    wanted: Vec<Wanted>,
    keepalive_seconds: Option<u64>,
    url: Option<String>,
    backoff: (Duration, Duration),
    _event: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for WebSocketBuilder<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocketBuilder")
            .field("wanted", &self.wanted)
            .field("keepalive_seconds", &self.keepalive_seconds)
            .field("url", &self.url)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl<E: DecodeEvent> WebSocketBuilder<E> {
    /// Adds a subscription to create on the session, checked first as Twitch
    /// would check it: delivered over WebSocket, the condition's token-user
    /// field holding the token's user, the scopes granted (when
    /// [`Config::check_scopes`](crate::Config::check_scopes)), not wanted
    /// already, at most 300 on the session and a cost of at most 10 (each
    /// subscription whose condition does not name the token's user costs 1).
    pub fn subscribe(mut self, wanted: Wanted) -> Result<Self, Error> {
        let user_id = self.inner.token_user_id().unwrap_or_default();
        let scopes = self.inner.scopes().filter(|_| self.inner.config.check_scopes);
        wanted.check(user_id, scopes)?;
        wanted::check_room(&self.wanted, &wanted, user_id)?;
        self.wanted.push(wanted);
        Ok(self)
    }

    /// Asks the server for this keepalive (`keepalive_timeout_seconds` in
    /// the URL's query): whole seconds, 10 to 600 (clamped, as Twitch does).
    pub fn keepalive_timeout(mut self, timeout: Duration) -> Self {
        self.keepalive_seconds = Some(timeout.as_secs().clamp(10, 600));
        self
    }

    /// Connects to `url` instead of [`Config::eventsub_websocket_url`](crate::Config::eventsub_websocket_url).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// The wait before a new session after a lost connection: `base` first,
    /// doubling up to `max`, with jitter (defaults 500 ms and 30 s).
    pub fn reconnect_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff = (base, max.max(base));
        self
    }

    /// The subscriptions added so far.
    pub fn wanted(&self) -> &[Wanted] {
        &self.wanted
    }

    /// Opens the session: connects, waits for the welcome and creates every
    /// wanted subscription (all at once, within the welcome window), then
    /// returns. Events that arrived meanwhile are the stream's first items,
    /// after the [`Lifecycle`](super::Lifecycle) events of the opening.
    ///
    /// Fails when no subscription was added (Twitch would close an unused
    /// session), when the URL is refused (`ws://` to a host that is not
    /// loopback), when the socket cannot be opened, or when a subscription
    /// cannot be created (after deleting this program's subscriptions of
    /// earlier sessions, once, if Twitch answered 409 or 429).
    pub async fn connect(self) -> Result<WebSocket<E>, Error> {
        if self.wanted.is_empty() {
            return Err(Error::InvalidInput {
                endpoint: "EventSub WebSocket",
                message: "no subscription was added; Twitch closes a session that has none (4003)".into(),
            });
        }
        let url = self.url.clone().unwrap_or_else(|| self.inner.config.eventsub_websocket_url.clone());
        let url = match self.keepalive_seconds {
            Some(seconds) => connection::with_query(&url, "keepalive_timeout_seconds", &seconds.to_string()),
            None => url,
        };
        let base = SocketUrl::parse(&url)?;
        let tls = match connection::tls_config(&self.inner.config) {
            Ok(tls) => Some(tls),
            // Only a wss:// URL needs it; a reconnect URL with TLS then fails to connect.
            Err(e) if base.secure => return Err(e),
            Err(_) => None,
        };
        session::start(Settings { inner: self.inner, base, tls, wanted: self.wanted, backoff: self.backoff }).await
    }
}
