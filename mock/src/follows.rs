//! The data set's follows, computed rather than stored: user `i` follows the
//! next `per_user` users (wrapping around), the closest most recently. Kept
//! as JSON maps, the 2,000,000 follows of 100,000 users took gigabytes; a
//! request only ever needs the follows of a few users or channels.

use serde_json::{json, Value};

use crate::entity::{str_field, Entity};
use crate::items::Items;

/// Who follows whom, as a rule over the users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Follows {
    users: usize,
    per_user: usize,
}

impl Follows {
    pub fn new(users: usize, per_user: usize) -> Follows {
        Follows { users, per_user: per_user.min(users.saturating_sub(1)) }
    }

    /// How many follows there are in all.
    pub fn len(&self) -> usize {
        self.users * self.per_user
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The follow at `position`: follower `position / per_user`, following
    /// its `position % per_user + 1`-th neighbour.
    pub fn get(&self, users: Items<'_>, position: usize) -> Option<Entity> {
        let (i, k) = (position / self.per_user.max(1), position % self.per_user.max(1) + 1);
        let followed = (i + k) % self.users.max(1);
        if i >= users.len() || followed >= users.len() {
            return None;
        }
        let follow = json!({
            "user_id": users.field(i, "id"),
            "user_login": users.field(i, "login"),
            "user_name": users.field(i, "display_name"),
            "broadcaster_id": users.field(followed, "id"),
            "broadcaster_login": users.field(followed, "login"),
            "broadcaster_name": users.field(followed, "display_name"),
            // Closer neighbours were followed more recently.
            "followed_at": format!("2023-{:02}-{:02}T12:00:00Z", 12 - (k - 1) % 12, 1 + i % 28),
        });
        match follow {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The follows of these followers, or else of these channels (user ids),
    /// else all of them, in data order.
    pub fn matching(&self, users: Items<'_>, followers: &[&str], channels: &[&str]) -> Vec<Entity> {
        let index_of = |id: &&str| users.position("id", id, false);
        let per = self.per_user;
        let mut positions: Vec<usize> = if !followers.is_empty() {
            followers.iter().filter_map(index_of).flat_map(|i| i * per..(i + 1) * per).collect()
        } else if !channels.is_empty() {
            let n = self.users;
            let followers_of = |j: usize| (1..=per).map(move |k| ((j + n - k) % n) * per + (k - 1));
            channels.iter().filter_map(index_of).flat_map(followers_of).collect()
        } else {
            (0..self.len()).collect()
        };
        positions.sort_unstable();
        positions.dedup();
        positions.into_iter().filter_map(|p| self.get(users, p)).collect()
    }

    /// The ids of the channels any of `followers` follows.
    pub fn followed_ids(&self, users: Items<'_>, followers: &[&str]) -> Vec<String> {
        let follows = self.matching(users, followers, &[]);
        follows.iter().filter_map(|f| str_field(f, "broadcaster_id").map(str::to_owned)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(n: usize) -> Vec<Entity> {
        (0..n)
            .map(|i| {
                let v =
                    json!({"id": (10001 + i).to_string(), "login": format!("u{i}"), "display_name": format!("U{i}")});
                v.as_object().cloned().unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn each_user_follows_the_next_ones_and_nothing_is_stored() {
        let u = users(30);
        let u = Items::from(&u);
        let f = Follows::new(30, 4);
        assert_eq!(f.len(), 120);
        assert_eq!(std::mem::size_of::<Follows>(), 2 * std::mem::size_of::<usize>(), "no per-follow storage");
        let first = f.get(u, 0).unwrap_or_default();
        assert_eq!((first["user_login"].as_str(), first["broadcaster_login"].as_str()), (Some("u0"), Some("u1")));
        // The last user wraps around to the first.
        assert_eq!(f.get(u, 29 * 4).unwrap_or_default()["broadcaster_login"], json!("u0"));
        assert_eq!(f.followed_ids(u, &["10001"]), ["10002", "10003", "10004", "10005"]);
        let followers: Vec<String> = f
            .matching(u, &[], &["10001"])
            .iter()
            .filter_map(|e| str_field(e, "user_login").map(str::to_owned))
            .collect();
        assert_eq!(followers, ["u26", "u27", "u28", "u29"]);
        assert_eq!(Follows::new(1, 20).len(), 0, "a lone user follows no one");
    }
}
