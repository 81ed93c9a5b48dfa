//! Request parameters: the query string (plus `{param}` path segments) and
//! the JSON body, checked against the endpoint's declared parameters the way
//! Helix checks them. Errors are the `message` of a 400 answer.

use std::collections::BTreeMap;

use serde_json::Value;
use ttv_meta::{EndpointMeta, Location, ParamMeta, Shape, TypeMeta};

use crate::entity::Entity;
use ttv_meta::form;

/// Query and path parameters, each name with all its values in order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Params {
    values: BTreeMap<String, Vec<String>>,
}

impl Params {
    pub fn from_query(query: &str) -> Params {
        let mut p = Params::default();
        for (k, v) in form::parse_pairs(query) {
            p.push(k, v);
        }
        p
    }

    pub fn push(&mut self, name: String, value: String) {
        self.values.entry(name).or_default().push(value);
    }

    /// All values of a parameter (empty when absent).
    pub fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first non-empty value of a parameter.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.all(name).iter().map(String::as_str).find(|v| !v.is_empty())
    }

    pub fn has(&self, name: &str) -> bool {
        !self.all(name).is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// Reads the JSON body of an endpoint that declares body fields. An empty
/// body counts as `{}` so that only the required-field check complains.
pub fn parse_body(ep: &EndpointMeta, raw: &[u8]) -> Result<Option<Entity>, String> {
    let wants_body = ep.params.iter().any(|p| p.location == Location::Body);
    if !wants_body {
        return Ok(None);
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(Some(Entity::new()));
    }
    match serde_json::from_slice::<Value>(raw) {
        Ok(Value::Object(m)) => Ok(Some(m)),
        Ok(_) => Err("The request body must be a JSON object".into()),
        Err(e) => Err(format!("The request body is not valid JSON: {e}")),
    }
}

/// How many values a parameter was given, in the query or else the body.
pub fn given(params: &Params, body: Option<&Entity>, name: &str) -> usize {
    if params.has(name) {
        return params.all(name).len();
    }
    match body.and_then(|b| b.get(name)) {
        None | Some(Value::Null) => 0,
        Some(Value::Array(items)) => items.len().max(1),
        Some(_) => 1,
    }
}

/// With an app token there is no user to stand for: each group of
/// `app_token_at_least_one_of` needs a member given.
pub fn check_app_token_groups(ep: &EndpointMeta, params: &Params, body: Option<&Entity>) -> Result<(), String> {
    match ep.app_token_at_least_one_of.iter().find(|group| group.iter().all(|n| given(params, body, n) == 0)) {
        Some(group) => Err(format!("Must provide {} when using an app access token", group.join(" or "))),
        None => Ok(()),
    }
}

/// Non-empty values of a filter parameter, from the query or else the body.
pub fn values_of<'a>(param: &str, params: &'a Params, body: Option<&'a Entity>) -> Vec<&'a str> {
    let from_query: Vec<&str> = params.all(param).iter().map(String::as_str).filter(|v| !v.is_empty()).collect();
    if !from_query.is_empty() {
        return from_query;
    }
    match body.and_then(|b| b.get(param)) {
        Some(Value::String(s)) if !s.is_empty() => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Checks presence, types, ranges, list sizes and parameter groups.
pub fn validate(ep: &EndpointMeta, params: &Params, body: Option<&Entity>) -> Result<(), String> {
    for p in ep.params {
        match p.location {
            Location::Query | Location::Path => check_query_param(p, params)?,
            Location::Body => check_body_field(p, body)?,
        }
        check_value_set_and_length(p, params, body)?;
    }
    let given = |name: &str| given(params, body, name);
    for group in ep.at_most_one_of {
        if group.iter().filter(|n| given(n) > 0).count() > 1 {
            return Err(format!("Only one of {} may be given", group.join(", ")));
        }
    }
    for group in ep.one_of {
        let present = group.iter().filter(|n| given(n) > 0).count();
        if present != 1 {
            return Err(format!("Must provide exactly one of: {}", group.join(", ")));
        }
    }
    for group in ep.at_least_one_of {
        if !group.iter().any(|n| given(n) > 0) {
            return Err(format!("Must provide at least one of: {}", group.join(", ")));
        }
    }
    if let Some((names, max)) = ep.max_total {
        let total: usize = names.iter().map(|n| given(n)).sum();
        if total > max as usize {
            return Err(format!("Too many values: {} together take at most {max}", names.join(", ")));
        }
    }
    Ok(())
}

fn check_query_param(p: &ParamMeta, params: &Params) -> Result<(), String> {
    let values = params.all(p.name);
    if values.is_empty() {
        return if p.required { Err(missing(p.name)) } else { Ok(()) };
    }
    if let Some(max) = p.max {
        if values.len() > max as usize {
            return Err(format!("The parameter \"{}\" may be given at most {max} times", p.name));
        }
    }
    let scalar = match p.shape.inner() {
        Shape::List(inner) => inner.inner(),
        s => s,
    };
    for v in values {
        check_scalar_text(p, scalar, v)?;
    }
    Ok(())
}

/// Checks one textual value of a query parameter against its scalar shape.
fn check_scalar_text(p: &ParamMeta, shape: &Shape, v: &str) -> Result<(), String> {
    match shape {
        Shape::Integer => {
            let i: i64 = v.trim().parse().map_err(|_| malformed(p.name, "must be an integer"))?;
            check_range(p, i)
        }
        Shape::Number => v.trim().parse::<f64>().map(|_| ()).map_err(|_| malformed(p.name, "must be a number")),
        Shape::Boolean => {
            if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
                Ok(())
            } else {
                Err(malformed(p.name, "must be true or false"))
            }
        }
        _ => Ok(()),
    }
}

fn check_range(p: &ParamMeta, i: i64) -> Result<(), String> {
    match p.range {
        Some((lo, hi)) if i < lo || i > hi => {
            Err(malformed(p.name, &format!("the value must be between {lo} and {hi}")))
        }
        _ => Ok(()),
    }
}

fn check_body_field(p: &ParamMeta, body: Option<&Entity>) -> Result<(), String> {
    let value = body.and_then(|b| b.get(p.name));
    match value {
        None => {
            if p.required {
                Err(missing(p.name))
            } else {
                Ok(())
            }
        }
        Some(v) => check_json(p, &p.shape, v),
    }
}

/// Checks the JSON kind of a body value; object fields are not checked deeper.
fn check_json(p: &ParamMeta, shape: &Shape, v: &Value) -> Result<(), String> {
    let ok = match (shape, v) {
        (Shape::Optional(_), Value::Null) => true,
        (Shape::Optional(inner), v) => return check_json(p, inner, v),
        (Shape::Json, _) => true,
        (Shape::String | Shape::DateTime, Value::String(_)) => true,
        (Shape::Integer, Value::Number(n)) => match n.as_i64() {
            Some(i) if !p.values.is_empty() && !p.values.contains(&i.to_string().as_str()) => {
                return Err(malformed(p.name, &format!("the value must be one of {}", p.values.join(", "))));
            }
            Some(i) => return check_range(p, i),
            None => false,
        },
        (Shape::Number, Value::Number(_)) => true,
        (Shape::Boolean, Value::Bool(_)) => true,
        (Shape::Object(t), Value::Object(map)) => return check_fields(p.name, t, map),
        (Shape::List(inner), Value::Array(items)) => {
            if let Some(max) = p.max {
                if items.len() > max as usize {
                    return Err(malformed(p.name, &format!("at most {max} items are allowed")));
                }
            }
            for item in items {
                check_json(p, inner, item)?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(malformed(p.name, &format!("must be {}", shape.describe())))
    }
}

/// The value sets and character limits of an object's fields (a poll
/// choice's title), named by their path as Twitch's 400 would.
fn check_fields(path: &str, t: &TypeMeta, map: &Entity) -> Result<(), String> {
    for f in t.fields {
        let name = format!("{path}.{}", f.name);
        match (f.shape.inner(), map.get(f.name)) {
            (_, Some(Value::String(s))) => {
                if !f.values.is_empty() && !f.values.contains(&s.as_str()) {
                    return Err(malformed(&name, &format!("the value must be one of {}", f.values.join(", "))));
                }
                let length = s.chars().count();
                if f.max_length.is_some_and(|max| length > max as usize)
                    || f.min_length.is_some_and(|min| length < min as usize)
                {
                    return Err(malformed(&name, "the value is too long or too short"));
                }
            }
            (Shape::Object(inner), Some(Value::Object(m))) => check_fields(&name, inner, m)?,
            (Shape::List(item), Some(Value::Array(items))) => {
                if let Shape::Object(inner) = item.inner() {
                    for (i, v) in items.iter().enumerate() {
                        if let Value::Object(m) = v {
                            check_fields(&format!("{name}[{i}]"), inner, m)?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn missing(name: &str) -> String {
    format!("Missing required parameter \"{name}\"")
}

/// The spec's closed value sets and character limits, as Twitch's 400s enforce them.
fn check_value_set_and_length(p: &ParamMeta, params: &Params, body: Option<&Entity>) -> Result<(), String> {
    if p.values.is_empty() && p.min_length.is_none() && p.max_length.is_none() {
        return Ok(());
    }
    for v in values_of(p.name, params, body) {
        if !p.values.is_empty() && !p.values.contains(&v) {
            return Err(malformed(p.name, &format!("the value must be one of {}", p.values.join(", "))));
        }
        let length = v.chars().count();
        if p.max_length.is_some_and(|max| length > max as usize)
            || p.min_length.is_some_and(|min| length < min as usize)
        {
            return Err(malformed(p.name, "the value is too long or too short"));
        }
    }
    Ok(())
}

fn malformed(name: &str, why: &str) -> String {
    format!("The parameter \"{name}\" was malformed: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{GET_CLIPS, GET_USERS, MODIFY_CHANNEL, SEARCH};

    fn body(v: Value) -> Option<Entity> {
        match v {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    #[test]
    fn fields_inside_body_objects_and_integer_sets_are_enforced() {
        use ttv_meta::{AuthClass, FieldMeta, HttpMethod, ResponseMeta};
        static CHOICE: TypeMeta = TypeMeta::new("Choice", &[FieldMeta::new("title", Shape::String).max_length(3)]);
        static POLL: EndpointMeta = EndpointMeta::new(
            "Create Poll",
            "",
            HttpMethod::Post,
            "/polls",
            AuthClass::User,
            ResponseMeta::Data { paginated: false, single: false },
        )
        .params(&[
            ParamMeta::body("choices", Shape::List(&Shape::Object(&CHOICE))),
            ParamMeta::body("delay", Shape::Integer).values(&["2", "4"]),
        ]);
        let none = Params::from_query("");
        let ok = body(serde_json::json!({"choices": [{"title": "abc"}], "delay": 4}));
        assert_eq!(validate(&POLL, &none, ok.as_ref()), Ok(()));
        let long = body(serde_json::json!({"choices": [{"title": "abcd"}]}));
        let err = validate(&POLL, &none, long.as_ref()).unwrap_err();
        assert!(err.contains("\"choices.title\" was malformed"), "{err}");
        let odd = body(serde_json::json!({"delay": 3}));
        let err = validate(&POLL, &none, odd.as_ref()).unwrap_err();
        assert!(err.contains("must be one of 2, 4"), "{err}");
    }

    #[test]
    fn repeated_keys_and_first_value() {
        let p = Params::from_query("id=1&id=2&after=&x=y");
        assert_eq!(p.all("id"), ["1", "2"]);
        assert_eq!(p.first("after"), None);
        assert!(p.has("after"));
        assert_eq!(p.first("x"), Some("y"));
    }

    #[test]
    fn required_params_and_ranges() {
        let ok = Params::from_query("query=ninja&first=5&live_only=true");
        assert_eq!(validate(&SEARCH, &ok, None), Ok(()));
        let err = validate(&SEARCH, &Params::from_query("first=5"), None).unwrap_err();
        assert_eq!(err, "Missing required parameter \"query\"");
        let err = validate(&SEARCH, &Params::from_query("query=a&first=101"), None).unwrap_err();
        assert!(err.contains("between 1 and 100"), "{err}");
        let err = validate(&SEARCH, &Params::from_query("query=a&first=ten"), None).unwrap_err();
        assert!(err.contains("integer"), "{err}");
        let err = validate(&SEARCH, &Params::from_query("query=a&live_only=yes"), None).unwrap_err();
        assert!(err.contains("true or false"), "{err}");
    }

    #[test]
    fn list_maximum_and_shared_total() {
        let many: Vec<String> = (0..101).map(|i| format!("id={i}")).collect();
        let err = validate(&GET_USERS, &Params::from_query(&many.join("&")), None).unwrap_err();
        assert!(err.contains("at most 100 times"), "{err}");
        let mixed: Vec<String> = (0..60).map(|i| format!("id={i}&login=u{i}")).collect();
        let err = validate(&GET_USERS, &Params::from_query(&mixed.join("&")), None).unwrap_err();
        assert!(err.contains("together take at most 100"), "{err}");
    }

    #[test]
    fn exactly_one_of_a_group() {
        let err = validate(&GET_CLIPS, &Params::default(), None).unwrap_err();
        assert!(err.starts_with("Must provide exactly one of"), "{err}");
        let two = Params::from_query("broadcaster_id=1&game_id=2");
        assert!(validate(&GET_CLIPS, &two, None).is_err());
        assert_eq!(validate(&GET_CLIPS, &Params::from_query("game_id=2"), None), Ok(()));
    }

    #[test]
    fn an_app_token_names_a_member_of_each_app_token_group() {
        let err = check_app_token_groups(&GET_USERS, &Params::default(), None).unwrap_err();
        assert_eq!(err, "Must provide id or login when using an app access token");
        assert_eq!(check_app_token_groups(&GET_USERS, &Params::from_query("login=ninja"), None), Ok(()));
        assert_eq!(check_app_token_groups(&GET_CLIPS, &Params::default(), None), Ok(()), "no such group");
    }

    #[test]
    fn body_fields_are_checked() {
        let q = Params::from_query("broadcaster_id=10001");
        assert_eq!(parse_body(&MODIFY_CHANNEL, b"  "), Ok(Some(Entity::new())));
        assert!(parse_body(&MODIFY_CHANNEL, b"{oops").is_err());
        assert!(parse_body(&MODIFY_CHANNEL, b"[1]").is_err());
        assert_eq!(parse_body(&SEARCH, b"{oops"), Ok(None));

        let err = validate(&MODIFY_CHANNEL, &q, body(json!({})).as_ref()).unwrap_err();
        assert_eq!(err, "Missing required parameter \"title\"");
        let good = body(json!({"title": "t", "delay": 5, "tags": ["a"]}));
        assert_eq!(validate(&MODIFY_CHANNEL, &q, good.as_ref()), Ok(()));
        let bad = body(json!({"title": 3}));
        assert!(validate(&MODIFY_CHANNEL, &q, bad.as_ref()).unwrap_err().contains("must be string"));
        let far = body(json!({"title": "t", "delay": 901}));
        assert!(validate(&MODIFY_CHANNEL, &q, far.as_ref()).is_err());
        let tags = body(json!({"title": "t", "tags": ["1", "2", "3"]}));
        assert!(validate(&MODIFY_CHANNEL, &q, tags.as_ref()).unwrap_err().contains("at most 2 items"));
    }

    use serde_json::json;

    #[test]
    fn value_sets_lengths_and_at_most_one_of_are_refused_like_twitch() {
        use ttv_meta::{AuthClass, HttpMethod, ResponseMeta};
        static EP: EndpointMeta = EndpointMeta::new(
            "End Things",
            "end_things",
            HttpMethod::Patch,
            "/things",
            AuthClass::User,
            ResponseMeta::NoContent,
        )
        .params(&[
            ParamMeta::query("status", Shape::String).values(&["ON", "OFF"]),
            ParamMeta::query("type", Shape::String),
            ParamMeta::body("title", Shape::String).max_length(5),
        ])
        .at_most_one_of(&[&["status", "type"]]);
        let err = validate(&EP, &Params::from_query("status=FOO"), None).unwrap_err();
        assert!(err.contains("\"status\" was malformed: the value must be one of ON, OFF"), "{err}");
        assert_eq!(validate(&EP, &Params::from_query("status=ON"), None), Ok(()));
        let err = validate(&EP, &Params::from_query("status=ON&type=x"), None).unwrap_err();
        assert!(err.contains("Only one of status, type"), "{err}");
        let err = validate(&EP, &Params::default(), body(json!({"title": "toolong"})).as_ref()).unwrap_err();
        assert!(err.contains("\"title\" was malformed"), "{err}");
    }
}
