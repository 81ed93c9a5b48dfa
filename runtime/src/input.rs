//! Turns a typed request into path, query and body, refusing input that Twitch
//! would refuse (a missing required value, `first` out of range, too many ids,
//! a one-of group with none or several, a value outside its closed set, a
//! string over its length limit) before anything is sent.

use crate::Error;
use serde_json::{Map, Value};
use std::borrow::Cow;
use ttv_meta::{EndpointMeta, Location, ParamMeta, Shape};

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub path: String,
    /// Query pairs in order; keys are the spec's names (or a raw request's own).
    pub query: Vec<(Cow<'static, str>, String)>,
    pub body: Option<Value>,
}

impl Prepared {
    /// The text at a dotted path in the body (`transport.method`), or in the
    /// query for a plain name; `None` when absent or null.
    pub fn value(&self, path: &str) -> Option<String> {
        let mut parts = path.split('.');
        let root = parts.next()?;
        let mut value = match self.body.as_ref().and_then(|b| b.get(root)) {
            Some(v) => v,
            None => return self.query.iter().find(|(k, _)| k == root).map(|(_, v)| v.clone()),
        };
        for part in parts {
            value = value.get(part)?;
        }
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// The cursor this request asks to start after, if any.
    pub fn after(&self) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == "after").map(|(_, v)| v.as_str())
    }

    /// Asks for the page after `cursor` (dropping any `before`).
    pub fn set_after(&mut self, cursor: String) {
        self.query.retain(|(k, _)| k != "after" && k != "before");
        self.query.push(("after".into(), cursor));
    }
}

pub fn prepare(meta: &'static EndpointMeta, request: &impl serde::Serialize) -> Result<Prepared, Error> {
    prepare_fields(meta, fields(meta, request)?)
}

/// Parameters marked `token_user` must name the user of the user token the
/// request goes out with; Twitch refuses anyone else with a 401 that reads
/// like a token problem, so say it plainly before sending.
pub fn check_token_user(meta: &'static EndpointMeta, user_id: &str, prepared: &Prepared) -> Result<(), Error> {
    for p in meta.params.iter().filter(|p| p.token_user) {
        if let Some(other) = prepared.value(p.name).filter(|v| v != user_id) {
            return Err(Error::InvalidInput {
                endpoint: meta.name,
                message: format!(
                    "`{}` must be the id of the token's user ({user_id}), not {other}: Twitch refuses it for anyone else",
                    p.name
                ),
            });
        }
    }
    Ok(())
}

/// With an app token there is no user for the request to stand for: groups
/// in `app_token_at_least_one_of` need one of their parameters given.
pub fn check_app_token_groups(meta: &'static EndpointMeta, prepared: &Prepared) -> Result<(), Error> {
    for group in meta.app_token_at_least_one_of {
        if !group.iter().any(|name| prepared.value(name).is_some()) {
            return Err(Error::InvalidInput {
                endpoint: meta.name,
                message: format!(
                    "with an app token, give at least one of {} (a user token would stand for its own user)",
                    names(group)
                ),
            });
        }
    }
    Ok(())
}

/// The request as a JSON object keyed by API names (absent values left out).
pub fn fields(meta: &'static EndpointMeta, request: &impl serde::Serialize) -> Result<Map<String, Value>, Error> {
    let value = serde_json::to_value(request)
        .map_err(|e| Error::InvalidInput { endpoint: meta.name, message: format!("cannot encode the request: {e}") })?;
    Ok(match value {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}

/// [`prepare`] for a request already turned into [`fields`].
pub fn prepare_fields(meta: &'static EndpointMeta, fields: Map<String, Value>) -> Result<Prepared, Error> {
    let invalid = |message: String| Error::InvalidInput { endpoint: meta.name, message };
    check(meta, &fields).map_err(invalid)?;

    let mut path = meta.path.to_owned();
    let mut query = Vec::new();
    let mut body = Map::new();
    for p in meta.params {
        let Some(v) = fields.get(p.name) else { continue };
        match p.location {
            Location::Query => match v {
                Value::Array(items) => query.extend(items.iter().map(|i| (p.name.into(), scalar(i)))),
                Value::Null => {}
                other => query.push((p.name.into(), scalar(other))),
            },
            Location::Path => {
                path = path.replace(&format!("{{{}}}", p.name), &ttv_meta::form::encode(&scalar(v)));
            }
            Location::Body => {
                body.insert(p.name.to_owned(), v.clone());
            }
        }
    }
    let has_body = meta.params.iter().any(|p| p.location == Location::Body);
    Ok(Prepared { path, query, body: has_body.then_some(Value::Object(body)) })
}

/// How many values a field holds: lists count their items, null and absent
/// count zero. An empty string is a value (refused where it cannot be one,
/// see [`check_not_blank`]): `""` clears an optional body field.
fn count(fields: &Map<String, Value>, name: &str) -> usize {
    match fields.get(name) {
        None | Some(Value::Null) => 0,
        Some(Value::Array(a)) => a.len(),
        Some(_) => 1,
    }
}

fn check(meta: &EndpointMeta, fields: &Map<String, Value>) -> Result<(), String> {
    for p in meta.params {
        check_not_blank(p, fields.get(p.name))?;
        let n = count(fields, p.name);
        if p.required && n == 0 {
            return Err(format!("`{}` is required", p.name));
        }
        if let Some(max) = p.max {
            if n > max as usize {
                return Err(format!("`{}` takes at most {max} values per request, got {n}", p.name));
            }
        }
        if let (Some((lo, hi)), Some(v)) = (p.range, fields.get(p.name).and_then(Value::as_i64)) {
            if v < lo || v > hi {
                return Err(format!("`{}` must be between {lo} and {hi}, got {v}", p.name));
            }
        }
        if is_login_param(p.name) {
            check_logins(p.name, fields.get(p.name))?;
        }
        check_values_and_lengths(p, fields.get(p.name))?;
        if p.location == Location::Body {
            check_inside(p.name, &p.shape, fields.get(p.name))?;
        }
    }
    for group in meta.one_of {
        let given: Vec<&str> = group.iter().copied().filter(|g| count(fields, g) > 0).collect();
        if given.len() != 1 {
            return Err(format!(
                "give exactly one of {} (got {})",
                names(group),
                if given.is_empty() { "none".to_owned() } else { names(&given) }
            ));
        }
    }
    for group in meta.at_least_one_of {
        if group.iter().all(|g| count(fields, g) == 0) {
            return Err(format!("give at least one of {}", names(group)));
        }
    }
    for group in meta.at_most_one_of {
        let given: Vec<&str> = group.iter().copied().filter(|g| count(fields, g) > 0).collect();
        if given.len() > 1 {
            return Err(format!("give at most one of {} (got {})", names(group), names(&given)));
        }
    }
    if let Some((group, max)) = meta.max_total {
        let total: usize = group.iter().map(|g| count(fields, g)).sum();
        if total > max as usize {
            return Err(format!("{} together take at most {max} values per request, got {total}", names(group)));
        }
    }
    Ok(())
}

/// A value given empty is a mistake (an unset shell variable), not "none":
/// Twitch takes `login=` as no login and answers for someone else. Refused:
/// an empty required value, an empty query or path value, and an empty item
/// of any list. Optional body strings may be empty (`""` clears a
/// description or a game), and so may a whole list (`[]` clears tags).
fn check_not_blank(p: &ParamMeta, value: Option<&Value>) -> Result<(), String> {
    let blank = |v: &Value| v.as_str().is_some_and(|s| s.trim().is_empty());
    match value {
        Some(Value::Array(items)) => match items.iter().position(blank) {
            Some(i) => Err(format!(
                "`{}` has an empty value (item {} of {}); give values, or leave the parameter out",
                p.name,
                i + 1,
                items.len()
            )),
            None => Ok(()),
        },
        Some(v) if blank(v) && (p.required || p.location != Location::Body) => {
            Err(format!("`{}` is given empty; give a value, or leave the parameter out", p.name))
        }
        _ => Ok(()),
    }
}

/// Parameters that hold Twitch login names: `login`, `user_login`,
/// `broadcaster_login`, and any other name ending in `_login`.
pub fn is_login_param(name: &str) -> bool {
    name == "login" || name.ends_with("_login")
}

/// Whether `s` can be a Twitch login name: 1 to 25 ASCII letters, digits or underscores.
pub fn is_valid_login(s: &str) -> bool {
    (1..=25).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn check_logins(name: &str, value: Option<&Value>) -> Result<(), String> {
    let values: Vec<&Value> = match value {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
    };
    for v in values {
        let text = scalar(v);
        if !text.is_empty() && !is_valid_login(&text) {
            let shown: String = text.chars().take(40).collect();
            return Err(format!(
                "`{name}` {shown:?} is not a Twitch login name (1 to 25 letters, digits or underscores)"
            ));
        }
    }
    Ok(())
}

/// The spec's closed value set and character limits, for a string or each
/// string of a list (an integer's set too). Twitch answers 400 to either,
/// after the request was spent.
fn check_values_and_lengths(p: &ParamMeta, value: Option<&Value>) -> Result<(), String> {
    check_limits(p.name, &Limits { values: p.values, min_length: p.min_length, max_length: p.max_length }, value)
}

/// A value set and character limits, from a parameter or a type's field.
struct Limits {
    values: &'static [&'static str],
    min_length: Option<u32>,
    max_length: Option<u32>,
}

fn check_limits(name: &str, limits: &Limits, value: Option<&Value>) -> Result<(), String> {
    if limits.values.is_empty() && limits.min_length.is_none() && limits.max_length.is_none() {
        return Ok(());
    }
    let items: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ (Value::String(_) | Value::Number(_))) => vec![v],
        _ => return Ok(()),
    };
    for item in items {
        if !limits.values.is_empty() && matches!(item, Value::String(_) | Value::Number(_)) {
            let text = scalar(item);
            if !limits.values.contains(&text.as_str()) {
                let shown: String = text.chars().take(40).collect();
                return Err(format!("`{name}` must be one of {} (got {shown:?})", limits.values.join(", ")));
            }
        }
        let Value::String(text) = item else { continue };
        let length = text.chars().count();
        if let Some(max) = limits.max_length.filter(|&max| length > max as usize) {
            return Err(format!("`{name}` takes at most {max} characters, got {length}"));
        }
        // An empty optional body string clears the field (see `check_not_blank`).
        if let Some(min) = limits.min_length.filter(|&min| length < min as usize && length > 0) {
            return Err(format!("`{name}` takes at least {min} characters, got {length}"));
        }
    }
    Ok(())
}

/// The limits of the fields inside a body object (a poll choice's title, a
/// transport's secret), named by their path (`choices[1].title`).
fn check_inside(name: &str, shape: &Shape, value: Option<&Value>) -> Result<(), String> {
    let Some(value) = value else { return Ok(()) };
    match (shape.inner(), value) {
        (Shape::List(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check_inside(&format!("{name}[{i}]"), item, Some(v))?;
            }
            Ok(())
        }
        (Shape::Object(t), Value::Object(map)) => {
            for f in t.fields {
                let path = format!("{name}.{}", f.name);
                let limits = Limits { values: f.values, min_length: f.min_length, max_length: f.max_length };
                check_limits(&path, &limits, map.get(f.name))?;
                check_inside(&path, &f.shape, map.get(f.name))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn names(group: &[&str]) -> String {
    group.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get_users() -> &'static EndpointMeta {
        crate::test_meta::find("get-users").expect("the spec has Get Users")
    }

    fn fields_of(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn login_names_are_checked_before_sending() {
        assert!(is_valid_login("ninja") && is_valid_login("User_0042") && is_valid_login("a"));
        assert!(!is_valid_login("") && !is_valid_login("no spaces") && !is_valid_login("émile"));
        assert!(!is_valid_login(&"x".repeat(26)));
        assert!(is_login_param("login") && is_login_param("user_login") && is_login_param("broadcaster_login"));
        assert!(!is_login_param("user_id") && !is_login_param("logins_total"));
        let err = prepare_fields(get_users(), fields_of(json!({"login": ["ninja", "bad name"]}))).unwrap_err();
        assert!(err.to_string().contains("\"bad name\" is not a Twitch login name"), "{err}");
        assert!(prepare_fields(get_users(), fields_of(json!({"login": ["ninja", "user_0042"]}))).is_ok());
    }

    #[test]
    fn empty_values_are_refused_not_taken_for_none() {
        let err = |v: Value| prepare_fields(get_users(), fields_of(v)).expect_err("refused").to_string();
        let one = err(json!({"login": [""]}));
        assert!(one.contains("`login` has an empty value (item 1 of 1)"), "{one}");
        assert!(err(json!({"login": ["a", "", "b"]})).contains("item 2 of 3"));
        assert!(err(json!({"id": ["  "]})).contains("`id` has an empty value"));
        let channel = crate::test_meta::find("modify-channel-information").expect("the spec has it");
        let refused = prepare_fields(channel, fields_of(json!({"broadcaster_id": ""}))).unwrap_err().to_string();
        assert!(refused.contains("`broadcaster_id` is given empty"), "{refused}");
        // An optional body string may be empty: `""` clears the game.
        assert!(prepare_fields(channel, fields_of(json!({"broadcaster_id": "1", "game_id": ""}))).is_ok());
        let streams = crate::test_meta::find("get-streams").expect("the spec has Get Streams");
        let query = prepare_fields(streams, fields_of(json!({"after": ""}))).unwrap_err().to_string();
        assert!(query.contains("`after` is given empty"), "{query}");
    }

    #[test]
    fn closed_value_sets_are_checked_before_sending() {
        let end_poll = crate::test_meta::find("end-poll").expect("written out");
        let with = |status: &str| fields_of(json!({"broadcaster_id": "1", "id": "p", "status": status}));
        let err = prepare_fields(end_poll, with("FOO")).unwrap_err().to_string();
        assert!(err.contains("`status` must be one of TERMINATED, ARCHIVED (got \"FOO\")"), "{err}");
        assert!(prepare_fields(end_poll, with("ARCHIVED")).is_ok());
        let subs = crate::test_meta::find("get-eventsub-subscriptions").expect("written out");
        assert!(prepare_fields(subs, fields_of(json!({"status": "enabled"}))).is_ok());
        assert!(prepare_fields(subs, fields_of(json!({"status": "Enabled"}))).is_err(), "the set is case-sensitive");
    }

    #[test]
    fn string_length_limits_count_characters() {
        let send = crate::test_meta::find("send-chat-message").expect("written out");
        let with = |message: String| fields_of(json!({"broadcaster_id": "1", "message": message}));
        let err = prepare_fields(send, with("x".repeat(600))).unwrap_err().to_string();
        assert!(err.contains("`message` takes at most 500 characters, got 600"), "{err}");
        assert!(prepare_fields(send, with("x".repeat(500))).is_ok());
        // Characters, not bytes: 500 emoji are 2000 bytes.
        assert!(prepare_fields(send, with("\u{1F600}".repeat(500))).is_ok());
    }

    #[test]
    fn limits_inside_body_objects_are_checked_naming_the_path() {
        let create = crate::test_meta::find("create-poll").expect("written out");
        let with = |second: &str| {
            fields_of(json!({
                "broadcaster_id": "1", "title": "Next game?", "duration": 60,
                "choices": [{"title": "Celeste"}, {"title": second}],
            }))
        };
        let err = prepare_fields(create, with(&"x".repeat(26))).unwrap_err().to_string();
        assert!(err.contains("`choices[1].title` takes at most 25 characters, got 26"), "{err}");
        assert!(prepare_fields(create, with(&"x".repeat(25))).is_ok());
    }

    #[test]
    fn an_integer_set_is_checked_before_sending() {
        let update = crate::test_meta::find("update-chat-settings").expect("written out");
        let with = |delay: i64| fields_of(json!({"broadcaster_id": "1", "non_moderator_chat_delay_duration": delay}));
        let err = prepare_fields(update, with(5)).unwrap_err().to_string();
        assert!(err.contains("`non_moderator_chat_delay_duration` must be one of 2, 4, 6 (got \"5\")"), "{err}");
        assert!(prepare_fields(update, with(4)).is_ok());
    }

    #[test]
    fn at_most_one_of_a_group_may_be_given() {
        let subs = crate::test_meta::find("get-eventsub-subscriptions").expect("written out");
        let err =
            prepare_fields(subs, fields_of(json!({"type": "channel.follow", "user_id": "1"}))).unwrap_err().to_string();
        assert!(err.contains("give at most one of `status`, `type`, `user_id` (got `type`, `user_id`)"), "{err}");
        assert!(prepare_fields(subs, fields_of(json!({"type": "channel.follow"}))).is_ok());
        assert!(prepare_fields(subs, fields_of(json!({}))).is_ok(), "none is fine");
    }
}
