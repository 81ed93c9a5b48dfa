//! Made-up values that look like Twitch's, for fields an item has no value
//! for: UUID-shaped ids, numeric user ids, real-looking URLs, timestamps that
//! end after they start, and one of the documented values where a field
//! takes a closed set (a poll's `status` is `ACTIVE`, not `status-0`): the
//! spec's set (`values:`, carried in the routes' `FieldMeta`), or, where a
//! fresh item's state is not simply the first value listed, the one named here.

use serde_json::{json, Value};
use ttv_meta::{FieldMeta, Shape};

use crate::entity::{str_field, Entity};

/// When made-up things start (created, started, connected).
pub const SYNTHETIC_START: &str = "2024-01-01T00:00:00Z";
/// When made-up things end or expire: after [`SYNTHETIC_START`].
pub const SYNTHETIC_END: &str = "2024-01-01T00:05:00Z";

/// A fresh item's value of a field with a closed set, where that is not the
/// first value the spec lists: (type, field, value). A poll that has just
/// started is `ACTIVE`.
const CLOSED_SETS: &[(&str, &str, &str)] = &[
    ("Poll", "status", "ACTIVE"),
    ("Prediction", "status", "ACTIVE"),
    ("CustomRewardRedemption", "status", "UNFULFILLED"),
    ("ConduitShard", "status", "enabled"),
    ("DropsEntitlementUpdate", "status", "SUCCESS"),
    ("EventSubSubscription", "status", "enabled"),
    ("GuestStarInvite", "status", "INVITED"),
    ("UnbanRequest", "status", "pending"),
    ("SuspiciousUserStatus", "status", "ACTIVE_MONITORING"),
    ("EventSubTransport", "method", "webhook"),
    ("User", "type", ""),
];

/// Fields that are null in the state a fresh item is in (an active poll has
/// not ended; a sent chat message was not dropped).
const NULL_WHILE_FRESH: &[(&str, &str)] = &[
    ("Poll", "ended_at"),
    ("Prediction", "ended_at"),
    ("Prediction", "locked_at"),
    ("Prediction", "winning_outcome_id"),
    ("SentChatMessage", "drop_reason"),
    ("EventSubTransport", "session_id"),
    ("EventSubTransport", "conduit_id"),
    ("EventSubTransport", "connected_at"),
    ("EventSubTransport", "disconnected_at"),
];

/// Flags that are `true` for a fresh item.
const TRUE_FLAGS: &[(&str, &str)] =
    &[("SentChatMessage", "is_sent"), ("CustomReward", "is_enabled"), ("CustomReward", "is_in_stock")];

/// Id fields that hold a UUID at Twitch rather than a numeric user id.
const UUID_IDS: &[&str] =
    &["id", "message_id", "session_id", "conduit_id", "reward_id", "winning_outcome_id", "subscription_id"];

/// Time fields that come after the item's start.
const END_TIMES: &[&str] =
    &["ended_at", "end_time", "expires_at", "locked_at", "updated_at", "disconnected_at", "cooldown_expires_at"];

/// For a string field with a closed set in the spec and no fresh-state value
/// above: the first value the set lists that is not empty ("" is Twitch's
/// "none of these"), so made-up items look like real ones.
pub fn from_spec_set(type_name: &str, field: &FieldMeta) -> Option<Value> {
    let overridden = CLOSED_SETS.iter().any(|(t, f, _)| *t == type_name && *f == field.name);
    let first = field.values.iter().find(|v| !v.is_empty()).filter(|_| !overridden)?;
    match field.shape.inner() {
        Shape::String => Some(json!(first)),
        Shape::List(item) if matches!(item.inner(), Shape::String) => Some(json!([first])),
        _ => None,
    }
}

/// A realistic value for `field` of the type `type_name`, item `n`, when the
/// entity has none; `None` leaves it to the shape's generic value.
pub fn value(type_name: &str, field: &str, shape: &Shape, n: usize, entity: &Entity) -> Option<Value> {
    if NULL_WHILE_FRESH.contains(&(type_name, field)) && matches!(shape, Shape::Optional(_)) {
        return Some(Value::Null);
    }
    match shape.inner() {
        Shape::String => string(type_name, field, n, entity).map(Value::String),
        Shape::Boolean if TRUE_FLAGS.contains(&(type_name, field)) => Some(json!(true)),
        Shape::DateTime if END_TIMES.contains(&field) => Some(json!(SYNTHETIC_END)),
        Shape::DateTime => Some(json!(SYNTHETIC_START)),
        _ => None,
    }
}

fn string(type_name: &str, field: &str, n: usize, entity: &Entity) -> Option<String> {
    if let Some((_, _, v)) = CLOSED_SETS.iter().find(|(t, f, _)| *t == type_name && *f == field) {
        return Some((*v).to_string());
    }
    if type_name == "PredictionOutcome" && field == "color" {
        // With two outcomes the first is blue and the second pink.
        return Some(if n == 0 { "BLUE" } else { "PINK" }.to_string());
    }
    if UUID_IDS.contains(&field) {
        return Some(uuid(&format!("{type_name}.{field}"), n));
    }
    if field.ends_with("_id") {
        // Users, broadcasters, moderators, games: Twitch's numeric string ids.
        return Some((10001 + n).to_string());
    }
    if field == "callback" {
        return Some("https://example.com/eventsub/callback".to_string());
    }
    if field == "url" || field.ends_with("_url") {
        return Some(url(field, n, entity));
    }
    None
}

/// Images live on Twitch's CDN; other links on the channel's page.
fn url(field: &str, n: usize, entity: &Entity) -> String {
    if ["image", "thumbnail", "box_art", "icon"].iter().any(|w| field.contains(w)) {
        return format!("https://static-cdn.jtvnw.net/ttv-mock/{field}-{n}.png");
    }
    let login = ["broadcaster_login", "user_login", "login"]
        .iter()
        .find_map(|k| str_field(entity, k))
        .filter(|l| !l.is_empty())
        .unwrap_or("ninja");
    format!("https://www.twitch.tv/{login}")
}

/// A deterministic UUID-shaped id (version 4 layout) for `seed` and `n`.
pub fn uuid(seed: &str, n: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes().chain(n.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let lo = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (h >> 32) as u32,
        (h >> 16) as u16,
        (h & 0xfff) as u16,
        0x8000 | ((lo >> 48) as u16 & 0x3fff),
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_uuid(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
            && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
    }

    #[test]
    fn ids_are_uuids_or_numeric_user_ids() {
        let e = Entity::new();
        let id = value("Poll", "id", &Shape::String, 0, &e).unwrap();
        assert!(is_uuid(id.as_str().unwrap()), "{id}");
        assert_ne!(id, value("Poll", "id", &Shape::String, 1, &e).unwrap(), "each item its own id");
        assert_ne!(id, value("Prediction", "id", &Shape::String, 0, &e).unwrap());
        assert_eq!(value("Ban", "moderator_id", &Shape::String, 2, &e), Some(json!("10003")));
    }

    #[test]
    fn the_specs_set_gives_its_first_real_value_unless_a_fresh_state_is_named() {
        static SET: FieldMeta = FieldMeta::new("broadcaster_type", Shape::String).values(&["", "affiliate", "partner"]);
        assert_eq!(from_spec_set("User", &SET), Some(json!("affiliate")));
        static LIST: FieldMeta =
            FieldMeta::new("kinds", Shape::Optional(&Shape::List(&Shape::String))).values(&["a", "b"]);
        assert_eq!(from_spec_set("Thing", &LIST), Some(json!(["a"])));
        static POLL: FieldMeta = FieldMeta::new("status", Shape::String).values(&["COMPLETED", "ACTIVE"]);
        assert_eq!(from_spec_set("Poll", &POLL), None, "CLOSED_SETS names a fresh poll's state");
        assert_eq!(from_spec_set("Thing", &FieldMeta::new("free", Shape::String)), None);
    }

    #[test]
    fn closed_sets_give_a_documented_value() {
        let e = Entity::new();
        assert_eq!(value("Poll", "status", &Shape::String, 3, &e), Some(json!("ACTIVE")));
        assert_eq!(value("EventSubSubscription", "status", &Shape::String, 0, &e), Some(json!("enabled")));
        assert_eq!(value("PredictionOutcome", "color", &Shape::String, 1, &e), Some(json!("PINK")));
        assert_eq!(value("Thing", "title", &Shape::String, 0, &e), None, "free text stays generic");
    }

    #[test]
    fn urls_and_times_look_like_twitchs() {
        let e: Entity = json!({"broadcaster_login": "shroud"}).as_object().cloned().unwrap_or_default();
        assert_eq!(value("Clip", "url", &Shape::String, 0, &e), Some(json!("https://www.twitch.tv/shroud")));
        let thumb = value("Clip", "thumbnail_url", &Shape::String, 0, &e).unwrap();
        assert!(thumb.as_str().unwrap().starts_with("https://static-cdn.jtvnw.net/"), "{thumb}");
        assert_eq!(value("Poll", "ended_at", &Shape::Optional(&Shape::DateTime), 0, &e), Some(Value::Null));
        assert_eq!(value("Ban", "expires_at", &Shape::DateTime, 0, &e), Some(json!(SYNTHETIC_END)));
        assert!(SYNTHETIC_START < SYNTHETIC_END);
        assert_eq!(value("SentChatMessage", "is_sent", &Shape::Boolean, 0, &e), Some(json!(true)));
    }
}
