//! Turns a typed request into path, query and body, refusing input that Twitch
//! would refuse (a missing required value, `first` out of range, too many ids,
//! a one-of group with none or several) before anything is sent.

use crate::meta::{EndpointMeta, Location};
use crate::Error;
use serde_json::{Map, Value};

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

pub fn prepare(meta: &'static EndpointMeta, request: &impl serde::Serialize) -> Result<Prepared, Error> {
    let invalid = |message: String| Error::InvalidInput { endpoint: meta.name, message };
    let value = serde_json::to_value(request).map_err(|e| invalid(format!("cannot encode the request: {e}")))?;
    let fields = match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    check(meta, &fields).map_err(invalid)?;

    let mut path = meta.path.to_owned();
    let mut query = Vec::new();
    let mut body = Map::new();
    for p in meta.params {
        let Some(v) = fields.get(p.name) else { continue };
        match p.location {
            Location::Query => match v {
                Value::Array(items) => query.extend(items.iter().map(|i| (p.name, scalar(i)))),
                Value::Null => {}
                other => query.push((p.name, scalar(other))),
            },
            Location::Path => {
                path = path.replace(&format!("{{{}}}", p.name), &percent_encode(&scalar(v)));
            }
            Location::Body => {
                body.insert(p.name.to_owned(), v.clone());
            }
        }
    }
    let has_body = meta.params.iter().any(|p| p.location == Location::Body);
    Ok(Prepared { path, query, body: has_body.then_some(Value::Object(body)) })
}

/// How many values a field holds: lists count their items, null and absent count zero.
fn count(fields: &Map<String, Value>, name: &str) -> usize {
    match fields.get(name) {
        None | Some(Value::Null) => 0,
        Some(Value::Array(a)) => a.len(),
        Some(Value::String(s)) if s.is_empty() => 0,
        Some(_) => 1,
    }
}

fn check(meta: &EndpointMeta, fields: &Map<String, Value>) -> Result<(), String> {
    for p in meta.params {
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
    if let Some((group, max)) = meta.max_total {
        let total: usize = group.iter().map(|g| count(fields, g)).sum();
        if total > max as usize {
            return Err(format!("{} together take at most {max} values per request, got {total}", names(group)));
        }
    }
    Ok(())
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

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
