//! Create EventSub Subscription over the WebSocket transport, as Twitch
//! rules it: a user token, a live session of that user, a type that is
//! delivered over WebSockets, the condition's token user and scopes, no
//! duplicate (409), and the limits (429): cost 10 per user (a subscription
//! naming the token's user costs 0), 300 per session, 3 sessions per user.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::session::{EventSub, Refusal};
use crate::created::{is_websocket, session_of, WebSocketAsk, WebSocketRules, MAX_WEBSOCKET_COST, OWNER, USER};
use crate::entity::{str_field, Entity};
use crate::helix_error::HelixError;

/// Enabled subscriptions one session may hold.
pub const MAX_PER_SESSION: usize = 300;
/// Sessions with enabled subscriptions one user may have.
pub const MAX_SESSIONS_PER_USER: usize = 3;

fn bad(message: impl Into<String>) -> HelixError {
    HelixError::new(StatusCode::BAD_REQUEST, message)
}

fn forbidden(message: impl Into<String>) -> HelixError {
    HelixError::new(StatusCode::FORBIDDEN, message)
}

fn too_many(message: impl Into<String>) -> HelixError {
    HelixError::new(StatusCode::TOO_MANY_REQUESTS, message)
}

impl WebSocketRules for EventSub {
    fn admit(&self, ask: &WebSocketAsk, kept: &[Entity]) -> Result<Entity, HelixError> {
        let user = ask.token_user.ok_or_else(|| bad("the websocket transport requires a user access token"))?;
        let text = |k: &str| str_field(ask.body, k).unwrap_or_default();
        let session_id = ask.body.get("transport").and_then(|t| t.get("session_id")).and_then(Value::as_str);
        let session_id = session_id.filter(|s| !s.is_empty());
        let session_id =
            session_id.ok_or_else(|| bad("transport.session_id is required for the websocket transport"))?;
        let (ty, version) = (text("type"), text("version"));
        let meta = ttv_meta::eventsub::find(crate::eventsub_catalog::SUBSCRIPTION_TYPES, ty, Some(version))
            .ok_or_else(|| bad(format!("unsupported subscription type {ty} version {version}")))?;
        if !meta.supports("websocket") {
            return Err(bad(format!("{ty} is not delivered over the websocket transport")));
        }
        let condition = ask.body.get("condition").and_then(Value::as_object);
        let condition = condition.ok_or_else(|| bad("condition must be a JSON object"))?;
        let given = |name: &str| condition.get(name).and_then(Value::as_str).filter(|v| !v.is_empty());
        if let Some(missing) = meta.condition.iter().find(|c| c.required && given(c.name).is_none()) {
            return Err(bad(format!("condition.{} is required for {ty}", missing.name)));
        }
        if let Some(field) = meta.token_user_field().filter(|f| given(f) != Some(user)) {
            return Err(forbidden(format!(
                "subscription missing proper authorization: condition.{field} must be the user of the access token"
            )));
        }
        if let Some(group) = meta.scopes.iter().find(|g| !g.iter().any(|s| ask.scopes.iter().any(|have| have == s))) {
            return Err(forbidden(format!(
                "subscription missing proper authorization: missing scope {}",
                group.join(" or ")
            )));
        }
        let connected_at = self.check_session(session_id, user).map_err(|r| match r {
            Refusal::Gone => bad("websocket transport session does not exist or has already disconnected"),
            Refusal::OtherUser => bad("websocket transport session holds another user's subscriptions"),
        })?;

        // The user's enabled WebSocket subscriptions of this client, any session.
        let mine: Vec<&Entity> = kept
            .iter()
            .filter(|e| str_field(e, OWNER) == Some(ask.owner) && is_websocket(e) && str_field(e, USER) == Some(user))
            .filter(|e| str_field(e, "status") == Some("enabled"))
            .collect();
        let same = |e: &&&Entity| {
            str_field(e, "type") == Some(ty)
                && str_field(e, "version") == Some(version)
                && e.get("condition").and_then(Value::as_object) == Some(condition)
        };
        if let Some(existing) = mine.iter().find(same) {
            return Err(HelixError::new(StatusCode::CONFLICT, "subscription already exists")
                .with_field("id", json!(str_field(existing, "id"))));
        }
        let cost = u64::from(!condition.values().any(|v| v.as_str() == Some(user)));
        let spent: u64 = mine.iter().filter_map(|e| e.get("cost").and_then(Value::as_u64)).sum();
        if spent + cost > MAX_WEBSOCKET_COST {
            return Err(too_many(format!(
                "the websocket subscriptions of a user may cost {MAX_WEBSOCKET_COST} in total; {spent} is spent"
            )));
        }
        if mine.iter().filter(|e| session_of(e) == Some(session_id)).count() >= MAX_PER_SESSION {
            return Err(too_many(format!("a websocket session holds at most {MAX_PER_SESSION} subscriptions")));
        }
        let mut others: Vec<&str> = mine.iter().filter_map(|e| session_of(e)).filter(|s| *s != session_id).collect();
        others.sort_unstable();
        others.dedup();
        if others.len() >= MAX_SESSIONS_PER_USER {
            return Err(too_many(format!(
                "a user may have at most {MAX_SESSIONS_PER_USER} websocket sessions with enabled subscriptions"
            )));
        }
        self.bind(session_id, user);
        let mut extra = Entity::new();
        extra.insert(USER.into(), json!(user));
        extra.insert("cost".into(), json!(cost));
        extra.insert(
            "transport".into(),
            json!({"method": "websocket", "session_id": session_id, "connected_at": connected_at}),
        );
        Ok(extra)
    }
}
