//! The users, channels and streams of the data set, derived from their
//! position rather than stored: user `i`'s login, names, URLs and dates are
//! functions of `i` (as the follows are, follows.rs). Stored as JSON maps,
//! 100,000 users with their channels and streams took 0.86 GB before the mock
//! listened; now only the items a PATCH changed are kept (whole, as JSON
//! maps), plus the positions of the live channels in stream order.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{json, Value};

use crate::entity::Entity;

/// The first users, so tests and demos can name real-looking channels.
pub const WELL_KNOWN_LOGINS: [&str; 10] =
    ["ninja", "pokimane", "shroud", "xqc", "summit1g", "lirik", "sodapoppin", "timthetatman", "asmongold", "arcomage"];

const WELL_KNOWN_DISPLAY_NAMES: [&str; 10] =
    ["Ninja", "pokimane", "shroud", "xQc", "summit1g", "LIRIK", "sodapoppin", "TimTheTatman", "Asmongold", "Arcomage"];

/// The game each well-known channel plays (index into [`WELL_KNOWN_GAMES`]).
const WELL_KNOWN_FAVOURITES: [usize; 10] = [2, 0, 5, 3, 4, 7, 7, 8, 7, 12];

/// The first games, in "top games" order.
pub const WELL_KNOWN_GAMES: [&str; 13] = [
    "Just Chatting",
    "League of Legends",
    "Fortnite",
    "Grand Theft Auto V",
    "Counter-Strike",
    "VALORANT",
    "Minecraft",
    "World of Warcraft",
    "Dota 2",
    "Apex Legends",
    "Call of Duty: Warzone",
    "Hearthstone",
    "Arcomage",
];

/// Ids of users and games start here, like Twitch's numeric string ids.
const FIRST_USER_ID: usize = 10001;
const FIRST_GAME_ID: usize = 1000;

/// Image URLs point at Twitch's CDN layout; nothing fetches them.
const CDN: &str = "https://static-cdn.jtvnw.net";

/// A user's fields, in the order items list them.
const USER_FIELDS: &[&str] = &[
    "id",
    "login",
    "display_name",
    "type",
    "broadcaster_type",
    "description",
    "profile_image_url",
    "offline_image_url",
    "view_count",
    "email",
    "created_at",
];

/// A channel's fields. Channels carry several spellings of one value (`id`,
/// `user_id`, `broadcaster_id`) because Helix types name them differently;
/// `_index` keeps the position for derived values (viewer counts).
const CHANNEL_FIELDS: &[&str] = &[
    "broadcaster_id",
    "id",
    "user_id",
    "broadcaster_login",
    "login",
    "user_login",
    "broadcaster_name",
    "display_name",
    "user_name",
    "broadcaster_language",
    "language",
    "game_id",
    "game_name",
    "title",
    "tags",
    "is_live",
    "started_at",
    "delay",
    "thumbnail_url",
    "content_classification_labels",
    "is_branded_content",
    "_index",
];

/// What a stream has besides (or instead of) its channel's fields.
const STREAM_FIELDS: &[&str] = &["id", "type", "viewer_count", "is_mature", "tag_ids", "thumbnail_url"];

/// Which derived collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Users,
    Channels,
    /// Live channels only, busiest first.
    Streams,
}

/// The derived collections of one data set.
#[derive(Debug, Clone)]
pub struct Records {
    users: usize,
    games: usize,
    live_every: usize,
    /// Users and channels a PATCH changed, whole, by position.
    changed_users: HashMap<usize, Entity>,
    changed_channels: HashMap<usize, Entity>,
    /// Positions of the live channels, busiest first (the streams).
    live: Vec<u32>,
}

impl Records {
    /// `users` users and channels; channels play one of `games` games, and
    /// every `live_every`-th is live.
    pub fn new(users: usize, games: usize, live_every: usize) -> Records {
        let mut records = Records {
            users,
            games,
            live_every,
            changed_users: HashMap::new(),
            changed_channels: HashMap::new(),
            live: Vec::new(),
        };
        records.refresh_streams();
        records
    }

    /// How many items the collection has.
    pub fn len(&self, kind: Kind) -> usize {
        match kind {
            Kind::Users | Kind::Channels => self.users,
            Kind::Streams => self.live.len(),
        }
    }

    /// How many items are kept whole (changed by a PATCH); the rest take no memory.
    pub fn stored_items(&self) -> usize {
        self.changed_users.len() + self.changed_channels.len()
    }

    /// Item `i` of the collection, as a JSON map.
    pub fn item(&self, kind: Kind, i: usize) -> Option<Cow<'_, Entity>> {
        if i >= self.len(kind) {
            return None;
        }
        match kind {
            Kind::Users => Some(match self.changed_users.get(&i) {
                Some(e) => Cow::Borrowed(e),
                None => Cow::Owned(collect(USER_FIELDS, |name| user_field(i, name))),
            }),
            Kind::Channels => Some(match self.changed_channels.get(&i) {
                Some(e) => Cow::Borrowed(e),
                None => Cow::Owned(collect(CHANNEL_FIELDS, |name| self.channel_field(i, name))),
            }),
            Kind::Streams => {
                let channel = self.item(Kind::Channels, self.channel_of_stream(i)?)?;
                Some(Cow::Owned(stream(&channel)))
            }
        }
    }

    /// One field of item `i`, without making the whole item.
    pub fn field(&self, kind: Kind, i: usize, name: &str) -> Option<Cow<'_, Value>> {
        if i >= self.len(kind) {
            return None;
        }
        match kind {
            Kind::Users => match self.changed_users.get(&i) {
                Some(e) => e.get(name).map(Cow::Borrowed),
                None => user_field(i, name).map(Cow::Owned),
            },
            Kind::Channels => match self.changed_channels.get(&i) {
                Some(e) => e.get(name).map(Cow::Borrowed),
                None => self.channel_field(i, name).map(Cow::Owned),
            },
            Kind::Streams => {
                let c = self.channel_of_stream(i)?;
                if self.changed_channels.contains_key(&c) || STREAM_FIELDS.contains(&name) {
                    return self.item(kind, i).and_then(|s| s.get(name).cloned()).map(Cow::Owned);
                }
                self.channel_field(c, name).map(Cow::Owned)
            }
        }
    }

    /// The position of the item whose `field` is `value` (exactly, or
    /// ignoring ASCII case): derived items are looked up by computing where
    /// the value would be, then checked; a changed item is found by a scan.
    pub fn position(&self, kind: Kind, field: &str, value: &str, ignore_case: bool) -> Option<usize> {
        let is = |i: usize| {
            self.field(kind, i, field).as_deref().and_then(Value::as_str).is_some_and(|have| {
                if ignore_case {
                    have.eq_ignore_ascii_case(value)
                } else {
                    have == value
                }
            })
        };
        if kind != Kind::Streams {
            if let Some(i) = guess_position(field, value).filter(|&i| is(i)) {
                return Some(i);
            }
        }
        (0..self.len(kind)).find(|&i| is(i))
    }

    /// Changes item `i` of users or channels (streams follow their channels).
    pub fn change(&mut self, kind: Kind, i: usize, change: impl FnOnce(&mut Entity)) {
        let Some(item) = self.item(kind, i).map(Cow::into_owned) else {
            return;
        };
        let changed = match kind {
            Kind::Users => &mut self.changed_users,
            Kind::Channels => &mut self.changed_channels,
            Kind::Streams => return,
        };
        change(changed.entry(i).or_insert(item));
        if kind == Kind::Channels {
            self.refresh_streams();
        }
    }

    /// Recomputes which channels are live, busiest first.
    fn refresh_streams(&mut self) {
        let is_live = |i: usize| self.field(Kind::Channels, i, "is_live").as_deref() == Some(&Value::Bool(true));
        let mut live: Vec<u32> = (0..self.users).filter(|&i| is_live(i)).map(|i| i as u32).collect();
        live.sort_by_key(|&i| std::cmp::Reverse(viewer_count(i as usize)));
        self.live = live;
    }

    fn channel_of_stream(&self, i: usize) -> Option<usize> {
        self.live.get(i).map(|&c| c as usize)
    }

    fn channel_field(&self, i: usize, name: &str) -> Option<Value> {
        let login = || login_of(i);
        // The channel plays its favourite game (none when there are no games).
        let game = |name: fn(usize) -> String| match self.games {
            0 => String::new(),
            n => name(WELL_KNOWN_FAVOURITES.get(i).copied().unwrap_or(i) % n),
        };
        let value = match name {
            "broadcaster_id" | "id" | "user_id" => json!(user_id(i)),
            "broadcaster_login" | "login" | "user_login" => json!(login()),
            "broadcaster_name" | "display_name" | "user_name" => json!(display_name_of(i)),
            "broadcaster_language" | "language" => json!("en"),
            "game_id" => json!(game(game_id)),
            "game_name" => json!(game(game_name)),
            "title" => json!(format!("{} streams {}", login(), game(game_name))),
            "tags" => json!(["English"]),
            "is_live" => json!(self.is_live(i)),
            "started_at" => json!(self.started_at(i)),
            "delay" => json!(0),
            "thumbnail_url" => json!(profile_image(&login())),
            "content_classification_labels" => json!([]),
            "is_branded_content" => json!(false),
            "_index" => json!(i),
            _ => return None,
        };
        Some(value)
    }

    fn is_live(&self, i: usize) -> bool {
        // Tests rely on ninja being live and pokimane offline whatever live_every says.
        match i {
            0 => true,
            1 => false,
            _ => self.live_every > 0 && i.is_multiple_of(self.live_every),
        }
    }

    fn started_at(&self, i: usize) -> String {
        if self.is_live(i) {
            format!("2024-05-{:02}T{:02}:{:02}:00Z", 1 + i % 28, i % 24, (i * 7) % 60)
        } else {
            // Twitch sends an empty string for channels that are not live.
            String::new()
        }
    }
}

/// Game `i` of the data set (games are few, so they are stored).
pub fn game(i: usize) -> Entity {
    let id = game_id(i);
    into_entity(json!({
        "id": id,
        "name": game_name(i),
        "box_art_url": format!("{CDN}/ttv-boxart/{id}-{{width}}x{{height}}.jpg"),
        "igdb_id": (20000 + i * 7).to_string(),
    }))
}

pub fn into_entity(v: Value) -> Entity {
    match v {
        Value::Object(m) => m,
        _ => Entity::new(),
    }
}

fn collect(fields: &[&str], value: impl Fn(&str) -> Option<Value>) -> Entity {
    fields.iter().filter_map(|name| Some((name.to_string(), value(name)?))).collect()
}

/// Where an id or login would be if its item is unchanged.
fn guess_position(field: &str, value: &str) -> Option<usize> {
    let by_login = || {
        let lower = value.to_ascii_lowercase();
        WELL_KNOWN_LOGINS.iter().position(|l| *l == lower).or_else(|| lower.strip_prefix("user")?.parse().ok())
    };
    match field {
        "id" | "user_id" | "broadcaster_id" => value.parse::<usize>().ok()?.checked_sub(FIRST_USER_ID),
        "login" | "user_login" | "broadcaster_login" => by_login(),
        _ => None,
    }
}

fn user_id(i: usize) -> String {
    (FIRST_USER_ID + i).to_string()
}

fn login_of(i: usize) -> String {
    match WELL_KNOWN_LOGINS.get(i) {
        Some(l) => l.to_string(),
        None => format!("user{i:04}"),
    }
}

fn display_name_of(i: usize) -> String {
    match WELL_KNOWN_DISPLAY_NAMES.get(i) {
        Some(n) => n.to_string(),
        None => format!("User{i:04}"),
    }
}

fn game_id(i: usize) -> String {
    (FIRST_GAME_ID + i).to_string()
}

fn game_name(i: usize) -> String {
    match WELL_KNOWN_GAMES.get(i) {
        Some(n) => n.to_string(),
        None => format!("Game {i:04}"),
    }
}

fn profile_image(login: &str) -> String {
    format!("{CDN}/jtv_user_pictures/{login}-profile_image-300x300.png")
}

fn user_field(i: usize, name: &str) -> Option<Value> {
    let value = match name {
        "id" => json!(user_id(i)),
        "login" => json!(login_of(i)),
        "display_name" => json!(display_name_of(i)),
        "type" | "offline_image_url" => json!(""),
        "broadcaster_type" => json!(if i < WELL_KNOWN_LOGINS.len() {
            "partner"
        } else if i.is_multiple_of(5) {
            "affiliate"
        } else {
            ""
        }),
        "description" => json!(format!("The mock channel of {}.", display_name_of(i))),
        "profile_image_url" => json!(profile_image(&login_of(i))),
        "view_count" => json!(0),
        "email" => json!(format!("{}@example.com", login_of(i))),
        "created_at" => json!(format!("{}-{:02}-{:02}T10:00:00Z", 2011 + i % 12, 1 + i % 12, 1 + i % 28)),
        _ => return None,
    };
    Some(value)
}

fn viewer_count(i: usize) -> usize {
    100_000 / (i + 1) + (i * 37) % 100
}

/// A live channel's stream: the channel's fields and the stream's own.
fn stream(channel: &Entity) -> Entity {
    let mut s = channel.clone();
    let i = channel.get("_index").and_then(Value::as_u64).unwrap_or(0) as usize;
    let text = |k: &str| channel.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (user_id, login) = (text("user_id"), text("user_login"));
    s.insert("id".into(), json!(format!("4{user_id}")));
    s.insert("type".into(), json!("live"));
    s.insert("viewer_count".into(), json!(viewer_count(i)));
    s.insert("is_mature".into(), json!(false));
    s.insert("tag_ids".into(), json!([]));
    s.insert("thumbnail_url".into(), json!(format!("{CDN}/previews-ttv/live_user_{login}-{{width}}x{{height}}.jpg")));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_the_items_fields_and_nothing_is_stored() {
        let r = Records::new(30, 5, 3);
        assert_eq!(r.stored_items(), 0, "derived, not stored");
        for kind in [Kind::Users, Kind::Channels, Kind::Streams] {
            for i in 0..r.len(kind) {
                let item = r.item(kind, i).expect("in range");
                for (name, value) in item.iter() {
                    assert_eq!(r.field(kind, i, name).as_deref(), Some(value), "{kind:?} {i} {name}");
                }
                assert_eq!(r.field(kind, i, "no_such_field"), None);
            }
            assert!(r.item(kind, r.len(kind)).is_none());
        }
    }

    #[test]
    fn ids_and_logins_are_found_where_they_are_and_changes_are_kept() {
        let mut r = Records::new(30, 5, 3);
        assert_eq!(r.position(Kind::Users, "login", "XQC", true), Some(3));
        assert_eq!(r.position(Kind::Users, "login", "user0012", false), Some(12));
        assert_eq!(r.position(Kind::Channels, "broadcaster_id", "10030", false), Some(29));
        assert_eq!(r.position(Kind::Users, "id", "10031", false), None);
        assert_eq!(r.position(Kind::Users, "login", "XQC", false), None);
        r.change(Kind::Users, 12, |u| {
            u.insert("login".into(), json!("renamed"));
        });
        assert_eq!(r.stored_items(), 1);
        assert_eq!(r.position(Kind::Users, "login", "renamed", false), Some(12));
        assert_eq!(r.position(Kind::Users, "login", "user0012", false), None);
        assert_eq!(r.field(Kind::Users, 12, "id").as_deref(), Some(&json!("10013")));
    }

    #[test]
    fn a_changed_channel_changes_its_stream() {
        let mut r = Records::new(30, 5, 3);
        r.change(Kind::Channels, 0, |c| {
            c.insert("title".into(), json!("new"));
        });
        let s = (0..r.len(Kind::Streams))
            .find(|&s| r.field(Kind::Streams, s, "user_login").as_deref() == Some(&json!("ninja")));
        let s = s.expect("ninja is live");
        assert_eq!(r.field(Kind::Streams, s, "title").as_deref(), Some(&json!("new")));
        assert_eq!(r.item(Kind::Streams, s).map(|e| e["title"].clone()), Some(json!("new")));
        assert_eq!(r.field(Kind::Streams, s, "type").as_deref(), Some(&json!("live")));
    }
}
