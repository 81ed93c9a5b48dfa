//! EventSub: events, decoded, and (feature `eventsub`) the WebSocket
//! session that delivers them.
//!
//! Always here: the [`Subscription`] trait that ttv-helix's generated
//! condition types implement, [`UnknownEvent`], [`decode_as`] and
//! [`DecodeEvent`] (how a session decodes each event).
//!
//! With the `eventsub` feature, `Client::eventsub_websocket`
//! opens a session of Twitch's EventSub WebSocket for a user token
//! (`Client<User>`; an app client does not compile) and yields its events
//! as a `WebSocket` stream of `SessionEvent`s. The session:
//!
//! - connects to [`Config::eventsub_websocket_url`](crate::Config::eventsub_websocket_url)
//!   (Twitch's `wss://eventsub.wss.twitch.tv/ws`; `ws://` only to loopback),
//!   waits for the welcome and creates every `Wanted` subscription at once
//!   within the welcome window; `WebSocketBuilder::connect` returns then;
//! - answers Pings and sends nothing else (Twitch closes a socket that does);
//! - hands on notifications in order, one per event (a batched type's
//!   `events[]` are split), drops a message id seen in the last ten minutes
//!   (across the old and new socket of a reconnect) and any message older
//!   than ten minutes;
//! - takes a socket as dead after silence longer than the keepalive plus a
//!   quarter (at least a second, or the keepalive itself when it is shorter);
//! - on `session_reconnect`, opens the new URL, keeps reading the old socket
//!   until the new one is welcomed and then until the server closes the old
//!   one (events sent on it just before the welcome may still be on their
//!   way; two seconds at most), then closes it: nothing lost, nothing
//!   doubled, nothing subscribed again;
//! - after a lost connection (a drop, silence, close codes 4000, 4004, 4005,
//!   4006), waits a backoff with jitter, opens a new session on the base URL
//!   and creates the wanted subscriptions again; when Twitch answers 409 or
//!   429, it deletes this program's subscriptions of other sessions and
//!   tries once more;
//! - ends with [`EventSubError::Closed`] on 4001, 4002, 4003 or 4007, which
//!   mean the client did something wrong;
//! - yields a `Revocation` when Twitch ends a subscription, and does not
//!   create that one again.
//!
//! App clients subscribe with the other two transports instead:
//! `Client::subscribe_webhook` (a callback and a `WebhookSecret` of 10 to 100
//! ASCII characters) and `Client::subscribe_conduit`; a user client does not
//! compile. Receiving webhooks and running conduit shards are not built yet.
//!
//! Chat on top of it: `Client::read_chat::<E>(channel)` (a session on the
//! channel's `channel.chat.message`) and `Client::send_chat(channel, text)`,
//! which fails with `Error::Refused` and Twitch's reason when the message is
//! dropped; a channel is a login or a user id.
//!
//! ```no_run
//! # #[cfg(feature = "eventsub")]
//! # async fn demo() -> Result<(), ttv_runtime::Error> {
//! # #[derive(serde::Serialize)]
//! # struct StreamOnline { broadcaster_user_id: String }
//! # impl ttv_runtime::eventsub::Subscription for StreamOnline {
//! #     const TYPE: &'static str = "stream.online";
//! #     const VERSION: &'static str = "1";
//! #     const SCOPES: &'static [&'static [&'static str]] = &[];
//! #     const TOKEN_USER: Option<&'static str> = None;
//! #     const TRANSPORTS: &'static [&'static str] = &["webhook", "websocket", "conduit"];
//! #     type Event = serde_json::Value;
//! # }
//! use futures_util::StreamExt;
//! use ttv_runtime::eventsub::{Lifecycle, SessionEvent, Wanted};
//! use ttv_runtime::{Client, Config, Secret};
//!
//! let client = Client::user(Config::from_env()?, Secret::new("a user access token")).await?;
//! // ttv-helix's generated condition types implement `Subscription`.
//! let online = StreamOnline { broadcaster_user_id: "12826".into() };
//! let mut session = client
//!     .eventsub_websocket::<serde_json::Value>()
//!     .subscribe(Wanted::of(&online))?
//!     .connect()
//!     .await?;
//! while let Some(item) = session.next().await {
//!     match item? {
//!         SessionEvent::Notification(n) => println!("{} {}", n.subscription.subscription_type, n.event),
//!         SessionEvent::Revocation(r) => eprintln!("revoked: {}", r.subscription.status),
//!         SessionEvent::Lifecycle(Lifecycle::ConnectionLost { reason }) => eprintln!("reconnecting: {reason}"),
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```

mod close;
mod decode;
mod error;

pub use close::close_code_meaning;
pub use decode::{decode_as, serialize_unknown, DecodeEvent, EventDecodeError, Subscription, UnknownEvent};
pub use error::EventSubError;

#[cfg(feature = "eventsub")]
mod app_transports;
#[cfg(feature = "eventsub")]
mod backoff;
#[cfg(feature = "eventsub")]
mod builder;
#[cfg(feature = "eventsub")]
mod chat;
#[cfg(feature = "eventsub")]
mod connection;
#[cfg(feature = "eventsub")]
mod dedup;
#[cfg(feature = "eventsub")]
mod events;
#[cfg(feature = "eventsub")]
mod message;
#[cfg(feature = "eventsub")]
mod session;
#[cfg(feature = "eventsub")]
mod subscribe;
#[cfg(feature = "eventsub")]
mod timestamp;
#[cfg(feature = "eventsub")]
mod wanted;

// The client under test needs a TLS backend of its own (as http_client's tests do).
#[cfg(all(test, feature = "eventsub", feature = "rustls-ring"))]
mod tests;

#[cfg(feature = "eventsub")]
pub use app_transports::{CreatedSubscription, WebhookSecret};
#[cfg(feature = "eventsub")]
pub use backoff::{DEFAULT_RECONNECT_BASE, DEFAULT_RECONNECT_MAX};
#[cfg(feature = "eventsub")]
pub use builder::WebSocketBuilder;
#[cfg(feature = "eventsub")]
pub use events::{Lifecycle, Notification, Revocation, SessionEvent, SubscriptionInfo};
#[cfg(feature = "eventsub")]
pub use session::WebSocket;
#[cfg(feature = "eventsub")]
pub use wanted::{Wanted, MAX_SUBSCRIPTIONS, MAX_TOTAL_COST};
