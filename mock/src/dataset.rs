//! The deterministic data set the mock answers from: users, their channels,
//! the live streams, games and follows. Items are plain JSON maps so any
//! response type can pick its fields by name; channels and streams carry
//! several spellings of the same field (`id`, `user_id`, `broadcaster_id`)
//! because different Helix types name them differently.

use serde_json::{json, Value};

use crate::config::MockConfig;
use crate::entity::{str_field, Entity};
use crate::follows::Follows;

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

/// Channel fields that are one value under several names; a change to one
/// spelling must reach all of them.
const CHANNEL_ALIASES: [&[&str]; 4] = [
    &["broadcaster_id", "id", "user_id"],
    &["broadcaster_login", "login", "user_login"],
    &["broadcaster_name", "display_name", "user_name"],
    &["broadcaster_language", "language"],
];

/// All collections, built once from a [`MockConfig`].
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Every user the mock knows (`config.users` of them).
    pub users: Vec<Entity>,
    /// One channel per user, in the same order.
    pub channels: Vec<Entity>,
    /// Live channels only, busiest first; derived from `channels`.
    pub streams: Vec<Entity>,
    /// The games and categories (`config.games` of them) channels are set to.
    pub games: Vec<Entity>,
    /// Who follows which channel, computed on demand (follows.rs): storing
    /// `config.follows_per_user` rows per user took gigabytes.
    pub follows: Follows,
    /// Lookup tables for `eq` filters, built on first use (index.rs).
    pub index: crate::index::IndexCache,
}

impl Dataset {
    /// Builds the data set `config` describes; the same config gives the same data.
    pub fn build(config: &MockConfig) -> Dataset {
        let games: Vec<Entity> = (0..config.games).map(game).collect();
        let users: Vec<Entity> = (0..config.users).map(user).collect();
        let channels = users.iter().enumerate().map(|(i, u)| channel(i, u, &games, config.live_every)).collect();
        let follows = Follows::new(users.len(), config.follows_per_user);
        let mut data = Dataset { users, channels, streams: Vec::new(), games, follows, index: Default::default() };
        data.refresh_streams();
        data
    }

    /// A stored collection by the name endpoints.yaml uses in `mock.source`
    /// (follows are computed: see [`Dataset::follows_of`]).
    pub fn collection(&self, name: &str) -> Option<&[Entity]> {
        match name {
            "users" => Some(&self.users),
            "channels" => Some(&self.channels),
            "streams" => Some(&self.streams),
            "games" => Some(&self.games),
            _ => None,
        }
    }

    /// The follows of these followers, or else of these channels (user ids).
    pub fn follows_of(&self, followers: &[&str], channels: &[&str]) -> Vec<Entity> {
        self.follows.matching(&self.users, followers, channels)
    }

    /// The user with this login, if there is one.
    pub fn user_by_login(&self, login: &str) -> Option<&Entity> {
        self.users.iter().find(|u| str_field(u, "login").is_some_and(|l| l.eq_ignore_ascii_case(login)))
    }

    /// The user with this id, if there is one.
    pub fn user_by_id(&self, id: &str) -> Option<&Entity> {
        self.users.iter().find(|u| str_field(u, "id") == Some(id))
    }

    /// The channel of a broadcaster id.
    pub fn channel(&self, id: &str) -> Option<&Entity> {
        self.channels.iter().find(|c| str_field(c, "broadcaster_id") == Some(id))
    }

    /// Applies a PATCH body to items of a collection (by index). Only fields the
    /// item already has are changed, so a request cannot invent new ones.
    pub fn patch(&mut self, source: &str, indices: &[usize], body: &Entity) {
        self.index.clear();
        let is_channels = source == "channels";
        let games = self.games.clone();
        let items = match source {
            "users" => &mut self.users,
            "channels" => &mut self.channels,
            "games" => &mut self.games,
            // Streams are derived from channels (patch those instead); follows are computed.
            _ => return,
        };
        for &i in indices {
            if let Some(item) = items.get_mut(i) {
                patch_entity(item, body, &games);
            }
        }
        if is_channels {
            self.refresh_streams();
        }
    }

    /// Rebuilds the streams from the live channels.
    fn refresh_streams(&mut self) {
        let mut streams: Vec<Entity> =
            self.channels.iter().filter(|c| c.get("is_live") == Some(&Value::Bool(true))).map(stream).collect();
        streams.sort_by_key(|s| std::cmp::Reverse(s.get("viewer_count").and_then(Value::as_i64).unwrap_or(0)));
        self.streams = streams;
    }
}

fn into_entity(v: Value) -> Entity {
    match v {
        Value::Object(m) => m,
        _ => Entity::new(),
    }
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

/// Image URLs point at Twitch's CDN layout; nothing fetches them.
const CDN: &str = "https://static-cdn.jtvnw.net";

fn profile_image(login: &str) -> String {
    format!("{CDN}/jtv_user_pictures/{login}-profile_image-300x300.png")
}

fn user(i: usize) -> Entity {
    let login = login_of(i);
    let display_name = display_name_of(i);
    let broadcaster_type = if i < WELL_KNOWN_LOGINS.len() {
        "partner"
    } else if i.is_multiple_of(5) {
        "affiliate"
    } else {
        ""
    };
    into_entity(json!({
        "id": (FIRST_USER_ID + i).to_string(),
        "login": login,
        "display_name": display_name,
        "type": "",
        "broadcaster_type": broadcaster_type,
        "description": format!("The mock channel of {display_name}."),
        "profile_image_url": profile_image(&login),
        "offline_image_url": "",
        "view_count": 0,
        "email": format!("{login}@example.com"),
        "created_at": format!("{}-{:02}-{:02}T10:00:00Z", 2011 + i % 12, 1 + i % 12, 1 + i % 28),
    }))
}

fn game(i: usize) -> Entity {
    let id = (FIRST_GAME_ID + i).to_string();
    let name = match WELL_KNOWN_GAMES.get(i) {
        Some(n) => n.to_string(),
        None => format!("Game {i:04}"),
    };
    into_entity(json!({
        "id": id,
        "name": name,
        "box_art_url": format!("{CDN}/ttv-boxart/{id}-{{width}}x{{height}}.jpg"),
        "igdb_id": (20000 + i * 7).to_string(),
    }))
}

fn channel(i: usize, user: &Entity, games: &[Entity], live_every: usize) -> Entity {
    let login = login_of(i);
    let id = str_field(user, "id").unwrap_or_default().to_string();
    let name = str_field(user, "display_name").unwrap_or_default().to_string();
    let favourite = WELL_KNOWN_FAVOURITES.get(i).copied().unwrap_or(i);
    let (game_id, game_name) = match games.get(favourite % games.len().max(1)) {
        Some(g) => {
            (str_field(g, "id").unwrap_or_default().to_string(), str_field(g, "name").unwrap_or_default().to_string())
        }
        None => (String::new(), String::new()),
    };
    // Tests rely on ninja being live and pokimane offline whatever live_every says.
    let is_live = match login.as_str() {
        "ninja" => true,
        "pokimane" => false,
        _ => live_every > 0 && i.is_multiple_of(live_every),
    };
    let started_at = if is_live {
        format!("2024-05-{:02}T{:02}:{:02}:00Z", 1 + i % 28, i % 24, (i * 7) % 60)
    } else {
        // Twitch sends an empty string for channels that are not live.
        String::new()
    };
    let title = format!("{login} streams {game_name}");
    into_entity(json!({
        "broadcaster_id": id, "id": id, "user_id": id,
        "broadcaster_login": login, "login": login, "user_login": login,
        "broadcaster_name": name, "display_name": name, "user_name": name,
        "broadcaster_language": "en", "language": "en",
        "game_id": game_id,
        "game_name": game_name,
        "title": title,
        "tags": ["English"],
        "is_live": is_live,
        "started_at": started_at,
        "delay": 0,
        "thumbnail_url": profile_image(&login),
        "content_classification_labels": [],
        "is_branded_content": false,
        // Index kept for deterministic derived values (viewer counts).
        "_index": i,
    }))
}

fn stream(channel: &Entity) -> Entity {
    let mut s = channel.clone();
    let i = channel.get("_index").and_then(Value::as_u64).unwrap_or(0);
    let user_id = str_field(channel, "user_id").unwrap_or_default();
    let login = str_field(channel, "user_login").unwrap_or_default();
    s.insert("id".into(), json!(format!("4{user_id}")));
    s.insert("type".into(), json!("live"));
    s.insert("viewer_count".into(), json!(100_000 / (i + 1) + (i * 37) % 100));
    s.insert("is_mature".into(), json!(false));
    s.insert("tag_ids".into(), json!([]));
    s.insert("thumbnail_url".into(), json!(format!("{CDN}/previews-ttv/live_user_{login}-{{width}}x{{height}}.jpg")));
    s
}

fn patch_entity(item: &mut Entity, body: &Entity, games: &[Entity]) {
    for (key, value) in body {
        if key == "content_classification_labels" {
            patch_labels(item, value);
            continue;
        }
        if !item.contains_key(key) || !same_kind(&item[key], value) {
            continue;
        }
        let group = CHANNEL_ALIASES.iter().find(|g| g.contains(&key.as_str())).copied().unwrap_or(&[]);
        for alias in group {
            if item.contains_key(*alias) {
                item.insert(alias.to_string(), value.clone());
            }
        }
        item.insert(key.clone(), value.clone());
        // A new category id brings its name along.
        if key == "game_id" && item.contains_key("game_name") {
            let id = value.as_str().unwrap_or_default();
            let name = games
                .iter()
                .find(|g| str_field(g, "id") == Some(id))
                .and_then(|g| str_field(g, "name"))
                .unwrap_or_default();
            item.insert("game_name".into(), json!(name));
        }
    }
}

/// Modify Channel Information sends `[{id, is_enabled}]`; the channel keeps the enabled ids.
fn patch_labels(item: &mut Entity, value: &Value) {
    let Some(changes) = value.as_array() else {
        return;
    };
    let mut labels: Vec<Value> =
        item.get("content_classification_labels").and_then(Value::as_array).cloned().unwrap_or_default();
    for change in changes {
        let Some(id) = change.get("id").and_then(Value::as_str) else {
            continue;
        };
        labels.retain(|l| l.as_str() != Some(id));
        if change.get("is_enabled") == Some(&Value::Bool(true)) {
            labels.push(json!(id));
        }
    }
    item.insert("content_classification_labels".into(), Value::Array(labels));
}

/// Whether a new value may replace an old one (same JSON type).
fn same_kind(old: &Value, new: &Value) -> bool {
    std::mem::discriminant(old) == std::mem::discriminant(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Dataset {
        Dataset::build(&MockConfig {
            users: 30,
            games: 5,
            live_every: 3,
            follows_per_user: 4,
            routes: &[],
            ..MockConfig::default()
        })
    }

    #[test]
    fn well_known_users_come_first() {
        let d = small();
        assert_eq!(str_field(&d.users[0], "login"), Some("ninja"));
        assert_eq!(str_field(&d.users[0], "id"), Some("10001"));
        assert_eq!(str_field(&d.users[9], "login"), Some("arcomage"));
        assert_eq!(str_field(&d.users[10], "login"), Some("user0010"));
        assert_eq!(str_field(&d.users[10], "id"), Some("10011"));
        assert!(d.user_by_login("Shroud").is_some());
    }

    #[test]
    fn ninja_is_live_and_pokimane_is_not() {
        let d = Dataset::build(&MockConfig { users: 20, live_every: 0, routes: &[], ..MockConfig::default() });
        assert_eq!(d.channels[0]["is_live"], json!(true));
        assert_eq!(d.channels[1]["is_live"], json!(false));
        assert_eq!(d.streams.len(), 1);
        assert_eq!(str_field(&d.streams[0], "user_login"), Some("ninja"));
    }

    #[test]
    fn streams_are_live_channels_busiest_first() {
        let d = small();
        let live = d.channels.iter().filter(|c| c["is_live"] == json!(true)).count();
        assert_eq!(d.streams.len(), live);
        let counts: Vec<i64> = d.streams.iter().filter_map(|s| s["viewer_count"].as_i64()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]));
        assert_eq!(d.streams[0]["type"], json!("live"));
    }

    #[test]
    fn arcomage_title_names_the_channel() {
        let d = small();
        let title = d.channels[9]["title"].as_str().unwrap_or_default();
        assert!(title.contains("arcomage"), "{title}");
    }

    #[test]
    fn each_user_follows_the_next_ones() {
        let d = small();
        assert_eq!(d.follows.len(), 30 * 4);
        let first = d.follows.get(&d.users, 0).unwrap_or_default();
        assert_eq!(first["user_login"], json!("ninja"));
        assert_eq!(first["broadcaster_login"], json!("pokimane"));
        // The last user wraps around to the first.
        assert_eq!(d.follows.get(&d.users, 29 * 4).unwrap_or_default()["broadcaster_login"], json!("ninja"));
        assert_eq!(d.follows_of(&["10001"], &[]).len(), 4);
    }

    #[test]
    fn patching_a_channel_updates_aliases_game_name_and_stream() {
        let mut d = small();
        let body = into_entity(json!({
            "title": "new title",
            "game_id": "1001",
            "broadcaster_language": "de",
            "content_classification_labels": [{"id": "Gambling", "is_enabled": true}],
            "bogus": 1,
        }));
        d.patch("channels", &[0], &body);
        let c = &d.channels[0];
        assert_eq!(c["title"], json!("new title"));
        assert_eq!(c["game_name"], json!("League of Legends"));
        assert_eq!(c["language"], json!("de"));
        assert_eq!(c["content_classification_labels"], json!(["Gambling"]));
        assert!(!c.contains_key("bogus"));
        let s = d.streams.iter().find(|s| s["user_login"] == json!("ninja"));
        assert_eq!(s.map(|s| s["title"].clone()), Some(json!("new title")));
    }

    #[test]
    fn tiny_configs_do_not_panic() {
        let d = Dataset::build(&MockConfig {
            users: 1,
            games: 0,
            follows_per_user: 20,
            routes: &[],
            ..MockConfig::default()
        });
        assert!(d.follows.is_empty());
        assert_eq!(d.channels[0]["game_id"], json!(""));
    }
}
