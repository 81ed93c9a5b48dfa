//! # ttv-helix
//!
//! A typed async client for the Twitch Helix API. The endpoint methods, request
//! types and response types are generated at build time from `endpoints.yaml`
//! (the copy packaged with this crate); what they call is the hand-written
//! runtime, [`ttv-runtime`](ttv_runtime), whose public items are re-exported here.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ttv_helix::Error> {
//! use ttv_helix::{Config, Helix};
//! let helix = Helix::app(Config::from_env()?)?;
//! let users = helix.get_users().login(["ninja", "pokimane"]).send().await?;
//! for user in users.data {
//!     println!("{} ({})", user.display_name, user.id);
//! }
//! # Ok(()) }
//! ```
//!
//! The client is generic over the token it holds. A user-only endpoint called
//! on an app client does not compile:
//!
//! ```compile_fail
//! # async fn demo(helix: ttv_helix::Helix<ttv_helix::App>) {
//! helix.get_followed_streams("123").send().await; // needs Helix<User>
//! # }
//! ```
//!
//! ## Features
//!
//! `file-store`, `login`, `extension-jwt` and `rustls-ring` (on by default) and
//! `http2` (off) are ttv-runtime's, passed on; see [its documentation](ttv_runtime).
//! Two are this crate's own, off by default:
//!
//! - `deserialize-requests`: the request types implement `serde::Deserialize`
//!   too, so a request can be read from JSON or a config file. Without it they
//!   are built with `new` and their setters (and serialize as before).
//! - `eventsub`: the `eventsub` module, typed EventSub conditions and events
//!   (about 170 more decodable types to compile), the WebSocket session that
//!   delivers them (`Helix<User>::eventsub_websocket`), and chat:
//!   `Helix<User>::read_chat::<Event>` and `send_chat` (ttv-runtime's).

#![deny(missing_docs)]

pub use ttv_runtime::*;

/// What the spec says about each endpoint, as data: the types of
/// [`ENDPOINTS`] and [`endpoints`].
pub use ttv_meta as meta;

include!(concat!(env!("OUT_DIR"), "/endpoints.rs"));

/// EventSub, typed from the spec's `eventsub` section: for each subscription
/// type and version a condition type (`ChannelChatMessageV1Condition`, which
/// implements [`Subscription`](eventsub::Subscription)) and an event type
/// (`ChannelChatMessageV1Event`), the events' nested types, and [`Event`](eventsub::Event),
/// which decodes any notification's `event` by type and version. Unknown types
/// are kept as [`UnknownEvent`](eventsub::UnknownEvent) and unknown fields in
/// each type's `extra`: nothing Twitch adds is an error.
///
/// ```
/// use ttv_helix::eventsub::Event;
/// let json = serde_json::json!({"broadcaster_user_id": "1337", "type": "live", "started_at": "2026-01-01T00:00:00Z"});
/// let event = Event::decode("stream.online", "1", json).unwrap();
/// assert!(matches!(event, Event::StreamOnlineV1(ref e) if e.broadcaster_user_id == "1337"));
/// let later = Event::decode("channel.future_thing", "1", serde_json::json!({})).unwrap();
/// assert_eq!(later.subscription_type(), "channel.future_thing");
/// ```
#[cfg(feature = "eventsub")]
pub mod eventsub {
    include!(concat!(env!("OUT_DIR"), "/eventsub.rs"));
    include!(concat!(env!("OUT_DIR"), "/eventsub_catalog.rs"));
}
