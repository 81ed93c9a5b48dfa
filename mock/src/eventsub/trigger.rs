//! Notifications: events built from the spec's field list
//! (`SUBSCRIPTION_TYPES`) with realistic values, sent to every enabled
//! WebSocket subscription that matches; also the `channel.chat.message` a
//! sent chat message makes.

use std::collections::HashSet;
use std::time::Duration;

use axum::http::StatusCode;
use rand::Rng;
use serde_json::{json, Map, Value};
use ttv_meta::{Shape, SubscriptionMeta};

use super::messages;
use super::session::EventSub;
use crate::created::{is_websocket, session_of};
use crate::dataset::Dataset;
use crate::entity::{str_field, Entity};
use crate::helix_error::HelixError;

/// One trigger request.
#[derive(Debug, Default)]
pub struct Trigger {
    pub ty: String,
    /// `None`: the newest version.
    pub version: Option<String>,
    /// Fields the subscriptions' conditions must hold.
    pub condition: Map<String, Value>,
    pub count: usize,
    /// Merged into each generated event.
    pub event: Option<Value>,
    /// How old the message timestamp claims to be.
    pub age: Option<Duration>,
}

/// What a trigger sent.
#[derive(Debug, Default)]
pub struct Delivered {
    pub delivered: usize,
    pub message_ids: Vec<String>,
}

/// Sends `t.count` notifications to each matching enabled subscription with a connection.
pub fn trigger(hub: &EventSub, data: &Dataset, t: &Trigger) -> Result<Delivered, HelixError> {
    let catalog = crate::eventsub_catalog::SUBSCRIPTION_TYPES;
    let meta = ttv_meta::eventsub::find(catalog, &t.ty, t.version.as_deref()).ok_or_else(|| {
        let message = match &t.version {
            Some(v) if ttv_meta::eventsub::find(catalog, &t.ty, None).is_some() => {
                format!("unknown subscription type {} version {v}", t.ty)
            }
            _ => format!("unknown subscription type {}", t.ty),
        };
        HelixError::new(StatusCode::NOT_FOUND, message)
    })?;
    let mut done = Delivered::default();
    for sub in matching(hub, meta, &t.condition) {
        let condition = sub.get("condition").and_then(Value::as_object).cloned().unwrap_or_default();
        for _ in 0..t.count {
            let mut event = build_event(meta, &condition, data);
            if let Some(overrides) = &t.event {
                merge(&mut event, overrides);
            }
            let timestamp = t.age.map(super::clock::ago).unwrap_or_else(super::clock::now);
            send(hub, &sub, event, &timestamp, &mut done);
        }
    }
    Ok(done)
}

/// The `channel.chat.message` of a sent chat message, to every subscription
/// reading that channel: the sender is the chatter, one text fragment.
pub fn chat_message(hub: &EventSub, data: &Dataset, broadcaster_id: &str, sender_id: &str, text: &str, id: &str) {
    let Some(meta) =
        ttv_meta::eventsub::find(crate::eventsub_catalog::SUBSCRIPTION_TYPES, "channel.chat.message", None)
    else {
        return;
    };
    let mut wanted = Map::new();
    wanted.insert("broadcaster_user_id".into(), json!(broadcaster_id));
    let sender = data.user_by_id(sender_id);
    let sender_field = |k: &str| sender.as_ref().and_then(|u| u.get(k)).cloned().unwrap_or(json!(sender_id));
    let overrides = json!({
        "chatter_user_id": sender_id,
        "chatter_user_login": sender_field("login"),
        "chatter_user_name": sender_field("display_name"),
        "message_id": id,
        "message": {
            "text": text,
            "fragments": [{"type": "text", "text": text, "cheermote": null, "emote": null, "mention": null}],
        },
        "message_type": "text",
        "badges": [],
        "color": "",
    });
    let mut done = Delivered::default();
    for sub in matching(hub, meta, &wanted) {
        let condition = sub.get("condition").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut event = build_event(meta, &condition, data);
        merge(&mut event, &overrides);
        send(hub, &sub, event, &super::clock::now(), &mut done);
    }
}

fn send(hub: &EventSub, sub: &Entity, event: Value, timestamp: &str, done: &mut Delivered) {
    let out = messages::notification(sub, event, timestamp);
    let id = out.message_id.clone();
    if hub.deliver(session_of(sub).unwrap_or_default(), out, true) {
        done.delivered += 1;
        done.message_ids.push(id);
    }
}

/// Enabled WebSocket subscriptions of this type and version whose condition
/// holds every field of `wanted`.
fn matching(hub: &EventSub, meta: &SubscriptionMeta, wanted: &Map<String, Value>) -> Vec<Entity> {
    hub.created().subscriptions_where(|e| {
        let condition = e.get("condition").and_then(Value::as_object);
        is_websocket(e)
            && str_field(e, "status") == Some("enabled")
            && str_field(e, "type") == Some(meta.type_name)
            && str_field(e, "version") == Some(meta.version)
            && wanted.iter().all(|(k, v)| condition.and_then(|c| c.get(k)) == Some(v))
    })
}

/// An event of `meta`'s type: condition fields copied in, people (`X_id`,
/// `X_login`, `X_name`) from the data set, fresh ids, times of now, optional
/// fields null, and the rest made up from the field's shape.
pub fn build_event(meta: &SubscriptionMeta, condition: &Map<String, Value>, data: &Dataset) -> Value {
    let ty = meta.event;
    let names: HashSet<&str> = ty.fields.iter().map(|f| f.name).collect();
    let mut seed = Entity::new();
    for f in ty.fields {
        if let Some(v) = condition.get(f.name) {
            seed.insert(f.name.into(), v.clone());
        }
    }
    let users = data.users();
    for f in ty.fields {
        let Some(prefix) = f.name.strip_suffix("_id") else { continue };
        let (login, name) = (format!("{prefix}_login"), format!("{prefix}_name"));
        if !names.contains(login.as_str()) && !names.contains(name.as_str()) {
            continue;
        }
        let given = seed.get(f.name).and_then(Value::as_str).map(str::to_owned);
        let user = match &given {
            Some(id) => data.user_by_id(id),
            None if matches!(f.shape, Shape::Optional(_)) => {
                // An optional person (a shared chat's source) is absent.
                for k in [f.name, login.as_str(), name.as_str()] {
                    seed.insert(k.into(), Value::Null);
                }
                continue;
            }
            None if users.is_empty() => None,
            None => users.get(rand::rng().random_range(0..users.len())),
        };
        let id = given.or_else(|| user.as_ref().and_then(|u| str_field(u, "id")).map(str::to_owned));
        let id = id.unwrap_or_else(|| "10001".into());
        let from =
            |k: &str| user.as_ref().and_then(|u| u.get(k)).cloned().unwrap_or_else(|| json!(format!("user{id}")));
        seed.insert(login, from("login"));
        seed.insert(name, from("display_name"));
        seed.insert(f.name.into(), json!(id));
    }
    let now = super::clock::now();
    for f in ty.fields {
        if seed.contains_key(f.name) {
            continue;
        }
        let value = match (&f.shape, f.shape.inner()) {
            (Shape::Optional(_), _) => Value::Null,
            (_, Shape::DateTime) => json!(now),
            (_, Shape::String) if f.name == "id" || f.name.ends_with("message_id") => json!(super::clock::uuid()),
            _ => continue,
        };
        seed.insert(f.name.into(), value);
    }
    crate::shape::project(&seed, ty, 0)
}

/// Merges `overrides` into `target`, objects field by field.
pub fn merge(target: &mut Value, overrides: &Value) {
    match (target, overrides) {
        (Value::Object(t), Value::Object(o)) => {
            for (k, v) in o {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, o) => *t = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MockConfig;

    fn data() -> Dataset {
        Dataset::build(&MockConfig { users: 20, games: 2, ..MockConfig::default() })
    }

    fn meta(ty: &str) -> &'static SubscriptionMeta {
        ttv_meta::eventsub::find(crate::eventsub_catalog::SUBSCRIPTION_TYPES, ty, None).expect("in the catalog")
    }

    #[test]
    fn an_event_has_every_spec_field_the_condition_and_known_names() {
        let data = data();
        let condition = json!({"broadcaster_user_id": "10001", "moderator_user_id": "10001"});
        let m = meta("channel.follow");
        let event = build_event(m, condition.as_object().expect("object"), &data);
        for f in m.event.fields {
            assert!(event.get(f.name).is_some(), "{} in {event}", f.name);
        }
        assert_eq!(event["broadcaster_user_id"], "10001");
        assert_eq!(event["broadcaster_user_login"], "ninja", "{event}");
        let follower = event["user_id"].as_str().expect("a follower");
        let known = data.user_by_id(follower).expect("from the data set");
        assert_eq!(event["user_login"], known["login"]);
        assert!(event["followed_at"].as_str().is_some_and(|t| t.len() == 30), "{event}");
    }

    #[test]
    fn chat_events_get_fresh_ids_and_null_optional_parts() {
        let data = data();
        let m = meta("channel.chat.message");
        let condition = json!({"broadcaster_user_id": "10002", "user_id": "10001"});
        let a = build_event(m, condition.as_object().expect("object"), &data);
        let b = build_event(m, condition.as_object().expect("object"), &data);
        assert_ne!(a["message_id"], b["message_id"]);
        assert!(a["reply"].is_null() && a["source_broadcaster_user_id"].is_null(), "{a}");
        assert!(a["message"]["text"].is_string(), "{a}");
    }

    #[test]
    fn overrides_merge_into_objects() {
        let mut v = json!({"a": 1, "m": {"text": "x", "fragments": []}});
        merge(&mut v, &json!({"m": {"text": "hi"}, "b": true}));
        assert_eq!(v, json!({"a": 1, "m": {"text": "hi", "fragments": []}, "b": true}));
    }
}
