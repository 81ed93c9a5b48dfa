//! The envelope Helix wraps answers in.

use serde::{Deserialize, Serialize};

/// One answer: `data`, and for paginated endpoints the cursor of the next page.
/// Top-level fields other than `data`, `pagination` and `total` are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: serde::de::DeserializeOwned", serialize = "T: Serialize"))]
#[non_exhaustive]
pub struct Response<T> {
    /// The items. Endpoints whose `data` is one object give a one-item list.
    #[serde(default = "Vec::new", deserialize_with = "one_or_many")]
    pub data: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "cursor_or_object")]
    /// Where the next page starts; absent on the last page and on unpaginated endpoints.
    pub pagination: Option<Pagination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The total count some endpoints report (e.g. followers), which may exceed `data`.
    pub total: Option<i64>,
    #[serde(flatten)]
    /// Top-level fields other than these three, kept so that new ones are not lost.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<T> Response<T> {
    /// The cursor for the next page, when there is one.
    pub fn cursor(&self) -> Option<&str> {
        self.pagination.as_ref().and_then(|p| p.cursor.as_deref()).filter(|c| !c.is_empty())
    }
}

/// `data` as a list, a single object, or null.
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    // A visitor rather than an untagged enum: items decode straight from the
    // input (no intermediate `Value`), and errors keep their path (`data[3].id`).
    struct Items<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::de::DeserializeOwned> serde::de::Visitor<'de> for Items<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of items or one item")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|item| vec![item])
        }
        fn visit_unit<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(Items(std::marker::PhantomData))
}

/// Most endpoints send `{"cursor": "..."}`; a few send the cursor string itself.
fn cursor_or_object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Pagination>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(cursor)) => Some(Pagination { cursor: Some(cursor) }),
        Some(serde_json::Value::Object(map)) => {
            Some(Pagination { cursor: map.get("cursor").and_then(|c| c.as_str()).map(str::to_owned) })
        }
        _ => None,
    })
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
/// The cursor part of a paginated answer.
pub struct Pagination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The opaque cursor to send as `after` for the next page; empty or absent at the end.
    pub cursor: Option<String>,
}

/// The item type of endpoints that answer 204 No Content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoContent {}

/// The last rate-limit figures Helix sent (`Ratelimit-*` headers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// How many points the bucket holds when full.
    pub limit: u32,
    /// How many points are left until `reset`.
    pub remaining: u32,
    /// Unix seconds when the bucket refills.
    pub reset: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Item {
        id: String,
    }

    fn decode(json: &str) -> Result<Response<Item>, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(&mut de).map_err(|e| format!("{} at {}", e.inner(), e.path()))
    }

    #[test]
    fn data_may_be_one_object_a_list_or_null() {
        assert_eq!(decode(r#"{"data": {"id": "1"}}"#).unwrap().data, vec![Item { id: "1".into() }]);
        assert_eq!(decode(r#"{"data": [{"id": "1"}, {"id": "2"}]}"#).unwrap().data.len(), 2);
        assert!(decode(r#"{"data": null}"#).unwrap().data.is_empty());
        assert!(decode(r#"{}"#).unwrap().data.is_empty());
    }

    #[test]
    fn cursors_come_as_an_object_or_a_bare_string() {
        assert_eq!(decode(r#"{"data": [], "pagination": {"cursor": "abc"}}"#).unwrap().cursor(), Some("abc"));
        assert_eq!(decode(r#"{"data": [], "pagination": "xyz"}"#).unwrap().cursor(), Some("xyz"));
        assert_eq!(decode(r#"{"data": [], "pagination": {}}"#).unwrap().cursor(), None);
    }

    #[test]
    fn decode_errors_name_the_item_and_field() {
        let err = decode(r#"{"data": [{"id": "1"}, {"id": 2}]}"#).unwrap_err();
        assert!(err.ends_with("at data[1].id"), "{err}");
    }

    #[test]
    fn unknown_top_level_fields_are_kept() {
        let r = decode(r#"{"data": [], "total": 7, "template": "t"}"#).unwrap();
        assert_eq!(r.total, Some(7));
        assert_eq!(r.extra.get("template").and_then(|v| v.as_str()), Some("t"));
    }
}
