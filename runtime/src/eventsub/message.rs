//! The JSON text frames of the EventSub WebSocket, `{metadata, payload}`,
//! read into what the session acts on. Unknown fields are ignored and an
//! unknown `message_type` is kept by name, so that what Twitch adds later
//! is skipped rather than fatal.

use super::events::SubscriptionInfo;
use serde::Deserialize;
use serde_json::Value;

/// The `metadata` every message carries.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Metadata {
    pub message_id: String,
    pub message_type: String,
    #[serde(default)]
    pub message_timestamp: String,
}

/// `payload.session` of a welcome or a reconnect.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SessionInfo {
    pub id: String,
    /// A JSON number: whole seconds from Twitch, a fraction from a mock with fast timers.
    #[serde(default)]
    pub keepalive_timeout_seconds: Option<f64>,
    #[serde(default)]
    pub reconnect_url: Option<String>,
}

/// One event of a notification: `payload.event`, or one `payload.events[]` item of a batched type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    /// The item's own id (batched types); `None` for a single event.
    pub id: Option<String>,
    pub event: Value,
}

/// What a message says.
#[derive(Debug, Clone)]
pub(crate) enum Message {
    Welcome(SessionInfo),
    Keepalive,
    Notification {
        subscription: SubscriptionInfo,
        items: Vec<Item>,
    },
    Reconnect(SessionInfo),
    Revocation(SubscriptionInfo),
    /// A message type the protocol (as we know it) does not have.
    Other(String),
}

/// A message with its metadata.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub metadata: Metadata,
    pub message: Message,
}

#[derive(Deserialize)]
struct Frame {
    metadata: Metadata,
    #[serde(default)]
    payload: Value,
}

#[derive(Deserialize)]
struct SessionPayload {
    session: SessionInfo,
}

#[derive(Deserialize)]
struct SubscriptionPayload {
    subscription: SubscriptionInfo,
    #[serde(default)]
    event: Value,
    #[serde(default)]
    events: Option<Vec<BatchItem>>,
}

#[derive(Deserialize)]
struct BatchItem {
    id: String,
    #[serde(default)]
    data: Value,
}

/// Reads one text frame; the error says what is wrong, without quoting the frame.
pub(crate) fn parse(text: &str) -> Result<Parsed, String> {
    let frame: Frame = serde_json::from_str(text).map_err(|e| format!("a frame is not a message ({e})"))?;
    let kind = frame.metadata.message_type.as_str();
    let wrong = |e: serde_json::Error| format!("a {kind} message has an unexpected payload ({e})");
    let message = match kind {
        "session_welcome" => Message::Welcome(SessionPayload::deserialize(&frame.payload).map_err(wrong)?.session),
        "session_reconnect" => Message::Reconnect(SessionPayload::deserialize(&frame.payload).map_err(wrong)?.session),
        "session_keepalive" => Message::Keepalive,
        "notification" => {
            let p = SubscriptionPayload::deserialize(&frame.payload).map_err(wrong)?;
            let items = match p.events {
                Some(batch) => batch.into_iter().map(|i| Item { id: Some(i.id), event: i.data }).collect(),
                None => vec![Item { id: None, event: p.event }],
            };
            Message::Notification { subscription: p.subscription, items }
        }
        "revocation" => {
            Message::Revocation(SubscriptionPayload::deserialize(&frame.payload).map_err(wrong)?.subscription)
        }
        other => Message::Other(other.to_owned()),
    };
    Ok(Parsed { metadata: frame.metadata, message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WELCOME: &str = r#"{"metadata":{"message_id":"96a3f3b5","message_type":"session_welcome","message_timestamp":"2022-10-19T14:56:51.634234626Z"},"payload":{"session":{"id":"AQoQILE98gtqShGmLD7AM6yJThAB","status":"connected","connected_at":"2022-10-19T14:56:51.616329898Z","keepalive_timeout_seconds":10,"reconnect_url":null,"recovery_url":null}}}"#;

    #[test]
    fn a_welcome_gives_the_session_and_its_keepalive() {
        let p = parse(WELCOME).unwrap();
        assert_eq!(p.metadata.message_id, "96a3f3b5");
        let Message::Welcome(s) = p.message else { panic!("{p:?}") };
        assert_eq!(s.id, "AQoQILE98gtqShGmLD7AM6yJThAB");
        assert_eq!(s.keepalive_timeout_seconds, Some(10.0));
        assert_eq!(s.reconnect_url, None);
        let fast = WELCOME.replace("\"keepalive_timeout_seconds\":10", "\"keepalive_timeout_seconds\":0.5");
        let Message::Welcome(s) = parse(&fast).unwrap().message else { panic!() };
        assert_eq!(s.keepalive_timeout_seconds, Some(0.5), "a mock's sub-second timer");
    }

    #[test]
    fn notifications_single_and_batched() {
        let sub = json!({"id": "s1", "status": "enabled", "type": "channel.follow", "version": "2",
            "condition": {"broadcaster_user_id": "1"}, "transport": {"method": "websocket", "session_id": "x"},
            "created_at": "2019-11-16T10:11:12.123Z", "cost": 0});
        let single = json!({"metadata": {"message_id": "m1", "message_type": "notification",
            "message_timestamp": "2019-11-16T10:11:12.123Z", "subscription_type": "channel.follow", "subscription_version": "2"},
            "payload": {"subscription": sub, "event": {"user_id": "7"}}});
        let Message::Notification { subscription, items } = parse(&single.to_string()).unwrap().message else {
            panic!()
        };
        assert_eq!((subscription.id.as_str(), subscription.subscription_type.as_str()), ("s1", "channel.follow"));
        assert_eq!(subscription.condition, json!({"broadcaster_user_id": "1"}));
        assert_eq!(items, vec![Item { id: None, event: json!({"user_id": "7"}) }]);

        let batched = json!({"metadata": {"message_id": "m2", "message_type": "notification"},
            "payload": {"subscription": sub, "events": [{"id": "e1", "data": {"a": 1}}, {"id": "e2", "data": {"a": 2}}]}});
        let Message::Notification { items, .. } = parse(&batched.to_string()).unwrap().message else { panic!() };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1], Item { id: Some("e2".into()), event: json!({"a": 2}) });
    }

    #[test]
    fn reconnects_revocations_keepalives_and_unknown_types() {
        let reconnect = r#"{"metadata":{"message_id":"r","message_type":"session_reconnect","message_timestamp":"2019-11-18T09:10:11.234Z"},"payload":{"session":{"id":"S","status":"reconnecting","keepalive_timeout_seconds":null,"reconnect_url":"wss://eventsub.wss.twitch.tv?x=1","connected_at":"2019-11-16T10:11:12.123Z"}}}"#;
        let Message::Reconnect(s) = parse(reconnect).unwrap().message else { panic!() };
        assert_eq!(
            (s.keepalive_timeout_seconds, s.reconnect_url.as_deref()),
            (None, Some("wss://eventsub.wss.twitch.tv?x=1"))
        );
        let revocation = json!({"metadata": {"message_id": "v", "message_type": "revocation"},
            "payload": {"subscription": {"id": "s1", "status": "authorization_revoked", "type": "channel.follow", "version": "1"}}});
        let Message::Revocation(sub) = parse(&revocation.to_string()).unwrap().message else { panic!() };
        assert_eq!(sub.status, "authorization_revoked");
        let keepalive = r#"{"metadata":{"message_id":"k","message_type":"session_keepalive","message_timestamp":"2022-11-04T13:11:49.770459792Z"},"payload":{}}"#;
        assert!(matches!(parse(keepalive).unwrap().message, Message::Keepalive));
        let later = r#"{"metadata":{"message_id":"n","message_type":"session_future"},"payload":{}}"#;
        assert!(matches!(parse(later).unwrap().message, Message::Other(t) if t == "session_future"));
    }

    #[test]
    fn malformed_frames_say_what_is_wrong() {
        assert!(parse("not json").unwrap_err().starts_with("a frame is not a message"));
        let e = parse(r#"{"metadata":{"message_id":"w","message_type":"session_welcome"},"payload":{}}"#).unwrap_err();
        assert!(e.starts_with("a session_welcome message has an unexpected payload"), "{e}");
    }
}
