//! The Helix side of a session: create the wanted subscriptions on it, list
//! the user's subscriptions, delete one, and clear away subscriptions of
//! earlier sessions that stand in the way (409 / 429).
//!
//! All three go through the client's transport (its token, the rate-limit
//! bucket, the retries). A 429 from Create EventSub Subscription with points
//! left in the bucket is Twitch's subscription limit (cost, count, sessions),
//! which only deleting helps: the transport hands it back at once.

use super::events::SubscriptionInfo;
use super::wanted::Wanted;
use crate::client::Inner;
use crate::input::Prepared;
use crate::request::Target;
use crate::Error;
use serde::Deserialize;
use serde_json::{json, Value};
use ttv_meta::HttpMethod;

const PATH: &str = "/eventsub/subscriptions";
const CREATE: &str = "Create EventSub Subscription";
/// Bounds listing (100 a page), so a broken cursor cannot loop.
const MAX_PAGES: usize = 50;

/// A subscription as Get EventSub Subscriptions lists it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Listed {
    #[serde(flatten)]
    pub info: SubscriptionInfo,
    #[serde(default)]
    pub transport: ListedTransport,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ListedTransport {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub session_id: Option<String>,
}

/// Creates `wanted` on `session_id`; returns Twitch's subscription id.
pub(crate) async fn create(inner: &Inner, wanted: &Wanted, session_id: &str) -> Result<String, Error> {
    let body = json!({
        "type": wanted.subscription_type(),
        "version": wanted.version(),
        "condition": wanted.condition(),
        "transport": {"method": "websocket", "session_id": session_id},
    });
    let answer = send_once(inner, &body).await?;
    let id = answer.pointer("/data/0/id").and_then(Value::as_str).unwrap_or_default();
    if id.is_empty() {
        return Err(Error::Decode {
            endpoint: label(CREATE, "POST"),
            path: "data[0].id".into(),
            message: "the answer names no subscription id".into(),
        });
    }
    Ok(id.to_owned())
}

/// Whether a failed create might succeed once old subscriptions are gone.
pub(crate) fn in_the_way(error: &Error) -> bool {
    matches!(error, Error::Helix { status: 409 | 429, .. } | Error::RateLimited { .. })
}

/// Every subscription the token's user has (for a user token: its WebSocket ones).
pub(crate) async fn list(inner: &Inner) -> Result<Vec<Listed>, Error> {
    let target = Target { name: "Get EventSub Subscriptions", method: HttpMethod::Get, path: PATH, body_due: true };
    let mut prepared = Prepared { path: PATH.into(), query: Vec::new(), body: None };
    let mut out = Vec::new();
    for _ in 0..MAX_PAGES {
        let body = inner.authorized(&target, true, &prepared).await?;
        let page: Page = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            endpoint: target.label(),
            path: ".".into(),
            message: e.to_string(),
        })?;
        let empty = page.data.is_empty();
        out.extend(page.data);
        let cursor = page.pagination.cursor.filter(|c| !c.is_empty() && Some(c.as_str()) != prepared.after());
        match cursor {
            Some(cursor) if !empty => prepared.set_after(cursor),
            _ => break,
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    data: Vec<Listed>,
    #[serde(default)]
    pagination: Pagination,
}

#[derive(Default, Deserialize)]
struct Pagination {
    #[serde(default)]
    cursor: Option<String>,
}

/// Deletes subscription `id`; one already gone (404) counts as deleted.
pub(crate) async fn delete(inner: &Inner, id: &str) -> Result<(), Error> {
    let target =
        Target { name: "Delete EventSub Subscription", method: HttpMethod::Delete, path: PATH, body_due: false };
    let prepared = Prepared { path: PATH.into(), query: vec![("id".into(), id.to_owned())], body: None };
    match inner.authorized(&target, true, &prepared).await {
        Ok(_) | Err(Error::Helix { status: 404, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Deletes the user's WebSocket subscriptions on sessions other than `live`
/// that are this program's: ids it created on earlier sessions (`ours`), or
/// the same type, version and condition as one it wants. Others' are left
/// alone. Returns how many were deleted.
pub(crate) async fn delete_orphans(
    inner: &Inner,
    live: &str,
    wanted: &[Wanted],
    ours: &[String],
) -> Result<usize, Error> {
    let orphans: Vec<String> = list(inner)
        .await?
        .into_iter()
        .filter(|s| s.transport.method == "websocket" && s.transport.session_id.as_deref() != Some(live))
        .filter(|s| {
            ours.contains(&s.info.id)
                || wanted.iter().any(|w| w.matches(&s.info.subscription_type, &s.info.version, &s.info.condition))
        })
        .map(|s| s.info.id)
        .collect();
    for id in &orphans {
        delete(inner, id).await?;
    }
    tracing::debug!(count = orphans.len(), "eventsub: deleted subscriptions of earlier sessions");
    Ok(orphans.len())
}

/// One POST through the client's transport (token, bucket, renewal after a
/// 401). A 429 with points left is the subscription limit and comes back at
/// once as `Error::Helix` (transport/mod.rs); POSTs are not retried on 5xx.
async fn send_once(inner: &Inner, body: &Value) -> Result<Value, Error> {
    let target = Target { name: CREATE, method: HttpMethod::Post, path: PATH, body_due: true };
    let prepared = Prepared { path: PATH.into(), query: Vec::new(), body: Some(body.clone()) };
    let answer = inner.authorized(&target, true, &prepared).await?;
    serde_json::from_slice(&answer).map_err(|e| Error::Decode {
        endpoint: label(CREATE, "POST"),
        path: ".".into(),
        message: e.to_string(),
    })
}

fn label(name: &str, method: &str) -> String {
    format!("{name} ({method} {PATH})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helix(status: u16) -> Error {
        Error::Helix {
            endpoint: label(CREATE, "POST"),
            status,
            error: String::new(),
            message: String::new(),
            fields: Box::default(),
        }
    }

    #[test]
    fn only_409_and_429_stand_in_the_way() {
        assert!(in_the_way(&helix(409)));
        assert!(in_the_way(&helix(429)));
        assert!(in_the_way(&Error::RateLimited { endpoint: label(CREATE, "POST"), retries: 0 }));
        assert!(!in_the_way(&helix(400)));
    }
}
