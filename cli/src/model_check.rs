//! Every verb's answer is checked against the endpoint's typed model before it
//! is printed, so a wrongly typed item fails as the library would (exit 7,
//! with its JSON path, e.g. `data[3].id`) rather than print with exit 0.
//! What is printed on success is still the answer as Twitch sent it: its key
//! order and fields the model does not know are kept.

use serde::de::DeserializeOwned;
use serde_json::Value;
use ttv_helix::meta::{EndpointMeta, ResponseMeta};
use ttv_helix::Endpoint;

/// Whether `answer` decodes as `E`'s answer type (`Response<E::Item>`).
/// `null` (204) and text answers have no model to check.
pub fn check<E: Endpoint>(answer: &Value) -> Result<(), ttv_helix::Error> {
    check_items::<E::Item>(E::meta(), answer)
}

fn check_items<T: DeserializeOwned>(meta: &EndpointMeta, answer: &Value) -> Result<(), ttv_helix::Error> {
    if !matches!(meta.response, ResponseMeta::Data { .. }) || !answer.is_object() {
        return Ok(());
    }
    let failed = |path: String, message: String| ttv_helix::Error::Decode { endpoint: meta.name.into(), path, message };
    if let Some(total) = answer.get("total").filter(|t| !t.is_null()) {
        if !total.is_i64() {
            return Err(failed("total".into(), format!("expected a whole number, got {}", kind(total))));
        }
    }
    let items: Vec<(String, &Value)> = match answer.get("data") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) => items.iter().enumerate().map(|(i, v)| (format!("data[{i}]"), v)).collect(),
        Some(one) => vec![("data".to_owned(), one)],
    };
    for (at, item) in items {
        // The fast path; where inside the item it failed is worked out only when it did.
        if T::deserialize(item).is_ok() {
            continue;
        }
        return Err(match serde_path_to_error::deserialize::<_, T>(item) {
            Err(e) => {
                let inner = e.path().to_string();
                let path = if inner == "." { at } else { format!("{at}.{inner}") };
                failed(path, e.inner().to_string())
            }
            Ok(_) => failed(at, "does not match the endpoint's model".into()),
        });
    }
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type GetUsers = ttv_helix::requests::GetUsers;

    #[test]
    fn wrongly_typed_items_fail_with_their_path() {
        let good = json!({"id": "1", "login": "a", "display_name": "A", "type": "", "broadcaster_type": "",
            "description": "", "profile_image_url": "", "offline_image_url": "", "created_at": "2020-01-01T00:00:00Z",
            "extra_field_twitch_added": [1, 2]});
        let mut bad = good.clone();
        bad["login"] = json!(42);
        assert!(check::<GetUsers>(&json!({"data": [good.clone(), good.clone()]})).is_ok());
        let err = check::<GetUsers>(&json!({"data": [good.clone(), good.clone(), bad]})).unwrap_err();
        assert!(matches!(&err, ttv_helix::Error::Decode { path, .. } if path == "data[2].login"), "{err}");
        assert!(check::<GetUsers>(&json!({"data": [7]})).is_err());
        let total = check::<GetUsers>(&json!({"data": [], "total": "many"})).unwrap_err();
        assert!(total.to_string().contains("`total`"), "{total}");
        assert!(check::<GetUsers>(&Value::Null).is_ok(), "204: nothing to check");
    }
}
