//! Things requests create and later requests see, as at Twitch: polls,
//! predictions, custom rewards, EventSub subscriptions, blocked terms and
//! the pinned chat message (one per channel, until its pin ends).
//! A created item is kept and listed (newest first) by the matching GET,
//! ended or changed by its PATCH and removed by its DELETE; an id the mock
//! never handed out answers 404.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use ttv_meta::{EndpointMeta, HttpMethod, Shape};

use crate::entity::{str_field, Entity};
use crate::helix_error::HelixError;
use crate::page::{page, pagination};
use crate::params::Params;
use crate::realistic::uuid;
use crate::shape::project_item;

/// Most EventSub cost a client may have at Twitch (the answer's `max_total_cost`).
pub const MAX_TOTAL_COST: u64 = 10_000;
/// Most cost of one user's WebSocket subscriptions.
pub const MAX_WEBSOCKET_COST: u64 = 10;

/// The kinds of things the mock keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Poll,
    Prediction,
    CustomReward,
    EventSubSubscription,
    BlockedTerm,
    PinnedMessage,
}

impl Kind {
    /// The kind an endpoint's path manages, if it is one of them.
    pub fn of(ep: &EndpointMeta) -> Option<Kind> {
        Some(match ep.path {
            "/polls" => Kind::Poll,
            "/predictions" => Kind::Prediction,
            "/channel_points/custom_rewards" => Kind::CustomReward,
            "/eventsub/subscriptions" => Kind::EventSubSubscription,
            "/moderation/blocked_terms" => Kind::BlockedTerm,
            "/chat/pins" => Kind::PinnedMessage,
            _ => return None,
        })
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Poll => "poll",
            Kind::Prediction => "prediction",
            Kind::CustomReward => "custom reward",
            Kind::EventSubSubscription => "subscription",
            Kind::BlockedTerm => "blocked term",
            Kind::PinnedMessage => "pinned message",
        }
    }

    /// The parameter that names the item to change or delete.
    fn target_param(self) -> &'static str {
        match self {
            Kind::PinnedMessage => "message_id",
            _ => "id",
        }
    }

    /// The parameter that names the item in GET filters and PATCH/DELETE.
    fn id_param(self) -> &'static str {
        match self {
            Kind::EventSubSubscription => "subscription_id",
            _ => "id",
        }
    }
}

/// One request to a kept kind, already checked by the generic handler.
pub struct Call<'a> {
    pub ep: &'static EndpointMeta,
    pub params: &'a Params,
    pub body: Option<&'a Entity>,
    /// The shape of each element of `data`.
    pub item: &'a Shape,
    /// Whose things these are: the broadcaster, or for EventSub the client.
    pub owner: String,
    /// The owner's channel (names and login), when it is one.
    pub channel: Option<&'a Entity>,
    /// The user token's user in the data set, when there is one.
    pub user: Option<&'a Entity>,
    /// The user token's user id; `None` for app tokens.
    pub token_user: Option<&'a str>,
    /// The token's scopes.
    pub scopes: &'a [String],
    /// The rules of the EventSub WebSocket transport, when the server has that side.
    pub websocket: Option<&'a dyn WebSocketRules>,
}

/// A Create EventSub Subscription with the WebSocket transport, as the rules see it.
pub struct WebSocketAsk<'a> {
    /// The client id.
    pub owner: &'a str,
    pub body: &'a Entity,
    pub token_user: Option<&'a str>,
    pub scopes: &'a [String],
}

/// The WebSocket transport's rules (sessions, limits, cost), which the
/// EventSub side knows (eventsub/subscriptions.rs). They run while the kept
/// subscriptions are locked, so two creates cannot both pass a limit.
pub trait WebSocketRules: Sync {
    /// Checks a create against the kept subscriptions of every client; Ok:
    /// fields to keep with the new subscription (its user, cost, transport).
    fn admit(&self, ask: &WebSocketAsk, kept: &[Entity]) -> Result<Entity, HelixError>;
}

/// The kept items of every kind; created with the server, empty at first.
#[derive(Debug, Default)]
pub struct Created {
    items: Mutex<HashMap<Kind, Vec<Entity>>>,
    next_id: AtomicUsize,
}

/// Where an item's owner is kept (not sent: it is no field of the answer types).
pub const OWNER: &str = "_owner";
/// Where a WebSocket subscription's user (the token's) is kept.
pub const USER: &str = "_user";

/// Where a pin's end is kept as Unix seconds (`ends_at` is its RFC 3339 form).
const ENDS: &str = "_ends";

impl Created {
    /// Answers the call: `Some` body with `data` (and `pagination` or EventSub
    /// totals), `None` for 204 No Content.
    pub fn answer(&self, kind: Kind, call: &Call) -> Result<Option<Map<String, Value>>, HelixError> {
        let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = items.entry(kind).or_default();
        if kind == Kind::PinnedMessage {
            // A pin that ran out is gone, as at Twitch.
            let now = unix_now();
            kept.retain(|e| e.get(ENDS).and_then(Value::as_u64).is_none_or(|end| end > now));
        }
        match call.ep.http_method {
            HttpMethod::Post => {
                let mut extra = Entity::new();
                if kind == Kind::EventSubSubscription {
                    match (is_websocket_call(call), call.websocket, call.body) {
                        (true, Some(rules), Some(body)) => {
                            let ask = WebSocketAsk {
                                owner: &call.owner,
                                body,
                                token_user: call.token_user,
                                scopes: call.scopes,
                            };
                            extra = rules.admit(&ask, kept)?;
                        }
                        _ => refuse_duplicate(call, kept)?,
                    }
                }
                let n = self.next_id.fetch_add(1, Ordering::Relaxed);
                let mut made = create(kind, call, n)?;
                made.extend(extra);
                let out = project(&made, call.item, 0);
                kept.insert(0, made);
                let mut answer = data(vec![out]);
                if kind == Kind::EventSubSubscription {
                    totals(call, kept, &mut answer);
                }
                Ok(Some(answer))
            }
            // Pin Chat Message: a channel has one pinned message; a new pin replaces it.
            HttpMethod::Put if kind == Kind::PinnedMessage => {
                kept.retain(|e| str_field(e, OWNER) != Some(call.owner.as_str()));
                kept.insert(0, pin(call));
                Ok(None)
            }
            HttpMethod::Get => list(kind, call, kept).map(Some),
            HttpMethod::Patch => {
                let at = find(kind, call, kept)?;
                change(kind, call, &mut kept[at])?;
                Ok(Some(data(vec![project(&kept[at], call.item, 0)])))
            }
            HttpMethod::Delete => {
                let at = find(kind, call, kept)?;
                kept.remove(at);
                Ok(None)
            }
            _ => Err(HelixError::new(StatusCode::METHOD_NOT_ALLOWED, "")),
        }
    }
}

/// An item as sent. An EventSub transport carries only its method's fields
/// (no `callback` on a WebSocket), as Twitch sends it.
fn project(e: &Entity, item: &Shape, n: usize) -> Value {
    let mut out = project_item(e, item, n);
    let stored = e.get("transport").and_then(Value::as_object);
    if let (Some(stored), Some(sent)) = (stored, out.get_mut("transport").and_then(Value::as_object_mut)) {
        sent.retain(|k, _| stored.contains_key(k));
    }
    out
}

fn data(list: Vec<Value>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("data".into(), Value::Array(list));
    out
}

fn field<'a>(call: &'a Call, name: &str) -> Option<&'a Value> {
    call.body.and_then(|b| b.get(name))
}

fn text(call: &Call, name: &str) -> Option<String> {
    call.params.first(name).map(str::to_owned).or_else(|| field(call, name).and_then(Value::as_str).map(str::to_owned))
}

/// The index of the item the call names, or Twitch's 404.
fn find(kind: Kind, call: &Call, kept: &[Entity]) -> Result<usize, HelixError> {
    let id = text(call, kind.target_param()).unwrap_or_default();
    let key = if kind == Kind::PinnedMessage { "message_id" } else { "id" };
    kept.iter()
        .position(|e| str_field(e, key) == Some(id.as_str()) && visible(kind, call, e))
        .ok_or_else(|| HelixError::new(StatusCode::NOT_FOUND, format!("The {} `{id}` was not found", kind.noun())))
}

fn create(kind: Kind, call: &Call, n: usize) -> Result<Entity, HelixError> {
    let now = crate::rfc3339::now();
    let mut e = Entity::new();
    if let Some(channel) = call.channel {
        for k in ["broadcaster_id", "broadcaster_login", "broadcaster_name"] {
            if let Some(v) = channel.get(k) {
                e.insert(k.into(), v.clone());
            }
        }
    }
    if let Some(body) = call.body {
        e.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for (name, values) in call.params.iter() {
        if let Some(v) = values.first() {
            e.insert(name.into(), json!(v));
        }
    }
    let id = uuid(kind.noun(), n);
    e.insert("id".into(), json!(id));
    e.insert(OWNER.into(), json!(call.owner));
    match kind {
        Kind::Poll => {
            let choices = options(
                field(call, "choices"),
                |i, title| json!({"id": uuid(&id, i), "title": title, "votes": 0, "channel_points_votes": 0, "bits_votes": 0}),
            );
            e.insert("choices".into(), choices);
            e.insert("status".into(), json!("ACTIVE"));
            e.insert("started_at".into(), json!(now));
            e.insert("ended_at".into(), Value::Null);
            e.insert("bits_voting_enabled".into(), json!(false));
            e.insert("bits_per_vote".into(), json!(0));
            e.entry("channel_points_voting_enabled").or_insert(json!(false));
            e.entry("channel_points_per_vote").or_insert(json!(0));
        }
        Kind::Prediction => {
            let outcomes = options(field(call, "outcomes"), |i, title| {
                let color = if i == 0 { "BLUE" } else { "PINK" };
                json!({"id": uuid(&id, i), "title": title, "users": 0, "channel_points": 0,
                       "top_predictors": null, "color": color})
            });
            e.insert("outcomes".into(), outcomes);
            e.insert("status".into(), json!("ACTIVE"));
            e.insert("created_at".into(), json!(now));
            for k in ["ended_at", "locked_at", "winning_outcome_id"] {
                e.insert(k.into(), Value::Null);
            }
        }
        Kind::CustomReward => {
            for (k, v) in [
                ("prompt", json!("")),
                ("background_color", json!("#9147FF")),
                ("is_enabled", json!(true)),
                ("is_user_input_required", json!(false)),
                ("should_redemptions_skip_request_queue", json!(false)),
            ] {
                e.entry(k).or_insert(v);
            }
            e.insert("is_paused".into(), json!(false));
            e.insert("is_in_stock".into(), json!(true));
            e.insert("image".into(), Value::Null);
            e.insert("redemptions_redeemed_current_stream".into(), Value::Null);
            e.insert("cooldown_expires_at".into(), Value::Null);
            reward_settings(&mut e);
        }
        Kind::EventSubSubscription => {
            let transport = field(call, "transport").cloned().unwrap_or(json!({}));
            let method = transport.get("method").and_then(Value::as_str).unwrap_or("webhook").to_owned();
            // Twitch answers with where events go, never the webhook's secret.
            let (status, sent) = match method.as_str() {
                "websocket" => (
                    "enabled",
                    json!({"method": "websocket", "session_id": transport.get("session_id"), "connected_at": now}),
                ),
                "conduit" => ("enabled", json!({"method": "conduit", "conduit_id": transport.get("conduit_id")})),
                _ => (
                    "webhook_callback_verification_pending",
                    json!({"method": method, "callback": transport.get("callback")}),
                ),
            };
            e.insert("transport".into(), sent);
            e.insert("status".into(), json!(status));
            e.insert("created_at".into(), json!(now));
            e.insert("cost".into(), json!(1));
        }
        Kind::BlockedTerm => {
            e.insert("created_at".into(), json!(now));
            e.insert("updated_at".into(), json!(now));
            e.insert("expires_at".into(), Value::Null);
        }
        // Pins are made by PUT (`pin`), never by POST.
        Kind::PinnedMessage => return Err(HelixError::new(StatusCode::METHOD_NOT_ALLOWED, "")),
    }
    Ok(e)
}

/// Twitch's 409 for a subscription that already exists (same type, version,
/// condition and transport), with the existing one's `id` in the error body.
fn refuse_duplicate(call: &Call, kept: &[Entity]) -> Result<(), HelixError> {
    let same = |k: &str, e: &Entity| field(call, k) == e.get(k);
    let transport = field(call, "transport");
    let same_transport = |e: &Entity| {
        let stored = e.get("transport").and_then(Value::as_object);
        let asked = transport.and_then(Value::as_object);
        // Compare where events go (method, callback, session or conduit), not the secret.
        stored.is_some_and(|stored| {
            stored.iter().filter(|(k, _)| *k != "connected_at").all(|(k, v)| asked.and_then(|a| a.get(k)) == Some(v))
        })
    };
    let existing = kept.iter().find(|e| {
        str_field(e, OWNER) == Some(call.owner.as_str())
            && ["type", "version", "condition"].iter().all(|k| same(k, e))
            && same_transport(e)
    });
    match existing.and_then(|e| str_field(e, "id")) {
        Some(id) => {
            Err(HelixError::new(StatusCode::CONFLICT, "subscription already exists").with_field("id", json!(id)))
        }
        None => Ok(()),
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A pinned message from Pin Chat Message's query. The mock keeps no chat
/// messages, so the sender is the channel's broadcaster and the text is empty.
fn pin(call: &Call) -> Entity {
    let now = unix_now();
    let mut e = Entity::new();
    let names = |e: &mut Entity, prefix: &str, who: Option<&Entity>, keys: [&str; 3]| {
        for (suffix, key) in ["id", "login", "name"].iter().zip(keys) {
            if let Some(v) = who.and_then(|w| w.get(key)) {
                e.insert(format!("{prefix}_{suffix}"), v.clone());
            }
        }
    };
    names(&mut e, "sender_user", call.channel, ["broadcaster_id", "broadcaster_login", "broadcaster_name"]);
    names(&mut e, "pinned_by_user", call.user, ["id", "login", "display_name"]);
    e.insert("message_id".into(), json!(text(call, "message_id").unwrap_or_default()));
    e.insert("broadcaster_id".into(), json!(call.owner));
    e.insert("message".into(), json!({"text": "", "fragments": []}));
    e.insert("starts_at".into(), json!(crate::rfc3339::format_unix(now)));
    e.insert(OWNER.into(), json!(call.owner));
    set_pin_end(call, &mut e, now);
    e
}

/// `duration_seconds` from now, or until the stream ends (`ends_at` null).
fn set_pin_end(call: &Call, e: &mut Entity, now: u64) {
    let seconds = text(call, "duration_seconds").and_then(|s| s.parse::<u64>().ok());
    match seconds {
        Some(s) => {
            e.insert("ends_at".into(), json!(crate::rfc3339::format_unix(now + s)));
            e.insert(ENDS.into(), json!(now + s));
        }
        None => {
            e.insert("ends_at".into(), Value::Null);
            e.remove(ENDS);
        }
    }
    e.insert("updated_at".into(), json!(crate::rfc3339::format_unix(now)));
}

/// Poll choices or prediction outcomes from the body's `[{title}]`.
fn options(list: Option<&Value>, make: impl Fn(usize, &str) -> Value) -> Value {
    let titles = list.and_then(Value::as_array).into_iter().flatten();
    Value::Array(
        titles.enumerate().map(|(i, o)| make(i, o.get("title").and_then(Value::as_str).unwrap_or_default())).collect(),
    )
}

/// A reward's flat body fields become the answer's setting objects.
fn reward_settings(e: &mut Entity) {
    let flag = |e: &Entity, k: &str| e.get(k).and_then(Value::as_bool).unwrap_or(false);
    let count = |e: &Entity, k: &str| e.get(k).and_then(Value::as_i64).unwrap_or(0);
    let settings = [
        ("max_per_stream_setting", "is_max_per_stream_enabled", "max_per_stream"),
        ("max_per_user_per_stream_setting", "is_max_per_user_per_stream_enabled", "max_per_user_per_stream"),
        ("global_cooldown_setting", "is_global_cooldown_enabled", "global_cooldown_seconds"),
    ];
    for (setting, enabled, value) in settings {
        let old = e.get(setting).cloned().unwrap_or(json!({}));
        let on = e.get(enabled).map(|_| flag(e, enabled)).or_else(|| old.get("is_enabled").and_then(Value::as_bool));
        let n = e.get(value).map(|_| count(e, value)).or_else(|| old.get(value).and_then(Value::as_i64));
        e.insert(setting.into(), json!({"is_enabled": on.unwrap_or(false), value: n.unwrap_or(0)}));
    }
}

/// PATCH: end a poll or prediction, change a reward or a pin's duration.
fn change(kind: Kind, call: &Call, e: &mut Entity) -> Result<(), HelixError> {
    let now = crate::rfc3339::now();
    let status = text(call, "status").unwrap_or_default();
    match kind {
        Kind::PinnedMessage => set_pin_end(call, e, unix_now()),
        Kind::Poll => {
            e.insert("status".into(), json!(status));
            e.insert("ended_at".into(), json!(now));
        }
        Kind::Prediction => {
            if status == "RESOLVED" {
                let winner = text(call, "winning_outcome_id").ok_or_else(|| {
                    HelixError::new(StatusCode::BAD_REQUEST, "winning_outcome_id is required to resolve a prediction")
                })?;
                let outcomes = e.get("outcomes").and_then(Value::as_array).cloned().unwrap_or_default();
                if !outcomes.iter().any(|o| o.get("id").and_then(Value::as_str) == Some(winner.as_str())) {
                    return Err(HelixError::new(StatusCode::BAD_REQUEST, "winning_outcome_id is not an outcome"));
                }
                e.insert("winning_outcome_id".into(), json!(winner));
            }
            let at = if status == "LOCKED" { "locked_at" } else { "ended_at" };
            e.insert("status".into(), json!(status));
            e.insert(at.into(), json!(now));
        }
        _ => {
            if let Some(body) = call.body {
                e.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            if kind == Kind::CustomReward {
                reward_settings(e);
            }
        }
    }
    Ok(())
}

/// GET: the owner's items the filters keep, newest first, paged.
fn list(kind: Kind, call: &Call, kept: &[Entity]) -> Result<Map<String, Value>, HelixError> {
    let mine: Vec<&Entity> = kept.iter().filter(|e| visible(kind, call, e)).collect();
    let ids = call.params.all(kind.id_param());
    let keep = |e: &&&Entity| {
        let named = ids.is_empty() || ids.iter().any(|id| str_field(e, "id") == Some(id.as_str()));
        let same = |k: &str| call.params.first(k).is_none_or(|v| str_field(e, k) == Some(v));
        // EventSub: `user_id` matches any condition field naming that user.
        let user = call.params.first("user_id").is_none_or(|u| {
            kind != Kind::EventSubSubscription
                || e.get("condition").and_then(Value::as_object).is_some_and(|c| c.values().any(|v| v == u))
        });
        // EventSub: `conduit_id` matches the conduit the transport delivers to.
        let conduit = call
            .params
            .first("conduit_id")
            .is_none_or(|c| e.get("transport").and_then(|t| t.get("conduit_id")).and_then(Value::as_str) == Some(c));
        named && user && (kind != Kind::EventSubSubscription || (same("status") && same("type") && conduit))
    };
    let selected: Vec<&&Entity> = mine.iter().filter(keep).collect();
    let paged = page(call.ep, selected.len(), call.params).map_err(|m| HelixError::new(StatusCode::BAD_REQUEST, m))?;
    let start = paged.range.start;
    let list = selected[paged.range].iter().enumerate().map(|(k, e)| project(e, call.item, start + k)).collect();
    let mut out = data(list);
    out.insert("pagination".into(), pagination(paged.cursor.as_deref()));
    if kind == Kind::EventSubSubscription {
        totals(call, kept, &mut out);
    }
    Ok(out)
}

/// Whether the call may see the item: the owner's, and for EventSub over a
/// user token that user's WebSocket subscriptions (an app token sees the
/// webhook and conduit ones).
fn visible(kind: Kind, call: &Call, e: &Entity) -> bool {
    if str_field(e, OWNER) != Some(call.owner.as_str()) {
        return false;
    }
    if kind != Kind::EventSubSubscription {
        return true;
    }
    match call.token_user {
        Some(user) => is_websocket(e) && str_field(e, USER) == Some(user),
        None => !is_websocket(e) || str_field(e, USER).is_none(),
    }
}

/// `total`, `total_cost` (of enabled subscriptions) and `max_total_cost` of
/// what the call sees: a user's WebSocket subscriptions, or a client's others.
fn totals(call: &Call, kept: &[Entity], out: &mut Map<String, Value>) {
    let mine: Vec<&Entity> = kept.iter().filter(|e| visible(Kind::EventSubSubscription, call, e)).collect();
    let enabled = |e: &&&Entity| str_field(e, "status") == Some("enabled");
    let cost: u64 = mine.iter().filter(enabled).filter_map(|e| e.get("cost").and_then(Value::as_u64)).sum();
    let max = if call.token_user.is_some() { MAX_WEBSOCKET_COST } else { MAX_TOTAL_COST };
    out.insert("total".into(), json!(mine.len()));
    out.insert("total_cost".into(), json!(cost));
    out.insert("max_total_cost".into(), json!(max));
}

/// Whether a kept subscription delivers over a WebSocket.
pub fn is_websocket(e: &Entity) -> bool {
    e.get("transport").and_then(|t| t.get("method")).and_then(Value::as_str) == Some("websocket")
}

/// The session a WebSocket subscription is bound to.
pub fn session_of(e: &Entity) -> Option<&str> {
    e.get("transport").and_then(|t| t.get("session_id")).and_then(Value::as_str)
}

fn is_websocket_call(call: &Call) -> bool {
    field(call, "transport").and_then(|t| t.get("method")).and_then(Value::as_str) == Some("websocket")
}

/// What the EventSub WebSocket side reads and changes.
impl Created {
    fn subscriptions(&self) -> std::sync::MutexGuard<'_, HashMap<Kind, Vec<Entity>>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Copies of the kept EventSub subscriptions `keep` selects.
    pub fn subscriptions_where(&self, keep: impl Fn(&Entity) -> bool) -> Vec<Entity> {
        let items = self.subscriptions();
        items.get(&Kind::EventSubSubscription).into_iter().flatten().filter(|e| keep(e)).cloned().collect()
    }

    /// A lost session's enabled subscriptions get `status` (they stop
    /// counting for cost and limits); returns how many changed.
    pub fn set_session_status(&self, session_id: &str, status: &str) -> usize {
        let mut items = self.subscriptions();
        let now = crate::rfc3339::now();
        let mut changed = 0;
        for e in items.entry(Kind::EventSubSubscription).or_default() {
            let bound = is_websocket(e) && session_of(e) == Some(session_id);
            if bound && str_field(e, "status") == Some("enabled") {
                e.insert("status".into(), json!(status));
                if let Some(t) = e.get_mut("transport").and_then(Value::as_object_mut) {
                    t.insert("disconnected_at".into(), json!(now));
                }
                changed += 1;
            }
        }
        changed
    }

    /// Removes one subscription (a revocation) and gives it back.
    pub fn remove_subscription(&self, id: &str) -> Option<Entity> {
        let mut items = self.subscriptions();
        let kept = items.entry(Kind::EventSubSubscription).or_default();
        let at = kept.iter().position(|e| str_field(e, "id") == Some(id))?;
        Some(kept.remove(at))
    }

    /// Forgets the disabled subscriptions of a session the mock forgot.
    pub fn forget_session(&self, session_id: &str) {
        let mut items = self.subscriptions();
        let kept = items.entry(Kind::EventSubSubscription).or_default();
        kept.retain(|e| {
            !(is_websocket(e) && session_of(e) == Some(session_id) && str_field(e, "status") != Some("enabled"))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttv_meta::{AuthClass, FieldMeta, ResponseMeta, TypeMeta};

    static POLL: TypeMeta = TypeMeta::new(
        "Poll",
        &[
            FieldMeta::new("id", Shape::String),
            FieldMeta::new("status", Shape::String),
            FieldMeta::new("started_at", Shape::DateTime),
            FieldMeta::new("ended_at", Shape::Optional(&Shape::DateTime)),
            FieldMeta::new("choices", Shape::Json),
        ],
    );
    static POLL_ITEM: Shape = Shape::Object(&POLL);

    const LIST: ResponseMeta = ResponseMeta::Data { paginated: true, single: false };
    static CREATE: EndpointMeta =
        EndpointMeta::new("Create Poll", "create_poll", HttpMethod::Post, "/polls", AuthClass::User, LIST);
    static GET: EndpointMeta =
        EndpointMeta::new("Get Polls", "get_polls", HttpMethod::Get, "/polls", AuthClass::User, LIST);
    static END: EndpointMeta =
        EndpointMeta::new("End Poll", "end_poll", HttpMethod::Patch, "/polls", AuthClass::User, LIST);
    static DELETE: EndpointMeta =
        EndpointMeta::new("Delete Poll", "delete_poll", HttpMethod::Delete, "/polls", AuthClass::User, LIST);

    fn call<'a>(ep: &'static EndpointMeta, params: &'a Params, body: Option<&'a Entity>, owner: &str) -> Call<'a> {
        Call {
            ep,
            params,
            body,
            item: &POLL_ITEM,
            owner: owner.into(),
            channel: None,
            user: None,
            token_user: None,
            scopes: &[],
            websocket: None,
        }
    }

    fn body(v: Value) -> Entity {
        v.as_object().cloned().unwrap_or_default()
    }

    /// The `data` of an answer.
    fn items(out: Option<Map<String, Value>>) -> Vec<Value> {
        out.and_then(|o| o.get("data").and_then(Value::as_array).cloned()).unwrap_or_default()
    }

    #[test]
    fn created_polls_are_listed_ended_and_kept_per_broadcaster() {
        let kept = Created::default();
        let none = Params::default();
        let poll = body(json!({"broadcaster_id": "10001", "title": "Q", "choices": [{"title": "a"}, {"title": "b"}]}));
        let made = items(kept.answer(Kind::Poll, &call(&CREATE, &none, Some(&poll), "10001")).unwrap());
        let id = made[0]["id"].as_str().unwrap_or_default().to_owned();
        assert_eq!((made[0]["status"].as_str(), made[0]["ended_at"].is_null()), (Some("ACTIVE"), true));
        assert_ne!(made[0]["choices"][0]["id"], made[0]["choices"][1]["id"]);

        let listed = items(kept.answer(Kind::Poll, &call(&GET, &none, None, "10001")).unwrap());
        assert_eq!(listed.len(), 1);
        let other = items(kept.answer(Kind::Poll, &call(&GET, &none, None, "10002")).unwrap());
        assert!(other.is_empty(), "another channel's polls are not listed");

        let end = body(json!({"id": id, "status": "TERMINATED"}));
        let ended = items(kept.answer(Kind::Poll, &call(&END, &none, Some(&end), "10001")).unwrap());
        assert_eq!(ended[0]["status"], "TERMINATED");
        assert!(ended[0]["ended_at"].as_str().unwrap_or("") >= ended[0]["started_at"].as_str().unwrap_or("~"));

        let unknown = body(json!({"id": "nope", "status": "TERMINATED"}));
        let err = kept.answer(Kind::Poll, &call(&END, &none, Some(&unknown), "10001")).err();
        assert_eq!(err.map(|e| axum::response::IntoResponse::into_response(e).status()), Some(StatusCode::NOT_FOUND));

        let by_id = Params::from_query(&format!("id={id}"));
        assert!(kept.answer(Kind::Poll, &call(&DELETE, &by_id, None, "10001")).unwrap().is_none(), "204");
        assert!(items(kept.answer(Kind::Poll, &call(&GET, &none, None, "10001")).unwrap()).is_empty());
    }

    static PINNED: TypeMeta = TypeMeta::new(
        "PinnedChatMessage",
        &[
            FieldMeta::new("message_id", Shape::String),
            FieldMeta::new("pinned_by_user_login", Shape::String),
            FieldMeta::new("starts_at", Shape::DateTime),
            FieldMeta::new("ends_at", Shape::Optional(&Shape::DateTime)),
        ],
    );
    static PINNED_ITEM: Shape = Shape::Object(&PINNED);
    static SUBSCRIPTION: TypeMeta = TypeMeta::new("EventSubSubscription", &[FieldMeta::new("id", Shape::String)]);
    static SUBSCRIPTION_ITEM: Shape = Shape::Object(&SUBSCRIPTION);
    const NONE: ResponseMeta = ResponseMeta::NoContent;
    const ONE: ResponseMeta = ResponseMeta::Data { paginated: false, single: false };
    static PIN: EndpointMeta =
        EndpointMeta::new("Pin Chat Message", "pin_chat_message", HttpMethod::Put, "/chat/pins", AuthClass::User, NONE);
    static GET_PIN: EndpointMeta = EndpointMeta::new(
        "Get Pinned Chat Message",
        "get_pinned_chat_message",
        HttpMethod::Get,
        "/chat/pins",
        AuthClass::User,
        ONE,
    );
    static UPDATE_PIN: EndpointMeta = EndpointMeta::new(
        "Update Pinned Chat Message",
        "update_pinned_chat_message",
        HttpMethod::Patch,
        "/chat/pins",
        AuthClass::User,
        NONE,
    );
    static UNPIN: EndpointMeta = EndpointMeta::new(
        "Unpin Chat Message",
        "unpin_chat_message",
        HttpMethod::Delete,
        "/chat/pins",
        AuthClass::User,
        NONE,
    );

    fn status(err: Option<HelixError>) -> Option<StatusCode> {
        err.map(|e| axum::response::IntoResponse::into_response(e).status())
    }

    #[test]
    fn a_pin_is_kept_per_channel_replaced_updated_and_unpinned() {
        let kept = Created::default();
        let moderator = body(json!({"id": "10002", "login": "shroud", "display_name": "shroud"}));
        let pin_call = |ep, query: &str| {
            let params = Params::from_query(query);
            let call = Call {
                ep,
                params: &params,
                body: None,
                item: &PINNED_ITEM,
                owner: "10001".into(),
                channel: None,
                user: Some(&moderator),
                token_user: Some("10002"),
                scopes: &[],
                websocket: None,
            };
            kept.answer(Kind::PinnedMessage, &call).map(items)
        };
        assert_eq!(pin_call(&GET_PIN, "broadcaster_id=10001").ok(), Some(vec![]), "nothing is pinned at first");
        assert_eq!(pin_call(&PIN, "broadcaster_id=10001&message_id=m1").ok(), Some(vec![]), "204");
        let pinned = pin_call(&GET_PIN, "broadcaster_id=10001").unwrap_or_default();
        assert_eq!(pinned.len(), 1);
        assert_eq!(
            (pinned[0]["message_id"].as_str(), pinned[0]["pinned_by_user_login"].as_str()),
            (Some("m1"), Some("shroud"))
        );
        assert!(pinned[0]["ends_at"].is_null(), "no duration: until the stream ends");

        pin_call(&PIN, "broadcaster_id=10001&message_id=m2&duration_seconds=60").ok();
        let pinned = pin_call(&GET_PIN, "broadcaster_id=10001").unwrap_or_default();
        assert_eq!(pinned.len(), 1, "a new pin replaces the old one");
        assert_eq!(pinned[0]["message_id"], "m2");
        assert!(pinned[0]["ends_at"].as_str() > pinned[0]["starts_at"].as_str(), "{pinned:?}");

        assert_eq!(
            status(pin_call(&UPDATE_PIN, "broadcaster_id=10001&message_id=m1&duration_seconds=30").err()),
            Some(StatusCode::NOT_FOUND)
        );
        pin_call(&UPDATE_PIN, "broadcaster_id=10001&message_id=m2").ok();
        let pinned = pin_call(&GET_PIN, "broadcaster_id=10001").unwrap_or_default();
        assert!(pinned[0]["ends_at"].is_null(), "updated to last until the stream ends");

        assert_eq!(status(pin_call(&UNPIN, "broadcaster_id=10001&message_id=m1").err()), Some(StatusCode::NOT_FOUND));
        assert_eq!(pin_call(&UNPIN, "broadcaster_id=10001&message_id=m2").ok(), Some(vec![]));
        assert_eq!(pin_call(&GET_PIN, "broadcaster_id=10001").ok(), Some(vec![]));
    }

    #[test]
    fn a_duplicate_subscription_is_refused_with_the_existing_id() {
        static CREATE_SUB: EndpointMeta = EndpointMeta::new(
            "Create EventSub Subscription",
            "create_eventsub_subscription",
            HttpMethod::Post,
            "/eventsub/subscriptions",
            AuthClass::App,
            ONE,
        );
        let kept = Created::default();
        let none = Params::default();
        let sub = |callback: &str| {
            body(json!({"type": "stream.online", "version": "1", "condition": {"broadcaster_user_id": "10001"},
                        "transport": {"method": "webhook", "callback": callback, "secret": "0123456789"}}))
        };
        let create = |b: &Entity, owner: &str| {
            let call = Call {
                ep: &CREATE_SUB,
                params: &none,
                body: Some(b),
                item: &SUBSCRIPTION_ITEM,
                owner: owner.into(),
                channel: None,
                user: None,
                token_user: None,
                scopes: &[],
                websocket: None,
            };
            kept.answer(Kind::EventSubSubscription, &call)
        };
        let first = items(create(&sub("https://a.example/cb"), "client").unwrap());
        let err = create(&sub("https://a.example/cb"), "client").err().map(axum::response::IntoResponse::into_response);
        let err = err.expect("a duplicate is refused");
        assert_eq!(err.status(), StatusCode::CONFLICT);
        let answer = tokio::runtime::Builder::new_current_thread()
            .build()
            .ok()
            .and_then(|rt| rt.block_on(axum::body::to_bytes(err.into_body(), 1 << 16)).ok());
        let answer: Value = answer.and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        assert_eq!(answer["id"], first[0]["id"], "{answer}");
        assert_eq!(answer["status"], 409);

        assert!(create(&sub("https://b.example/cb"), "client").is_ok(), "another callback is another subscription");
        assert!(create(&sub("https://a.example/cb"), "other client").is_ok(), "another client's are its own");
    }
}
