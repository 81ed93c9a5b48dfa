//! The deterministic data set the mock answers from: users, their channels,
//! the live streams, games and follows. Users, channels and streams are
//! derived from their position (records.rs) and follows from a rule
//! (follows.rs), so a large data set costs almost no memory; any response
//! type picks an item's fields by name from its JSON map.

use std::borrow::Cow;

use serde_json::{json, Value};

use crate::config::MockConfig;
use crate::entity::{str_field, Entity};
use crate::follows::Follows;
use crate::items::Items;
use crate::records::{game, Kind, Records};

pub use crate::records::{WELL_KNOWN_GAMES, WELL_KNOWN_LOGINS};

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
    /// Every user the mock knows (`config.users` of them), one channel per
    /// user in the same order, and the live channels' streams, busiest first.
    records: Records,
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
        let records = Records::new(config.users, config.games, config.live_every);
        let follows = Follows::new(config.users, config.follows_per_user);
        Dataset { records, games, follows, index: Default::default() }
    }

    /// Every user.
    pub fn users(&self) -> Items<'_> {
        Items::Derived(&self.records, Kind::Users)
    }

    /// One channel per user, in the same order.
    pub fn channels(&self) -> Items<'_> {
        Items::Derived(&self.records, Kind::Channels)
    }

    /// Live channels only, busiest first.
    pub fn streams(&self) -> Items<'_> {
        Items::Derived(&self.records, Kind::Streams)
    }

    /// How many users and channels are kept whole in memory (those a PATCH
    /// changed); the others are derived when asked for.
    pub fn stored_items(&self) -> usize {
        self.records.stored_items()
    }

    /// A collection by the name endpoints.yaml uses in `mock.source`
    /// (follows are computed: see [`Dataset::follows_of`]).
    pub fn collection(&self, name: &str) -> Option<Items<'_>> {
        match name {
            "users" => Some(self.users()),
            "channels" => Some(self.channels()),
            "streams" => Some(self.streams()),
            "games" => Some(Items::Stored(&self.games)),
            _ => None,
        }
    }

    /// The follows of these followers, or else of these channels (user ids).
    pub fn follows_of(&self, followers: &[&str], channels: &[&str]) -> Vec<Entity> {
        self.follows.matching(self.users(), followers, channels)
    }

    /// The user with this login, if there is one.
    pub fn user_by_login(&self, login: &str) -> Option<Cow<'_, Entity>> {
        let users = self.users();
        users.get(users.position("login", login, true)?)
    }

    /// The user with this id, if there is one.
    pub fn user_by_id(&self, id: &str) -> Option<Cow<'_, Entity>> {
        let users = self.users();
        users.get(users.position("id", id, false)?)
    }

    /// The channel of a broadcaster id.
    pub fn channel(&self, id: &str) -> Option<Cow<'_, Entity>> {
        let channels = self.channels();
        channels.get(channels.position("broadcaster_id", id, false)?)
    }

    /// Applies a PATCH body to items of a collection (by index). Only fields the
    /// item already has are changed, so a request cannot invent new ones.
    pub fn patch(&mut self, source: &str, indices: &[usize], body: &Entity) {
        self.index.clear();
        let games = self.games.clone();
        let kind = match source {
            "users" => Kind::Users,
            "channels" => Kind::Channels,
            "games" => {
                for &i in indices {
                    if let Some(item) = self.games.get_mut(i) {
                        patch_entity(item, body, &games);
                    }
                }
                return;
            }
            // Streams are derived from channels (patch those instead); follows are computed.
            _ => return,
        };
        for &i in indices {
            self.records.change(kind, i, |item| patch_entity(item, body, &games));
        }
    }
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
    use crate::records::into_entity;

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
        assert_eq!(str_field(&d.users().get(0).unwrap_or_default(), "login"), Some("ninja"));
        assert_eq!(str_field(&d.users().get(0).unwrap_or_default(), "id"), Some("10001"));
        assert_eq!(str_field(&d.users().get(9).unwrap_or_default(), "login"), Some("arcomage"));
        assert_eq!(str_field(&d.users().get(10).unwrap_or_default(), "login"), Some("user0010"));
        assert_eq!(str_field(&d.users().get(10).unwrap_or_default(), "id"), Some("10011"));
        assert!(d.user_by_login("Shroud").is_some());
    }

    #[test]
    fn ninja_is_live_and_pokimane_is_not() {
        let d = Dataset::build(&MockConfig { users: 20, live_every: 0, routes: &[], ..MockConfig::default() });
        assert_eq!(d.channels().get(0).unwrap_or_default()["is_live"], json!(true));
        assert_eq!(d.channels().get(1).unwrap_or_default()["is_live"], json!(false));
        assert_eq!(d.streams().len(), 1);
        assert_eq!(str_field(&d.streams().get(0).unwrap_or_default(), "user_login"), Some("ninja"));
    }

    #[test]
    fn streams_are_live_channels_busiest_first() {
        let d = small();
        let live = d.channels().iter().filter(|c| c["is_live"] == json!(true)).count();
        assert_eq!(d.streams().len(), live);
        let counts: Vec<i64> = d.streams().iter().filter_map(|s| s["viewer_count"].as_i64()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]));
        assert_eq!(d.streams().get(0).unwrap_or_default()["type"], json!("live"));
    }

    #[test]
    fn arcomage_title_names_the_channel() {
        let d = small();
        let channel = d.channels().get(9).unwrap_or_default();
        let title = channel["title"].as_str().unwrap_or_default();
        assert!(title.contains("arcomage"), "{title}");
    }

    #[test]
    fn each_user_follows_the_next_ones() {
        let d = small();
        assert_eq!(d.follows.len(), 30 * 4);
        let first = d.follows.get(d.users(), 0).unwrap_or_default();
        assert_eq!(first["user_login"], json!("ninja"));
        assert_eq!(first["broadcaster_login"], json!("pokimane"));
        // The last user wraps around to the first.
        assert_eq!(d.follows.get(d.users(), 29 * 4).unwrap_or_default()["broadcaster_login"], json!("ninja"));
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
        let c = &d.channels().get(0).unwrap_or_default();
        assert_eq!(c["title"], json!("new title"));
        assert_eq!(c["game_name"], json!("League of Legends"));
        assert_eq!(c["language"], json!("de"));
        assert_eq!(c["content_classification_labels"], json!(["Gambling"]));
        assert!(!c.contains_key("bogus"));
        let s = d.streams().iter().find(|s| s["user_login"] == json!("ninja"));
        assert_eq!(s.map(|s| s["title"].clone()), Some(json!("new title")));
    }

    #[test]
    fn a_large_data_set_keeps_only_what_a_patch_changed() {
        let mut d = Dataset::build(&MockConfig { users: 100_000, routes: &[], ..MockConfig::default() });
        assert_eq!(d.stored_items(), 0, "users, channels and streams are derived");
        assert_eq!((d.users().len(), d.channels().len(), d.streams().len()), (100_000, 100_000, 33_334));
        assert_eq!(d.user_by_login("USER99999").map(|u| u["id"].clone()), Some(json!("110000")));
        assert_eq!(d.channel("110000").map(|c| c["broadcaster_login"].clone()), Some(json!("user99999")));
        d.patch("users", &[99_999], &into_entity(json!({"description": "changed"})));
        assert_eq!(d.stored_items(), 1);
        assert_eq!(d.user_by_id("110000").map(|u| u["description"].clone()), Some(json!("changed")));
        assert!(d.user_by_id("110001").is_none() && d.user_by_login("user100000").is_none());
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
        assert_eq!(d.channels().get(0).unwrap_or_default()["game_id"], json!(""));
    }
}
