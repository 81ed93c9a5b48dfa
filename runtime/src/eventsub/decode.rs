//! EventSub events, decoded. The generated `ttv_helix::eventsub` module holds
//! one condition type and one event type per subscription type and version
//! (from the spec) and the `Event` enum of them all; what they share lives
//! here: the [`Subscription`] trait the condition types implement, the
//! [`UnknownEvent`] a type the spec does not know decodes to, and the one
//! function every decoding goes through, [`decode_as`].
//!
//! Decoding never fails on something Twitch added later: an unknown type or
//! version becomes an [`UnknownEvent`] with the JSON as sent, and an unknown
//! field lands in the event's `extra` map. A missing or `null` field reads as
//! its default. Only a value of the wrong JSON type (text where the spec says
//! a number) is an [`EventDecodeError`], which keeps the event's JSON.
//!
//! [`DecodeEvent`] is what a WebSocket session decodes each notification's
//! event with: `serde_json::Value` (the JSON as sent) here, and ttv-helix's
//! generated `Event` enum there.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A subscription type at one version, implemented by its generated condition type.
///
/// The constants are the spec's: what a subscription needs before it is sent.
pub trait Subscription: Serialize {
    /// Twitch's type name, e.g. `channel.chat.message`.
    const TYPE: &'static str;
    /// Twitch's version, e.g. `1` (or `beta`).
    const VERSION: &'static str;
    /// The scopes a user token (or the granting user) needs: each inner list is
    /// a group of alternatives, and every group must be met.
    const SCOPES: &'static [&'static [&'static str]];
    /// The condition field that must hold the user token's user id, if any.
    const TOKEN_USER: Option<&'static str>;
    /// The transports Twitch delivers it over (`webhook`, `websocket`, `conduit`).
    const TRANSPORTS: &'static [&'static str];
    /// The event its notifications carry.
    type Event: DeserializeOwned;
}

/// An event of a type or version the spec does not describe, kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// Twitch's type name.
    pub subscription_type: String,
    /// Twitch's version.
    pub version: String,
    /// The `event` object as sent.
    pub event: serde_json::Value,
}

impl UnknownEvent {
    /// An unknown event of this type and version.
    pub fn new(subscription_type: impl Into<String>, version: impl Into<String>, event: serde_json::Value) -> Self {
        UnknownEvent { subscription_type: subscription_type.into(), version: version.into(), event }
    }
}

/// Writes an unknown event as its `event` object alone, as a known event is written.
pub fn serialize_unknown<S: serde::Serializer>(unknown: &UnknownEvent, serializer: S) -> Result<S::Ok, S::Error> {
    unknown.event.serialize(serializer)
}

/// An event of a known type whose JSON does not fit the spec's types.
#[derive(Debug, thiserror::Error)]
#[error("the {subscription_type} v{version} event does not decode: {source}")]
#[non_exhaustive]
pub struct EventDecodeError {
    /// Twitch's type name.
    pub subscription_type: String,
    /// Twitch's version.
    pub version: String,
    /// The `event` object as sent (boxed, like `source`, to keep results small).
    pub event: Box<serde_json::Value>,
    /// What did not fit.
    #[source]
    pub source: Box<serde_json::Error>,
}

/// Decodes the `event` object of a notification as `T`; on failure the
/// error names the type and the version, and keeps the JSON.
///
/// Straight from the `Value` (no path tracking): every event type is
/// instantiated with this one deserializer only, which keeps the eventsub
/// module's compile time down.
pub fn decode_as<T: DeserializeOwned>(
    subscription_type: &str,
    version: &str,
    event: serde_json::Value,
) -> Result<T, EventDecodeError> {
    T::deserialize(&event).map_err(|source| EventDecodeError {
        subscription_type: subscription_type.to_owned(),
        version: version.to_owned(),
        event: Box::new(event.clone()),
        source: Box::new(source),
    })
}

/// How a session turns a notification's `event` object into the program's
/// type (see `WebSocket`, feature `eventsub`): implemented here for
/// `serde_json::Value` (the event as sent) and by ttv-helix for its `Event` enum.
pub trait DecodeEvent: Sized + Send + 'static {
    /// Decodes the `event` of a notification of `subscription_type` at `version`.
    fn decode(subscription_type: &str, version: &str, event: serde_json::Value) -> Result<Self, EventDecodeError>;
}

/// The event as sent; never fails.
impl DecodeEvent for serde_json::Value {
    fn decode(_subscription_type: &str, _version: &str, event: serde_json::Value) -> Result<Self, EventDecodeError> {
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct Ban {
        #[serde(deserialize_with = "crate::nulls::or_default")]
        user_id: String,
        #[serde(deserialize_with = "crate::nulls::or_default")]
        duration: i64,
        #[serde(flatten)]
        extra: serde_json::Map<String, serde_json::Value>,
    }

    #[test]
    fn unknown_fields_are_kept_and_nulls_read_as_defaults() {
        let ban: Ban = decode_as("channel.ban", "1", json!({"user_id": "7", "duration": null, "new": [1]})).unwrap();
        assert_eq!(ban.user_id, "7");
        assert_eq!(ban.duration, 0);
        assert_eq!(ban.extra.get("new"), Some(&json!([1])));
        let missing: Ban = decode_as("channel.ban", "1", json!({})).unwrap();
        assert_eq!(missing, Ban::default());
    }

    #[test]
    fn a_wrong_json_type_names_the_event_and_keeps_the_json() {
        let event = json!({"user_id": "7", "duration": "long"});
        let err = decode_as::<Ban>("channel.ban", "1", event.clone()).unwrap_err();
        assert_eq!(*err.event, event);
        let text = err.to_string();
        assert!(text.contains("channel.ban v1"), "{text}");
        assert!(text.contains("invalid type"), "{text}");
    }

    #[test]
    fn an_unknown_event_is_written_as_its_event_object() {
        let u = UnknownEvent::new("channel.future", "9", json!({"a": 1}));
        let out = serialize_unknown(&u, serde_json::value::Serializer).unwrap();
        assert_eq!(out, json!({"a": 1}));
    }

    #[test]
    fn json_values_decode_as_sent() {
        let event = json!({"user_id": "7", "anything": [1, 2]});
        assert_eq!(<serde_json::Value as DecodeEvent>::decode("channel.ban", "1", event.clone()).unwrap(), event);
    }

    #[test]
    fn unknown_events_round_trip_as_sent() {
        let u = UnknownEvent::new("channel.future", "9", json!({"a": 1}));
        let back: UnknownEvent = serde_json::from_value(serde_json::to_value(&u).unwrap()).unwrap();
        assert_eq!(back, u);
    }
}
