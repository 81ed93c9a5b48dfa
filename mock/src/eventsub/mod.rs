//! The EventSub WebSocket server at `/ws`, as Twitch's
//! (`wss://eventsub.wss.twitch.tv/ws`): sessions with welcome, keepalives,
//! pings, reconnects and close codes 4000–4007; subscriptions created through
//! Helix bound to them; and the `/mock/eventsub/...` controls tests use to
//! trigger events and break connections.

mod clock;
pub mod controls;
mod messages;
mod session;
pub mod socket;
mod subscriptions;
pub mod trigger;

/// A fresh random UUID (a sent chat message's id).
pub use clock::uuid as random_uuid;
pub use session::EventSub;
