//! What a [`WebSocket`](super::WebSocket) session yields: notifications,
//! revocations and the session's own lifecycle.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One item of a [`WebSocket`](super::WebSocket) stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SessionEvent<E> {
    /// An event of a subscription.
    Notification(Notification<E>),
    /// Twitch ended a subscription (its status says why); it is not created again.
    Revocation(Revocation),
    /// Something happened to the session itself.
    Lifecycle(Lifecycle),
}

/// An event of a subscription, decoded as `E`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Notification<E> {
    /// The message id (for a batched type, the id of the `events[]` item): unique per event.
    pub message_id: String,
    /// When Twitch sent it, RFC 3339 as sent.
    pub message_timestamp: String,
    /// The subscription the event is for.
    pub subscription: SubscriptionInfo,
    /// The event.
    pub event: E,
}

/// Twitch revoked a subscription.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Revocation {
    /// The message id.
    pub message_id: String,
    /// The subscription; its `status` is the reason (`authorization_revoked`,
    /// `user_removed`, `moderator_removed`, `version_removed`).
    pub subscription: SubscriptionInfo,
}

/// A subscription as a message describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionInfo {
    /// Twitch's subscription id.
    pub id: String,
    /// The type name, e.g. `channel.chat.message`.
    #[serde(rename = "type")]
    pub subscription_type: String,
    /// The version, e.g. `1`.
    pub version: String,
    /// `enabled`, or why it ended (in a revocation).
    #[serde(default)]
    pub status: String,
    /// The condition, as sent.
    #[serde(default)]
    pub condition: Value,
    /// When it was created, RFC 3339 as sent.
    #[serde(default)]
    pub created_at: String,
}

/// Something that happened to the session itself, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lifecycle {
    /// The server welcomed a connection as this session.
    Welcome {
        /// The session id (the `transport.session_id` of its subscriptions).
        session_id: String,
    },
    /// A wanted subscription was created on the session.
    Subscribed {
        /// The type name.
        subscription_type: String,
        /// The version.
        version: String,
        /// Twitch's subscription id.
        id: String,
    },
    /// A wanted subscription could not be created on a new session; it is
    /// tried again on the next one (the connection goes on).
    SubscribeFailed {
        /// The type name.
        subscription_type: String,
        /// The version.
        version: String,
        /// Why, as the error says it.
        reason: String,
    },
    /// The server asked the client to move to another connection.
    Reconnecting {
        /// The URL of the new connection.
        url: String,
    },
    /// The session moved to its new connection; its subscriptions moved with it.
    Reconnected {
        /// The session id (Twitch keeps it).
        session_id: String,
    },
    /// The connection was lost (or a try to open a new session failed); a
    /// new session is opened after a backoff.
    ConnectionLost {
        /// What happened, e.g. `the server closed the connection with 4000 (internal server error)`.
        reason: String,
    },
    /// After a lost connection, a new session is open and the wanted
    /// subscriptions were created again.
    NewSession {
        /// The new session's id.
        session_id: String,
    },
    /// Subscriptions of earlier sessions that stood in the way (409, 429)
    /// were deleted before trying again.
    OrphansDeleted {
        /// How many.
        count: usize,
    },
}
