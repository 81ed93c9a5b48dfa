//! Twitch sends `null` for fields its reference calls always present (an
//! unban request's moderator while it is pending, a team without a
//! thumbnail, a schedule's segments during a vacation). One such field must
//! not fail a whole page: the generated answer types decode `null` exactly as
//! they decode a missing field, to the field's default.

use serde::{Deserialize, Deserializer};

/// `null` (or a value) for a field that is not `Option`: `null` gives `T::default()`.
pub fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default)]
    struct Team {
        #[serde(deserialize_with = "super::or_default")]
        thumbnail_url: String,
        #[serde(deserialize_with = "super::or_default")]
        users: Vec<String>,
        #[serde(deserialize_with = "super::or_default")]
        count: i64,
    }

    #[test]
    fn null_decodes_like_a_missing_field() {
        let nulls: Team = serde_json::from_str(r#"{"thumbnail_url": null, "users": null, "count": null}"#).unwrap();
        assert_eq!(nulls, Team::default());
        let missing: Team = serde_json::from_str("{}").unwrap();
        assert_eq!(missing, Team::default());
        let set: Team = serde_json::from_str(r#"{"thumbnail_url": "x", "users": ["a"], "count": 2}"#).unwrap();
        assert_eq!(set, Team { thumbnail_url: "x".into(), users: vec!["a".into()], count: 2 });
        // A value of the wrong type is still an error, not silently dropped.
        assert!(serde_json::from_str::<Team>(r#"{"count": "two"}"#).is_err());
    }
}
