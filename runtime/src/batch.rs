//! Lists longer than one request may carry (100 logins, 100 ids) are split
//! into requests that fit, sent concurrently (at most
//! [`Config::batch_concurrency`](crate::Config::batch_concurrency) at a time),
//! and their answers joined in input order.
//!
//! Which endpoints: GETs whose answer is a plain list, not paginated. There a
//! request for many values is the union of requests for parts of them. For
//! other endpoints (a POST that acts on each id, a paginated search) splitting
//! would change the meaning, so an over-long list is refused as before.
//!
//! How: from the spec alone (`ParamMeta.max` and `EndpointMeta.max_total`).
//! The values of the list(s) that are too long are laid out in order, the
//! lists of one `max_total` group together (Get Users: ids, then logins), and
//! cut greedily into chunks within every limit; each chunk keeps all the other
//! parameters. Two unrelated lists that are both too long cannot be split
//! without changing the meaning (every pair would be needed), so they are
//! refused.
//!
//! A split request is all or nothing: when a part still fails, the call fails
//! with that part's error and returns none of the parts that arrived, so a
//! caller (and the CLI, which then prints nothing and exits non-zero) never
//! takes a partial answer for the whole. Parts rarely fail for sharing the
//! rate limit: a 429 that names its reset is waited out and sent again
//! within [`Config::deadline`](crate::Config::deadline), without using the
//! retry budget, so processes sharing a bucket finish later instead.

use crate::client::Inner;
use crate::input::{fields, prepare_fields};
use crate::Error;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::{Map, Value};
use std::collections::HashMap;
use ttv_meta::{EndpointMeta, HttpMethod, Location, ParamMeta, ResponseMeta};

/// Whether an over-long list may be split into several requests.
pub fn splittable(meta: &EndpointMeta) -> bool {
    meta.http_method == HttpMethod::Get
        && matches!(meta.response, ResponseMeta::Data { paginated: false, single: false, .. })
}

fn len(fields: &Map<String, Value>, name: &str) -> usize {
    match fields.get(name) {
        Some(Value::Array(a)) => a.len(),
        None | Some(Value::Null) => 0,
        Some(_) => 1,
    }
}

fn is_list_param(p: &ParamMeta) -> bool {
    p.location == Location::Query && p.shape.is_list() && p.max.is_some()
}

/// The requests to send instead of `fields`, each within the limits; `None`
/// when one request will do, or when the request cannot be split (then the
/// usual input check refuses it with its message).
pub fn split(meta: &EndpointMeta, fields: &Map<String, Value>) -> Option<Vec<Map<String, Value>>> {
    if !splittable(meta) {
        return None;
    }
    let over: Vec<&ParamMeta> = meta
        .params
        .iter()
        .filter(|p| is_list_param(p) && p.max.is_some_and(|max| len(fields, p.name) > max as usize))
        .collect();
    let group = meta.max_total.filter(|(names, max)| {
        let total: usize = names.iter().map(|n| len(fields, n)).sum();
        total > *max as usize
    });
    let in_group = |name: &str| meta.max_total.is_some_and(|(names, _)| names.contains(&name));
    // The parameters whose values are spread over the chunks.
    let spread: Vec<&ParamMeta> = match group {
        Some(_) => {
            if over.iter().any(|p| !in_group(p.name)) {
                return None;
            }
            meta.params.iter().filter(|p| in_group(p.name) && is_list_param(p)).collect()
        }
        None if over.len() == 1 => {
            if in_group(over[0].name) {
                // Over its own max but not the group's: spread the whole group.
                meta.params.iter().filter(|p| in_group(p.name) && is_list_param(p)).collect()
            } else {
                over
            }
        }
        None => return None,
    };
    if spread.is_empty() {
        return None;
    }
    let group_max = meta.max_total.map(|(_, max)| max as usize);
    let mut chunks: Vec<HashMap<&str, Vec<Value>>> = vec![HashMap::new()];
    let mut totals = vec![0usize];
    for p in &spread {
        let max = p.max.map_or(usize::MAX, |m| m as usize).max(1);
        let values: Vec<Value> = match fields.get(p.name) {
            Some(Value::Array(a)) => a.clone(),
            None | Some(Value::Null) => continue,
            Some(v) => vec![v.clone()],
        };
        for v in values {
            let grouped = in_group(p.name);
            let last = chunks.len() - 1;
            let full = chunks[last].get(p.name).map_or(0, Vec::len) >= max
                || (grouped && group_max.is_some_and(|g| totals[last] >= g.max(1)));
            if full {
                chunks.push(HashMap::new());
                totals.push(0);
            }
            let last = chunks.len() - 1;
            chunks[last].entry(p.name).or_default().push(v);
            if grouped {
                totals[last] += 1;
            }
        }
    }
    // The other parameters go in every request; the spread lists only in part.
    let mut rest = fields.clone();
    for p in &spread {
        rest.remove(p.name);
    }
    let requests = chunks
        .into_iter()
        .map(|chunk| {
            let mut request = rest.clone();
            for p in &spread {
                match chunk.get(p.name) {
                    Some(values) => request.insert(p.name.to_owned(), Value::Array(values.clone())),
                    None => request.remove(p.name),
                };
            }
            request
        })
        .collect();
    Some(requests)
}

/// Reads one answer's body.
pub(crate) type Parse<T> = fn(&EndpointMeta, &[u8]) -> Result<T, Error>;

impl Inner {
    /// Sends a typed request: as it is, or split as [`split`] says. Every part
    /// is checked before any is sent. Each answer is parsed as it arrives
    /// (while others are still on their way); returns them in input order,
    /// or the first error of any part (all or nothing; see the module docs).
    pub(crate) async fn execute_request<T: Send>(
        &self,
        meta: &'static EndpointMeta,
        request: &impl serde::Serialize,
        parse: Parse<T>,
    ) -> Result<Vec<T>, Error> {
        let fields = fields(meta, request)?;
        let Some(chunks) = split(meta, &fields) else {
            let body = self.execute(meta, &prepare_fields(meta, fields)?).await?;
            return Ok(vec![parse(meta, &body)?]);
        };
        let prepared = chunks.into_iter().map(|c| prepare_fields(meta, c)).collect::<Result<Vec<_>, _>>()?;
        let concurrency = self.config.batch_concurrency.max(1);
        tracing::debug!(endpoint = meta.name, requests = prepared.len(), concurrency, "helix batch: list split");
        // The futures are made in a loop, not by a closure over `&Prepared`:
        // that would make the whole call's future not `Send` (a known
        // limitation of higher-ranked closures in async code).
        let mut calls = Vec::with_capacity(prepared.len());
        for p in &prepared {
            calls.push(async move { parse(meta, &self.execute(meta, p).await?) });
        }
        stream::iter(calls).buffered(concurrency).try_collect().await
    }
}

/// Joins the JSON answers of a split request: `data` in order, the other
/// top-level fields from the first answer.
pub fn merge_json(parts: Vec<Value>) -> Value {
    let mut parts = parts.into_iter();
    let Some(mut first) = parts.next() else { return Value::Null };
    let mut data = match first.get_mut("data").map(Value::take) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    };
    for part in parts {
        match part {
            Value::Object(mut map) => match map.remove("data") {
                Some(Value::Array(items)) => data.extend(items),
                Some(Value::Null) | None => {}
                Some(other) => data.push(other),
            },
            _ => continue,
        }
    }
    if let Value::Object(map) = &mut first {
        map.insert("data".into(), Value::Array(data));
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(name: &str) -> &'static EndpointMeta {
        crate::test_meta::find(name).expect("endpoint in the spec")
    }

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn names(n: usize, prefix: &str) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    #[test]
    fn short_lists_go_in_one_request() {
        assert!(split(meta("get-users"), &obj(json!({"login": names(100, "u")}))).is_none());
        assert!(split(meta("get-users"), &obj(json!({}))).is_none());
    }

    #[test]
    fn get_users_respects_the_combined_limit_and_input_order() {
        let fields = obj(json!({"id": names(150, "i"), "login": names(120, "l")}));
        let chunks = split(meta("get-users"), &fields).expect("split");
        assert_eq!(chunks.len(), 3);
        for c in &chunks {
            assert!(len(c, "id") + len(c, "login") <= 100, "{c:?}");
        }
        let flat: Vec<Value> = chunks
            .iter()
            .flat_map(|c| {
                let mut v = c.get("id").and_then(Value::as_array).cloned().unwrap_or_default();
                v.extend(c.get("login").and_then(Value::as_array).cloned().unwrap_or_default());
                v
            })
            .collect();
        let mut expected: Vec<Value> = names(150, "i").into_iter().map(Value::from).collect();
        expected.extend(names(120, "l").into_iter().map(Value::from));
        assert_eq!(flat, expected);
        // The middle chunk carries the last ids and the first logins.
        assert_eq!((len(&chunks[1], "id"), len(&chunks[1], "login")), (50, 50));
    }

    #[test]
    fn ten_thousand_logins_make_one_hundred_requests() {
        let chunks = split(meta("get-users"), &obj(json!({"login": names(10_000, "u")}))).expect("split");
        assert_eq!(chunks.len(), 100);
        assert!(chunks.iter().all(|c| len(c, "login") == 100 && !c.contains_key("id")));
    }

    #[test]
    fn other_parameters_are_kept_in_every_chunk() {
        // Get Channel Information: 100 broadcaster ids a request.
        let fields = obj(json!({"broadcaster_id": names(250, "")}));
        let chunks = split(meta("get-channel-information"), &fields).expect("split");
        assert_eq!(chunks.iter().map(|c| len(c, "broadcaster_id")).collect::<Vec<_>>(), [100, 100, 50]);
    }

    #[test]
    fn paginated_and_changing_endpoints_are_not_split() {
        assert!(!splittable(meta("get-streams")));
        assert!(split(meta("get-streams"), &obj(json!({"user_login": names(150, "u")}))).is_none());
    }

    #[test]
    fn merged_answers_keep_order() {
        let merged = merge_json(vec![json!({"data": [1, 2]}), json!({"data": [3]}), json!({"data": []})]);
        assert_eq!(merged, json!({"data": [1, 2, 3]}));
    }
}
