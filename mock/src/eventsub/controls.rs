//! The mock's own controls under `/mock/eventsub/` (JSON over HTTP; Twitch
//! has none of them): list sessions, trigger events, make a session
//! reconnect, drop or fall silent, revoke a subscription, resend a message,
//! and set the timers.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::messages;
use super::session::{EventSub, Out, Timers};
use super::trigger::{trigger, Trigger};
use crate::created::session_of;
use crate::dataset::Dataset;
use crate::entity::str_field;
use crate::helix_error::HelixError;
use crate::request::MockRequest;

/// Triggers send at most this many messages per subscription per request.
const MAX_COUNT: u64 = 1_000;

const REVOCATION_STATUSES: &[&str] = &["authorization_revoked", "user_removed", "moderator_removed", "version_removed"];

/// Answers a request under `/mock/eventsub`.
pub fn respond(hub: &Arc<EventSub>, data: &RwLock<Dataset>, req: &MockRequest) -> Response {
    let rest = req.path.strip_prefix("/mock/eventsub").unwrap_or_default();
    let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let body = match parse(&req.body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let answer = match (&req.method, parts.as_slice()) {
        (&Method::GET, ["sessions"]) => Ok(sessions(hub)),
        (&Method::POST, ["trigger"]) => {
            let data = data.read().unwrap_or_else(|e| e.into_inner());
            trigger_control(hub, &data, &body)
        }
        (&Method::POST, ["sessions", id, "reconnect"]) => match hub.start_reconnect(id) {
            Some(url) => Ok(json!({"session_id": id, "reconnect_url": url})),
            None => Err(no_session(id)),
        },
        (&Method::POST, ["sessions", id, "drop"]) => drop_control(hub, id, &body),
        (&Method::POST, ["sessions", id, "silence"]) => match hub.tell(id, Out::Silence) {
            true => Ok(json!({"session_id": id})),
            false => Err(no_session(id)),
        },
        (&Method::POST, ["subscriptions", id, "revoke"]) => revoke(hub, id, &body),
        (&Method::POST, ["resend"]) => {
            let id = str_field(&body, "message_id");
            match hub.resend(id) {
                Some((message_id, sent)) => Ok(json!({"delivered": usize::from(sent), "message_ids": [message_id]})),
                None => Err(HelixError::new(StatusCode::NOT_FOUND, "no such message is kept for resending")),
            }
        }
        (&Method::GET, ["timers"]) => Ok(timers_json(hub.timers())),
        (&Method::POST, ["timers"]) => set_timers(hub, &body),
        (_, ["sessions"] | ["trigger"] | ["resend"] | ["timers"] | ["sessions", _, _] | ["subscriptions", _, _]) => {
            Err(HelixError::new(StatusCode::METHOD_NOT_ALLOWED, ""))
        }
        _ => Err(HelixError::new(StatusCode::NOT_FOUND, "unknown mock control")),
    };
    match answer {
        Ok(v) => (StatusCode::OK, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn parse(body: &[u8]) -> Result<Map<String, Value>, HelixError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad("the body must be a JSON object")),
    }
}

fn bad(message: impl Into<String>) -> HelixError {
    HelixError::new(StatusCode::BAD_REQUEST, message)
}

fn no_session(id: &str) -> HelixError {
    HelixError::new(StatusCode::NOT_FOUND, format!("no connected session {id}"))
}

fn sessions(hub: &EventSub) -> Value {
    let subs = hub.created().subscriptions_where(|e| session_of(e).is_some());
    let list: Vec<Value> = hub
        .sessions()
        .into_iter()
        .map(|s| {
            let ids: Vec<&str> = subs
                .iter()
                .filter(|e| session_of(e) == Some(s.id.as_str()))
                .filter_map(|e| str_field(e, "id"))
                .collect();
            json!({
                "id": s.id,
                "status": s.status.as_str(),
                "user_id": s.user_id,
                "connections": s.connections,
                "subscriptions": ids,
            })
        })
        .collect();
    json!({"data": list})
}

/// A non-negative whole number field, or 400.
fn number(body: &Map<String, Value>, name: &str) -> Result<Option<u64>, HelixError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| bad(format!("{name} must be a whole number"))),
    }
}

fn trigger_control(hub: &EventSub, data: &Dataset, body: &Map<String, Value>) -> Result<Value, HelixError> {
    let ty = str_field(body, "type").ok_or_else(|| bad("type is required"))?;
    let condition = match body.get("condition") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(c)) => c.clone(),
        Some(_) => return Err(bad("condition must be a JSON object")),
    };
    let count = number(body, "count")?.unwrap_or(1);
    if count > MAX_COUNT {
        return Err(bad(format!("count may be at most {MAX_COUNT}")));
    }
    let t = Trigger {
        ty: ty.to_owned(),
        version: str_field(body, "version").map(str::to_owned),
        condition,
        count: count as usize,
        event: body.get("event").filter(|v| v.is_object()).cloned(),
        age: number(body, "age_seconds")?.map(Duration::from_secs),
    };
    let done = trigger(hub, data, &t)?;
    Ok(json!({"delivered": done.delivered, "message_ids": done.message_ids}))
}

fn drop_control(hub: &EventSub, id: &str, body: &Map<String, Value>) -> Result<Value, HelixError> {
    let out = match number(body, "code")? {
        None => Out::Hangup,
        Some(code @ 4000..=4007) => Out::Close(code as u16),
        Some(_) => return Err(bad("code must be one of 4000 to 4007")),
    };
    match hub.tell(id, out) {
        true => Ok(json!({"session_id": id})),
        false => Err(no_session(id)),
    }
}

fn revoke(hub: &EventSub, id: &str, body: &Map<String, Value>) -> Result<Value, HelixError> {
    let status = str_field(body, "status").unwrap_or("authorization_revoked");
    if !REVOCATION_STATUSES.contains(&status) {
        return Err(bad(format!("status must be one of {}", REVOCATION_STATUSES.join(", "))));
    }
    let sub = hub
        .created()
        .remove_subscription(id)
        .ok_or_else(|| HelixError::new(StatusCode::NOT_FOUND, format!("The subscription `{id}` was not found")))?;
    let out = messages::revocation(&sub, status);
    let message_id = out.message_id.clone();
    let delivered = match session_of(&sub) {
        Some(session) if crate::created::is_websocket(&sub) => hub.deliver(session, out, true),
        _ => false,
    };
    Ok(json!({"delivered": usize::from(delivered), "message_ids": if delivered { vec![message_id] } else { vec![] }}))
}

fn timers_json(t: Timers) -> Value {
    json!({
        "keepalive_ms": t.keepalive_ms,
        "welcome_window_ms": t.welcome_window_ms,
        "reconnect_grace_ms": t.reconnect_grace_ms,
        "orphan_grace_ms": t.orphan_grace_ms,
    })
}

fn set_timers(hub: &EventSub, body: &Map<String, Value>) -> Result<Value, HelixError> {
    let mut t = hub.timers();
    if let Some(ms) = number(body, "keepalive_ms")? {
        t.keepalive_ms = Some(ms.max(1));
    }
    if let Some(ms) = number(body, "welcome_window_ms")? {
        t.welcome_window_ms = Some(ms);
    }
    if let Some(ms) = number(body, "reconnect_grace_ms")? {
        t.reconnect_grace_ms = ms;
    }
    if let Some(ms) = number(body, "orphan_grace_ms")? {
        t.orphan_grace_ms = ms;
    }
    hub.set_timers(t);
    Ok(timers_json(t))
}
