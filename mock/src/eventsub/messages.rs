//! The JSON text frames the server sends, `{metadata, payload}` with fields
//! in the order of Twitch's examples (`websocket-*.json`).

use serde_json::{json, Value};

use crate::entity::Entity;

/// One message ready to send: its id and its text.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub message_id: String,
    pub text: String,
}

fn envelope(message_type: &str, timestamp: &str, subscription: Option<(&Value, &Value)>, payload: Value) -> Outgoing {
    let message_id = super::clock::uuid();
    let mut metadata = json!({
        "message_id": message_id,
        "message_type": message_type,
        "message_timestamp": timestamp,
    });
    if let Some((ty, version)) = subscription {
        metadata["subscription_type"] = ty.clone();
        metadata["subscription_version"] = version.clone();
    }
    let text = json!({"metadata": metadata, "payload": payload}).to_string();
    Outgoing { message_id, text }
}

/// `session_welcome`: `keepalive_timeout_seconds` is a number, a fraction
/// when a test set a millisecond timer.
pub fn welcome(session_id: &str, connected_at: &str, keepalive_seconds: &Value) -> Outgoing {
    let session = json!({
        "id": session_id,
        "status": "connected",
        "connected_at": connected_at,
        "keepalive_timeout_seconds": keepalive_seconds,
        "reconnect_url": null,
        "recovery_url": null,
    });
    envelope("session_welcome", &super::clock::now(), None, json!({"session": session}))
}

pub fn keepalive() -> Outgoing {
    envelope("session_keepalive", &super::clock::now(), None, json!({}))
}

pub fn reconnect(session_id: &str, connected_at: &str, url: &str) -> Outgoing {
    let session = json!({
        "id": session_id,
        "status": "reconnecting",
        "keepalive_timeout_seconds": null,
        "reconnect_url": url,
        "connected_at": connected_at,
    });
    envelope("session_reconnect", &super::clock::now(), None, json!({"session": session}))
}

/// A kept subscription as notifications carry it (no `connected_at`).
pub fn subscription(sub: &Entity, status: &str) -> Value {
    let transport = sub.get("transport");
    let method = transport.and_then(|t| t.get("method")).cloned().unwrap_or(json!("websocket"));
    let session_id = transport.and_then(|t| t.get("session_id")).cloned().unwrap_or(Value::Null);
    json!({
        "id": sub.get("id"),
        "status": status,
        "type": sub.get("type"),
        "version": sub.get("version"),
        "cost": sub.get("cost").cloned().unwrap_or(json!(0)),
        "condition": sub.get("condition").cloned().unwrap_or(json!({})),
        "transport": {"method": method, "session_id": session_id},
        "created_at": sub.get("created_at"),
    })
}

pub fn notification(sub: &Entity, event: Value, timestamp: &str) -> Outgoing {
    let subscription = subscription(sub, "enabled");
    let (ty, version) = (subscription["type"].clone(), subscription["version"].clone());
    let payload = json!({"subscription": subscription, "event": event});
    envelope("notification", timestamp, Some((&ty, &version)), payload)
}

pub fn revocation(sub: &Entity, status: &str) -> Outgoing {
    let subscription = subscription(sub, status);
    let (ty, version) = (subscription["type"].clone(), subscription["version"].clone());
    let payload = json!({"subscription": subscription});
    envelope("revocation", &super::clock::now(), Some((&ty, &version)), payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(o: &Outgoing) -> Value {
        serde_json::from_str(&o.text).unwrap_or_default()
    }

    #[test]
    fn a_notification_has_twitchs_shape() {
        let sub: Entity = json!({
            "id": "s1", "type": "channel.follow", "version": "2", "status": "enabled", "cost": 0,
            "condition": {"broadcaster_user_id": "10001"}, "created_at": "2024-01-01T00:00:00Z",
            "transport": {"method": "websocket", "session_id": "AQoQx", "connected_at": "2024-01-01T00:00:00Z"},
            "_owner": "client",
        })
        .as_object()
        .cloned()
        .unwrap_or_default();
        let out = notification(&sub, json!({"user_id": "1"}), "2024-01-01T00:00:01.000000001Z");
        let v = parse(&out);
        let meta_keys: Vec<&String> = v["metadata"].as_object().map(|m| m.keys().collect()).unwrap_or_default();
        assert_eq!(
            meta_keys,
            ["message_id", "message_type", "message_timestamp", "subscription_type", "subscription_version"]
        );
        assert_eq!(v["metadata"]["message_id"], json!(out.message_id));
        assert_eq!(v["metadata"]["subscription_type"], "channel.follow");
        let sub_keys: Vec<&String> =
            v["payload"]["subscription"].as_object().map(|m| m.keys().collect()).unwrap_or_default();
        assert_eq!(sub_keys, ["id", "status", "type", "version", "cost", "condition", "transport", "created_at"]);
        assert_eq!(v["payload"]["subscription"]["transport"], json!({"method": "websocket", "session_id": "AQoQx"}));
        assert_eq!(v["payload"]["event"], json!({"user_id": "1"}));
        assert!(!out.text.contains("_owner"), "private fields stay home");
    }

    #[test]
    fn welcome_and_reconnect_carry_the_session() {
        let w = parse(&welcome("AQoQx", "2024-01-01T00:00:00.000000000Z", &json!(0.5)));
        assert_eq!(w["metadata"]["message_type"], "session_welcome");
        assert_eq!(w["payload"]["session"]["keepalive_timeout_seconds"], json!(0.5));
        assert!(w["payload"]["session"]["reconnect_url"].is_null());
        let r = parse(&reconnect("AQoQx", "t", "ws://127.0.0.1:1/ws?reconnect=abc"));
        assert_eq!(r["payload"]["session"]["status"], "reconnecting");
        assert!(r["payload"]["session"]["keepalive_timeout_seconds"].is_null());
        assert_eq!(parse(&keepalive())["payload"], json!({}));
    }
}
