//! A collection an endpoint answers from, whether its items are stored
//! (games, computed follows, hand-made test data) or derived from their
//! position (users, channels, streams: records.rs). Selection reads single
//! fields; only the items of the answered page are made whole.

use std::borrow::Cow;

use serde_json::Value;

use crate::entity::Entity;
use crate::records::{Kind, Records};

/// The items of one collection.
#[derive(Debug, Clone, Copy)]
pub enum Items<'a> {
    /// Items kept as JSON maps.
    Stored(&'a [Entity]),
    /// Items made on demand.
    Derived(&'a Records, Kind),
}

impl<'a> From<&'a [Entity]> for Items<'a> {
    fn from(items: &'a [Entity]) -> Self {
        Items::Stored(items)
    }
}

impl<'a> From<&'a Vec<Entity>> for Items<'a> {
    fn from(items: &'a Vec<Entity>) -> Self {
        Items::Stored(items)
    }
}

impl<'a> Items<'a> {
    pub fn len(self) -> usize {
        match self {
            Items::Stored(items) => items.len(),
            Items::Derived(records, kind) => records.len(kind),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Item `i`, whole.
    pub fn get(self, i: usize) -> Option<Cow<'a, Entity>> {
        match self {
            Items::Stored(items) => items.get(i).map(Cow::Borrowed),
            Items::Derived(records, kind) => records.item(kind, i),
        }
    }

    /// One field of item `i`.
    pub fn field(self, i: usize, name: &str) -> Option<Cow<'a, Value>> {
        match self {
            Items::Stored(items) => items.get(i)?.get(name).map(Cow::Borrowed),
            Items::Derived(records, kind) => records.field(kind, i, name),
        }
    }

    /// The position of the first item whose string `field` is `value`
    /// (exactly, or ignoring ASCII case).
    pub fn position(self, field: &str, value: &str, ignore_case: bool) -> Option<usize> {
        match self {
            Items::Derived(records, kind) => records.position(kind, field, value, ignore_case),
            Items::Stored(items) => items.iter().position(|e| {
                e.get(field).and_then(Value::as_str).is_some_and(|have| {
                    if ignore_case {
                        have.eq_ignore_ascii_case(value)
                    } else {
                        have == value
                    }
                })
            }),
        }
    }

    /// Every item, whole, in order.
    pub fn iter(self) -> impl Iterator<Item = Cow<'a, Entity>> + Clone + 'a {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_and_derived_items_answer_alike() {
        let stored: Vec<Entity> =
            [json!({"login": "Ninja"}), json!({"login": "x"})].iter().filter_map(|v| v.as_object().cloned()).collect();
        let items = Items::from(&stored);
        assert_eq!((items.len(), items.position("login", "ninja", true)), (2, Some(0)));
        assert_eq!(items.position("login", "ninja", false), None);
        assert_eq!(items.field(1, "login").as_deref(), Some(&json!("x")));
        let records = Records::new(3, 1, 0);
        let users = Items::Derived(&records, Kind::Users);
        assert_eq!(users.iter().count(), 3);
        assert_eq!(users.position("login", "Shroud", true), Some(2));
        assert_eq!(users.get(2).map(|u| u["id"].clone()), Some(json!("10003")));
    }
}
