//! The item type of every data-set collection: a plain JSON map, so any
//! response type can pick its fields by name.

use serde_json::{Map, Value};

/// One item of a collection.
pub type Entity = Map<String, Value>;

/// A string field of an entity.
pub fn str_field<'a>(e: &'a Entity, name: &str) -> Option<&'a str> {
    e.get(name).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn str_field_reads_strings_only() {
        let e: Entity = json!({"id": "10001", "n": 3, "none": null}).as_object().cloned().unwrap_or_default();
        assert_eq!(str_field(&e, "id"), Some("10001"));
        assert_eq!(str_field(&e, "n"), None, "a number is not a string field");
        assert_eq!(str_field(&e, "none"), None);
        assert_eq!(str_field(&e, "absent"), None);
    }
}
