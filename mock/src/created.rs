//! Things requests create and later requests see, as at Twitch: polls,
//! predictions, custom rewards, EventSub subscriptions and blocked terms.
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

/// The kinds of things the mock keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Poll,
    Prediction,
    CustomReward,
    EventSubSubscription,
    BlockedTerm,
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
}

/// The kept items of every kind; created with the server, empty at first.
#[derive(Debug, Default)]
pub struct Created {
    items: Mutex<HashMap<Kind, Vec<Entity>>>,
    next_id: AtomicUsize,
}

/// Where an item's owner is kept (not sent: it is no field of the answer types).
const OWNER: &str = "_owner";

impl Created {
    /// Answers the call: `Some` body with `data` (and `pagination` or EventSub
    /// totals), `None` for 204 No Content.
    pub fn answer(&self, kind: Kind, call: &Call) -> Result<Option<Map<String, Value>>, HelixError> {
        let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = items.entry(kind).or_default();
        match call.ep.http_method {
            HttpMethod::Post => {
                let n = self.next_id.fetch_add(1, Ordering::Relaxed);
                let made = create(kind, call, n)?;
                let out = project(&made, call.item, 0);
                kept.insert(0, made);
                Ok(Some(data(vec![out])))
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
    let id = text(call, "id").unwrap_or_default();
    kept.iter()
        .position(|e| str_field(e, "id") == Some(id.as_str()) && str_field(e, OWNER) == Some(call.owner.as_str()))
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
    }
    Ok(e)
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

/// PATCH: end a poll or prediction, or change a reward.
fn change(kind: Kind, call: &Call, e: &mut Entity) -> Result<(), HelixError> {
    let now = crate::rfc3339::now();
    let status = text(call, "status").unwrap_or_default();
    match kind {
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
    let mine: Vec<&Entity> = kept.iter().filter(|e| str_field(e, OWNER) == Some(call.owner.as_str())).collect();
    let ids = call.params.all(kind.id_param());
    let keep = |e: &&&Entity| {
        let named = ids.is_empty() || ids.iter().any(|id| str_field(e, "id") == Some(id.as_str()));
        let same = |k: &str| call.params.first(k).is_none_or(|v| str_field(e, k) == Some(v));
        // EventSub: `user_id` matches any condition field naming that user.
        let user = call.params.first("user_id").is_none_or(|u| {
            kind != Kind::EventSubSubscription
                || e.get("condition").and_then(Value::as_object).is_some_and(|c| c.values().any(|v| v == u))
        });
        named && user && (kind != Kind::EventSubSubscription || (same("status") && same("type")))
    };
    let selected: Vec<&&Entity> = mine.iter().filter(keep).collect();
    let paged = page(call.ep, selected.len(), call.params).map_err(|m| HelixError::new(StatusCode::BAD_REQUEST, m))?;
    let start = paged.range.start;
    let list = selected[paged.range].iter().enumerate().map(|(k, e)| project(e, call.item, start + k)).collect();
    let mut out = data(list);
    out.insert("pagination".into(), pagination(paged.cursor.as_deref()));
    if kind == Kind::EventSubSubscription {
        let cost: u64 = mine.iter().filter_map(|e| e.get("cost").and_then(Value::as_u64)).sum();
        out.insert("total".into(), json!(mine.len()));
        out.insert("total_cost".into(), json!(cost));
        out.insert("max_total_cost".into(), json!(MAX_TOTAL_COST));
    }
    Ok(out)
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
        Call { ep, params, body, item: &POLL_ITEM, owner: owner.into(), channel: None }
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
}
